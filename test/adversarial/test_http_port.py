"""Hostile clients on jibd's HTTP port (/ready, /metrics, /debug/*): a huge body, a huge header,
floods of idle connections. jibd's memory must stay flat, /ready and xDS must stay served, and
idle connections must be closed by jibd (docs/limits.md)."""
import contextlib
import itertools
import os
import resource
import select
import socket
import time

import pytest

# jibd runs with this many descriptors, as a container might: 2,000 idle connections would take
# every one of them without the HTTP port's connection cap.
JIBD_NOFILE = 1024
RSS_GROWTH_BOUND_KIB = 50 * 1024
HEADER_TIMEOUT_S = 2


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError(f"no VmRSS for pid {pid}")


def open_descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


@contextlib.contextmanager
def lowered_nofile(limit):
    """Children started inside inherit a soft descriptor limit of `limit`."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(limit, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.fixture
def hostile_jibd(jibd):
    with lowered_nofile(JIBD_NOFILE):
        j = jibd(extra_args=["--http-header-timeout", f"{HEADER_TIMEOUT_S}s"])
    return j


@pytest.fixture
def clients():
    """connect(port, source) -> a socket to 127.0.0.1:port from `source`; all closed at the end."""
    opened = []

    def connect(port, source="127.0.0.1", timeout=5.0):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        opened.append(s)
        s.settimeout(timeout)
        s.bind((source, 0))
        s.connect(("127.0.0.1", port))
        return s

    yield connect
    for s in opened:
        s.close()


def stream_until_stopped(sock, head, chunk, limit):
    """Sends `head`, then `chunk` over and over until the server answers, closes or stops
    reading, or `limit` bytes are sent. Returns (bytes of chunk sent, what the server answered)."""
    sock.sendall(head)
    sent = 0
    while sent < limit:
        if select.select([sock], [], [], 0)[0]:
            break
        try:
            sock.sendall(chunk)
        except OSError:  # reset, or the 5 s send timeout: the server does not read any more
            break
        sent += len(chunk)
    answer = b""
    with contextlib.suppress(OSError):
        while True:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    return sent, answer


def assert_xds_served(j, envoy, wait_until):
    """A real Envoy connects to jibd's xDS port and ACKs the clusters it is sent."""
    e = envoy(j)

    def cds_acked():
        row = j.syncz_row(e.node_id) or {}
        cds = row.get("cds") or {}
        return cds.get("sent") and cds.get("acked") == cds.get("sent")

    wait_until(cds_acked, 20, f"{e.node_id} ACKs CDS from jibd")


def closed_by_peer(sock, wait):
    """True when the peer closes (or resets) within `wait` seconds without sending data."""
    if not select.select([sock], [], [], wait)[0]:
        return False
    try:
        return sock.recv(1) == b""
    except OSError:
        return True


def test_ready_with_a_2gb_body_does_not_grow_jibd(hostile_jibd, clients):
    j = hostile_jibd
    before = rss_kib(j.pid)
    s = clients(j.http_port)
    total = 2 * 1024 ** 3
    sent, answer = stream_until_stopped(
        s, f"GET /ready HTTP/1.1\r\nHost: x\r\nContent-Length: {total}\r\n\r\n".encode(),
        b"b" * (1024 * 1024), total)
    assert sent < total, "jibd read a 2 GB body"
    assert answer == b"" or answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert rss_kib(j.pid) - before < RSS_GROWTH_BOUND_KIB
    assert j.get("/ready") == (200, "ready\n")


def test_64mb_header_line_is_refused(hostile_jibd, clients):
    j = hostile_jibd
    before = rss_kib(j.pid)
    s = clients(j.http_port)
    limit = 64 * 1024 ** 2
    sent, answer = stream_until_stopped(s, b"GET /ready HTTP/1.1\r\nHost: x\r\nX-Long: ",
                                        b"a" * (64 * 1024), limit)
    assert sent < limit, "jibd read a 64 MB header line"
    assert answer == b"" or answer.startswith((b"HTTP/1.1 431", b"HTTP/1.1 414")), answer[:200]
    assert rss_kib(j.pid) - before < RSS_GROWTH_BOUND_KIB
    assert j.get("/ready") == (200, "ready\n")


def test_2000_idle_connections_from_one_address(hostile_jibd, clients, envoy, wait_until):
    # The attacker is 127.0.0.2; the probe and Envoy come from 127.0.0.1, as a kubelet and the
    # proxies come from addresses of their own.
    j = hostile_jibd
    idle = [clients(j.http_port, source="127.0.0.2") for _ in range(2000)]
    assert j.get("/ready", timeout=2.0) == (200, "ready\n")
    assert open_descriptors(j.pid) < JIBD_NOFILE // 2
    assert_xds_served(j, envoy, wait_until)
    assert j.alive()
    assert len(idle) == 2000


def test_2000_idle_connections_from_many_addresses(hostile_jibd, clients, envoy, wait_until):
    # 63 addresses with 32 connections each stay under the per-address cap; the total cap
    # (256) holds, and a probe sending its request at once still gets in.
    j = hostile_jibd
    idle = []
    for i in range(2000):
        idle.append(clients(j.http_port, source=f"127.0.1.{2 + i % 63}"))
    assert j.get("/ready", timeout=2.0) == (200, "ready\n")
    assert open_descriptors(j.pid) < JIBD_NOFILE // 2
    assert_xds_served(j, envoy, wait_until)
    assert j.alive()


def test_idle_connections_are_closed_after_the_header_timeout(hostile_jibd, clients):
    j = hostile_jibd
    baseline = open_descriptors(j.pid)
    idle = [clients(j.http_port, source="127.0.0.3") for _ in range(20)]
    idle[0].sendall(b"GET /ready HTTP/1.1\r\n")  # a request line, then nothing
    # Well past the header timeout: each must have been closed by jibd by then.
    deadline = time.monotonic() + HEADER_TIMEOUT_S + 10
    open_still = [s for s in idle if not closed_by_peer(s, max(0.0, deadline - time.monotonic()))]
    assert open_still == [], f"{len(open_still)} of 20 idle connections still open"
    assert open_descriptors(j.pid) <= baseline + 2
    assert j.get("/ready") == (200, "ready\n")


def test_ready_is_503_when_jibd_has_no_descriptor_left(hostile_jibd, wait_until):
    # jibd's soft limit is lowered (prlimit) to leave exactly one descriptor free: the probe's
    # connection takes it, and /ready finds none left. jibd's other threads may open one
    # meanwhile, so the attempt is repeated until it lands.
    j = hostile_jibd
    soft, hard = resource.prlimit(j.pid, resource.RLIMIT_NOFILE)

    def ready_when_exhausted():
        used = {int(n) for n in os.listdir(f"/proc/{j.pid}/fd")}
        lowest_free = next(n for n in itertools.count() if n not in used)
        resource.prlimit(j.pid, resource.RLIMIT_NOFILE, (lowest_free + 1, hard))
        try:
            status, body = j.get("/ready", timeout=2.0)
        except OSError:
            return None
        finally:
            resource.prlimit(j.pid, resource.RLIMIT_NOFILE, (soft, hard))
        return (status, body) if status == 503 else None

    status, body = wait_until(ready_when_exhausted, 20, "GET /ready == 503 without descriptors")
    assert body == "not ready: cannot open a file descriptor: Too many open files\n"
    assert j.get("/ready") == (200, "ready\n")
