package model

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/internal/kb"
)

// Validate checks what makes a topology incoherent — an address outside its
// subnet, overlapping subnets in one VNet, a next hop without an address.
// Platform rules and design pitfalls (a DNS service IP outside the service
// CIDR, a subnet too small) are not load errors: `aksnet check` reports them
// with rule IDs. Validate runs after Link.
func (t *Topology) Validate() ErrorList {
	var errs ErrorList
	// A missing apiVersion or kind is the decoder's "missing required field".
	if t.APIVersion != "" && t.APIVersion != APIVersion {
		errs.Add(Errorf(t.Loc, "apiVersion %q is not supported", t.APIVersion).WithHint("write apiVersion: %s", APIVersion))
	}
	if t.Kind != "" && t.Kind != "Topology" {
		errs.Add(Errorf(t.Loc, "kind %q is not Topology", t.Kind).WithHint("write kind: Topology"))
	}
	t.validateAzure(&errs)
	t.validateAWS(&errs)
	t.validateOnPrem(&errs)
	t.validateAddressUse(&errs)
	return errs
}

func (t *Topology) validateAzure(errs *ErrorList) {
	for _, v := range t.Azure.VNets {
		overlapping(v.AddressSpace, func(i, j int) {
			errs.Add(Errorf(v.Loc, "vnet %s: address spaces %s and %s overlap", v.Name, v.AddressSpace[i], v.AddressSpace[j]).
				WithHint("remove one or make them disjoint"))
		})
		for _, s := range v.Subnets {
			if !s.Prefix.IsValid() {
				continue
			}
			if validPrefixes(v.AddressSpace) && !containedIn(s.Prefix, v.AddressSpace) {
				errs.Add(Errorf(s.Loc, "subnet %s (%s) is outside the address space of vnet %s (%s)", s.ID(), s.Prefix, v.Name, joinPrefixes(v.AddressSpace)).
					WithHint("choose a prefix inside the address space, or add a range to addressSpace"))
			}
		}
		for i, a := range v.Subnets {
			for _, b := range v.Subnets[i+1:] {
				if a.Prefix.IsValid() && b.Prefix.IsValid() && a.Prefix.Overlaps(b.Prefix) {
					errs.Add(Errorf(b.Loc, "subnet %s (%s) overlaps subnet %s (%s) declared at %s", b.ID(), b.Prefix, a.ID(), a.Prefix, a.Loc).
						WithHint("subnets of one VNet must not overlap"))
				}
			}
		}
		for _, p := range v.Peerings {
			if p.Remote.Target == v {
				errs.Add(Errorf(p.Remote.Loc, "vnet %s is peered with itself", v.Name).WithHint("name another VNet in remoteVnet"))
			}
		}
	}
	for _, rt := range t.Azure.RouteTables {
		for _, r := range rt.Routes {
			switch {
			case r.NextHopType == NextHopVirtualAppliance && !r.NextHopIP.IsValid():
				errs.Add(Errorf(r.Loc, "route %s: next hop VirtualAppliance needs nextHopIpAddress", r.Name).
					WithHint("give the appliance's private IP, e.g. the firewall's"))
			case r.NextHopType != "" && r.NextHopType != NextHopVirtualAppliance && r.NextHopIP.IsValid():
				errs.Add(Errorf(r.Loc, "route %s: nextHopIpAddress is allowed only with next hop VirtualAppliance, not %s", r.Name, r.NextHopType).
					WithHint("remove nextHopIpAddress or set nextHopType: VirtualAppliance"))
			}
		}
	}
	for _, n := range t.Azure.NetworkSecurityGroups {
		prio := map[string]*SecurityRule{}
		for _, r := range n.Rules {
			k := string(r.Direction) + strconv.Itoa(r.Priority)
			if p := prio[k]; p != nil {
				errs.Add(Errorf(r.Loc, "NSG %s: rules %s and %s both have %s priority %d", n.Name, p.Name, r.Name, r.Direction, r.Priority).
					WithHint("priorities must be unique per direction"))
			}
			prio[k] = r
			for _, pfx := range append(append([]string{}, r.SourcePrefixes...), r.DestinationPrefixes...) {
				if err := checkNSGPrefix(pfx); err != nil {
					errs.Add(Errorf(r.Loc, "NSG %s rule %s: %v", n.Name, r.Name, err))
				}
			}
			for _, pr := range append(append([]string{}, r.SourcePorts...), r.DestinationPorts...) {
				if _, _, err := ParsePortRange(pr); err != nil {
					errs.Add(Errorf(r.Loc, "NSG %s rule %s: %v", n.Name, r.Name, err))
				}
			}
		}
	}
	for _, g := range t.Azure.Gateways {
		if v := g.VNet.Target; v != nil && !hasSubnet(v, "GatewaySubnet") {
			errs.Add(Errorf(g.Loc, "gateway %s: vnet %s has no subnet named GatewaySubnet", g.Name, v.Name).
				WithHint("Azure puts virtual network gateways in a subnet named GatewaySubnet; add one (/27 or larger)"))
		}
	}
	for _, r := range t.Azure.DNSResolvers {
		for _, e := range r.InboundEndpoints {
			checkResolverSubnet(errs, r, e.Subnet, e.Loc, "inbound endpoint "+e.Name)
		}
		for _, e := range r.OutboundEndpoints {
			checkResolverSubnet(errs, r, e.Subnet, e.Loc, "outbound endpoint "+e.Name)
		}
	}
	for _, z := range t.Azure.PrivateDNSZones {
		linked := map[*VNet]*VNetLink{}
		for _, l := range z.Links {
			if v := l.VNet.Target; v != nil {
				if p := linked[v]; p != nil {
					errs.Add(Errorf(l.Loc, "zone %s is linked twice to vnet %s (first at %s)", z.Name, v.Name, p.Loc).
						WithHint("Azure allows one link between a zone and a VNet"))
				}
				linked[v] = l
			}
		}
	}
	t.validateResourceTypes(errs)
	for _, pe := range t.Azure.PrivateEndpoints {
		t.validateEndpointSubresource(errs, pe)
	}
	for _, c := range t.Azure.Clusters {
		pools := map[string]*NodePool{}
		for _, p := range c.NodePools {
			if q := pools[p.Name]; q != nil {
				errs.Add(Errorf(p.Loc, "cluster %s: duplicate node pool %q (first at %s)", c.Name, p.Name, q.Loc))
			}
			pools[p.Name] = p
			if _, err := p.Surge(); err != nil {
				errs.Add(Errorf(p.Loc, "node pool %s: %v", p.Name, err))
			}
			if p.MaxCount > 0 && p.MinCount > p.MaxCount {
				errs.Add(Errorf(p.Loc, "node pool %s: minCount %d is above maxCount %d", p.Name, p.MinCount, p.MaxCount))
			}
			if p.PodIPAllocationMode != "" && !p.PodSubnet.IsSet() {
				errs.Add(Errorf(p.Loc, "node pool %s: podIpAllocationMode needs a podSubnet", p.Name).
					WithHint("add podSubnet: VNET/SUBNET or remove podIpAllocationMode"))
			}
		}
		for key := range c.CoreDNSCustom {
			if !strings.HasSuffix(key, ".server") && !strings.HasSuffix(key, ".override") {
				at, ok := c.CoreDNSCustomLoc[key]
				if !ok {
					at = c.Loc
				}
				errs.Add(Errorf(at, "cluster %s: corednsCustom key %q must end in .server or .override", c.Name, key).
					WithHint("AKS imports only custom/*.server and custom/*.override (coredns-custom.md)"))
			}
		}
		if v := c.VNet(); v != nil {
			for _, p := range c.NodePools[1:] {
				if s := p.Subnet.Target; s != nil && s.VNet != v {
					errs.Add(Errorf(p.Subnet.Loc, "node pool %s is in vnet %s but the cluster's first pool is in %s", p.Name, s.VNet.Name, v.Name).
						WithHint("all node pools of a cluster share one VNet"))
				}
			}
		}
	}
}

