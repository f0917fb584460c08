# Label acceptance: each region map's label report must show no overlapping
# labels, no label over a site symbol, and every story site labelled; no label
# nearer to another symbol than to its own, no leader across a label or leader.
foreach(map central-asia central-asia-fa central-asia-ru caucasus horn-of-africa central-europe kashmir arctic-bases world-drone-diplomacy taliban-tajik-border)
  add_test(NAME labels.${map}
    COMMAND sh -c "$<TARGET_FILE:bordermap> render ${CMAKE_SOURCE_DIR}/maps/${map}.yaml --data ${BM_TEST_DATA} -o ${CMAKE_BINARY_DIR}/labels-${map}.png --labels-report ${CMAKE_BINARY_DIR}/labels-${map}.json && python3 ${CMAKE_CURRENT_LIST_DIR}/check_report.py ${CMAKE_BINARY_DIR}/labels-${map}.json && python3 ${CMAKE_CURRENT_LIST_DIR}/check_names.py ${CMAKE_BINARY_DIR}/labels-${map}.json --nearest --leaders")
  set_tests_properties(labels.${map} PROPERTIES FIXTURES_REQUIRED ne_data LABELS labels TIMEOUT 120)
endforeach()

# Scale bars: in each of the four corners the geodesic distance between the
# bar's drawn ends (PROJ's cs2cs and geod on the report's crs and frame) is
# within 1% of its label; a world map gets "Scale varies: ..." and no bar.
foreach(spec africa:--bar europe-lcc:--bar world-eqearth:--world)
  string(REPLACE ":" ";" parts ${spec})
  list(GET parts 0 name)
  list(GET parts 1 flag)
  add_test(NAME labels.scalebar.${name}
    COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/check_scalebar.py $<TARGET_FILE:bordermap> ${BM_TEST_DATA} ${CMAKE_BINARY_DIR} ${CMAKE_CURRENT_LIST_DIR}/specs/${name}.yaml ${flag})
  set_tests_properties(labels.scalebar.${name} PROPERTIES FIXTURES_REQUIRED ne_data LABELS labels TIMEOUT 300)
endforeach()
add_test(NAME labels.scalebar.story
  COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/check_scalebar.py $<TARGET_FILE:bordermap> ${BM_TEST_DATA} ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR}/maps/central-asia.yaml)
set_tests_properties(labels.scalebar.story PROPERTIES FIXTURES_REQUIRED ne_data LABELS labels TIMEOUT 300)

# No paint off the earth (pixels off the earth by PROJ, along the frame's edges, are the
# background) on an Equal Earth world map and an orthographic globe; on a globe framed on
# Canada, the highlight follows the horizon's arc for at least 10 degrees (a chord: ~4).
add_test(NAME labels.earth.world-eqearth
  COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/check_earth.py $<TARGET_FILE:bordermap> ${BM_TEST_DATA} ${CMAKE_BINARY_DIR} ${CMAKE_CURRENT_LIST_DIR}/specs/world-eqearth.yaml)
add_test(NAME labels.earth.globe-atlantic
  COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/check_earth.py $<TARGET_FILE:bordermap> ${BM_TEST_DATA} ${CMAKE_BINARY_DIR} ${CMAKE_CURRENT_LIST_DIR}/specs/globe-atlantic.yaml --globe 0)
add_test(NAME labels.earth.globe-canada
  COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/check_earth.py $<TARGET_FILE:bordermap> ${BM_TEST_DATA} ${CMAKE_BINARY_DIR} ${CMAKE_CURRENT_LIST_DIR}/specs/globe-canada.yaml --globe 10)
set_tests_properties(labels.earth.world-eqearth labels.earth.globe-atlantic labels.earth.globe-canada
  PROPERTIES FIXTURES_REQUIRED ne_data LABELS labels TIMEOUT 300)

# Language editions: the PDF text of the Persian and Russian story maps (pdftotext) has the
# edition's names and none of the English ones, at full size and on a 600 px phone width.
foreach(lang fa ru)
  add_test(NAME labels.edition.${lang}
    COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/check_edition.py $<TARGET_FILE:bordermap> ${BM_TEST_DATA} ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR}/maps/central-asia-${lang}.yaml ${lang})
  set_tests_properties(labels.edition.${lang} PROPERTIES FIXTURES_REQUIRED ne_data LABELS labels TIMEOUT 300)
endforeach()

# Names (issue 10): a capital is not removed by a story site that is not it; a
# region named like a country is not labelled; one river, one name.
foreach(check "dushanbe-airfield:--place Dushanbe" "duplicate-names:--no-region-country"
              "rhine:--one-river Rhin,Rhein,Rhine" "shared-sites:--ties --nearest --leaders")
  string(REPLACE ":" ";" parts "${check}")
  list(GET parts 0 name)
  list(GET parts 1 flags)
  add_test(NAME labels.names.${name}
    COMMAND sh -c "$<TARGET_FILE:bordermap> render ${CMAKE_CURRENT_LIST_DIR}/specs/${name}.yaml --data ${BM_TEST_DATA} -o ${CMAKE_BINARY_DIR}/names-${name}.png --labels-report ${CMAKE_BINARY_DIR}/names-${name}.json && python3 ${CMAKE_CURRENT_LIST_DIR}/check_names.py ${CMAKE_BINARY_DIR}/names-${name}.json ${flags}")
  set_tests_properties(labels.names.${name} PROPERTIES FIXTURES_REQUIRED ne_data LABELS labels TIMEOUT 120)
endforeach()
