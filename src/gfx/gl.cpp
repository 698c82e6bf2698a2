// gl.cpp: loading GL entry points with glad.
#include "gfx/gl.h"

namespace ev::gfx {

int load_gl(GlLoadFn get_proc) {
  const int v = gladLoadGL(reinterpret_cast<GLADloadfunc>(get_proc));
  return v ? GLAD_VERSION_MAJOR(v) * 10 + GLAD_VERSION_MINOR(v) : 0;
}

}  // namespace ev::gfx
