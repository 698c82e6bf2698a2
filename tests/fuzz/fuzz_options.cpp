// fuzz_options: embedviz-train's command line on arbitrary arguments. The input
// is split at NUL bytes into argv[1..]. Parsing must never crash, throw or
// accept values outside the documented ranges: no empty path, no non-finite
// rate, no seed that was not written as plain digits.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/options.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args{"embedviz-train"};
  std::string cur;
  for (std::size_t i = 0; i < size && args.size() < 64; ++i) {
    if (data[i] == 0) {
      args.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(char(data[i]));
    }
  }
  if (!cur.empty()) args.push_back(cur);
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  const ev::cli::ParseResult r = ev::cli::parse_train_options(int(argv.size()), argv.data());
  if (!r.run) {
    if (r.exit_code != 0 && r.exit_code != 2) std::abort();
    if (r.message.empty()) std::abort();
    if (r.exit_code == 2 && r.message.find('\n') != std::string::npos) std::abort();  // one line
    return 0;
  }
  const ev::cli::Options& o = r.options;
  const ev::TrainConfig& c = o.config;
  if (c.block < 1 || c.block > ev::Limits::kMaxBlock || c.emb < 1 || c.emb > ev::Limits::kMaxEmb ||
      c.hidden < 1 || c.hidden > ev::Limits::kMaxHidden || c.batch < 1 || c.batch > ev::Limits::kMaxBatch ||
      !(c.lr >= ev::Limits::kMinLr && c.lr <= ev::Limits::kMaxLr) || o.steps < 0 || o.threads < 1 ||
      c.lr_decay_step < 0 || (o.tokenizer != "char" && o.tokenizer != "word"))
    std::abort();
  if (!std::isfinite(c.lr) || !std::isfinite(c.lr_decay)) std::abort();
  // A path option that was given is never empty (an empty one would mean "none").
  for (std::size_t i = 1; i + 1 < args.size(); ++i)
    for (const char* flag : {"--data", "--resume", "--save-session", "--export-tsv", "--export-word2vec",
                             "--export-loss-csv"})
      if (args[i] == flag && args[i + 1].empty()) std::abort();
  // An accepted seed is the number its digits say: never wrapped or clamped.
  if (std::count(args.begin(), args.end(), "--seed") == 1) {
    const std::size_t i = std::size_t(std::find(args.begin(), args.end(), "--seed") - args.begin());
    if (i + 1 < args.size()) {
      const std::string& v = args[i + 1];
      const std::size_t lead = std::min(v.find_first_not_of('0'), v.size() - 1);
      if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || std::to_string(c.seed) != v.substr(lead))
        std::abort();
    }
  }
  return 0;
}
