// file_browser_test: the file browser and the folders it works with. The core
// helpers (listing, typed paths, recent files, output folders) directly; the
// dialog by driving the real app headlessly through the File menu: clicking
// folders, files, types and recent files, typing paths, and reading back what
// the trainer did and what was written. Pictures at both window sizes.
#include <gtest/gtest.h>
#include <imgui.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <algorithm>
#include <fstream>

#include "app/headless_ui.h"
#include "file_menu_fixture.h"
#include "core/base/error.h"
#include "core/io/export.h"
#include "core/base/files.h"
#include "process.h"
#include "test_data.h"

using namespace ev;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

void touch(const std::string& path, const std::string& text = "x\n") { std::ofstream(path) << text; }

std::vector<std::string> names(const std::vector<DirEntry>& entries) {
  std::vector<std::string> out;
  for (const DirEntry& e : entries) out.push_back(e.name + (e.is_dir ? "/" : ""));
  return out;
}

}  // namespace

TEST(Files, ListsFoldersFirstThenFilesOfTheType) {
  ev::testing::TempDir tmp;
  fs::create_directories(tmp.file("Zeta"));
  fs::create_directories(tmp.file("alpha"));
  fs::create_directories(tmp.file(".hidden_dir"));
  touch(tmp.file("b.TXT"));
  touch(tmp.file("a.txt"));
  touch(tmp.file("c.csv"));
  touch(tmp.file(".secret.txt"));
  std::string error;
  const FileFilter text{"Text", {".txt"}};
  EXPECT_EQ(names(list_dir(tmp.file(""), text, false, &error)),
            (std::vector<std::string>{"alpha/", "Zeta/", "a.txt", "b.TXT"}));
  EXPECT_EQ(names(list_dir(tmp.file(""), {"All", {}}, false, &error)),
            (std::vector<std::string>{"alpha/", "Zeta/", "a.txt", "b.TXT", "c.csv"}));
  EXPECT_EQ(names(list_dir(tmp.file(""), text, true, &error)),
            (std::vector<std::string>{".hidden_dir/", "alpha/", "Zeta/", ".secret.txt", "a.txt", "b.TXT"}));
  EXPECT_TRUE(error.empty()) << error;
  EXPECT_TRUE(list_dir(tmp.file("missing"), text, false, &error).empty());
  EXPECT_NE(error.find("missing"), std::string::npos) << error;
}

TEST(Files, ResolvesTypedPaths) {
  setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(resolve_path("a.txt", "/data"), "/data/a.txt");
  EXPECT_EQ(resolve_path("../x/./y.txt", "/data/sub"), "/data/x/y.txt");
  EXPECT_EQ(resolve_path("/etc/hosts", "/data"), "/etc/hosts");
  EXPECT_EQ(resolve_path("~", "/data"), "/home/someone");
  EXPECT_EQ(resolve_path("~/notes/", "/data"), "/home/someone/notes");
  EXPECT_EQ(parent_dir("/data/sub"), "/data");
  EXPECT_EQ(parent_dir("/data/sub/"), "/data");
  EXPECT_EQ(parent_dir("/"), "/");
}

TEST(Files, RecentFilesAreKeptNewestFirst) {
  ev::testing::TempDir tmp;
  const std::string file = tmp.file("config/recent.txt");  // its folder does not exist yet
  {
    RecentFiles r(file);
    for (int i = 0; i < int(RecentFiles::kMax) + 3; ++i) r.add("/f" + std::to_string(i));
    r.add("/f5");  // again: moves to the front, not a second entry
    EXPECT_EQ(r.paths().size(), RecentFiles::kMax);
    EXPECT_EQ(r.paths()[0], "/f5");
    EXPECT_EQ(r.paths()[1], "/f14");
  }
  RecentFiles again(file);  // read back from the config folder
  ASSERT_EQ(again.paths().size(), RecentFiles::kMax);
  EXPECT_EQ(again.paths()[0], "/f5");
  EXPECT_EQ(std::count(again.paths().begin(), again.paths().end(), "/f5"), 1);
}

