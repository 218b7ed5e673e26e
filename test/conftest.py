"""Shared fixtures of Jib's integration tests: jibd, real Envoy, backends, config dirs.

Fixtures (all function-scoped; every process is stopped at teardown, also on failure):
  free_port()                       -> int, a free TCP port on 127.0.0.1
  wait_until(pred, timeout, msg)    -> bounded poll, returns pred's truthy value
  config_dir                        -> ConfigDir: write() atomic, write_in_place(), remove()
  jibd(**kw)                        -> Jibd, started on config_dir and ready (GET /ready 200)
  envoy(jibd_or_port, **kw)         -> Envoy connected over ADS, admin /ready LIVE
  backend(name)                     -> Backend answering `name`, recording requests
  http                              -> requests.Session (keep-alive), closed at teardown
On failure, the tails of every process log are printed with the test report.
"""
import atexit
import os

import pytest
import requests

from helpers import proc
from helpers.backend import Backend
from helpers.configdir import ConfigDir
from helpers.envoy import ENVOY_BIN, Envoy
from helpers.jibd import Jibd, jibd_binary
from helpers.ports import free_port as _free_port
from helpers.wait import wait_until as _wait_until

atexit.register(proc.kill_all)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    setattr(item, f"rep_{rep.when}", rep)
    return rep


def pytest_sessionfinish(session, exitstatus):
    proc.kill_all()


def _failed(request):
    return any(getattr(request.node, f"rep_{w}", None) is not None
               and getattr(request.node, f"rep_{w}").failed for w in ("setup", "call"))


def _dump_logs(request, processes):
    if not _failed(request):
        return
    for p in processes:
        print(f"\n===== {p.name} (pid {p.pid}, exit {p.returncode}) log {p.log_path} =====")
        print(p.tail(80))


@pytest.fixture
def free_port():
    return _free_port


@pytest.fixture
def wait_until():
    return _wait_until


@pytest.fixture
def config_dir(tmp_path):
    return ConfigDir(tmp_path / "config")


@pytest.fixture
def jibd(request, tmp_path, config_dir):
    """Factory: jibd(config_dir=None, wait_ready=True, debounce_ms=None, log_level='debug',
    extra_args=(), xds_port=None, http_port=None, ca_port=0) -> Jibd.

    Ports default to fresh free ports (ca_port to 0, as no test needs the CA yet); a port
    given as 0 is chosen by jibd and learnt from its log (`xds listening on ADDR:PORT`)."""
    started = []

    def start(config_dir_path=None, wait_ready=True, xds_port=None, http_port=None, ca_port=0,
              **kw):
        binary = jibd_binary()
        if not os.access(binary, os.X_OK):
            pytest.fail(f"jibd binary not found at {binary} (set JIB_BUILD to a build dir)")
        j = Jibd(config_dir_path or config_dir.path,
                 tmp_path / f"jibd-{len(started)}.log",
                 _free_port() if xds_port is None else xds_port,
                 _free_port() if http_port is None else http_port, ca_port, **kw)
        started.append(j)
        if wait_ready:
            j.wait_ready()
        return j

    yield start
    _dump_logs(request, started)
    for j in started:
        j.stop()


@pytest.fixture
def envoy(request, tmp_path):
    """Factory: envoy(jibd_or_xds_port, pod='web-0', namespace='default', labels=None,
    wait_live=True, log_level='info') -> Envoy."""
    started = []

    def start(target, pod="web-0", namespace="default", labels=None, wait_live=True, **kw):
        if not os.access(ENVOY_BIN, os.X_OK):
            pytest.fail(f"envoy binary not found at {ENVOY_BIN} (run `make setup`)")
        xds_port = target.xds_port if isinstance(target, Jibd) else int(target)
        e = Envoy(tmp_path, xds_port, _free_port(), pod, namespace, labels, **kw)
        started.append(e)
        if wait_live:
            e.wait_live()
        return e

    yield start
    _dump_logs(request, started)
    for e in started:
        e.stop()


@pytest.fixture
def backend():
    """Factory: backend(name) -> Backend on a free port of 127.0.0.1."""
    started = []

    def start(name):
        b = Backend(name)
        started.append(b)
        return b

    yield start
    for b in started:
        b.stop()


@pytest.fixture
def http():
    s = requests.Session()
    s.trust_env = False  # never go through a proxy from the environment
    yield s
    s.close()
