// validators.h: CLI11 checks shared by embedviz-train and embedviz, stricter
// than CLI11's own: a rate must be a finite number, a path must not be empty,
// a seed must be a whole number that fits in 64 bits, and ranges are printed
// in %g style ("1e-08 to 1e+06", not "0.000000 to 1000000.000000").
// Not for: checks that need more than one option (options.cpp, main.cpp).
#pragma once

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace ev::cli {

// A finite number in [lo, hi]; "nan", "inf" and trailing junk are refused.
inline CLI::Validator finite_range(double lo, double hi) {
  char range[96];
  std::snprintf(range, sizeof range, "%g to %g", lo, hi);
  const std::string r = range;
  return CLI::Validator(
      [lo, hi, r](std::string& s) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size()) return "'" + s + "' is not a number";
        if (!std::isfinite(v)) return "'" + s + "' is not a finite number; expected " + r;
        if (v < lo || v > hi) return "'" + s + "' is out of range; expected " + r;
        return "";
      },
      "NUMBER in " + r);
}

// A path option given as "" would silently mean "none": it is an error.
inline CLI::Validator non_empty_path() {
  return CLI::Validator(
      [](std::string& s) -> std::string { return s.empty() ? "an empty file name was given" : ""; }, "PATH");
}

// A seed: decimal digits only, at most 2^64 - 1 (never clamped or wrapped).
// Give it with ->transform(): it removes leading zeros, which CLI11 reads as octal.
inline CLI::Validator seed_value() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
          return "'" + s + "' is not a whole number from 0 to 18446744073709551615";
        errno = 0;
        std::strtoull(s.c_str(), nullptr, 10);
        if (errno == ERANGE) return "'" + s + "' is too large; a seed is at most 18446744073709551615";
        // CLI11 reads a leading 0 as octal: the digits are decimal, so the zeros go.
        s.erase(0, std::min(s.find_first_not_of('0'), s.size() - 1));
        return "";
      },
      "UINT64");
}

}  // namespace ev::cli
