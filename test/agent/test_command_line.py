"""jib-agent's front door: --help prints its usage and exits 0; a bad flag exits 2 with the usage
on stderr."""
import subprocess

import pytest

from agentproc import agent_binary


def run_agent(*args):
    return subprocess.run([agent_binary(), *map(str, args)], capture_output=True, text=True,
                          timeout=20)


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_prints_every_flag_and_exits_0(flag):
    r = run_agent(flag)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: jib-agent")
    for name in ["--ca-root-cert FILE", "--sds-socket PATH", "--cert-ttl DURATION",
                 "--backoff-initial", "--xds-plaintext", "--envoy-binary", "--log-level"]:
        assert name in r.stdout, f"{name} missing:\n{r.stdout}"


@pytest.mark.parametrize("args, error", [
    (["--bogus"], "unknown flag --bogus"),
    (["--ca-root-cert", "r", "--sds-socket", "s", "--cert-ttl", "1fortnight"], "unknown unit"),
    (["--ca-root-cert", "r", "--sds-socket", "s", "--admin-port", "0"], "--admin-port"),
    (["--ca-root-cert", "r", "--sds-socket", "s", "--key-type", "dsa"], "one of ec"),
    (["--sds-socket", "s"], "--ca-root-cert is required"),
    (["--ca-root-cert", "r", "--sds-socket", "s", "stray"], "unexpected argument stray"),
])
def test_usage_errors_exit_2_with_the_usage_on_stderr(args, error):
    r = run_agent(*args)
    assert r.returncode == 2, r.stderr
    assert error in r.stderr, r.stderr
    assert "usage: jib-agent" in r.stderr
