package ipam

import (
	"fmt"
	"strings"
)

// SNAT of outboundType loadBalancer: every node gets a share of the
// outbound IPs' ports.
//
// Facts (aks-constraints.md §2.3; aks-rules.md rule 27):
//   - "When a public IP address is added as a frontend IP to a load
//     balancer, 64,000 ports are eligible for SNAT"; manual allocation:
//     "Number of frontend IPs * 64K / Number of backend instances" ports per
//     instance (MicrosoftDocs/azure-docs articles/load-balancer/load-balancer-outbound-connections.md,
//     ms.date 2022-03-01). AKS refuses a profile where nodes × ports exceed
//     64,000 × IPs with InvalidLoadBalancerProfileAllocatedOutboundPorts,
//     e.g. 9 nodes × 8,000 ports with one IP (SUP:error-code-invalidloadbalancerprofileallocatedoutboundports);
//     1,000 ports × 2 IPs serve 128 nodes, 4,000 × 7 serve 112
//     (AKSD:configure-load-balancer-standard).
//   - Ports per node are a multiple of 8, 0 to 64,000; 0 is Azure's
//     automatic allocation by backend pool size (AKSD:configure-load-balancer-standard;
//     ARM ManagedClusterLoadBalancerProfile.AllocatedOutboundPorts).
//   - AKS manages 1 outbound IP by default, at most 100.
const (
	portsPerIP      = 64000
	portGranularity = 8
)

// snatTier is one row of Azure's default port allocation table: "Pool
// size (VM instances) → Default SNAT ports per IP configuration"
// (load-balancer-outbound-connections.md, "Default port allocation table").
type snatTier struct{ upTo, ports int }

var snatTiers = []snatTier{{50, 1024}, {100, 512}, {200, 256}, {400, 128}, {800, 64}, {1000, 32}}

// AutomaticPorts is the ports per node of Azure's automatic allocation for
// a backend pool of n instances, and the pool size where that row ends;
// ok is false beyond the table's 1,000 instances.
func AutomaticPorts(n int) (ports, upTo int, ok bool) {
	for _, t := range snatTiers {
		if n <= t.upTo {
			return t.ports, t.upTo, true
		}
	}
	return 0, 0, false
}

// SNATCapacity is how many nodes manual allocation serves: 64,000 × IPs ÷
// ports, rounded down.
func SNATCapacity(ports, ips int) int {
	if ports <= 0 {
		return 0
	}
	return portsPerIP * ips / ports
}

// SNAT is the outbound port plan.
type SNAT struct {
	OutboundType string `json:"outboundType"`
	// Applies is false for outbound types without load balancer SNAT;
	// Reason says why.
	Applies bool   `json:"applies"`
	Reason  string `json:"reason,omitempty"`
	IPs     int    `json:"outboundIps,omitempty"`
	// Ports is allocatedOutboundPorts: 0 for Azure's automatic allocation.
	Ports int `json:"allocatedOutboundPorts"`
	// Nodes are the backend instances at max nodes, and with every pool's
	// upgrade surge.
	Nodes        int `json:"nodes"`
	NodesUpgrade int `json:"nodesDuringUpgrade"`
	// PortsPerNode and PortsPerNodeUpgrade: what each node gets.
	PortsPerNode        int `json:"portsPerNode"`
	PortsPerNodeUpgrade int `json:"portsPerNodeDuringUpgrade"`
	// Capacity: nodes served (manual: 64,000 × IPs ÷ ports; automatic: the
	// end of the table row the upgrade falls in, where every node's share
	// halves).
	Capacity         int      `json:"capacity"`
	MoreNodes        int      `json:"moreNodes"`
	MoreNodesUpgrade int      `json:"moreNodesDuringUpgrade"`
	Terms            []Term   `json:"terms,omitempty"`
	Problems         []string `json:"-"`
	Notes            []string `json:"-"`
	Source           string   `json:"source,omitempty"`
}

