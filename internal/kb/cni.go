// AKS network plugin (CNI) properties and Azure addressing constants.
//
// Source for the CNI facts: the project's shared/reference/aks-constraints.md
// §1.1 "Summary table" and the bullets under it (AKSD tags name the
// MicrosoftDocs/azure-aks-docs articles/aks/<file>.md the note took each fact
// from), §1.3 address-range rules, §1.4 subnet arithmetic, §1.5 sizing and
// §1.6 kubenet routing; aks-rules.md rules 1, 2, 8, 12, 13, 14.

package kb

import (
	"fmt"
	"net/netip"
	"strings"
)

// CNIMode is one AKS pod networking model: a network plugin, its IPAM and
// its dataplane (aks-constraints.md §1.1 columns; Cilium splits by IPAM).
type CNIMode string

const (
	Kubenet               CNIMode = "kubenet"
	AzureNodeSubnet       CNIMode = "azure" // legacy flat Azure CNI: pods take node-subnet IPs
	AzurePodSubnetDynamic CNIMode = "azure-podsubnet"
	AzurePodSubnetStatic  CNIMode = "azure-podsubnet-static"
	Overlay               CNIMode = "overlay"
	CiliumOverlay         CNIMode = "cilium-overlay"
	CiliumPodSubnet       CNIMode = "cilium-podsubnet" // dynamic or static-block allocation
	CiliumNodeSubnet      CNIMode = "cilium-nodesubnet"
)

// Policy engines, the values of networkProfile.networkPolicy.
const (
	policyAzure  = "azure" // Azure Network Policy Manager
	policyCalico = "calico"
	policyCilium = "cilium"
)

// CNIProperties are the per-mode facts a validator and IP planner need.
type CNIProperties struct {
	Mode  CNIMode
	Title string // the docs' name for the mode, e.g. "Azure CNI Overlay"
	// DefaultMaxPods applies when a node pool omits maxPods; 0 means the docs
	// state no default, so a validator should require maxPods.
	DefaultMaxPods         int
	MinMaxPods, MaxMaxPods int  // allowed maxPods range
	MaxNodes               int  // per cluster
	PodsFromVNet           bool // pod IPs consume VNet addresses (node subnet or pod subnet)
	PodCIDR                bool // pods use a private pod CIDR, one /24 per node
	PodSubnet              bool // pods use a separate pod subnet
	// NodeSubnetIPsPerNode is how many node-subnet IPs one node consumes.
	NodeSubnetIPsPerNode func(maxPods int) int
	// PolicyEngines are the networkPolicy values the mode supports (empty,
	// i.e. no policy engine, is always possible and not listed).
	PolicyEngines []string
	Windows       bool // Windows node pools supported
	Source        string
}

// Shared limits, aks-constraints.md §1.1 rows "maxPods range" and
// "Max nodes": maxPods 10–250 for every plugin (AKSD:concepts-network-ip-address-planning;
// AZD:includes/container-service-limits.md "max 250 pods/node"); 5,000 nodes
// per cluster (same include) except kubenet.
const (
	minMaxPods     = 10
	maxMaxPods     = 250
	maxNodes       = 5000
	kubenetMaxNode = 400 // "Azure supports a maximum of 400 routes in a UDR" (AKSD:configure-kubenet; §1.6)
)

// oneIPPerNode: with a pod CIDR or a pod subnet only the node's own NIC IP
// comes from the node subnet (aks-constraints.md §1.5, "N+S" rows).
func oneIPPerNode(int) int { return 1 }

// nodeAndPodIPs: in node-subnet IPAM each node takes its own IP plus one per
// possible pod, "(N+S)(P+1)" (aks-constraints.md §1.5 "Azure CNI Node Subnet",
// AKSD:concepts-network-ip-address-planning; aks-rules.md rule 9).
func nodeAndPodIPs(maxPods int) int { return maxPods + 1 }

