"""Secure xDS on the CA port (15012): TLS with jibd's serving certificate, and a stream is
served only when its token's service account is the one the node claims."""
import os
import sys

import grpc
import pytest

from helpers.ads_client import ADS, CDS, Request, Response

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "ca"))
import jibca  # noqa: E402

SERVER_NAME = "istiod.istio-system.svc"


@pytest.fixture
def secure_jibd(tmp_path, jibd, free_port):
    issuer = jibca.Issuer(str(tmp_path))
    state = tmp_path / "ca-state"
    j = jibd(ca_port=free_port(), extra_args=[
        f"--ca-state-dir={state}", f"--ca-jwt-issuer={issuer.issuer}",
        f"--ca-jwt-jwks-file={issuer.jwks_path}"])
    root = (state / "ca-cert.pem").read_bytes()
    return j, issuer, root


def first_response(port, root, token, ns, sa):
    channel = grpc.secure_channel(
        f"127.0.0.1:{port}", grpc.ssl_channel_credentials(root_certificates=root),
        options=[("grpc.ssl_target_name_override", SERVER_NAME)])
    try:
        call = channel.stream_stream(ADS, request_serializer=Request.SerializeToString,
                                     response_deserializer=Response.FromString)
        req = Request(type_url=CDS)
        req.node.id = f"sidecar~127.0.0.1~app-0.{ns}~{ns}.svc.cluster.local"
        req.node.metadata.update({"NAMESPACE": ns, "SERVICE_ACCOUNT": sa})
        md = [("authorization", f"Bearer {token}")] if token else None
        responses = call(iter([req]), metadata=md, timeout=10)
        return next(responses)
    finally:
        channel.close()


def test_proxy_with_matching_token_gets_config(secure_jibd):
    j, issuer, root = secure_jibd
    resp = first_response(j.ca_port, root, issuer.token(ns="shop", sa="web"), "shop", "web")
    assert resp.type_url == CDS and resp.version_info


@pytest.mark.parametrize("claim_ns,claim_sa,code", [
    ("shop", "admin", grpc.StatusCode.PERMISSION_DENIED),
    ("bank", "web", grpc.StatusCode.PERMISSION_DENIED),
])
def test_proxy_claiming_another_identity_is_refused(secure_jibd, claim_ns, claim_sa, code):
    j, issuer, root = secure_jibd
    with pytest.raises(grpc.RpcError) as err:
        first_response(j.ca_port, root, issuer.token(ns="shop", sa="web"), claim_ns, claim_sa)
    assert err.value.code() == code, err.value
    assert "shop/web" in err.value.details()


def test_proxy_without_valid_token_is_refused(secure_jibd):
    j, issuer, root = secure_jibd
    for token in (None, issuer.token(ns="shop", sa="web", exp_in=-60)):
        with pytest.raises(grpc.RpcError) as err:
            first_response(j.ca_port, root, token, "shop", "web")
        assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED, err.value


def test_plaintext_port_stays_open_without_credentials(secure_jibd):
    # 15010 is istiod's plaintext port: no identity is checked there (it is for trusted
    # networks and local tests), so the same node is served.
    j, issuer, root = secure_jibd
    channel = grpc.insecure_channel(f"127.0.0.1:{j.xds_port}")
    call = channel.stream_stream(ADS, request_serializer=Request.SerializeToString,
                                 response_deserializer=Response.FromString)
    req = Request(type_url=CDS)
    req.node.id = "sidecar~127.0.0.1~app-0.shop~shop.svc.cluster.local"
    resp = next(call(iter([req]), timeout=10))
    channel.close()
    assert resp.type_url == CDS
