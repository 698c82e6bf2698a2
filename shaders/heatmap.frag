// heatmap.frag: a table of floats through the diverging colour map of
// src/gfx/colour_map.h (its three colours come in as uniforms): blue for
// negative, near-white for zero, red for positive. Rows not highlighted can
// be dimmed.
#version 330 core

in vec2 v_uv;

uniform sampler2D u_table;      // R32F, one texel per entry: (column, row)
uniform sampler2D u_highlight;  // R8, one texel per row: 1 = looked up
uniform float u_max_abs;        // the value drawn at full colour
uniform float u_dim;            // 0..1: how much to fade rows that are not highlighted
uniform vec3 u_negative, u_zero, u_positive;  // the map's colours at -1, 0 and +1

out vec4 o_color;

vec3 diverging(float t) {  // t in [-1, 1]
  return t < 0.0 ? mix(u_zero, u_negative, -t) : mix(u_zero, u_positive, t);
}

void main() {
  ivec2 size = textureSize(u_table, 0);
  ivec2 cell = clamp(ivec2(v_uv * vec2(size)), ivec2(0), size - 1);
  float v = texelFetch(u_table, cell, 0).r;
  vec3 rgb;
  if (isnan(v) || isinf(v)) {
    rgb = vec3(0.0, 0.0, 0.0);  // not finite: black, never a colour of the map
  } else {
    rgb = diverging(clamp(v / max(u_max_abs, 1e-20), -1.0, 1.0));
  }
  float lit = texelFetch(u_highlight, ivec2(0, cell.y), 0).r;
  rgb = mix(rgb, mix(rgb, vec3(0.5), 0.6), u_dim * (1.0 - lit));
  o_color = vec4(rgb, 1.0);
}
