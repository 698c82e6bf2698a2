// views_bench.cpp: what the views cost. The loss view built (ImGui, no GPU)
// for histories of a thousand to a million points, thinning alone, the point
// renderer drawing 100,000 discs, and whole 1600x1000 frames with and without
// the views (headless EGL; those skip when there is none).
#include <benchmark/benchmark.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "../test_data.h"
#include "core/data/dataset.h"
#include "core/live/snapshot.h"
#include "gfx/point_renderer.h"
#include "headless_egl.h"
#include "ui/embedding_panel.h"
#include "ui/loss_panel.h"
#include "ui/onehot_panel.h"
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
  snap.loss = ev::LossMirror().sync(fake_history(state.range(0)), 1);
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

// A whole 1600x1000 frame rendered by ImGui's GL renderer (llvmpipe on CI):
// the views side by side (arg: 1 embedding + 2 loss + 4 one-hot) against the
// same windows empty (arg 0),
// so the views' share of the frame time is visible.
void BM_ViewsFrame(benchmark::State& state) {
  std::string why;
  auto gl = ev::testing::open_headless(1600, 1000, &why);
  if (!gl) {
    state.SkipWithError(("no headless GL: " + why).c_str());
    return;
  }
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(1600, 1000);
  io.DeltaTime = 1.0f / 60.0f;
  io.Fonts->AddFontFromFileTTF("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 16.0f);
  ImGui_ImplOpenGL3_Init("#version 330");
  std::vector<std::string> items = {"emma", "olivia", "ava", "isabella", "sophia", "mia", "charlotte", "amelia",
                                    "harper", "evelyn", "abigail", "emily", "quinn", "zoe"};
  auto data = std::make_shared<ev::Dataset>(ev::make_dataset(items, ev::Tokenizer::Char, 1, "bench"));
  ev::Snapshot snap;
  snap.data = data;
  ev::Model<float> model(ev::testdata::mlp_spec(data->vocab.size(), 3, 2, 100));
  for (std::size_t i = 0; i < model.params.size(); ++i) model.params[i] = float(std::sin(double(i) * 1.7));
  ev::testdata::set_model(snap, model);
  snap.loss = ev::LossMirror().sync(fake_history(30000), 1);
  ev::ui::EmbeddingPanelState emb;
  ev::ui::LossPanelState loss;
  ev::ui::OnehotPanelState oh;
  ev::ui::UiContext ctx;
  const int views = int(state.range(0));  // bits: 1 embedding, 2 loss, 4 one-hot
  auto window = [](const char* name, ImVec2 pos, ImVec2 size) {
    ImGui::SetNextWindowPos(pos);
    ImGui::SetNextWindowSize(size);
    return ImGui::Begin(name);
  };
  for (auto _ : state) {
    ++snap.version;  // as while training: every frame a new table
    ImGui_ImplOpenGL3_NewFrame();
    ImGui::NewFrame();
    if (window("Embedding", ImVec2(0, 0), ImVec2(900, 1000)) && (views & 1)) ev::ui::draw_embedding_panel(snap, ctx, emb);
    ImGui::End();
    if (window("Loss", ImVec2(900, 0), ImVec2(700, 400)) && (views & 2)) ev::ui::draw_loss_panel(snap, ctx, loss);
    ImGui::End();
    if (window("One-hot", ImVec2(900, 400), ImVec2(700, 600)) && (views & 4)) ev::ui::draw_onehot_panel(snap, ctx, oh);
    ImGui::End();
    ImGui::Render();
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    glFinish();
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui::DestroyContext();
}
BENCHMARK(BM_ViewsFrame)->Arg(0)->Arg(1)->Arg(2)->Arg(4)->Arg(7)->Unit(benchmark::kMillisecond)->UseRealTime();

// The embedding view alone, in a 1000x1000 window, for a vocabulary of `arg`
// tokens with d = 2, the table changing every frame as while training. From
// 20,000 tokens up the discs go through the cached point layer, refreshed a
// slice at a time; layer_passes_per_s says how often the picture catches up.
void BM_EmbeddingView(benchmark::State& state) {
  std::string why;
  auto gl = ev::testing::open_headless(1600, 1000, &why);
  if (!gl) {
    state.SkipWithError(("no headless GL: " + why).c_str());
    return;
  }
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(1600, 1000);
  io.DeltaTime = 1.0f / 60.0f;
  io.Fonts->AddFontFromFileTTF("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 16.0f);
  ImGui_ImplOpenGL3_Init("#version 330");
  const int V = int(state.range(0));
  std::vector<std::string> items;
  for (int i = 0; i + 1 < V; ++i) items.push_back("w" + std::to_string(i));
  auto data = std::make_shared<ev::Dataset>(ev::make_dataset(items, ev::Tokenizer::Word, 1, "bench"));
  ev::Snapshot snap;
  snap.data = data;
  ev::testdata::set_model(snap, ev::Model<float>(ev::testdata::mlp_spec(data->vocab.size(), 3, 2, 16)));
  float* C = ev::testdata::table_of(snap).data();  // (V, 2)
  // A clustered cloud, as trained embeddings are: a few blobs of different sizes.
  std::uint64_t x = 88172645463325252ull;
  auto next = [&x] {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return double(x >> 11) / double(1ull << 53);
  };
  for (int i = 0; i < snap.spec.vocab; ++i) {
    const double blob = double(i % 5), r = 0.2 + 0.15 * blob, a = 6.2831853 * next(), rr = r * std::sqrt(next());
    C[std::size_t(2 * i)] = float(std::cos(blob * 1.3) * 1.5 + rr * std::cos(a));
    C[std::size_t(2 * i + 1)] = float(std::sin(blob * 1.3) * 1.5 + rr * std::sin(a));
  }
  ev::ui::EmbeddingPanelState emb;
  emb.show_trails = false;  // trails are drawn for small vocabularies only
  ev::ui::UiContext ctx;
  int frame = 0;
  for (auto _ : state) {
    // As while training: every frame a slightly different table.
    const float drift = 1e-4f * float(frame++ % 100);
    C[0] += drift;
    ++snap.version;
    ImGui_ImplOpenGL3_NewFrame();
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(1000, 1000));
    // As in the app: the window draws no background of its own (the clear does).
    if (ImGui::Begin("Embedding", nullptr, ImGuiWindowFlags_NoBackground)) ev::ui::draw_embedding_panel(snap, ctx, emb);
    ImGui::End();
    ImGui::Render();
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    glFinish();
  }
  state.counters["layer_passes_per_s"] =
      benchmark::Counter(double(emb.layer.passes()), benchmark::Counter::kIsRate);
  ImGui_ImplOpenGL3_Shutdown();
  ImGui::DestroyContext();
}
BENCHMARK(BM_EmbeddingView)->Arg(27)->Arg(20000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
