// gl_object.h: owning handles for GL objects and the unit quad every textured
// rectangle is drawn with. Like shader.h, this header does not include GL (GL
// names are plain unsigned ints here), so any file may include it.
#pragma once

namespace ev::gfx {

enum class GlKind { Buffer, VertexArray, Texture, Framebuffer, Program };

// One GL object of a kind, deleted with the handle. Move-only; an empty
// handle (id 0) owns nothing. Needs a current context when it creates or
// deletes an object.
class GlObject {
 public:
  GlObject() = default;
  static GlObject create(GlKind kind);  // glGen* (glCreateProgram for a program)
  ~GlObject() { reset(); }
  GlObject(GlObject&& o) noexcept : kind_(o.kind_), id_(o.id_) { o.id_ = 0; }
  GlObject& operator=(GlObject&& o) noexcept;
  GlObject(const GlObject&) = delete;
  GlObject& operator=(const GlObject&) = delete;

  unsigned id() const { return id_; }
  explicit operator bool() const { return id_ != 0; }
  void reset();  // deletes the object now

 private:
  GlKind kind_ = GlKind::Buffer;
  unsigned id_ = 0;  // GLuint
};

// A 2-D texture sampled with nearest filtering (and clamped at the edges when
// `clamp`): table cells and offscreen images are shown pixel for pixel.
GlObject make_nearest_texture(bool clamp);
// Sets nearest filtering on an existing texture (ImGui's font atlas: glyphs sit
// on whole pixels, so nearest draws the same text as bilinear, cheaper).
void use_nearest_filter(unsigned texture);

// The unit square (0,0)-(1,1) as a four-vertex triangle strip in attribute 0;
// shaders map it onto their rectangle.
class UnitQuad {
 public:
  void init();  // needs a current GL 3.3 context
  bool ready() const { return bool(vao_); }
  void draw() const;  // draws the strip with the bound program

 private:
  GlObject vao_, vbo_;
};

}  // namespace ev::gfx
