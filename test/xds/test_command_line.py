"""jibd's front door: --help, usage errors, and start-up failures that exit before any port
is opened."""
import socket
import subprocess
import time

import pytest

from helpers.jibd import jibd_binary


def run_jibd(*args, timeout=20):
    return subprocess.run([jibd_binary(), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def listening(port):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_prints_every_flag_and_exits_0(flag):
    r = run_jibd(flag)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: jibd")
    for name in ["--config-dir DIR", "--xds-port", "--debounce DURATION", "--jwks-refresh",
                 "--kubeconfig", "--leader-election", "--ca-port", "--ca-root-ttl",
                 "--ca-trust-domain", "--http-header-timeout DURATION", "--http-idle-timeout",
                 "--http-max-connections N", "--http-max-connections-per-ip",
                 "--gateway-service-accounts NS/SA,...", "--credentials-allow-ttl DURATION",
                 "--credentials-deny-ttl DURATION"]:
        assert name in r.stdout, f"{name} missing:\n{r.stdout}"
    # The old millisecond spellings still parse but are no longer advertised.
    assert "--debounce-ms" not in r.stdout


@pytest.mark.parametrize("args, error", [
    (["--config-dir", "/tmp", "--bogus"], "unknown flag --bogus"),
    (["--config-dir", "/tmp", "--xds-port", "http"], '--xds-port needs a number from 0 to 65535'),
    (["--config-dir", "/tmp", "--debounce", "10parsecs"], 'unknown unit "parsecs"'),
    (["--config-dir", "/tmp", "--ca-root-ttl", "-1h"], "negative"),
    (["--config-dir", "/tmp", "--http-max-connections", "0"],
     "--http-max-connections needs a number from 1 to 65535"),
    (["--config-dir", "/tmp", "--http-idle-timeout", "0s"], "--http-idle-timeout must be at least 1s"),
    (["--config-dir"], "--config-dir needs a value"),
    ([], "--config-dir is required"),
    (["--config-dir", "/tmp", "--gateway-service-accounts", "shop/gw,shop"],
     '--gateway-service-accounts: gateway service account "shop" is not of the form '
     'namespace/name'),
    (["--kubeconfig", "/nonexistent", "--gateway-service-accounts", "shop/gw"],
     "--gateway-service-accounts is for --config-dir"),
])
def test_usage_errors_exit_2_with_the_usage_on_stderr(args, error):
    r = run_jibd(*args)
    assert r.returncode == 2, r.stderr
    assert error in r.stderr, r.stderr
    assert "usage: jibd" in r.stderr
    assert r.stdout == ""


def test_missing_config_dir_exits_1_before_opening_any_port(tmp_path, free_port):
    missing = tmp_path / "no-such-dir"
    ports = [free_port() for _ in range(3)]
    proc = subprocess.Popen(
        [str(a) for a in [jibd_binary(), "--config-dir", missing, "--bind", "127.0.0.1", "--xds-port", ports[0],
         "--http-port", ports[1], "--ca-port", ports[2], "--ca-state-dir", tmp_path / "ca"]],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Nothing may listen at any time: poll while it starts and fails.
    deadline = time.monotonic() + 10
    while proc.poll() is None and time.monotonic() < deadline:
        assert not any(listening(p) for p in ports), "jibd opened a port before failing"
        time.sleep(0.02)
    _, stderr = proc.communicate(timeout=10)
    assert proc.returncode == 1, stderr
    assert str(missing) in stderr
    assert "cannot start" in stderr
    assert "listening" not in stderr
    assert not (tmp_path / "ca").exists(), "the CA made its state before the config was read"


def test_bad_mesh_config_exits_1_before_opening_any_port(tmp_path, free_port):
    (tmp_path / "config").mkdir()
    mesh_config = tmp_path / "mesh.yaml"
    mesh_config.write_text("trustDomain: [not, a, string]\n")
    port = free_port()
    r = run_jibd("--config-dir", tmp_path / "config", "--mesh-config", mesh_config,
                 "--bind", "127.0.0.1", "--xds-port", port, "--http-port", "0", "--ca-port", "0",
                 "--ca-state-dir", tmp_path / "ca")
    assert r.returncode == 1, r.stderr
    assert f"cannot start: bad --mesh-config {mesh_config}" in r.stderr
    assert "listening" not in r.stderr


def test_deprecated_millisecond_flags_still_work_and_say_what_replaces_them(jibd):
    j = jibd(extra_args=["--debounce-ms", "250", "--jwks-refresh-ms", "60000"])
    assert j.log_lines(r"--debounce-ms is deprecated .*use --debounce 250ms")
    assert j.log_lines(r"--jwks-refresh-ms is deprecated .*use --jwks-refresh 1m")
