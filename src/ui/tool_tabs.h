// tool_tabs.h: the tabs of the Tools window as a table: each tab's name, what
// it draws and when it comes forward by itself. The app draws whatever the
// table lists; a new tool is one panel and one row here.
#pragma once

#include <cstddef>

#include "core/live/snapshot.h"
#include "ui/attention_panel.h"
#include "ui/neighbours_panel.h"
#include "ui/onehot_panel.h"
#include "ui/representations_panel.h"
#include "ui/sampling_panel.h"
#include "ui/ui_context.h"
#include "ui/what_where_panel.h"

namespace ev::ui {

// What the tools keep between frames. Owns GL objects: create and destroy it
// with the GL context current.
struct ToolStates {
  OnehotPanelState onehot;
  RepresentationsPanelState representations;
  SamplingPanelState sampling;
  NeighboursPanelState neighbours;
  WhatWherePanelState what_where;
  AttentionPanelState attention;
};

struct ToolTab {
  const char* name;          // a short name that is never cut
  bool shows_new_step;       // brought forward when a new Step record arrives
  void (*draw)(const Snapshot& s, UiContext& ctx, ToolStates& st);
};

// The tabs, in order.
const ToolTab* tool_tabs();
std::size_t tool_tab_count();

// One tab of a strip that wraps onto another row where the column is narrow
// (ImGui's own tab bar keeps one row and cuts or hides names): a framed
// name, lit when selected, recorded as "tab <name>". `first` starts the
// strip. True when clicked.
bool tab_button(UiContext& ctx, const char* name, bool selected, bool first);

}  // namespace ev::ui
