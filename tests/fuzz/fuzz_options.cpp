// fuzz_options: embedviz-train's command line on arbitrary arguments. The input
// is split at NUL bytes into argv[1..]. Parsing must never crash, throw or
// accept values outside the documented ranges.
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
  return 0;
}
