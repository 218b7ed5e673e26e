// jib-bench-ads-fanout: N simulated sidecars on ADS against a running jibd. Measures the initial
// sync and the time from one VirtualService change on disk until every sidecar has received and
// ACKed the new route config. Prints figures; never decides pass or fail on timings.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "bench/ads_fanout/ads_client.h"
#include "bench/ads_fanout/fanout_stats.h"
#include "bench/ads_fanout/vs_change.h"

namespace jib::bench {
namespace {

constexpr const char* kUsage = R"(usage: jib-bench-ads-fanout [flags]
  --target HOST:PORT         jibd's xDS address (127.0.0.1:15010)
  --clients N                ADS streams, one simulated sidecar each (1000)
  --services S               services jibd serves; only reported and checked against CDS (0)
  --streams-per-channel K    streams per gRPC channel, i.e. per TCP connection (100)
  --ramp-batch B             streams started at a time; the next batch starts once these
                             are synced (100)
  --config-dir DIR           jibd's config dir; without it only the initial sync is measured
  --change-file NAME         VirtualService file in DIR whose weights are swapped (vs-target.yaml)
  --settle-ms MS             quiet time between the sync and the change (1000)
  --linger-ms MS             time to keep counting pushes after the last client updated (1000)
  --timeout-s T              bound on each phase: sync, update, shutdown (60)
  --jibd-pid PID             read jibd's VmHWM, VmRSS and CPU time from /proc
  --parse needed|all         decode EDS and RDS resources too (all) or only read their names and
                             hash their bytes (needed); CDS and LDS are always decoded (needed)
Exit status 0 when every client synced and got the change and nothing was NACKed, 1 otherwise.
)";

struct Options {
  std::string target = "127.0.0.1:15010";
  int clients = 1000;
  int services = 0;
  int streams_per_channel = 100;
  int ramp_batch = 100;
  std::filesystem::path config_dir;
  std::string change_file = "vs-target.yaml";
  int settle_ms = 1000;
  int linger_ms = 1000;
  int timeout_s = 60;
  int jibd_pid = 0;
  ParseMode parse = ParseMode::kNeeded;
};

[[noreturn]] void Usage(const std::string& error) {
  std::cerr << "jib-bench-ads-fanout: " << error << "\n" << kUsage;
  std::exit(2);
}

int ToInt(const std::string& flag, const std::string& text, int min) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min) {
    Usage("bad value for " + flag + ": " + text);
  }
  return v;
}

Options ParseFlags(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i], value;
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (auto eq = flag.find('='); eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      Usage("missing value for " + flag);
    }
    if (flag == "--target")
      o.target = value;
    else if (flag == "--clients")
      o.clients = ToInt(flag, value, 1);
    else if (flag == "--services")
      o.services = ToInt(flag, value, 0);
    else if (flag == "--streams-per-channel")
      o.streams_per_channel = ToInt(flag, value, 1);
    else if (flag == "--ramp-batch")
      o.ramp_batch = ToInt(flag, value, 1);
    else if (flag == "--config-dir")
      o.config_dir = value;
    else if (flag == "--change-file")
      o.change_file = value;
    else if (flag == "--settle-ms")
      o.settle_ms = ToInt(flag, value, 0);
    else if (flag == "--linger-ms")
      o.linger_ms = ToInt(flag, value, 0);
    else if (flag == "--timeout-s")
      o.timeout_s = ToInt(flag, value, 1);
    else if (flag == "--jibd-pid")
      o.jibd_pid = ToInt(flag, value, 1);
    else if (flag == "--parse" && (value == "needed" || value == "all"))
      o.parse = value == "all" ? ParseMode::kAll : ParseMode::kNeeded;
    else
      Usage("unknown flag or value: " + flag + " " + value);
  }
  return o;
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