// validateEndpointSubresource checks a private endpoint's target against the
// privatelink table: an unknown subresource is a deployment Azure refuses.
func (t *Topology) validateEndpointSubresource(errs *ErrorList, pe *PrivateEndpoint) {
	r := pe.Resource.Target
	if r == nil || pe.Subresource == "" {
		return // unresolved, or reported as missing
	}
	if kb.HasPrivateLink(r.Type, pe.Subresource) || !kb.KnownResourceType(r.Type) {
		// An unknown type is reported once, on the resource.
		return
	}
	subs := kb.SubresourcesOf(r.Type)
	e := Errorf(pe.Loc, "private endpoint %s: %s has no subresource %q", pe.Name, r.Type, pe.Subresource)
	switch c := Closest(pe.Subresource, subs); {
	case c != "":
		e.WithHint("did you mean %q?", c)
	case len(subs) > 0:
		e.WithHint("its subresources are %s", strings.Join(subs, ", "))
	}
	errs.Add(e)
}

// validateResourceTypes checks each PaaS resource's type against the
// privatelink table, the only source of its DNS names.
func (t *Topology) validateResourceTypes(errs *ErrorList) {
	for _, r := range t.Azure.Resources {
		if kb.KnownResourceType(r.Type) {
			continue
		}
		e := Errorf(r.Loc, "resource %s: type %q is not in the privatelink table", r.Name, r.Type)
		if c := Closest(r.Type, kb.ResourceTypes()); c != "" {
			e.WithHint("did you mean %q?", c)
		} else {
			e.WithHint("use an ARM type such as Microsoft.KeyVault/vaults; `aksnet kb privatelink` lists them")
		}
		errs.Add(e)
	}
}

