// points.vert: one anti-aliased disc per instance (a token of the embedding view).
// The quad is expanded in screen pixels around the point's position, so the
// disc keeps its size in pixels at any zoom.
#version 330 core

layout(location = 0) in vec2 a_corner;  // quad corner in [-1, 1]^2 (per vertex)
layout(location = 1) in vec2 a_pos;     // point position in data units (per instance)
layout(location = 2) in vec4 a_color;   // straight RGBA (per instance)
layout(location = 3) in float a_radius; // disc radius in display pixels (per instance)

uniform vec2 u_scale;         // data -> display pixels: px = a_pos * u_scale + u_offset
uniform vec2 u_offset;
uniform vec2 u_display_pos;   // top-left of the display in display pixels (ImGui DisplayPos)
uniform vec2 u_display_size;  // display size in display pixels (ImGui DisplaySize)

out vec2 v_local;   // offset from the centre, in display pixels
out float v_radius;
out vec4 v_color;

void main() {
  // One pixel of margin for the anti-aliased edge.
  float half_extent = a_radius + 1.0;
  vec2 centre = a_pos * u_scale + u_offset;
  vec2 px = centre + a_corner * half_extent;
  vec2 ndc = (px - u_display_pos) / u_display_size * 2.0 - 1.0;
  gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);  // display y grows downwards
  v_local = a_corner * half_extent;
  v_radius = a_radius;
  v_color = a_color;
}
