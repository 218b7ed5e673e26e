"""The jibd binary under test: flags, readiness, HTTP endpoints, log."""
import json
import os
import re
import urllib.error
import urllib.request

from helpers.proc import Process
from helpers.wait import wait_until

DEFAULT_BUILD = "/work/main/build"


def jibd_binary():
    build = os.environ.get("JIB_BUILD", DEFAULT_BUILD)
    return os.path.join(build, "cmd", "jibd", "jibd")


class Jibd(Process):
    """A running jibd. Ports are the ones it was given (tests pick them)."""

    def __init__(self, config_dir, log_path, xds_port, http_port, ca_port=0, bind="127.0.0.1",
                 debounce_ms=None, log_level="debug", extra_args=(), binary=None):
        self.config_dir = str(config_dir)
        self.xds_port = xds_port
        self.http_port = http_port
        self.ca_port = ca_port
        self.bind = bind
        argv = [binary or jibd_binary(), "--config-dir", self.config_dir, "--bind", bind,
                "--xds-port", xds_port, "--http-port", http_port, "--ca-port", ca_port,
                "--log-level", log_level]
        if debounce_ms is not None:
            argv += ["--debounce", f"{debounce_ms}ms"]
        extra_args = list(extra_args)
        if not any(str(a).startswith("--ca-state-dir") for a in extra_args):
            # Each jibd gets its own CA state beside its log, never the system default.
            extra_args += ["--ca-state-dir", os.path.join(os.path.dirname(str(log_path)),
                                                          "ca-state-" + os.path.basename(str(log_path)))]
        argv += extra_args
        super().__init__(argv, log_path, name="jibd")

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.http_port}"

    def get(self, path, timeout=5.0):
        """(status, body text) of GET path on the http port; HTTP errors are returned."""
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=timeout) as r:
                return r.status, r.read().decode(errors="replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def is_ready(self):
        try:
            return self.get("/ready", timeout=1.0)[0] == 200
        except OSError:
            return False

    def _learn_port(self, server):
        """Reads the port jibd chose for `server` (xds, http, ca) from its log, or None."""
        lines = self.log_lines(rf"\b{server} listening on [^ ]*:\d+")
        if not lines:
            return None
        return int(re.search(rf"\b{server} listening on [^ ]*:(\d+)", lines[0]).group(1))

    def wait_ready(self, timeout=15.0):
        """Waits for GET /ready == 200. Ports given as 0 are learnt from the log first."""
        def ready():
            if not self.alive():
                raise AssertionError(f"jibd exited with {self.returncode}:\n{self.tail()}")
            if self.http_port == 0:
                self.http_port = self._learn_port("http") or 0
            if self.http_port == 0 or not self.is_ready():
                return False
            # Ready means every server is up, so each has logged its port by now.
            for server in ("xds", "ca"):
                if getattr(self, f"{server}_port") == 0:
                    setattr(self, f"{server}_port", self._learn_port(server) or 0)
            return True
        try:
            wait_until(ready, timeout, "jibd GET /ready == 200")
        except AssertionError as e:
            raise AssertionError(f"{e}\n--- jibd log tail ---\n{self.tail()}") from None

    def syncz(self):
        """The rows of /debug/syncz."""
        status, body = self.get("/debug/syncz")
        assert status == 200, f"/debug/syncz: {status} {body[:200]}"
        return json.loads(body)

    def syncz_row(self, node_id):
        """The /debug/syncz row of one proxy, or None."""
        for row in self.syncz():
            if row.get("proxy") == node_id:
                return row
        return None

    def metrics_text(self):
        status, body = self.get("/metrics")
        assert status == 200, f"/metrics: {status}"
        return body

    def metrics(self):
        """Parsed /metrics: see parse_prometheus."""
        return parse_prometheus(self.metrics_text())


_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


class Metrics:
    """Samples and TYPE lines of a Prometheus text exposition."""

    def __init__(self, samples, types):
        self.samples = samples  # list of (name, {label: value}, float)
        self.types = types      # name -> counter|gauge|histogram|summary|untyped

    def get(self, name, **labels):
        """The value of the one sample `name` whose labels include `labels`; None if none."""
        found = [v for n, l, v in self.samples
                 if n == name and all(l.get(k) == str(x) for k, x in labels.items())]
        assert len(found) <= 1, f"{name}{labels} matches {len(found)} samples"
        return found[0] if found else None

    def names(self):
        return {n for n, _, _ in self.samples}


def parse_prometheus(text):
    samples, types = [], {}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            parts = line.split()
            if len(parts) >= 4 and parts[1] == "TYPE":
                types[parts[2]] = parts[3]
            continue
        m = _SAMPLE.match(line)
        assert m, f"not a Prometheus sample line: {line!r}"
        labels = dict(_LABEL.findall(m.group(3) or ""))
        samples.append((m.group(1), labels, float(m.group(4))))
    return Metrics(samples, types)
