package ipam

import (
	"testing"

	"github.com/aksnet/aksnet/internal/kb"
)

// The public AKS IP calculators, modelled from their sources (re-expressed
// here, not copied), to show where they and the planner part and why.
// docs/plan.md, "The calculators compared", says which is right.

// aksip: cmendible/aksip cmd/aksip/calculator.go (commit 27089c8,
// 2021-07-07). Required IPs = (n + 1 + s) + (n + 1 + s) × p + isvc, where
// n is nodes, s "scale nodes" (scale-out, not surge: the +1 surge node is
// fixed), p max pods, isvc internal load balancer Services. The CIDR is the
// prefix whose usable addresses (2^(32−prefix) − 5) are strictly more than
// required while the next smaller prefix's are strictly fewer, searching
// /29 to /8; when none qualifies it fails with "no CIDR found".
func aksip(n, s, p, isvc int) (required, bits int, ok bool) {
	required = (n+1+s)*(1+p) + isvc
	usable := func(b int) int {
		if b > 29 {
			return 0 // absent from its table
		}
		return 1<<(32-b) - 5
	}
	for b := 29; b >= 8; b-- {
		if usable(b) > required && required > usable(b+1) {
			return required, b, true
		}
	}
	return required, 0, false
}

// akscnicalc: the Azure Function haflidif/aks-cni-ip-calc Get-AksIp.ps1
// calls (commit a41c091, 2024-02-16), whose README's example (nodes 50,
// pods 30, scale 10, ilbs 1 → 1,892) pins its formula to aksip's: (nodes +
// 1 + scale) × (1 + pods) + ilbs. The script first raises pods below 30 to
// 30, then takes CIDR = 32 − ⌈log2(total)⌉, with no reserved addresses.
func akscnicalc(nodes, pods, scale, ilbs int) (total, bits int) {
	pods = max(pods, 30)
	total = (nodes+1+scale)*(1+pods) + ilbs
	return total, 32 - ceilLog2(total)
}

// subnettool: https://subnettool.com/tools/kubernetes-pod-cidr-calculator/,
// "Pod capacity is based on: nodes × max pods per node × growth buffer …
// the calculator returns the smallest CIDR that can hold that pod demand".
func subnettoolPodCIDR(nodes, maxPods int, growth float64) int {
	return 32 - ceilLog2(int(float64(nodes*maxPods)*(1+growth)))
}

// baselineSheet: the node pool row of mspnp/aks-baseline
// network-team/topology.md (commit 0b468aa, 2026-03-27) reproduces, as do
// all its other rows, as (nodes + upgrade nodes) + (nodes + 1) × IPs per
// node + Azure's 5 + private endpoints; its "Tot. IPs/Pods per VM/Node" is
// 60: 30 max pods plus a 100% Deployment "max surge" of pods.
func baselineSheet(nodes, upgrade, perNode, pe int) int {
	return (nodes + upgrade) + (nodes+1)*perNode + kb.AzureReservedIPsPerSubnet + pe
}

func TestCalculatorsAgree(t *testing.T) {
	// Microsoft's example (AKSD:concepts-network-ip-address-planning):
	// every calculator and the planner give 1,581 → /21.
	req, b1, _ := aksip(50, 0, 30, 0)
	tot, b2 := akscnicalc(50, 30, 0, 0)
	r := rangeOf(t, plan(t, one(kb.AzureNodeSubnet, 50, 0, "1", 30)), NodeSubnet)
	if req != 1581 || tot != 1581 || r.Need != 1581 || b1 != 21 || b2 != 21 || r.Smallest != 21 {
		t.Errorf("50 × 30: aksip %d → /%d, akscnicalc %d → /%d, planner %d → /%d; want 1,581 → /21 for all", req, b1, tot, b2, r.Need, r.Smallest)
	}
	// aksip's README-era example, -n 50 -s 10 -l 1: 1,892 → /21, which the
	// planner matches with max 60 nodes, 1 surge and 1 internal LB.
	req, b1, _ = aksip(50, 10, 30, 1)
	in := one(kb.AzureNodeSubnet, 50, 60, "1", 30)
	in.InternalLBs = 1
	r = rangeOf(t, plan(t, in), NodeSubnet)
	if req != 1892 || r.Need != 1892 || b1 != 21 || r.Smallest != 21 {
		t.Errorf("aksip -n 50 -s 10 -l 1: %d → /%d, planner %d → /%d; want 1,892 → /21", req, b1, r.Need, r.Smallest)
	}
}

