// Parse, validate, store and index N config objects (bench/parse_index/run.sh; figures in
// docs/performance.md): the time jibd takes from YAML text to a Snapshot, by phase, and the
// process's peak RSS. Figures only, never pass/fail; exit status 1 only when the generated
// config does not validate (a bug of the generator), 2 on a usage error.
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "bench/parse_index/corpus.h"
#include "mesh/api/parse.h"
#include "mesh/config/config_store.h"
#include "mesh/model/snapshot.h"

namespace jib::bench {
namespace {

constexpr const char* kUsage =
    "usage: jib-bench-parse-index [--objects N] [--namespaces K] [--repeat R] [--write DIR]\n"
    "  --objects N     config objects to generate (default 10000)\n"
    "  --namespaces K  namespaces to spread them over (default 40)\n"
    "  --repeat R      timed passes; min and median are printed (default 5)\n"
    "  --write DIR     also write the generated YAML files under DIR\n";

// VmHWM (peak) and VmRSS of this process, and the heap in use (malloc's count of live bytes:
// RSS keeps what malloc has freed but not returned), in MiB.
struct Memory {
  double hwm = 0;
  double rss = 0;
  double heap = 0;
};

Memory memory() {
  Memory m;
  const struct mallinfo2 info = mallinfo2();
  m.heap = static_cast<double>(info.uordblks + info.hblkhd) / 1048576.0;
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    double* field = line.starts_with("VmHWM:")   ? &m.hwm
                    : line.starts_with("VmRSS:") ? &m.rss
                                                 : nullptr;
    if (field != nullptr) *field = std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  }
  return m;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Heap figures beyond `baseline` (the heap holding the YAML text), per object too.
void print_memory(const char* holding, size_t objects, double baseline) {
  const Memory m = memory();
  const double net = m.heap - baseline;
  std::printf("  holding %-34s heap +%6.1f MiB (%4.2f KiB/object)  VmRSS %6.1f MiB\n", holding, net,
              net * 1024.0 / static_cast<double>(objects), m.rss);
}

struct Pass {
  double parse = 0;  // parse_and_validate of every file
  double store = 0;  // ConfigStore::apply of one batch with every object
  double index = 0;  // Snapshot::build of the store's state
};

// One full pass; memory after each phase when `report` is set (the first pass), the heap counted
// beyond `baseline`.
Pass run_pass(const Corpus& corpus, bool report, double baseline) {
  Pass pass;
  auto start = std::chrono::steady_clock::now();
  mesh::Batch batch;
  batch.upserts.reserve(corpus.objects);
  size_t errors = 0;
  for (const auto& file : corpus.files) {
    mesh::ParseResult r = mesh::parse_and_validate(file.text, file.name);
    for (const auto& e : r.errors) {
      if (++errors <= 5) std::fprintf(stderr, "%s\n", e.str().c_str());
    }
    for (auto& o : r.objects) batch.upserts.push_back(std::move(o));
  }
  pass.parse = seconds_since(start);
  if (errors > 0 || batch.upserts.size() != corpus.objects) {
    std::fprintf(stderr, "generated config is invalid: %zu errors, %zu of %zu objects\n", errors,
                 batch.upserts.size(), corpus.objects);
    std::exit(1);
  }
  if (report) print_memory("parsed objects", corpus.objects, baseline);

  mesh::ConfigStore store;
  start = std::chrono::steady_clock::now();
  store.apply(batch);
  pass.store = seconds_since(start);
  batch = {};
  if (report) print_memory("the store (parsed objects freed)", corpus.objects, baseline);

  start = std::chrono::steady_clock::now();
  mesh::SnapshotPtr snapshot = mesh::Snapshot::build(store.state());
  pass.index = seconds_since(start);
  if (report) {
    print_memory("the store and the snapshot", corpus.objects, baseline);
    std::printf("  (%zu services in the snapshot)\n", snapshot->services().size());
  }
  return pass;
}

void print_phase(const char* name, std::vector<double> seconds, size_t objects) {
  std::sort(seconds.begin(), seconds.end());
  const double median = seconds[seconds.size() / 2];
  std::printf("%-34s min %8.1f ms  median %8.1f ms  (%7.0f objects/s at the median)\n", name,
              seconds.front() * 1e3, median * 1e3, objects / median);
}

}  // namespace

int run(int argc, char** argv) {
  size_t objects = 10000;
  size_t namespaces = 40;
  int repeat = 5;
  std::string write_dir;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--objects" && has_value) {
      objects = std::strtoul(argv[++i], nullptr, 10);
    } else if (arg == "--namespaces" && has_value) {
      namespaces = std::strtoul(argv[++i], nullptr, 10);
    } else if (arg == "--repeat" && has_value) {
      repeat = std::atoi(argv[++i]);
    } else if (arg == "--write" && has_value) {
      write_dir = argv[++i];
    } else {
      std::fputs(kUsage, arg == "--help" || arg == "-h" ? stdout : stderr);
      return arg == "--help" || arg == "-h" ? 0 : 2;
    }
  }
  if (objects == 0 || namespaces == 0 || repeat < 1) {
    std::fputs(kUsage, stderr);
    return 2;
  }

  const Memory before = memory();
  const Corpus corpus = make_corpus(objects, namespaces);
  std::printf("%zu objects in %zu files, %.1f MiB of YAML, %zu namespaces:\n ", corpus.objects,
              corpus.files.size(), corpus.bytes / 1048576.0, namespaces);
  for (const auto& [kind, n] : corpus.objects_by_kind) std::printf(" %s %zu", kind.c_str(), n);
  std::printf("\n");
  if (!write_dir.empty() && !write_corpus(corpus, write_dir)) {
    std::fprintf(stderr, "cannot write %s\n", write_dir.c_str());
    return 2;
  }
  const Memory with_corpus = memory();
  std::printf(
      "memory: VmRSS %.1f MiB at start; with the YAML text: heap in use %.1f MiB, VmRSS "
      "%.1f MiB\nfirst pass:\n",
      before.rss, with_corpus.heap, with_corpus.rss);

  std::vector<double> parse, store, index, total;
  for (int i = 0; i < repeat; ++i) {
    const Pass p = run_pass(corpus, i == 0, with_corpus.heap);
    parse.push_back(p.parse);
    store.push_back(p.store);
    index.push_back(p.index);
    total.push_back(p.parse + p.store + p.index);
  }
  std::printf("%d passes, each from the YAML text to a Snapshot:\n", repeat);
  print_phase("parse + validate (every file)", parse, corpus.objects);
  print_phase("ConfigStore::apply (one batch)", store, corpus.objects);
  print_phase("Snapshot::build (indexes)", index, corpus.objects);
  print_phase("total", total, corpus.objects);
  std::printf("peak RSS (VmHWM): %.1f MiB\n", memory().hwm);
  return 0;
}

}  // namespace jib::bench

int main(int argc, char** argv) { return jib::bench::run(argc, argv); }
