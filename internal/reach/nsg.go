package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/internal/model"
)

// NSGVerdict is what a network security group decides for one packet in
// one direction: the rule that matched first, by priority.
type NSGVerdict struct {
	Allowed  bool
	Rule     string
	Priority int
	// Default is set when one of Azure's default rules decided.
	Default bool
	Loc     model.Location
	// Notes name service tags the model does not hold, which matched
	// nothing.
	Notes []string
}

// defaultRules are the rules every NSG has below the user's
// (network-security-groups-overview, "Default security rules"):
// AllowVnetInBound 65000, AllowAzureLoadBalancerInBound 65001,
// DenyAllInBound 65500; AllowVnetOutBound 65000, AllowInternetOutBound
// 65001, DenyAllOutBound 65500.
var defaultRules = []*model.SecurityRule{
	{Name: "AllowVnetInBound", Priority: 65000, Direction: "Inbound", Access: "Allow", Protocol: "*",
		SourcePrefixes: []string{"VirtualNetwork"}, DestinationPrefixes: []string{"VirtualNetwork"}, DestinationPorts: []string{"*"}},
	{Name: "AllowAzureLoadBalancerInBound", Priority: 65001, Direction: "Inbound", Access: "Allow", Protocol: "*",
		SourcePrefixes: []string{"AzureLoadBalancer"}, DestinationPrefixes: []string{"*"}, DestinationPorts: []string{"*"}},
	{Name: "DenyAllInBound", Priority: 65500, Direction: "Inbound", Access: "Deny", Protocol: "*",
		SourcePrefixes: []string{"*"}, DestinationPrefixes: []string{"*"}, DestinationPorts: []string{"*"}},
	{Name: "AllowVnetOutBound", Priority: 65000, Direction: "Outbound", Access: "Allow", Protocol: "*",
		SourcePrefixes: []string{"VirtualNetwork"}, DestinationPrefixes: []string{"VirtualNetwork"}, DestinationPorts: []string{"*"}},
	{Name: "AllowInternetOutBound", Priority: 65001, Direction: "Outbound", Access: "Allow", Protocol: "*",
		SourcePrefixes: []string{"*"}, DestinationPrefixes: []string{"Internet"}, DestinationPorts: []string{"*"}},
	{Name: "DenyAllOutBound", Priority: 65500, Direction: "Outbound", Access: "Deny", Protocol: "*",
		SourcePrefixes: []string{"*"}, DestinationPrefixes: []string{"*"}, DestinationPorts: []string{"*"}},
}

// azureLoadBalancerIP is the address the AzureLoadBalancer service tag
// stands for: the platform's health probes come from 168.63.129.16
// (what-is-ip-address-168-63-129-16).
var azureLoadBalancerIP = netip.MustParseAddr("168.63.129.16")

// VirtualNetworkTag reports whether a is in the VirtualNetwork service tag
// of an NSG attached to a subnet of v: v's address space, its connected
// peerings' spaces, and the on-prem and other prefixes its gateway (or the
// hub's, with gateway transit) connects (service-tags-overview,
// "VirtualNetwork").
func (ns *Networks) VirtualNetworkTag(v *model.VNet, a netip.Addr) bool {
	in := func(ps []netip.Prefix) bool {
		return slices.ContainsFunc(ps, func(p netip.Prefix) bool { return p.Contains(a) })
	}
	if in(v.AddressSpace) {
		return true
	}
	for _, p := range v.Peerings {
		if r := p.Remote.Target; r != nil && connected(p, r) && in(r.AddressSpace) {
			return true
		}
	}
	for _, c := range ns.t.Connections {
		g := c.Gateway.Target
		if g == nil || g.VNet.Target == nil {
			continue
		}
		if hub := g.VNet.Target; hub != v && !Transits(v, hub) {
			continue
		}
		prefixes := c.RemotePrefixes
		if len(prefixes) == 0 {
			prefixes = c.Remote.Prefixes()
		}
		if in(prefixes) {
			return true
		}
	}
	return false
}

