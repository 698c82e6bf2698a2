// plot_test.cpp: the plot widget's logic: tick placement and labels, the
// binary search of the visible range, thinning to pixel resolution, and
// auto-fit (steady limits) over ImGui frames without a renderer.
#include "ui/plot.h"

#include <gtest/gtest.h>
#include <imgui.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace plot = ev::ui::plot;

TEST(PlotTicks, NiceStepsAreOneTwoFiveTimesAPowerOfTen) {
  EXPECT_DOUBLE_EQ(plot::nice_step(0, 10, 5), 2);
  EXPECT_DOUBLE_EQ(plot::nice_step(0, 1, 10), 0.1);
  EXPECT_DOUBLE_EQ(plot::nice_step(0, 1000000, 5), 200000);
  EXPECT_DOUBLE_EQ(plot::nice_step(2.0, 3.5, 6), 0.2);  // raw 0.25 -> 0.2
  EXPECT_DOUBLE_EQ(plot::nice_step(0, 6, 1), 5);
  EXPECT_DOUBLE_EQ(plot::nice_step(0, 7, 1), 10);
  EXPECT_DOUBLE_EQ(plot::nice_step(5, 5, 4), 1);  // empty range: a harmless default
}

TEST(PlotTicks, LinearTicksCoverTheRangeWithoutDrift) {
  const std::vector<double> t = plot::linear_ticks(-0.35, 0.62, 5);
  ASSERT_EQ(t.size(), 5u);  // step 0.2: -0.2 .. 0.6
  EXPECT_DOUBLE_EQ(t.front(), -0.2);
  EXPECT_DOUBLE_EQ(t.back(), 0.6);
  EXPECT_EQ(t[1], 0.0);  // exactly zero, never 1e-17
  EXPECT_FALSE(std::signbit(t[1]));
  for (double v : t) {
    EXPECT_GE(v, -0.35);
    EXPECT_LE(v, 0.62);
  }
  EXPECT_TRUE(plot::linear_ticks(1, 1, 5).empty());
  EXPECT_TRUE(plot::linear_ticks(0, std::numeric_limits<double>::infinity(), 5).empty());
  EXPECT_TRUE(plot::linear_ticks(std::nan(""), 1, 5).empty());
}

TEST(PlotTicks, LogTicksArePowersOfTenAndFallBackInsideADecade) {
  const std::vector<double> wide = plot::log_ticks(0.05, 30, 6);  // under 3 decades: 1, 2, 5 multiples
  ASSERT_FALSE(wide.empty());
  EXPECT_DOUBLE_EQ(wide.front(), 0.05);
  EXPECT_DOUBLE_EQ(wide.back(), 20);
  EXPECT_EQ(wide.size(), 9u);  // 0.05 0.1 0.2 0.5 1 2 5 10 20
  const std::vector<double> huge = plot::log_ticks(1e-3, 1e6, 5);  // many decades: powers only, thinned
  for (double v : huge) EXPECT_NEAR(std::log10(v), std::round(std::log10(v)), 1e-9);
  EXPECT_LE(huge.size(), 6u);
  // A loss curve's range: a tick between 2 and 5.
  EXPECT_EQ(plot::log_ticks(1.8, 30, 6), (std::vector<double>{2, 3, 5, 10, 20, 30}));
  const std::vector<double> narrow = plot::log_ticks(2.0, 3.5, 6);  // inside one decade: linear ticks
  ASSERT_GE(narrow.size(), 3u);
  EXPECT_DOUBLE_EQ(narrow.front(), 2.0);
  EXPECT_TRUE(plot::log_ticks(0, 10, 5).empty());  // log of zero: nothing
}

