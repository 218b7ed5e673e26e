"""Free TCP ports on loopback."""
import socket
import threading

_lock = threading.Lock()
_handed_out = set()


def free_port(host="127.0.0.1"):
    """A TCP port that is free on `host` now and was not handed out before in this process.

    The port is closed again before it is returned, so another process could take it in
    between; the caller should bind it soon.
    """
    with _lock:
        for _ in range(100):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.bind((host, 0))
                port = s.getsockname()[1]
            if port not in _handed_out:
                _handed_out.add(port)
                return port
    raise RuntimeError("no free port found")
