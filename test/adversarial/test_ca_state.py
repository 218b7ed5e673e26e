"""The CA's state survives jibd being killed at any moment of its first start, when it makes and
saves its root: every later start finds a whole, matching set, or none."""
import random
import subprocess
import time

from adversarial.attacks import service_entry


def openssl(*args):
    return subprocess.run(["openssl", *args], check=True, capture_output=True).stdout


def key_matches_cert(state):
    return (openssl("pkey", "-in", str(state / "ca-key.pem"), "-pubout") ==
            openssl("x509", "-in", str(state / "ca-cert.pem"), "-noout", "-pubkey"))


def test_kill_during_first_start_never_breaks_the_ca_state(tmp_path, config_dir, jibd,
                                                           free_port):
    config_dir.write("a.yaml", service_entry("a", "a.example.com"))
    rng = random.Random(12)
    for attempt in range(25):
        state = tmp_path / f"state-{attempt}"
        args = ["--ca-state-dir", str(state)]
        victim = jibd(wait_ready=False, ca_port=free_port(), extra_args=args)
        # Somewhere in start-up: before, during or after the root is made and saved.
        victim.wait_for_log(r"loaded \d+ objects|created a self-signed root", timeout=10)
        time.sleep(rng.uniform(0, 0.05))
        victim.kill()
        survivor = jibd(ca_port=free_port(), extra_args=args)
        assert (state / "ca-cert.pem").exists() and (state / "ca-key.pem").exists()
        assert key_matches_cert(state), f"attempt {attempt}: the key does not match the root"
        leftovers = [p.name for p in state.iterdir() if p.name.startswith(".") or
                     p.name.endswith(".tmp")]
        assert not leftovers, f"attempt {attempt}: {leftovers}"
        survivor.stop()
        victim.stop()