TEST(PlotTicks, LabelsHaveTheDecimalsTheStepNeeds) {
  EXPECT_EQ(plot::format_tick(0.2, 0.2), "0.2");
  EXPECT_EQ(plot::format_tick(2.0, 0.5), "2.0");
  EXPECT_EQ(plot::format_tick(0.05, 0.05), "0.05");
  EXPECT_EQ(plot::format_tick(3, 1), "3");
  EXPECT_EQ(plot::format_tick(1e-17, 0.1), "0");
  EXPECT_EQ(plot::format_tick(200000, 200000), "200k");
  EXPECT_EQ(plot::format_tick(25000, 5000), "25k");
  EXPECT_EQ(plot::format_tick(2000, 2000), "2k");  // same style as 10k on one axis
  EXPECT_EQ(plot::format_tick(1500, 500), "1500");
  EXPECT_EQ(plot::format_tick(1500000, 500000), "1.5M");
  EXPECT_EQ(plot::format_tick(-1.5, 0.5), "-1.5");
  EXPECT_EQ(plot::format_tick(std::nan(""), 1), "?");
}

namespace {
struct Row {
  std::int64_t step;
  float loss;
};
}  // namespace

TEST(PlotSeries, ReadsStridedStructsOfMixedTypes) {
  const std::vector<Row> rows = {{10, 2.5f}, {20, 2.25f}, {30, 2.0f}};
  const plot::Series s = plot::make_series(&rows[0].step, &rows[0].loss, rows.size(), sizeof(Row));
  ASSERT_EQ(s.count, 3u);
  EXPECT_EQ(s.x(1), 20.0);
  EXPECT_EQ(s.y(2), 2.0);
  const std::vector<float> ys = {4, 5, 6};
  const plot::Series t = plot::make_series(ys.data(), ys.size());  // x is the index
  EXPECT_EQ(t.x(2), 2.0);
  EXPECT_EQ(t.y(2), 6.0);
}

TEST(PlotThinning, VisibleRangeIsFoundByBinarySearchAndWidenedByOne) {
  std::vector<double> xs(1000), ys(1000, 1.0);
  for (int i = 0; i < 1000; ++i) xs[std::size_t(i)] = i * 2.0;  // 0, 2, ..., 1998
  const plot::Series s = plot::make_series(xs.data(), ys.data(), xs.size(), sizeof(double));
  auto [a, b] = plot::visible_range(s, 100, 200);  // x 100 is index 50, x 200 is index 100
  EXPECT_EQ(a, 49u);
  EXPECT_EQ(b, 102u);
  std::tie(a, b) = plot::visible_range(s, -50, 5);
  EXPECT_EQ(a, 0u);
  EXPECT_EQ(b, 4u);
  std::tie(a, b) = plot::visible_range(s, 5000, 6000);  // right of all data: only the last point
  EXPECT_EQ(a, 999u);
  EXPECT_EQ(b, 1000u);
  const plot::Series empty = plot::make_series(xs.data(), ys.data(), 0, sizeof(double));
  std::tie(a, b) = plot::visible_range(empty, 0, 1);
  EXPECT_EQ(a, b);
}

TEST(PlotThinning, ColumnsKeepTheirExtremesExactlyUpToSixtyFourPoints) {
  const std::size_t n = 50000;  // 800 columns: 62.5 points each, all read
  std::vector<Row> rows(n);
  for (std::size_t i = 0; i < n; ++i) {
    rows[i].step = std::int64_t(i);
    rows[i].loss = float(3.0 + std::sin(double(i) * 0.01));  // wiggles far faster than a pixel
  }
  rows[12347].loss = 9.0f;   // a one-step spike the thinned line must keep
  rows[34561].loss = -4.0f;  // and a dip
  const plot::Series s = plot::make_series(&rows[0].step, &rows[0].loss, n, sizeof(Row));
  std::vector<plot::Point2> out;
  const int width = 800;
  plot::thin_to_pixels(s, 0, double(n), width, false, &out);
  EXPECT_LE(out.size(), std::size_t(4 * (width + 2)));
  EXPECT_GE(out.size(), std::size_t(width));  // every column is represented
  double lo = 1e9, hi = -1e9;
  for (std::size_t i = 0; i < out.size(); ++i) {
    lo = std::min(lo, out[i].y);
    hi = std::max(hi, out[i].y);
    if (i > 0) {
      EXPECT_GT(out[i].x, out[i - 1].x);  // ordered by x, no point twice
    }
  }
  EXPECT_EQ(hi, 9.0);
  EXPECT_EQ(lo, -4.0);
  EXPECT_EQ(out.front().x, 0.0);
  EXPECT_EQ(out.back().x, double(n - 1));

  // Zoomed in to 500 steps: fewer points than 4 per pixel, so all are kept.
  plot::thin_to_pixels(s, 1000, 1500, width, false, &out);
  EXPECT_EQ(out.size(), 503u);  // 1000..1500 plus one neighbour on each side
  EXPECT_EQ(out.front().x, 999.0);
  EXPECT_EQ(out.back().x, 1501.0);
}

