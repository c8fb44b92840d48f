# Helpers shared by every CMakeLists.txt of the project.

# `cmake --build <dir> --target shepherd-unit-tests` builds only the unit test binaries (what the
# sanitizer build of hack/test needs), not the operator, the benchmarks or the integration tests.
add_custom_target(shepherd-unit-tests)

# shepherd_test(NAME <name> LABEL unit|integration|e2e SOURCES <files...> LIBS <targets...>
#               [TIMEOUT <seconds>])
# Builds a GoogleTest binary and registers it with ctest under the label. Integration and e2e tests
# need the control plane that the `control-plane` fixture brings up (tests/CMakeLists.txt), and
# run serially so that they share it without fighting for two cores.
function(shepherd_test)
  cmake_parse_arguments(T "" "NAME;LABEL;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  set_target_properties(${T_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(T_LABEL STREQUAL "unit")
    add_dependencies(shepherd-unit-tests ${T_NAME})
  endif()
  if(NOT T_TIMEOUT)
    if(T_LABEL STREQUAL "unit")
      set(T_TIMEOUT 300)
    else()
      set(T_TIMEOUT 1200)
    endif()
  endif()
  set_tests_properties(${T_NAME} PROPERTIES LABELS ${T_LABEL} TIMEOUT ${T_TIMEOUT})
  if(NOT T_LABEL STREQUAL "unit")
    set_tests_properties(${T_NAME} PROPERTIES FIXTURES_REQUIRED control-plane RESOURCE_LOCK control-plane
                         ENVIRONMENT "${SHEPHERD_TEST_ENV}")
  endif()
endfunction()
