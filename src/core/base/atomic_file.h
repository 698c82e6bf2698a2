// atomic_file.h: replacing a file so that a crash at any moment leaves either
// the old complete file or the new complete file at the path, never a mix;
// and reading files (regular files, pipes) with a bound on their size.
// Not for: streaming large outputs (the whole content is in memory).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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

// A file a run will write when its work is done.
struct Output {
  std::string flag;             // what named it, for messages: "--save-session" ("" for none)
  std::string path;             // as given
  bool makes_folders = false;   // its missing folders are made when it is written
};

// A file a run reads, which no output may replace.
struct Input {
  std::string path;             // as given ("" for none)
  std::string what;             // for messages: "the training data", "the session being resumed"
  std::string replaced_by;      // the one flag whose output may replace it ("--save-session" over its own session)
};

// Everything about writing `outputs` that can be known before a run's work,
// so that a run refuses at once rather than after it: each path names a file
// (not "", not ending in '/'), nothing at it is a folder, device, pipe or
// socket, its folder exists (or, with makes_folders, can be made) and can be
// written in, it is none of `inputs` (under any name: links and other
// spellings), and no two outputs are one file. Every writer of both programs
// calls this. Throws ev::Error, one line naming the flag and the path.
void check_outputs(const std::vector<Output>& outputs, const std::vector<Input>& inputs);

}  // namespace ev
