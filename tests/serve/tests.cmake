# `bordermap serve` (included from tests/CMakeLists.txt).
#   serve.browser  the page in headless Chromium: a title edit is on the page within 3 s, a
#                  broken spec shows the CLI's error line over the last good map, recovery
#   serve.http     the same loop with --poll over plain HTTP, and the request bounds
# Debian's python3 runs them: python3-selenium is installed for it (scripts/test.sh). They
# run alone (RUN_SERIAL), so that the 3 s budget measures the server, not the other tests.
find_program(BM_DEBIAN_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT BM_DEBIAN_PYTHON)
  set(BM_DEBIAN_PYTHON python3)
endif()
foreach(mode browser http)
  add_test(NAME serve.${mode}
    COMMAND ${BM_DEBIAN_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/serve_test.py ${mode}
            $<TARGET_FILE:bordermap> ${BM_TEST_DATA} ${CMAKE_SOURCE_DIR}
            ${CMAKE_BINARY_DIR}/test-tmp/serve)
  set_tests_properties(serve.${mode} PROPERTIES FIXTURES_REQUIRED ne_data SKIP_RETURN_CODE 77
                       TIMEOUT 400 RUN_SERIAL TRUE LABELS serve)
endforeach()