func checkResolverSubnet(errs *ErrorList, r *DNSResolver, s Ref[Subnet], at Location, what string) {
	if s.Target == nil || r.VNet.Target == nil {
		return
	}
	if s.Target.VNet != r.VNet.Target {
		errs.Add(Errorf(s.Loc, "%s of resolver %s is in vnet %s, not the resolver's vnet %s", what, r.Name, s.Target.VNet.Name, r.VNet.Target.Name).
			WithHint("endpoints live in subnets of the resolver's own VNet"))
	}
	if s.Target.Delegation != "" && !strings.EqualFold(s.Target.Delegation, "Microsoft.Network/dnsResolvers") {
		errs.Add(Errorf(s.Loc, "%s of resolver %s: subnet %s is delegated to %s", what, r.Name, s.Target.ID(), s.Target.Delegation).
			WithHint("resolver endpoints need a subnet delegated to Microsoft.Network/dnsResolvers"))
	}
}

func (t *Topology) validateAWS(errs *ErrorList) {
	for _, v := range t.AWS.VPCs {
		overlapping(v.CIDRs, func(i, j int) {
			errs.Add(Errorf(v.Loc, "vpc %s: CIDR blocks %s and %s overlap", v.Name, v.CIDRs[i], v.CIDRs[j]))
		})
		for _, s := range v.Subnets {
			if s.CIDR.IsValid() && validPrefixes(v.CIDRs) && !containedIn(s.CIDR, v.CIDRs) {
				errs.Add(Errorf(s.Loc, "subnet %s/%s (%s) is outside the CIDR blocks of vpc %s (%s)", v.Name, s.Name, s.CIDR, v.Name, joinPrefixes(v.CIDRs)))
			}
		}
		for i, a := range v.Subnets {
			for _, b := range v.Subnets[i+1:] {
				if a.CIDR.IsValid() && b.CIDR.IsValid() && a.CIDR.Overlaps(b.CIDR) {
					errs.Add(Errorf(b.Loc, "subnet %s/%s (%s) overlaps %s/%s (%s) declared at %s", v.Name, b.Name, b.CIDR, v.Name, a.Name, a.CIDR, a.Loc))
				}
			}
		}
		if d := v.DHCPOptions; d != nil {
			amazon, ips := 0, 0
			for _, s := range d.DomainNameServers {
				if s == "AmazonProvidedDNS" {
					amazon++
				} else if _, err := netip.ParseAddr(s); err == nil {
					ips++
				} else {
					errs.Add(Errorf(d.Loc, "dhcpOptions.domainNameServers: %q is neither AmazonProvidedDNS nor an IP address", s))
				}
			}
			if amazon > 0 && ips > 0 {
				errs.Add(Errorf(d.Loc, "dhcpOptions.domainNameServers mixes AmazonProvidedDNS with IP addresses").
					WithHint("AWS takes AmazonProvidedDNS or up to four IPs, not both"))
			}
		}
	}
	for _, r := range t.AWS.ResolverRules {
		switch r.Type {
		case "FORWARD":
			if len(r.Targets) == 0 {
				errs.Add(Errorf(r.Loc, "resolver rule %s: a FORWARD rule needs targetIps", r.Name))
			}
			if !r.Endpoint.IsSet() {
				errs.Add(Errorf(r.Loc, "resolver rule %s: a FORWARD rule needs resolverEndpoint (an OUTBOUND endpoint)", r.Name))
			} else if e := r.Endpoint.Target; e != nil && e.Direction != "OUTBOUND" {
				errs.Add(Errorf(r.Endpoint.Loc, "resolver rule %s: endpoint %s is %s", r.Name, e.Name, e.Direction).
					WithHint("rules forward through an OUTBOUND endpoint"))
			}
		case "SYSTEM":
			if len(r.Targets) > 0 {
				errs.Add(Errorf(r.Loc, "resolver rule %s: a SYSTEM rule takes no targetIps", r.Name))
			}
		}
	}
}