// Exports into folders that do not exist yet create them (the Projector's
// default folder used to fail with "No such file or directory").
TEST(Files, ExportsCreateTheFoldersTheyNeed) {
  ev::testing::TempDir tmp;
  Mat<float> C(2, 3);
  C << 1, 2, 3, 4, 5, 6;
  const std::vector<std::string> tokens = {".", "a"};
  Dataset data;
  data.vocab = Vocab(tokens);
  write_projector_tsv(tmp.file("a/b/projector"), data, C);
  EXPECT_TRUE(fs::is_regular_file(tmp.file("a/b/projector/vectors.tsv")));
  EXPECT_TRUE(fs::is_regular_file(tmp.file("a/b/projector/metadata.tsv")));
  write_word2vec(tmp.file("c/d/vectors.txt"), tokens, C);
  EXPECT_TRUE(fs::is_regular_file(tmp.file("c/d/vectors.txt")));
  write_loss_csv(tmp.file("e/loss.csv"), {{0, 3.0f}}, {});
  EXPECT_TRUE(fs::is_regular_file(tmp.file("e/loss.csv")));
  // A folder that cannot be made is one clear error, naming it.
  touch(tmp.file("plain"));
  try {
    write_word2vec(tmp.file("plain/sub/v.txt"), tokens, C);
    FAIL() << "wrote under a file";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("plain"), std::string::npos) << e.what();
  }
}

namespace {

// The app, headless, in a fresh temporary folder (file_menu_fixture.h).
using Browser = ev::testing::FileMenuTest;

}  // namespace

// Save a session into folders that do not exist, train on, then Load: the
// dialog offers the file just saved, and opening it brings its step back.
TEST_F(Browser, LoadOffersTheSessionJustSaved) {
  if (!open()) GTEST_SKIP() << "no headless OpenGL here";
  ASSERT_TRUE(ui_->click("Step 10"));
  ASSERT_EQ(settle()->step, 10);
  menu("Save session...");
  ASSERT_TRUE(shown("browser ok")) << "the browser did not open";
  type_path("runs/monday/first");  // no extension: the type's own is added
  auto s = settle();
  const std::string saved = tmp_.file("share/embedviz/runs/monday/first.evs");
  EXPECT_TRUE(fs::is_regular_file(saved)) << s->message;
  EXPECT_NE(s->message.find("Saved"), std::string::npos) << s->message;
  EXPECT_FALSE(shown("browser ok")) << "the browser stayed open";

  ASSERT_TRUE(ui_->click("Step 10"));
  ASSERT_EQ(settle()->step, 20);
  menu("Load session...");
  // It opens in the saved file's folder with the file picked and listed as recent.
  EXPECT_TRUE(shown("browser entry first.evs"));
  EXPECT_TRUE(shown("browser recent " + saved));
  picture("browser_load_session.png");
  ASSERT_TRUE(ui_->click("browser ok"));
  s = settle();
  EXPECT_EQ(s->step, 10) << s->message;
  // The recent list is kept in the config folder for the next start.
  std::ifstream recent(tmp_.file("config/embedviz/recent.txt"));
  std::string first;
  std::getline(recent, first);
  EXPECT_EQ(first, saved);
}

