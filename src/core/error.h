// error.h: the one exception type the core throws for bad input.
// Every message is a single line that names the problem, ready to show a user.
#pragma once

#include <stdexcept>
#include <string>

namespace ev {

// A problem with user input (files, options, sizes). Never thrown for bugs.
struct Error : std::runtime_error {
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace ev
