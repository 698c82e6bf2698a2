// points.vert: one anti-aliased disc per vertex, drawn as a point sprite (a
// token of the embedding view). One vertex per point keeps the vertex work of
// 100,000 points small, which matters on software renderers. The sprite's
// size is set in pixels, so a disc keeps its size at any zoom.
#version 330 core

layout(location = 0) in vec2 a_pos;     // point position in data units
layout(location = 1) in vec4 a_color;   // straight RGBA
layout(location = 2) in float a_radius; // disc radius in display pixels

uniform vec2 u_scale;         // data -> display pixels: px = a_pos * u_scale + u_offset
uniform vec2 u_offset;
uniform vec2 u_display_pos;   // top-left of the display in display pixels (ImGui DisplayPos)
uniform vec2 u_display_size;  // display size in display pixels (ImGui DisplaySize)
uniform float u_px_scale;     // framebuffer pixels per display pixel (HiDPI)

out float v_half_extent;  // half the sprite's side, in display pixels
out float v_radius;
out vec4 v_color;

void main() {
  vec2 px = a_pos * u_scale + u_offset;
  vec2 ndc = (px - u_display_pos) / u_display_size * 2.0 - 1.0;
  gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);  // display y grows downwards
  // One pixel of margin for the anti-aliased edge.
  v_half_extent = a_radius + 1.0;
  gl_PointSize = 2.0 * v_half_extent * u_px_scale;
  v_radius = a_radius;
  v_color = a_color;
}
