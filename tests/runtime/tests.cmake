# Set-up and install tests (included from tests/CMakeLists.txt).
#   setup.runtime_packages  every system file the story render opens comes from a package
#                           that scripts/setup.sh installs; a missing font names its package
#   install.moved_prefix    cmake --install to a staging DESTDIR, moved, story map rendered
#                           from it with the source tree hidden, the example built through
#                           pkg-config against it
find_program(BM_BASH bash REQUIRED)
add_test(NAME setup.runtime_packages
  COMMAND ${BM_BASH} ${CMAKE_CURRENT_LIST_DIR}/packages.sh $<TARGET_FILE:bordermap>
          ${CMAKE_SOURCE_DIR} ${BM_TEST_DATA})
set_tests_properties(setup.runtime_packages PROPERTIES
  FIXTURES_REQUIRED ne_data SKIP_RETURN_CODE 77 TIMEOUT 120 LABELS setup
  ENVIRONMENT "BORDERMAP_FONTS=;BORDERMAP_HOME=")

add_test(NAME install.moved_prefix
  COMMAND ${BM_BASH} ${CMAKE_CURRENT_LIST_DIR}/install.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR}
          ${BM_TEST_DATA})
set_tests_properties(install.moved_prefix PROPERTIES
  FIXTURES_REQUIRED ne_data TIMEOUT 300 LABELS setup
  ENVIRONMENT "BORDERMAP_FONTS=;BORDERMAP_HOME=;BORDERMAP_DATA=")

add_test(NAME docs.manpage
  COMMAND ${BM_BASH} ${CMAKE_CURRENT_LIST_DIR}/manpage.sh ${CMAKE_SOURCE_DIR}
          ${CMAKE_BINARY_DIR}/generated/bordermap.1 $<TARGET_FILE:bordermap>)
set_tests_properties(docs.manpage PROPERTIES TIMEOUT 60 LABELS docs)

# The public interface, through the shared library only.
add_executable(api_test ${CMAKE_CURRENT_LIST_DIR}/../api/api_test.c)
target_include_directories(api_test PRIVATE ${CMAKE_SOURCE_DIR}/include)
target_link_libraries(api_test PRIVATE bordermap_shared PkgConfig::CMOCKA)
target_compile_definitions(api_test PRIVATE
  BM_TEST_DATA="${BM_TEST_DATA}" BM_TEST_TMP="${CMAKE_BINARY_DIR}/test-tmp"
  BM_EXPECTED_VERSION="${PROJECT_VERSION}")
add_test(NAME api.api_test COMMAND api_test)
set_tests_properties(api.api_test PROPERTIES FIXTURES_REQUIRED ne_data TIMEOUT 120 LABELS api
  ENVIRONMENT "BORDERMAP_HOME=;BORDERMAP_DATA=;BORDERMAP_STYLES=")
