package ipam

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/kb"
	"github.com/aksnet/aksnet/internal/model"
)

// one is a cluster of one pool, as the command line describes it.
func one(mode kb.CNIMode, nodes, maxNodes int, surge string, maxPods int) Input {
	return Input{Name: "t", Mode: mode, Pools: []Pool{{Name: "p", Nodes: nodes, MaxNodes: maxNodes, MaxSurge: surge, MaxPods: maxPods}}}
}

func plan(t *testing.T, in Input) *Plan {
	t.Helper()
	p, err := New(nil).Plan(in, Options{})
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return p
}

func rangeOf(t *testing.T, p *Plan, k Kind) *Range {
	t.Helper()
	for _, r := range p.Ranges {
		if r.Kind == k {
			return r
		}
	}
	t.Fatalf("no %s range in the plan", k)
	return nil
}

func existing(prefix string) *model.Subnet {
	p := netip.MustParsePrefix(prefix)
	return &model.Subnet{Name: p.String(), Prefix: p}
}

// TestPublishedExamples reproduces, exactly, the worked examples the
// sources publish. Each row names its source and the figure it states.
func TestPublishedExamples(t *testing.T) {
	tests := []struct {
		source string
		in     Input
		// the published figures: addresses needed (without or with Azure's
		// reserved 5, as the source counts), and the prefix
		need, total, bits int
	}{
		{
			// ../shared/seeds/003_605b7b387d420219.txt: "(Max nodes ×
			// max-pods-per-node) + nodes + 5 reserved. For 10 nodes with 30
			// pods each: 10×30 + 10 + 5 = 315 IPs → need at least a /23
			// subnet". No surge node in that formula.
			source: "seed 003, 10 nodes × 30 pods",
			in:     one(kb.AzureNodeSubnet, 10, 0, "0", 30),
			total:  315, bits: 23,
		},
		{
			// Same seed, "Intermediate": "For 20 nodes with 30 pods each:
			// 20×30 + 20 + 5 = 625 IPs, requiring at least a /22 subnet".
			source: "seed 003, 20 nodes × 30 pods",
			in:     one(kb.AzureNodeSubnet, 20, 0, "0", 30),
			total:  625, bits: 22,
		},
		{
			// AKSD:concepts-network-ip-address-planning (aks-constraints.md
			// §1.5): 50 nodes, 30 max pods, one surge node: (51) + (51 × 30)
			// = 1,581 → /21 or larger.
			source: "Microsoft, 50 nodes × 30 pods + 1 surge",
			in:     one(kb.AzureNodeSubnet, 50, 0, "1", 30),
			need:   1581, bits: 21,
		},
		{
			// Same doc: 50 nodes plus 10 scale-out, 1 surge: (61) + (61 ×
			// 30) = 1,891 → /21.
			source: "Microsoft, 50 nodes + 10 scale-out",
			in:     one(kb.AzureNodeSubnet, 50, 60, "1", 30),
			need:   1891, bits: 21,
		},
		{
			// AKSD:upgrade-capacity-cost-planning: "Total IPs needed =
			// (Current nodes + maxSurge nodes) × (1 + maxPods per node)",
			// with maxSurge a percentage rounded up: 10 nodes at 33% → 4.
			source: "Microsoft upgrade planning, 10 nodes, 33% surge",
			in:     one(kb.AzureNodeSubnet, 10, 0, "33%", 30),
			need:   14 * 31, bits: 23,
		},
	}
	for _, tt := range tests {
		t.Run(tt.source, func(t *testing.T) {
			r := rangeOf(t, plan(t, tt.in), NodeSubnet)
			if tt.need != 0 && r.Need != tt.need {
				t.Errorf("need %d addresses, published %d (terms %+v)", r.Need, tt.need, r.Terms)
			}
			if tt.total != 0 && r.Total != tt.total {
				t.Errorf("need %d addresses with Azure's 5, published %d (terms %+v)", r.Total, tt.total, r.Terms)
			}
			if r.Smallest != tt.bits {
				t.Errorf("smallest prefix /%d, published /%d", r.Smallest, tt.bits)
			}
		})
	}
}

