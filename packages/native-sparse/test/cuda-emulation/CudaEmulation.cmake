# lth_target_cuda_emulated(<target> SOURCES <.cu files> HEADERS <.cuh files>): the CUDA sources compiled as host C++
# against the emulated runtime of this folder (cuda_runtime.h, cub/), so the addon gets a `cuda` device that runs
# the real kernels with one host thread per CUDA thread. Each file first goes through rewrite-launches.mjs
# (`k<<<g, b>>>(a)` -> `emu_launch(...)`); the rewritten .cuh sit beside the rewritten .cu, so their includes of
# each other find the rewritten copies and `../x.h` resolves through src/cuda on the include path.
# Slow by design (a test target, never a release build): see test/cuda-emulation/README.md.
include_guard(GLOBAL)

function(lth_target_cuda_emulated target)
  cmake_parse_arguments(ARG "" "" "SOURCES;HEADERS" ${ARGN})
  set(emu ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/cuda-emulated/src/cuda)
  file(MAKE_DIRECTORY ${out})
  find_program(LTH_NODE node REQUIRED)
  set(rewritten)
  set(rewritten_headers)
  foreach(f IN LISTS ARG_SOURCES ARG_HEADERS)
    get_filename_component(name ${f} NAME_WE)
    get_filename_component(ext ${f} EXT)
    if(ext STREQUAL ".cu")
      set(o ${out}/${name}.cpp)
      list(APPEND rewritten ${o})
    else()
      set(o ${out}/${name}${ext})
      list(APPEND rewritten_headers ${o})
    endif()
    add_custom_command(OUTPUT ${o}
      COMMAND ${LTH_NODE} ${emu}/rewrite-launches.mjs ${f} ${o}
      DEPENDS ${f} ${emu}/rewrite-launches.mjs
      COMMENT "cuda-emulation: rewriting the launches of ${name}${ext}" VERBATIM)
  endforeach()
  set_source_files_properties(${rewritten_headers} PROPERTIES HEADER_FILE_ONLY ON)
  target_sources(${target} PRIVATE ${rewritten} ${rewritten_headers})
  set_source_files_properties(${rewritten} PROPERTIES
    COMPILE_OPTIONS "-include;${emu}/cuda_runtime.h;-Wno-unknown-pragmas;-Wno-unused-parameter;-Wno-shadow"
    INCLUDE_DIRECTORIES "${emu};${CMAKE_CURRENT_SOURCE_DIR}/src/cuda")
  # <barrier> and <semaphore> of the emulated runtime.
  set_target_properties(${target} PROPERTIES CXX_STANDARD 20)
  target_compile_definitions(${target} PRIVATE LTH_WITH_CUDA=1)
endfunction()
