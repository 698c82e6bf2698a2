// atomic_file.h: replacing a file so that a crash at any moment leaves either
// the old complete file or the new complete file at the path, never a mix.
// Not for: streaming large outputs (the whole content is in memory).
#pragma once

#include <string>
#include <string_view>

namespace ev {

// Writes `bytes` to a temporary file in the target's directory, fsyncs it,
// renames it over `path` and fsyncs the directory. Throws ev::Error naming the
// path and the system's reason when any step fails (the temporary is removed).
void write_file_atomic(const std::string& path, std::string_view bytes);

// Reads a whole file, refusing files larger than max_bytes. Throws ev::Error.
std::string read_file_bytes(const std::string& path, std::size_t max_bytes);

}  // namespace ev
