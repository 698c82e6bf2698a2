// views_test.cpp: the embedding, loss and one-hot views drawn for real, with
// no screen: gfx::HeadlessContext (Mesa's EGL surfaceless platform), a
// gfx::RenderTarget and Dear ImGui's OpenGL 3 renderer. Checks pixels (points land where the projection
// and the plot's mapping say, in their class colour), the context parser, and
// writes screenshots of the views at two window sizes for people to look at.
// Skips cleanly when no EGL/GL 3.3 is available.
#include <gtest/gtest.h>
#include <imgui.h>
#include <backends/imgui_impl_opengl3.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/base/error.h"
#include "core/layout/pca.h"
#include "core/live/snapshot.h"
#include "core/teach/onehot.h"
#include "core/train/trainer.h"
#include "test_data.h"
#include "gfx/colour_map.h"
#include "gfx/gl.h"
#include "gfx/gl_object.h"
#include "gfx/heatmap.h"
#include "gfx/point_layer.h"
#include "gfx/point_renderer.h"
#include "gfx/render_target.h"
#include "gfx/shader.h"
#include "gfx/text_layer.h"
#include "headless_egl.h"
#include "ui/embedding_panel.h"
#include "ui/fit.h"
#include "ui/gpu_draw.h"
#include "ui/labels.h"
#include "ui/loss_panel.h"
#include "ui/onehot_panel.h"

using ev::testing::Headless;
using ev::testing::open_headless;

