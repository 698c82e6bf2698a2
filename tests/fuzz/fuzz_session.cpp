// fuzz_session: the session-file loader on arbitrary bytes. Byte 0 picks the
// mode: even, the rest is a whole file; odd, the rest is a payload and the
// harness writes a correct header (magic, version, length, checksum) so that
// mutations reach the field checks instead of all failing the checksum.
// A parsed session is then resumed on a small data set, as the app would.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "core/base/error.h"
#include "core/io/session.h"
#include "fuzz_common.h"

namespace {

void put(std::string& s, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s.push_back(char((v >> (8 * i)) & 0xFF));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto dataset = std::make_shared<const ev::Dataset>(ev::fuzz::session_dataset());
  if (size < 1) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string file;
  if (data[0] & 1) {
    file.append("EVSESSN", 8);  // 7 letters and the NUL
    put(file, ev::kSessionVersion, 4);
    put(file, rest.size(), 8);
    put(file, ev::fnv1a(rest.data(), rest.size()), 8);
    file.append(rest);
  } else {
    file.assign(rest);
  }
  try {
    const ev::Session s = ev::parse_session(file, "fuzz.evs");
    if (s.params.size() != ev::param_table(s.spec()).count()) std::abort();
    // The fuzzer's memory limit is far below the 8 GiB the product allows;
    // sizes between the two are legal but not worth exercising here.
    if (ev::estimate_bytes(s.config, int(s.vocab.size()), 1000) > 256.0 * (1 << 20)) return 0;
    ev::Trainer t = ev::resume_session(s, dataset);
    if (t.step_count() != s.step) std::abort();
    t.step();
    if (ev::encode_session(ev::capture_session(t)).empty()) std::abort();
  } catch (const ev::Error&) {
    // Refused with a message: the expected outcome for bad input.
  }
  return 0;
}
