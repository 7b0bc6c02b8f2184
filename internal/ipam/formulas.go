package ipam

import (
	"fmt"

	"github.com/aksnet/aksnet/internal/kb"
)

// Azure subnet arithmetic (aks-constraints.md §1.4; aks-rules.md rule 8;
// AZD:articles/virtual-network/virtual-networks-faq.md): Azure keeps five
// addresses of every subnet (.0 network, .1 gateway, .2 and .3 Azure DNS
// mapping, the last), so a /p subnet has 2^(32−p) − 5 usable addresses, and
// subnets range from /29 (3 usable) to /2.

// SubnetUsable is the number of addresses Azure lets resources use in an
// IPv4 subnet of prefix length bits; 0 outside /2 to /29.
func SubnetUsable(bits int) int {
	if bits < kb.MaxSubnetPrefix || bits > kb.MinSubnetPrefix {
		return 0
	}
	return 1<<(32-bits) - kb.AzureReservedIPsPerSubnet
}

// SmallestSubnet is the longest prefix (the smallest Azure subnet) whose
// usable addresses hold need; ok is false when not even a /2 does.
func SmallestSubnet(need int) (bits int, ok bool) {
	for b := kb.MinSubnetPrefix; b >= kb.MaxSubnetPrefix; b-- {
		if SubnetUsable(b) >= need {
			return b, true
		}
	}
	return 0, false
}

// Kubernetes Service ClusterIPs: the API server's allocator never hands out
// an IPv4 range's network or broadcast address — "Number of hosts is
// calculated with the formula: IPv4: 2^x – 2, not consider network and
// broadcast address" (kubernetes/kubernetes
// pkg/registry/core/service/ipallocator/ipallocator.go, hostsPerNetwork).
// The first allocatable address is the kubernetes Service's
// (AKSD:concepts-network-ip-address-planning).
const serviceRangeReserved = 2

// ServiceCIDRUsable is the number of ClusterIPs an IPv4 service CIDR of
// prefix length bits can hand out.
func ServiceCIDRUsable(bits int) int {
	if bits < 0 || bits > 32 {
		return 0
	}
	return max(0, 1<<(32-bits)-serviceRangeReserved)
}

// Service CIDR size: "must be smaller than /12"
// (AKSD:concepts-network-ip-address-planning, AKSD:concepts-network-azure-cni-overlay;
// aks-rules.md rule 4). Whether /12 itself is accepted is ambiguous
// (aks-constraints.md §7 item 2), so the planner never proposes one and
// flags an existing /12 with a note.
const serviceCIDRMinBits = 13

// SmallestServiceCIDR is the longest prefix whose ClusterIPs hold need.
func SmallestServiceCIDR(need int) (bits int, ok bool) {
	for b := 30; b >= serviceCIDRMinBits; b-- {
		if ServiceCIDRUsable(b) >= need {
			return b, true
		}
	}
	return 0, false
}

// PodCIDRNodes is how many nodes a pod CIDR of prefix length bits serves
// when every node takes a /24 (overlay and kubenet; aks-rules.md rule 7).
func PodCIDRNodes(bits int) int {
	if bits < 0 || bits > kb.NodePodCIDRBits {
		return 0
	}
	return 1 << (kb.NodePodCIDRBits - bits)
}

// SmallestPodCIDR is the longest pod CIDR prefix that serves nodes.
func SmallestPodCIDR(nodes int) int {
	return kb.NodePodCIDRBits - ceilLog2(max(nodes, 1))
}

// Static block allocation: the pod subnet is handed out in whole /28
// blocks. The subnet's first /28 holds Azure's .0–.3 and its last /28 the
// broadcast address, so neither is a whole free block: a /p pod subnet
// yields 2^(28−p) − 2 blocks [DERIVED from the five reserved addresses,
// aks-constraints.md §1.4, and the /28 blocks, AKSD:concepts-network-azure-cni-pod-subnet].
// "Maximum subnet size supported is x.x.x.x/12" (same doc).
const (
	staticLostBlocks    = 2
	staticMaxSubnetBits = 12
)

