// make_session_seeds: writes seed inputs for fuzz_session into a directory: a
// real session file (mode byte 0) and its payload alone (mode byte 1).
// Usage: fuzz_make_session_seeds <dir>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "core/io/session.h"
#include "fuzz_common.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_make_session_seeds <dir>\n");
    return 2;
  }
  auto data = std::make_shared<const ev::Dataset>(ev::fuzz::session_dataset());
  ev::Trainer t(data, ev::fuzz::session_config());
  for (int i = 0; i < 40; ++i) t.step();
  t.record_val();
  const std::string file = ev::encode_session(ev::capture_session(t));
  const std::string dir = argv[1];
  std::ofstream(dir + "/whole_file", std::ios::binary) << '\0' << file;
  std::ofstream(dir + "/payload_only", std::ios::binary) << '\1' << file.substr(28);  // header: 8+4+8+8 bytes
  return 0;
}