func planSNAT(in *Input, pools []pool) *SNAT {
	s := &SNAT{OutboundType: in.OutboundType}
	if s.OutboundType == "" {
		s.OutboundType = "loadBalancer"
	}
	if !strings.EqualFold(s.OutboundType, "loadBalancer") {
		s.Reason = fmt.Sprintf("outbound type %s does not use load balancer SNAT ports (aks-constraints.md §2.3)", s.OutboundType)
		return s
	}
	s.Applies = true
	s.IPs, s.Ports = max(in.OutboundIPs, 1), in.OutboundPorts
	for _, p := range pools {
		s.Nodes += p.nodes
		s.NodesUpgrade += p.nodes + p.surge
	}
	s.Terms = []Term{
		{"nodes at max", "", s.Nodes},
		{"nodes at max + surge (every pool's)", "", s.NodesUpgrade},
	}
	if s.Ports == 0 {
		s.Source = "Azure's default port allocation table (load-balancer-outbound-connections.md)"
		var ok bool
		if s.PortsPerNode, _, ok = AutomaticPorts(s.Nodes); !ok {
			s.Problems = append(s.Problems, fmt.Sprintf("SNAT: %s nodes exceed Azure's automatic port table (1,000 instances): set allocatedOutboundPorts and enough outbound IPs", num(s.Nodes)))
			return s
		}
		var upTo int
		if s.PortsPerNodeUpgrade, upTo, ok = AutomaticPorts(s.NodesUpgrade); !ok {
			s.Problems = append(s.Problems, fmt.Sprintf("SNAT: %s nodes during an upgrade exceed Azure's automatic port table (1,000 instances): set allocatedOutboundPorts and enough outbound IPs", num(s.NodesUpgrade)))
			return s
		}
		_, steadyUpTo, _ := AutomaticPorts(s.Nodes)
		s.Capacity = upTo
		s.MoreNodes, s.MoreNodesUpgrade = steadyUpTo-s.Nodes, upTo-s.NodesUpgrade
		s.Terms = append(s.Terms, Term{"automatic ports per node (table row)", fmt.Sprintf("%s instances → %s ports", num(s.NodesUpgrade), num(s.PortsPerNodeUpgrade)), s.PortsPerNodeUpgrade})
		if s.PortsPerNodeUpgrade < s.PortsPerNode {
			s.Notes = append(s.Notes, fmt.Sprintf("SNAT: the upgrade's surge takes the backend pool from %s to %s instances, and Azure's automatic allocation from %s to %s ports per node; set allocatedOutboundPorts to keep them", num(s.Nodes), num(s.NodesUpgrade), num(s.PortsPerNode), num(s.PortsPerNodeUpgrade)))
		}
		return s
	}
	s.Source = "64,000 × outbound IPs ÷ allocated ports ≥ nodes (AKSD:configure-load-balancer-standard)"
	if s.Ports%portGranularity != 0 {
		s.Problems = append(s.Problems, fmt.Sprintf("SNAT: allocatedOutboundPorts %s is not a multiple of 8, which AKS requires: use %s or %s", num(s.Ports), num(s.Ports/8*8), num((s.Ports/8+1)*8)))
	}
	s.PortsPerNode, s.PortsPerNodeUpgrade = s.Ports, s.Ports
	s.Capacity = SNATCapacity(s.Ports, s.IPs)
	s.MoreNodes, s.MoreNodesUpgrade = s.Capacity-s.Nodes, s.Capacity-s.NodesUpgrade
	s.Terms = append(s.Terms, Term{"nodes served", fmt.Sprintf("64,000 × %s ÷ %s ports", ipsWord(s.IPs), num(s.Ports)), s.Capacity})
	if s.MoreNodesUpgrade < 0 {
		when := "during an upgrade"
		n := s.NodesUpgrade
		if s.MoreNodes < 0 {
			when, n = "at max nodes", s.Nodes
		}
		ports := portsPerIP * s.IPs / max(n, 1) / portGranularity * portGranularity
		ips := (n*s.Ports + portsPerIP - 1) / portsPerIP
		fix := fmt.Sprintf("use at most %s ports per node or at least %s", num(ports), ipsWord(ips))
		if ports < portGranularity {
			fix = "use at least " + ipsWord(ips)
		}
		s.Problems = append(s.Problems, fmt.Sprintf("SNAT: %s nodes × %s ports = %s > 64,000 × %s %s; AKS refuses it (InvalidLoadBalancerProfileAllocatedOutboundPorts): %s",
			num(n), num(s.Ports), num(n*s.Ports), ipsWord(s.IPs), when, fix))
	}
	return s
}

func ipsWord(n int) string {
	if n == 1 {
		return "1 outbound IP"
	}
	return num(n) + " outbound IPs"
}
