# Label acceptance: each region map's label report must show no overlapping
# labels, no label over a site symbol, and every story site labelled.
foreach(map central-asia caucasus horn-of-africa central-europe arctic-bases)
  add_test(NAME labels.${map}
    COMMAND sh -c "$<TARGET_FILE:bordermap> render ${CMAKE_SOURCE_DIR}/maps/${map}.yaml --data ${BM_TEST_DATA} -o ${CMAKE_BINARY_DIR}/labels-${map}.png --labels-report ${CMAKE_BINARY_DIR}/labels-${map}.json && python3 ${CMAKE_CURRENT_LIST_DIR}/check_report.py ${CMAKE_BINARY_DIR}/labels-${map}.json")
  set_tests_properties(labels.${map} PROPERTIES FIXTURES_REQUIRED ne_data LABELS labels TIMEOUT 120)
endforeach()
