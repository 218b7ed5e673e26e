# Generates C++ for the import closure of proto/envoy_roots.txt from the pinned upstream
# protos (fetched into ~/.cache/jib by scripts/fetch_protos.sh), as one static library.
execute_process(
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/fetch_protos.sh
  OUTPUT_VARIABLE JIB_PROTO_ROOT OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE fetch_result)
if(NOT fetch_result EQUAL 0)
  message(FATAL_ERROR "scripts/fetch_protos.sh failed")
endif()
execute_process(
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/proto_closure.py
          ${JIB_PROTO_ROOT} ${CMAKE_SOURCE_DIR}/proto/envoy_roots.txt
  OUTPUT_VARIABLE closure_text OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE closure_result)
if(NOT closure_result EQUAL 0)
  message(FATAL_ERROR "proto closure failed")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_SOURCE_DIR}/proto/envoy_roots.txt)
string(REPLACE "\n" ";" JIB_ENVOY_PROTOS "${closure_text}")

set(gen_dir ${CMAKE_BINARY_DIR}/gen)
set(proto_srcs)
foreach(proto ${JIB_ENVOY_PROTOS})
  string(REGEX REPLACE "\\.proto$" "" base ${proto})
  set(outputs ${gen_dir}/${base}.pb.cc ${gen_dir}/${base}.pb.h)
  set(grpc_args)
  file(STRINGS ${JIB_PROTO_ROOT}/${proto} services REGEX "^service ")
  if(services)
    list(APPEND outputs ${gen_dir}/${base}.grpc.pb.cc ${gen_dir}/${base}.grpc.pb.h)
    set(grpc_args --grpc_out=${gen_dir} --plugin=protoc-gen-grpc=${JIB_GRPC_CPP_PLUGIN})
  endif()
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${gen_dir}
    COMMAND protobuf::protoc -I${JIB_PROTO_ROOT} -I${Protobuf_INCLUDE_DIR}
            --cpp_out=${gen_dir} ${grpc_args} ${JIB_PROTO_ROOT}/${proto}
    DEPENDS ${JIB_PROTO_ROOT}/${proto}
    COMMENT "protoc ${proto}"
    VERBATIM)
  list(APPEND proto_srcs ${outputs})
endforeach()

add_library(jib_envoy_protos STATIC ${proto_srcs})
target_include_directories(jib_envoy_protos SYSTEM PUBLIC ${gen_dir})
target_link_libraries(jib_envoy_protos PUBLIC protobuf::libprotobuf gRPC::grpc++)
target_compile_options(jib_envoy_protos PRIVATE -w)
# protoc 3.21 does not escape C++20 keywords: jwt_authn has a field named `requires`. The
# generated code is compiled as C++17; a C++20 file must not include that one header.
set_target_properties(jib_envoy_protos PROPERTIES CXX_STANDARD 17)