// TestPublishedCapacities: what a given range holds, per the docs.
func TestPublishedCapacities(t *testing.T) {
	// AKSD:configure-kubenet, AKSD:concepts-network-legacy-cni
	// (aks-constraints.md §1.5): "/24 subnet: kubenet up to 251 nodes
	// (27,610 pods at 110/node). Legacy Azure CNI only 8 nodes and 240 pods
	// at 30/node, before upgrade headroom."
	t.Run("kubenet /24 holds 251 nodes and 27,610 pods", func(t *testing.T) {
		in := one(kb.Kubenet, 1, 0, "0", 110)
		in.Pools[0].Subnet = existing("10.1.0.0/24")
		h := rangeOf(t, plan(t, in), NodeSubnet).Headroom[0]
		if got := 1 + h.MoreNodes; got != 251 {
			t.Errorf("%d nodes fit, published 251", got)
		}
		if got := 110 + h.MorePods; got != 27610 {
			t.Errorf("%d pods fit, published 27,610", got)
		}
	})
	t.Run("legacy Azure CNI /24 holds 8 nodes and 240 pods", func(t *testing.T) {
		in := one(kb.AzureNodeSubnet, 1, 0, "0", 30)
		in.Pools[0].Subnet = existing("10.1.0.0/24")
		h := rangeOf(t, plan(t, in), NodeSubnet).Headroom[0]
		if got := 1 + h.MoreNodes; got != 8 {
			t.Errorf("%d nodes fit, published 8", got)
		}
		if got := 30 + h.MorePods; got != 240 {
			t.Errorf("%d pods fit, published 240", got)
		}
	})
	// AKSD:configure-kubenet: a /27 suits "a 20-25 node cluster with
	// enough room to scale or upgrade": 25 nodes plus a surge node fit in
	// its 27 usable addresses, 27 nodes would not leave room to upgrade.
	t.Run("kubenet /27 suits 25 nodes with room to upgrade", func(t *testing.T) {
		in := one(kb.Kubenet, 25, 0, "1", 110)
		in.Pools[0].Subnet = existing("10.1.0.0/27")
		r := rangeOf(t, plan(t, in), NodeSubnet)
		if r.Free < 0 || r.Headroom[0].MoreNodesUpgrade != 1 {
			t.Errorf("25 nodes in a /27: free %d, %d more during an upgrade; want it to fit with 1 to spare", r.Free, r.Headroom[0].MoreNodesUpgrade)
		}
	})
	// aks-rules.md rule 7: "a /16 gives 256 nodes" (overlay and kubenet,
	// AKSD:configure-kubenet).
	t.Run("overlay pod CIDR /16 serves 256 nodes", func(t *testing.T) {
		in := one(kb.Overlay, 1, 0, "0", 0)
		in.PodCIDR = netip.MustParsePrefix("10.244.0.0/16")
		r := rangeOf(t, plan(t, in), PodCIDR)
		if r.ExistingCapacity != 256 || 1+r.Headroom[0].MoreNodes != 256 {
			t.Errorf("a /16 pod CIDR serves %d nodes (headroom %+v), published 256", r.ExistingCapacity, r.Headroom[0])
		}
	})
	// AKSD:concepts-network-azure-cni-pod-subnet table: max pods 30 → 2
	// blocks, 31 → 2, 32 → 3.
	for _, c := range []struct{ maxPods, blocks int }{{30, 2}, {31, 2}, {32, 3}} {
		in := one(kb.AzurePodSubnetStatic, 1, 0, "0", c.maxPods)
		if got := rangeOf(t, plan(t, in), PodSubnet).Need; got != c.blocks {
			t.Errorf("static block, max pods %d: %d blocks per node, published %d", c.maxPods, got, c.blocks)
		}
	}
	// Dynamic allocation: Azure CNS's worked example, "if the demand is
	// for 25 IPs, and the Batch is 16, and the Min Free is 8 … the Request
	// must be 48" (Azure/azure-container-networking
	// docs/feature/ipammath/1-ipam-math.md); aks-constraints.md §1.5
	// [DERIVED]: 48 at 30 pods, 272 at 250; a node starts with one batch.
	for _, c := range []struct{ pods, ips int }{{25, 48}, {30, 48}, {250, 272}, {8, 16}, {0, 16}} {
		if got := DynamicPodSubnetIPs(c.pods); got != c.ips {
			t.Errorf("dynamic, %d pods: %d addresses per node, want %d", c.pods, got, c.ips)
		}
	}
}