var cniTable = []CNIProperties{
	{
		Mode: Kubenet, Title: "kubenet",
		// Default 110: AKSD:concepts-network-ip-address-planning; AKSD:configure-kubenet.
		DefaultMaxPods: 110, MaxNodes: kubenetMaxNode,
		PodCIDR: true, NodeSubnetIPsPerNode: oneIPPerNode,
		// Calico only, no Azure NPM (AKSD:configure-kubenet; AKSD:use-network-policies).
		PolicyEngines: []string{policyCalico},
		// No Windows pools (AKSD:configure-kubenet; AKSD:concepts-network-cni-overview).
		Windows: false,
		Source:  "aks-constraints.md §1.1 column kubenet; §1.6 (AKSD:configure-kubenet, AKSD:concepts-network-ip-address-planning, AKSD:use-network-policies)",
	},
	{
		Mode: AzureNodeSubnet, Title: "Azure CNI Node Subnet",
		// Default 30: AKSD:concepts-network-ip-address-planning.
		DefaultMaxPods: 30, MaxNodes: maxNodes,
		PodsFromVNet: true, NodeSubnetIPsPerNode: nodeAndPodIPs,
		PolicyEngines: []string{policyAzure, policyCalico},
		Windows:       true,
		Source:        "aks-constraints.md §1.1 column Azure CNI Node Subnet; §1.5 (AKSD:concepts-network-ip-address-planning, AKSD:concepts-network-legacy-cni)",
	},
	{
		Mode: AzurePodSubnetDynamic, Title: "Azure CNI Pod Subnet (dynamic IP allocation)",
		// [CONFLICT] 110 per AKSD:concepts-network-ip-address-planning (2026)
		// vs 250 per AKSD:configure-azure-cni-dynamic-ip-allocation (2024);
		// the newer doc wins (shared/reference/README.md). aks-constraints.md
		// §7 item 1 recommends also warning when maxPods is omitted.
		DefaultMaxPods: 110, MaxNodes: maxNodes,
		PodsFromVNet: true, PodSubnet: true, NodeSubnetIPsPerNode: oneIPPerNode,
		PolicyEngines: []string{policyAzure, policyCalico},
		Windows:       true,
		Source:        "aks-constraints.md §1.1 column Azure CNI Pod Subnet – dynamic; §1.5 (AKSD:concepts-network-azure-cni-pod-subnet, AKSD:configure-azure-cni-dynamic-ip-allocation)",
	},
	{
		Mode: AzurePodSubnetStatic, Title: "Azure CNI Pod Subnet (static block allocation)",
		// No default stated; the note advises choosing 16k−1 (/28 blocks).
		DefaultMaxPods: 0, MaxNodes: maxNodes,
		PodsFromVNet: true, PodSubnet: true, NodeSubnetIPsPerNode: oneIPPerNode,
		// The §1.1 cell lists "Cilium, NPM, Calico", but networkPolicy=cilium
		// requires networkDataplane=cilium, which is mode CiliumPodSubnet.
		PolicyEngines: []string{policyAzure, policyCalico},
		// Windows yes, but not Windows Server 2019 (AKSD:concepts-network-azure-cni-pod-subnet).
		Windows: true,
		Source:  "aks-constraints.md §1.1 column Azure CNI Pod Subnet – static block; §1.5 (AKSD:concepts-network-azure-cni-pod-subnet)",
	},
	{
		Mode: Overlay, Title: "Azure CNI Overlay",
		// Default 250: AKSD:concepts-network-azure-cni-overlay.
		DefaultMaxPods: 250, MaxNodes: maxNodes,
		PodCIDR: true, NodeSubnetIPsPerNode: oneIPPerNode,
		// NPM or Calico on the Azure (iptables) dataplane; dual-stack
		// clusters support neither (§1.1 "Dual-stack"), not modelled here.
		PolicyEngines: []string{policyAzure, policyCalico},
		// Windows Server 2022 and 2025 (AKSD:concepts-network-azure-cni-overlay).
		Windows: true,
		Source:  "aks-constraints.md §1.1 column Azure CNI Overlay (AKSD:concepts-network-azure-cni-overlay, AKSD:azure-cni-overlay)",
	},
	// Cilium: "networkDataplane=cilium on top of overlay / pod subnet / node
	// subnet IPAM", Linux only, networkPolicy cilium only, limits "per
	// underlying IPAM" (AKSD:azure-cni-powered-by-cilium; ARM
	// KnownNetworkPolicy "This requires networkDataplane to be 'cilium'").
	{
		Mode: CiliumOverlay, Title: "Azure CNI Powered by Cilium (overlay)",
		DefaultMaxPods: 250, MaxNodes: maxNodes,
		PodCIDR: true, NodeSubnetIPsPerNode: oneIPPerNode,
		PolicyEngines: []string{policyCilium},
		Source:        "aks-constraints.md §1.1 column Azure CNI powered by Cilium, IPAM as Azure CNI Overlay (AKSD:azure-cni-powered-by-cilium)",
	},
	{
		Mode: CiliumPodSubnet, Title: "Azure CNI Powered by Cilium (pod subnet)",
		// Default of the dynamic pod subnet (the API's default allocation
		// mode). Static-block allocation states no default: callers that
		// know podIPAllocationMode=StaticBlock should require maxPods.
		DefaultMaxPods: 110, MaxNodes: maxNodes,
		PodsFromVNet: true, PodSubnet: true, NodeSubnetIPsPerNode: oneIPPerNode,
		PolicyEngines: []string{policyCilium},
		Source:        "aks-constraints.md §1.1 column Azure CNI powered by Cilium, IPAM as Azure CNI Pod Subnet (AKSD:azure-cni-powered-by-cilium)",
	},
	{
		Mode: CiliumNodeSubnet, Title: "Azure CNI Powered by Cilium (node subnet)",
		DefaultMaxPods: 30, MaxNodes: maxNodes,
		PodsFromVNet: true, NodeSubnetIPsPerNode: nodeAndPodIPs,
		PolicyEngines: []string{policyCilium},
		Source:        "aks-constraints.md §1.1 column Azure CNI powered by Cilium, IPAM as Azure CNI Node Subnet (AKSD:azure-cni-powered-by-cilium)",
	},
}

