// Package netpol evaluates a cluster's network policies as its policy engine
// enforces them: Kubernetes NetworkPolicy v1, and the cluster-scoped
// AdminNetworkPolicy, BaselineAdminNetworkPolicy (v1alpha1) and
// ClusterNetworkPolicy (v1alpha2) of sigs.k8s.io/network-policy-api where
// the engine implements them.
//
// New builds an Analyzer once from a cluster's objects (model.KubeObjects)
// and Options (the engine: Azure NPM, Calico, Cilium or none, and where pods
// take addresses). It then answers
//
//   - Check: one connection, both sides (the source's egress, the
//     destination's ingress), with the tier and the rules that decided each,
//     located at their file and line;
//   - Map: every workload to every other and to the address ranges the
//     policies name;
//   - Diff: two versions of a cluster, pair by pair.
//
// Semantics follow the API documentation of k8s.io/api networking/v1 and of
// network-policy-api, quoted where a rule depends on a sentence of it. Where
// the AKS engines differ, Semantics holds one switch per difference, each
// with its source (network-policy.md §5; docs/policy.md). Connection sets are
// printed in netpol-analyzer's words so that its golden outputs compare line
// for line (bench/netpol-compare.sh).
//
// Cost follows distinct pods, not pod count: pods no policy can tell apart
// are one group, the map evaluates groups, and each group's verdict for a
// peer is memoised by the set of rules that match the peer.
package netpol
