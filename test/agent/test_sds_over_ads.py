"""SDS over ADS from jibd, with a real gateway Envoy (jib-agent bootstrap, `--proxy-type router`,
ADS over TLS to the CA port): `ROOTCA` is the mesh trust bundle, a gateway whose service account
is in `--gateway-service-accounts` gets the `credentialName` secret of its own namespace, and
never one of another namespace, nor any credential over the unauthenticated plaintext port; any
other service account of the namespace that declares itself a router never gets the key."""
import base64
import socket
import ssl

from cryptography.hazmat.primitives import serialization

from helpers.gateway_credentials import self_signed, tls_secret
from helpers.wait import wait_until

ADS_SOURCE = {"ads": {}, "resource_api_version": "V3", "initial_fetch_timeout": "1s"}


def gateway_listener(port, credential):
    """A static TLS listener whose certificate (and client roots) come from jibd over ADS, as a
    Gateway server with `credentialName` would."""
    return {
        "name": f"gw_{port}",
        "address": {"socket_address": {"address": "127.0.0.1", "port_value": int(port)}},
        "filter_chains": [{
            "transport_socket": {"name": "envoy.transport_sockets.tls", "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
                "common_tls_context": {
                    "tls_certificate_sds_secret_configs": [{"name": credential,
                                                            "sds_config": ADS_SOURCE}],
                    "validation_context_sds_secret_config": {"name": "ROOTCA",
                                                             "sds_config": ADS_SOURCE},
                },
            }},
            "filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                "stat_prefix": f"gw_{port}",
                "route_config": {"virtual_hosts": [{"name": "all", "domains": ["*"], "routes": [{
                    "match": {"prefix": "/"},
                    "direct_response": {"status": 200, "body": {"inline_string": "gw\n"}}}]}]},
                "http_filters": [{"name": "envoy.filters.http.router", "typed_config": {
                    "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}],
            }}],
        }],
    }


def served_cert(port):
    """The DER certificate served on 127.0.0.1:port (not verified: these are self-signed)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
        with ctx.wrap_socket(s) as t:
            return t.getpeercert(binary_form=True)


def dynamic_secrets(envoy):
    sec = envoy.admin.config_section("SecretsConfigDump", envoy.admin.config_dump(False))
    return {s["name"]: s["secret"] for s in sec.get("dynamic_active_secrets", [])}


def start_gateway(mesh, agent, agent_envoy, config_dir, free_port, secure=True, sa="gateway"):
    """A router workload in n1 running as `sa` (jibd allows n1/gateway and n2/gateway to read
    their credentials) whose Envoy has a listener on its own namespace's credential and one on
    n2's. Returns (mesh, agent, envoy, own port, foreign port, n1's certificate)."""
    n1_cert, n1_pem, n1_key = self_signed("gw.n1.example.com")
    _, n2_pem, n2_key = self_signed("gw.n2.example.com")
    config_dir.write("secrets.yaml", [tls_secret("cred", "n1", n1_pem, n1_key),
                                      tls_secret("cred-n2", "n2", n2_pem, n2_key)])
    m = mesh(extra_args=["--gateway-service-accounts", "n1/gateway,n2/gateway"])
    extra = ["--proxy-type", "router"] + (["--xds-address", m.ca_addr] if secure else [])
    a = agent(m, namespace="n1", sa=sa, pod="gw-0", plaintext=not secure, extra_args=extra)
    own, foreign = free_port(), free_port()
    e = agent_envoy(a, listeners=[gateway_listener(own, "kubernetes://cred"),
                                  gateway_listener(foreign, "kubernetes://cred-n2")])
    return m, a, e, own, foreign, n1_cert


def handshake_fails(port):
    try:
        served_cert(port)
    except (ssl.SSLError, ConnectionError, OSError):
        return True
    return False


def test_gateway_gets_its_namespace_credential_and_the_trust_bundle(
        mesh, agent, agent_envoy, config_dir, free_port):
    m, a, e, own, foreign, n1_cert = start_gateway(mesh, agent, agent_envoy, config_dir,
                                                   free_port)
    der = wait_until(lambda: served_cert(own), 20, "the gateway serves n1's credential")
    assert der == n1_cert.public_bytes(serialization.Encoding.DER)
    secrets = dynamic_secrets(e)
    roots = base64.b64decode(secrets["ROOTCA"]["validation_context"]["trusted_ca"]
                             ["inline_bytes"]).decode()
    assert roots.strip() == m.root_pem().strip()
    # n2's credential is never sent to a gateway of n1: its listener has no certificate.
    assert "kubernetes://cred-n2" not in secrets
    assert handshake_fails(foreign)
    m.jibd.wait_for_log(r"secret kubernetes://cred-n2 not served to router~127\.0\.0\.1~gw-0\.n1",
                        10)
    # Key material is never logged.
    assert "PRIVATE KEY" not in m.jibd.log_text()


def test_rotated_credential_reaches_the_gateway_without_restart(
        mesh, agent, agent_envoy, config_dir, free_port):
    m, a, e, own, foreign, n1_cert = start_gateway(mesh, agent, agent_envoy, config_dir,
                                                   free_port)
    wait_until(lambda: served_cert(own), 20, "the gateway serves n1's credential")
    new_cert, new_pem, new_key = self_signed("gw.n1.example.com")
    config_dir.write("secrets.yaml", [tls_secret("cred", "n1", new_pem, new_key)])
    new_der = new_cert.public_bytes(serialization.Encoding.DER)
    wait_until(lambda: served_cert(own) == new_der, 10, "the rotated credential served")


def test_no_credentials_over_the_plaintext_port(mesh, agent, agent_envoy, config_dir,
                                                free_port):
    # Anyone can claim any node on the plaintext port, so jibd sends it no credential.
    m, a, e, own, foreign, _ = start_gateway(mesh, agent, agent_envoy, config_dir, free_port,
                                             secure=False)
    m.jibd.wait_for_log(r"secret kubernetes://cred not served to router~", 20)
    assert handshake_fails(own)
    assert "kubernetes://cred" not in dynamic_secrets(e)
    # The trust bundle is public: it still arrives.
    wait_until(lambda: "ROOTCA" in dynamic_secrets(e), 10, "ROOTCA over plaintext ADS")


def test_workload_declaring_itself_a_router_gets_no_key(mesh, agent, agent_envoy, config_dir,
                                                        free_port):
    # n1/web authenticates (its token is good) but is not in --gateway-service-accounts.
    m, a, e, own, foreign, _ = start_gateway(mesh, agent, agent_envoy, config_dir, free_port,
                                             sa="web")
    m.jibd.wait_for_log(r"refusing the credentials of namespace n1 to router~127\.0\.0\.1~gw-0"
                        r"\.n1.*n1/web is not in --gateway-service-accounts", 20)
    wait_until(lambda: (m.jibd.metrics().get("pilot_sds_certificate_errors_total") or 0) > 0, 10,
               "the refusal counted")
    # The trust bundle is public: it arrives; the key never does.
    wait_until(lambda: "ROOTCA" in dynamic_secrets(e), 10, "ROOTCA over secure ADS")
    assert "kubernetes://cred" not in dynamic_secrets(e)
    assert handshake_fails(own)
    # Refused once in the log, however often SDS is generated for it.
    assert len(m.jibd.log_lines(r"refusing the credentials of namespace n1")) == 1
