package check

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/aksnet/aksnet/internal/kb"
	"github.com/aksnet/aksnet/internal/model"
)

// The NET family: addressing. Rules 1–12 of aks-rules.md, details in
// aks-constraints.md §1.3–§1.5.

func init() {
	register(
		&Rule{
			ID: "NET001", Title: "A cluster range overlaps a range AKS reserves", Severity: Error,
			Source: "aks-rules.md rule 1; aks-constraints.md §1.3 (AKSD:concepts-network-cni-overview, AKSD:concepts-network-legacy-cni, AKSD:configure-kubenet)",
			What:   "The cluster's pod CIDR, its service CIDR or the address space of its VNet overlaps 169.254.0.0/16, 192.0.2.0/24, 172.30.0.0/16 or 172.31.0.0/16.",
			Why:    "AKS reserves these ranges and rejects a pod CIDR, a service CIDR or a cluster VNet that overlaps them; Microsoft's own example is that a pod CIDR of 172.16.0.0/12 is invalid because it contains 172.30.0.0/16 and 172.31.0.0/16 (AKSD:concepts-network-cni-overview).",
			Fix:    "Choose ranges clear of all four reserved ranges, for example a pod CIDR of 192.168.0.0/16 or a service CIDR of 10.100.0.0/16.",
			Check:  checkReservedRanges,
		},
		&Rule{
			ID: "NET002", Title: "A VNet's address space includes a range Azure forbids", Severity: Error,
			Source: "aks-rules.md rule 2; aks-constraints.md §1.3 (AZD:articles/virtual-network/virtual-networks-faq.md)",
			What:   "A VNet's address space overlaps 224.0.0.0/4 (multicast), 127.0.0.0/8 (loopback), 169.254.0.0/16 (link-local), 168.63.129.16/32 (the platform's virtual IP) or 255.255.255.255/32 (broadcast).",
			Why:    "Azure does not accept these ranges in any VNet (AZD:virtual-networks-faq): the deployment of the VNet fails.",
			Fix:    "Use RFC 1918 (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) or RFC 6598 (100.64.0.0/10) space for the VNet.",
			Check:  checkForbiddenVNetRanges,
		},
		&Rule{
			ID: "NET003", Title: "The service CIDR overlaps a network the cluster uses", Severity: Error,
			Source: "aks-rules.md rule 3; aks-constraints.md §1.3 (AKSD:concepts-network-legacy-cni, AKSD:concepts-network-azure-cni-overlay, AKSD:concepts-network-ip-address-planning, SUP:error-code-servicecidroverlapexistingsubnetscidr)",
			What:   "The cluster's service CIDR (10.0.0.0/16 when serviceCidr is omitted) overlaps its own VNet, one of its subnets, a peered VNet, or an on-premises or AWS range reached through a VPN or ExpressRoute gateway the VNet uses.",
			Why:    "Service addresses are virtual: traffic to them never leaves the node, so \"any network element on or connected to this virtual network must not use this range\" (AKSD:concepts-network-ip-address-planning). AKS also checks before every upgrade and fails with ServiceCidrOverlapExistingSubnetsCidr when a subnet of the cluster's VNet overlaps the service CIDR (SUP:error-code-servicecidroverlapexistingsubnetscidr), so a subnet added later breaks the next upgrade.",
			Fix:    "Choose a service CIDR that no network of the estate uses (it may be the same in every cluster), for example 10.100.0.0/16 when the VNets use the rest of 10.0.0.0/8; set dnsServiceIp inside it.",
			Check:  checkServiceCIDROverlap,
		},
		&Rule{
			ID: "NET004", Title: "The service CIDR is too large", Severity: Error,
			Source: "aks-rules.md rule 4; aks-constraints.md §1.3, §7 item 2 (AKSD:concepts-network-ip-address-planning, AKSD:concepts-network-azure-cni-overlay)",
			What:   "An IPv4 service CIDR larger than /12, or an IPv6 one larger than /108. A /12 exactly is reported as a warning.",
			Why:    "AKS documents that the service CIDR \"must be smaller than /12\" and an IPv6 service CIDR no larger than /108 (AKSD:concepts-network-ip-address-planning; AKSD:concepts-network-azure-cni-overlay). Whether /12 itself is accepted is not stated (aks-constraints.md §7 item 2), hence the warning.",
			Fix:    "Use a /16 (65,536 services is more than a cluster can hold) or anything from /13 up; for IPv6, /108 or longer.",
			Check:  checkServiceCIDRSize,
		},
		&Rule{
			ID: "NET005", Title: "The DNS service IP cannot be assigned", Severity: Error,
			Source: "aks-rules.md rule 5; aks-constraints.md §1.3 (SUP:error-code-dnsserviceipoutofservicecidr, AKSD:concepts-network-ip-address-planning)",
			What:   "dnsServiceIp (10.0.0.10 when omitted) is outside the service CIDR, is its first usable address, or is its network or broadcast address.",
			Why:    "AKS refuses a DNS service IP outside the service CIDR with DnsServiceIpOutOfServiceCidr (SUP:error-code-dnsserviceipoutofservicecidr). The first address is taken by kubernetes.default.svc (AKSD:concepts-network-ip-address-planning), and Kubernetes never assigns the network or broadcast address of an IPv4 service range, so kube-dns could not get the address and pods would have no DNS.",
			Fix:    "Set dnsServiceIp to the .10 address of the service CIDR, as AKS recommends (e.g. 10.100.0.10 for 10.100.0.0/16).",
			Check:  checkDNSServiceIP,
		},
		&Rule{
			ID: "NET006", Title: "The pod CIDR overlaps the service CIDR", Severity: Error,
			Source: "aks-rules.md rule 6; aks-constraints.md §1.3 (AKSD:concepts-network-azure-cni-overlay)",
			What:   "A cluster whose pods take addresses from a pod CIDR (kubenet, Azure CNI Overlay) has a pod CIDR that overlaps its service CIDR (defaults 10.244.0.0/16 and 10.0.0.0/16).",
			Why:    "The service CIDR must not overlap the pod CIDR (AKSD:concepts-network-azure-cni-overlay): a pod address inside the service range would be captured by service routing on every node.",
			Fix:    "Give the two ranges disjoint space, e.g. podCidr 192.168.0.0/16 and serviceCidr 10.100.0.0/16.",
			Check:  checkPodServiceOverlap,
		},
		&Rule{
			ID: "NET007", Title: "The pod CIDR overlaps a network the cluster uses", Severity: Error,
			Source: "aks-rules.md rule 6; aks-constraints.md §1.3 (AKSD:concepts-network-azure-cni-overlay, AKSD:configure-kubenet)",
			What:   "The pod CIDR (10.244.0.0/16 when podCidr is omitted) of a kubenet or overlay cluster overlaps the cluster's VNet, a peered VNet, or an on-premises or AWS range reached through a gateway the VNet uses.",
			Why:    "The pod CIDR must not overlap the cluster subnet or directly connected networks (peering, ExpressRoute, VPN): \"a pod talking to an external host inside the pod CIDR gets redirected into the overlay and the host becomes unreachable\" (AKSD:concepts-network-azure-cni-overlay).",
			Fix:    "Choose a pod CIDR that no connected network uses. It may repeat across clusters, since pod addresses never leave the cluster (they are SNATed to the node's address).",
			Check:  checkPodCIDROverlap,
		},
		&Rule{
			ID: "NET008", Title: "The overlay pod CIDR is not private address space", Severity: Warning,
			Source: "aks-rules.md rule 6; aks-constraints.md §1.3 (AKSD:concepts-network-azure-cni-overlay)",
			What:   "An Azure CNI Overlay cluster's pod CIDR is not inside RFC 1918 (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) or RFC 6598 (100.64.0.0/10) space.",
			Why:    "The overlay pod CIDR must be RFC 1918 or RFC 6598; public ranges are \"outside Microsoft's support scope\" (AKSD:concepts-network-azure-cni-overlay), and pods could no longer reach the real owners of those public addresses.",
			Fix:    "Move the pod CIDR into private space, e.g. 192.168.0.0/16 or 100.64.0.0/16.",
			Check:  checkOverlayPodCIDRPrivate,
		},
		&Rule{
			ID: "NET009", Title: "The pod CIDR has too few /24 blocks for the cluster's nodes", Severity: Error,
			Source: "aks-rules.md rule 7; aks-constraints.md §1.3, §1.5 (AKSD:configure-kubenet, AKSD:concepts-network-azure-cni-overlay)",
			What:   "With kubenet and Azure CNI Overlay every node gets a fixed /24 of the pod CIDR, so a pod CIDR of prefix length p holds 2^(24−p) nodes; the cluster's node pools can grow beyond that (autoscaler maximum plus upgrade surge).",
			Why:    "Each node takes a /24 that cannot be resized (AKSD:configure-kubenet, e.g. 10.244.0.0/24, 10.244.1.0/24…), so a /16 gives 256 nodes. The node that finds no free /24 — typically a surge node during an upgrade — cannot join and the operation fails.",
			Fix:    "Widen the pod CIDR (a /16 for up to 256 nodes, a /14 for 1,024), or lower the pools' maxCount or maxSurge. Overlay pod CIDRs can be expanded only to a contiguous superset of the original range (AKSD:azure-cni-overlay-pod-expand); kubenet's cannot change after creation.",
			Check:  checkPodCIDRCapacity,
		},
		&Rule{
			ID: "NET010", Title: "A subnet's prefix length is outside what Azure allows", Severity: Error,
			Source: "aks-rules.md rule 8; aks-constraints.md §1.4 (AZD:virtual-networks-faq)",
			What:   "An IPv4 subnet smaller than /29 or larger than /2, or an IPv6 subnet that is not exactly /64.",
			Why:    "The smallest IPv4 subnet Azure creates is a /29 (3 usable addresses once Azure keeps 5) and the largest a /2; IPv6 subnets must be /64 (AZD:virtual-networks-faq). The deployment of the subnet fails.",
			Fix:    "Use a prefix length from /2 to /29 (IPv4) or /64 (IPv6).",
			Check:  checkSubnetPrefix,
		},
		&Rule{
			ID: "NET011", Title: "A subnet has fewer addresses than its users need at full scale", Severity: Error,
			Source: "aks-rules.md rules 8, 9, 10 and 31; aks-constraints.md §1.4, §1.5 (AZD:virtual-networks-faq, AKSD:concepts-network-ip-address-planning, AKSD:upgrade-capacity-cost-planning, SUP:insufficientsubnetsize-error-advanced-networking, SUP:error-code-subnetisfull-upgrade)",
			What: "The addresses a subnet must hand out exceed its usable addresses (2^(32−p) − 5). Node pools count (N + S) × per-node addresses, with N the autoscaler maximum (or the count) and S the upgrade surge (default 1; a percentage rounds up); a node takes maxPods + 1 addresses with Azure CNI Node Subnet (legacy) and 1 otherwise. " +
				"Private endpoints (one per IP configuration), VMs, internal load balancer frontends, a private cluster's API server endpoint (in the first node pool's subnet), firewalls and resolver endpoints count one address each.",
			Why:   "Azure keeps 5 addresses of every subnet (AZD:virtual-networks-faq). AKS refuses to create, scale or upgrade a pool without room (InsufficientSubnetSize), and an upgrade that runs out of addresses fails with SubnetIsFull (SUP:error-code-subnetisfull-upgrade); a LoadBalancer Service whose subnet is full stays <pending>. The planning formula is (N+S)(P+1) for node subnet mode and N+S for the others, plus the other consumers (AKSD:concepts-network-ip-address-planning).",
			Fix:   "Give the subnet a shorter prefix (a /21 holds 2,043 addresses), move private endpoints or internal load balancers to their own subnet, or lower maxCount, maxSurge or (node subnet mode) maxPods. Azure CNI Overlay needs only one address per node.",
			Check: checkSubnetCapacity,
		},
		&Rule{
			ID: "NET012", Title: "A pod subnet is too small for its node pools' pods", Severity: Error,
			Source: "aks-rules.md rule 11; aks-constraints.md §1.5 (AKSD:concepts-network-azure-cni-pod-subnet, AKSD:configure-azure-cni-dynamic-ip-allocation)",
			What:   "With Azure CNI Pod Subnet, pods take addresses from a separate subnet. Dynamic allocation hands each node batches of 16 addresses and asks for another batch whenever fewer than 8 are free, so a node running maxPods P pods holds 16 × ceil((P+8)/16) (48 for P = 30); static block allocation reserves ceil((P+1)/16) /28 blocks per node. The pools using the subnet (N+S nodes each) need more than it has.",
			Why:    "Nodes \"request 16 IPs on startup and request another batch of 16 anytime there are <8 IPs unallocated\", and static block mode reserves whole /28 blocks per node, one address of them for the node (AKSD:concepts-network-azure-cni-pod-subnet; the worst case is aks-constraints.md §1.5's [DERIVED] note). A node that cannot get its batch or blocks cannot run more pods; with static blocks it cannot even join.",
			Fix:    "Widen the pod subnet, or lower maxPods, maxCount or maxSurge of the pools that share it; with static blocks, choose maxPods = 16k − 1 (15, 31, 47…) so no block is wasted.",
			Check:  checkPodSubnetCapacity,
		},
		&Rule{
			ID: "NET013", Title: "Static block allocation wastes addresses with this maxPods", Severity: Warning,
			Source: "aks-rules.md rule 11; aks-constraints.md §1.5 (AKSD:concepts-network-azure-cni-pod-subnet)",
			What:   "A node pool with podIpAllocationMode StaticBlock has a maxPods that is not 16k − 1 (15, 31, 47, …, 239).",
			Why:    "Each node reserves ceil((maxPods+1)/16) /28 blocks, one address of which is the node's (AKSD:concepts-network-azure-cni-pod-subnet): maxPods 32 takes three blocks (48 addresses) for 33, wasting 15 per node in the pod subnet.",
			Fix:    "Set maxPods to 16k − 1: 31 instead of 32, or 47 to use the third block fully.",
			Check:  checkStaticBlockMaxPods,
		},
		&Rule{
			ID: "NET014", Title: "A pod subnet node pool does not set maxPods", Severity: Warning,
			Source: "aks-rules.md rule 12; aks-constraints.md §1.1 table, §7 item 1 (AKSD:concepts-network-ip-address-planning, AKSD:configure-azure-cni-dynamic-ip-allocation, AKSD:concepts-network-azure-cni-pod-subnet)",
			What:   "A node pool with a pod subnet omits maxPods.",
			Why:    "For Azure CNI Pod Subnet the documented default conflicts — 110 (AKSD:concepts-network-ip-address-planning, 2026) against 250 (AKSD:configure-azure-cni-dynamic-ip-allocation, 2024) — and static block allocation documents none, so the pod subnet's size cannot be planned (aks-constraints.md §7 item 1). aksnet assumes 110 for dynamic allocation.",
			Fix:    "Write maxPods explicitly on the pool (for static blocks, 16k − 1: 31, 47…).",
			Check:  checkPodSubnetMaxPodsSet,
		},
		&Rule{
			ID: "NET015", Title: "A Windows node pool allows more than 110 pods per node", Severity: Warning,
			Source: "aks-rules.md rule 12; aks-constraints.md §1.1 (AZD:includes/container-service-limits.md)",
			What:   "A node pool with osType Windows has maxPods above 110 (or omits it where the mode's default is above 110, as with Azure CNI Overlay's 250).",
			Why:    "Microsoft recommends at most 110 pods per Windows node (AZD:includes/container-service-limits.md); Windows nodes above it run out of resources for the pods scheduled on them.",
			Fix:    "Set maxPods to 110 or less on Windows pools.",
			Check:  checkWindowsMaxPods,
		},
		&Rule{
			ID: "NET016", Title: "A node pool has room for fewer than 30 pods", Severity: Error,
			Source: "aks-rules.md rule 12; aks-constraints.md §1.1 (AKSD:concepts-network-ip-address-planning)",
			What:   "A node pool's maxPods × node count is below 30.",
			Why:    "maxPods may go as low as 10 only if the node pool has room for at least 30 pods in total, e.g. 10 pods on 3 nodes (AKSD:concepts-network-ip-address-planning); AKS refuses the pool otherwise, and the system pods alone would not fit.",
			Fix:    "Raise maxPods or the node count so that maxPods × count is at least 30.",
			Check:  checkPoolPodRoom,
		},
	)
}

