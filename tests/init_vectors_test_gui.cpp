// init_vectors_test_gui: File > Initialise embeddings from... and the freeze
// checkbox, driven headlessly like a user: the chosen file's vectors reach the
// run through its command queue at the step it is at, the message says how
// many tokens matched, a bad file leaves the table as it was and says why,
// and a frozen table does not move while the run trains. Pictures at both
// window sizes.
#include <gtest/gtest.h>

#include <fstream>

#include "file_menu_fixture.h"
#include "test_data.h"

using namespace ev;

namespace {

// The app on a names file (file_menu_fixture.h).
class InitVectorsGui : public ev::testing::FileMenuTest {
 protected:
  bool open_on_names(int w, int h) {
    std::ofstream out(tmp_.file("names.txt"));
    for (const auto& n : testdata::synthetic_names(300)) out << n << "\n";
    out.close();
    return open(w, h, tmp_.file("names.txt"));
  }
};

}  // namespace

TEST_F(InitVectorsGui, TheMenuSetsTheRowsItKnowsAndABadFileChangesNothing) {
  for (const auto& [w, h] : {std::pair{1600, 1000}, std::pair{1280, 800}}) {
    if (!open_on_names(w, h)) GTEST_SKIP() << "no headless OpenGL here";
    ASSERT_TRUE(ui_->click("Step 10"));
    SnapshotPtr s = settle();
    ASSERT_EQ(s->step, 10);
    const Vocab& vocab = s->data->vocab;
    // Vectors for the boundary and two letters, and one token the run lacks.
    tmp_.write("v.txt", "4 2\n. 0.5 -0.5\n" + vocab.token(1) + " 3 4\n" + vocab.token(2) + " -3 -4\nzebra 9 9\n");
    tmp_.write("bad.txt", "2 2\n. 1 2\n" + vocab.token(1) + " 1 inf\n");

    menu("Initialise embeddings from...");
    type_path(tmp_.file("v.txt"));
    s = settle();
    EXPECT_EQ(s->step, 10) << "applied at the step the run is at";
    const std::string matched = "3 of " + std::to_string(vocab.size()) + " tokens matched";
    EXPECT_NE(s->message.find(matched), std::string::npos) << s->message;
    const Mat<float> C = s->C();
    EXPECT_EQ(C.row(0), (Eigen::RowVector2f(0.5f, -0.5f)));
    EXPECT_EQ(C.row(1), (Eigen::RowVector2f(3, 4)));
    EXPECT_EQ(C.row(2), (Eigen::RowVector2f(-3, -4)));
    picture("init_vectors_matched_" + std::to_string(w) + ".png");

    menu("Initialise embeddings from...");
    type_path(tmp_.file("bad.txt"));
    s = settle();
    EXPECT_NE(s->message.find("not a finite number"), std::string::npos) << s->message;
    EXPECT_EQ(s->C(), C) << "a bad file changed the table";

    // Frozen from the checkbox, the table stays as the file set it while the run trains.
    ASSERT_TRUE(ui_->click("freeze embeddings"));
    s = settle();
    EXPECT_TRUE(s->config.freeze_embeddings);
    ASSERT_TRUE(ui_->click("Step 10"));
    s = settle();
    EXPECT_EQ(s->step, 20);
    EXPECT_EQ(s->C(), C) << "the frozen table moved";
    picture("init_vectors_frozen_" + std::to_string(w) + ".png");
    ASSERT_TRUE(ui_->click("freeze embeddings"));
    ASSERT_TRUE(ui_->click("Step 10"));
    s = settle();
    EXPECT_FALSE(s->config.freeze_embeddings);
    EXPECT_NE(s->C(), C) << "unfrozen, the table trains again";
    ui_.reset();
  }
}
