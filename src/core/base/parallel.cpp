// parallel.cpp: see parallel.h.
#include "core/base/parallel.h"

#include <algorithm>
#include <exception>
#include <system_error>
#include <thread>
#include <vector>

namespace ev {

void parallel_ranges(int n, int parts, int align, const std::function<void(int, int)>& part) {
  parts = std::max(1, std::min(parts, n));
  if (parts == 1) return part(0, n);
  align = std::max(1, align);
  // Boundaries at multiples of `align`, as even as that allows.
  std::vector<int> at(std::size_t(parts) + 1, n);
  at[0] = 0;
  for (int p = 1; p < parts; ++p) {
    const long long even = (static_cast<long long>(n) * p) / parts;
    at[std::size_t(p)] = std::min(n, int((even + align / 2) / align * align));
  }
  // Each part's exception is kept and the first rethrown once every thread
  // has joined; a thread that cannot start leaves its part to this thread.
  std::vector<std::exception_ptr> failed(static_cast<std::size_t>(parts));
  const auto run = [&](int p) {
    try {
      part(at[std::size_t(p)], at[std::size_t(p) + 1]);
    } catch (...) {
      failed[std::size_t(p)] = std::current_exception();
    }
  };
  std::vector<std::thread> others;
  others.reserve(std::size_t(parts) - 1);
  int started = 1;
  try {
    for (; started < parts; ++started) others.emplace_back(run, started);
  } catch (const std::system_error&) {
  }
  run(0);
  for (int p = started; p < parts; ++p) run(p);
  for (std::thread& t : others) t.join();
  for (const std::exception_ptr& e : failed)
    if (e) std::rethrow_exception(e);
}

}  // namespace ev
