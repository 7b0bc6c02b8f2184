package kb

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestModeOfValid(t *testing.T) {
	tests := []struct {
		plugin, pluginMode, dataplane string
		podSubnet                     bool
		alloc                         string
		want                          CNIMode
	}{
		// aks-constraints.md §1.1 row "API fields".
		{"kubenet", "", "", false, "", Kubenet},
		{"kubenet", "", "azure", false, "", Kubenet},
		{"azure", "", "", false, "", AzureNodeSubnet},
		{"azure", "", "azure", false, "", AzureNodeSubnet},
		{"azure", "", "", true, "", AzurePodSubnetDynamic},
		{"azure", "", "", true, "DynamicIndividual", AzurePodSubnetDynamic},
		{"azure", "", "azure", true, "StaticBlock", AzurePodSubnetStatic},
		{"azure", "overlay", "", false, "", Overlay},
		{"azure", "overlay", "azure", false, "", Overlay},
		{"azure", "overlay", "cilium", false, "", CiliumOverlay},
		{"azure", "", "cilium", true, "", CiliumPodSubnet},
		{"azure", "", "cilium", true, "DynamicIndividual", CiliumPodSubnet},
		{"azure", "", "cilium", true, "StaticBlock", CiliumPodSubnet},
		{"azure", "", "cilium", false, "", CiliumNodeSubnet},
		// Omitted plugin = Azure CNI Overlay (AKSD:azure-cni-overlay).
		{"", "", "", false, "", Overlay},
		{"", "overlay", "", false, "", Overlay},
		{"", "", "cilium", false, "", CiliumOverlay},
		// Case-insensitive values (Terraform and ARM spellings differ).
		{"Azure", "Overlay", "Cilium", false, "", CiliumOverlay},
		{"Kubenet", "", "", false, "", Kubenet},
		{"azure", "", "", true, "staticblock", AzurePodSubnetStatic},
	}
	reached := map[CNIMode]bool{}
	for _, tt := range tests {
		got, err := ModeOf(tt.plugin, tt.pluginMode, tt.dataplane, tt.podSubnet, tt.alloc)
		if err != nil || got != tt.want {
			t.Errorf("ModeOf(%q, %q, %q, %v, %q) = %q, %v; want %q", tt.plugin, tt.pluginMode, tt.dataplane, tt.podSubnet, tt.alloc, got, err, tt.want)
		}
		reached[got] = true
	}
	for _, m := range CNIModes() {
		if !reached[m] {
			t.Errorf("mode %q is not produced by any ModeOf input", m)
		}
	}
}

func TestModeOfInvalid(t *testing.T) {
	tests := []struct {
		plugin, pluginMode, dataplane string
		podSubnet                     bool
		alloc                         string
		wantInErr                     string // part of the advice
	}{
		{"kubenet", "overlay", "", false, "", `requires networkPlugin "azure"`},
		{"kubenet", "", "cilium", false, "", `networkDataplane "cilium" requires networkPlugin "azure"`},
		{"kubenet", "", "", true, "", "remove podSubnetID"},
		{"azure", "overlay", "", true, "", "remove podSubnetID"},
		{"azure", "overlay", "cilium", true, "", "remove podSubnetID"},
		{"", "", "", true, "", "omitted networkPlugin"},
		{"azure", "", "", false, "StaticBlock", "must be used with a pod subnet"},
		{"azure", "overlay", "", false, "DynamicIndividual", "must be used with a pod subnet"},
		{"none", "", "", false, "", "bring your own CNI"},
		{"calico", "", "", false, "", "not one of azure, kubenet"},
		{"azure", "bridge", "", false, "", "networkPluginMode"},
		{"azure", "", "ebpf", false, "", "networkDataplane"},
		{"azure", "", "", true, "Static", "podIPAllocationMode"},
	}
	for _, tt := range tests {
		got, err := ModeOf(tt.plugin, tt.pluginMode, tt.dataplane, tt.podSubnet, tt.alloc)
		if err == nil || got != "" || !strings.Contains(err.Error(), tt.wantInErr) {
			t.Errorf("ModeOf(%q, %q, %q, %v, %q) = %q, %v; want error containing %q", tt.plugin, tt.pluginMode, tt.dataplane, tt.podSubnet, tt.alloc, got, err, tt.wantInErr)
		}
	}
}