// StaticBlocks is how many /28 blocks a pod subnet of prefix bits yields.
func StaticBlocks(bits int) int {
	if bits < 0 || bits > kb.StaticBlockBits {
		return 0
	}
	return max(0, 1<<(kb.StaticBlockBits-bits)-staticLostBlocks)
}

// SmallestStaticPodSubnet is the longest pod subnet prefix that yields
// blocks /28 blocks; ok is false when even a /12 does not.
func SmallestStaticPodSubnet(blocks int) (bits int, ok bool) {
	for b := kb.StaticBlockBits - 1; b >= staticMaxSubnetBits; b-- {
		if StaticBlocks(b) >= blocks {
			return b, true
		}
	}
	return 0, false
}

// BlocksPerNode is the number of /28 blocks a node takes with static block
// allocation: ceil((maxPods+1)/16), one address per node being reserved
// (AKSD:concepts-network-azure-cni-pod-subnet: max pods 30 → 2 blocks,
// 31 → 2, 32 → 3).
func BlocksPerNode(maxPods int) int {
	size := 1 << (32 - kb.StaticBlockBits)
	return (maxPods + 1 + size - 1) / size
}

// DynamicPodSubnetIPs is the most pod-subnet addresses a node holds with
// dynamic allocation when it runs maxPods pods: it is handed batches of 16
// and asks for another whenever fewer than 8 of its addresses are free
// (AKSD:concepts-network-azure-cni-pod-subnet), so it settles at the
// smallest multiple of 16 that leaves 8 free: 16·ceil((P+8)/16). This is
// the scaling formula of Azure CNS, Request = B·⌈mf + U/B⌉ with B = 16,
// mf = 0.5 (Azure/azure-container-networking docs/feature/ipammath/1-ipam-math.md,
// cns/ipampool/v2/monitor.go). CNS also clamps the request at the node's
// MaxIPCount, which AKS's control plane sets and no public source states,
// so this is an upper bound: P = 30 → 48, P = 250 → 272.
func DynamicPodSubnetIPs(maxPods int) int {
	b := kb.PodSubnetBatch
	return b * ((maxPods + kb.PodSubnetMinFree + b - 1) / b)
}

// perNode is what one node of a pool costs in a range, and how to say it.
type perNode struct {
	cost int
	// expr renders the pool's term, e.g. "(50 nodes + 1 surge) × (30 max pods + 1)".
	expr func(nodes, surge int) string
}

func nodeSubnetCost(props kb.CNIProperties, maxPods int) perNode {
	k := props.NodeSubnetIPsPerNode(maxPods)
	if k == 1 {
		return perNode{1, func(n, s int) string { return fmt.Sprintf("%s nodes + %s surge", num(n), num(s)) }}
	}
	return perNode{k, func(n, s int) string {
		return fmt.Sprintf("(%s nodes + %s surge) × (%d max pods + 1)", num(n), num(s), maxPods)
	}}
}

func podCIDRCost() perNode {
	return perNode{1, func(n, s int) string { return fmt.Sprintf("%s nodes + %s surge, one /24 each", num(n), num(s)) }}
}

func dynamicCost(maxPods int) perNode {
	k := DynamicPodSubnetIPs(maxPods)
	return perNode{k, func(n, s int) string {
		return fmt.Sprintf("(%s nodes + %s surge) × 16·⌈(%d max pods + 8)/16⌉", num(n), num(s), maxPods)
	}}
}

func staticCost(maxPods int) perNode {
	k := BlocksPerNode(maxPods)
	return perNode{k, func(n, s int) string {
		return fmt.Sprintf("(%s nodes + %s surge) × ⌈(%d max pods + 1)/16⌉ blocks", num(n), num(s), maxPods)
	}}
}

// num formats n with thousands separators, as the docs' examples do (1,581).
func num(n int) string {
	if n < 0 {
		return "-" + num(-n)
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
