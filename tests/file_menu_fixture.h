// file_menu_fixture.h: the app headless, with its home, config and data
// folders in a fresh temporary folder, and what a test of the File menu does
// like a user: open a menu item, type a path into the file browser, wait for
// the trainer, save a picture. Shared by the tests that drive the File menu.
#pragma once

#include <gtest/gtest.h>
#include <imgui.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "app/headless_ui.h"
#include "app_harness.h"
#include "core/base/error.h"
#include "process.h"

namespace ev::testing {

class FileMenuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.ok());
    setenv("HOME", tmp_.file("home").c_str(), 1);
    setenv("XDG_CONFIG_HOME", tmp_.file("config").c_str(), 1);
    setenv("XDG_DATA_HOME", tmp_.file("share").c_str(), 1);
    std::filesystem::create_directories(tmp_.file("home"));
  }

  // Starts the app at w x h on `data` ("": the default) with a small model;
  // false when no headless GL context can be made.
  bool open(int w = 1600, int h = 1000, const std::string& data = "") {
    app::AppOptions o;
    o.data = data;
    o.width = w;
    o.height = h;
    o.config.emb = 2;
    o.config.hidden = 16;
    o.config.seed = 3;
    ui_ = ready_app(o);
    if (!ui_) return false;
    ui_->frame();
    ui_->frame();
    return true;
  }

  // File > `item`, clicked like a user.
  void menu(const std::string& item) {
    ASSERT_TRUE(ui_->click("menu File"));
    ASSERT_TRUE(ui_->click("menu " + item)) << item;
    ui_->frame();
  }

  // Selects what the path field holds and types `text` over it, then Enter.
  void type_path(const std::string& text) { replace_text(*ui_, text); }

  bool shown(const std::string& label) const { return ui_->app().context().item_rects.count(label) > 0; }

  // Waits for the trainer to apply what was posted; its snapshot, with the parameters.
  SnapshotPtr settle() {
    using namespace std::chrono_literals;
    ui_->app().trainer().want_model();  // the parameters too, for the tests that compare them
    EXPECT_TRUE(ui_->app().trainer().wait_idle(20s));
    ui_->frame();
    return ui_->app().trainer().snapshot();
  }

  void picture(const std::string& name) {
#ifdef EMBEDVIZ_SCREENSHOT_DIR
    gfx::write_png(ui_->pixels(), std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/" + name);
#endif
  }

  TempDir tmp_;
  std::unique_ptr<app::HeadlessUi> ui_;
};

}  // namespace ev::testing
