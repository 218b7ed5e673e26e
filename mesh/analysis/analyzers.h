// The analyzers, one factory each; all_analyzers() lists them.
#pragma once

#include "mesh/analysis/analyzer.h"

namespace jib::mesh::analysis {

// IST0101 ReferencedResourceNotFound: a VirtualService routes to a host no service defines.
AnalyzerPtr make_destination_host_analyzer();
// IST0101 ReferencedResourceNotFound: a route names a subset no DestinationRule of the host has.
AnalyzerPtr make_destination_subset_analyzer();
// IST0173 DestinationRuleSubsetNotSelectPods: a subset whose labels match none of the host's
// workloads.
AnalyzerPtr make_subset_workload_analyzer();
// IST0101 ReferencedResourceNotFound: a Gateway's credentialName names no Secret.
AnalyzerPtr make_gateway_secret_analyzer();
// IST0109 ConflictingMeshGatewayVirtualServiceHosts for the mesh gateway; JIB0002
// ConflictingGatewayVirtualServiceHosts for a named gateway (Istio merges those, but only the
// first VirtualService's routes for the host can match).
AnalyzerPtr make_conflicting_virtual_service_hosts_analyzer();
// JIB0003 MultipleMeshWidePeerAuthentications: more than one PeerAuthentication without selector
// in the root namespace; JIB0004 MultipleNamespaceWidePeerAuthentications: the same in another
// namespace. Only the oldest takes effect (Istio has no code for this).
AnalyzerPtr make_peer_authentication_conflicts_analyzer();
// IST0127 NoMatchingWorkloadsFound: an AuthorizationPolicy whose selector (or, without one, whose
// namespace) has no workload.
AnalyzerPtr make_authorization_policy_workloads_analyzer();

// Every analyzer Jib has, in a fixed order.
std::vector<AnalyzerPtr> all_analyzers();

// Runs every analyzer; findings sorted by file, line, code.
std::vector<Finding> analyze(const Context& context);

}  // namespace jib::mesh::analysis