// CNI returns the properties of a mode (a copy) and whether it is known.
func CNI(mode CNIMode) (CNIProperties, bool) {
	for _, p := range cniTable {
		if p.Mode == mode {
			p.MinMaxPods, p.MaxMaxPods = minMaxPods, maxMaxPods
			p.PolicyEngines = append([]string(nil), p.PolicyEngines...)
			return p, true
		}
	}
	return CNIProperties{}, false
}

// CNIModes lists every mode in a fixed order (legacy first).
func CNIModes() []CNIMode {
	out := make([]CNIMode, len(cniTable))
	for i, p := range cniTable {
		out[i] = p.Mode
	}
	return out
}

// ModeOf maps the AKS API fields to a mode:
//   - networkPlugin: "azure", "kubenet", "none" (bring your own CNI, not
//     modelled: an error) or "" — "if --network-plugin is omitted, AKS uses
//     Azure CNI Overlay" (AKSD:azure-cni-overlay; aks-constraints.md §1.1);
//   - networkPluginMode: "overlay" or "" (with "azure", "" is the legacy
//     node-subnet mode "for backward compatibility", same doc);
//   - networkDataplane: "azure", "cilium" or "" (= azure);
//   - podSubnet: whether node pools set podSubnetID;
//   - podIPAllocationMode: "DynamicIndividual", "StaticBlock" or ""
//     (= DynamicIndividual). The ARM agent pool property says "Must be used
//     with podSubnetId. The default is 'DynamicIndividual'" (learn.microsoft.com,
//     Azure SDK ManagedClusterAgentPoolProfileProperties.PodIPAllocationMode).
//
// Values are compared case-insensitively. Impossible combinations return an
// error that says what to change.
func ModeOf(networkPlugin, networkPluginMode, networkDataplane string, podSubnet bool, podIPAllocationMode string) (CNIMode, error) {
	plugin := strings.ToLower(networkPlugin)
	pluginMode := strings.ToLower(networkPluginMode)
	cilium := false
	switch strings.ToLower(networkDataplane) {
	case "", "azure":
	case "cilium":
		cilium = true
	default:
		return "", fmt.Errorf("networkDataplane %q is not one of azure, cilium", networkDataplane)
	}
	static := false
	switch strings.ToLower(podIPAllocationMode) {
	case "", "dynamicindividual":
	case "staticblock":
		static = true
	default:
		return "", fmt.Errorf("podIPAllocationMode %q is not one of DynamicIndividual, StaticBlock", podIPAllocationMode)
	}
	if podIPAllocationMode != "" && !podSubnet {
		return "", fmt.Errorf("podIPAllocationMode %q must be used with a pod subnet: set podSubnetID on the node pools or clear podIPAllocationMode", podIPAllocationMode)
	}
	switch pluginMode {
	case "", "overlay":
	default:
		return "", fmt.Errorf("networkPluginMode %q is not one of overlay or empty", networkPluginMode)
	}

	switch plugin {
	case "none":
		return "", fmt.Errorf("networkPlugin \"none\" (bring your own CNI) is not modelled: use \"azure\" (optionally with networkPluginMode \"overlay\") or \"kubenet\"")
	case "kubenet":
		switch {
		case pluginMode == "overlay":
			return "", fmt.Errorf("networkPluginMode \"overlay\" requires networkPlugin \"azure\", not \"kubenet\": set networkPlugin \"azure\" (Azure CNI Overlay replaces kubenet) or clear networkPluginMode")
		case cilium:
			return "", fmt.Errorf("networkDataplane \"cilium\" requires networkPlugin \"azure\", not \"kubenet\": set networkPlugin \"azure\" with networkPluginMode \"overlay\", or clear networkDataplane")
		case podSubnet:
			return "", fmt.Errorf("kubenet takes pod IPs from podCidr, not a pod subnet: remove podSubnetID from the node pools, or set networkPlugin \"azure\" for Azure CNI Pod Subnet")
		}
		return Kubenet, nil
	case "", "azure":
		if plugin == "" {
			pluginMode = "overlay" // omitted plugin = Azure CNI Overlay
		}
		if pluginMode == "overlay" {
			if podSubnet {
				what := "networkPluginMode \"overlay\""
				if plugin == "" {
					what = "an omitted networkPlugin (the default is Azure CNI Overlay)"
				}
				return "", fmt.Errorf("%s takes pod IPs from podCidr, not a pod subnet: remove podSubnetID from the node pools, or set networkPlugin \"azure\" without networkPluginMode for Azure CNI Pod Subnet", what)
			}
			if cilium {
				return CiliumOverlay, nil
			}
			return Overlay, nil
		}
		switch {
		case podSubnet && cilium:
			return CiliumPodSubnet, nil
		case podSubnet && static:
			return AzurePodSubnetStatic, nil
		case podSubnet:
			return AzurePodSubnetDynamic, nil
		case cilium:
			return CiliumNodeSubnet, nil
		}
		return AzureNodeSubnet, nil
	}
	return "", fmt.Errorf("networkPlugin %q is not one of azure, kubenet, none or empty (Azure CNI Overlay)", networkPlugin)
}