// describeServiceCIDR names a cluster's service CIDR, saying when it is
// AKS's default.
func describeServiceCIDR(c *model.Cluster) string {
	if c.ServiceCIDR.IsValid() {
		return "service CIDR " + c.ServiceCIDR.String()
	}
	return fmt.Sprintf("service CIDR %s (the default, as serviceCidr is omitted)", c.EffectiveServiceCIDR())
}

func describePodCIDR(c *model.Cluster, p netip.Prefix) string {
	if c.PodCIDR.IsValid() {
		return "pod CIDR " + p.String()
	}
	return fmt.Sprintf("pod CIDR %s (the default, as podCidr is omitted)", p)
}

// podCIDR returns the cluster's pod CIDR when its pods use one.
func podCIDR(ci *clusterInfo) (netip.Prefix, bool) {
	if ci.modeErr != nil || !ci.props.PodCIDR {
		return netip.Prefix{}, false
	}
	p := ci.c.PodCIDR
	if !p.IsValid() {
		p = model.DefaultPodCIDR
	}
	return p, true
}

func prefixList(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

func checkReservedRanges(ctx *Context, r *Reporter) {
	x := ctx.index()
	seenVNet := map[*model.VNet]bool{}
	for _, ci := range x.clusters {
		c := ci.c
		check := func(what string, p netip.Prefix) {
			for _, res := range kb.AKSReservedRanges {
				if p.IsValid() && p.Overlaps(res) {
					r.Report(c.Loc, fmt.Sprintf("cluster %s: %s overlaps %s, which AKS reserves", c.Name, what, res), "",
						fmt.Sprintf("choose a range clear of %s", prefixList(kb.AKSReservedRanges)))
				}
			}
		}
		check(describeServiceCIDR(c), c.EffectiveServiceCIDR())
		if p, ok := podCIDR(ci); ok {
			check(describePodCIDR(c, p), p)
		}
		if v := ci.vnet; v != nil && !seenVNet[v] {
			seenVNet[v] = true
			for _, a := range v.AddressSpace {
				for _, res := range kb.AKSReservedRanges {
					if a.Overlaps(res) {
						r.Report(v.Loc, fmt.Sprintf("vnet %s, the VNet of cluster %s, has address space %s, which overlaps %s, reserved by AKS", v.Name, c.Name, a, res), "",
							"renumber the VNet's address space clear of "+prefixList(kb.AKSReservedRanges)+", or put the cluster in another VNet")
					}
				}
			}
		}
	}
}

func checkForbiddenVNetRanges(ctx *Context, r *Reporter) {
	for _, v := range ctx.T.Azure.VNets {
		for _, a := range v.AddressSpace {
			for _, f := range kb.VNetForbiddenRanges {
				if a.IsValid() && a.Overlaps(f) {
					r.Report(v.Loc, fmt.Sprintf("vnet %s: address space %s overlaps %s, which Azure does not allow in a VNet", v.Name, a, f), "",
						"use RFC 1918 or RFC 6598 space for the VNet")
				}
			}
		}
	}
}

// clusterNetworks lists the ranges of the cluster's own VNet (its subnets,
// then any address space no subnet covers) and of the networks connected
// to it.
func clusterNetworks(x *index, ci *clusterInfo) []netRange {
	v := ci.vnet
	if v == nil {
		return nil
	}
	var out []netRange
	for _, s := range v.Subnets {
		out = append(out, netRange{s.Prefix, "subnet " + s.ID(), s.Loc})
	}
	for _, a := range v.AddressSpace {
		out = append(out, netRange{a, "the address space of vnet " + v.Name, v.Loc})
	}
	return append(out, x.connected(v)...)
}

// overlapReport reports p's overlaps with the cluster's networks: subnets
// first, and the VNet's address space only when no subnet explains it.
func overlapReport(x *index, ci *clusterInfo, p netip.Prefix, report func(nr netRange)) {
	subnetHit := false
	for _, nr := range overlapping(p, clusterNetworks(x, ci)) {
		switch {
		case strings.HasPrefix(nr.what, "subnet "):
			subnetHit = true
		case strings.HasPrefix(nr.what, "the address space of ") && subnetHit:
			continue
		}
		report(nr)
	}
}

func checkServiceCIDROverlap(ctx *Context, r *Reporter) {
	x := ctx.index()
	for _, ci := range x.clusters {
		c := ci.c
		svc := c.EffectiveServiceCIDR()
		overlapReport(x, ci, svc, func(nr netRange) {
			why := ""
			if strings.HasPrefix(nr.what, "subnet ") || strings.HasPrefix(nr.what, "the address space of ") {
				why = "AKS checks before every upgrade that no subnet of the cluster's VNet overlaps the service CIDR and fails with ServiceCidrOverlapExistingSubnetsCidr (SUP:error-code-servicecidroverlapexistingsubnetscidr); service addresses never leave the node, so the subnet's hosts are unreachable from pods."
			}
			r.Report(c.Loc, fmt.Sprintf("cluster %s: %s overlaps %s (%s, declared at %s)", c.Name, describeServiceCIDR(c), nr.what, nr.prefix, nr.loc), why,
				"choose a service CIDR no network of the estate uses and set dnsServiceIp inside it")
		})
	}
}

func checkServiceCIDRSize(ctx *Context, r *Reporter) {
	for _, c := range ctx.T.Azure.Clusters {
		p := c.EffectiveServiceCIDR()
		switch {
		case p.Addr().Is4() && p.Bits() < 12:
			r.Report(c.Loc, fmt.Sprintf("cluster %s: %s is larger than /12", c.Name, describeServiceCIDR(c)), "",
				"use a /16 or any prefix from /13 up")
		case p.Addr().Is4() && p.Bits() == 12:
			r.ReportAs(Warning, c.Loc, fmt.Sprintf("cluster %s: %s is a /12; AKS documents that the service CIDR must be smaller than /12", c.Name, describeServiceCIDR(c)),
				"\"Must be smaller than /12\" (AKSD:concepts-network-ip-address-planning); whether /12 itself is accepted is not documented (aks-constraints.md §7 item 2).",
				"use a /13 or smaller (a /16 is plenty)")
		case p.Addr().Is6() && p.Bits() < 108:
			r.Report(c.Loc, fmt.Sprintf("cluster %s: IPv6 %s is larger than /108", c.Name, describeServiceCIDR(c)), "",
				"use a /108 or a longer prefix")
		}
	}
}

func checkDNSServiceIP(ctx *Context, r *Reporter) {
	for _, c := range ctx.T.Azure.Clusters {
		svc := c.EffectiveServiceCIDR()
		ip := c.EffectiveDNSServiceIP()
		what := "dnsServiceIp " + ip.String()
		if !c.DNSServiceIP.IsValid() {
			what += " (the default, as dnsServiceIp is omitted)"
		}
		base := svc.Masked().Addr()
		tenth := base
		for range 10 {
			tenth = tenth.Next()
		}
		fix := fmt.Sprintf("set dnsServiceIp to %s, the .10 address AKS recommends", tenth)
		if !svc.Contains(tenth) {
			fix = "set dnsServiceIp to an address inside " + svc.String()
		}
		switch {
		case !svc.Contains(ip):
			r.Report(c.Loc, fmt.Sprintf("cluster %s: %s is outside the %s", c.Name, what, describeServiceCIDR(c)),
				"AKS refuses a DNS service IP outside the service CIDR with DnsServiceIpOutOfServiceCidr (SUP:error-code-dnsserviceipoutofservicecidr).", fix)
		case ip == base.Next():
			r.Report(c.Loc, fmt.Sprintf("cluster %s: %s is the first address of %s, which kubernetes.default.svc takes", c.Name, what, svc),
				"The first address of the service CIDR is the kubernetes Service's (AKSD:concepts-network-ip-address-planning); kube-dns cannot get it.", fix)
		case ip == base || (ip.Is4() && ip == model.LastAddr(svc)):
			r.Report(c.Loc, fmt.Sprintf("cluster %s: %s is the network or broadcast address of %s", c.Name, what, svc),
				"Kubernetes never assigns the network or broadcast address of an IPv4 service range (kubernetes/kubernetes pkg/registry/core/service/ipallocator), so kube-dns cannot get it.", fix)
		}
	}
}

func checkPodServiceOverlap(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		c := ci.c
		p, ok := podCIDR(ci)
		if ok && p.Overlaps(c.EffectiveServiceCIDR()) {
			r.Report(c.Loc, fmt.Sprintf("cluster %s: %s overlaps its %s", c.Name, describePodCIDR(c, p), describeServiceCIDR(c)), "",
				"give the pod and service CIDRs disjoint ranges")
		}
	}
}

