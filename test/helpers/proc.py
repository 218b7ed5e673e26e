"""Child processes with their output in a log file, stopped politely and then by force."""
import ctypes
import os
import re
import signal
import subprocess
import sys

from helpers.wait import wait_until

_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """In the child before exec: get SIGKILL if the test runner dies (Linux)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


# Every process started through Process, so that a session-end hook can kill leftovers.
_live = set()


class Process:
    """A child process in its own process group, stdout and stderr appended to `log_path`."""

    def __init__(self, argv, log_path, env=None, cwd=None, name=None):
        self.argv = [str(a) for a in argv]
        self.log_path = str(log_path)
        self.name = name or os.path.basename(self.argv[0])
        self._stopped = False
        self._log = open(self.log_path, "ab", buffering=0)
        self._log.write(("$ " + " ".join(self.argv) + "\n").encode())
        self.popen = subprocess.Popen(
            self.argv,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        _live.add(self)

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    @property
    def returncode(self):
        return self.popen.poll()

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def log_mark(self):
        """A position in the log; pass it as `since` to look only at what comes after."""
        return os.path.getsize(self.log_path)

    def log_lines(self, pattern=None, since=0):
        """Lines of the log (after position `since`); with `pattern` (a regex), only the lines
        that match it."""
        with open(self.log_path, "rb") as f:
            f.seek(since)
            lines = f.read().decode(errors="replace").splitlines()
        if pattern is None:
            return lines
        rx = re.compile(pattern)
        return [line for line in lines if rx.search(line)]

    def wait_for_log(self, pattern, timeout=10.0, since=0):
        """Waits until a log line (after position `since`) matches the regex `pattern`;
        returns the first such line."""
        def found():
            lines = self.log_lines(pattern, since)
            if not lines and not self.alive():
                raise AssertionError(f"{self.name} exited with {self.returncode}")
            return lines[0] if lines else None
        return wait_until(found, timeout, f"{self.name} log line matching {pattern!r}")

    def tail(self, n=40):
        return "\n".join(self.log_lines()[-n:])

    def signal(self, sig):
        if self.alive():
            os.kill(self.pid, sig)

    def stop(self, timeout=5.0):
        """SIGTERM, then SIGKILL to the whole group after `timeout` s. Returns the exit code."""
        if self._stopped:
            return self.popen.returncode
        self._stopped = True
        try:
            if self.alive():
                os.kill(self.pid, signal.SIGTERM)
                try:
                    self.popen.wait(timeout)
                except subprocess.TimeoutExpired:
                    pass
            self.kill()
        finally:
            _live.discard(self)
            self._log.close()
        return self.popen.returncode

    def kill(self):
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.popen.wait(5)
        except subprocess.TimeoutExpired:
            pass


def kill_all():
    """Kills every Process still running (used at session end and on interpreter exit)."""
    for p in list(_live):
        p.kill()
        _live.discard(p)

