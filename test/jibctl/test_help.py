"""jibctl's front door: --help on the tool and every command prints usage to stdout and exits 0;
an unknown flag or a bad value prints the error and the usage to stderr and exits 2."""
import pytest

COMMANDS = {
    "csr": ["--ca", "--token", "--ttl", "--key-type", "--out"],
    "validate": ["--lenient", "--mesh-config", "--output"],
    "analyze": ["--mesh-config", "--output"],
    "authz": ["--config", "--to", "--from", "--header", "--port"],
}


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_jibctl_help_lists_the_commands(jibctl, flag):
    r = jibctl(flag)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: jibctl")
    for command in COMMANDS:
        assert f"  {command} " in r.stdout


def test_jibctl_without_a_command_or_with_an_unknown_one_is_a_usage_error(jibctl):
    r = jibctl()
    assert r.returncode == 2
    assert "usage: jibctl" in r.stderr and r.stdout == ""
    r = jibctl("frobnicate")
    assert r.returncode == 2
    assert 'unknown command "frobnicate"' in r.stderr and "usage: jibctl" in r.stderr


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_every_command_prints_its_usage(jibctl, command, flag):
    r = jibctl(command, flag)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"usage: jibctl {command}"), r.stdout
    for name in COMMANDS[command]:
        assert name in r.stdout, f"{name} missing from `jibctl {command} --help`:\n{r.stdout}"
    assert r.stderr == ""


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_refuses_an_unknown_flag_with_its_usage(jibctl, command):
    r = jibctl(command, "--no-such-flag", "x")
    assert r.returncode == 2, r.stdout + r.stderr
    assert "unknown flag --no-such-flag" in r.stderr
    assert f"usage: jibctl {command}" in r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize("args, error", [
    (["csr", "--ca", "localhost:1", "--token", "t", "--ttl", "5parsecs"], 'unknown unit "parsecs"'),
    (["csr", "--ca", "localhost:1", "--token", "t", "--ttl", "-1h"], "negative"),
    (["csr", "--ca", "localhost:1", "--token", "t", "--key-type", "dsa"], "one of ec"),
    (["csr", "--ca"], "--ca needs a value"),
    (["validate", "-o", "yaml", "x.yaml"], "one of text, json"),
    (["authz", "check", "--config", "x", "--to", "a/b", "--port", "70000"], "--port"),
])
def test_a_bad_value_is_a_usage_error_naming_it(jibctl, args, error):
    r = jibctl(*args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert error in r.stderr, r.stderr
    assert "usage: jibctl" in r.stderr
