"""A real kube-apiserver and etcd on loopback for the Kubernetes tests, like envtest.

The Cluster generates its own PKI (a CA, the API server's serving cert, an admin client cert,
the service-account signing key), starts etcd and kube-apiserver on free loopback ports with
RBAC authorization and a service-account issuer (so TokenRequest and TokenReview work), and
offers the helpers the tests need: REST calls as admin, kubectl, apply, namespaces, service
accounts, tokens, kubeconfigs for a token, restarting the API server, compacting etcd.

Binaries: kube-apiserver and kubectl from ~/.cache/jib/bin (scripts/build_kube.sh builds them
from the Go module k8s.io/kubernetes pinned in test/k8s/apiserver/go.mod), etcd and etcdctl
from Debian's etcd-server/etcd-client (scripts/setup.sh). JIB_KUBE_BIN overrides the directory.

What runs and what does not (as envtest): no kube-controller-manager, scheduler or kubelet.
So nothing creates EndpointSlices by itself, deleted namespaces stay Terminating, pods never
run and their status is whatever the test writes. create_namespace() also creates the "default"
ServiceAccount, as the controller-manager would, so that the ServiceAccount admission plugin
(on, as in production) accepts pods there and defaults their serviceAccountName.
"""
import datetime
import ipaddress
import json
import os
import shutil
import subprocess
import tempfile
import time

import requests
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from helpers.ports import free_port
from helpers.proc import Process
from helpers.wait import wait_until

CACHE = os.environ.get("JIB_CACHE", os.path.expanduser("~/.cache/jib"))
KUBE_BIN = os.environ.get("JIB_KUBE_BIN", os.path.join(CACHE, "bin"))
ISSUER = "https://kubernetes.default.svc.cluster.local"
# The audience of tokens minted without an explicit one (the API server's own).
API_AUDIENCE = ISSUER
SERVICE_CIDR = "10.96.0.0/16"


def binary(name):
    """Path of a binary the harness needs: kube-apiserver/kubectl from the cache, etcd from
    PATH. Raises FileNotFoundError naming the script that provides it."""
    if name in ("kube-apiserver", "kubectl"):
        path = os.path.join(KUBE_BIN, name)
        if os.access(path, os.X_OK):
            return path
        raise FileNotFoundError(f"{path} missing: run scripts/build_kube.sh (or make setup)")
    path = shutil.which(name)
    if path:
        return path
    raise FileNotFoundError(f"{name} not on PATH: run scripts/setup.sh (Debian etcd-server)")


def missing_binaries():
    """Names of the binaries the harness cannot find (empty when everything is there)."""
    missing = []
    for name in ("kube-apiserver", "kubectl", "etcd", "etcdctl"):
        try:
            binary(name)
        except FileNotFoundError:
            missing.append(name)
    return missing


# ---------------------------------------------------------------------------------------------
# PKI


def _write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, 0o600)
    return str(path)


def _key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


