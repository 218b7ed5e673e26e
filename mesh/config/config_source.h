// Where the mesh's config comes from (a directory of files, a Kubernetes API server): the one
// interface jibd talks to, so that it picks a source once and runs them all alike.
#pragma once

#include <string>

namespace jib::mesh {

class ConfigSource {
 public:
  virtual ~ConfigSource() = default;
  // Reads the whole config into the store once, before jibd opens any port, so that it
  // serves complete config from the first request. False with *error when the source cannot
  // be read at all (a missing directory, an unreachable API server): jibd does not start. An
  // invalid object is logged and left out, not a failure.
  virtual bool load_initial(std::string* error) = 0;
  // Follows changes from now on. False with *error when following cannot begin.
  virtual bool start(std::string* error) = 0;
  // Stops following; idempotent, and safe without start.
  virtual void stop() = 0;
};

}  // namespace jib::mesh