std::string Mib(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

void PrintJibd(const Options& o, const char* when) {
  if (o.jibd_pid == 0) return;
  const auto f = ReadProc(o.jibd_pid);
  std::printf("jibd %-14s VmHWM %.1f MiB  VmRSS %.1f MiB  threads %d  cpu %.2f s\n", when,
              static_cast<double>(f.vm_hwm_kb) / 1024, static_cast<double>(f.vm_rss_kb) / 1024,
              f.threads, f.cpu_s);
}

// Waits until `counter` reaches `target` or the deadline passes; returns the counter's value.
int WaitFor(FanoutShared& shared, int FanoutShared::*counter, int target,
            Clock::time_point deadline) {
  std::unique_lock lock(shared.mu);
  shared.cv.wait_until(lock, deadline, [&] { return shared.*counter >= target; });
  return shared.*counter;
}

void PrintTraffic(const FanoutShared& shared, bool after_arm) {
  const auto& responses = after_arm ? shared.responses_after_arm : shared.responses;
  const auto& bytes = after_arm ? shared.bytes_after_arm : shared.bytes;
  int64_t total = 0;
  std::printf("%s", after_arm ? "received after change:" : "received in all:     ");
  for (int t = 0; t < kXdsTypeCount; ++t) {
    std::printf("  %s %lld resp %s", TypeShortName(t), static_cast<long long>(responses[t].load()),
                Mib(bytes[t].load()).c_str());
    total += bytes[t].load();
  }
  std::printf("  | total %s\n", Mib(total).c_str());
}

void PrintResourceCounts(const std::vector<ClientReport>& reports, int services) {
  std::printf("resources per client (min..max):");
  for (int t = 0; t < kXdsTypeCount; ++t) {
    size_t lo = SIZE_MAX, hi = 0;
    for (const auto& r : reports) {
      lo = std::min(lo, r.resources[t]);
      hi = std::max(hi, r.resources[t]);
    }
    if (reports.empty()) lo = 0;
    std::printf("  %s %zu..%zu", TypeShortName(t), lo, hi);
  }
  std::printf("\n");
  if (services > 0 && !reports.empty()) {
    size_t lo = SIZE_MAX;
    for (const auto& r : reports) lo = std::min(lo, r.resources[kCds]);
    if (lo < static_cast<size_t>(services)) {
      std::printf("note: some client got %zu clusters for %d services\n", lo, services);
    }
  }
}

// Prints up to five clients that did not reach a phase, with what they had ACKed.
void PrintStragglers(const std::vector<ClientReport>& reports, bool update_phase) {
  int shown = 0, missing = 0;
  for (size_t i = 0; i < reports.size(); ++i) {
    const auto& r = reports[i];
    if (update_phase ? r.update_acked.has_value() : r.synced.has_value()) continue;
    ++missing;
    if (shown++ >= 5) continue;
    std::printf("  client %zu (%s): acks CDS %lld EDS %lld LDS %lld RDS %lld, nacks %lld%s%s\n", i,
                NodeId(static_cast<int>(i)).c_str(), static_cast<long long>(r.acks[kCds]),
                static_cast<long long>(r.acks[kEds]), static_cast<long long>(r.acks[kLds]),
                static_cast<long long>(r.acks[kRds]), static_cast<long long>(r.nacks),
                r.finished ? ", stream ended: " : "", r.finished ? r.status_message.c_str() : "");
  }
  if (missing > 0) std::printf("  %d client(s) missing\n", missing);
}

int Run(const Options& o) {
  FanoutShared shared;
  shared.parse = o.parse;
  const auto timeout = std::chrono::seconds(o.timeout_s);

  // One channel per K streams; a local subchannel pool and a distinct argument make each channel
  // open a TCP connection of its own instead of sharing one through the global subchannel pool.
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<AggregatedDiscoveryService::Stub>> stubs;
  const int channel_count = (o.clients + o.streams_per_channel - 1) / o.streams_per_channel;
  for (int c = 0; c < channel_count; ++c) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("jib.bench.channel", c);
    args.SetMaxReceiveMessageSize(-1);
    channels.push_back(
        grpc::CreateCustomChannel(o.target, grpc::InsecureChannelCredentials(), args));
    stubs.push_back(AggregatedDiscoveryService::NewStub(channels.back()));
  }

  std::printf("target %s  clients %d  services %d  channels %d  ramp batch %d  parse %s\n",
              o.target.c_str(), o.clients, o.services, channel_count, o.ramp_batch,
              o.parse == ParseMode::kAll ? "all" : "needed");
  PrintJibd(o, "before:");

  // Phase 1: connect in batches; each batch must sync before the next starts.
  std::vector<std::unique_ptr<AdsClient>> clients;
  const double cpu_begin = SelfCpuSeconds();
  const auto begin = Clock::now();
  const auto sync_deadline = begin + timeout;
  int synced = 0;
  for (int first = 0; first < o.clients; first += o.ramp_batch) {
    const int end = std::min(o.clients, first + o.ramp_batch);
    for (int i = first; i < end; ++i) {
      clients.push_back(std::make_unique<AdsClient>(i, shared));
      clients.back()->Start(stubs[static_cast<size_t>(i / o.streams_per_channel)].get());
    }
    synced = WaitFor(shared, &FanoutShared::synced, end, sync_deadline);
    if (synced < end) break;
  }
  const auto sync_end = Clock::now();

  auto reports = [&] {
    std::vector<ClientReport> r;
    for (const auto& c : clients) r.push_back(c->Report());
    return r;
  };
  std::vector<ClientReport> after_sync = reports();
  std::vector<double> sync_ms;
  for (const auto& r : after_sync) {
    if (r.synced) sync_ms.push_back(Ms(*r.synced - r.started));
  }
  std::printf("\n== initial sync (CDS, EDS, LDS, RDS each ACKed once)\n");
  std::printf("synced %d/%d in %.1f ms  client cpu %.2f s  client sockets %d\n", synced, o.clients,
              Ms(sync_end - begin), SelfCpuSeconds() - cpu_begin, CountOwnSockets());
  std::printf("per client, stream start to synced: %s\n", Format(Summarize(sync_ms)).c_str());
  PrintResourceCounts(after_sync, o.services);
  PrintTraffic(shared, false);
  PrintJibd(o, "after sync:");

  bool complete = synced == o.clients;
  if (!complete) {
    std::printf("initial sync incomplete after %d s; no change made\n", o.timeout_s);
    PrintStragglers(after_sync, false);
  } else if (!o.config_dir.empty()) {
    // Phase 2: one VirtualService change on disk, timed to every client's ACK of the new route.
    std::this_thread::sleep_for(std::chrono::milliseconds(o.settle_ms));
    const double cpu_before = SelfCpuSeconds();
    const double jibd_cpu_before = o.jibd_pid ? ReadProc(o.jibd_pid).cpu_s : 0;
    Clock::time_point t0;
    std::string change;
    try {
      change = SwapWeights(o.config_dir / o.change_file, [&] {
        shared.armed.store(true, std::memory_order_release);
        t0 = Clock::now();
      });
    } catch (const std::exception& e) {
      std::fprintf(stderr, "jib-bench-ads-fanout: %s\n", e.what());
      complete = false;
    }
    if (!change.empty()) {
      const int updated = WaitFor(shared, &FanoutShared::updated, synced, t0 + timeout);
      const auto last = Clock::now();
      std::this_thread::sleep_for(std::chrono::milliseconds(o.linger_ms));
      const auto after = reports();
      std::vector<double> recv_ms, ack_ms;
      for (const auto& r : after) {
        if (r.update_received) recv_ms.push_back(Ms(*r.update_received - t0));
        if (r.update_acked) ack_ms.push_back(Ms(*r.update_acked - t0));
      }
      std::printf("\n== change: %s in %s\n", change.c_str(),
                  (o.config_dir / o.change_file).c_str());
      std::printf("updated %d/%d; wait ended %.1f ms after the rename\n", updated, synced,
                  Ms(last - t0));
      std::printf("rename to RDS received: %s\n", Format(Summarize(recv_ms)).c_str());
      std::printf("rename to RDS ACK sent: %s\n", Format(Summarize(ack_ms)).c_str());
      PrintTraffic(shared, true);
      std::printf("cpu during change (incl. linger %d ms): client %.2f s", o.linger_ms,
                  SelfCpuSeconds() - cpu_before);
      if (o.jibd_pid) std::printf("  jibd %.2f s", ReadProc(o.jibd_pid).cpu_s - jibd_cpu_before);
      std::printf("\n");
      if (updated < synced) {
        complete = false;
        std::printf("change incomplete after %d s\n", o.timeout_s);
        PrintStragglers(after, true);
      }
    }
  }

  const int64_t nacks = shared.nacks_sent.load();
  std::printf("\nNACKs sent: %lld\n", static_cast<long long>(nacks));
  if (nacks > 0) {
    for (const auto& c : clients) {
      const auto r = c->Report();
      if (r.nacks > 0) {
        std::printf("  first: %s\n", r.last_nack.c_str());
        break;
      }
    }
  }
  PrintJibd(o, "at end:");
  std::fflush(stdout);

  // Shutdown: cancel every stream and wait for gRPC to finish with each reactor.
  for (const auto& c : clients) c->Cancel();
  const int started = static_cast<int>(clients.size());
  const auto done_deadline =
      Clock::now() + std::min<Clock::duration>(timeout, std::chrono::seconds(10));
  const int status = complete && nacks == 0 ? 0 : 1;
  if (WaitFor(shared, &FanoutShared::done, started, done_deadline) < started) {
    std::fprintf(stderr, "jib-bench-ads-fanout: streams still open after cancel; exiting\n");
    std::_Exit(status);  // a reactor still in use must not be destroyed
  }
  return status;
}

}  // namespace
}  // namespace jib::bench

int main(int argc, char** argv) {
  const auto options = jib::bench::ParseFlags(argc, argv);
  std::printf("command:");
  for (int i = 0; i < argc; ++i) std::printf(" %s", argv[i]);
  std::printf("\n");
  return jib::bench::Run(options);
}
