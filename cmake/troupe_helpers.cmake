# Warnings live on a private interface target, never in global flags.
add_library(troupe_warnings INTERFACE)
target_compile_options(troupe_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wno-unused-parameter>)

# Kernels: -O3 and, for the project's own builds, the host's vector ISA.
add_library(troupe_kernel_flags INTERFACE)
target_compile_options(troupe_kernel_flags INTERFACE
  $<$<NOT:$<CONFIG:Debug>>:-O3>
  $<$<BOOL:${TROUPE_NATIVE_ISA}>:-march=native>)

# troupe_add_library(NAME layer SOURCES ... DEPS ...): a layer target `troupe_<layer>` with
# alias troupe::<layer>, public headers in <layer>/include.
function(troupe_add_library layer)
  cmake_parse_arguments(arg "" "" "SOURCES;DEPS" ${ARGN})
  add_library(troupe_${layer} ${arg_SOURCES})
  add_library(troupe::${layer} ALIAS troupe_${layer})
  set_target_properties(troupe_${layer} PROPERTIES
    EXPORT_NAME ${layer} OUTPUT_NAME troupe_${layer} POSITION_INDEPENDENT_CODE ON)
  target_include_directories(troupe_${layer} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:include>)
  target_compile_features(troupe_${layer} PUBLIC cxx_std_20)
  target_link_libraries(troupe_${layer} PUBLIC ${arg_DEPS} PRIVATE $<BUILD_INTERFACE:troupe_warnings>)
endfunction()