func checkPodCIDROverlap(ctx *Context, r *Reporter) {
	x := ctx.index()
	for _, ci := range x.clusters {
		c := ci.c
		p, ok := podCIDR(ci)
		if !ok {
			continue
		}
		overlapReport(x, ci, p, func(nr netRange) {
			r.Report(c.Loc, fmt.Sprintf("cluster %s: %s overlaps %s (%s, declared at %s)", c.Name, describePodCIDR(c, p), nr.what, nr.prefix, nr.loc), "",
				"choose a pod CIDR that no connected network uses")
		})
	}
}

// privateSpace is RFC 1918 and RFC 6598 space, where an overlay pod CIDR
// belongs (AKSD:concepts-network-azure-cni-overlay).
var privateSpace = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
}

func inPrivateSpace(p netip.Prefix) bool {
	for _, s := range privateSpace {
		if s.Bits() <= p.Bits() && s.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

func checkOverlayPodCIDRPrivate(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		p, ok := podCIDR(ci)
		if !ok || ci.mode == kb.Kubenet || !p.Addr().Is4() || inPrivateSpace(p) {
			continue
		}
		r.Report(ci.c.Loc, fmt.Sprintf("cluster %s: overlay %s is not RFC 1918 or RFC 6598 space", ci.c.Name, describePodCIDR(ci.c, p)), "",
			"move the pod CIDR into 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10")
	}
}

func checkPodCIDRCapacity(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		p, ok := podCIDR(ci)
		if !ok || !p.Addr().Is4() {
			continue
		}
		capacity := 0
		if p.Bits() <= kb.NodePodCIDRBits {
			capacity = 1 << (kb.NodePodCIDRBits - p.Bits())
		}
		need := ci.peakNodes()
		if need <= capacity {
			continue
		}
		var parts []string
		for _, pi := range ci.pools {
			parts = append(parts, fmt.Sprintf("%s %d+%d", pi.p.Name, pi.nodes, pi.surge))
		}
		fix := "widen the pod CIDR"
		for bits := min(p.Bits(), 24); bits >= 8; bits-- {
			if 1<<(24-bits) >= need {
				fix = fmt.Sprintf("widen the pod CIDR to a /%d or shorter (%d nodes), or lower maxCount or maxSurge", bits, 1<<(24-bits))
				break
			}
		}
		r.Report(ci.c.Loc, fmt.Sprintf("cluster %s: %s holds %d nodes (one /24 each) but the node pools reach %d with upgrade surge (%s)",
			ci.c.Name, describePodCIDR(ci.c, p), capacity, need, strings.Join(parts, ", ")), "", fix)
	}
}