func (t *Topology) validateOnPrem(errs *ErrorList) {
	for _, s := range t.OnPrem.Sites {
		for _, h := range s.Hosts {
			if h.IP.IsValid() && validPrefixes(s.AddressSpace) && !containsAddr(s.AddressSpace, h.IP) {
				errs.Add(Errorf(h.Loc, "host %s/%s: %s is outside the site's address space (%s)", s.Name, h.Name, h.IP, joinPrefixes(s.AddressSpace)).
					WithHint("fix the IP or add a range to addressSpace"))
			}
		}
	}
	for _, c := range t.Connections {
		g := c.Gateway.Target
		if g == nil || g.Type == "" || c.Type == "" {
			continue // unresolved or already reported
		}
		if (c.Type == "vpn") != (g.Type == "Vpn") {
			errs.Add(Errorf(c.Loc, "connection %s is %s but gateway %s is %s", c.Name, c.Type, g.Name, g.Type).
				WithHint("a vpn connection needs a Vpn gateway, an expressroute one an ExpressRoute gateway"))
		}
	}
}

// validateAddressUse checks that every declared private address lies in its
// subnet, is not one Azure reserves, and is used only once per network.
func (t *Topology) validateAddressUse(errs *ErrorList) {
	type use struct {
		what string
		at   Location
	}
	used := map[string]map[netip.Addr]use{} // by network name
	claim := func(network string, ip netip.Addr, what string, at Location) {
		m := used[network]
		if m == nil {
			m = map[netip.Addr]use{}
			used[network] = m
		}
		if p, ok := m[ip]; ok {
			errs.Add(Errorf(at, "%s: %s is already used by %s at %s", what, ip, p.what, p.at).WithHint("every address is assigned once"))
			return
		}
		m[ip] = use{what, at}
	}
	inSubnet := func(s Ref[Subnet], ip netip.Addr, what string, at Location) {
		sub := s.Target
		if sub == nil || !ip.IsValid() || !sub.Prefix.IsValid() {
			return
		}
		if !sub.Prefix.Contains(ip) {
			errs.Add(Errorf(at, "%s: %s is outside its subnet %s (%s)", what, ip, sub.ID(), sub.Prefix).
				WithHint("choose an address in %s", sub.Prefix))
			return
		}
		if AzureReserved(sub.Prefix, ip) {
			errs.Add(Errorf(at, "%s: %s is reserved by Azure in subnet %s (%s)", what, ip, sub.ID(), sub.Prefix).
				WithHint("Azure reserves the first four and the last address of every subnet; the first usable is %s", sub.Prefix.Addr().Next().Next().Next().Next()))
			return
		}
		claim("vnet:"+sub.VNet.Name, ip, what, at)
	}
	for _, vm := range t.Azure.VMs {
		inSubnet(vm.Subnet, vm.IP, "vm "+vm.Name, vm.Loc)
	}
	for _, f := range t.Azure.Firewalls {
		inSubnet(f.Subnet, f.IP, "firewall "+f.Name, f.Loc)
	}
	for _, pe := range t.Azure.PrivateEndpoints {
		inSubnet(pe.Subnet, pe.IP, "private endpoint "+pe.Name, pe.Loc)
		for _, m := range pe.Members {
			inSubnet(pe.Subnet, m.IP, fmt.Sprintf("private endpoint %s member %s", pe.Name, m.Name), m.Loc)
		}
	}
	for _, r := range t.Azure.DNSResolvers {
		for _, e := range r.InboundEndpoints {
			inSubnet(e.Subnet, e.IP, fmt.Sprintf("inbound endpoint %s/%s", r.Name, e.Name), e.Loc)
		}
	}
	for _, r := range t.Azure.Resources {
		if r.PrivateIP.IsValid() {
			if !r.DelegatedSubnet.IsSet() {
				errs.Add(Errorf(r.Loc, "resource %s: privateIp needs delegatedSubnet", r.Name))
			}
			inSubnet(r.DelegatedSubnet, r.PrivateIP, "resource "+r.Name, r.Loc)
		}
	}
	for _, g := range t.Azure.Gateways {
		if v := g.VNet.Target; v != nil && g.IP.IsValid() {
			for _, s := range v.Subnets {
				if s.Name == "GatewaySubnet" {
					inSubnet(Ref[Subnet]{Target: s}, g.IP, "gateway "+g.Name, g.Loc)
				}
			}
		}
	}
	for _, c := range t.Azure.Clusters {
		if ip := c.APIServer.PrivateIP; ip.IsValid() && len(c.NodePools) > 0 {
			sub := c.NodePools[0].Subnet
			if c.APIServer.VNetIntegrationSubnet.IsSet() {
				sub = c.APIServer.VNetIntegrationSubnet
			}
			inSubnet(sub, ip, "cluster "+c.Name+" API server", c.APIServer.Loc)
		}
	}
	for _, i := range t.AWS.Instances {
		awsInSubnet(errs, i.Subnet, i.IP, "instance "+i.Name, i.Loc, claim)
	}
	for _, e := range t.AWS.ResolverEndpoints {
		for _, ip := range e.IPs {
			awsInSubnet(errs, ip.Subnet, ip.IP, "resolver endpoint "+e.Name, ip.Loc, claim)
		}
	}
	for _, s := range t.OnPrem.Sites {
		for _, h := range s.Hosts {
			claim("site:"+s.Name, h.IP, "host "+s.Name+"/"+h.Name, h.Loc)
		}
	}
}

