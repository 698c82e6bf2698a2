// gif_writer.cpp: the palette, nearest-colour lookup, and giflib's encoder
// writing into memory.
#include "gfx/gif_writer.h"

#include <gif_lib.h>

#include <algorithm>
#include <cstring>

#include "core/base/atomic_file.h"
#include "core/base/error.h"

namespace ev::gfx {

namespace {

constexpr int kMaxExact = 40;

int to_memory(GifFileType* g, const GifByteType* data, int n) {
  static_cast<std::string*>(g->UserData)->append(reinterpret_cast<const char*>(data), std::size_t(n));
  return n;
}

[[noreturn]] void fail(const char* what, int code) {
  const char* why = GifErrorString(code);
  throw Error(std::string("cannot write the GIF: ") + what + (why ? std::string(" (") + why + ")" : ""));
}

GifFileType* file(void* g) { return static_cast<GifFileType*>(g); }

}  // namespace

GifWriter::GifWriter(int width, int height, double fps, const std::vector<Rgb>& exact)
    : w_(width), h_(height), delay_cs_(std::clamp(int(100.0 / std::max(fps, 1.0) + 0.5), 2, 100)) {
  if (w_ < 1 || h_ < 1 || w_ > 65535 || h_ > 65535) throw Error("a GIF is 1 to 65535 pixels on a side");
  if (int(exact.size()) > kMaxExact) throw Error("a GIF's palette keeps at most 40 exact colours");
  palette_ = exact;
  for (int r = 0; r < 6; ++r)
    for (int g = 0; g < 6; ++g)
      for (int b = 0; b < 6; ++b) palette_.push_back({std::uint8_t(51 * r), std::uint8_t(51 * g), std::uint8_t(51 * b)});
  for (int k = 0; palette_.size() < 256; ++k) {
    const auto v = std::uint8_t(8 + (k * 240) / (256 - 216 - kMaxExact + 1));
    palette_.push_back({v, v, v});
  }
  palette_.resize(256);
  lut_.assign(std::size_t(1) << 24, 0);
  row_.resize(std::size_t(w_));

  int err = 0;
  GifFileType* g = EGifOpen(&bytes_, to_memory, &err);
  if (!g) fail("opening the encoder", err);
  gif_ = g;
  EGifSetGifVersion(g, true);
  ColorMapObject* map = GifMakeMapObject(256, nullptr);
  for (int i = 0; i < 256; ++i) map->Colors[i] = {palette_[std::size_t(i)][0], palette_[std::size_t(i)][1], palette_[std::size_t(i)][2]};
  const int ok = EGifPutScreenDesc(g, w_, h_, 8, 0, map);
  GifFreeMapObject(map);
  if (ok != GIF_OK) fail("the screen description", g->Error);
  // The NETSCAPE2.0 extension: loop for ever.
  const unsigned char loop[3] = {1, 0, 0};
  if (EGifPutExtensionLeader(g, APPLICATION_EXT_FUNC_CODE) != GIF_OK ||
      EGifPutExtensionBlock(g, 11, "NETSCAPE2.0") != GIF_OK || EGifPutExtensionBlock(g, 3, loop) != GIF_OK ||
      EGifPutExtensionTrailer(g) != GIF_OK)
    fail("the loop extension", g->Error);
}

GifWriter::~GifWriter() {
  if (gif_) {
    int err = 0;
    EGifCloseFile(file(gif_), &err);
  }
}

std::uint8_t GifWriter::index_of(std::uint32_t rgb) {
  std::uint8_t& e = lut_[rgb];
  if (e) return std::uint8_t(e - 1);
  const int r = int(rgb >> 16), g = int((rgb >> 8) & 255), b = int(rgb & 255);
  int best = 0, best_d = 1 << 30;
  for (int i = 0; i < 256; ++i) {
    const Rgb& p = palette_[std::size_t(i)];
    const int dr = r - p[0], dg = g - p[1], db = b - p[2];
    const int d = dr * dr + dg * dg + db * db;
    if (d < best_d) best_d = d, best = i;  // the first of equals: an exact colour wins over the cube
  }
  e = std::uint8_t(best + 1);
  return std::uint8_t(best);
}

void GifWriter::add(const Image& img) {
  if (img.width != w_ || img.height != h_)
    throw Error("a frame of " + std::to_string(img.width) + "x" + std::to_string(img.height) + " in a GIF of " +
                std::to_string(w_) + "x" + std::to_string(h_));
  GifFileType* g = file(gif_);
  GraphicsControlBlock gcb{};
  gcb.DisposalMode = DISPOSAL_UNSPECIFIED;
  gcb.DelayTime = delay_cs_;
  gcb.TransparentColor = NO_TRANSPARENT_COLOR;
  GifByteType ext[4];
  const std::size_t n = EGifGCBToExtension(&gcb, ext);
  if (EGifPutExtension(g, GRAPHICS_EXT_FUNC_CODE, int(n), ext) != GIF_OK) fail("a frame's delay", g->Error);
  if (EGifPutImageDesc(g, 0, 0, w_, h_, false, nullptr) != GIF_OK) fail("a frame's description", g->Error);
  for (int y = 0; y < h_; ++y) {
    const unsigned char* p = img.at(0, y);
    for (int x = 0; x < w_; ++x, p += 4)
      row_[std::size_t(x)] = index_of((std::uint32_t(p[0]) << 16) | (std::uint32_t(p[1]) << 8) | p[2]);
    if (EGifPutLine(g, row_.data(), w_) != GIF_OK) fail("a frame's pixels", g->Error);
  }
  ++frames_;
}

void GifWriter::finish(const std::string& path) {
  int err = 0;
  const int ok = EGifCloseFile(file(gif_), &err);
  gif_ = nullptr;
  if (ok != GIF_OK) fail("the end of the file", err);
  write_file_atomic(path, bytes_);
}

}  // namespace ev::gfx