func checkSubnetPrefix(ctx *Context, r *Reporter) {
	for _, v := range ctx.T.Azure.VNets {
		for _, s := range v.Subnets {
			p := s.Prefix
			switch {
			case !p.IsValid():
			case p.Addr().Is4() && p.Bits() > kb.MinSubnetPrefix:
				r.Report(s.Loc, fmt.Sprintf("subnet %s: %s is smaller than /29, the smallest subnet Azure creates", s.ID(), p), "", "use a /29 or a shorter prefix")
			case p.Addr().Is4() && p.Bits() < kb.MaxSubnetPrefix:
				r.Report(s.Loc, fmt.Sprintf("subnet %s: %s is larger than /2, the largest subnet Azure creates", s.ID(), p), "", "split it into subnets of /2 or longer")
			case p.Addr().Is6() && p.Bits() != kb.IPv6SubnetPrefix:
				r.Report(s.Loc, fmt.Sprintf("subnet %s: IPv6 subnet %s is not a /64", s.ID(), p), "", "IPv6 subnets must be exactly /64")
			}
		}
	}
}

// capacityMessage describes a subnet's users for a finding.
func capacityMessage(s *model.Subnet, uses []use, need int) string {
	parts := make([]string, 0, len(uses))
	for i, u := range uses {
		if i == 6 {
			parts = append(parts, fmt.Sprintf("and %d more", len(uses)-6))
			break
		}
		parts = append(parts, fmt.Sprintf("%s = %d", u.what, u.ips))
	}
	return fmt.Sprintf("subnet %s (%s, %d usable addresses) needs %d at full scale with upgrade surge: %s",
		s.ID(), s.Prefix, usable(s.Prefix), need, strings.Join(parts, "; "))
}

