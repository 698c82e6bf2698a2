// views_bench.cpp: what the views cost. The loss view built (ImGui, no GPU)
// for histories of a thousand to a million points, thinning alone, and the
// point renderer drawing 100,000 discs into a 1600x1000 framebuffer (headless
// EGL; skipped when there is none).
#include <benchmark/benchmark.h>
#include <imgui.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "core/snapshot.h"
#include "gfx/point_renderer.h"
#include "headless_egl.h"
#include "ui/loss_panel.h"
#include "ui/plot.h"

namespace {

std::vector<ev::LossPoint> fake_history(std::int64_t n) {
  std::vector<ev::LossPoint> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    v[std::size_t(i)] = {i, float(2.0 + 25.0 / (1.0 + 0.01 * double(i)) + 0.3 * std::sin(double(i)))};
  return v;
}

void BM_Thin(benchmark::State& state) {
  const auto pts = fake_history(state.range(0));
  const auto s = ev::ui::plot::make_series(&pts[0].step, &pts[0].loss, pts.size(), sizeof(ev::LossPoint));
  std::vector<ev::ui::plot::Point2> out;
  for (auto _ : state) {
    ev::ui::plot::thin_to_pixels(s, 0, double(pts.size()), 1000, true, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["points_out"] = double(out.size());
}
BENCHMARK(BM_Thin)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

// One ImGui frame with the loss view in a 1000x400 window (CPU: layout,
// thinning, draw-list building). Vertices drawn are reported per frame.
void BM_LossPanelFrame(benchmark::State& state) {
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(1600, 1000);
  io.DeltaTime = 1.0f / 60.0f;
  unsigned char* px = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);  // builds the atlas; no GPU needed
  ev::Snapshot snap;
  snap.loss = fake_history(state.range(0));
  snap.step = state.range(0);
  ev::ui::LossPanelState st;
  ev::ui::UiContext ctx;
  int vertices = 0;
  for (auto _ : state) {
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(1000, 400));
    ImGui::Begin("loss");
    ev::ui::draw_loss_panel(snap, ctx, st);
    ImGui::End();
    ImGui::Render();
    vertices = ImGui::GetDrawData()->TotalVtxCount;
  }
  state.counters["vertices"] = vertices;
  ImGui::DestroyContext();
}
BENCHMARK(BM_LossPanelFrame)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

// 100,000 discs: upload their positions and draw them, as the embedding view
// does each frame while training, then wait for the GPU (llvmpipe on CI).
void BM_Points(benchmark::State& state) {
  std::string why;
  auto gl = ev::testing::open_headless(1600, 1000, &why);
  if (!gl) {
    state.SkipWithError(("no headless GL: " + why).c_str());
    return;
  }
  ev::gfx::PointRenderer r;
  r.init();
  const std::size_t n = std::size_t(state.range(0));
  std::vector<ev::gfx::PointInstance> pts(n);
  std::uint64_t x = 88172645463325252ull;
  auto next = [&x] {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return float(double(x >> 11) / double(1ull << 53));
  };
  // The embedding view's disc radius for a vocabulary this large, at a 16 px font.
  const float radius = n > 20000 ? 2.4f : 5.1f;
  for (auto& p : pts) p = {next() * 2 - 1, next() * 2 - 1, 0xff3399ffu, radius};
  ev::gfx::ScreenSpace ss;
  ss.display_size[0] = 1600, ss.display_size[1] = 1000;
  ev::gfx::DataToPixels m;
  m.scale[0] = 780, m.scale[1] = -480, m.offset[0] = 800, m.offset[1] = 500;
  for (auto _ : state) {
    r.upload(pts.data(), pts.size());
    glClear(GL_COLOR_BUFFER_BIT);
    r.draw(ss, m);
    glFinish();
  }
}
BENCHMARK(BM_Points)->Arg(27)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
