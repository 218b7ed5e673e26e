"""200 concurrent CSR calls all succeed, each with its own serial."""
import jibca


def test_200_concurrent_csrs_get_distinct_serials(ca_server, issuer, tmp_path):
    ca = ca_server()
    client = ca.client()
    token = issuer.token("default", "web")
    csrs = [jibca.make_csr(uris=["spiffe://cluster.local/ns/default/sa/web"])[1]
            for _ in range(200)]
    futures = [client.call.future(jibca.Request(csr=c.decode()),
                                  metadata=[("authorization", f"Bearer {token}")], timeout=60)
               for c in csrs]
    chains = [list(f.result().cert_chain) for f in futures]
    serials = {jibca.load_cert(c[0]).serial_number for c in chains}
    assert len(serials) == 200
    r = jibca.openssl_verify(chains[123], ca.bundle_path, tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
