"""CUSTOM AuthorizationPolicy with an HTTP ext_authz provider from MeshConfig, enforced by B's
real Envoy: requests inside the policy's rules are decided by the authorizer, requests outside
them never reach it."""
import http.server
import threading

import pytest
import yaml

from mtls_harness import B

PROVIDER_HOST = "ext-authz.ns-b.svc.cluster.local"


class ExtAuthzServer:
    """Allows a check when the original request carried `x-ext-authz: allow`; records every
    check's path."""

    def __init__(self):
        self.checks = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self):
                server.checks.append(self.path)
                allowed = self.headers.get("x-ext-authz") == "allow"
                body = b"allowed" if allowed else b"denied by ext-authz"
                self.send_response(200 if allowed else 403)
                self.send_header("content-length", str(len(body)))
                self.send_header("x-ext-authz-check-result", "allowed" if allowed else "denied")
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

            def log_message(self, *args):
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def ext_authz():
    s = ExtAuthzServer()
    yield s
    s.stop()


def provider_service(port):
    return {"apiVersion": "networking.istio.io/v1", "kind": "ServiceEntry",
            "metadata": {"name": "ext-authz", "namespace": "ns-b"},
            "spec": {"hosts": [PROVIDER_HOST], "location": "MESH_EXTERNAL",
                     "resolution": "STATIC",
                     "ports": [{"number": port, "name": "http", "protocol": "HTTP"}],
                     "endpoints": [{"address": "127.0.0.1"}]}}


def custom_policy(paths):
    return {"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
            "metadata": {"name": "ext-authz", "namespace": "ns-b"},
            "spec": {"selector": {"matchLabels": {"app": "b"}}, "action": "CUSTOM",
                     "provider": {"name": "sample-ext-authz-http"},
                     "rules": [{"to": [{"operation": {"paths": paths}}]}]}}


def test_custom_policy_asks_the_provider_only_inside_its_rules(mtls, ext_authz, tmp_path):
    mesh_config = tmp_path / "mesh.yaml"
    mesh_config.write_text(yaml.safe_dump({"extensionProviders": [{
        "name": "sample-ext-authz-http",
        "envoyExtAuthzHttp": {"service": PROVIDER_HOST, "port": ext_authz.port,
                              "includeRequestHeadersInCheck": ["x-ext-authz"]}}]}))
    m = mtls(extra={"ext-authz-service.yaml": provider_service(ext_authz.port),
                    "ext-authz-policy.yaml": custom_policy(["/custom*"])},
             jibd_args=[f"--mesh-config={mesh_config}"], wait_traffic=False)
    app = m.b.apps[m.p1]

    def call(path, allow):
        headers = {"x-ext-authz": "allow"} if allow else {}
        return m.call(path=path, headers=headers)

    allowed = call("/custom/ok", True)
    assert allowed.status == 200, allowed
    assert ext_authz.checks == ["/custom/ok"]
    assert app.received()[-1]["path"] == "/custom/ok"

    denied = call("/custom/no", False)
    assert denied.status == 403, denied
    assert ext_authz.checks == ["/custom/ok", "/custom/no"]
    assert app.received()[-1]["path"] == "/custom/ok"  # the denied request never reached B

    outside = call("/public", False)
    assert outside.status == 200, outside
    assert ext_authz.checks == ["/custom/ok", "/custom/no"]  # never asked
    m.assert_no_nack()
