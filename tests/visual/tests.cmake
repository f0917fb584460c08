# Visual tests (included from tests/CMakeLists.txt).
#
# For each tests/visual/<case>.yaml, test visual.<case>:
#   1. check_data.sh: the Natural Earth files in BM_TEST_DATA must be the ones the references
#      were drawn from (expected/DATA.sha256); otherwise the test is skipped (exit 77);
#   2. renders <case>.yaml to <build>/tests/visual-out/<case>-actual.png;
#   3. visual_compare against expected/<case>.png, strictly: byte-identical files pass at
#      once; otherwise no pixel may differ by more than 2/255 in any channel. Output is
#      deterministic, so unchanged cases are byte-identical, and one missing label (hundreds
#      of pixels) fails. On failure <case>-diff.png is written beside the actual image and
#      the count and bounding box of the differing pixels are printed.
#
# A case that genuinely needs slack says so in a comment line of its .yaml, with the reason:
#   # visual-compare: tolerance 4 pixels 20
# (per-channel tolerance 0..255, then the number of pixels allowed to exceed it). Keep it far
# below the size of a label (~800 pixels for a country name). No case needs one today.
#
# PDF and SVG: the cases in BM_VISUAL_VECTOR_CASES are also rendered to PDF and SVG,
# rasterised by rasterise.sh (pdftoppm, rsvg-convert) and compared the same way with
# expected/<case>.pdf.png and expected/<case>.svg.png (tests visual.<case>.pdf, .svg).
#
# Redrawing the references (only in a commit that says why):
#   cmake --build <build> --target update_visual_references
# renders every case into tests/visual/expected/ and rewrites expected/DATA.sha256. Look at
# every image before committing.

# (the old fraction-based settings, if an existing build folder still has them)
unset(BM_VISUAL_TOLERANCE CACHE)
unset(BM_VISUAL_MAXFRAC CACHE)
set(bm_vis_default_tolerance 2)
set(bm_vis_default_pixels 0)
set(BM_VISUAL_VECTOR_CASES story story-layers labels-persian furniture-legend world-eqearth)

add_executable(visual_compare ${CMAKE_CURRENT_LIST_DIR}/compare.c)
target_link_libraries(visual_compare PRIVATE PkgConfig::DEPS)

find_program(BM_BASH bash REQUIRED)

# Every visual test needs the data, skips (77) when it is not the references' data, and
# ignores the user's data folder and styles.
function(bm_visual_test_properties test)
  set_tests_properties(${test} PROPERTIES
    FIXTURES_REQUIRED ne_data
    SKIP_RETURN_CODE 77
    TIMEOUT 300
    LABELS visual
    ENVIRONMENT "BORDERMAP_DATA=;BORDERMAP_STYLES=")
endfunction()
set(bm_vis_src ${CMAKE_CURRENT_LIST_DIR})
set(bm_vis_out ${CMAKE_BINARY_DIR}/tests/visual-out)
file(MAKE_DIRECTORY ${bm_vis_out})
file(GLOB bm_vis_cases CONFIGURE_DEPENDS ${bm_vis_src}/*.yaml)
set(bm_vis_update_cmds "")
foreach(yaml IN LISTS bm_vis_cases)
  get_filename_component(name ${yaml} NAME_WE)
  set(actual ${bm_vis_out}/${name}-actual.png)
  set(tolerance ${bm_vis_default_tolerance})
  set(pixels ${bm_vis_default_pixels})
  file(STRINGS ${yaml} allowance REGEX "^# *visual-compare:")
  if(allowance)
    if(allowance MATCHES "^# *visual-compare: *tolerance +([0-9]+) +pixels +([0-9]+) *$")
      set(tolerance ${CMAKE_MATCH_1})
      set(pixels ${CMAKE_MATCH_2})
    else()
      message(FATAL_ERROR "${yaml}: write the allowance as '# visual-compare: tolerance N pixels M', not '${allowance}'")
    endif()
  endif()
  add_test(NAME visual.${name}
    COMMAND ${BM_BASH} -c [[
      "$1" "$2" "$3" || exit $?
      rm -f "$6"
      "$4" render "$5" --data "$3" -o "$6" || { echo "FAIL: cannot render $5"; exit 1; }
      exec "$7" "$8" "$6" "$9" "${10}"
    ]] visual.${name}
      ${bm_vis_src}/check_data.sh ${bm_vis_src}/expected/DATA.sha256 ${BM_TEST_DATA}
      $<TARGET_FILE:bordermap> ${yaml} ${actual}
      $<TARGET_FILE:visual_compare> ${bm_vis_src}/expected/${name}.png
      ${tolerance} ${pixels})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${yaml})
  bm_visual_test_properties(visual.${name})
  list(APPEND bm_vis_update_cmds
    COMMAND $<TARGET_FILE:bordermap> render ${yaml} --data ${BM_TEST_DATA}
            -o ${bm_vis_src}/expected/${name}.png)
  if(name IN_LIST BM_VISUAL_VECTOR_CASES)
    foreach(fmt pdf svg)
      set(vactual ${bm_vis_out}/${name}.${fmt}-actual.png)
      add_test(NAME visual.${name}.${fmt}
        COMMAND ${BM_BASH} -c [[
          "$1" "$2" "$3" || exit $?
          rm -f "$8"
          "$4" "$5" "$6" "$7" "$3" "$8" || { echo "FAIL: cannot render or rasterise $7"; exit 1; }
          exec "$9" "${10}" "$8" "${11}" "${12}"
        ]] visual.${name}.${fmt}
          ${bm_vis_src}/check_data.sh ${bm_vis_src}/expected/DATA.sha256 ${BM_TEST_DATA}
          ${bm_vis_src}/rasterise.sh ${fmt} $<TARGET_FILE:bordermap> ${yaml} ${vactual}
          $<TARGET_FILE:visual_compare> ${bm_vis_src}/expected/${name}.${fmt}.png
          ${tolerance} ${pixels})
      bm_visual_test_properties(visual.${name}.${fmt})
      list(APPEND bm_vis_update_cmds
        COMMAND ${bm_vis_src}/rasterise.sh ${fmt} $<TARGET_FILE:bordermap> ${yaml} ${BM_TEST_DATA}
                ${bm_vis_src}/expected/${name}.${fmt}.png)
    endforeach()
  endif()
endforeach()

add_custom_target(update_visual_references
  ${bm_vis_update_cmds}
  COMMAND ${BM_BASH} -c [[cd "$1" && find . -name '*.shp' -o -name '*.dbf' | sed 's#^\./##' | LC_ALL=C sort | xargs sha256sum > "$2"]]
          update ${BM_TEST_DATA} ${bm_vis_src}/expected/DATA.sha256
  DEPENDS bordermap
  COMMENT "Redrawing tests/visual/expected/*.png from ${BM_TEST_DATA}; look at them before committing"
  VERBATIM)
