"""Fixtures of the authorization tests (test/authz): the two-workload mesh of
test/mtls (A in ns-a calls B in ns-b through real Envoys and jib-agents), shared rather than
copied; see test/mtls/conftest.py for `mtls(...)`."""
import importlib.util
import os
import sys

_HERE = os.path.dirname(__file__)
_MTLS = os.path.join(os.path.dirname(_HERE), "mtls")
if _MTLS not in sys.path:
    sys.path.insert(0, _MTLS)

_spec = importlib.util.spec_from_file_location("jib_test_mtls_fixtures",
                                               os.path.join(_MTLS, "conftest.py"))
_mtls_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mtls_fixtures)
issuer = _mtls_fixtures.issuer
mesh = _mtls_fixtures.mesh
agent = _mtls_fixtures.agent
agent_envoy = _mtls_fixtures.agent_envoy
mtls = _mtls_fixtures.mtls
