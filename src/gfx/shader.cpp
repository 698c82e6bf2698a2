// shader.cpp: compiling and linking GLSL, with readable errors.
#include "gfx/shader.h"

#include <algorithm>
#include <cmath>

#include "core/base/error.h"
#include "gfx/gl.h"

namespace ev::gfx {

namespace {

// The driver's log as one line (newlines become " | ").
std::string one_line(std::string log) {
  while (!log.empty() && (log.back() == '\n' || log.back() == '\r' || log.back() == '\0')) log.pop_back();
  std::string out;
  for (char c : log) {
    if (c == '\n') out += " | ";
    else if (c != '\r') out += c;
  }
  return out;
}

// The driver's log for a shader or a program (getiv/get_log: the shader's or
// the program's query functions), on one line.
template <class GetIv, class GetLog>
std::string info_log(GLuint id, GetIv getiv, GetLog get_log) {
  GLint len = 0;
  getiv(id, GL_INFO_LOG_LENGTH, &len);
  std::string log(std::size_t(std::max(len, 1)), '\0');
  get_log(id, len, nullptr, log.data());
  return one_line(log);
}

GLuint compile(GLenum type, const char* src, const char* name) {
  if (!src) throw Error(std::string("shader ") + name + ": no such shader embedded");
  const GLuint s = glCreateShader(type);
  glShaderSource(s, 1, &src, nullptr);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    const std::string log = info_log(s, glGetShaderiv, glGetShaderInfoLog);
    glDeleteShader(s);
    throw Error(std::string("shader ") + name + " does not compile: " + log);
  }
  return s;
}

}  // namespace

bool gl_ready() {
  return glad_glCreateShader != nullptr && glad_glDrawArrays != nullptr && glad_glTexImage2D != nullptr;
}

Program Program::from_files(const char* vert_name, const char* frag_name) {
  return from_source(embedded_shader(vert_name), embedded_shader(frag_name), vert_name, frag_name);
}

Program Program::from_source(const char* vert_src, const char* frag_src, const char* vert_name,
                             const char* frag_name) {
  const GLuint vs = compile(GL_VERTEX_SHADER, vert_src, vert_name);
  GLuint fs = 0;
  try {
    fs = compile(GL_FRAGMENT_SHADER, frag_src, frag_name);
  } catch (...) {
    glDeleteShader(vs);
    throw;
  }
  Program p;
  p.id_ = GlObject::create(GlKind::Program);
  const GLuint id = p.id();
  glAttachShader(id, vs);
  glAttachShader(id, fs);
  glLinkProgram(id);
  glDeleteShader(vs);  // flagged for deletion; freed with the program
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(id, GL_LINK_STATUS, &ok);
  if (!ok)
    throw Error(std::string("shaders ") + vert_name + " + " + frag_name +
                " do not link: " + info_log(id, glGetProgramiv, glGetProgramInfoLog));
  return p;
}

int Program::uniform(const char* name) const { return glGetUniformLocation(id_.id(), name); }

void DisplayUniforms::locate(const Program& p) {
  pos = p.uniform("u_display_pos");
  size = p.uniform("u_display_size");
}

void DisplayUniforms::set(const ScreenSpace& s) const {
  glUniform2f(pos, s.display_pos[0], s.display_pos[1]);
  glUniform2f(size, s.display_size[0], s.display_size[1]);
}

bool apply_screen_space(const ScreenSpace& s) {
  if (!s.show) return false;
  const float fb_w = s.display_size[0] * s.fb_scale[0];
  const float fb_h = s.display_size[1] * s.fb_scale[1];
  glViewport(0, 0, GLsizei(std::lround(fb_w)), GLsizei(std::lround(fb_h)));
  const float x0 = (s.clip[0] - s.display_pos[0]) * s.fb_scale[0];
  const float y0 = (s.clip[1] - s.display_pos[1]) * s.fb_scale[1];
  const float x1 = (s.clip[2] - s.display_pos[0]) * s.fb_scale[0];
  const float y1 = (s.clip[3] - s.display_pos[1]) * s.fb_scale[1];
  if (x1 <= x0 || y1 <= y0) {
    glDisable(GL_SCISSOR_TEST);
    return true;
  }
  glEnable(GL_SCISSOR_TEST);
  // GL's scissor origin is the bottom-left corner of the framebuffer.
  glScissor(GLint(std::floor(x0)), GLint(std::floor(fb_h - y1)), GLsizei(std::ceil(x1 - x0)),
            GLsizei(std::ceil(y1 - y0)));
  return true;
}

}  // namespace ev::gfx