func awsInSubnet(errs *ErrorList, s Ref[AWSSubnet], ip netip.Addr, what string, at Location, claim func(string, netip.Addr, string, Location)) {
	sub := s.Target
	if sub == nil || !ip.IsValid() || !sub.CIDR.IsValid() {
		return
	}
	if !sub.CIDR.Contains(ip) {
		errs.Add(Errorf(at, "%s: %s is outside its subnet %s/%s (%s)", what, ip, sub.VPC.Name, sub.Name, sub.CIDR))
		return
	}
	claim("vpc:"+sub.VPC.Name, ip, what, at)
}

// AzureReserved reports whether ip is one of the five addresses Azure keeps
// in every subnet: network, gateway, two for Azure DNS, and broadcast
// (aks-constraints.md §1.4, virtual-networks-faq).
func AzureReserved(p netip.Prefix, ip netip.Addr) bool {
	if !p.Addr().Is4() {
		return false
	}
	base := p.Masked().Addr()
	for i := 0; i < 4; i++ {
		if ip == base {
			return true
		}
		base = base.Next()
	}
	return ip == LastAddr(p)
}

// LastAddr returns the last address of a prefix.
func LastAddr(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr().AsSlice()
	bits := p.Bits()
	for i := range a {
		hostBits := len(a)*8 - bits - (len(a)-1-i)*8
		switch {
		case hostBits >= 8:
			a[i] = 0xff
		case hostBits > 0:
			a[i] |= byte(1<<hostBits - 1)
		}
	}
	last, _ := netip.AddrFromSlice(a)
	return last
}

