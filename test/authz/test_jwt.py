"""RequestAuthentication end to end: jibd turns it into Envoy's jwt_authn with Istio's
semantics, checked with real Envoy, real signed JWTs (RS256, ES256) and a JWKS server.

A token that no provider verifies (bad signature, expired, wrong issuer or audience) is refused;
a request without a token passes authentication and is left to AuthorizationPolicy. jibd fetches
jwksUri key sets itself and inlines them; key rotation reaches Envoy without any restart. Every
test ends by checking that no config was NACKed. Harness: jwt_harness.py."""
import pytest

from helpers.wait import wait_until
from authz.jwt_harness import (ISSUER, JwksServer, JwtWorkload, SigningKey,
                               authorization_policy, jwt_rule, key_set, request_authentication)

OTHER_ISSUER = "https://other-issuer.example"


@pytest.fixture
def jwks_server(rsa_key):
    """A JWKS server on loopback, serving rsa_key's key set."""
    server = JwksServer(key_set(rsa_key))
    yield server
    server.stop()


@pytest.fixture
def workload(jibd, envoy, backend, config_dir, free_port):
    """Factory: workload(objects) -> JwtWorkload serving those policies."""
    def start(objects):
        return JwtWorkload(jibd, envoy, backend, config_dir, free_port, objects)
    return start


@pytest.fixture(scope="module")
def rsa_key():
    return SigningKey("rsa-1", "RS256")


def test_token_verdicts_with_rs256_from_jwks_uri(workload, jwks_server, rsa_key):
    w = workload([request_authentication(jwt_rule(jwks_uri=jwks_server.uri))])
    # jibd fetched the key set and pushed it: a valid token passes.
    w.wait_status(200, token=rsa_key.token())
    assert jwks_server.gets >= 1
    assert w.get(token=rsa_key.token()).text == "web"
    # Without a token, authentication lets the request through (no AuthorizationPolicy).
    assert w.status() == 200

    intruder = SigningKey(rsa_key.kid, "RS256")  # same kid, another key: bad signature
    refused = {
        "expired": rsa_key.token(expires_in=-120),
        "wrong issuer": rsa_key.token(issuer=OTHER_ISSUER),
        "bad signature": intruder.token(),
        "not a JWT": "not-a-jwt",
    }
    before = w.backend.count
    for case, token in refused.items():
        r = w.get(token=token)
        assert r.status_code == 401, f"{case}: {r.status_code} {r.text!r}"
    # A token for another audience is refused too, but Envoy's jwt_authn answers that one with
    # 403 (its own mapping of "audience not allowed", the same under Istio).
    r = w.get(token=rsa_key.token(audience="someone-else"))
    assert (r.status_code, r.text) == (403, "Audiences in Jwt are not allowed")
    assert w.backend.count == before, "a refused token reached the backend"
    # The default locations (Istio's): Authorization: Bearer, and the access_token parameter.
    assert w.status(params={"access_token": rsa_key.token()}) == 200
    assert w.status(params={"access_token": rsa_key.token(expires_in=-120)}) == 401
    seen = w.backend.received()
    assert seen and all("authorization" not in r["headers"] for r in seen), \
        "Envoy strips a verified token unless forwardOriginalToken"
    w.assert_no_nack()


def test_es256_inline_jwks(workload):
    key = SigningKey("ec-1", "ES256")
    w = workload([request_authentication(jwt_rule(jwks=key_set(key)))])
    w.wait_status(200, token=key.token())
    assert w.status(token=SigningKey("ec-1", "ES256").token()) == 401
    assert w.status(token=key.token(expires_in=-120)) == 401
    assert w.status() == 200
    w.assert_no_nack()


def test_no_token_is_judged_by_authorization(workload, rsa_key):
    w = workload([
        request_authentication(jwt_rule(jwks=key_set(rsa_key))),
        authorization_policy([{"from": [{"source": {"requestPrincipals": ["*"]}}]}]),
    ])
    w.wait_status(200, token=rsa_key.token())
    r = w.get()
    assert r.status_code == 403, (r.status_code, r.text)
    # A bad token is still refused by authentication, before authorization.
    assert w.status(token=rsa_key.token(expires_in=-120)) == 401
    # The request principal is iss/sub, as Istio's.
    w.apply([
        request_authentication(jwt_rule(jwks=key_set(rsa_key))),
        authorization_policy([{"from": [{"source": {"requestPrincipals": [f"{ISSUER}/bob"]}}]}]),
    ])
    w.wait_status(403, token=rsa_key.token(subject="alice"))
    assert w.status(token=rsa_key.token(subject="bob")) == 200
    w.assert_no_nack()


