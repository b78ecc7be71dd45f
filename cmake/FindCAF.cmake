# FindCAF.cmake: locates the C++ Actor Framework (CAF) 0.17 and creates the imported targets
# CAF::core, CAF::io and CAF::openssl.
#
# Debian ships CAF without a CMake package. Coarray Fortran also installs libraries named
# libcaf_* (libcaf_mpi, libcaf_openmpi, ...) and a pkg-config file named `caf`, so this module
# never uses pkg-config and only accepts a core library that sits beside caf/config.hpp's
# matching version header.
#
# Variables: CAF_FOUND, CAF_VERSION, CAF_INCLUDE_DIR, CAF_<C>_LIBRARY for C in CORE IO OPENSSL.
# Hints: CAF_ROOT_DIR (or the CAF_ROOT environment variable).

include(FindPackageHandleStandardArgs)

find_path(CAF_INCLUDE_DIR
  NAMES caf/config.hpp caf/actor_system.hpp
  HINTS ${CAF_ROOT_DIR} $ENV{CAF_ROOT}
  PATH_SUFFIXES include)

if(CAF_INCLUDE_DIR AND EXISTS "${CAF_INCLUDE_DIR}/caf/config.hpp")
  file(STRINGS "${CAF_INCLUDE_DIR}/caf/config.hpp" _caf_version_line
       REGEX "^#define CAF_VERSION [0-9]+")
  if(_caf_version_line MATCHES "CAF_VERSION ([0-9]+)")
    math(EXPR _caf_major "${CMAKE_MATCH_1} / 10000")
    math(EXPR _caf_minor "(${CMAKE_MATCH_1} / 100) % 100")
    math(EXPR _caf_patch "${CMAKE_MATCH_1} % 100")
    set(CAF_VERSION "${_caf_major}.${_caf_minor}.${_caf_patch}")
  endif()
endif()

# Only the three CAF components; explicit names keep Coarray Fortran's libcaf_mpi and
# libcaf_openmpi out, whatever order the library directories come in.
foreach(_comp core io openssl)
  string(TOUPPER ${_comp} _COMP)
  find_library(CAF_${_COMP}_LIBRARY
    NAMES caf_${_comp}
    HINTS ${CAF_ROOT_DIR} $ENV{CAF_ROOT}
    PATH_SUFFIXES lib lib64)
  if(CAF_${_COMP}_LIBRARY)
    set(CAF_${_comp}_FOUND TRUE)
  endif()
endforeach()

# CAF_VERSION is required too: without it FPHSA would accept any version request.
find_package_handle_standard_args(CAF
  REQUIRED_VARS CAF_CORE_LIBRARY CAF_IO_LIBRARY CAF_INCLUDE_DIR CAF_VERSION
  VERSION_VAR CAF_VERSION
  HANDLE_COMPONENTS)

if(CAF_FOUND)
  find_package(Threads REQUIRED)
  if(NOT TARGET CAF::core)
    add_library(CAF::core UNKNOWN IMPORTED)
    set_target_properties(CAF::core PROPERTIES
      IMPORTED_LOCATION "${CAF_CORE_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES Threads::Threads)
  endif()
  if(NOT TARGET CAF::io)
    add_library(CAF::io UNKNOWN IMPORTED)
    set_target_properties(CAF::io PROPERTIES
      IMPORTED_LOCATION "${CAF_IO_LIBRARY}"
      INTERFACE_LINK_LIBRARIES CAF::core)
  endif()
  if(CAF_OPENSSL_LIBRARY AND NOT TARGET CAF::openssl)
    add_library(CAF::openssl UNKNOWN IMPORTED)
    set_target_properties(CAF::openssl PROPERTIES
      IMPORTED_LOCATION "${CAF_OPENSSL_LIBRARY}"
      INTERFACE_LINK_LIBRARIES CAF::io)
  endif()
endif()

mark_as_advanced(CAF_INCLUDE_DIR CAF_CORE_LIBRARY CAF_IO_LIBRARY CAF_OPENSSL_LIBRARY)