// Folders open with a click, Up goes back, the type filters the files, a
// typed folder path opens that folder, and a text file chosen with a
// double-click is trained on.
TEST_F(Browser, BrowsesFoldersAndTypesAndOpensAFile) {
  const std::string dir = tmp_.file("home/data");
  fs::create_directories(dir + "/inner");
  std::string text;
  for (const std::string& w : testdata::synthetic_names(80)) text += w + "\n";
  touch(dir + "/inner/deep.txt", text);
  touch(dir + "/names.txt", text);
  touch(dir + "/table.csv", "a,b\n");
  if (!open()) GTEST_SKIP() << "no headless OpenGL here";
  menu("Train on a text file...");
  type_path("~/data");  // a typed folder is opened, not chosen
  EXPECT_TRUE(shown("browser entry names.txt"));
  EXPECT_TRUE(shown("browser entry inner"));
  EXPECT_FALSE(shown("browser entry table.csv")) << "a CSV listed among text files";
  ASSERT_TRUE(ui_->click("browser type"));
  ui_->frame();  // a new popup is measured on its first frame and placed on the next
  ASSERT_TRUE(ui_->click("browser type All files"));
  ui_->frame();
  EXPECT_TRUE(shown("browser entry table.csv"));
  ASSERT_TRUE(ui_->click("browser entry inner"));
  ui_->frame();
  EXPECT_TRUE(shown("browser entry deep.txt"));
  EXPECT_FALSE(shown("browser entry names.txt"));
  ASSERT_TRUE(ui_->click("browser up"));
  ui_->frame();
  ASSERT_TRUE(ui_->click("browser entry names.txt"));  // picks it
  EXPECT_TRUE(shown("browser ok")) << "one click chose the file";
  ASSERT_TRUE(ui_->click("browser entry names.txt"));  // the second click of a double-click chooses it
  EXPECT_FALSE(shown("browser ok")) << "a double-click did not choose the file";
  auto s = settle();
  EXPECT_EQ(s->data->source, dir + "/names.txt") << s->message;
  EXPECT_EQ(s->data->items.size(), 80u);
  // Opening again starts at the file just used, listed under Recent.
  menu("Train on a text file...");
  EXPECT_TRUE(shown("browser recent " + dir + "/names.txt"));
  EXPECT_TRUE(shown("browser entry names.txt"));
  ASSERT_TRUE(ui_->click("browser cancel"));
  ui_->frame();
  EXPECT_FALSE(shown("browser ok"));
  // An export never offers a training file to be written over.
  menu("Export embeddings as word2vec text...");
  EXPECT_TRUE(shown("browser ok"));
  EXPECT_FALSE(shown("browser recent " + dir + "/names.txt"));
}

// A missing file is refused in the dialog, which stays open; the run is untouched.
TEST_F(Browser, RefusesAMissingFileAndKeepsTheRun) {
  if (!open()) GTEST_SKIP() << "no headless OpenGL here";
  ASSERT_TRUE(ui_->click("Step 10"));
  const auto before = settle();
  menu("Load session...");
  type_path("/nowhere/at/all.evs");
  EXPECT_TRUE(shown("browser ok")) << "the dialog closed on a missing file";
  const auto s = settle();
  EXPECT_EQ(s->step, 10);
  EXPECT_EQ(s->model->params, before->model->params);
}

// Every export through the dialog writes into folders it creates.
TEST_F(Browser, ExportsCreateTheirFolders) {
  if (!open()) GTEST_SKIP() << "no headless OpenGL here";
  ASSERT_TRUE(ui_->click("Step 10"));
  settle();
  menu("Export embeddings for the Projector (TSV)...");
  ASSERT_TRUE(ui_->click("browser ok"));  // the default: a new folder "projector" in the app's folder
  EXPECT_TRUE(fs::is_regular_file(tmp_.file("share/embedviz/projector/vectors.tsv")));
  EXPECT_TRUE(fs::is_regular_file(tmp_.file("share/embedviz/projector/metadata.tsv")));
  menu("Export embeddings as word2vec text...");
  type_path(tmp_.file("out/w2v/vectors.txt"));
  EXPECT_TRUE(fs::is_regular_file(tmp_.file("out/w2v/vectors.txt")));
  menu("Export the loss history (CSV)...");
  type_path("../elsewhere/loss");  // relative to the folder shown, extension added
  EXPECT_TRUE(fs::is_regular_file(tmp_.file("out/elsewhere/loss.csv")));
  menu("Export a picture of the window (PNG)...");
  type_path("pictures/window.png");
  ui_->frame();
  EXPECT_TRUE(fs::is_regular_file(tmp_.file("out/elsewhere/pictures/window.png")));
  EXPECT_TRUE(ui_->app().error().empty()) << ui_->app().error();
}

