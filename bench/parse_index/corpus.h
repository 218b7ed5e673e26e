// A synthetic but realistic mesh config for bench/parse_index: N objects in the shape a
// mid-sized cluster gives jibd, as YAML files.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace jib::bench {

struct CorpusFile {
  std::string name;  // "ns-3/svc-42.yaml"
  std::string text;  // one or more YAML documents
};

struct Corpus {
  std::vector<CorpusFile> files;
  std::map<std::string, size_t> objects_by_kind;
  size_t objects = 0;
  size_t bytes = 0;
};

// Exactly `objects` objects (the last application may be cut short). Applications are spread
// over `namespaces` namespaces; each application is a file holding a Service, an EndpointSlice,
// two Pods (v1, v2; sidecar injected, Ready), a DestinationRule (subsets v1/v2, connection
// pool, outlier detection), a VirtualService (header match to v2, then 90/10 with retries and
// a timeout) and an AuthorizationPolicy (selector, source namespaces and principals, methods
// and paths). Each namespace also has a file with a namespace-wide PeerAuthentication (STRICT),
// a Sidecar (egress ./* and istio-system/*), a Gateway (HTTPS) and the TLS Secret it names, a
// DNS ServiceEntry for an external API, a STATIC ServiceEntry with two endpoints and a
// WorkloadEntry. The config is valid (strictly) and clean for `jibctl analyze`; the same
// arguments give the same bytes.
Corpus make_corpus(size_t objects, size_t namespaces);

// Writes the files under dir (namespaces as subdirectories); returns false on an I/O error.
bool write_corpus(const Corpus& corpus, const std::string& dir);

}  // namespace jib::bench
