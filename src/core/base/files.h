// files.h: what the app's file browser needs from the file system, without a
// window: a folder's entries filtered by type, the list of recent files kept
// with the app's state, the folders the app keeps files in, and making the
// folders an output file needs.
// Not for: reading or writing the files themselves (text.h, session.h, export.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ev {

// One entry of a folder.
struct DirEntry {
  std::string name;         // the file or folder name, no path
  bool is_dir = false;      // a folder (or a link to one)
  std::uintmax_t size = 0;  // bytes, for files
};

// A type of file to show: "Text files" with extensions {".txt"}; no extensions: every file.
struct FileFilter {
  std::string label;                // e.g. "Sessions (*.evs)"
  std::vector<std::string> extensions;  // lower case, with the dot
};

// True when `name` ends with one of the filter's extensions (ignoring case), or the filter has none.
bool matches(const FileFilter& f, const std::string& name);

// The folders of `dir` and its files that match `filter`, folders first, each
// group sorted by name ignoring case; hidden entries (a leading '.') only when
// asked for. Entries that cannot be read are left out. On failure (no such
// folder, no permission) returns nothing and sets *error to one line.
std::vector<DirEntry> list_dir(const std::string& dir, const FileFilter& filter, bool hidden, std::string* error);

// Resolves what a person typed against the folder being shown: "~" and "~/..."
// are the home folder, a relative path is taken from `dir`; the result is
// lexically normal (no "." or ".." parts).
std::string resolve_path(const std::string& typed, const std::string& dir);

// The parent folder of `dir` ("/" stays "/").
std::string parent_dir(const std::string& dir);

// Where the app keeps its state: $XDG_CONFIG_HOME/embedviz or ~/.config/embedviz
// ("" when neither is set). Not created here.
std::string config_dir();
// Where the app puts files by default: $XDG_DATA_HOME/embedviz or
// ~/.local/share/embedviz ("." when neither is set). Not created here.
std::string data_dir();
// The user's home folder, or "/" when $HOME is not set.
std::string home_dir();

// Creates the folder `path` will be written into, and any folders above it.
// Throws ev::Error naming the folder and the reason when it cannot.
void make_parent_dirs(const std::string& path);
// Creates the folder `dir` and any folders above it; throws ev::Error like make_parent_dirs.
void make_dirs(const std::string& dir);

// The most recently used files, newest first, kept one path a line in a file.
class RecentFiles {
 public:
  static constexpr std::size_t kMax = 12;  // older entries fall off the end

  // Reads `file` (missing or unreadable: an empty list); "" keeps the list in memory only.
  explicit RecentFiles(std::string file = "");
  // Moves `path` to the front and writes the list back (a failure to write is ignored: the list is a convenience).
  void add(const std::string& path);
  const std::vector<std::string>& paths() const { return paths_; }

 private:
  std::string file_;
  std::vector<std::string> paths_;
};

}  // namespace ev
