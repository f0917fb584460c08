# CLI tests (included from tests/CMakeLists.txt).
#
# data.fetch unpacks the Natural Earth mirror into BM_TEST_DATA once; it is the ne_data fixture
# that the CLI and visual tests require. Each line of cases.txt is one test, cli.<name>, run by
# run_case.sh (see the top of cases.txt for the format).

add_test(NAME data.fetch
  COMMAND $<TARGET_FILE:bordermap> data fetch --from ${BM_TEST_MIRROR} --data ${BM_TEST_DATA})
set_tests_properties(data.fetch PROPERTIES
  FIXTURES_SETUP ne_data
  TIMEOUT 600
  ENVIRONMENT "BORDERMAP_DATA=;BORDERMAP_NE_MIRROR=")

find_program(BM_BASH bash REQUIRED)
set(BM_CLI_CASES ${CMAKE_CURRENT_LIST_DIR}/cases.txt)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${BM_CLI_CASES})
file(STRINGS ${BM_CLI_CASES} bm_cli_lines ENCODING UTF-8)
set(bm_cli_seen "")
foreach(line IN LISTS bm_cli_lines)
  if(line MATCHES "^[ \t]*(#|$)")
    continue()
  endif()
  if(NOT line MATCHES "^[ \t]*(xfail[ \t]+)?([A-Za-z0-9_.-]+)[ \t]*\\|")
    message(FATAL_ERROR "tests/cli/cases.txt: cannot read the case name in: ${line}")
  endif()
  set(xfail "${CMAKE_MATCH_1}")
  set(name "${CMAKE_MATCH_2}")
  if(name IN_LIST bm_cli_seen)
    message(FATAL_ERROR "tests/cli/cases.txt: case '${name}' is defined twice")
  endif()
  list(APPEND bm_cli_seen ${name})
  add_test(NAME cli.${name}
    COMMAND ${BM_BASH} ${CMAKE_CURRENT_LIST_DIR}/run_case.sh ${name})
  set_tests_properties(cli.${name} PROPERTIES
    FIXTURES_REQUIRED ne_data
    TIMEOUT 120
    LABELS cli
    ENVIRONMENT "BM_BIN=$<TARGET_FILE:bordermap>;BM_DATA=${BM_TEST_DATA};BM_SRC=${CMAKE_SOURCE_DIR};BM_CASES=${BM_CLI_CASES};BM_TMPROOT=${CMAKE_BINARY_DIR}/test-tmp/cli")
  if(xfail)
    # a known bug: the case fails today; when it passes, ctest reports it so the marker goes
    set_tests_properties(cli.${name} PROPERTIES WILL_FAIL TRUE LABELS "cli;known-bug")
  endif()
endforeach()