// shortestFitting is the longest prefix whose subnet holds need addresses.
func shortestFitting(need int) int {
	for bits := kb.MinSubnetPrefix; bits >= kb.MaxSubnetPrefix; bits-- {
		if 1<<(32-bits)-kb.AzureReservedIPsPerSubnet >= need {
			return bits
		}
	}
	return kb.MaxSubnetPrefix
}

func checkSubnetCapacity(ctx *Context, r *Reporter) {
	x := ctx.index()
	for _, v := range ctx.T.Azure.VNets {
		for _, s := range v.Subnets {
			uses := x.uses[s]
			if len(uses) == 0 || !s.Prefix.Addr().Is4() || hasUse(uses, usePods) {
				continue
			}
			need := 0
			for _, u := range uses {
				need += u.ips
			}
			if need > usable(s.Prefix) {
				r.Report(s.Loc, capacityMessage(s, uses, need), "",
					fmt.Sprintf("make the subnet a /%d or larger, or move other users out of it, or lower maxCount, maxSurge or maxPods", shortestFitting(need)))
			}
		}
	}
}

func hasUse(uses []use, k useKind) bool {
	for _, u := range uses {
		if u.kind == k {
			return true
		}
	}
	return false
}

func checkPodSubnetCapacity(ctx *Context, r *Reporter) {
	x := ctx.index()
	for _, v := range ctx.T.Azure.VNets {
		for _, s := range v.Subnets {
			uses := x.uses[s]
			if !hasUse(uses, usePods) || !s.Prefix.Addr().Is4() {
				continue
			}
			need := 0
			for _, u := range uses {
				need += u.ips
			}
			if need > usable(s.Prefix) {
				r.Report(s.Loc, "pod "+capacityMessage(s, uses, need), "",
					fmt.Sprintf("make the pod subnet a /%d or larger, or lower maxPods, maxCount or maxSurge of its pools", shortestFitting(need)))
			}
		}
	}
}

