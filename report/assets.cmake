# Included from the top-level CMakeLists.txt: embeds the report's JavaScript (vega, vega-lite,
# vega-embed from report/node_modules, pinned by report/package-lock.json) and its template
# (report/report.css, report/report.js) into the engine library as a generated C++ source,
# so `amorce report` needs no network and no file next to the binary at run time.
# When the npm packages are missing and npm exists, `npm ci` runs once here. Without them the
# library is built with empty assets and `amorce report` fails with a clear message (exit 1);
# AMORCE_ASSET_DIR can then point at a directory holding the three .min.js files.
set(AMORCE_REPORT_DIR ${CMAKE_CURRENT_SOURCE_DIR}/report)
set(AMORCE_REPORT_JS
  ${AMORCE_REPORT_DIR}/node_modules/vega/build/vega.min.js
  ${AMORCE_REPORT_DIR}/node_modules/vega-lite/build/vega-lite.min.js
  ${AMORCE_REPORT_DIR}/node_modules/vega-embed/build/vega-embed.min.js)
set(_amorce_js_missing OFF)
foreach(f ${AMORCE_REPORT_JS})
  if(NOT EXISTS ${f})
    set(_amorce_js_missing ON)
  endif()
endforeach()
if(_amorce_js_missing)
  find_program(AMORCE_NPM npm)
  if(AMORCE_NPM)
    message(STATUS "report: installing vega, vega-lite, vega-embed (npm ci in report/)")
    execute_process(COMMAND ${AMORCE_NPM} ci --no-audit --no-fund --loglevel=error
                    WORKING_DIRECTORY ${AMORCE_REPORT_DIR} RESULT_VARIABLE _amorce_npm_rc)
    if(NOT _amorce_npm_rc EQUAL 0)
      message(WARNING "report: npm ci failed in report/ (${_amorce_npm_rc}); `amorce report` will not be available")
    endif()
  else()
    message(WARNING "report: npm not found and report/node_modules missing; `amorce report` will not be available "
                    "(run `npm ci --prefix report` and re-configure)")
  endif()
endif()
set(_amorce_asset_deps ${AMORCE_REPORT_DIR}/embed_assets.cmake ${AMORCE_REPORT_DIR}/report.css ${AMORCE_REPORT_DIR}/report.js
    ${AMORCE_REPORT_DIR}/serve.html ${AMORCE_REPORT_DIR}/serve.css ${AMORCE_REPORT_DIR}/serve.js)
foreach(f ${AMORCE_REPORT_JS})
  if(EXISTS ${f})
    list(APPEND _amorce_asset_deps ${f})
  endif()
endforeach()
set(AMORCE_REPORT_ASSETS_CPP ${CMAKE_CURRENT_BINARY_DIR}/generated/report_assets.cpp)
add_custom_command(
  OUTPUT ${AMORCE_REPORT_ASSETS_CPP}
  COMMAND ${CMAKE_COMMAND} -DREPORT_DIR=${AMORCE_REPORT_DIR} -DOUT=${AMORCE_REPORT_ASSETS_CPP}
          -P ${AMORCE_REPORT_DIR}/embed_assets.cmake
  DEPENDS ${_amorce_asset_deps}
  COMMENT "Embedding the report's JavaScript and template"
  VERBATIM)
