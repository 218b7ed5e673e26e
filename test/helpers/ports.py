"""Free TCP ports on loopback."""
import random
import socket
import threading

_lock = threading.Lock()
_handed_out = set()


def _ephemeral_range():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low, high = (int(x) for x in f.read().split())
            return low, high
    except (OSError, ValueError):
        return 32768, 60999


def free_port(host="127.0.0.1"):
    """A TCP port that is free on `host` now and was not handed out before in this process.

    It is taken below the kernel's ephemeral range, so that no outgoing connection (of the
    test, Envoy or jibd) can be given it before its user binds it; and at random, so that
    concurrent test runs seldom pick the same one. The caller should bind it soon.
    """
    low, _ = _ephemeral_range()
    candidates = range(20000, low) if low - 20000 >= 1000 else range(1024, low)
    with _lock:
        for _ in range(200):
            port = random.choice(candidates)
            if port in _handed_out:
                continue
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                try:
                    s.bind((host, port))
                except OSError:
                    continue
            _handed_out.add(port)
            return port
    raise RuntimeError("no free port found")
