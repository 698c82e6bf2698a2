// layer.vert: the point layer's cached image as a screen-aligned rectangle,
// placed where the current map puts the area it was drawn for.
#version 330 core

layout(location = 0) in vec2 a_corner;  // in [0, 1]^2, y down

uniform vec4 u_rect;          // x0, y0, x1, y1 in display pixels
uniform vec2 u_display_pos;   // ImGui DisplayPos
uniform vec2 u_display_size;  // ImGui DisplaySize

out vec2 v_uv;

void main() {
  vec2 px = mix(u_rect.xy, u_rect.zw, a_corner);
  vec2 ndc = (px - u_display_pos) / u_display_size * 2.0 - 1.0;
  gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);
  v_uv = a_corner;  // the image's first row is its top one
}