class Pki:
    """A CA and the certificates signed by it, as PEM files in `directory`."""

    def __init__(self, directory):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        self.ca_key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jib-test-kube-ca")])
        now = datetime.datetime.now(datetime.timezone.utc)
        self.ca_cert = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(self.ca_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False,
                                         False), critical=True)
            .sign(self.ca_key, hashes.SHA256()))
        self.ca_path = _write(os.path.join(directory, "ca.crt"),
                              self.ca_cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, stem, common_name, orgs=(), dns=(), ips=(), server=False):
        """Writes <stem>.crt and <stem>.key; returns (cert_path, key_path)."""
        key = ec.generate_private_key(ec.SECP256R1())
        attrs = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, o) for o in orgs]
        attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
        now = datetime.datetime.now(datetime.timezone.utc)
        b = (x509.CertificateBuilder().subject_name(x509.Name(attrs))
             .issuer_name(self.ca_cert.subject).public_key(key.public_key())
             .serial_number(x509.random_serial_number())
             .not_valid_before(now - datetime.timedelta(minutes=5))
             .not_valid_after(now + datetime.timedelta(days=2))
             .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
             .add_extension(x509.ExtendedKeyUsage(
                 [x509.ExtendedKeyUsageOID.SERVER_AUTH if server
                  else x509.ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False))
        sans = [x509.DNSName(d) for d in dns] + [x509.IPAddress(ipaddress.ip_address(i))
                                                 for i in ips]
        if sans:
            b = b.add_extension(x509.SubjectAlternativeName(sans), critical=False)
        cert = b.sign(self.ca_key, hashes.SHA256())
        return (_write(os.path.join(self.dir, stem + ".crt"),
                       cert.public_bytes(serialization.Encoding.PEM)),
                _write(os.path.join(self.dir, stem + ".key"), _key_pem(key)))

    def service_account_keys(self):
        """The service-account token signing key pair (RSA, as kube-apiserver's default
        RS256); returns (public_path, private_path)."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pub = key.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
        return (_write(os.path.join(self.dir, "sa.pub"), pub),
                _write(os.path.join(self.dir, "sa.key"), _key_pem(key)))


def write_kubeconfig(path, server, ca_path, user):
    """A kubeconfig with one cluster, one user and a current context. `user` is a dict of
    kubeconfig user fields, e.g. {"token": ...} or {"client-certificate": ..., "client-key":
    ...}. Returns the path."""
    cfg = {
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{"name": "jib-test", "cluster": {"server": server,
                                                      "certificate-authority": ca_path}}],
        "users": [{"name": "user", "user": user}],
        "contexts": [{"name": "jib-test", "context": {"cluster": "jib-test", "user": "user"}}],
        "current-context": "jib-test",
    }
    with open(path, "w") as f:
        yaml.safe_dump(cfg, f)
    os.chmod(path, 0o600)
    return str(path)


# ---------------------------------------------------------------------------------------------
# The cluster


class ApiError(AssertionError):
    """A REST call answered with an unexpected status; `status` and `body` say what."""

    def __init__(self, method, path, status, body):
        super().__init__(f"{method} {path} -> {status}: {body[:500]}")
        self.status = status
        self.body = body


class Cluster:
    """etcd + kube-apiserver on loopback. Use start()/stop(), or the session fixture."""

    def __init__(self, workdir):
        self.dir = str(workdir)
        os.makedirs(self.dir, exist_ok=True)
        self.etcd = None
        self.apiserver = None
        self.etcd_port = free_port()
        self.etcd_peer_port = free_port()
        self.port = free_port()
        self.server = f"https://127.0.0.1:{self.port}"
        self.etcd_endpoint = f"http://127.0.0.1:{self.etcd_port}"
        self._session = None
        self._apiserver_starts = 0

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self, timeout=90.0):
        pki = Pki(os.path.join(self.dir, "pki"))
        self.ca_path = pki.ca_path
        self.serving_cert, self.serving_key = pki.issue(
            "apiserver", "kube-apiserver", server=True,
            dns=["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                 "kubernetes.default.svc.cluster.local"],
            ips=["127.0.0.1", "10.96.0.1"])
        self.admin_cert, self.admin_key = pki.issue("admin", "jib-test-admin",
                                                     orgs=["system:masters"])
        self.sa_pub, self.sa_key = pki.service_account_keys()
        self.admin_kubeconfig = write_kubeconfig(
            os.path.join(self.dir, "admin.kubeconfig"), self.server, self.ca_path,
            {"client-certificate": self.admin_cert, "client-key": self.admin_key})
        self._start_etcd()
        self.start_apiserver(timeout)
        return self

    def _start_etcd(self):
        # etcd fsyncs every write; on tmpfs that costs nothing (3.4 has no --unsafe-no-fsync).
        shm = "/dev/shm"
        base = shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else self.dir
        self._etcd_data = tempfile.mkdtemp(prefix="jib-etcd-", dir=base)
        data = self._etcd_data
        peer = f"http://127.0.0.1:{self.etcd_peer_port}"
        self.etcd = Process([
            binary("etcd"), "--name", "jib-test", "--data-dir", data,
            "--listen-client-urls", self.etcd_endpoint,
            "--advertise-client-urls", self.etcd_endpoint,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", f"jib-test={peer}",
            "--logger", "zap", "--log-level", "warn",
        ], os.path.join(self.dir, "etcd.log"), name="etcd")
        wait_until(lambda: self._etcd_healthy(), 30, "etcd health")

    def _etcd_healthy(self):
        if not self.etcd.alive():
            raise AssertionError(f"etcd exited with {self.etcd.returncode}:\n{self.etcd.tail()}")
        r = requests.get(self.etcd_endpoint + "/health", timeout=2)
        return r.status_code == 200 and r.json().get("health") == "true"

    def start_apiserver(self, timeout=90.0):
        """Starts kube-apiserver (again, after stop_apiserver) on the same port, certs and etcd,
        and waits until /readyz is ok."""
        assert self.apiserver is None or not self.apiserver.alive(), "already running"
        self._apiserver_starts += 1
        self.apiserver = Process([
            binary("kube-apiserver"),
            "--etcd-servers", self.etcd_endpoint,
            "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1",
            "--secure-port", str(self.port),
            "--cert-dir", os.path.join(self.dir, "apiserver-certs"),
            "--tls-cert-file", self.serving_cert, "--tls-private-key-file", self.serving_key,
            "--client-ca-file", self.ca_path,
            "--authorization-mode", "RBAC",
            "--service-account-issuer", ISSUER,
            "--service-account-key-file", self.sa_pub,
            "--service-account-signing-key-file", self.sa_key,
            "--api-audiences", API_AUDIENCE,
            "--service-cluster-ip-range", SERVICE_CIDR,
            "--allow-privileged=true",
            "--profiling=false",
            "--v", "1",
        ], os.path.join(self.dir, f"kube-apiserver-{self._apiserver_starts}.log"),
            name="kube-apiserver")
        wait_until(self._ready, timeout, "kube-apiserver /readyz", interval=0.2)

    def _ready(self):
        if not self.apiserver.alive():
            raise AssertionError(
                f"kube-apiserver exited with {self.apiserver.returncode}:\n"
                f"{self.apiserver.tail()}")
        r = self.session.get(self.server + "/readyz", timeout=2)
        return r.status_code == 200

    def stop_apiserver(self):
        """Stops kube-apiserver (SIGTERM, then SIGKILL); etcd keeps running with the data."""
        if self.apiserver is not None:
            self.apiserver.stop(timeout=10)
        if self._session is not None:
            self._session.close()
            self._session = None

    def restart_apiserver(self, down_seconds=0.0):
        """Stops kube-apiserver, waits `down_seconds`, starts it again on the same port."""
        self.stop_apiserver()
        time.sleep(down_seconds)
        self.start_apiserver()

    def stop(self):
        self.stop_apiserver()
        if self.etcd is not None:
            self.etcd.stop(timeout=10)
            shutil.rmtree(self._etcd_data, ignore_errors=True)

    def processes(self):
        """The processes started so far (for log dumps on failure)."""
        return [p for p in (self.etcd, self.apiserver) if p is not None]

    # -- REST as admin -----------------------------------------------------------------------

    @property
    def session(self):
        """A requests.Session authenticated as a cluster admin (system:masters)."""
        if self._session is None:
            s = requests.Session()
            s.trust_env = False
            s.verify = self.ca_path
            s.cert = (self.admin_cert, self.admin_key)
            self._session = s
        return self._session

    def api(self, method, path, body=None, expect=(200, 201), params=None, headers=None,
            timeout=30):
        """A REST call as admin. Returns the decoded JSON body. Raises ApiError when the status
        is not in `expect` (pass expect=None to get the requests.Response instead)."""
        r = self.session.request(method, self.server + path, json=body, params=params,
                                 headers=headers, timeout=timeout)
        if expect is None:
            return r
        if r.status_code not in expect:
            raise ApiError(method, path, r.status_code, r.text)
        return r.json() if r.content else None

    def get(self, path, **kw):
        return self.api("GET", path, **kw)

    def exists(self, path):
        r = self.api("GET", path, expect=None)
        if r.status_code == 404:
            return False
        if r.status_code != 200:
            raise ApiError("GET", path, r.status_code, r.text)
        return True

    # -- kubectl -----------------------------------------------------------------------------

    def kubectl(self, *args, input=None, kubeconfig=None, check=True, timeout=60):
        """Runs kubectl (as admin unless `kubeconfig`). Returns CompletedProcess (text);
        raises AssertionError with stderr when `check` and it fails."""
        argv = [binary("kubectl"), "--kubeconfig", kubeconfig or self.admin_kubeconfig,
                *[str(a) for a in args]]
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        env["HOME"] = self.dir  # kubectl's discovery cache stays inside the test cluster
        p = subprocess.run(argv, input=input, capture_output=True, text=True, timeout=timeout,
                           env=env)
        if check and p.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(argv[3:])} failed ({p.returncode}):\n"
                                 f"{p.stderr}{p.stdout}")
        return p

    def apply(self, manifest, namespace=None, check=True, server_side=False, kubeconfig=None):
        """kubectl apply of a YAML string or a file/directory path. Returns CompletedProcess."""
        args = ["apply"]
        if server_side:
            args.append("--server-side")
        if namespace:
            args += ["-n", namespace]
        if isinstance(manifest, (str, os.PathLike)) and os.path.exists(str(manifest)):
            args += ["-f", str(manifest)]
            return self.kubectl(*args, check=check, kubeconfig=kubeconfig)
        return self.kubectl(*args, "-f", "-", input=manifest, check=check,
                            kubeconfig=kubeconfig)

    # -- objects the tests often need --------------------------------------------------------

    def create_namespace(self, name, labels=None, default_service_account=True):
        """Creates namespace `name` (no error if it exists) and, as the controller-manager
        would, its "default" ServiceAccount; returns the name."""
        body = {"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": name, "labels": labels or {}}}
        self.api("POST", "/api/v1/namespaces", body, expect=(201, 409))
        if default_service_account:
            self.create_service_account(name, "default")
        return name

    def delete_namespace(self, name):
        """Deletes a namespace. Without kube-controller-manager it stays Terminating and its
        objects stay in etcd; nothing here waits for it to go."""
        self.api("DELETE", f"/api/v1/namespaces/{name}", expect=(200, 202, 404))

    def create_service_account(self, namespace, name):
        body = {"apiVersion": "v1", "kind": "ServiceAccount",
                "metadata": {"name": name, "namespace": namespace}}
        self.api("POST", f"/api/v1/namespaces/{namespace}/serviceaccounts", body,
                 expect=(201, 409))
        return self.get(f"/api/v1/namespaces/{namespace}/serviceaccounts/{name}")

    def delete_service_account(self, namespace, name):
        self.api("DELETE", f"/api/v1/namespaces/{namespace}/serviceaccounts/{name}",
                 expect=(200, 404))

    def token(self, namespace, service_account, audiences=None, expiration_seconds=3600):
        """A service-account token from the TokenRequest API (a bound, signed JWT) for
        `audiences` (default: the API server's own audience)."""
        spec = {"expirationSeconds": expiration_seconds}
        if audiences:
            spec["audiences"] = list(audiences)
        body = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": spec}
        out = self.api(
            "POST", f"/api/v1/namespaces/{namespace}/serviceaccounts/{service_account}/token",
            body)
        return out["status"]["token"]

    def token_review(self, token, audiences=None):
        """Runs a TokenReview as admin; returns its status dict (authenticated, user,
        audiences, error)."""
        spec = {"token": token}
        if audiences:
            spec["audiences"] = list(audiences)
        body = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": spec}
        return self.api("POST", "/apis/authentication.k8s.io/v1/tokenreviews", body)["status"]

    def kubeconfig_for_token(self, token, path):
        """Writes a kubeconfig that authenticates with a bearer `token`; returns the path."""
        return write_kubeconfig(path, self.server, self.ca_path, {"token": token})

    def kubeconfig_for_service_account(self, namespace, name, path, expiration_seconds=86400):
        """A kubeconfig for service account namespace/name (created if missing), with a fresh
        TokenRequest token for the API server's audience; returns the path."""
        self.create_service_account(namespace, name)
        return self.kubeconfig_for_token(
            self.token(namespace, name, expiration_seconds=expiration_seconds), path)

    def can_i(self, kubeconfig, verb, resource, namespace=None, name=None, subresource=None):
        """`kubectl auth can-i` as the user of `kubeconfig`; True or False. `resource` is
        kubectl's form, e.g. "leases.coordination.k8s.io"."""
        args = ["auth", "can-i", verb, resource if name is None else f"{resource}/{name}"]
        args += ["-n", namespace] if namespace else ["--all-namespaces"]
        if subresource:
            args += ["--subresource", subresource]
        p = self.kubectl(*args, kubeconfig=kubeconfig, check=False)
        answer = p.stdout.strip()
        if answer not in ("yes", "no"):
            raise AssertionError(f"kubectl auth can-i {args}: {p.stderr}{p.stdout}")
        return answer == "yes"

    def wait_crds_established(self, names, timeout=60.0):
        """Waits until every CRD in `names` has condition Established=True."""
        def established():
            for n in names:
                crd = self.get(f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{n}")
                conds = {c["type"]: c["status"] for c in crd.get("status", {})
                         .get("conditions", [])}
                if conds.get("Established") != "True":
                    return False
            return True
        wait_until(established, timeout, f"CRDs established: {names}", interval=0.2)

    # -- etcd --------------------------------------------------------------------------------

    def etcdctl(self, *args, check=True):
        """Runs etcdctl (v3 API) against the cluster's etcd; returns CompletedProcess."""
        env = dict(os.environ, ETCDCTL_API="3")
        p = subprocess.run([binary("etcdctl"), "--endpoints", self.etcd_endpoint,
                            *[str(a) for a in args]], capture_output=True, text=True,
                           timeout=30, env=env)
        if check and p.returncode != 0:
            raise AssertionError(f"etcdctl {args} failed: {p.stderr}{p.stdout}")
        return p

    def etcd_revision(self):
        out = json.loads(self.etcdctl("endpoint", "status", "-w", "json").stdout)
        return int(out[0]["Status"]["header"]["revision"])

    def compact_etcd(self):
        """Compacts etcd at its current revision, so that watches from an older
        resourceVersion get 410 Gone once the API server's watch cache no longer has them
        (restart kube-apiserver after compacting to drop its cache). Returns the revision."""
        rev = self.etcd_revision()
        self.etcdctl("compact", rev, "--physical")
        return rev