// EvalNSG evaluates nsg, attached to a subnet of v, for a packet src → dst
// in direction dir ("Inbound" or "Outbound"): rules from the lowest
// priority number up, the first match decides, then the default rules
// (network-security-groups-overview, "Security rules"). proto is tcp, udp
// or sctp; an NSG rule's protocol Tcp or Udp matches its own, * any.
func (ns *Networks) EvalNSG(nsg *model.NSG, v *model.VNet, dir model.Direction, src, dst netip.Addr, proto string, port int) NSGVerdict {
	rules := make([]*model.SecurityRule, 0, len(nsg.Rules))
	for _, r := range nsg.Rules {
		if r.Direction == dir {
			rules = append(rules, r)
		}
	}
	slices.SortStableFunc(rules, func(a, b *model.SecurityRule) int { return a.Priority - b.Priority })
	var notes []string
	match := func(prefixes []string, a netip.Addr) bool {
		for _, p := range prefixes {
			ok, known := ns.prefixMatch(p, v, a)
			if !known && !slices.Contains(notes, p) {
				notes = append(notes, p)
			}
			if ok {
				return true
			}
		}
		return false
	}
	for i, list := range [][]*model.SecurityRule{rules, defaultRules} {
		for _, r := range list {
			if i == 1 && r.Direction != dir {
				continue
			}
			if !protoMatch(r.Protocol, proto) || !portMatch(r.DestinationPorts, port) ||
				!match(r.SourcePrefixes, src) || !match(r.DestinationPrefixes, dst) {
				continue
			}
			out := NSGVerdict{Allowed: r.Access == "Allow", Rule: r.Name, Priority: r.Priority, Default: i == 1, Loc: r.Loc}
			if i == 1 {
				out.Loc = nsg.Loc
			}
			for _, n := range notes {
				out.Notes = append(out.Notes, fmt.Sprintf("service tag %s is not modelled: aksnet matched no address to it", n))
			}
			return out
		}
	}
	// Unreachable: DenyAll matches everything.
	return NSGVerdict{Rule: "DenyAll", Priority: 65500, Default: true, Loc: nsg.Loc}
}

// prefixMatch matches one address prefix of a rule: *, a CIDR, an address
// or a service tag. known is false for a tag the model does not hold.
func (ns *Networks) prefixMatch(p string, v *model.VNet, a netip.Addr) (ok, known bool) {
	switch strings.ToLower(p) {
	case "*", "any", "0.0.0.0/0":
		return true, true
	case "virtualnetwork":
		return ns.VirtualNetworkTag(v, a), true
	case "azureloadbalancer":
		return a == azureLoadBalancerIP, true
	case "internet":
		// Outside the VirtualNetwork tag and publicly routable
		// (service-tags-overview, "Internet").
		return !ns.VirtualNetworkTag(v, a) && !a.IsPrivate() && !sharedSpace.Contains(a), true
	}
	if pre, err := netip.ParsePrefix(p); err == nil {
		return pre.Contains(a), true
	}
	if ip, err := netip.ParseAddr(p); err == nil {
		return ip == a, true
	}
	return false, false
}

var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

func protoMatch(rule model.NSGProtocol, proto string) bool {
	return rule == "*" || strings.EqualFold(string(rule), proto)
}

// portMatch matches a port against ranges: *, 443, 8000-8100.
func portMatch(ranges []string, port int) bool {
	if len(ranges) == 0 {
		return true
	}
	for _, r := range ranges {
		if r == "*" {
			return true
		}
		lo, hi, isRange := strings.Cut(r, "-")
		l, err := strconv.Atoi(strings.TrimSpace(lo))
		if err != nil {
			continue
		}
		h := l
		if isRange {
			if h, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil {
				continue
			}
		}
		if port >= l && port <= h {
			return true
		}
	}
	return false
}