// Azure subnet arithmetic, aks-constraints.md §1.4 (AZD:articles/virtual-network/virtual-networks-faq.md;
// aks-rules.md rule 8).
const (
	// AzureReservedIPsPerSubnet: .0 network, .1 gateway, .2/.3 Azure DNS
	// mapping and the last address. Usable = 2^(32−p) − 5. (AKSD:configure-kubenet's
	// "first three" is a doc bug: its own /24 → 251 nodes example needs 5.)
	AzureReservedIPsPerSubnet = 5
	// MinSubnetPrefix and MaxSubnetPrefix are the prefix lengths of the
	// smallest (/29, 3 usable) and largest (/2) IPv4 subnets.
	MinSubnetPrefix = 29
	MaxSubnetPrefix = 2
	// IPv6SubnetPrefix: IPv6 subnets must be exactly /64.
	IPv6SubnetPrefix = 64
)

var (
	// AzureDNSIP is Azure-provided DNS / the platform virtual IP, the same in
	// all regions (azure-aws-dns.md §1; AZD:articles/virtual-network/what-is-ip-address-168-63-129-16.md).
	AzureDNSIP = netip.MustParseAddr("168.63.129.16")
	// AWSDNSLinkLocal is the Amazon DNS server's link-local address (the
	// other is the VPC base + 2) (azure-aws-dns.md §7; awsdocs/amazon-vpc-user-guide
	// doc_source/VPC_DHCP_Options.md "Amazon DNS server").
	AWSDNSLinkLocal = netip.MustParseAddr("169.254.169.253")

	// AKSReservedRanges must not overlap the pod CIDR, the service CIDR or the
	// cluster VNet (aks-rules.md rule 1; aks-constraints.md §1.3;
	// AKSD:concepts-network-cni-overview, AKSD:concepts-network-legacy-cni,
	// AKSD:configure-kubenet).
	AKSReservedRanges = []netip.Prefix{
		netip.MustParsePrefix("169.254.0.0/16"),
		netip.MustParsePrefix("192.0.2.0/24"),
		netip.MustParsePrefix("172.30.0.0/16"),
		netip.MustParsePrefix("172.31.0.0/16"),
	}
	// VNetForbiddenRanges may not be in any VNet's address space (aks-rules.md
	// rule 2; aks-constraints.md §1.3; AZD:articles/virtual-network/virtual-networks-faq.md).
	VNetForbiddenRanges = []netip.Prefix{
		netip.MustParsePrefix("224.0.0.0/4"),
		netip.MustParsePrefix("127.0.0.0/8"),
		netip.MustParsePrefix("169.254.0.0/16"),
		netip.MustParsePrefix("168.63.129.16/32"),
		netip.MustParsePrefix("255.255.255.255/32"),
	}
)