def test_token_in_custom_header_with_prefix_and_in_query_parameter(workload, rsa_key):
    rule = jwt_rule(jwks=key_set(rsa_key),
                    fromHeaders=[{"name": "x-jwt", "prefix": "Token "}], fromParams=["tok"])
    w = workload([
        request_authentication(rule),
        authorization_policy([{"from": [{"source": {"requestPrincipals": ["*"]}}]}]),
    ])
    w.wait_status(200, headers={"x-jwt": "Token " + rsa_key.token()})
    assert w.status(params={"tok": rsa_key.token()}) == 200
    assert w.status(headers={"x-jwt": "Token " + rsa_key.token(expires_in=-120)}) == 401
    assert w.status(params={"tok": rsa_key.token(issuer=OTHER_ISSUER)}) == 401
    # Only the configured places are read: a token in Authorization is no token at all here.
    assert w.status(token=rsa_key.token()) == 403
    w.assert_no_nack()


def test_claims_and_payload_forwarded_to_the_backend(workload, rsa_key):
    rule = jwt_rule(jwks=key_set(rsa_key), forwardOriginalToken=True,
                    outputPayloadToHeader="x-jwt-payload",
                    outputClaimToHeaders=[{"header": "x-jwt-sub", "claim": "sub"},
                                          {"header": "x-jwt-team", "claim": "team"}])
    w = workload([request_authentication(rule)])
    token = rsa_key.token(subject="carol", team="blue")
    w.wait_status(200, token=token)
    w.backend.clear()
    assert w.status(token=token) == 200
    headers = w.backend.received()[-1]["headers"]
    assert headers["x-jwt-sub"] == "carol"
    assert headers["x-jwt-team"] == "blue"
    assert headers["authorization"] == f"Bearer {token}"
    assert "x-jwt-payload" in headers
    # A header the client sent under a claim header's name gives way to the verified claim.
    w.backend.clear()
    assert w.status(token=token, headers={"x-jwt-sub": "mallory"}) == 200
    assert w.backend.received()[-1]["headers"]["x-jwt-sub"] == "carol"
    w.assert_no_nack()


def test_authorization_on_issuer_claim_with_two_providers(workload, rsa_key):
    other = SigningKey("ec-other", "ES256")
    w = workload([
        request_authentication(jwt_rule(jwks=key_set(rsa_key)),
                               jwt_rule(issuer=OTHER_ISSUER, jwks=key_set(other))),
        authorization_policy([{"when": [{"key": "request.auth.claims[iss]",
                                         "values": [ISSUER]}]}]),
    ])
    w.wait_status(200, token=rsa_key.token())
    # Verified by the other provider (authentication passes), but the claim does not match.
    r = w.get(token=other.token(issuer=OTHER_ISSUER))
    assert r.status_code == 403, (r.status_code, r.text)
    assert w.status() == 403
    # A token signed by the wrong provider's key for its issuer fails every provider.
    assert w.status(token=other.token(issuer=ISSUER)) == 401
    w.assert_no_nack()


def test_jwks_key_rotation_without_restart(workload, jwks_server, rsa_key):
    w = workload([request_authentication(jwt_rule(jwks_uri=jwks_server.uri))])
    w.wait_status(200, token=rsa_key.token())
    jibd_pid, envoy_uptime = w.jibd.pid, w.envoy.uptime()

    new_key = SigningKey("rsa-2", "ES256")
    jwks_server.jwks = key_set(new_key)  # the provider rotates: the old key is withdrawn
    w.wait_status(200, timeout=20, token=new_key.token())
    assert w.status(token=rsa_key.token()) == 401
    assert w.jibd.pid == jibd_pid and w.jibd.alive()
    assert w.envoy.uptime() >= envoy_uptime, "Envoy restarted"
    w.assert_no_nack()


def test_issuer_without_key_set_is_resolved_by_openid_discovery(workload, jwks_server, rsa_key):
    # No jwks and no jwksUri: like istiod, jibd reads <issuer>/.well-known/openid-configuration
    # and fetches the key set its jwks_uri names.
    issuer = jwks_server.base
    w = workload([request_authentication(jwt_rule(issuer=issuer))])
    w.wait_status(200, token=rsa_key.token(issuer=issuer))
    assert jwks_server.paths[:2] == ["/.well-known/openid-configuration", "/jwks.json"]
    assert w.status(token=SigningKey(rsa_key.kid, "RS256").token(issuer=issuer)) == 401
    w.assert_no_nack()


def test_unreachable_jwks_uri_refuses_tokens_until_fetched(workload, jwks_server, rsa_key):
    jwks_server.failing = True
    w = workload([request_authentication(jwt_rule(jwks_uri=jwks_server.uri))])
    # The rule is in force with a key set nobody can sign for: tokens are refused, requests
    # without one pass, and the config is valid.
    w.wait_status(200)
    assert w.status(token=rsa_key.token()) == 401
    w.assert_no_nack()
    jwks_server.failing = False
    w.wait_status(200, timeout=20, token=rsa_key.token())
    # A failed refresh keeps the key set fetched before.
    jwks_server.failing = True
    gets = jwks_server.gets
    wait_until(lambda: jwks_server.gets >= gets + 2, 15, "jibd retries the failing JWKS server")
    assert w.status(token=rsa_key.token()) == 200
    assert "cannot fetch" in "\n".join(w.jibd.log_lines(r"jwks"))
    w.assert_no_nack()
