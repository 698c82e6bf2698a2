// file_browser.h: the one file dialog every File menu action uses (open a text
// file, save and load sessions, each export): folders and files of the chosen
// type, a few places and the recent files on the left, and a path field that
// still takes a typed path ("~/x", a relative name, a whole path).
// Not for: reading or writing the chosen file (the app does, once it is chosen).
#pragma once

#include <string>
#include <vector>

#include "core/base/files.h"
#include "ui/ui_context.h"

namespace ev::ui {

enum class BrowseMode {
  Open,   // an existing file
  Save,   // a file to write (it may exist; its folder is created when missing)
  Folder  // a folder to write into (created when missing)
};

// A named starting point on the left: Home, the app's files, the examples.
struct Place {
  std::string label, dir;
};

struct FileBrowserState {
  std::string title;                 // the dialog's title, also its ImGui id
  std::string hint;                  // one line on what to choose
  BrowseMode mode = BrowseMode::Open;
  std::vector<FileFilter> filters;   // the type combo; the first is chosen on opening
  int filter = 0;
  std::string dir;                   // the folder shown
  char name[1024] = "";              // the path field: a name in `dir`, or any typed path
  std::vector<DirEntry> entries;     // `dir`'s listing, refreshed when dir, filter or `hidden` change
  std::vector<Place> places;         // the places that exist
  std::vector<std::string> recent;   // recent files that exist and match the filters
  std::string problem;               // why the last choice was refused ("" when none)
  bool hidden = false;               // show hidden entries
  int tokenizer = -1;                // opening training data: 0 characters, 1 words (-1: no choice shown)
  bool listed = false;               // `entries` is current
  bool open_request = false;         // open the popup on the next draw
  bool focus_path = false;           // give the path field the keyboard on the next draw
  bool shown = false;                // the dialog was open at the end of the last draw
  std::string chosen;                // the path chosen, set when draw_file_browser returns true
};

// Prepares the browser for one action; it shows on the next draw_file_browser.
// `start` is a folder to show, or a file whose folder is shown and whose name
// fills the path field. Places that do not exist are left out.
void open_file_browser(FileBrowserState& st, std::string title, std::string hint, BrowseMode mode,
                       std::vector<FileFilter> filters, const std::string& start, const RecentFiles& recent,
                       const std::vector<Place>& places);

// Draws the browser while it is open. Returns true on the frame a path is
// chosen (st.chosen holds it, absolute and normal), false otherwise.
bool draw_file_browser(FileBrowserState& st, UiContext& ctx);

}  // namespace ev::ui
