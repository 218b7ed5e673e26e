// Whether the process can still open a file descriptor: a server that cannot accept must not
// call itself ready.
#pragma once

#include <string>

namespace jib {

// Opens and closes /dev/null: one system call pair, cheap enough for every /ready. False with
// *reason set (the errno text) when no descriptor is left (EMFILE, ENFILE) or the open fails.
bool descriptor_available(std::string* reason);

}  // namespace jib