// File > Examples lists the data/ files, and a click trains on one.
TEST_F(Browser, ExamplesMenuTrainsOnAnExample) {
  if (!open()) GTEST_SKIP() << "no headless OpenGL here";
  ASSERT_FALSE(app::examples_dir().empty());
  ASSERT_TRUE(ui_->click("menu File"));
  ASSERT_TRUE(ui_->click("menu Examples"));
  ui_->frame();
  ASSERT_TRUE(ui_->click("menu example animals.txt"));
  const auto s = settle();
  EXPECT_NE(s->data->source.find("animals.txt"), std::string::npos) << s->message;
  EXPECT_EQ(s->data->items.size(), 200u);
}

// The dialog fits and reads at both window sizes: every control inside the
// screen, the listing and the buttons clear of each other.
TEST_F(Browser, FitsAt1600x1000And1280x800) {
  for (const auto& [w, h] : {std::pair{1600, 1000}, std::pair{1280, 800}}) {
    if (!open(w, h)) GTEST_SKIP() << "no headless OpenGL here";
    const std::string dir = tmp_.file("home/a folder with a rather long name/and another one inside it");
    fs::create_directories(dir + "/sub");
    for (const char* f : {"animals.txt", "elements.txt", "numbers.txt", "notes.txt"}) touch(dir + "/" + f);
    menu("Train on a text file...");
    type_path(dir);
    ASSERT_TRUE(ui_->click("browser entry numbers.txt"));
    ui_->frame();
    const auto& rects = ui_->app().context().item_rects;
    for (const char* label : {"browser up", "browser path", "browser type", "browser ok", "browser cancel",
                              "browser entry numbers.txt", "browser place Home"}) {
      ASSERT_TRUE(rects.count(label)) << label;
      const auto r = rects.at(label);
      EXPECT_GE(r[0], 0) << label;
      EXPECT_GE(r[1], 0) << label;
      EXPECT_LE(r[2], float(w)) << label;
      EXPECT_LE(r[3], float(h)) << label;
    }
    EXPECT_LT(rects.at("browser entry numbers.txt")[3], rects.at("browser path")[1]);
    EXPECT_LT(rects.at("browser path")[3], rects.at("browser ok")[1] + 1);
    picture("browser_" + std::to_string(w) + "x" + std::to_string(h) + ".png");
    ui_.reset();
  }
}

// While the browser is open the keys are the dialog's: Space, S and R do not
// train or reset the run behind it, even with the path field not focused;
// once it closes they work again.
TEST_F(Browser, ShortcutsWaitWhileTheBrowserIsOpen) {
  if (!open()) GTEST_SKIP() << "no headless OpenGL here";
  menu("Load session...");
  ASSERT_TRUE(shown("browser ok"));
  ASSERT_TRUE(ui_->click("browser up"));  // the path field loses the keyboard
  ui_->frame();
  ASSERT_FALSE(ImGui::GetIO().WantTextInput);
  for (int k : {int('S'), int(ImGuiKey_Space), int('R'), int(ImGuiKey_RightArrow)})
    ui_->tap(k);
  ui_->frame();
  auto s = settle();
  EXPECT_EQ(s->step, 0);
  EXPECT_FALSE(s->playing);
  EXPECT_TRUE(shown("browser ok"));
  ASSERT_TRUE(ui_->click("browser cancel"));
  ui_->frame();
  ASSERT_FALSE(shown("browser ok"));
  ui_->tap('S');
  ui_->frame();
  EXPECT_EQ(settle()->step, 1);
}

// A text file dropped on the window is trained on and offered again as recent.
TEST_F(Browser, ADroppedFileIsTrainedOnAndListedAsRecent) {
  const std::string path = tmp_.file("home/dropped.txt");
  std::string text;
  for (const std::string& w : testdata::synthetic_names(60)) text += w + "\n";
  touch(path, text);
  if (!open()) GTEST_SKIP() << "no headless OpenGL here";
  ui_->app().train_on_dropped(path);
  auto s = settle();
  EXPECT_EQ(s->data->source, path) << s->message;
  ASSERT_FALSE(ui_->app().recent_files().empty());
  EXPECT_EQ(ui_->app().recent_files().front(), path);
  menu("Train on a text file...");
  EXPECT_TRUE(shown("browser recent " + path));
}
