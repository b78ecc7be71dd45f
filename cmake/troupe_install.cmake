# troupe_install.cmake: install rules and the CMake package, so that an installed troupe is used
# with `find_package(troupe 0.1 REQUIRED)` and `target_link_libraries(app PRIVATE troupe::runtime)`.
#
# Layout under the prefix: include/troupe/... (the headers of every layer), lib/libtroupe_*.a,
# lib/cmake/troupe/{troupeConfig,troupeConfigVersion,troupeTargets*,FindCAF}.cmake.
#
# Only the layer targets are exported. troupe_warnings and troupe_kernel_flags stay private: the
# layers link them as $<BUILD_INTERFACE:...>, so install(EXPORT) fails loudly ("requires target
# troupe_warnings that is not in any export set") if one of them ever leaks into a link interface.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The minimum versions troupeConfig.cmake asks for; keep them equal to the top-level
# find_package() calls.
set(TROUPE_CAF_MIN_VERSION 0.17)
set(TROUPE_EIGEN_MIN_VERSION 3.4)

set(TROUPE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/troupe"
    CACHE STRING "Where troupe's CMake package files are installed, relative to the prefix")
mark_as_advanced(TROUPE_INSTALL_CMAKEDIR)

install(TARGETS troupe_runtime troupe_numerics troupe_actors
  EXPORT troupeTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT troupe_development
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT troupe_runtime
          NAMELINK_COMPONENT troupe_development
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT troupe_runtime)

# Each layer's public headers; runtime/src/internal and friends are never installed.
foreach(_troupe_layer runtime numerics actors)
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/${_troupe_layer}/include/"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
    COMPONENT troupe_development
    FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h")
endforeach()

install(EXPORT troupeTargets
  NAMESPACE troupe::
  FILE troupeTargets.cmake
  DESTINATION "${TROUPE_INSTALL_CMAKEDIR}"
  COMPONENT troupe_development)

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/troupeConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/troupeConfig.cmake"
  INSTALL_DESTINATION "${TROUPE_INSTALL_CMAKEDIR}")

# 0.x: a minor release may break the API, so only the same minor version is compatible.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/troupeConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMinorVersion)

install(FILES
    "${PROJECT_BINARY_DIR}/troupeConfig.cmake"
    "${PROJECT_BINARY_DIR}/troupeConfigVersion.cmake"
    "${PROJECT_SOURCE_DIR}/cmake/FindCAF.cmake"
  DESTINATION "${TROUPE_INSTALL_CMAKEDIR}"
  COMPONENT troupe_development)