func checkStaticBlockMaxPods(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		for _, p := range ci.pools {
			if !strings.EqualFold(string(p.p.PodIPAllocationMode), "StaticBlock") || !p.maxPodsSet || (p.maxPods+1)%16 == 0 {
				continue
			}
			blocks := (p.maxPods + 1 + 15) / 16
			lower, upper := blocks*16-17, blocks*16-1
			fix := fmt.Sprintf("set maxPods to %d (same blocks, no waste)", upper)
			if lower >= 10 {
				fix = fmt.Sprintf("set maxPods to %d (one block less per node) or %d (same blocks, no waste)", lower, upper)
			}
			r.Report(p.p.Loc, fmt.Sprintf("node pool %s/%s: maxPods %d reserves %d /28 blocks (%d addresses) per node for %d, wasting %d",
				ci.c.Name, p.p.Name, p.maxPods, blocks, blocks*16, p.maxPods+1, blocks*16-p.maxPods-1), "", fix)
		}
	}
}

func checkPodSubnetMaxPodsSet(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		for _, p := range ci.pools {
			if p.p.PodSubnet.IsSet() && !p.maxPodsSet {
				r.Report(p.p.Loc, fmt.Sprintf("node pool %s/%s uses pod subnet %s but does not set maxPods", ci.c.Name, p.p.Name, p.p.PodSubnet.Name), "",
					"write maxPods on the pool")
			}
		}
	}
}