TEST(PlotThinning, AMillionPointsGiveAsFewPointsAsAThousandAndKeepWideFeatures) {
  const std::size_t n = 1000000;
  std::vector<Row> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = {std::int64_t(i), float(2.0 + 20.0 / (1.0 + 0.001 * double(i)))};
  for (std::size_t i = 500000; i < 500200; ++i) rows[i].loss = 50.0f;  // a burst 200 steps wide
  const plot::Series s = plot::make_series(&rows[0].step, &rows[0].loss, n, sizeof(Row));
  std::vector<plot::Point2> out;
  plot::thin_to_pixels(s, 0, double(n), 1000, false, &out);
  EXPECT_LE(out.size(), 4u * 1002u);
  double hi = 0;
  for (const plot::Point2& p : out) hi = std::max(hi, p.y);
  EXPECT_EQ(hi, 50.0);
  EXPECT_EQ(out.front().y, 22.0);  // the first and last points are exact
  EXPECT_EQ(out.back().x, double(n - 1));
}

TEST(PlotThinning, IrregularStepsMatchAColumnByColumnScan) {
  // Uneven, repeated x values defeat the interpolated search's guess; every
  // column's lowest and highest point must still come out.
  std::vector<double> xs, ys;
  double x = 0;
  std::uint64_t r = 12345;
  for (int i = 0; i < 20000; ++i) {
    r = r * 6364136223846793005ull + 1442695040888963407ull;
    x += (r >> 60) < 3 ? 0.0 : double((r >> 40) & 0xff) * (i < 10000 ? 0.01 : 1.0);  // dense, then sparse
    xs.push_back(x);
    ys.push_back(double((r >> 20) & 0xffff));
  }
  const plot::Series s = plot::make_series(xs.data(), ys.data(), xs.size(), sizeof(double));
  const int width = 300;
  for (const auto& [x0, x1] : {std::pair{xs.front(), xs.back()}, std::pair{xs[5000], xs[15000]}, std::pair{xs[9990], xs[10200]}}) {
    std::vector<plot::Point2> out;
    plot::thin_to_pixels(s, x0, x1, width, false, &out);
    const double col_w = (x1 - x0) / width;
    std::vector<double> lo(width, 1e300), hi(width, -1e300);
    std::vector<int> count(width, 0);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      if (xs[i] < x0 || xs[i] > x1) continue;
      const int c = std::min(width - 1, int((xs[i] - x0) / col_w));
      lo[std::size_t(c)] = std::min(lo[std::size_t(c)], ys[i]);
      hi[std::size_t(c)] = std::max(hi[std::size_t(c)], ys[i]);
      ++count[std::size_t(c)];
    }
    for (int c = 0; c < width; ++c) {
      if (count[std::size_t(c)] == 0 || count[std::size_t(c)] > 64) continue;  // only exact columns
      bool has_lo = false, has_hi = false;
      for (const plot::Point2& p : out) {
        if (p.x < x0 + c * col_w - 1e-9 || p.x > x0 + (c + 1) * col_w + 1e-9) continue;
        has_lo |= p.y == lo[std::size_t(c)];
        has_hi |= p.y == hi[std::size_t(c)];
      }
      EXPECT_TRUE(has_lo && has_hi) << "column " << c << " of [" << x0 << ", " << x1 << "]";
    }
  }
}

