# Fuzz harnesses for the spec parser, the shapefile reader and the OGR site-file reader.
# Always: a plain-main reproducer that runs each harness over its seed corpus
# (a regression test, part of the suite). With clang (-DBM_FUZZ=ON, see
# scripts/test.sh): libFuzzer builds, run for a short time by the test script.
foreach(h spec shp sites)
  add_executable(fuzz_${h}_repro ${CMAKE_CURRENT_LIST_DIR}/fuzz_${h}.c ${CMAKE_CURRENT_LIST_DIR}/reproduce.c)
  target_link_libraries(fuzz_${h}_repro PRIVATE bordermap_lib)
  file(GLOB corpus CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/corpus/${h}/*)
  add_test(NAME fuzz.${h}.corpus COMMAND fuzz_${h}_repro ${corpus})
  set_tests_properties(fuzz.${h}.corpus PROPERTIES LABELS fuzz TIMEOUT 120)
  if(BM_FUZZ)
    add_executable(fuzz_${h} ${CMAKE_CURRENT_LIST_DIR}/fuzz_${h}.c)
    target_compile_options(fuzz_${h} PRIVATE -fsanitize=fuzzer)
    target_link_options(fuzz_${h} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(fuzz_${h} PRIVATE bordermap_lib)
  endif()
endforeach()
