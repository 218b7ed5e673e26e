"""jibd survives the API server: a restart is ridden out by resuming watches (nothing lost or
duplicated), and a 410 Gone (etcd compacted while jibd was disconnected) by a re-list that
emits the differences."""
from k8s.kube_jibd import configz_names, kube_jibd  # noqa: F401
from k8s.objects import create, delete, service_entry

KIND = "ServiceEntry"


def _se(ns, name, port=9000):
    return service_entry(name, ns, f"{name}.{ns}.example.com", port,
                         [("127.0.0.1", port, {"app": name})])


def _wait_names(j, ns, expected, wait_until, message):
    def same():
        names = configz_names(j, KIND, ns)
        return sorted(names) == sorted(expected) and len(names) == len(set(names))
    wait_until(same, 20, message)


def test_apiserver_restart_resumes_watches(kube_cluster, kube_crds, kube_namespace, kube_jibd,
                                           wait_until):
    ns = kube_namespace
    for name in ("s1", "s2", "s3"):
        create(kube_cluster, _se(ns, name))
    j = kube_jibd()
    _wait_names(j, ns, ["s1", "s2", "s3"], wait_until, "jibd has the three ServiceEntries")
    mark = j.log_mark()

    kube_cluster.restart_apiserver(down_seconds=2)
    create(kube_cluster, _se(ns, "s4"))
    delete(kube_cluster, _se(ns, "s1"))
    _wait_names(j, ns, ["s2", "s3", "s4"], wait_until, "changes after the restart arrive")
    assert j.alive()
    assert j.log_lines(r"watch .* failed", since=mark), "jibd should have seen the disconnect"


def test_gone_after_compaction_is_survived_by_a_relist(kube_cluster, kube_crds, kube_namespace,
                                                       kube_jibd, wait_until):
    ns = kube_namespace
    for name in ("keep", "drop"):
        create(kube_cluster, _se(ns, name))
    j = kube_jibd()
    _wait_names(j, ns, ["keep", "drop"], wait_until, "jibd has both ServiceEntries")
    mark = j.log_mark()

    kube_cluster.stop_apiserver()
    # While jibd is disconnected: a delete it cannot see (custom resources are JSON in etcd,
    # under /registry/<group>/<plural>/<ns>/<name>), then compaction past its resourceVersion.
    kube_cluster.etcdctl("del", f"/registry/networking.istio.io/serviceentries/{ns}/drop")
    kube_cluster.compact_etcd()
    kube_cluster.start_apiserver()

    _wait_names(j, ns, ["keep"], wait_until, "the re-list after 410 removes the deleted object")
    assert j.log_lines(r"re-listing", since=mark), "jibd should have re-listed after 410"
    create(kube_cluster, _se(ns, "after"))
    _wait_names(j, ns, ["keep", "after"], wait_until, "watching resumes after the re-list")
