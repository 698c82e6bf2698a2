// parallel.cpp: see parallel.h.
#include "parallel.h"

#include <algorithm>
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
  std::vector<std::thread> others;
  others.reserve(std::size_t(parts) - 1);
  for (int p = 1; p < parts; ++p) others.emplace_back(part, at[std::size_t(p)], at[std::size_t(p) + 1]);
  part(at[0], at[1]);
  for (std::thread& t : others) t.join();
}

}  // namespace ev
