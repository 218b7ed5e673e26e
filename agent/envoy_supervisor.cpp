#include "agent/envoy_supervisor.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"

namespace jib::agent {

EnvoySupervisor::EnvoySupervisor(EnvoySupervisorOptions options) : options_(std::move(options)) {}

EnvoySupervisor::~EnvoySupervisor() { stop(); }

void EnvoySupervisor::start() {
  thread_ = std::thread([this] { run(); });
}

pid_t EnvoySupervisor::pid() const {
  std::lock_guard lock(mu_);
  return pid_;
}

int EnvoySupervisor::starts() const {
  std::lock_guard lock(mu_);
  return starts_;
}

pid_t EnvoySupervisor::spawn() {
  // Everything the child needs is prepared before fork: between fork and exec only
  // async-signal-safe calls are allowed in a threaded process.
  std::vector<std::string> argv_s = {options_.binary};
  argv_s.insert(argv_s.end(), options_.args.begin(), options_.args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    // main() blocks SIGTERM and friends for sigwait; Envoy must get them.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    // Envoy goes when the agent's supervising thread goes (agent killed with SIGKILL).
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

void EnvoySupervisor::run() {
  Backoff backoff(options_.backoff);
  std::unique_lock lock(mu_);
  while (!stopping_) {
    pid_t pid = spawn();
    if (pid < 0) {
      log::error("agent", "cannot fork Envoy");
    } else {
      pid_ = pid;
      ++starts_;
      log::info("agent", "started Envoy (pid ", pid, ", start ", starts_, ")");
      auto started = std::chrono::steady_clock::now();
      lock.unlock();
      int status = 0;
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      lock.lock();
      pid_ = 0;
      std::string how = WIFEXITED(status) ? "exited with " + std::to_string(WEXITSTATUS(status))
                        : WIFSIGNALED(status)
                            ? "killed by signal " + std::to_string(WTERMSIG(status))
                            : "stopped";
      if (stopping_) {
        log::info("agent", "Envoy ", how);
        break;
      }
      if (std::chrono::steady_clock::now() - started >= options_.healthy_after) backoff.reset();
      log::warn("agent", "Envoy ", how, "; restarting");
    }
    auto delay = backoff.next();
    cv_.wait_for(lock, delay, [this] { return stopping_; });
  }
}

void EnvoySupervisor::stop() {
  pid_t pid;
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    pid = pid_;
  }
  cv_.notify_all();
  if (pid > 0) {
    kill(pid, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + options_.stop_timeout;
    while (this->pid() != 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (this->pid() != 0) {
      log::warn("agent", "Envoy did not exit in ", options_.stop_timeout.count(), " s; killing");
      kill(pid, SIGKILL);
    }
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace jib::agent