// Pod address allocation and node limits the IP planner needs
// (aks-constraints.md §1.1, §1.5; aks-rules.md rules 7, 11, 12).
const (
	// NodePodCIDRBits: overlay and kubenet give every node a fixed /24 of
	// the pod CIDR, so a pod CIDR of prefix p holds 2^(24−p) nodes
	// (AKSD:configure-kubenet, AKSD:concepts-network-azure-cni-overlay;
	// aks-rules.md rule 7).
	NodePodCIDRBits = 24
	// PodSubnetBatch and PodSubnetMinFree: with dynamic pod subnet
	// allocation "nodes request 16 IPs on startup and request another batch
	// of 16 anytime there are <8 IPs unallocated in their allotment"
	// (AKSD:concepts-network-azure-cni-pod-subnet, ms.date 2024-05-21).
	PodSubnetBatch   = 16
	PodSubnetMinFree = 8
	// StaticBlockBits: static block allocation hands each node /28 blocks,
	// ceil((maxPods+1)/16) of them, one address per node being reserved
	// (same doc, "max_pods = (16 * N) - 1").
	StaticBlockBits = 28
	// MaxNodesPerPool: "1,000 nodes/node pool" (AZD:includes/container-service-limits.md;
	// aks-constraints.md §1.1).
	MaxNodesPerPool = 1000
	// WindowsRecommendedMaxPods: "Windows recommended max 110 pods/node"
	// (same include; aks-rules.md rule 12).
	WindowsRecommendedMaxPods = 110
)
