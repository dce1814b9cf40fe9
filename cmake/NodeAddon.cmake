# lth_add_node_addon(<target> SOURCES ...): a Node-API addon built by cmake-js with node-addon-api,
# C++17 and C++ exceptions on (node-addon-api's NAPI_CPP_EXCEPTIONS), output <target>.node.
include_guard(GLOBAL)

if(NOT CMAKE_JS_INC)
  message(FATAL_ERROR "Configure this project through cmake-js (npm run build), which provides the Node-API headers.")
endif()

execute_process(
  COMMAND node -p "require('path').dirname(require.resolve('node-addon-api/package.json'))"
  WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
  OUTPUT_VARIABLE LTH_NODE_ADDON_API_DIR
  OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE _naa_rc)
if(NOT _naa_rc EQUAL 0 OR NOT EXISTS "${LTH_NODE_ADDON_API_DIR}/napi.h")
  message(FATAL_ERROR "node-addon-api not found (npm install first). Got: '${LTH_NODE_ADDON_API_DIR}'")
endif()

function(lth_add_node_addon target)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  add_library(${target} SHARED ${ARG_SOURCES} ${CMAKE_JS_SRC})
  set_target_properties(${target} PROPERTIES PREFIX "" SUFFIX ".node"
    CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON CXX_VISIBILITY_PRESET hidden POSITION_INDEPENDENT_CODE ON)
  target_include_directories(${target} SYSTEM PRIVATE ${CMAKE_JS_INC} ${LTH_NODE_ADDON_API_DIR})
  # Node-API 8 is enough for everything here and is in every supported Node.
  target_compile_definitions(${target} PRIVATE NAPI_VERSION=8 NAPI_CPP_EXCEPTIONS NODE_ADDON_API_DISABLE_DEPRECATED)
  target_link_libraries(${target} PRIVATE ${CMAKE_JS_LIB})
  if(MSVC AND CMAKE_JS_NODELIB_DEF AND CMAKE_JS_NODELIB_TARGET)
    execute_process(COMMAND ${CMAKE_AR} /def:${CMAKE_JS_NODELIB_DEF} /out:${CMAKE_JS_NODELIB_TARGET} ${CMAKE_STATIC_LINKER_FLAGS})
  endif()
endfunction()