namespace {

// ImGui with its GL renderer on the headless context, at a readable font size.
class Gui {
 public:
  explicit Gui(int w, int h) {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(float(w), float(h));
    const char* font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    if (std::filesystem::exists(font)) io.Fonts->AddFontFromFileTTF(font, 16.0f);
    ImGui::StyleColorsDark();
    ok_ = ImGui_ImplOpenGL3_Init("#version 330");
  }
  ~Gui() {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui::DestroyContext();
  }
  bool ok() const { return ok_; }
  void begin(float dt = 1.0f / 60.0f) {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui::GetIO().DeltaTime = dt;
    ImGui::NewFrame();
  }
  void end() {
    ImGui::Render();
    glClearColor(0.08f, 0.08f, 0.09f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    glFinish();
  }

 private:
  bool ok_ = false;
};

// A snapshot whose table we choose: a char vocabulary of a..z and '.'.
std::shared_ptr<ev::Snapshot> snapshot_with(int emb) {
  auto data = ev::testdata::alphabet_dataset();
  auto s = std::make_shared<ev::Snapshot>();
  s->data = data;
  s->version = 1;
  ev::testdata::set_model(*s, ev::Model<float>(ev::testdata::mlp_spec(data->vocab.size(), 3, emb, 8)));
  return s;
}

void draw_in_window(const char* name, ImVec2 pos, ImVec2 size, const std::function<void()>& body) {
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
  ImGui::Begin(name, nullptr, ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse);
  body();
  ImGui::End();
}

// Draws the loss panel of `s` alone for three frames (its plot settles) in a
// window at `pos` of `size`, the mouse away from it.
void draw_loss_frames(Gui& gui, const ev::Snapshot& s, ImVec2 pos, ImVec2 size, ev::ui::LossPanelState& view) {
  ev::ui::UiContext ctx;
  ImGui::GetIO().MousePos = ImVec2(-100, -100);
  for (int frame = 0; frame < 3; ++frame) {
    gui.begin();
    draw_in_window("Loss", pos, size, [&] { ev::ui::draw_loss_panel(s, ctx, view); });
    gui.end();
  }
}

struct Rgb {
  int r, g, b;
};
Rgb at(const std::vector<unsigned char>& px, int w, int x, int y) {
  const std::size_t i = (std::size_t(y) * std::size_t(w) + std::size_t(x)) * 4;
  return {px[i], px[i + 1], px[i + 2]};
}
bool near_colour(Rgb c, int r, int g, int b, int tol = 40) {
  return std::abs(c.r - r) <= tol && std::abs(c.g - g) <= tol && std::abs(c.b - b) <= tol;
}

}  // namespace

TEST(ShaderTest, EmbeddedShadersCompileAndErrorsNameTheFile) {
  std::string why;
  auto gl = open_headless(64, 64, &why);
  if (!gl) GTEST_SKIP() << "no headless GL: " << why;
  ASSERT_NE(ev::gfx::embedded_shader("points.vert"), nullptr);
  ASSERT_NE(ev::gfx::embedded_shader("heatmap.frag"), nullptr);
  EXPECT_EQ(ev::gfx::embedded_shader("nope.frag"), nullptr);
  EXPECT_TRUE(ev::gfx::Program::from_files("points.vert", "points.frag"));
  try {
    ev::gfx::Program::from_source("#version 330 core\nvoid main() { gl_Position = vec4(0); }\n",
                                  "#version 330 core\nout vec4 o; void main() { o = undefined_thing; }\n", "a.vert",
                                  "broken.frag");
    FAIL() << "a broken shader compiled";
  } catch (const ev::Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("broken.frag"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << "one line: " << m;
  }
  try {
    ev::gfx::Program::from_files("missing.vert", "points.frag");
    FAIL() << "a missing shader built";
  } catch (const ev::Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.vert"), std::string::npos);
  }
}

TEST(PointRendererTest, DiscsLandWhereTheMappingSays) {
  std::string why;
  auto gl = open_headless(200, 100, &why);
  if (!gl) GTEST_SKIP() << "no headless GL: " << why;
  ev::gfx::PointRenderer r;
  r.init();
  // Data (1, 2) -> pixel (50, 30); data (3, 1) -> (150, 70): px = data * (50, -40) + (0, 110).
  const ev::gfx::PointInstance pts[3] = {{1, 2, IM_COL32(255, 0, 0, 255), 6},
                                          {3, 1, IM_COL32(0, 255, 0, 255), 6},
                                          {NAN, 1, IM_COL32(0, 0, 255, 255), 6}};  // uploaded anyway; must not show
  r.upload(pts, 3);
  ev::gfx::ScreenSpace ss;
  ss.display_size[0] = 200, ss.display_size[1] = 100;
  ev::gfx::DataToPixels m;
  m.scale[0] = 50, m.scale[1] = -40, m.offset[0] = 0, m.offset[1] = 110;
  glClearColor(0, 0, 0, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  r.draw(ss, m);
  glFinish();
  const auto px = gl->pixels();
  EXPECT_TRUE(near_colour(at(px, 200, 50, 30), 255, 0, 0, 10));
  EXPECT_TRUE(near_colour(at(px, 200, 150, 70), 0, 255, 0, 10));
  EXPECT_TRUE(near_colour(at(px, 200, 100, 50), 0, 0, 0, 0));  // between them: background
  EXPECT_TRUE(near_colour(at(px, 200, 50, 40), 0, 0, 0, 0));   // 10 px below the 6 px disc
  int blue = 0;
  for (std::size_t i = 0; i < px.size(); i += 4) blue += px[i + 2] > 0;
  EXPECT_EQ(blue, 0) << "a NaN position drew something";
}

// One frame of the layer alone over black; the framebuffer's pixels.
std::vector<unsigned char> layer_frame(Headless& gl, ev::gfx::PointLayer& layer, const ev::gfx::ScreenSpace& ss) {
  glDisable(GL_SCISSOR_TEST);
  glClearColor(0, 0, 0, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  layer.draw(ss);
  glFinish();
  return gl.pixels();
}

// The cached layer: drawn a slice per frame, shown only once complete, where
// the mapping says; after a pan it follows at once (the old image moved), and
// the next pass draws the discs afresh at their new places.
TEST(PointLayerTest, CompletesInSlicesLandsWhereTheMappingSaysAndFollowsAPan) {
  std::string why;
  auto gl = open_headless(200, 100, &why);
  if (!gl) GTEST_SKIP() << "no headless GL: " << why;
  ev::gfx::PointLayer layer;
  layer.init();
  layer.set_slice(2);
  // Data (1, 2) -> pixel (50, 30); data (3, 1) -> (150, 70), over two of the
  // layer's 64-pixel tiles; three more at (96, 20), (20, 85) and (100, 85),
  // and one far off screen.
  std::vector<ev::gfx::PointInstance> pts = {{1, 2, IM_COL32(255, 0, 0, 255), 6}, {3, 1, IM_COL32(0, 255, 0, 255), 6}};
  const float more[4][2] = {{1.92f, 2.25f}, {0.4f, 0.625f}, {2.0f, 0.625f}, {-100, -100}};
  for (const auto& xy : more) pts.push_back({xy[0], xy[1], IM_COL32(0, 0, 255, 255), 6});
  ev::gfx::DataToPixels m;
  m.scale[0] = 50, m.scale[1] = -40, m.offset[0] = 0, m.offset[1] = 110;
  const float rect[4] = {0, 0, 200, 100};
  ev::gfx::ScreenSpace ss;
  ss.display_size[0] = 200, ss.display_size[1] = 100;
  ss.clip[0] = 0, ss.clip[1] = 0, ss.clip[2] = 200, ss.clip[3] = 100;
  auto frame = [&] { return layer_frame(*gl, layer, ss); };
  layer.set(pts.data(), pts.size(), true, m, rect);
  for (int f = 0; f < 2; ++f) {  // 6 pieces of discs, 2 a frame (whole tiles): nothing to show until the third frame
    const auto px = frame();
    EXPECT_FALSE(layer.has_image());
    EXPECT_TRUE(near_colour(at(px, 200, 50, 30), 0, 0, 0, 0)) << "frame " << f;
  }
  auto px = frame();
  ASSERT_TRUE(layer.has_image());
  EXPECT_EQ(layer.passes(), 1u);
  EXPECT_TRUE(near_colour(at(px, 200, 50, 30), 255, 0, 0, 10));
  EXPECT_TRUE(near_colour(at(px, 200, 150, 70), 0, 255, 0, 10));
  EXPECT_TRUE(near_colour(at(px, 200, 100, 50), 0, 0, 0, 0));

  // Pan 20 px right: the shown image moves with the map on the very next frame.
  m.offset[0] = 20;
  layer.set(pts.data(), pts.size(), false, m, rect);
  px = frame();
  EXPECT_TRUE(near_colour(at(px, 200, 70, 30), 255, 0, 0, 10));
  EXPECT_TRUE(near_colour(at(px, 200, 50, 30), 0, 0, 0, 0));
  // New positions wait for the pass under way, then show.
  pts[0].x = 2;  // -> pixel (120, 30)
  layer.set(pts.data(), pts.size(), true, m, rect);
  for (int f = 0; f < 8 && layer.passes() < 3; ++f) px = frame();
  EXPECT_GE(layer.passes(), 3u);
  px = frame();
  EXPECT_TRUE(near_colour(at(px, 200, 120, 30), 255, 0, 0, 10));
  EXPECT_TRUE(near_colour(at(px, 200, 70, 30), 0, 0, 0, 0));
  EXPECT_TRUE(near_colour(at(px, 200, 170, 70), 0, 255, 0, 10));
  // A new table: the old picture goes at once.
  layer.clear();
  EXPECT_FALSE(layer.has_image());
  pts.resize(1);
  layer.set(pts.data(), pts.size(), true, m, rect);
  px = frame();  // one point, two a frame: complete in this frame
  EXPECT_TRUE(layer.has_image());
  EXPECT_TRUE(near_colour(at(px, 200, 120, 30), 255, 0, 0, 10));
  EXPECT_TRUE(near_colour(at(px, 200, 170, 70), 0, 0, 0, 0)) << "the green disc was in the old table only";
}

// The layer uploads only the tiles that changed: a disc that moved a few
// pixels within its tile leaves nothing behind.
// A 200 x 100 picture of a red and a green disc through a layer, data units
// being display pixels.
struct LayerScene {
  std::vector<ev::gfx::PointInstance> pts = {{40.5f, 40.5f, IM_COL32(255, 0, 0, 255), 4},
                                             {150.5f, 60.5f, IM_COL32(0, 255, 0, 255), 4}};
  ev::gfx::DataToPixels map;
  float rect[4] = {0, 0, 200, 100};
  ev::gfx::ScreenSpace ss;
  LayerScene() { ss.display_size[0] = 200, ss.display_size[1] = 100; }
};

TEST(PointLayerUpload, ADiscThatMovesLeavesNothingBehind) {
  std::string why;
  auto gl = open_headless(200, 100, &why);
  if (!gl) GTEST_SKIP() << "no headless GL: " << why;
  ev::gfx::PointLayer layer;
  layer.init();
  EXPECT_EQ(layer.slice(), ev::gfx::PointLayer::kSlice);
  LayerScene sc;
  auto& pts = sc.pts;
  const auto& map = sc.map;
  const auto& rect = sc.rect;
  auto frame = [&] { return layer_frame(*gl, layer, sc.ss); };
  auto red_at = [&](const std::vector<unsigned char>& px, int x, int y) { return px[(std::size_t(y) * 200 + std::size_t(x)) * 4]; };
  layer.set(pts.data(), pts.size(), true, map, rect);
  auto px = frame();
  ASSERT_EQ(layer.passes(), 1u);
  EXPECT_EQ(red_at(px, 40, 40), 255);
  pts[0].x = 49.5f;  // 9 px right: the old disc's pixels must be cleared in the texture
  layer.set(pts.data(), pts.size(), true, map, rect);
  px = frame();
  ASSERT_EQ(layer.passes(), 2u);
  EXPECT_EQ(red_at(px, 49, 40), 255);
  EXPECT_EQ(red_at(px, 40, 40), 0) << "the old picture stayed in the texture";
  EXPECT_EQ(red_at(px, 37, 40), 0);
  EXPECT_EQ(px[(std::size_t(60) * 200 + 150) * 4 + 1], 255) << "the green disc stays";
}

// Frames in which nothing moved only show the cached image: no pass, no CPU
// work, the same pixels. New positions, a pan or a new size each draw one
// new picture.
TEST(PointLayerUpload, RedrawnOnlyWhenPointsOrTheMapChange) {
  std::string why;
  auto gl = open_headless(200, 100, &why);
  if (!gl) GTEST_SKIP() << "no headless GL: " << why;
  ev::gfx::PointLayer layer;
  layer.init();
  LayerScene sc;
  auto& pts = sc.pts;
  auto& map = sc.map;
  auto& rect = sc.rect;
  auto frame = [&] { return layer_frame(*gl, layer, sc.ss); };
  layer.set(pts.data(), pts.size(), true, map, rect);
  const auto first = frame();
  ASSERT_EQ(layer.passes(), 1u);
  EXPECT_GT(layer.work_ms(), 0.0) << "the first picture is rasterised";
  for (int f = 0; f < 3; ++f) {
    layer.set(pts.data(), pts.size(), false, map, rect);
    EXPECT_EQ(frame(), first) << "frame " << f;
    EXPECT_EQ(layer.passes(), 1u) << "nothing moved: the cached image is only shown";
    EXPECT_EQ(layer.work_ms(), 0.0);
  }
  pts[1].y = 30.5f;  // a new layout
  layer.set(pts.data(), pts.size(), true, map, rect);
  auto px = frame();
  EXPECT_EQ(layer.passes(), 2u);
  EXPECT_EQ(px[(std::size_t(30) * 200 + 150) * 4 + 1], 255) << "the green disc at its new place";
  EXPECT_EQ(px[(std::size_t(60) * 200 + 150) * 4 + 1], 0);
  map.offset[0] = 10;  // a pan: shown moved at once, and drawn afresh
  layer.set(pts.data(), pts.size(), false, map, rect);
  px = frame();
  EXPECT_EQ(layer.passes(), 3u);
  EXPECT_EQ(px[(std::size_t(40) * 200 + 50) * 4], 255);
  rect[3] = 90;  // a new size
  layer.set(pts.data(), pts.size(), false, map, rect);
  frame();
  EXPECT_EQ(layer.passes(), 4u);
  layer.set(pts.data(), pts.size(), false, map, rect);
  frame();
  EXPECT_EQ(layer.passes(), 4u);
  EXPECT_EQ(layer.work_ms(), 0.0);
}

TEST(HeatmapTest, DivergingColoursHighlightedRowsAndNonFiniteCells) {
  std::string why;
  auto gl = open_headless(100, 100, &why);
  if (!gl) GTEST_SKIP() << "no headless GL: " << why;
  ev::gfx::Heatmap hm;
  hm.init();
  // (3, 2): row 0 is looked up, rows 1 and 2 are dimmed.
  const float table[6] = {-2.0f, 2.0f, 0.0f, NAN, -1.0f, 4.0f};
  hm.upload(table, 3, 2, {1, 0, 0});
  ASSERT_EQ(hm.rows(), 3);
  ev::gfx::ScreenSpace ss;
  ss.display_size[0] = 100, ss.display_size[1] = 100;
  const float rect[4] = {0, 0, 100, 90};  // cells 50 x 30
  glClearColor(0, 1, 0, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  hm.draw(ss, rect, 2.0f, 1.0f);  // |v| >= 2 is full colour
  glFinish();
  const auto px = gl->pixels();
  const Rgb neg = at(px, 100, 25, 15), pos = at(px, 100, 75, 15);
  EXPECT_TRUE(near_colour(neg, 59, 76, 192, 6)) << neg.r << "," << neg.g << "," << neg.b;  // full blue
  EXPECT_TRUE(near_colour(pos, 180, 4, 38, 6)) << pos.r << "," << pos.g << "," << pos.b;   // full red
  const Rgb zero = at(px, 100, 25, 45);  // 0 in a dimmed row: grey-white, not coloured
  EXPECT_NEAR(zero.r, zero.b, 4);
  EXPECT_GT(zero.r, 120);
  const Rgb nan = at(px, 100, 75, 45);
  EXPECT_TRUE(nan.r < 100 && nan.r == nan.g && nan.g == nan.b) << "NaN must be dark grey, no value's colour";
  const Rgb dim_neg = at(px, 100, 25, 75);  // -1 at half strength, dimmed: paler than the lit row
  EXPECT_GT(dim_neg.r, neg.r);
  EXPECT_TRUE(near_colour(at(px, 100, 50, 95), 0, 255, 0, 0));  // below the rectangle: untouched
}

// Draws a grid of tokens and checks each disc's colour where the projection
// puts it: drawn directly, or (layer_from <= V) through the cached layer.
void check_points_land(int layer_from) {
  std::string why;
  auto gl = open_headless(900, 700, &why);
  if (!gl) GTEST_SKIP() << "no headless GL: " << why;
  Gui gui(900, 700);
  ASSERT_TRUE(gui.ok());
  auto s = snapshot_with(2);
  const ev::Vocab& vocab = s->data->vocab;
  // Place every token on a grid, well apart; one row has a NaN that must be skipped.
  float* C = ev::testdata::table_of(*s).data();  // (V, 2)
  const int V = vocab.size();
  for (int i = 0; i < V; ++i) {
    C[2 * i] = float(i % 6) * 1.5f - 3.0f;
    C[2 * i + 1] = float(i / 6) * -1.0f + 2.0f;
  }
  const int nan_id = vocab.id("z");
  C[2 * nan_id] = NAN;
  ev::ui::EmbeddingPanelState st;
  st.show_trails = false;
  st.show_labels = false;  // labels sit beside points; keep the test about the discs
  st.layer_from = layer_from;
  st.layer.set_slice(4);  // several frames per pass
  ev::ui::UiContext ctx;
  ImGui::GetIO().MousePos = ImVec2(-100, -100);
  // Through the layer, 27 points 4 a frame: 7 frames to a complete image, then
  // a few more, which must not draw it again (nothing moved).
  for (int frame = 0; frame < 2 || (layer_from <= V && frame < 12); ++frame) {
    gui.begin();
    draw_in_window("embedding", ImVec2(0, 0), ImVec2(900, 700), [&] { ev::ui::draw_embedding_panel(*s, ctx, st); });
    gui.end();
  }
  ASSERT_TRUE(st.gl_error.empty()) << st.gl_error;
  if (layer_from <= V) {
    EXPECT_EQ(st.layer.passes(), 1u) << "an unchanged table is drawn once";
    EXPECT_TRUE(st.instances.size() <= 1u) << "only the boundary token is drawn over the layer";
  } else {
    EXPECT_EQ(st.layer.passes(), 0u);
  }
  ASSERT_EQ(st.xy.size(), std::size_t(2 * V));
  const auto px = gl->pixels();
  const ev::gfx::DataToPixels& m = st.last_map;
  int checked = 0;
  for (int i = 0; i < V; ++i) {
    if (i == nan_id) {
      EXPECT_TRUE(std::isnan(st.xy[2 * std::size_t(i)]));
      continue;
    }
    // d = 2: the view plots the table itself.
    EXPECT_EQ(st.xy[2 * std::size_t(i)], C[2 * i]);
    EXPECT_EQ(st.xy[2 * std::size_t(i) + 1], C[2 * i + 1]);
    const int x = int(std::lround(C[2 * i] * m.scale[0] + m.offset[0]));
    const int y = int(std::lround(C[2 * i + 1] * m.scale[1] + m.offset[1]));
    ASSERT_TRUE(x > 0 && x < 900 && y > 0 && y < 700) << "token " << i << " at " << x << "," << y;
    const Rgb c = at(px, 900, x, y);
    switch (ev::ui::classify_token(vocab.token(i), i)) {
      case ev::ui::TokenClass::Boundary: EXPECT_TRUE(near_colour(c, 235, 87, 87)) << i; break;
      case ev::ui::TokenClass::Vowel: EXPECT_TRUE(near_colour(c, 242, 171, 57)) << vocab.token(i); break;
      case ev::ui::TokenClass::Consonant: EXPECT_TRUE(near_colour(c, 86, 156, 235)) << vocab.token(i); break;
      default: break;
    }
    // Halfway to the next grid point there is no disc.
    const int xm = int(std::lround((C[2 * i] + 0.75f) * m.scale[0] + m.offset[0]));
    const Rgb between = at(px, 900, xm, y);
    EXPECT_FALSE(near_colour(between, 86, 156, 235) || near_colour(between, 242, 171, 57)) << vocab.token(i);
    ++checked;
  }
  EXPECT_EQ(checked, V - 1);
}

TEST(EmbeddingPanelTest, PointsAreDrawnWhereTheProjectionSays) { check_points_land(1 << 30); }

// The same picture through the cached layer a large vocabulary uses.
TEST(EmbeddingPanelTest, PointsThroughTheLayerAreDrawnWhereTheProjectionSays) { check_points_land(1); }

// The layer shows only the tiles its discs touch: every disc inside one of
// them, empty space left out, a row's neighbouring tiles joined.
TEST(PointLayerTiles, CoverEveryDiscAndNothingElse) {
  const float rect[4] = {100, 50, 420, 370};  // 320 x 320 display pixels: 10 x 10 tiles of 32
  ev::gfx::DataToPixels map;
  map.scale[0] = 100, map.scale[1] = -100, map.offset[0] = 260, map.offset[1] = 210;  // data 0 at the centre
  EXPECT_TRUE(ev::gfx::covered_tiles(nullptr, 0, map, rect).empty());
  const float nan = std::nanf("");
  const std::vector<ev::gfx::PointInstance> pts = {
      {0.05f, 0.05f, 0, 3}, {-1.4f, 1.4f, 0, 3}, {1.0f, -0.5f, 0, 3}, {nan, 0, 0, 3}, {9, 9, 0, 3}};
  const std::vector<float> q = ev::gfx::covered_tiles(pts.data(), pts.size(), map, rect);
  ASSERT_EQ(q.size() % 12, 0u);
  double area = 0;
  for (std::size_t k = 0; k < q.size(); k += 12) area += double(q[k + 2] - q[k]) * double(q[k + 5] - q[k + 1]);
  EXPECT_GT(area, 0.0);
  EXPECT_LT(area, 0.1);  // three discs: a few tiles of a hundred
  for (std::size_t i = 0; i < 3; ++i) {
    // The disc's box, in [0, 1]^2 of the rectangle, lies within one quad.
    const float u = (pts[i].x * map.scale[0] + map.offset[0] - rect[0]) / 320;
    const float v = (pts[i].y * map.scale[1] + map.offset[1] - rect[1]) / 320;
    const float r = 3.0f / 320;
    bool inside = false;
    for (std::size_t k = 0; k < q.size(); k += 12)
      inside |= q[k] <= u - r && u + r <= q[k + 2] && q[k + 1] <= v - r && v + r <= q[k + 5];
    EXPECT_TRUE(inside) << i;
  }
  // A row of discs across the whole width is one quad.
  std::vector<ev::gfx::PointInstance> row;
  for (int i = 0; i < 40; ++i) row.push_back({-1.6f + 0.08f * float(i), 0.4f, 0, 2});
  const std::vector<float> r = ev::gfx::covered_tiles(row.data(), row.size(), map, rect);
  ASSERT_EQ(r.size(), 12u);
  EXPECT_EQ(r[0], 0.0f);
  EXPECT_EQ(r[2], 1.0f);
}

// The union of label boxes as disjoint rectangles: every box inside it, each
// pixel drawn once (the areas add up to the union's), and a lone box one rectangle.
TEST(TextLayerTest, CoveredRectsAreTheBoxesUnionDrawnOnce) {
  const float rect[4] = {100, 50, 420, 370};  // 320 x 320 display pixels
  EXPECT_TRUE(ev::gfx::covered_rects({}, rect).empty());
  const std::vector<float> lone = {150, 80, 200, 96};
  EXPECT_EQ(ev::gfx::covered_rects(lone, rect).size(), 12u);
  const float nan = std::nanf("");
  const std::vector<float> boxes = {150, 80, 200, 96, 180, 90, 260, 110, 300, 300, 340, 316, nan, 0, 10, 10, 900, 900, 950, 950};
  const std::vector<float> q = ev::gfx::covered_rects(boxes, rect);
  ASSERT_EQ(q.size() % 12, 0u);
  // Rasterise the rectangles on a pixel grid: no pixel twice, every box's pixels once.
  std::vector<int> hits(320 * 320, 0);
  for (std::size_t k = 0; k < q.size(); k += 12)
    for (int y = int(std::lround(q[k + 1] * 320)); y < int(std::lround(q[k + 5] * 320)); ++y)
      for (int x = int(std::lround(q[k] * 320)); x < int(std::lround(q[k + 2] * 320)); ++x) ++hits[std::size_t(y * 320 + x)];
  EXPECT_EQ(*std::max_element(hits.begin(), hits.end()), 1) << "a pixel drawn twice";
  for (std::size_t b = 0; b + 3 < 12; b += 4)
    for (int y = int(boxes[b + 1] - rect[1]); y < int(boxes[b + 3] - rect[1]); ++y)
      for (int x = int(boxes[b] - rect[0]); x < int(boxes[b + 2] - rect[0]); ++x)
        ASSERT_EQ(hits[std::size_t(y * 320 + x)], 1) << "box " << b / 4 << " pixel " << x << "," << y;
  long drawn = std::count(hits.begin(), hits.end(), 1);
  EXPECT_LT(drawn, 3 * (50 * 16 + 80 * 20 + 40 * 16)) << "far more than the boxes";
}

// Labels through the layer look as ImGui draws them: the same words with
// their shadows, once as ImGui's text and once rasterised into the layer and
// shown through its rectangles, agree pixel for pixel (within rounding); the
// image is made again only when the glyphs change.
TEST(TextLayerTest, DrawsTextAsImGuiDoes) {
  std::string why;
  auto gl = open_headless(480, 200, &why);
  if (!gl) GTEST_SKIP() << "no headless GL: " << why;
  Gui gui(480, 200);
  ASSERT_TRUE(gui.ok());
  // The font atlas sampled nearest, as the app samples it (glyphs on whole pixels).
  ImGui_ImplOpenGL3_CreateDeviceObjects();
  ev::gfx::use_nearest_filter(unsigned(reinterpret_cast<std::intptr_t>(ImGui::GetIO().Fonts->TexID)));
  ImGui::GetIO().MousePos = ImVec2(-100, -100);
  struct Word {
    float x, y;
    const char* text;
  };
  const Word words[] = {{20, 20, "transmitted"}, {180, 31, "write"}, {40, 120, "Kneser-Ney"}, {260, 90, "café 3.14"}, {300, 150, "Ω λ"}};
  auto lay_out = [&](ImDrawList* dl, std::vector<float>* boxes) {
    for (const Word& w : words) {
      dl->AddText(ImVec2(w.x + 1, w.y + 1), IM_COL32(0, 0, 0, 200), w.text);
      dl->AddText(ImVec2(w.x, w.y), IM_COL32(240, 240, 230, 255), w.text);
      if (boxes) {
        const ImVec2 size = ImGui::CalcTextSize(w.text);
        boxes->insert(boxes->end(), {w.x - 2, w.y - 2, w.x + size.x + 3, w.y + size.y + 3});
      }
    }
  };
  gui.begin();
  lay_out(ImGui::GetForegroundDrawList(), nullptr);
  gui.end();
  const auto imgui_px = gl->pixels();

  ev::gfx::TextLayer layer;
  layer.init();
  unsigned char* atlas = nullptr;
  int aw = 0, ah = 0;
  ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&atlas, &aw, &ah);
  layer.set_atlas(ImGui::GetIO().Fonts, atlas, aw, ah);
  const float rect[4] = {0, 0, 480, 200};
  // A draw list of text only, as the labels' is.
  auto text_list = [](ImDrawList& dl) {
    dl._ResetForNewFrame();
    dl.PushClipRect(ImVec2(0, 0), ImVec2(480, 200));
    dl.PushTextureID(ImGui::GetIO().Fonts->TexID);
  };
  for (int frame = 0; frame < 2; ++frame) {
    gui.begin();
    ImDrawList glyphs(ImGui::GetDrawListSharedData());
    text_list(glyphs);
    std::vector<float> boxes;
    lay_out(&glyphs, &boxes);
    layer.set(ev::ui::glyph_quads(glyphs), boxes, rect);
    ev::ui::add_gpu_draw(ImGui::GetForegroundDrawList(), [&layer](const ev::gfx::ScreenSpace& ss) { layer.draw(ss); });
    gui.end();
  }
  EXPECT_EQ(layer.images_made(), 1u) << "the same glyphs made the image again";
  const auto layer_px = gl->pixels();
  ASSERT_EQ(imgui_px.size(), layer_px.size());
  int lit = 0, off = 0, worst = 0;
  for (std::size_t i = 0; i < imgui_px.size(); i += 4) {
    if (imgui_px[i] > 150) ++lit;
    int d = 0;
    for (int c = 0; c < 3; ++c) d = std::max(d, std::abs(int(imgui_px[i + std::size_t(c)]) - int(layer_px[i + std::size_t(c)])));
    worst = std::max(worst, d);
    if (d > 3) ++off;
  }
  EXPECT_GT(lit, 500) << "no text was drawn";
  EXPECT_LE(off, 0) << "pixels differ by more than rounding (worst " << worst << ")";

  // New glyphs (a word moved): a new image.
  gui.begin();
  ImDrawList moved(ImGui::GetDrawListSharedData());
  text_list(moved);
  moved.AddText(ImVec2(60, 60), IM_COL32(240, 240, 230, 255), "moved");
  layer.set(ev::ui::glyph_quads(moved), {58, 58, 120, 80}, rect);
  ev::ui::add_gpu_draw(ImGui::GetForegroundDrawList(), [&layer](const ev::gfx::ScreenSpace& ss) { layer.draw(ss); });
  gui.end();
  EXPECT_EQ(layer.images_made(), 2u);
}

TEST(EmbeddingPanelTest, HoverClickWheelAndTrails) {
  std::string why;
  auto gl = open_headless(800, 600, &why);
  if (!gl) GTEST_SKIP() << "no headless GL: " << why;
  Gui gui(800, 600);
  ASSERT_TRUE(gui.ok());
  auto s = snapshot_with(2);
  const int V = s->spec.vocab;
  for (int i = 0; i < V; ++i) {
    ev::testdata::table_of(*s).data()[std::size_t(2 * i)] = float(i % 6);
    ev::testdata::table_of(*s).data()[std::size_t(2 * i + 1)] = float(i / 6);
  }
  ev::ui::EmbeddingPanelState st;
  st.trails.interval_s = 0;  // record a position every frame
  ev::ui::UiContext ctx;
  ImGuiIO& io = ImGui::GetIO();
  auto frame = [&] {
    gui.begin();
    draw_in_window("embedding", ImVec2(0, 0), ImVec2(800, 600), [&] { ev::ui::draw_embedding_panel(*s, ctx, st); });
    gui.end();
  };
  io.MousePos = ImVec2(-100, -100);
  frame();
  frame();
  const int target = 8;  // data (2, 1)
  const ImVec2 p(2 * st.last_map.scale[0] + st.last_map.offset[0], 1 * st.last_map.scale[1] + st.last_map.offset[1]);
  io.MousePos = ImVec2(p.x + 2, p.y - 1);
  frame();
  EXPECT_EQ(ctx.hovered_token, target);
  io.MouseDown[0] = true;
  frame();
  io.MouseDown[0] = false;
  frame();
  EXPECT_EQ(ctx.selected_token, target);
  EXPECT_TRUE(st.plot.auto_fit);

  // The wheel zooms about the mouse: the hovered point stays under it.
  const double width_before = st.plot.x1 - st.plot.x0;
  io.MouseWheel = 2;
  frame();
  io.MouseWheel = 0;
  frame();
  EXPECT_FALSE(st.plot.auto_fit);
  EXPECT_LT(st.plot.x1 - st.plot.x0, width_before * 0.8);
  const ImVec2 q(2 * st.last_map.scale[0] + st.last_map.offset[0], 1 * st.last_map.scale[1] + st.last_map.offset[1]);
  EXPECT_NEAR(q.x, p.x + 2, 3.0);
  EXPECT_NEAR(q.y, p.y - 1, 3.0);

  // Moving the table leaves a trail of the previous positions.
  const std::size_t before = st.trails.ring.size();
  for (int k = 1; k <= 3; ++k) {
    ev::testdata::table_of(*s).array() += 0.1f;
    s->version = std::uint64_t(10 + k);
    s->step = k;
    frame();
  }
  EXPECT_EQ(st.trails.ring.size(), before + 3);
  // Each trail point follows the table part of the way (a running average).
  const float last = st.trails.ring.back()[0], prev = st.trails.ring[st.trails.ring.size() - 2][0];
  EXPECT_GT(last, prev);
  EXPECT_LT(last, st.xy[0]);
}

// Text a table column cuts is found, though the window around the table is
// wide enough; text that fits its cell is not reported.
TEST(FitCheck, FindsTextCutByATableCell) {
  std::string why;
  auto gl = open_headless(400, 300, &why);
  if (!gl) GTEST_SKIP() << "no headless GL: " << why;
  Gui gui(400, 300);
  ASSERT_TRUE(gui.ok());
  for (const char* text : {"fits", "a line of text far too long for a column sixty pixels wide"}) {
    ev::ui::UiContext ctx;
    gui.begin();
    draw_in_window("tables", ImVec2(0, 0), ImVec2(400, 300), [&] {
      if (ImGui::BeginTable("cells", 2, ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("narrow", ImGuiTableColumnFlags_WidthFixed, 60.0f);
        ImGui::TableSetupColumn("rest", ImGuiTableColumnFlags_WidthFixed, 60.0f);
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::TextUnformatted(text);
        ImGui::TableSetColumnIndex(1);
        ImGui::TextUnformatted("x");
        ImGui::EndTable();
      }
    });
    ev::ui::check_windows(ctx);
    gui.end();
    std::string all;
    for (const std::string& c : ctx.clipped) all += c + "\n";
    if (std::string(text) == "fits") {
      EXPECT_EQ(all, "");
    } else {
      EXPECT_NE(all.find("table column narrow"), std::string::npos) << all;
      EXPECT_EQ(all.find("table column rest"), std::string::npos) << all;
    }
  }
}

// Elided text fits the width it is given, starts like the text and never
// splits a UTF-8 character; text that fits is left as it is.
TEST(FitCheck, ElideFitsTheWidthInWholeCharacters) {
  std::string why;
  auto gl = open_headless(200, 100, &why);
  if (!gl) GTEST_SKIP() << "no headless GL: " << why;
  Gui gui(200, 100);
  ASSERT_TRUE(gui.ok());
  gui.begin();
  const std::string text = "caf\xc3\xa9 \xc3\xa9t\xc3\xa9 and a much longer tail of words";
  EXPECT_EQ(ev::ui::elide("short", 500), "short");
  for (float width : {40.0f, 60.0f, 90.0f, 150.0f}) {
    const std::string e = ev::ui::elide(text, width);
    ASSERT_GE(e.size(), 3u);
    EXPECT_EQ(e.substr(e.size() - 3), "...");
    const std::string head = e.substr(0, e.size() - 3);
    EXPECT_EQ(text.compare(0, head.size(), head), 0) << e;
    EXPECT_LE(ImGui::CalcTextSize(e.c_str()).x, width) << e;
    if (!head.empty()) {
      EXPECT_NE(static_cast<unsigned char>(text[head.size()]) & 0xC0, 0x80) << "split inside a character";
    }
    // One character more would not have fitted.
    std::size_t next = head.size() + 1;
    while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) ++next;
    EXPECT_GT(ImGui::CalcTextSize((text.substr(0, next) + "...").c_str()).x, width) << e;
  }
  // A token of a megabyte (a word with no space in a whole file): the start
  // that fits, in whole characters, without measuring the rest.
  std::string huge;
  while (huge.size() < (1u << 20)) huge += "\xc3\xa9t\xc3\xa9";
  for (float width : {1.0f, 40.0f, 150.0f}) {
    const std::string e = ev::ui::elide(huge, width);
    ASSERT_GE(e.size(), 3u);
    EXPECT_EQ(e.substr(e.size() - 3), "...");
    const std::string head = e.substr(0, e.size() - 3);
    EXPECT_EQ(huge.compare(0, head.size(), head), 0);
    if (width > 30) {
      EXPECT_LE(ImGui::CalcTextSize(e.c_str()).x, width) << e;
    }
    EXPECT_NE(static_cast<unsigned char>(huge[head.size()]) & 0xC0, 0x80) << "split inside a character";
  }
  gui.end();
}

// A point's label shows a long token's start, in whole characters.
TEST(Labels, LongTokensAreCutToTheirStart) {
  EXPECT_EQ(ev::ui::label_text("cat"), "cat");
  const std::string exact(ev::ui::kLabelBytes, 'a');
  EXPECT_EQ(ev::ui::label_text(exact), exact);
  std::string huge = "x";
  while (huge.size() < (1u << 20)) huge += "\xc3\xa9";  // odd offsets start characters
  const std::string l = ev::ui::label_text(huge);
  ASSERT_LE(l.size(), ev::ui::kLabelBytes + 3);
  EXPECT_EQ(l.substr(l.size() - 3), "...");
  const std::string head = l.substr(0, l.size() - 3);
  EXPECT_EQ(huge.compare(0, head.size(), head), 0);
  EXPECT_GE(head.size(), ev::ui::kLabelBytes - 3);
  EXPECT_NE(static_cast<unsigned char>(huge[head.size()]) & 0xC0, 0x80) << "split inside a character";
}

TEST(EmbeddingPanelTest, PcaProjectionIsTheCoresAndStaysAligned) {
  auto s = snapshot_with(5);
  const int V = s->spec.vocab;
  for (int i = 0; i < V; ++i)
    for (int j = 0; j < 5; ++j) ev::testdata::table_of(*s).data()[std::size_t(i * 5 + j)] = float(std::sin(1.3 * i + 0.7 * j * j) * (j + 1));
  ev::ui::EmbeddingPanelState st;
  ev::ui::update_projection(*s, st);
  ASSERT_EQ(st.projector.used, ev::ui::Projection::Pca);
  const ev::Mat<double> X = s->C().cast<double>();
  const ev::Pca p = ev::pca(X, 2);
  const ev::Mat<double> P = p.project(X);
  for (int i = 0; i < V; ++i) {
    EXPECT_NEAR(std::fabs(st.xy[2 * std::size_t(i)]), std::fabs(P(i, 0)), 1e-4);
    EXPECT_NEAR(std::fabs(st.xy[2 * std::size_t(i) + 1]), std::fabs(P(i, 1)), 1e-4);
  }
  EXPECT_NE(st.projector.x_label.find("% of variance"), std::string::npos);
  // A small change of the table must not flip an axis.
  const std::vector<float> before = st.xy;
  ev::testdata::table_of(*s).array() *= 1.001f;
  s->version = 2;
  ev::ui::update_projection(*s, st);
  double dot = 0;
  for (std::size_t i = 0; i < before.size(); i += 2) dot += double(before[i]) * double(st.xy[i]);
  EXPECT_GT(dot, 0);
  // Another table through the same fit (the step arrows' C before a step):
  // the table itself lands exactly where the view put its rows.
  const std::vector<float> again = st.projector.project(s->C());
  ASSERT_EQ(again.size(), st.xy.size());
  for (std::size_t i = 0; i < again.size(); ++i) EXPECT_NEAR(again[i], st.xy[i], 1e-5) << i;
}

TEST(ColourMapTest, DivergingRunsFromBlueThroughWhiteToRed) {
  const ev::gfx::Rgb neg = ev::gfx::diverging(-1), zero = ev::gfx::diverging(0), pos = ev::gfx::diverging(1);
  EXPECT_EQ(neg.b, ev::gfx::kDivergingNegative.b);
  EXPECT_GT(neg.b, neg.r);  // blue below zero
  EXPECT_GT(pos.r, pos.b);  // red above
  EXPECT_EQ(zero.r, ev::gfx::kDivergingZero.r);
  EXPECT_EQ(zero.r, zero.g);  // grey-white at zero
  // Halfway is halfway between white and the end, on both sides.
  const ev::gfx::Rgb half = ev::gfx::diverging(0.5f);
  EXPECT_NEAR(half.g, 0.5f * (zero.g + pos.g), 1e-6);
  EXPECT_NEAR(ev::gfx::diverging(-0.5f).r, 0.5f * (zero.r + neg.r), 1e-6);
}

TEST(EmbeddingPanelTest, EveryProjectionCopesWithOneDimensionAndNonFiniteRows) {
  auto s = snapshot_with(1);
  const int V = s->spec.vocab;
  for (int i = 0; i < V; ++i) ev::testdata::table_of(*s).data()[std::size_t(i)] = float(i);
  ev::testdata::table_of(*s).data()[3] = std::numeric_limits<float>::infinity();
  for (ev::ui::Projection p : {ev::ui::Projection::Auto, ev::ui::Projection::Pca, ev::ui::Projection::Dims}) {
    ev::ui::EmbeddingPanelState st;
    st.projection = p;
    ev::ui::update_projection(*s, st);
    ASSERT_EQ(st.xy.size(), std::size_t(2 * V));
    EXPECT_EQ(st.xy[2 * 5], 5.0f);  // d = 1: the value on x, 0 on y
    EXPECT_EQ(st.xy[2 * 5 + 1], 0.0f);
  }
  auto t = snapshot_with(4);
  for (Eigen::Index i = 0; i < ev::testdata::table_of(*t).size(); ++i) ev::testdata::table_of(*t).data()[i] = float(std::cos(double(i)));
  ev::testdata::table_of(*t).data()[4 * 7 + 2] = NAN;  // row 7 is not finite: left out of the PCA and not drawn
  ev::ui::EmbeddingPanelState st;
  st.projection = ev::ui::Projection::Pca;
  ev::ui::update_projection(*t, st);
  EXPECT_TRUE(std::isnan(st.xy[2 * 7]));
  for (int i = 0; i < t->spec.vocab; ++i) {
    if (i != 7) {
      EXPECT_TRUE(std::isfinite(st.xy[2 * std::size_t(i)])) << i;
    }
  }
  st.projection = ev::ui::Projection::Dims;
  st.dim_x = 3, st.dim_y = 99;  // out of range: clamped
  ev::ui::update_projection(*t, st);
  EXPECT_EQ(st.dim_y, 3);
  EXPECT_EQ(st.xy[2 * 1], ev::testdata::table_of(*t).data()[4 * 1 + 3]);
}

// Screenshots of all three views from a real run, at the two window sizes the
// app must work at. Asserts only that something was drawn; people look at them.
TEST(ViewsScreenshot, AllViewsAtTwoSizes) {
  std::string why;
  auto gl = open_headless(1600, 1000, &why);
  if (!gl) GTEST_SKIP() << "no headless GL: " << why;
  std::shared_ptr<const ev::Dataset> data = ev::testdata::names_dataset();
  if (!data) data = ev::testdata::alphabet_dataset();
  ev::TrainConfig cfg;
  cfg.emb = 2;
  cfg.hidden = 100;
  ev::Trainer tr(data, cfg);
  const char* steps_env = std::getenv("EMBEDVIZ_SCREENSHOT_STEPS");
  const int steps = steps_env ? std::atoi(steps_env) : 3000;
  for (int i = 0; i < steps; ++i) {
    tr.step();
    if (i % 1000 == 999) tr.record_val();
  }
  auto s = std::make_shared<ev::Snapshot>();
  s->data = data;
  s->version = 7;
  s->step = tr.step_count();
  s->config = tr.config();
  ev::testdata::set_model(*s, tr.model());
  ev::LossMirror loss, val;
  s->loss = loss.sync(tr.history().points(), tr.history().generation());
  s->loss_stride = tr.history().stride();
  s->val = val.sync(tr.history().val, tr.history().generation());
  s->last_loss = s->loss.empty() ? 0 : s->loss.back().loss;
  const ev::Examples& ex = tr.examples(ev::Split::Train);
  for (std::int32_t row : tr.last_batch()) {
    s->batch_X.insert(s->batch_X.end(), ex.context(std::size_t(row)), ex.context(std::size_t(row)) + cfg.block);
    s->batch_Y.push_back(ex.Y[std::size_t(row)]);
  }

  for (auto [w, h] : {std::pair{1600, 1000}, std::pair{1280, 800}}) {
    gl->resize(w, h);
    Gui gui(w, h);
    ASSERT_TRUE(gui.ok());
    ev::ui::EmbeddingPanelState emb;
    ev::ui::LossPanelState loss_view;
    ev::ui::OnehotPanelState oh;
    ev::ui::UiContext ctx;
    ctx.selected_token = data->vocab.id("q");
    ImGui::GetIO().MousePos = ImVec2(-100, -100);
    const float fw = float(w), fh = float(h);
    for (int frame = 0; frame < 3; ++frame) {
      gui.begin();
      draw_in_window("Embedding", ImVec2(0, 0), ImVec2(fw * 0.55f, fh * 0.6f),
                     [&] { ev::ui::draw_embedding_panel(*s, ctx, emb); });
      draw_in_window("Loss", ImVec2(0, fh * 0.6f), ImVec2(fw * 0.55f, fh * 0.4f),
                     [&] { ev::ui::draw_loss_panel(*s, ctx, loss_view); });
      draw_in_window("One-hot vs lookup", ImVec2(fw * 0.55f, 0), ImVec2(fw * 0.45f, fh),
                     [&] { ev::ui::draw_onehot_panel(*s, ctx, oh); });
      gui.end();
    }
    EXPECT_TRUE(emb.gl_error.empty()) << emb.gl_error;
    EXPECT_TRUE(oh.table.gl_error.empty()) << oh.table.gl_error;
    EXPECT_EQ(oh.max_diff, 0.0f);
    const auto px = gl->pixels();
    int lit = 0;
    for (std::size_t i = 0; i < px.size(); i += 4) lit += px[i] + px[i + 1] + px[i + 2] > 200;
    EXPECT_GT(lit, w * h / 100) << "the frame is nearly empty";
    const std::string path = std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/views_" + std::to_string(w) + "x" +
                             std::to_string(h) + ".png";
    EXPECT_NO_THROW(ev::gfx::write_png(ev::gfx::Image{w, h, px}, path));
  }
}

// A word-level vocabulary of 17,000 tokens: every point is drawn, labels only
// where they do not overlap; the one-hot view shows a window of the table.
TEST(ViewsScreenshot, WordLevelVocabulary) {
  std::string why;
  auto gl = open_headless(1600, 1000, &why);
  if (!gl) GTEST_SKIP() << "no headless GL: " << why;
  const char* syl[] = {"ba", "ko", "ri", "mu", "te", "la", "no", "si", "pe", "du", "ga", "vo", "zi", "he", "ju", "fa"};
  std::vector<std::string> words;
  for (int i = 0; words.size() < 17000; ++i)
    words.push_back(std::string(syl[i % 16]) + syl[(i / 16) % 16] + syl[(i / 256) % 16] + (i >= 4096 ? syl[(i / 4096) % 16] : ""));
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < words.size(); i += 10) {
    std::string line;
    for (std::size_t j = i; j < std::min(words.size(), i + 10); ++j) line += (line.empty() ? "" : " ") + words[j];
    lines.push_back(line);
  }
  auto data = std::make_shared<ev::Dataset>(ev::make_dataset(lines, ev::Tokenizer::Word, 3, "words"));
  auto s = std::make_shared<ev::Snapshot>();
  s->data = data;
  s->version = 1;
  ev::testdata::set_model(*s, ev::Model<float>(ev::testdata::mlp_spec(data->vocab.size(), 3, 16, 8)));
  std::uint64_t x = 88172645463325252ull;
  for (float& v : ev::testdata::table_of(*s).reshaped<Eigen::RowMajor>()) {  // xorshift: a reproducible spread of values
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    v = float(double(x >> 11) / double(1ull << 53) * 2.0 - 1.0);
  }
  Gui gui(1600, 1000);
  ASSERT_TRUE(gui.ok());
  ev::ui::EmbeddingPanelState emb;
  ev::ui::OnehotPanelState oh;
  std::snprintf(oh.text, sizeof oh.text, "%s %s %s", words[5].c_str(), words[9000].c_str(), words[16999].c_str());
  ev::ui::UiContext ctx;
  ImGui::GetIO().MousePos = ImVec2(-100, -100);
  // Thousands of points go through the cached layer, a slice a frame: frames until its picture is complete.
  for (int frame = 0; frame < 2 || (frame < 40 && !emb.layer.has_image()); ++frame) {
    gui.begin();
    draw_in_window("Embedding", ImVec2(0, 0), ImVec2(900, 1000), [&] { ev::ui::draw_embedding_panel(*s, ctx, emb); });
    draw_in_window("One-hot vs lookup", ImVec2(900, 0), ImVec2(700, 1000), [&] { ev::ui::draw_onehot_panel(*s, ctx, oh); });
    gui.end();
  }
  const int V = s->spec.vocab;
  ASSERT_GE(V, emb.layer_from);
  EXPECT_TRUE(emb.layer.has_image());
  EXPECT_EQ(emb.layer_instances.size(), std::size_t(V));
  EXPECT_GT(emb.labels_drawn, 10);
  EXPECT_LT(emb.labels_drawn, V / 10) << "overlapping labels were not hidden";
  EXPECT_EQ(oh.max_diff, 0.0f);
  const auto px = gl->pixels();
  EXPECT_NO_THROW(ev::gfx::write_png(ev::gfx::Image{1600, 1000, px}, std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/views_words.png"));
}

// While training changes the table every frame, the one-hot view's numbers
// and heat map follow it at most ten times a second, each time the two paths
// of the same table; once it stops, the next refresh shows it as it is.
TEST(ViewsOnehot, NumbersFollowTrainingTenTimesASecond) {
  std::string why;
  auto gl = open_headless(800, 600, &why);
  if (!gl) GTEST_SKIP() << "no headless GL: " << why;
  const std::vector<std::string> names = {"emma",   "olivia", "ava",    "isabella", "sophia", "mia",
                                          "amelia", "harper", "evelyn", "abigail",  "emily",  "ella"};
  auto data = std::make_shared<ev::Dataset>(ev::make_dataset(names, ev::Tokenizer::Char, 3, "names"));
  auto s = std::make_shared<ev::Snapshot>();
  s->data = data;
  ev::testdata::set_model(*s, ev::Model<float>(ev::testdata::mlp_spec(data->vocab.size(), 3, 4, 8)));
  Gui gui(800, 600);
  ASSERT_TRUE(gui.ok());
  ev::ui::OnehotPanelState oh;
  ev::ui::UiContext ctx;
  int refreshed = 0;
  std::uint64_t seen = ~0ull;
  for (int frame = 0; frame < 90; ++frame) {
    const bool training = frame < 60;  // one second at 60 frames a second, then still
    if (training) {
      s->version = std::uint64_t(frame) + 1;
      ev::testdata::table_of(*s).array() += 0.01f;  // a step
    }
    gui.begin(1.0f / 60.0f);
    draw_in_window("One-hot vs lookup", ImVec2(0, 0), ImVec2(800, 600), [&] { ev::ui::draw_onehot_panel(*s, ctx, oh); });
    gui.end();
    if (oh.shown_version != seen) ++refreshed, seen = oh.shown_version;
    EXPECT_EQ(oh.uploaded_version, oh.shown_version) << "the heat map and the numbers from the same table";
    EXPECT_EQ(oh.max_diff, 0.0f);
  }
  EXPECT_GE(refreshed, 8);
  EXPECT_LE(refreshed, 12) << "60 tables in a second, at most ten refreshes (and the last)";
  EXPECT_EQ(oh.shown_version, s->version) << "once still, the table as it is";
  const ev::Mat<float> rows = ev::embed_by_lookup(oh.shown_ids, s->C());
  EXPECT_TRUE(oh.E1 == rows) << "one-hot x C is the current table's rows";
}

// The neighbour shares under the loss: each curve in its colour in the bottom
// part of the panel, the loss plot above it still the larger.
TEST(ViewsScreenshot, NeighbourSharesUnderTheLoss) {
  std::string why;
  auto gl = open_headless(1600, 1000, &why);
  if (!gl) GTEST_SKIP() << "no headless GL: " << why;
  auto data = ev::testdata::alphabet_dataset();
  ev::Trainer tr(data, ev::TrainConfig{});
  for (int i = 0; i < 400; ++i) {
    tr.step();
    if (i % 100 == 99) tr.record_val();
  }
  ASSERT_EQ(tr.history().shares.size(), tr.probes().size());
  ASSERT_FALSE(tr.probes().empty());
  auto s = std::make_shared<ev::Snapshot>();
  s->data = data;
  s->version = 3;
  s->step = tr.step_count();
  ev::testdata::set_model(*s, tr.model());
  ev::LossMirror loss, val;
  s->loss = loss.sync(tr.history().points(), tr.history().generation());
  s->val = val.sync(tr.history().val, tr.history().generation());
  // Two curves well apart, so both show: the probe's own and a second one high up.
  s->shares.push_back({tr.probes()[0].name, tr.probes()[0].chance, tr.history().shares[0]});
  std::vector<ev::LossPoint> high;
  for (const ev::LossPoint& p : tr.history().shares[0]) high.push_back({p.step, 0.9f});
  s->shares.push_back({"word groups", 0.15, high});
  for (auto [w, h] : {std::pair{1600, 1000}, std::pair{1280, 800}}) {
    gl->resize(w, h);
    Gui gui(w, h);
    ASSERT_TRUE(gui.ok());
    ev::ui::LossPanelState view;
    const float top = float(h) * 0.5f;
    draw_loss_frames(gui, *s, ImVec2(0, top), ImVec2(float(w) * 0.5f, float(h) - top), view);
    const auto px = gl->pixels();
    // Rows holding the shares' colours (90, 200, 170) and (240, 200, 80): all in the bottom part.
    int first_row = h, last_row = -1, yellow = 0;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w / 2; ++x) {
        const std::uint8_t* p = &px[(std::size_t(y) * std::size_t(w) + std::size_t(x)) * 4];
        const bool teal = std::abs(p[0] - 90) < 12 && std::abs(p[1] - 200) < 12 && std::abs(p[2] - 170) < 12;
        yellow += std::abs(p[0] - 240) < 12 && std::abs(p[1] - 200) < 12 && std::abs(p[2] - 80) < 12;
        if (teal) first_row = std::min(first_row, y), last_row = std::max(last_row, y);
      }
    // The panel fills [top, h); its lower half holds the shares, its upper the loss.
    const float panel = float(h) - top;
    EXPECT_GE(last_row, 0) << "the share curve is not drawn at " << w << "x" << h;
    EXPECT_GT(float(first_row), top + panel * 0.5f) << "the shares are not under the loss";
    EXPECT_GT(yellow, 20) << "the second curve is not drawn";
    EXPECT_NO_THROW(ev::gfx::write_png(ev::gfx::Image{w, h, px}, std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/shares_" +
                                                                         std::to_string(w) + "x" + std::to_string(h) + ".png"));
  }
}

// The landmarks' labels (a uniform guess, the bigram, Kneser-Ney) keep off
// the curves: here the validation curve runs along the trigram's line at the
// right, where that label would sit, and every marker stays uncovered at
// both window sizes.
TEST(LossPanelTest, LandmarkLabelsCoverNoValidationMarker) {
  std::string why;
  auto gl = open_headless(1600, 1000, &why);
  if (!gl) GTEST_SKIP() << "no headless GL: " << why;
  auto data = ev::testdata::alphabet_dataset();
  ev::Trainer tr(data, ev::TrainConfig{});
  auto s = std::make_shared<ev::Snapshot>();
  s->data = data;
  s->version = 1;
  ev::testdata::set_model(*s, tr.model());
  ev::LossHistory h;
  std::vector<ev::LossPoint> val;
  const float trigram = 2.40f;
  for (std::int64_t step = 0; step < 16000; ++step) {
    const float t = float(step) / 16000.0f;
    h.add(step, trigram + 0.05f + 1.0f * (1.0f - t) * (1.0f - t) + 0.15f * float((step * 7919) % 13) / 13.0f);
    if (step % 2000 == 0) val.push_back({step, trigram + 0.02f + 1.0f * (1.0f - t) * (1.0f - t)});
  }
  s->step = 16000;
  ev::LossMirror lm, vm;
  s->loss = lm.sync(h.points(), h.generation());
  s->val = vm.sync(val, h.generation());
  s->bigram_loss = 2.9f;
  s->trigram_loss = trigram;
  for (auto [w, hgt] : {std::pair{1600, 1000}, std::pair{1280, 800}}) {
    gl->resize(w, hgt);
    Gui gui(w, hgt);
    ASSERT_TRUE(gui.ok());
    ev::ui::LossPanelState view;
    draw_loss_frames(gui, *s, ImVec2(0, 0), ImVec2(float(w) * 0.3f, float(hgt) * 0.4f), view);
    const ev::ui::plot::PlotState& p = view.plot;
    const auto t = [&](double y) { return view.log_scale ? std::log(y) : y; };
    ASSERT_EQ(view.reference_boxes.size(), 3u) << w << "x" << hgt;
    int markers = 0;
    for (const ev::LossPoint& v : val) {
      const float x = p.plot_min.x + float((double(v.step) - p.x0) / (p.x1 - p.x0)) * (p.plot_max.x - p.plot_min.x);
      const float y =
          p.plot_max.y - float((t(v.loss) - t(p.y0)) / (t(p.y1) - t(p.y0))) * (p.plot_max.y - p.plot_min.y);
      if (x < p.plot_min.x || x > p.plot_max.x || y < p.plot_min.y || y > p.plot_max.y) continue;
      ++markers;
      for (const auto& b : view.reference_boxes)
        EXPECT_FALSE(x >= b[0] - 3 && x <= b[2] + 3 && y >= b[1] - 3 && y <= b[3] + 3)
            << "a landmark's label covers the validation marker at step " << v.step << " at " << w << "x" << hgt;
    }
    EXPECT_EQ(markers, int(val.size()));
  }
}
