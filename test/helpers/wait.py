"""Bounded polling instead of sleeps."""
import time


class WaitTimeout(AssertionError):
    pass


def wait_until(predicate, timeout=10.0, message="condition", interval=0.05):
    """Calls predicate() until it returns a truthy value, and returns that value.

    Exceptions raised by predicate count as "not yet". After `timeout` seconds raises
    WaitTimeout naming `message`, the elapsed time and the last value or exception seen.
    """
    deadline = time.monotonic() + timeout
    start = time.monotonic()
    last = None
    while True:
        try:
            value = predicate()
            if value:
                return value
            last = repr(value)
        except Exception as e:  # noqa: BLE001 - any failure means "not yet"
            last = f"{type(e).__name__}: {e}"
        if time.monotonic() >= deadline:
            raise WaitTimeout(
                f"timed out after {time.monotonic() - start:.2f}s waiting for {message}; last: {last}"
            )
        time.sleep(interval)