func TestCNIProperties(t *testing.T) {
	type want struct {
		title                        string
		defaultMaxPods, maxNodes     int
		fromVNet, podCIDR, podSubnet bool
		nodeIPsAt30, nodeIPsAt250    int
		policies                     []string
		windows                      bool
	}
	// Each row cites aks-constraints.md §1.1 rows "Default maxPods", "Max
	// nodes", "Pod IPs from", "Windows node pools", "Network policy" and
	// §1.5 "Node-subnet IPs needed".
	tests := map[CNIMode]want{
		// kubenet column: 110, 400 nodes (UDR), pod CIDR /24 per node, Calico only, no Windows.
		Kubenet: {"kubenet", 110, 400, false, true, false, 1, 1, []string{"calico"}, false},
		// Node Subnet column: 30, 5,000, pods from node subnet, (N+S)(P+1), NPM or Calico, Windows.
		AzureNodeSubnet: {"Azure CNI Node Subnet", 30, 5000, true, false, false, 31, 251, []string{"azure", "calico"}, true},
		// Pod Subnet dynamic column: [CONFLICT] 110 (2026 doc) vs 250; separate pod subnet; NPM or Calico.
		AzurePodSubnetDynamic: {"Azure CNI Pod Subnet (dynamic IP allocation)", 110, 5000, true, false, true, 1, 1, []string{"azure", "calico"}, true},
		// Pod Subnet static column: default "not stated"; /28 blocks from the pod subnet.
		AzurePodSubnetStatic: {"Azure CNI Pod Subnet (static block allocation)", 0, 5000, true, false, true, 1, 1, []string{"azure", "calico"}, true},
		// Overlay column: 250, private pod CIDR, NPM/Calico on the azure dataplane, Windows 2022/2025.
		Overlay: {"Azure CNI Overlay", 250, 5000, false, true, false, 1, 1, []string{"azure", "calico"}, true},
		// Cilium column: per underlying IPAM, Cilium policy only, Linux only.
		CiliumOverlay:    {"Azure CNI Powered by Cilium (overlay)", 250, 5000, false, true, false, 1, 1, []string{"cilium"}, false},
		CiliumPodSubnet:  {"Azure CNI Powered by Cilium (pod subnet)", 110, 5000, true, false, true, 1, 1, []string{"cilium"}, false},
		CiliumNodeSubnet: {"Azure CNI Powered by Cilium (node subnet)", 30, 5000, true, false, false, 31, 251, []string{"cilium"}, false},
	}
	modes := CNIModes()
	if len(modes) != len(tests) {
		t.Fatalf("CNIModes() = %v", modes)
	}
	for _, m := range modes {
		w, ok := tests[m]
		if !ok {
			t.Errorf("untested mode %q", m)
			continue
		}
		p, ok := CNI(m)
		if !ok {
			t.Errorf("CNI(%q) not found", m)
			continue
		}
		got := want{p.Title, p.DefaultMaxPods, p.MaxNodes, p.PodsFromVNet, p.PodCIDR, p.PodSubnet,
			p.NodeSubnetIPsPerNode(30), p.NodeSubnetIPsPerNode(250), p.PolicyEngines, p.Windows}
		if p.Mode != m || got.title != w.title || got.defaultMaxPods != w.defaultMaxPods || got.maxNodes != w.maxNodes ||
			got.fromVNet != w.fromVNet || got.podCIDR != w.podCIDR || got.podSubnet != w.podSubnet ||
			got.nodeIPsAt30 != w.nodeIPsAt30 || got.nodeIPsAt250 != w.nodeIPsAt250 ||
			!slices.Equal(got.policies, w.policies) || got.windows != w.windows {
			t.Errorf("CNI(%q) = %+v\nwant %+v", m, got, w)
		}
		// maxPods range 10–250 for every plugin (§1.1 "maxPods range").
		if p.MinMaxPods != 10 || p.MaxMaxPods != 250 {
			t.Errorf("CNI(%q) maxPods range %d–%d", m, p.MinMaxPods, p.MaxMaxPods)
		}
		if p.DefaultMaxPods != 0 && (p.DefaultMaxPods < p.MinMaxPods || p.DefaultMaxPods > p.MaxMaxPods) {
			t.Errorf("CNI(%q) default %d outside range", m, p.DefaultMaxPods)
		}
		if !strings.Contains(p.Source, "aks-constraints.md §1.1") {
			t.Errorf("CNI(%q) source %q does not cite §1.1", m, p.Source)
		}
		// A pod takes its IP from exactly one place.
		if p.PodCIDR == p.PodsFromVNet {
			t.Errorf("CNI(%q): PodCIDR and PodsFromVNet both %v", m, p.PodCIDR)
		}
	}
	if _, ok := CNI("bridge"); ok {
		t.Error("CNI(bridge) found")
	}
	// CNI returns copies.
	p, _ := CNI(AzureNodeSubnet)
	p.PolicyEngines[0] = "mutated"
	if p2, _ := CNI(AzureNodeSubnet); p2.PolicyEngines[0] != "azure" {
		t.Error("CNI shares PolicyEngines with its table")
	}
}

func TestAddressConstants(t *testing.T) {
	// aks-constraints.md §1.4: /24 → 251 usable; /29 → 3 usable.
	if 1<<(32-24)-AzureReservedIPsPerSubnet != 251 || 1<<(32-MinSubnetPrefix)-AzureReservedIPsPerSubnet != 3 || MaxSubnetPrefix != 2 {
		t.Error("subnet arithmetic constants")
	}
	if AzureDNSIP.String() != "168.63.129.16" || AWSDNSLinkLocal.String() != "169.254.169.253" {
		t.Error("DNS addresses")
	}
	for _, set := range [][]netip.Prefix{AKSReservedRanges, VNetForbiddenRanges} {
		for _, p := range set {
			if p != p.Masked() || !p.Addr().Is4() {
				t.Errorf("%v is not a canonical IPv4 prefix", p)
			}
		}
	}
	// Rule 1 example: pod CIDR 172.16.0.0/12 is invalid because it contains 172.30/16 and 172.31/16.
	overlaps := 0
	for _, r := range AKSReservedRanges {
		if r.Overlaps(netip.MustParsePrefix("172.16.0.0/12")) {
			overlaps++
		}
	}
	if len(AKSReservedRanges) != 4 || overlaps != 2 {
		t.Errorf("AKSReservedRanges = %v", AKSReservedRanges)
	}
	// Rule 2: Azure DNS's own address is forbidden in a VNet.
	if len(VNetForbiddenRanges) != 5 || !slices.ContainsFunc(VNetForbiddenRanges, func(p netip.Prefix) bool { return p.Contains(AzureDNSIP) }) {
		t.Errorf("VNetForbiddenRanges = %v", VNetForbiddenRanges)
	}
}
