# Drives the consumer test (cmake -P): installs the current build tree to a fresh prefix, then
# configures, builds and runs tests/consumer/project against it with find_package(troupe).
#
# Inputs (-D): TROUPE_BUILD_DIR, PREFIX, CONSUMER_SOURCE, CONSUMER_BUILD, CONFIG, GENERATOR,
# CXX_COMPILER, CXX_COMPILER_LAUNCHER, CXX_FLAGS, EXE_LINKER_FLAGS.
# Each step that fails names itself: "consumer test: <step> failed".

foreach(_var TROUPE_BUILD_DIR PREFIX CONSUMER_SOURCE CONSUMER_BUILD GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${_var} OR "${${_var}}" STREQUAL "")
    message(FATAL_ERROR "consumer test: ${_var} not set (this script is run by ctest)")
  endif()
endforeach()

function(step name)
  message(STATUS "consumer test: ${name}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "consumer test: ${name} failed (${rc})")
  endif()
endfunction()

# A clean prefix and consumer build each time: stale files must not hide a missing install rule.
file(REMOVE_RECURSE "${PREFIX}" "${CONSUMER_BUILD}")

set(_config_arg "")
if(CONFIG)
  set(_config_arg --config "${CONFIG}")
endif()
step("install the build tree to ${PREFIX}"
  "${CMAKE_COMMAND}" --install "${TROUPE_BUILD_DIR}" --prefix "${PREFIX}" ${_config_arg})

foreach(_file include/troupe/troupe.hpp)
  if(NOT EXISTS "${PREFIX}/${_file}")
    message(FATAL_ERROR "consumer test: install is missing ${_file}")
  endif()
endforeach()
file(GLOB_RECURSE _private RELATIVE "${PREFIX}" "${PREFIX}/include/*internal*")
if(_private)
  message(FATAL_ERROR "consumer test: private headers were installed: ${_private}")
endif()

# Same compiler and flags as the tree under test (a sanitizer build needs its runtime at link),
# but no C++ standard: that must come from troupe's exported targets.
step("configure the consumer project with find_package(troupe)"
  "${CMAKE_COMMAND}" -S "${CONSUMER_SOURCE}" -B "${CONSUMER_BUILD}" -G "${GENERATOR}"
  "-DCMAKE_PREFIX_PATH=${PREFIX}"
  "-DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON"
  "-DTROUPE_EXPECTED_PREFIX=${PREFIX}"
  "-DCMAKE_BUILD_TYPE=${CONFIG}"
  "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
  "-DCMAKE_CXX_COMPILER_LAUNCHER=${CXX_COMPILER_LAUNCHER}"
  "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
  "-DCMAKE_EXE_LINKER_FLAGS=${EXE_LINKER_FLAGS}")

step("build the consumer project"
  "${CMAKE_COMMAND}" --build "${CONSUMER_BUILD}" ${_config_arg})

# Multi-config generators put the executable in a per-config folder.
find_program(_exe troupe_consumer
  PATHS "${CONSUMER_BUILD}" "${CONSUMER_BUILD}/${CONFIG}" NO_DEFAULT_PATH NO_CACHE)
if(NOT _exe)
  message(FATAL_ERROR "consumer test: built, but no troupe_consumer executable in ${CONSUMER_BUILD}")
endif()
step("run the consumer program" "${_exe}" --threads 2)
