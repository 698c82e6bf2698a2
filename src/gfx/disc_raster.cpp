// disc_raster.cpp: discs as copies of a precomputed stamp (one per colour,
// radius and quarter pixel of the centre's position), blended in 8-bit
// premultiplied colour.
#include "gfx/disc_raster.h"

#if defined(__AVX512F__) && defined(__AVX512BW__)
#include <immintrin.h>  // sixteen pixels a step
#endif

#include <algorithm>
#include <cmath>

namespace ev::gfx {

namespace {

constexpr int kPhases = 4;  // sub-pixel positions of a centre per axis: within 1/8 pixel of exact

float smoothstep(float e0, float e1, float x) {
  const float t = std::clamp((x - e0) / (e1 - e0), 0.0f, 1.0f);
  return t * t * (3 - 2 * t);
}

// dst = src + dst * keep / 255 on n pixels, rounded, each channel in a 16-bit
// lane (keep is in both halves of its word): premultiplied "over".
inline void blend_run(std::uint32_t* dst, const std::uint32_t* src, const std::uint32_t* keep, int n) {
#if defined(__AVX512F__) && defined(__AVX512BW__)
  // A disc's row is at most a few dozen pixels: sixteen at a time, the last masked.
  const __m512i lanes = _mm512_set1_epi32(0x00ff00ff), half = _mm512_set1_epi32(0x00800080);
  for (int i = 0; i < n; i += 16) {
    const __mmask16 m = n - i >= 16 ? __mmask16(0xffff) : __mmask16((1u << (n - i)) - 1);
    const __m512i d = _mm512_maskz_loadu_epi32(m, dst + i), k = _mm512_maskz_loadu_epi32(m, keep + i);
    __m512i rb = _mm512_add_epi16(_mm512_mullo_epi16(_mm512_and_si512(d, lanes), k), half);
    __m512i ga = _mm512_add_epi16(_mm512_mullo_epi16(_mm512_and_si512(_mm512_srli_epi32(d, 8), lanes), k), half);
    rb = _mm512_and_si512(_mm512_srli_epi32(_mm512_add_epi16(rb, _mm512_and_si512(_mm512_srli_epi32(rb, 8), lanes)), 8), lanes);
    ga = _mm512_andnot_si512(lanes, _mm512_add_epi16(ga, _mm512_and_si512(_mm512_srli_epi32(ga, 8), lanes)));
    const __m512i out = _mm512_add_epi32(_mm512_maskz_loadu_epi32(m, src + i), _mm512_or_si512(rb, ga));
    _mm512_mask_storeu_epi32(dst + i, m, out);
  }
#else
  for (int i = 0; i < n; ++i) {
    const std::uint32_t d = dst[i], k = keep[i] & 0xffff;
    std::uint32_t rb = (d & 0x00ff00ffu) * k + 0x00800080u;
    std::uint32_t ga = ((d >> 8) & 0x00ff00ffu) * k + 0x00800080u;
    rb = ((rb + ((rb >> 8) & 0x00ff00ffu)) >> 8) & 0x00ff00ffu;
    ga = (ga + ((ga >> 8) & 0x00ff00ffu)) & 0xff00ff00u;
    dst[i] = src[i] + (rb | ga);
  }
#endif
}

}  // namespace

void DiscImage::resize(int w, int h) {
  const int cols = (w + DiscRaster::kTile - 1) / DiscRaster::kTile, rows = (h + DiscRaster::kTile - 1) / DiscRaster::kTile;
  if (w == width && h == height && drawn.size() == std::size_t(cols * rows)) return;
  width = w;
  height = h;
  tile_cols = cols;
  pixels.assign(std::size_t(w) * std::size_t(h), 0);
  drawn.assign(std::size_t(cols * rows), 0);
  changed.assign(drawn.size(), 0);
}

std::uint16_t DiscRaster::stamp(std::uint32_t rgba, float radius, float px_scale) {
  for (std::size_t i = stamps_.size(); i-- > 0;) {
    const Stamp& t = stamps_[i];
    if (t.rgba == rgba && t.radius == radius && t.px_scale == px_scale) return std::uint16_t(i);
  }
  if (stamps_.size() >= 0xffff) return std::uint16_t(stamps_.size() - 1);  // never in practice: one per colour
  Stamp& st = stamps_.emplace_back();
  st.rgba = rgba;
  st.radius = radius;
  st.px_scale = px_scale;
  const float s = px_scale, aa = 1 / s;
  const int half = int(std::ceil(radius * s + 0.5f));
  const int side = st.side = 2 * half + 1, area = side * side;
  st.src.assign(std::size_t(kPhases * kPhases * area), 0);
  st.keep.assign(st.src.size(), 255);
  st.lo.assign(std::size_t(kPhases * kPhases * side), std::int16_t(side));
  st.hi.assign(st.lo.size(), 0);
  const std::uint32_t R = rgba & 0xff, G = (rgba >> 8) & 0xff, B = (rgba >> 16) & 0xff, A = rgba >> 24;
  for (int phase = 0; phase < kPhases * kPhases; ++phase) {
    // The centre's position within its pixel, and each pixel centre's offset from it.
    const float fx = (float(phase % kPhases) + 0.5f) / kPhases, fy = (float(phase / kPhases) + 0.5f) / kPhases;
    for (int v = 0; v < side; ++v) {
      const std::size_t row = std::size_t(phase * side + v);
      for (int u = 0; u < side; ++u) {
        const float dx = float(u - half) + 0.5f - fx, dy = float(v - half) + 0.5f - fy;
        const float d = std::sqrt(dx * dx + dy * dy) / s;  // display pixels, as points.frag measures
        const float coverage = std::clamp((radius - d) / aa + 0.5f, 0.0f, 1.0f);
        if (coverage <= 0) continue;
        const float rim = smoothstep(radius - 1.6f * aa, radius - 0.6f * aa, d);
        // Source alpha and colour times alpha, as GL's blend makes them; the
        // colour at most the alpha, so colour plus what the destination keeps stays in a byte.
        const std::uint32_t sa = std::uint32_t(std::lround(float(A) * coverage));
        const float k = float(A) * coverage * (1 - 0.55f * rim) / 255;
        auto premul = [&](std::uint32_t c) { return std::min(sa, std::uint32_t(std::lround(float(c) * k))); };
        const std::size_t at = std::size_t(phase * area + v * side + u);
        st.src[at] = premul(R) | premul(G) << 8 | premul(B) << 16 | sa << 24;
        st.keep[at] = (255 - sa) * 0x00010001u;
        st.lo[row] = std::min(st.lo[row], std::int16_t(u));
        st.hi[row] = std::int16_t(u + 1);
      }
    }
  }
  return std::uint16_t(stamps_.size() - 1);
}

void DiscRaster::begin(const PointInstance* points, std::size_t n, const ImagePlacement& at, int w, int h) {
  if (stamps_.size() > 64) stamps_.clear();  // many colours or radii came and went: start the cache again
  width_ = w;
  height_ = h;
  cols_ = (w + kTile - 1) / kTile;
  const int rows = (h + kTile - 1) / kTile;
  discs_.clear();
  discs_.reserve(n);
  const float s = at.px_scale;
  for (std::size_t i = 0; i < n; ++i) {
    const PointInstance& p = points[i];
    // The centre in image pixels (pixel (x, y) spans [x, x + 1) x [y, y + 1)).
    const float cx = (p.x * at.map.scale[0] + at.map.offset[0] - at.rect_x) * s;
    const float cy = (p.y * at.map.scale[1] + at.map.offset[1] - at.rect_y) * s;
    const float reach = p.radius * s + 2;
    if (!(cx > -reach && cx < float(w) + reach && cy > -reach && cy < float(h) + reach)) continue;  // off (or NaN)
    const std::uint16_t k = stamp(p.rgba, p.radius, s);
    const int half = stamps_[k].side / 2;
    const int ix = int(std::floor(cx)), iy = int(std::floor(cy));
    const int qx = std::min(kPhases - 1, int((cx - float(ix)) * kPhases));
    const int qy = std::min(kPhases - 1, int((cy - float(iy)) * kPhases));
    discs_.push_back({ix - half, iy - half, k, std::uint16_t(qy * kPhases + qx)});
  }
  // Tiles each disc's square touches: counted, then filled in the points' order.
  auto tiles_of = [&](const Disc& d, auto&& each) {
    const int side = stamps_[d.stamp].side;
    const int tx0 = std::max(0, d.x) / kTile, tx1 = std::min(w - 1, d.x + side - 1) / kTile;
    const int ty0 = std::max(0, d.y) / kTile, ty1 = std::min(h - 1, d.y + side - 1) / kTile;
    for (int ty = ty0; ty <= ty1; ++ty)
      for (int tx = tx0; tx <= tx1; ++tx) each(std::size_t(ty * cols_ + tx));
  };
  offsets_.assign(std::size_t(cols_ * rows) + 1, 0);
  for (const Disc& d : discs_) tiles_of(d, [&](std::size_t t) { ++offsets_[t + 1]; });
  for (std::size_t t = 1; t < offsets_.size(); ++t) offsets_[t] += offsets_[t - 1];
  order_.resize(offsets_.back());
  std::vector<std::uint32_t> next(offsets_.begin(), offsets_.end() - 1);
  for (std::size_t i = 0; i < discs_.size(); ++i) tiles_of(discs_[i], [&](std::size_t t) { order_[next[t]++] = std::uint32_t(i); });
  tile_ = 0;
  drawn_ = 0;
}

bool DiscRaster::draw(DiscImage& img, std::size_t budget) {
  if (img.width != width_ || img.height != height_ || img.tile_cols != cols_) return done();
  if (tile_ == 0) std::fill(img.changed.begin(), img.changed.end(), 0);
  // Tiles without discs (at most a clear) go with the slice before them.
  const std::size_t target = drawn_ + budget;
  for (; tile_ + 1 < offsets_.size(); ++tile_) {
    const std::size_t pieces = offsets_[tile_ + 1] - offsets_[tile_];
    if (pieces && drawn_ >= target) break;
    draw_tile(tile_, img);
    drawn_ += pieces;
  }
  return done();
}

// Clears tile t where it held drawing, and draws its discs. Clearing just
// before drawing also brings the tile into the cache the drawing reads it from.
void DiscRaster::draw_tile(std::size_t t, DiscImage& img) const {
  const bool has = offsets_[t + 1] > offsets_[t];
  if (!has && !img.drawn[t]) return;
  const int x0 = int(t) % cols_ * kTile, y0 = int(t) / cols_ * kTile;
  const int x1 = std::min(width_, x0 + kTile), y1 = std::min(height_, y0 + kTile);
  for (int y = y0; y < y1; ++y) {
    std::uint32_t* row = img.pixels.data() + std::size_t(y) * std::size_t(width_);
    std::fill(row + x0, row + x1, 0u);
  }
  for (std::uint32_t k = offsets_[t]; k < offsets_[t + 1]; ++k) blend(discs_[order_[k]], x0, y0, x1, y1, img);
  img.drawn[t] = has;
  img.changed[t] = 1;
}

void DiscRaster::draw_all(const PointInstance* points, std::size_t n, const ImagePlacement& at, int w, int h,
                          DiscImage& img) {
  img.resize(w, h);
  begin(points, n, at, w, h);
  draw(img, order_.size());
}

// Blends one disc's pixels within [x0, x1) x [y0, y1) (its tile).
void DiscRaster::blend(const Disc& d, int x0, int y0, int x1, int y1, DiscImage& img) const {
  const Stamp& st = stamps_[d.stamp];
  const int side = st.side;
  const std::uint32_t* src = st.src.data() + std::size_t(d.phase) * std::size_t(side * side);
  const std::uint32_t* keep = st.keep.data() + std::size_t(d.phase) * std::size_t(side * side);
  const std::size_t rows = std::size_t(d.phase) * std::size_t(side);
  // Stamp (u, v) lands on image pixel (d.x + u, d.y + v).
  for (int v = std::max(0, y0 - d.y); v < std::min(side, y1 - d.y); ++v) {
    const std::size_t row = rows + std::size_t(v);
    const int u0 = std::max<int>(st.lo[row], x0 - d.x), u1 = std::min<int>(st.hi[row], x1 - d.x);
    if (u0 >= u1) continue;
    const int y = d.y + v;
    std::uint32_t* out = img.pixels.data() + std::size_t(y) * std::size_t(img.width);  // pixel d.x + u
    blend_run(out + d.x + u0, src + v * side + u0, keep + v * side + u0, u1 - u0);
  }
}

}  // namespace ev::gfx
