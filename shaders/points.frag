// points.frag: an anti-aliased disc with a thin darker rim, so points stay
// visible over each other and over light backgrounds.
#version 330 core

in float v_half_extent;
in float v_radius;
in vec4 v_color;

uniform float u_px_scale;  // framebuffer pixels per display pixel (HiDPI)

out vec4 o_color;

void main() {
  vec2 local = (gl_PointCoord * 2.0 - 1.0) * v_half_extent;  // offset from the centre, display pixels
  float d = length(local);
  // Coverage falls from 1 to 0 across one framebuffer pixel at the edge.
  float aa = 1.0 / max(u_px_scale, 1e-3);
  float coverage = clamp((v_radius - d) / aa + 0.5, 0.0, 1.0);
  if (coverage <= 0.0) discard;
  float rim = smoothstep(v_radius - 1.6 * aa, v_radius - 0.6 * aa, d);
  vec3 rgb = mix(v_color.rgb, v_color.rgb * 0.45, rim);
  o_color = vec4(rgb, v_color.a * coverage);
}
