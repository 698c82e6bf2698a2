// init_vectors_cli_test: embedviz-train --init-vectors and --freeze-embeddings
// as a real process: a run starts from another run's exported vectors and
// says how many tokens matched; frozen, its session holds exactly those
// vectors after training; every bad file is one line on stderr, a non-zero
// exit and no file written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli/options.h"
#include "core/base/atomic_file.h"
#include "core/io/export.h"
#include "core/io/session.h"
#include "process.h"
#include "test_data.h"

using namespace ev;
using ev::testing::quote;
namespace fs = std::filesystem;

namespace {

ev::cli::ParseResult parse(std::vector<std::string> args) {
  args.insert(args.begin(), "embedviz-train");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  return ev::cli::parse_train_options(int(argv.size()), argv.data());
}

class InitVectorsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp.ok());
    data = tmp.file("names.txt");
    std::ofstream out(data);
    for (const auto& n : testdata::synthetic_names(300)) out << n << "\n";
  }
  // embedviz-train on the names with a small model and the given arguments.
  ev::testing::Outcome train(const std::string& args) const {
    return ev::testing::run_command(std::string(EMBEDVIZ_TRAIN_EXE) + " --data " + quote(data) +
                                        " --emb 4 --hidden 16 --batch 8 " + args,
                                    tmp.file("stderr.txt"));
  }
  // The token table C a saved session holds.
  static Mat<float> table_of(const std::string& session) {
    const Session s = load_session(session);
    Model<float> m(s.spec());
    m.params = s.params;
    return m.p("C");
  }
  ev::testing::TempDir tmp;
  std::string data;
};

}  // namespace

TEST(InitVectorsOptions, AreParsedAndRefusedWhereTheyCannotApply) {
  const auto r = parse({"--init-vectors", "v.txt", "--freeze-embeddings"});
  ASSERT_TRUE(r.run) << r.message;
  EXPECT_EQ(r.options.init_vectors, "v.txt");
  EXPECT_TRUE(r.options.config.freeze_embeddings);
  EXPECT_FALSE(parse({}).options.config.freeze_embeddings);
  // A resumed session takes vectors and the flag (neither is a hyperparameter it must keep).
  EXPECT_TRUE(parse({"--resume", "s.evs", "--init-vectors", "v.txt", "--freeze-embeddings"}).run);
  for (const std::vector<std::string>& bad : {std::vector<std::string>{"--init-vectors", ""},
                                              {"--find-lr", "--init-vectors", "v.txt"},
                                              {"--sweep", "seed=1,2", "--init-vectors", "v.txt"},
                                              {"--freeze-embeddings=maybe"}}) {
    const auto b = parse(bad);
    EXPECT_FALSE(b.run) << bad.front();
    EXPECT_EQ(b.exit_code, 2);
    EXPECT_EQ(b.message.find('\n'), std::string::npos);
  }
  const auto help = parse({"--help"});
  EXPECT_NE(help.message.find("--init-vectors"), std::string::npos);
  EXPECT_NE(help.message.find("--freeze-embeddings"), std::string::npos);
}

TEST_F(InitVectorsCli, StartsFromExportedVectorsAndKeepsThemFrozen) {
  const auto first = train("--steps 300 --seed 1 --export-word2vec " + quote(tmp.file("v.txt")) + " --export-tsv " +
                           quote(tmp.file("proj")) + " --save-session " + quote(tmp.file("first.evs")));
  ASSERT_EQ(first.status, 0) << first.err;
  const Mat<float> C = table_of(tmp.file("first.evs"));
  for (const std::string from : {"v.txt", "proj", "proj/metadata.tsv"}) {
    const auto r = train("--steps 200 --seed 2 --init-vectors " + quote(tmp.file(from)) +
                         " --freeze-embeddings --save-session " + quote(tmp.file("second.evs")));
    ASSERT_EQ(r.status, 0) << r.err;
    const int V = int(C.rows());
    EXPECT_NE(r.err.find("init-vectors: " + std::to_string(V) + " of " + std::to_string(V) +
                         " tokens matched (100.0%)\n"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("embeddings frozen"), std::string::npos) << r.err;
    EXPECT_EQ(table_of(tmp.file("second.evs")), C) << from;
    EXPECT_TRUE(load_session(tmp.file("second.evs")).config.freeze_embeddings);
  }
  // Resumed, the session stays frozen; without the flag a fresh run trains C.
  const auto resumed = ev::testing::run_command(std::string(EMBEDVIZ_TRAIN_EXE) + " --resume " +
                                                    quote(tmp.file("second.evs")) + " --steps 50 --save-session " +
                                                    quote(tmp.file("third.evs")),
                                                tmp.file("stderr.txt"));
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_EQ(table_of(tmp.file("third.evs")), C);
  const auto loose = train("--steps 50 --seed 2 --init-vectors " + quote(tmp.file("v.txt")) + " --json --save-session " +
                           quote(tmp.file("loose.evs")));
  ASSERT_EQ(loose.status, 0) << loose.err;
  EXPECT_NE(table_of(tmp.file("loose.evs")), C);
  EXPECT_NE(loose.out.find("\"init_vectors\":"), std::string::npos) << loose.out;
  EXPECT_NE(loose.out.find("\"freeze_embeddings\":false"), std::string::npos) << loose.out;
}

TEST_F(InitVectorsCli, BadVectorsStopTheRunWithOneLineAndWriteNothing) {
  tmp.write("wide.txt", "2 5\na 1 2 3 4 5\nb 1 2 3 4 5\n");
  tmp.write("nan.txt", "a 1 2 nan 4\n");
  tmp.write("strangers.txt", "zzz 1 2 3 4\n");
  tmp.write("binary.bin", std::string("1 4\na \x00\x00\x80\x3f\x00\x00\x80\x3f", 14));
  fs::create_directories(tmp.file("folder"));
  const std::pair<std::string, const char*> bad[] = {
      {tmp.file("absent.txt"), "no such file"},       {tmp.file("wide.txt"), "--emb"},
      {tmp.file("nan.txt"), "not a finite number"},   {tmp.file("strangers.txt"), "none of the 1 tokens"},
      {tmp.file("binary.bin"), "binary"},              {tmp.file("folder"), "folder without vectors.tsv"},
      {"/dev/zero", "a device"},
  };
  for (const auto& [path, says] : bad) {
    const auto r = train("--steps 10 --init-vectors " + quote(path) + " --save-session " + quote(tmp.file("s.evs")) +
                         " --export-word2vec " + quote(tmp.file("out.txt")));
    EXPECT_EQ(r.status, 1) << path << ": " << r.err;
    EXPECT_EQ(ev::testing::count_lines(r.err), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("embedviz-train: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << path << ": " << r.err;
    EXPECT_FALSE(fs::exists(tmp.file("s.evs"))) << path;
    EXPECT_FALSE(fs::exists(tmp.file("out.txt"))) << path;
  }
  // An experiment trains several fresh models: no vectors for them.
  const auto sweep = train("--sweep hidden=8,16 --init-vectors " + quote(tmp.file("nan.txt")));
  EXPECT_EQ(sweep.status, 2) << sweep.err;
  EXPECT_NE(sweep.err.find("--init-vectors cannot be given with --sweep"), std::string::npos) << sweep.err;
}
