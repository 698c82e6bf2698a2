// gl.h: the one include for OpenGL in embedviz (the glad-generated loader).
#pragma once

#include <glad/gl.h>

namespace ev::gfx {

// Loads GL entry points through `get_proc` (glfwGetProcAddress or
// eglGetProcAddress). Returns the GL version as major*10+minor, or 0 on failure.
using GlLoadFn = void (*(*)(const char*))();
int load_gl(GlLoadFn get_proc);

}  // namespace ev::gfx