func TestCalculatorCases(t *testing.T) {
	t.Run("aksip fails on an exact fit", func(t *testing.T) {
		// 7 nodes (+1 surge), 30 pods, 3 internal LBs: 8 × 31 + 3 = 251,
		// exactly a /24's usable addresses. aksip's strict comparisons
		// find no prefix; a /24 holds it.
		if req, _, ok := aksip(7, 0, 30, 3); req != 251 || ok {
			t.Fatalf("aksip: %d, ok=%v; want 251 and no CIDR", req, ok)
		}
		in := one(kb.AzureNodeSubnet, 7, 0, "1", 30)
		in.InternalLBs = 3
		if r := rangeOf(t, plan(t, in), NodeSubnet); r.Need != 251 || r.Smallest != 24 || r.Free != 0 {
			t.Errorf("planner: %d → /%d (free %d); want 251 → /24 with nothing left", r.Need, r.Smallest, r.Free)
		}
	})
	t.Run("aksip fixes the surge at one node", func(t *testing.T) {
		// 60 nodes with 33% surge: 20 surge nodes (AKSD:upgrade-aks-node-pools-rolling).
		_, b, _ := aksip(60, 0, 30, 0)
		r := rangeOf(t, plan(t, one(kb.AzureNodeSubnet, 60, 0, "33%", 30)), NodeSubnet)
		if b != 21 || r.Need != 80*31 || r.Smallest != 20 || SubnetUsable(21) >= r.Need {
			t.Errorf("aksip /%d; planner %d → /%d; want aksip's /21 too small for the upgrade's 2,480", b, r.Need, r.Smallest)
		}
	})
	t.Run("akscnicalc ignores Azure's 5 reserved addresses", func(t *testing.T) {
		// 7 nodes, 30 pods, 5 ILBs: 8 × 31 + 5 = 253; 2^8 = 256 ≥ 253 gives
		// a /24, whose 251 usable addresses are 2 short.
		tot, b := akscnicalc(7, 30, 0, 5)
		in := one(kb.AzureNodeSubnet, 7, 0, "1", 30)
		in.InternalLBs = 5
		r := rangeOf(t, plan(t, in), NodeSubnet)
		if tot != 253 || b != 24 || r.Need != 253 || r.Smallest != 23 || SubnetUsable(24) >= 253 {
			t.Errorf("akscnicalc %d → /%d, planner %d → /%d; want 253 → /24 against /23", tot, b, r.Need, r.Smallest)
		}
	})
	t.Run("akscnicalc raises max pods below 30 to 30", func(t *testing.T) {
		// 20 nodes of 10 pods (allowed: 200 ≥ 30 pods in total,
		// AKSD:concepts-network-ip-address-planning): 21 × 11 = 231 → /24;
		// akscnicalc plans 21 × 31 = 651 → /22, four times the space.
		tot, b := akscnicalc(20, 10, 0, 0)
		r := rangeOf(t, plan(t, one(kb.AzureNodeSubnet, 20, 0, "1", 10)), NodeSubnet)
		if tot != 651 || b != 22 || r.Need != 231 || r.Smallest != 24 {
			t.Errorf("akscnicalc %d → /%d, planner %d → /%d; want 651 → /22 against 231 → /24", tot, b, r.Need, r.Smallest)
		}
	})
	t.Run("subnettool sizes an overlay pod CIDR by pods, not /24 per node", func(t *testing.T) {
		// 10 nodes × 30 pods = 300 pods → /23 (512 addresses). Overlay
		// gives each node a /24 (aks-rules.md rule 7): a /23 serves 2 nodes;
		// 11 nodes (with the surge node) need a /20.
		b := subnettoolPodCIDR(10, 30, 0)
		r := rangeOf(t, plan(t, one(kb.Overlay, 10, 0, "1", 30)), PodCIDR)
		if b != 23 || PodCIDRNodes(b) != 2 || r.Need != 11 || r.Smallest != 20 {
			t.Errorf("subnettool /%d (%d nodes), planner %d nodes → /%d; want /23 (2 nodes) against 11 → /20", b, PodCIDRNodes(b), r.Need, r.Smallest)
		}
	})
	t.Run("aks-baseline counts 60 addresses per 30-pod node", func(t *testing.T) {
		// The table's node pool row: 5 nodes (15 scaled), 2 upgrade nodes,
		// 60 per node, no private endpoint → 372 and 982, /22.
		if a, b := baselineSheet(5, 2, 60, 0), baselineSheet(15, 2, 60, 0); a != 372 || b != 982 {
			t.Fatalf("the sheet's formula gives %d and %d, the table 372 and 982", a, b)
		}
		// A node never holds more than max pods, so Azure CNI takes P + 1
		// per node whatever a Deployment's pod surge: with 2 surge nodes the
		// planner needs 217 (/24) and 527 (/22, the table's prefix).
		min := rangeOf(t, plan(t, one(kb.AzureNodeSubnet, 5, 0, "2", 30)), NodeSubnet)
		scaled := rangeOf(t, plan(t, one(kb.AzureNodeSubnet, 5, 15, "2", 30)), NodeSubnet)
		if min.Need != 217 || min.Smallest != 24 || scaled.Need != 527 || scaled.Smallest != 22 {
			t.Errorf("planner: %d → /%d and %d → /%d; want 217 → /24 and 527 → /22", min.Need, min.Smallest, scaled.Need, scaled.Smallest)
		}
		// Taken at its word (60 addresses per node), the table
		// under-counts its own upgrade nodes: (15 + 2) × 61 = 1,037, more
		// than a /22's 1,019.
		worded := rangeOf(t, plan(t, one(kb.AzureNodeSubnet, 5, 15, "2", 60)), NodeSubnet)
		if worded.Need != 1037 || worded.Smallest != 21 {
			t.Errorf("planner at 60 per node: %d → /%d; want 1,037 → /21", worded.Need, worded.Smallest)
		}
	})
	t.Run("aks-baseline gives 2 private endpoints a /28", func(t *testing.T) {
		// "Private Link Endpoint Subnet … 2 … 7 … 28": 2 + 5 = 7 addresses
		// fit a /29 (8; 3 usable), Azure's smallest subnet.
		if b, _ := SmallestSubnet(2); b != 29 {
			t.Errorf("2 addresses → /%d; want /29", b)
		}
	})
	t.Run("the seed counts 2 reserved addresses in its usable figures", func(t *testing.T) {
		// Seed 003: "/23 subnet (510 usable IPs)", "/22 subnet (1,022
		// usable)": 2^(32−p) − 2. Azure keeps 5: 507 and 1,019. The
		// prefixes it chooses are still right.
		if SubnetUsable(23) != 507 || SubnetUsable(22) != 1019 {
			t.Errorf("usable /23 %d, /22 %d; want 507, 1,019", SubnetUsable(23), SubnetUsable(22))
		}
	})
}
