// Package ipam plans an AKS cluster's addresses: for its node subnets, its
// pod subnets or pod CIDR, and its service CIDR, the addresses needed at
// maximum nodes plus upgrade surge with the formula term by term, the
// smallest prefix that holds them, and the headroom of the range in place
// (more nodes and pods, with and without an upgrade's surge); the outbound
// SNAT ports against the same node counts; and, on request, a free prefix
// for each range that overlaps nothing the cluster reaches.
//
// The formulas and their sources are in docs/plan.md; every platform fact
// is cited where it is used (aks-constraints.md §1.4–1.6, §2.3, §6;
// aks-rules.md rules 7–12, 27). Addresses are IPv4 (net/netip).
package ipam