TEST(PlotThinning, DropsNonFiniteAndNonPositiveOnLogAxes) {
  const std::vector<double> xs = {0, 1, 2, 3, 4};
  const std::vector<double> ys = {1, std::nan(""), -1, std::numeric_limits<double>::infinity(), 2};
  const plot::Series s = plot::make_series(xs.data(), ys.data(), xs.size(), sizeof(double));
  std::vector<plot::Point2> out;
  plot::thin_to_pixels(s, 0, 4, 100, false, &out);
  ASSERT_EQ(out.size(), 3u);  // 1, -1, 2
  plot::thin_to_pixels(s, 0, 4, 100, true, &out);
  ASSERT_EQ(out.size(), 2u);  // 1, 2
  EXPECT_EQ(out[1].y, 2.0);
}

// Distance from p to the segment [a, b], in pixels.
static float segment_distance(ImVec2 p, ImVec2 a, ImVec2 b) {
  const float dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  float t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
  t = std::fmin(1.0f, std::fmax(0.0f, t));
  return std::hypot(p.x - a.x - t * dx, p.y - a.y - t * dy);
}

TEST(PlotSimplify, ASmoothCurveShrinksAndStaysWithinTheTolerance) {
  // A decaying loss-like curve sampled at every pixel column.
  std::vector<ImVec2> pts;
  for (int x = 0; x < 800; ++x) pts.push_back(ImVec2(float(x), 300.0f - 250.0f * std::exp(-float(x) / 60.0f)));
  const std::vector<ImVec2> orig = pts;
  std::vector<int> kept;
  plot::simplify_polyline(&pts, 0.25f, &kept);
  EXPECT_LT(pts.size(), 80u);  // from 800
  ASSERT_EQ(kept.size(), pts.size());
  EXPECT_EQ(kept.front(), 0);
  EXPECT_EQ(kept.back(), 799);
  for (std::size_t k = 0; k < kept.size(); ++k) {
    EXPECT_EQ(pts[k].x, orig[std::size_t(kept[k])].x);  // kept points are input points, in order
    if (k) {
      EXPECT_LT(kept[k - 1], kept[k]);
    }
  }
  // Every dropped point lies within the tolerance of the segment that replaced it.
  for (std::size_t k = 1; k < kept.size(); ++k)
    for (int i = kept[k - 1] + 1; i < kept[k]; ++i)
      EXPECT_LE(segment_distance(orig[std::size_t(i)], pts[k - 1], pts[k]), 0.25f + 1e-4f) << i;
}

TEST(PlotSimplify, KeepsCornersSpikesAndReturnsToTheStart) {
  // A spike one point wide must survive; a path that comes back on itself
  // (first and last point equal) must keep its far end.
  std::vector<ImVec2> spike = {{0, 10}, {1, 10}, {2, 10}, {3, 2}, {4, 10}, {5, 10}, {6, 10}};
  plot::simplify_polyline(&spike, 0.5f);
  ASSERT_EQ(spike.size(), 5u);  // ends, the spike and its two feet
  EXPECT_EQ(spike[2].y, 2.0f);
  std::vector<ImVec2> loop = {{0, 0}, {5, 0}, {10, 0}, {5, 0.1f}, {0, 0}};
  plot::simplify_polyline(&loop, 0.5f);
  ASSERT_EQ(loop.size(), 3u);
  EXPECT_EQ(loop[1].x, 10.0f);
  // Two points or fewer come back unchanged.
  std::vector<ImVec2> two = {{0, 0}, {3, 4}};
  std::vector<int> kept;
  plot::simplify_polyline(&two, 10.0f, &kept);
  EXPECT_EQ(two.size(), 2u);
  EXPECT_EQ(kept, (std::vector<int>{0, 1}));
}

