// error.h: the one exception type the core throws for bad input, and how a
// name taken from outside (a path, a token) is shown inside a message.
// Every message is a single line that names the problem, ready to show a user.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace ev {

// A problem with user input (files, options, sizes). Never thrown for bugs.
struct Error : std::runtime_error {
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

// `name` made safe for a one-line message on a terminal and in JSON: control
// bytes (newline, escape, ...) and bytes that are not valid UTF-8 are written
// as \xHH, a backslash as \\; valid UTF-8 text is kept as it is.
std::string shown(std::string_view name);

// For a program's main(), inside a catch block: writes what was caught to
// stderr as one line after the program's name ("embedviz-train: ...") and
// returns exit status 1.
int report_exception(const char* program);

}  // namespace ev
