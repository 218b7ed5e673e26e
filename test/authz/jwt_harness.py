"""One sidecar Envoy fed by jibd, guarding a backend with RequestAuthentication, for the JWT
tests (test_jwt.py); real keys, real signed tokens, a JWKS server on loopback.

    test ──HTTP──> Envoy 127.0.0.1:<port> (Sidecar ingress, jwt_authn, RBAC) ──> backend

SigningKey: an RS256 or ES256 key with its kid; .jwk() for a key set, .token(...) signs.
JwksServer: serves the key set it is given at /jwks.json (503 while `failing`), counts GETs.
Builders: sidecar(), no_mtls(), request_authentication(), authorization_policy().
JwtWorkload: jibd (--jwks-refresh 1s) + Envoy + backend; get(), status(), wait_status(),
assert_no_nack()."""
import http.server
import json
import threading
import time

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from helpers.wait import wait_until

NS = "default"
APP = "web"
SECURITY = "security.istio.io/v1"
ISSUER = "https://issuer.example"
AUDIENCE = "web.default"


class SigningKey:
    """A private key that signs JWTs (RS256: RSA 2048, ES256: P-256) under key id `kid`."""

    def __init__(self, kid, alg="RS256"):
        self.kid, self.alg = kid, alg
        if alg == "RS256":
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self._algorithm = jwt.algorithms.RSAAlgorithm
        elif alg == "ES256":
            self.private = ec.generate_private_key(ec.SECP256R1())
            self._algorithm = jwt.algorithms.ECAlgorithm
        else:
            raise ValueError(alg)

    def jwk(self):
        key = json.loads(self._algorithm.to_jwk(self.private.public_key()))
        key.update({"kid": self.kid, "alg": self.alg, "use": "sig"})
        return key

    def token(self, issuer=ISSUER, subject="alice", audience=AUDIENCE, expires_in=600,
              kid=None, **claims):
        """A signed token; expires_in < 0 makes an expired one; audience None leaves aud out."""
        now = int(time.time())
        body = {"iss": issuer, "sub": subject, "iat": now - 60, "exp": now + expires_in}
        if audience is not None:
            body["aud"] = audience
        body.update(claims)
        return jwt.encode(body, self.private, algorithm=self.alg,
                          headers={"kid": kid or self.kid})


def key_set(*keys):
    return {"keys": [k.jwk() for k in keys]}


class JwksServer:
    """HTTP server on 127.0.0.1 answering every GET with the current key set (JSON), or 503
    while `failing` is set; as an OpenID provider whose issuer is `base`, it also serves the
    discovery document naming `uri`."""

    def __init__(self, jwks=None):
        self.jwks = jwks or {"keys": []}
        self.failing = False
        self.gets = 0
        self.paths = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.gets += 1
                server.paths.append(self.path)
                if server.failing:
                    status, body = 503, b"unavailable"
                elif self.path == "/.well-known/openid-configuration":
                    status, body = 200, json.dumps({"issuer": server.base,
                                                    "jwks_uri": server.uri}).encode()
                else:
                    status, body = 200, json.dumps(server.jwks).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.uri = f"{self.base}/jwks.json"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def _meta(name):
    return {"name": name, "namespace": NS}


def sidecar(port, app_port):
    """The workload's Sidecar: one HTTP ingress port on the proxy IP, to the backend."""
    return {"apiVersion": "networking.istio.io/v1", "kind": "Sidecar", "metadata": _meta(APP),
            "spec": {"workloadSelector": {"labels": {"app": APP}},
                     "ingress": [{"port": {"number": int(port), "protocol": "HTTP",
                                           "name": "http"},
                                  "defaultEndpoint": f"127.0.0.1:{int(app_port)}"}]}}


def no_mtls():
    """Plaintext inbound: this harness has no agent to serve the workload certificate."""
    return {"apiVersion": SECURITY, "kind": "PeerAuthentication", "metadata": _meta("plaintext"),
            "spec": {"mtls": {"mode": "DISABLE"}}}


def jwt_rule(issuer=ISSUER, jwks_uri=None, jwks=None, audiences=(AUDIENCE,), **fields):
    """One JWT rule; `fields` in Istio's spelling (fromHeaders, outputClaimToHeaders, ...)."""
    rule = {"issuer": issuer}
    if audiences:
        rule["audiences"] = list(audiences)
    if jwks_uri:
        rule["jwksUri"] = jwks_uri
    if jwks is not None:
        rule["jwks"] = json.dumps(jwks)
    rule.update(fields)
    return rule


def request_authentication(*rules, name="jwt"):
    return {"apiVersion": SECURITY, "kind": "RequestAuthentication", "metadata": _meta(name),
            "spec": {"selector": {"matchLabels": {"app": APP}}, "jwtRules": list(rules)}}


def authorization_policy(rules, name="authz", action="ALLOW"):
    return {"apiVersion": SECURITY, "kind": "AuthorizationPolicy", "metadata": _meta(name),
            "spec": {"selector": {"matchLabels": {"app": APP}}, "action": action,
                     "rules": list(rules)}}


class JwtWorkload:
    """jibd serving `objects` (plus the Sidecar and PeerAuthentication), one Envoy for
    default/web, and its backend."""

    def __init__(self, jibd, envoy, backend, config_dir, free_port, objects):
        self.backend = backend("web")
        self.port = free_port()
        self.config_dir = config_dir
        config_dir.write("workload.yaml", [sidecar(self.port, self.backend.port), no_mtls()])
        config_dir.write("policies.yaml", list(objects))
        self.jibd = jibd(debounce_ms=50, extra_args=["--jwks-refresh", "1s"])
        self.envoy = envoy(self.jibd, pod=f"{APP}-0", namespace=NS, labels={"app": APP})
        self.url = f"http://127.0.0.1:{self.port}"
        self.session = requests.Session()
        self.session.trust_env = False
        wait_until(lambda: self.status() != 0, 20, f"inbound listener on {self.url}")

    def apply(self, objects):
        self.config_dir.write("policies.yaml", list(objects))

    def get(self, path="/", token=None, headers=None, params=None):
        """The response (any status); `token` goes in Authorization: Bearer."""
        h = dict(headers or {})
        if token:
            h["authorization"] = f"Bearer {token}"
        return self.session.get(self.url + path, headers=h, params=params, timeout=5)

    def status(self, path="/", token=None, headers=None, params=None):
        """The status code, 0 when nothing answers (no listener yet)."""
        try:
            return self.get(path, token, headers, params).status_code
        except requests.RequestException:
            return 0

    def wait_status(self, expected, timeout=15, **request):
        """Waits until a request answers `expected` (config and key sets propagate)."""
        wait_until(lambda: self.status(**request) == expected, timeout,
                   f"GET {request} -> {expected}")

    def assert_no_nack(self):
        """jibd saw no NACK from this proxy, and Envoy rejected no update."""
        row = self.jibd.syncz_row(self.envoy.node_id)
        assert row, "proxy not in /debug/syncz"
        nacks = {t: s["nack"] for t, s in row.items() if isinstance(s, dict) and s.get("nack")}
        assert not nacks, f"NACKs: {nacks}"
        rejected = {k: v for k, v in self.envoy.update_rejected().items() if v}
        assert not rejected, f"Envoy rejected updates: {rejected}"
        assert self.jibd.metrics().get("pilot_total_xds_rejects") in (None, 0.0)