TEST(PlotSimplify, AJaggedSeriesKeepsItsZigzag) {
  // Noise of +-3 px: nothing can be dropped at a quarter pixel.
  std::vector<ImVec2> pts;
  for (int x = 0; x < 200; ++x) pts.push_back(ImVec2(float(x), (x % 2) ? 3.0f : -3.0f));
  plot::simplify_polyline(&pts, 0.25f);
  EXPECT_EQ(pts.size(), 200u);
}

namespace {

// One frame of a 400 x 300 plot whose data span [x0, x1] x [y0, y1]; the
// limits auto-fit leaves in st.
void fit_frame(plot::PlotState& st, double x0, double x1, double y0, double y1, int y_flags = plot::kAxisNone) {
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(600, 500);
  io.DeltaTime = 1.0f / 60.0f;
  ImGui::NewFrame();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(500, 400));
  ImGui::Begin("fit", nullptr, ImGuiWindowFlags_NoSavedSettings);
  if (plot::BeginPlot("##p", st, ImVec2(400, 300))) {
    plot::SetupAxes("x", "y", plot::kAxisNone, y_flags);
    plot::SetupFit(x0, x1, y0, y1);
    plot::EndPlot();
  }
  ImGui::End();
  ImGui::Render();
}

struct ImGuiFrames {
  ImGuiFrames() {
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    unsigned char* px = nullptr;
    int w = 0, h = 0;
    ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&px, &w, &h);
  }
  ~ImGuiFrames() { ImGui::DestroyContext(); }
};

}  // namespace

TEST(PlotFit, SteadyLimitsHoldWhileTheDataStaysInsideAndFillsThem) {
  ImGuiFrames ctx;
  for (const bool steady : {false, true}) {
    plot::PlotState st;
    st.steady_fit = steady;
    fit_frame(st, 0, 100, 0, 10);
    const double x1 = st.x1, y0 = st.y0;
    EXPECT_NEAR(x1, 105, 1e-9) << "a 5% margin";
    fit_frame(st, 0, 103, 0.5, 10);  // grown and narrowed a little: inside
    if (steady) {
      EXPECT_EQ(st.x1, x1) << "held";
      EXPECT_EQ(st.y0, y0);
    } else {
      EXPECT_NEAR(st.x1, 103 + 5.15, 1e-9) << "follows every change";
    }
    fit_frame(st, 0, 110, 0, 10);  // out of the limits: fitted again
    EXPECT_NEAR(st.x1, 115.5, 1e-9);
    fit_frame(st, 40, 60, 4, 6);  // inside, but filling a fifth on each axis: fitted again
    EXPECT_NEAR(st.x0, 39, 1e-9);
    EXPECT_NEAR(st.x1, 61, 1e-9);
    fit_frame(st, 41, 60, 4, 6);  // inside, and filling 86% of x: held when steady
    EXPECT_NEAR(st.x0, steady ? 39 : 40.05, 1e-9);
    st.refit = true;  // the fit button: a fresh fit, steady or not
    fit_frame(st, 41, 60, 4, 6);
    EXPECT_NEAR(st.x0, 40.05, 1e-9);
    EXPECT_FALSE(st.refit) << "taken by the frame";
  }
  // A log axis holds by decades: a loss that falls within them keeps the limits.
  plot::PlotState loss;
  loss.steady_fit = true;
  fit_frame(loss, 0, 1000, 2, 10, plot::kAxisLog);
  const double lo = loss.y0;
  fit_frame(loss, 0, 1010, 2.1, 10, plot::kAxisLog);
  EXPECT_EQ(loss.y0, lo);
  fit_frame(loss, 0, 1010, 1, 10, plot::kAxisLog);  // below the limits
  EXPECT_LT(loss.y0, 1.0);
}
