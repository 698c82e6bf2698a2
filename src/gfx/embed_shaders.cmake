# embed_shaders.cmake: run with `cmake -P` at build time. Reads every .vert
# and .frag file in SHADER_DIR and writes OUT, a .cpp that holds
# them as raw string literals, so the program finds its shaders from any
# working directory. Not for anything but shader text.
file(GLOB SHADERS "${SHADER_DIR}/*.vert" "${SHADER_DIR}/*.frag")
list(SORT SHADERS)
set(body "")
foreach(path IN LISTS SHADERS)
  get_filename_component(name "${path}" NAME)
  file(READ "${path}" text)
  string(FIND "${text}" ")evshader\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${path} contains the literal delimiter )evshader\"")
  endif()
  string(APPEND body "    {\"${name}\", R\"evshader(${text})evshader\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from shaders/ by embed_shaders.cmake: do not edit.\n"
  "#include \"gfx/shader.h\"\n\n#include <cstring>\n\nnamespace ev::gfx {\n\n"
  "namespace {\nstruct Embedded { const char* name; const char* text; };\n"
  "const Embedded kShaders[] = {\n${body}};\n}  // namespace\n\n"
  "const char* embedded_shader(const char* name) {\n"
  "  for (const Embedded& s : kShaders)\n"
  "    if (std::strcmp(s.name, name) == 0) return s.text;\n"
  "  return nullptr;\n}\n\n}  // namespace ev::gfx\n")
# Only touch OUT when it changed, so an unrelated rebuild compiles nothing.
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")
