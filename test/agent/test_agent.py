"""jib-agent against a real jibd (its CA and plaintext ADS) and a real Envoy: the certificate
Envoy serves comes from the agent over SDS, renews on the open stream, survives jibd's absence;
the key never touches the disk; the bootstrap the agent writes connects Envoy to jibd."""
import os
import re
import signal
import stat
import subprocess
import time

import jibca
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from agentproc import agent_binary, cds_lds_acked, tls_peer_cert
from helpers.envoy import ENVOY_BIN, Admin
from helpers.ports import free_port
from helpers.wait import wait_until


def _uri_sans(der):
    cert = x509.load_der_x509_certificate(der)
    return cert, cert.extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value.get_values_for_type(x509.UniformResourceIdentifier)


def test_envoy_serves_the_agents_certificate_over_sds(mesh, agent, agent_envoy, tmp_path):
    m = mesh()
    a = agent(m, namespace="shop", sa="web")
    port = free_port()
    e = agent_envoy(a, tls_port=port)

    der, version = tls_peer_cert(port, m.root_pem())
    cert, uris = _uri_sans(der)
    assert uris == ["spiffe://cluster.local/ns/shop/sa/web"]
    assert version in ("TLSv1.2", "TLSv1.3")
    assert cert.serial_number in e.cert_serials()
    assert cert.serial_number == a.serials()[-1]

    # The chain also verifies with openssl against the mesh root file.
    leaf = cert.public_bytes(Encoding.PEM).decode()
    r = jibca.openssl_verify([leaf, m.root_pem()], m.root_file, tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


def test_key_never_on_disk_and_socket_is_private(mesh, agent, agent_envoy, tmp_path):
    m = mesh()
    a = agent(m, namespace="shop", sa="web")
    agent_envoy(a, tls_port=free_port())
    mode = stat.S_IMODE(os.stat(a.sds_socket).st_mode)
    assert stat.S_ISSOCK(os.stat(a.sds_socket).st_mode)
    assert mode == 0o600, oct(mode)
    # No file the agent could have written holds a private key: only jibd's CA state does.
    for root, _, files in os.walk(tmp_path):
        if os.path.abspath(root).startswith(os.path.abspath(m.state_dir)):
            continue
        for name in files:
            path = os.path.join(root, name)
            if stat.S_ISSOCK(os.lstat(path).st_mode):
                continue
            with open(path, "rb") as f:
                assert b"PRIVATE KEY" not in f.read(), path
    assert "PRIVATE KEY" not in a.log_text()
    # Nor anything the agent process has open.
    for fd in os.listdir(f"/proc/{a.pid}/fd"):
        target = os.readlink(f"/proc/{a.pid}/fd/{fd}")
        if target.startswith("/") and os.path.isfile(target):
            with open(target, "rb") as f:
                assert b"PRIVATE KEY" not in f.read(), target


def test_group_socket_mode(mesh, agent):
    a = agent(mesh(), extra_args=["--sds-socket-mode", "0660"])
    assert stat.S_IMODE(os.stat(a.sds_socket).st_mode) == 0o660


def test_renewal_reaches_envoy_without_restart(mesh, agent, agent_envoy):
    m = mesh()
    # 20 s certificates renewed at 50-60 % of their life: at least two renewals in ~30 s.
    a = agent(m, namespace="shop", sa="web",
              extra_args=["--cert-ttl", "20s", "--renew-fraction", "0.6", "--renew-jitter", "0.1"])
    port = free_port()
    e = agent_envoy(a, tls_port=port)
    first = e.cert_serials()
    pid = e.pid
    seen = {tls_peer_cert(port, m.root_pem())[0]}
    wait_until(lambda: len(a.serials()) >= 3, 40, "two renewals")
    latest = a.serials()[-1]
    wait_until(lambda: latest in e.cert_serials(), 10, "Envoy serving the newest certificate")
    assert e.cert_serials() != first
    assert e.pid == pid and e.alive()
    assert e.admin.stat("server.uptime") >= 15  # the same Envoy all along
    der = tls_peer_cert(port, m.root_pem())[0]
    assert der not in seen
    assert x509.load_der_x509_certificate(der).serial_number == latest
    # The renewals went over the one SDS stream that asked for `default`: no reconnects.
    assert len(a.log_lines(r"sds: stream \d+: .* asks for \[default\]")) == 1


def test_agent_keeps_serving_while_jibd_is_away(mesh, agent, agent_envoy, tmp_path):
    ca_port = free_port()
    m = mesh(ca_port=ca_port)
    a = agent(m, namespace="shop", sa="web",
              extra_args=["--cert-ttl", "40s", "--renew-fraction", "0.3", "--renew-jitter", "0",
                          "--backoff-initial", "200ms", "--backoff-max", "2s"])
    port = free_port()
    e = agent_envoy(a, tls_port=port)
    served = e.cert_serials()
    m.jibd.stop()
    mark = a.log_mark()
    a.wait_for_log(r"certificate request failed .*still serving serial", timeout=30, since=mark)
    # Envoy still serves the last certificate, which still verifies.
    der = tls_peer_cert(port, m.root_pem())[0]
    assert x509.load_der_x509_certificate(der).serial_number in served
    failures = len(a.log_lines(r"certificate request failed", since=mark))

    # jibd back on the same port with the same CA state: the agent recovers by itself.
    time.sleep(3)
    m2 = mesh(state_dir=m.state_dir, ca_port=ca_port, xds_port=m.jibd.xds_port)
    with open(os.path.join(m2.state_dir, "ca-cert.pem")) as f:
        assert f.read() == m.root_pem()  # the same root: the old certificate stays good
    assert len(a.log_lines(r"certificate request failed", since=mark)) > failures  # retried
    mark2 = a.log_mark()
    a.wait_for_log(r"certificate serial \w+ for spiffe://", timeout=15, since=mark2)
    latest = a.serials()[-1]
    wait_until(lambda: latest in e.cert_serials(), 10, "Envoy serving the new certificate")


def test_changed_root_file_reaches_envoy_as_rootca(mesh, agent, agent_envoy, tmp_path):
    m = mesh()
    a = agent(m, namespace="shop", sa="web", extra_args=["--root-cert-poll", "200ms"])
    port = free_port()
    e = agent_envoy(a, tls_port=port)
    old = jibca.load_cert(m.root_pem())
    assert e.rootca_pem() == m.root_pem()
    # A root rotation as the istio-ca-root-cert mount shows it: the new root beside the old,
    # the file replaced atomically.
    new_key, new_csr = jibca.make_csr()
    r = jibca.openssl("req", "-x509", "-key", "/dev/stdin", "-subj", "/O=cluster.local/CN=new",
                      "-days", "1", "-addext", "basicConstraints=critical,CA:TRUE",
                      input=jibca.key_pem(new_key).decode())
    assert r.returncode == 0, r.stderr
    new = jibca.load_cert(r.stdout)
    tmp = m.root_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(m.root_pem() + r.stdout)
    os.replace(tmp, m.root_file)
    wait_until(lambda: [jibca.load_cert(c).serial_number
                        for c in jibca.split_pem(e.rootca_pem())] ==
               [old.serial_number, new.serial_number], 10, "Envoy trusting both roots")
    assert tls_peer_cert(port, jibca.load_cert(m.root_pem()).public_bytes(Encoding.PEM).decode())
    assert e.pid and e.alive()


def test_bootstrap_connects_envoy_to_plaintext_ads(mesh, agent, agent_envoy):
    m = mesh()
    a = agent(m, namespace="shop", sa="web", pod="web-5d8f-x1")
    b = a.bootstrap()
    assert b["node"]["id"] == "sidecar~127.0.0.1~web-5d8f-x1.shop~shop.svc.cluster.local"
    md = b["node"]["metadata"]
    assert md["NAMESPACE"] == "shop" and md["SERVICE_ACCOUNT"] == "web"
    assert md["INTERCEPTION_MODE"] == "NONE" and md["WORKLOAD_NAME"] == "web-5d8f"
    e = agent_envoy(a)
    wait_until(lambda: cds_lds_acked(m.jibd, e.node_id), 20, "CDS and LDS ACKed by the agent's Envoy")


def test_secure_bootstrap_validates(mesh, agent):
    m = mesh()
    a = agent(m, namespace="shop", sa="web", plaintext=False,
              extra_args=["--xds-address", m.ca_addr])
    secure = a.bootstrap()
    cluster = next(c for c in secure["static_resources"]["clusters"] if c["name"] == "xds-grpc")
    tls = cluster["transport_socket"]["typed_config"]
    assert tls["sni"] == "istiod.istio-system.svc"
    names = [c["name"] for c in tls["common_tls_context"]["tls_certificate_sds_secret_configs"]]
    assert names == ["default"]
    md = secure["dynamic_resources"]["ads_config"]["grpc_services"][0]["initial_metadata"]
    assert md[0]["key"] == "authorization" and md[0]["value"].startswith("Bearer ey")
    assert stat.S_IMODE(os.stat(a.bootstrap_path).st_mode) == 0o600  # it holds the token
    v = subprocess.run([ENVOY_BIN, "--mode", "validate", "-c", a.bootstrap_path, "-l", "warn"],
                       capture_output=True, text=True, timeout=60)
    assert v.returncode == 0, v.stdout + v.stderr
    r = subprocess.run([agent_binary(), "--help"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0 and "--xds-plaintext" in r.stdout


def test_agent_supervises_envoy(mesh, agent, tmp_path):
    m = mesh()
    a = agent(m, namespace="shop", sa="web", wait=False,
              extra_args=["--envoy-binary", ENVOY_BIN, "--envoy-args",
                          "--disable-hot-restart --concurrency 1 -l info"])
    first = a.wait_for_log(r"started Envoy \(pid (\d+)", timeout=20)
    pid = int(re.search(r"pid (\d+)", first).group(1))
    admin = Admin(a.admin_port)
    wait_until(lambda: admin.ready() == "LIVE", 30, "supervised Envoy LIVE")
    os.kill(pid, signal.SIGKILL)
    line = a.wait_for_log(r"started Envoy \(pid \d+, start 2\)", timeout=20)
    pid2 = int(re.search(r"pid (\d+)", line).group(1))
    assert pid2 != pid
    wait_until(lambda: admin.ready() == "LIVE", 30, "restarted Envoy LIVE")
    assert a.stop(timeout=15) == 0
    wait_until(lambda: not os.path.exists(f"/proc/{pid2}") or
               open(f"/proc/{pid2}/stat").read().split()[2] == "Z", 5, "Envoy gone")


def test_secure_bootstrap_connects_envoy_to_secure_ads(mesh, agent, agent_envoy):
    # The whole secure path: Envoy dials jibd's 15012 over TLS (SNI istiod, ROOTCA from the
    # agent), presents the workload SVID and the token; jibd serves it as shop/web.
    m = mesh()
    a = agent(m, namespace="shop", sa="web", plaintext=False,
              extra_args=["--xds-address", m.ca_addr])
    e = agent_envoy(a)
    wait_until(lambda: cds_lds_acked(m.jibd, e.node_id), 20, "CDS and LDS ACKed by the agent's Envoy over secure xDS")
    assert e.admin.stat("control_plane.connected_state") == 1