// Surge returns the pool's upgrade surge in nodes: a count, or a percentage
// of the node count (autoscaler maximum if set) rounded up; default 1
// (aks-constraints.md §1.5, upgrade-aks-node-pools-rolling).
func (p *NodePool) Surge() (int, error) {
	s := strings.TrimSpace(p.MaxSurge)
	if s == "" {
		return 1, nil
	}
	if pct, ok := strings.CutSuffix(s, "%"); ok {
		n, err := strconv.Atoi(pct)
		if err != nil || n < 0 || n > 100 {
			return 0, fmt.Errorf("maxSurge %q: a percentage must be 0%% to 100%%", s)
		}
		nodes := p.Count
		if p.MaxCount > nodes {
			nodes = p.MaxCount
		}
		return (nodes*n + 99) / 100, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("maxSurge %q must be a node count (1) or a percentage (33%%)", s)
	}
	return n, nil
}

// ParsePortRange parses "443", "8000-8100" or "*".
func ParsePortRange(s string) (lo, hi uint16, err error) {
	if s == "*" {
		return 0, 65535, nil
	}
	a, b, isRange := strings.Cut(s, "-")
	x, err1 := strconv.ParseUint(a, 10, 16)
	y := x
	var err2 error
	if isRange {
		y, err2 = strconv.ParseUint(b, 10, 16)
	}
	if err1 != nil || err2 != nil || x > y {
		return 0, 0, fmt.Errorf("port range %q must be a port, LOW-HIGH or *", s)
	}
	return uint16(x), uint16(y), nil
}

// NSGServiceTags are the service tags aksnet understands in NSG rules.
var NSGServiceTags = []string{"VirtualNetwork", "AzureLoadBalancer", "Internet", "AzureCloud", "AzurePlatformDNS", "AzureFirewall", "GatewayManager"}

func checkNSGPrefix(s string) error {
	if s == "*" {
		return nil
	}
	for _, t := range NSGServiceTags {
		if s == t {
			return nil
		}
	}
	if _, err := netip.ParsePrefix(s); err == nil {
		return nil
	}
	if _, err := netip.ParseAddr(s); err == nil {
		return nil
	}
	if c := Closest(s, NSGServiceTags); c != "" {
		return fmt.Errorf("address prefix %q is not a CIDR, an IP or a known service tag; did you mean %q?", s, c)
	}
	return fmt.Errorf("address prefix %q is not a CIDR, an IP, * or a service tag (%s)", s, strings.Join(NSGServiceTags, ", "))
}

// validPrefixes reports whether an address space was given and decoded; when
// it was not, the decoder has said so and containment checks would only
// repeat it.
func validPrefixes(ps []netip.Prefix) bool {
	if len(ps) == 0 {
		return false
	}
	for _, p := range ps {
		if !p.IsValid() {
			return false
		}
	}
	return true
}

func overlapping(ps []netip.Prefix, report func(i, j int)) {
	for i := range ps {
		for j := i + 1; j < len(ps); j++ {
			if ps[i].IsValid() && ps[j].IsValid() && ps[i].Overlaps(ps[j]) {
				report(i, j)
			}
		}
	}
}

func containedIn(p netip.Prefix, space []netip.Prefix) bool {
	for _, s := range space {
		if s.Bits() <= p.Bits() && s.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

func containsAddr(space []netip.Prefix, ip netip.Addr) bool {
	for _, s := range space {
		if s.Contains(ip) {
			return true
		}
	}
	return false
}

func hasSubnet(v *VNet, name string) bool {
	for _, s := range v.Subnets {
		if s.Name == name {
			return true
		}
	}
	return false
}

func joinPrefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}