// TestAKSBaseline reproduces the subnet table of the AKS baseline
// reference implementation, mspnp/aks-baseline network-team/topology.md
// (https://github.com/mspnp/aks-baseline/blob/0b468aa858bb9ca568f2967b90c08252e45cd84c/network-team/topology.md):
// every row's subnet is the smallest Azure subnet for its addresses plus
// Azure's 5, except the private endpoint row (see TestCalculatorCases), and
// the node pool subnet's /22 is also what the planner gives the cluster the
// row describes.
func TestAKSBaseline(t *testing.T) {
	rows := []struct {
		subnet           string
		addresses, total int // "Max IPs", "Minimum Subnet size"
		bits             int // "Subnet Mask bits"
	}{
		{"AKS Internal Load Balancer Services Subnet", 5, 10, 28},
		{"Azure Application Gateway Subnet", 251, 256, 24},
		{"Gateway Subnet (GatewaySubnet)", 27, 32, 27},
		{"Azure Firewall Subnet (AzureFirewallSubnet)", 59, 64, 26},
	}
	for _, r := range rows {
		b, ok := SmallestSubnet(r.addresses)
		if !ok || b != r.bits || r.addresses+kb.AzureReservedIPsPerSubnet != r.total {
			t.Errorf("%s: %d addresses → /%d (%d with Azure's 5); published /%d (%d)", r.subnet, r.addresses, b, r.addresses+kb.AzureReservedIPsPerSubnet, r.bits, r.total)
		}
	}
	// The node pool row: 5 nodes, 200% seasonal scale-out (+10), 2 upgrade
	// nodes, 30 max pods → "Scaled Subnet size 982", /22 (10.240.0.0/22).
	// Planned as Azure CNI Node Subnet (the row counts pods in the subnet).
	in := one(kb.AzureNodeSubnet, 5, 15, "2", 30)
	if r := rangeOf(t, plan(t, in), NodeSubnet); r.Smallest != 22 {
		t.Errorf("node pool subnet: /%d (%d addresses), published /22", r.Smallest, r.Need)
	}
}

func TestServiceCIDR(t *testing.T) {
	in := one(kb.Overlay, 3, 0, "1", 0)
	in.Services = 12
	r := rangeOf(t, plan(t, in), ServiceCIDR)
	// kubernetes + kube-dns + 12; a /28 hands out 14 ClusterIPs (16 minus
	// network and broadcast, kubernetes ipallocator).
	if r.Need != 14 || r.Smallest != 28 || r.SmallestCapacity != 14 {
		t.Errorf("14 ClusterIPs: need %d, /%d (%d); want 14, /28 (14)", r.Need, r.Smallest, r.SmallestCapacity)
	}
	if r.Existing != model.DefaultServiceCIDR || r.Headroom[0].MoreServices != 65534-14 {
		t.Errorf("default %s: room for %d more Services, want %d", r.Existing, r.Headroom[0].MoreServices, 65534-14)
	}
	// Never a /12 or larger: "must be smaller than /12".
	if b, ok := SmallestServiceCIDR(1<<19 - 2); !ok || b != 13 {
		t.Errorf("%d ClusterIPs: /%d ok=%v, want /13, the largest AKS accepts", 1<<19-2, b, ok)
	}
	if b, ok := SmallestServiceCIDR(1<<19 - 1); ok {
		t.Errorf("%d ClusterIPs need a /12, which AKS refuses; got /%d", 1<<19-1, b)
	}
}

