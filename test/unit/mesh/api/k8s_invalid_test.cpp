// The invalid-object corpus for the Kubernetes core kinds: each case fails with the expected
// field path and reason, and the object is left out of the result.
#include <gtest/gtest.h>

#include "mesh/api/parse.h"
#include "test/unit/mesh/api/invalid_corpus.h"

namespace jib::mesh {
namespace {

using testing::InvalidCase;

const InvalidCase kCases[] = {
    {"service_port_out_of_range",
     "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 70000}]}",
     "spec.ports[0].port", "between 1 and 65535"},
    {"service_port_zero",
     "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{name: a, port: 0}]}",
     "spec.ports[0].port", "between 1 and 65535"},
    {"service_target_port_out_of_range",
     "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
     "spec: {ports: [{port: 80, targetPort: 65536}]}",
     "spec.ports[0].targetPort", "between 1 and 65535"},
    {"service_target_port_name_too_long",
     "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
     "spec: {ports: [{port: 80, targetPort: this-name-is-too-long}]}",
     "spec.ports[0].targetPort", "1 to 15 characters"},
    {"service_unnamed_port_among_several",
     "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
     "spec: {ports: [{name: http, port: 80}, {port: 81}]}",
     "spec.ports[1].name", "required when a Service has several ports"},
    {"service_duplicate_port_name",
     "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
     "spec: {ports: [{name: http, port: 80}, {name: http, port: 81}]}",
     "spec.ports[1].name", "duplicate port name"},
    {"service_port_name_upper_case",
     "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{name: HTTP, port: "
     "80}]}",
     "spec.ports[0].name", "invalid port name"},
    {"service_name_starts_with_digit",
     "apiVersion: v1\nkind: Service\nmetadata: {name: 1web}\nspec: {ports: [{port: 80}]}",
     "metadata.name", "DNS-1035"},
    {"service_without_ports",
     "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}}",
     "spec.ports", "at least one port"},
    {"service_external_name_missing",
     "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: ExternalName}",
     "spec.externalName", "required for type ExternalName"},
    {"service_bad_cluster_ip",
     "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
     "spec: {clusterIP: 10.0.0.300, ports: [{port: 80}]}",
     "spec.clusterIP", "not \"None\" or an IP address"},
    {"service_unknown_type",
     "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: Magic, ports: [{port: "
     "80}]}",
     "spec.type", "unknown value \"Magic\""},
    {"service_bad_protocol",
     "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
     "spec: {ports: [{port: 80, protocol: HTTP}]}",
     "spec.ports[0].protocol", "expected one of TCP, UDP, SCTP"},
    {"service_bad_selector_value",
     "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
     "spec: {selector: {app: 'a b'}, ports: [{port: 80}]}",
     "spec.selector.app", "invalid label value"},
    {"slice_bad_ipv4",
     "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s}\n"
     "addressType: IPv4\nendpoints: [{addresses: ['fd00::1']}]",
     "endpoints[0].addresses[0]", "not an IPv4 address"},
    {"slice_no_addresses",
     "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s}\n"
     "addressType: IPv6\nendpoints: [{nodeName: a}]",
     "endpoints[0].addresses", "1 to 100 addresses"},
    {"slice_bad_address_type",
     "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s}\n"
     "addressType: IPv5",
     "addressType", "unknown value \"IPv5\""},
    {"slice_port_out_of_range",
     "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s}\n"
     "addressType: IPv4\nports: [{name: http, port: 99999}]",
     "ports[0].port", "between 1 and 65535"},
    {"slice_duplicate_port_name",
     "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s}\n"
     "addressType: IPv4\nports: [{name: http, port: 80}, {name: http, port: 81}]",
     "ports[1].name", "duplicate port name"},
    {"slice_bad_fqdn",
     "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s}\n"
     "addressType: FQDN\nendpoints: [{addresses: [Not_A_Host]}]",
     "endpoints[0].addresses[0]", "not a DNS name"},
    {"pod_without_containers",
     "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {nodeName: a}", "spec.containers",
     "needs a container"},
    {"pod_duplicate_container",
     "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
     "spec: {containers: [{name: app}, {name: app}]}",
     "spec.containers[1].name", "duplicate container name"},
    {"pod_bad_pod_ip",
     "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
     "spec: {containers: [{name: app}]}\nstatus: {podIP: not-an-ip}",
     "status.podIP", "not an IP address"},
    {"pod_container_port_zero",
     "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
     "spec: {containers: [{name: app, ports: [{containerPort: 0}]}]}",
     "spec.containers[0].ports[0].containerPort", "between 1 and 65535"},
    {"pod_bad_phase",
     "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
     "spec: {containers: [{name: app}]}\nstatus: {phase: Sleeping}",
     "status.phase", "unknown value \"Sleeping\""},
    {"service_account_bad_secret_name",
     "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\nsecrets: [{name: Bad_Name}]",
     "secrets[0].name", "invalid name"},
    {"namespace_name_with_dot", "apiVersion: v1\nkind: Namespace\nmetadata: {name: team.a}",
     "metadata.name", "invalid namespace name"},
    {"secret_tls_without_key",
     "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/tls\n"
     "data: {tls.crt: Y2VydA==}",
     "data", "needs the key tls.key"},
    {"secret_bad_key", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {'a/b': x}",
     "data.a/b", "invalid key"},
    {"secret_bad_base64", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {token: 'abc'}",
     "data.token", "not valid base64"},
    {"config_map_key_in_both",
     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: v}\nbinaryData: {k: AAEC}",
     "binaryData.k", "also in data"},
    {"config_map_bad_key", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {'..': v}",
     "data...", "must not be '.' or '..'"},
};

class K8sInvalid : public testing::InvalidCorpus {};

// The object is rejected with the expected error; every error names the file and a line.
TEST_P(K8sInvalid, FailsWithPathAndReason) {
  testing::expect_invalid(GetParam(), GetParam().name + ".yaml");
}

INSTANTIATE_TEST_SUITE_P(Corpus, K8sInvalid, ::testing::ValuesIn(kCases), testing::case_name);

TEST(K8sInvalid, ReportsEveryErrorOfAnObject) {
  auto r = parse_and_validate(R"(
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  clusterIP: bogus
  ports:
  - {name: http, port: 0}
  - {name: http, port: 80, targetPort: 70000}
)",
                              "svc.yaml");
  std::vector<std::string> fields;
  for (const auto& e : r.errors) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"spec.clusterIP", "spec.ports[0].port",
                                              "spec.ports[1].name", "spec.ports[1].targetPort"}));
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].str(),
            "svc.yaml:6: Service shop/web: spec.clusterIP: \"bogus\" is not \"None\" or an IP "
            "address");
}

}  // namespace
}  // namespace jib::mesh
