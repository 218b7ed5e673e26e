// Prometheus metrics: counters and gauges declared once per component, rendered as text.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace jib::metrics {

class Counter {
 public:
  void inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void add(int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  void set(int64_t n) { value_.store(n, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Owns every metric; references it hands out stay valid for its lifetime.
class Registry {
 public:
  // labels in Prometheus form without braces, e.g. `type="cds"`; empty for none.
  // The same name and labels return the same metric.
  Counter& counter(const std::string& name, const std::string& help, const std::string& labels = "");
  Gauge& gauge(const std::string& name, const std::string& help, const std::string& labels = "");

  // The Prometheus text exposition format (version 0.0.4).
  std::string render() const;

  static Registry& global();

 private:
  struct Family {
    std::string type;  // "counter" or "gauge"
    std::string help;
    std::map<std::string, Counter*> counters;  // by labels
    std::map<std::string, Gauge*> gauges;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
  std::deque<Counter> counter_storage_;
  std::deque<Gauge> gauge_storage_;
};

}  // namespace jib::metrics