func TestSNAT(t *testing.T) {
	snat := func(nodes int, surge string, ports, ips int) *SNAT {
		in := one(kb.Overlay, nodes, 0, surge, 0)
		in.OutboundPorts, in.OutboundIPs = ports, ips
		return plan(t, in).SNAT
	}
	// AKSD:configure-load-balancer-standard: 1,000 ports × 2 IPs → 128
	// nodes; 4,000 × 7 → 112.
	if s := snat(10, "0", 1000, 2); s.Capacity != 128 {
		t.Errorf("1,000 ports × 2 IPs serve %d nodes, published 128", s.Capacity)
	}
	if s := snat(10, "0", 4000, 7); s.Capacity != 112 {
		t.Errorf("4,000 ports × 7 IPs serve %d nodes, published 112", s.Capacity)
	}
	// SUP:error-code-invalidloadbalancerprofileallocatedoutboundports: 9
	// nodes × 8,000 ports = 72,000 > 64,000 with one IP.
	if s := snat(9, "0", 8000, 1); len(s.Problems) != 1 || !strings.Contains(s.Problems[0], "72,000") {
		t.Errorf("9 nodes × 8,000 ports on 1 IP: problems %q, want the 72,000 > 64,000 refusal", s.Problems)
	}
	// 8 nodes fit at 8,000 ports, but the upgrade's surge node does not.
	if s := snat(8, "1", 8000, 1); len(s.Problems) != 1 || !strings.Contains(s.Problems[0], "during an upgrade") {
		t.Errorf("8 nodes + 1 surge × 8,000 ports: problems %q, want a refusal during the upgrade", s.Problems)
	}
	// Azure's default table: 1–50 instances → 1,024 ports, 51–100 → 512.
	if s := snat(50, "1", 0, 1); s.PortsPerNode != 1024 || s.PortsPerNodeUpgrade != 512 || len(s.Notes) != 1 {
		t.Errorf("50 nodes + 1 surge, automatic: %d then %d ports, notes %q; want 1,024 then 512 and a note", s.PortsPerNode, s.PortsPerNodeUpgrade, s.Notes)
	}
	if s := snat(1000, "1", 0, 1); len(s.Problems) != 1 {
		t.Errorf("1,001 instances during an upgrade, automatic: problems %q, want one (the table stops at 1,000)", s.Problems)
	}
	if s := snat(10, "1", 1001, 1); len(s.Problems) != 1 || !strings.Contains(s.Problems[0], "multiple of 8") {
		t.Errorf("1,001 ports: problems %q, want the multiple-of-8 rule", s.Problems)
	}
	in := one(kb.Overlay, 10, 0, "1", 0)
	in.OutboundType = "userDefinedRouting"
	if s := plan(t, in).SNAT; s.Applies {
		t.Errorf("userDefinedRouting: SNAT applies; want not (egress leaves through the firewall)")
	}
}

func TestSurge(t *testing.T) {
	for _, c := range []struct {
		spec         string
		nodes, surge int
	}{
		{"", 10, 1},     // AKS default
		{"33%", 10, 4},  // rounded up
		{"33%", 3, 1},   // rounded up
		{"100%", 7, 7},  //
		{"0", 10, 0},    //
		{"5", 3, 3},     // capped at the node count
		{"50%", 40, 20}, //
	} {
		got, err := surgeNodes(c.spec, c.nodes)
		if err != nil || got != c.surge {
			t.Errorf("surge %q of %d nodes = %d, %v; want %d", c.spec, c.nodes, got, err, c.surge)
		}
	}
	// A percentage applies to the autoscaler maximum.
	p := plan(t, one(kb.Overlay, 3, 40, "25%", 0))
	if p.Pools[0].Nodes != 40 || p.Pools[0].Surge != 10 {
		t.Errorf("3 nodes, max 40, 25%%: planned %d nodes + %d surge; want 40 + 10", p.Pools[0].Nodes, p.Pools[0].Surge)
	}
}

