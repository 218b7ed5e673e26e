// Reading a file whose size someone else controls: the size is checked before anything is read,
// and no more than the limit is ever read, even from a file that grows meanwhile or claims a size
// it does not have (a sparse 8 GiB file, /dev/zero behind a symlink).
#pragma once

#include <cstddef>
#include <string>

namespace jib {

// The file's content in *out, or false with *error: "cannot read: <reason>", or
// "<n> bytes, more than the limit of <max> bytes".
bool read_file_bounded(const std::string& path, size_t max_bytes, std::string* out,
                       std::string* error);

}  // namespace jib
