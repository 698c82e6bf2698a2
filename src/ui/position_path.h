// position_path.h: a path of points in the embedding view, numbered and
// joined in order: a transformer's positions wpe[0], wpe[1], ... in the same
// projected space as its tokens, so one sees whether neighbouring positions
// learn neighbouring vectors (and the what + where view's token + position
// sums).
#pragma once

#include <imgui.h>

#include <vector>

namespace ev::ui {

// Grows [x0, x1] x [y0, y1] to hold the finite points of xy (n, 2).
void fit_points(const std::vector<float>& xy, double& x0, double& x1, double& y0, double& y1);

// Draws the points of xy (n, 2) in `colour`, numbered 0, 1, ... beside them
// where a number covers no earlier one, joined in order by a polyline when
// `joined`; between plot::BeginPlot and EndPlot. Claims their pixels so a
// legend in the plot keeps clear. The numbers' boxes (x0, y0, x1, y1 pixels)
// go into *numbers and the squares' into *squares when given (for the token
// labels to keep off them: labels.h).
void draw_position_path(const std::vector<float>& xy, ImU32 colour, float radius, bool joined, ImDrawList* dl,
                        std::vector<ImVec4>* numbers = nullptr, std::vector<ImVec4>* squares = nullptr);

}  // namespace ev::ui