func checkWindowsMaxPods(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		for _, p := range ci.pools {
			if p.p.OSType != "Windows" || p.maxPods <= kb.WindowsRecommendedMaxPods {
				continue
			}
			what := fmt.Sprintf("maxPods %d", p.maxPods)
			if !p.maxPodsSet {
				what += fmt.Sprintf(" (the %s default, as maxPods is omitted)", p.props.Title)
			}
			r.Report(p.p.Loc, fmt.Sprintf("Windows node pool %s/%s allows %s per node; the recommended maximum for Windows is 110", ci.c.Name, p.p.Name, what), "",
				"set maxPods to 110 or less")
		}
	}
}

func checkPoolPodRoom(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		for _, p := range ci.pools {
			if p.p.Count == 0 || p.maxPods == 0 || p.maxPods*p.p.Count >= 30 {
				continue
			}
			r.Report(p.p.Loc, fmt.Sprintf("node pool %s/%s has room for %d pods (maxPods %d × %d nodes); AKS needs at least 30 per pool",
				ci.c.Name, p.p.Name, p.maxPods*p.p.Count, p.maxPods, p.p.Count), "",
				fmt.Sprintf("raise maxPods to %d or the node count to %d", (30+p.p.Count-1)/p.p.Count, (30+p.maxPods-1)/p.maxPods))
		}
	}
}
