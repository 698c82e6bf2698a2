// atomic_file.h: replacing a file so that a crash at any moment leaves either
// the old complete file or the new complete file at the path, never a mix;
// and reading files (regular files, pipes) with a bound on their size.
// Not for: streaming large outputs (the whole content is in memory).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ev {

// Writes `bytes` to a temporary file in the target's directory, fsyncs it,
// renames it over `path` and fsyncs the directory. A symbolic link is followed
// and its target replaced (the link stays a link); an existing file keeps its
// permissions. Anything at `path` that is not a regular file (a directory,
// device, pipe or socket) is refused, never replaced. Throws ev::Error naming
// the path and the system's reason when any step fails (the temporary is removed).
void write_file_atomic(const std::string& path, std::string_view bytes);

// Throws the ev::Error write_file_atomic would throw for what is at `path`
// now (a folder, device, pipe or socket), so a run can refuse before its work.
void check_replaceable(const std::string& path);

// Reads a whole file (or a pipe, to its end), refusing more than max_bytes. Throws ev::Error.
std::string read_file_bytes(const std::string& path, std::size_t max_bytes);

// Reads a file whose first `header` bytes give the length of the rest:
// `length_of(header_bytes)` returns it (or throws ev::Error for a bad header)
// before anything more is read, so a huge or foreign file costs only its header.
// Returns the header and the rest; ev::Error when the file is shorter or longer.
std::string read_file_with_header(const std::string& path, std::size_t header,
                                  std::uint64_t (*length_of)(std::string_view header, const std::string& path));

// True when both paths name the same existing file (after following links).
bool same_file(const std::string& a, const std::string& b);

}  // namespace ev
