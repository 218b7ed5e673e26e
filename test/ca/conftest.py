"""Fixtures of the CA tests (test/ca): the CA test server, a JWT issuer, jibctl.

  issuer                       -> jibca.Issuer (ES256 + RS256 keys, JWKS file in tmp_path)
  ca_server(**kw)              -> CaProc: jib-ca-testserver started on a free port, local JWT
                                  authenticator for `issuer`; stopped at teardown
  jibctl(*args, timeout=60)    -> subprocess.CompletedProcess of `jibctl ...`
"""
import os
import re
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import jibca  # noqa: E402
from helpers import proc  # noqa: E402


class CaProc:
    def __init__(self, process, port, state_dir, bundle_path):
        self.process = process
        self.port = port
        self.state_dir = state_dir
        self.bundle_path = bundle_path
        self._clients = []

    @property
    def addr(self):
        return f"127.0.0.1:{self.port}"

    def bundle(self):
        return self.bundle_path.read_bytes()

    def client(self, **kw):
        c = jibca.CaClient(self.port, self.bundle(), **kw)
        self._clients.append(c)
        return c

    def stop(self):
        for c in self._clients:
            c.close()
        self._clients.clear()
        return self.process.stop()


@pytest.fixture
def issuer(tmp_path):
    return jibca.Issuer(str(tmp_path))


@pytest.fixture
def ca_server(request, tmp_path, issuer):
    """Factory: ca_server(state_dir=None, cacerts_dir=None, extra_args=(), jwt=True,
    wait=True) -> CaProc."""
    if not os.access(jibca.TESTSERVER, os.X_OK):
        pytest.fail(f"{jibca.TESTSERVER} not found (set JIB_BUILD to a build dir)")
    started = []

    def start(state_dir=None, cacerts_dir=None, extra_args=(), jwt=True):
        n = len(started)
        state_dir = state_dir or tmp_path / f"state-{n}"
        bundle = tmp_path / f"bundle-{n}.pem"
        argv = [jibca.TESTSERVER, "--ca-port=0", "--ca-listen-address=127.0.0.1",
                f"--ca-state-dir={state_dir}", f"--bundle-out={bundle}", "--log-level=debug"]
        if cacerts_dir:
            argv.append(f"--ca-cacerts-dir={cacerts_dir}")
        if jwt:
            argv += [f"--ca-jwt-issuer={issuer.issuer}", f"--ca-jwt-jwks-file={issuer.jwks_path}"]
        argv += list(extra_args)
        p = proc.Process(argv, tmp_path / f"ca-{n}.log", name=f"jib-ca-testserver-{n}")
        c = CaProc(p, 0, state_dir, bundle)
        started.append(c)
        line = p.wait_for_log(r"^port=\d+", timeout=20)
        c.port = int(re.search(r"port=(\d+)", line).group(1))
        return c

    yield start
    failed = any(getattr(request.node, f"rep_{w}", None) is not None
                 and getattr(request.node, f"rep_{w}").failed for w in ("setup", "call"))
    for c in started:
        c.stop()
        if failed:
            print(f"\n===== {c.process.name} log =====\n{c.process.tail(60)}")


@pytest.fixture
def jibctl():
    if not os.access(jibca.JIBCTL, os.X_OK):
        pytest.fail(f"{jibca.JIBCTL} not found (set JIB_BUILD to a build dir)")

    def run(*args, timeout=60):
        return subprocess.run([jibca.JIBCTL, *map(str, args)], capture_output=True, text=True,
                              timeout=timeout)
    return run
