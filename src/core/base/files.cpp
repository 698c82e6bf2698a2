// files.cpp: folder listings, paths, recent files and output folders, with std::filesystem.
#include "core/base/files.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/base/atomic_file.h"
#include "core/base/error.h"

namespace ev {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// $VAR/embedviz, or $HOME/fallback/embedviz, or "".
std::string xdg_dir(const char* var, const char* fallback) {
  if (const char* x = std::getenv(var); x && *x) return (fs::path(x) / "embedviz").string();
  if (const char* h = std::getenv("HOME"); h && *h) return (fs::path(h) / fallback / "embedviz").string();
  return "";
}

}  // namespace

bool matches(const FileFilter& f, const std::string& name) {
  if (f.extensions.empty()) return true;
  const std::string n = lower(name);
  return std::any_of(f.extensions.begin(), f.extensions.end(), [&](const std::string& e) {
    return n.size() > e.size() && n.compare(n.size() - e.size(), e.size(), e) == 0;
  });
}

std::vector<DirEntry> list_dir(const std::string& dir, const FileFilter& filter, bool hidden, std::string* error) {
  std::vector<DirEntry> out;
  std::error_code ec;
  fs::directory_iterator it(dir.empty() ? "." : dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    *error = "cannot open the folder " + dir + ": " + ec.message();
    return out;
  }
  for (const fs::directory_iterator end; it != end; it.increment(ec)) {
    if (ec) break;
    DirEntry e;
    e.name = it->path().filename().string();
    if (!hidden && !e.name.empty() && e.name[0] == '.') continue;
    std::error_code ignore;
    e.is_dir = it->is_directory(ignore);  // follows links: a link to a folder is a folder
    if (!e.is_dir) {
      if (!matches(filter, e.name)) continue;
      e.size = it->is_regular_file(ignore) ? it->file_size(ignore) : 0;
    }
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const DirEntry& a, const DirEntry& b) {
    if (a.is_dir != b.is_dir) return a.is_dir;
    const std::string la = lower(a.name), lb = lower(b.name);
    return la != lb ? la < lb : a.name < b.name;
  });
  return out;
}

std::string home_dir() {
  const char* h = std::getenv("HOME");
  return h && *h ? std::string(h) : std::string("/");
}

std::string resolve_path(const std::string& typed, const std::string& dir) {
  fs::path p;
  if (typed == "~")
    p = home_dir();
  else if (typed.rfind("~/", 0) == 0)
    p = fs::path(home_dir()) / typed.substr(2);
  else
    p = fs::path(dir) / typed;  // an absolute `typed` replaces `dir`
  std::string s = p.lexically_normal().string();
  if (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

std::string parent_dir(const std::string& dir) {
  const fs::path p = fs::path(dir).lexically_normal();
  const fs::path parent = (p.has_filename() ? p : p.parent_path()).parent_path();
  return parent.empty() ? dir : parent.string();
}

std::string config_dir() { return xdg_dir("XDG_CONFIG_HOME", ".config"); }

std::string data_dir() {
  const std::string d = xdg_dir("XDG_DATA_HOME", ".local/share");
  return d.empty() ? "." : d;
}

void make_dirs(const std::string& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error("cannot create the folder " + dir + ": " + ec.message());
}

void make_parent_dirs(const std::string& path) { make_dirs(fs::path(path).parent_path().string()); }

RecentFiles::RecentFiles(std::string file) : file_(std::move(file)) {
  if (file_.empty()) return;
  std::ifstream in(file_);
  for (std::string line; std::getline(in, line) && paths_.size() < kMax;)
    if (!line.empty() && std::find(paths_.begin(), paths_.end(), line) == paths_.end()) paths_.push_back(line);
}

void RecentFiles::add(const std::string& path) {
  if (path.empty() || path.find('\n') != std::string::npos) return;
  paths_.erase(std::remove(paths_.begin(), paths_.end(), path), paths_.end());
  paths_.insert(paths_.begin(), path);
  if (paths_.size() > kMax) paths_.resize(kMax);
  if (file_.empty()) return;
  std::string text;
  for (const std::string& p : paths_) text += p + "\n";
  try {
    make_parent_dirs(file_);
    write_file_atomic(file_, text);
  } catch (const Error&) {
    // a read-only home still browses; the list just is not kept
  }
}

}  // namespace ev
