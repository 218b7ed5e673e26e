"""Steady A -> B traffic from a background thread, recording every outcome."""
import threading
import time


class Traffic:
    """Calls `call()` (-> status int, or an error string) every `interval` s until stopped or
    `count` calls were made. Use as a context manager: the thread is always stopped."""

    def __init__(self, call, interval=0.1, count=None):
        self.call = call
        self.interval = interval
        self.count = count
        self.results = []  # (monotonic time, status or error)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="traffic", daemon=True)

    def _run(self):
        next_at = time.monotonic()
        while not self._stop.is_set() and (self.count is None or len(self.results) < self.count):
            try:
                outcome = self.call()
            except Exception as e:  # noqa: BLE001 - recorded as a failure
                outcome = repr(e)
            self.results.append((time.monotonic(), outcome))
            next_at += self.interval
            self._stop.wait(max(0.0, next_at - time.monotonic()))

    def start(self):
        self._thread.start()
        return self

    def done(self):
        return not self._thread.is_alive()

    def stop(self, timeout=30):
        self._stop.set()
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "traffic thread did not stop"
        return self.results

    def failures(self):
        return [(t, r) for t, r in list(self.results) if r != 200]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(30)
