package ipam

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/internal/kb"
)

// poolNotes says what a reader should know about one pool's figures.
func (pl *Planner) poolNotes(out *Plan, in *Input, props kb.CNIProperties, p pool) {
	if p.defaulted && props.PodSubnet && !in.static() {
		out.Notes = append(out.Notes, fmt.Sprintf("node pool %s: max pods not set; planned with %d, the newer doc's default (AKSD:concepts-network-ip-address-planning says 110, AKSD:configure-azure-cni-dynamic-ip-allocation 250): set it explicitly", p.Name, p.maxPods))
	}
	if p.defaulted && in.static() {
		out.Notes = append(out.Notes, fmt.Sprintf("node pool %s: planned with max pods 31 (2 blocks) until one is set", p.Name))
	}
	if in.static() && !p.defaulted && (p.maxPods+1)%16 != 0 {
		blocks := BlocksPerNode(p.maxPods)
		out.Notes = append(out.Notes, fmt.Sprintf("node pool %s: max pods %d takes %d /28 blocks per node and leaves %d addresses unused; %d or %d waste none (max pods = 16k − 1, AKSD:concepts-network-azure-cni-pod-subnet)",
			p.Name, p.maxPods, blocks, blocks*16-1-p.maxPods, (blocks-1)*16-1, blocks*16-1))
	}
	if p.Windows && p.maxPods > kb.WindowsRecommendedMaxPods {
		out.Notes = append(out.Notes, fmt.Sprintf("node pool %s: Windows nodes are recommended at most %d pods, not %d (AZD:includes/container-service-limits.md)", p.Name, kb.WindowsRecommendedMaxPods, p.maxPods))
	}
	if n, err := strconv.Atoi(strings.TrimSpace(p.MaxSurge)); err == nil && n > p.nodes {
		out.Notes = append(out.Notes, fmt.Sprintf("node pool %s: max surge %d exceeds its %d nodes; AKS surges by the node count (AKSD:upgrade-aks-node-pools-rolling)", p.Name, n, p.nodes))
	}
}

// clusterNotes checks the cluster-wide limits.
func (pl *Planner) clusterNotes(out *Plan, in *Input, props kb.CNIProperties, pools []pool) {
	peak, pods, low := 0, 0, false
	for _, p := range pools {
		peak += p.nodes + p.surge
		pods += p.nodes * p.maxPods
		low = low || p.maxPods < 30
	}
	if peak > props.MaxNodes {
		why := "the cluster limit"
		if in.Mode == kb.Kubenet {
			why = "kubenet's limit: one route per node, at most 400 routes in a route table (AKSD:configure-kubenet)"
		}
		out.Problems = append(out.Problems, fmt.Sprintf("%s nodes at max + surge exceed %s nodes, %s", num(peak), num(props.MaxNodes), why))
	}
	// "maxPods minimum 10 is allowed only if every node pool has room for
	// ≥30 pods in total" (AKSD:concepts-network-ip-address-planning).
	if low && pods < 30 {
		out.Problems = append(out.Problems, fmt.Sprintf("max pods below 30 needs room for at least 30 pods in the pools; these hold %d (AKSD:concepts-network-ip-address-planning)", pods))
	}
	switch {
	case props.PodsFromVNet && !props.PodSubnet && pods > 65536:
		out.Notes = append(out.Notes, fmt.Sprintf("%s pods at max exceed the ~64k pod IPs node-subnet IPAM supports (AKSD:plan-pod-networking)", num(pods)))
	case props.PodSubnet && !in.static() && pods > 65536:
		out.Notes = append(out.Notes, fmt.Sprintf("%s pods at max exceed the 65K pods dynamic allocation supports (Azure address mapping limit); static block allocation goes to ~1M (AKSD:concepts-network-azure-cni-pod-subnet)", num(pods)))
	}
}