func TestHeadroomLimits(t *testing.T) {
	// kubenet stops at 400 nodes whatever the addresses (AKSD:configure-kubenet).
	in := one(kb.Kubenet, 390, 0, "1", 110)
	in.Pools[0].Subnet = existing("10.0.0.0/16")
	h := rangeOf(t, plan(t, in), NodeSubnet).Headroom[0]
	if h.MoreNodes != 10 || h.MoreNodesUpgrade != 9 || !strings.Contains(h.LimitedBy, "400") {
		t.Errorf("kubenet 390 nodes in a /16: %+v; want +10, +9 during an upgrade, bound by the 400-node limit", h)
	}
	// A pool stops at 1,000 nodes.
	in = one(kb.Overlay, 990, 0, "1", 0)
	in.Pools[0].Subnet = existing("10.0.0.0/16")
	h = rangeOf(t, plan(t, in), NodeSubnet).Headroom[0]
	if h.MoreNodes != 10 || !strings.Contains(h.LimitedBy, "per pool") {
		t.Errorf("overlay pool of 990 nodes: %+v; want +10, bound by 1,000 nodes per pool", h)
	}
	// A percentage surge grows with the pool: 100 nodes at 50% in a /24
	// (251 usable): 151 more without upgrade; during one n + ⌈n/2⌉ ≤ 251,
	// so n = 167, 67 more.
	in = one(kb.Overlay, 100, 0, "50%", 0)
	in.Pools[0].Subnet = existing("10.0.0.0/24")
	h = rangeOf(t, plan(t, in), NodeSubnet).Headroom[0]
	if h.MoreNodes != 151 || h.MoreNodesUpgrade != 67 {
		t.Errorf("100 nodes at 50%% surge in a /24: %+v; want +151, +67 during an upgrade", h)
	}
}

func TestProblems(t *testing.T) {
	in := one(kb.AzureNodeSubnet, 10, 0, "1", 30)
	in.Pools[0].Subnet = existing("10.1.0.0/24")
	p := plan(t, in)
	if len(p.Problems) != 1 || !strings.Contains(p.Problems[0], "even without an upgrade") || !strings.Contains(p.Problems[0], "/23") {
		t.Errorf("341 addresses in a /24: problems %q; want one saying it is short even without an upgrade and that a /23 holds it", p.Problems)
	}
	// 8 nodes fit a /24 (248 of 251) but not with a surge node.
	in = one(kb.AzureNodeSubnet, 8, 0, "1", 30)
	in.Pools[0].Subnet = existing("10.1.0.0/24")
	if p := plan(t, in); len(p.Problems) != 1 || !strings.Contains(p.Problems[0], "during an upgrade") {
		t.Errorf("8 nodes + 1 surge in a /24: problems %q; want the upgrade to be short", p.Problems)
	}
	in = one(kb.Kubenet, 1, 0, "1", 0)
	in.Pools[0].Windows = true
	if bad := in.Incompatible(); len(bad) != 1 || !strings.Contains(bad[0], "Windows") {
		t.Errorf("Windows on kubenet: %q; want it refused", bad)
	}
	in = one(kb.AzurePodSubnetStatic, 3, 0, "1", 0)
	if bad := in.Incompatible(); len(bad) != 1 || !strings.Contains(bad[0], "max pods") {
		t.Errorf("static block without max pods: %q; want it refused", bad)
	}
	in = one(kb.Kubenet, 400, 0, "1", 0)
	if p := plan(t, in); len(p.Problems) == 0 || !strings.Contains(strings.Join(p.Problems, "\n"), "400") {
		t.Errorf("kubenet 400 nodes + 1 surge: problems %q; want the 400-node limit", p.Problems)
	}
}

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		in   Input
		want string
	}{
		{one("calico", 1, 0, "1", 0), "unknown CNI mode"},
		{one(kb.Overlay, 1001, 0, "1", 0), "1,000"},
		{one(kb.Overlay, 1, 0, "1", 251), "10 to 250"},
		{one(kb.Overlay, 1, 0, "1", 9), "10 to 250"},
		{one(kb.Overlay, 1, 0, "abc", 0), "maxSurge"},
		{one(kb.Overlay, 1, 0, "101%", 0), "percentage"},
		{Input{Mode: kb.Overlay}, "no node pool"},
	} {
		_, err := New(nil).Plan(c.in, Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v; want one mentioning %q", c.in.Pools, err, c.want)
		}
	}
}
