package dns

import (
	"fmt"
	"net/netip"

	"github.com/aksnet/aksnet/internal/model"
)

// network is where an address lives: a VNet, a VPC or an on-prem site.
type network struct {
	vnet *model.VNet
	vpc  *model.VPC
	site *model.Site
}

func (n network) String() string {
	switch {
	case n.vnet != nil:
		return "vnet " + n.vnet.Name
	case n.vpc != nil:
		return "vpc " + n.vpc.Name
	case n.site != nil:
		return "site " + n.site.Name
	}
	return "the internet"
}

func (n network) zero() bool { return n.vnet == nil && n.vpc == nil && n.site == nil }

// networks answers which network holds an address and whether a packet
// from one gets to another. It models what DNS needs: the address spaces,
// VNet peering (both sides connected, non-transitive) and VPN/ExpressRoute
// connections through a gateway, used by the gateway's VNet and by peered
// VNets that use remote gateways (gateway transit). Route tables, NVAs and
// NSGs are the reachability engine's (internal/reach, issue 8) and are not
// consulted here yet. Connections named in down are cut.
type networks struct {
	t    *model.Topology
	down map[string]bool
}

func (ns *networks) of(a netip.Addr) network {
	for _, v := range ns.t.Azure.VNets {
		for _, p := range v.AddressSpace {
			if p.Contains(a) {
				return network{vnet: v}
			}
		}
	}
	for _, v := range ns.t.AWS.VPCs {
		for _, p := range v.CIDRs {
			if p.Contains(a) {
				return network{vpc: v}
			}
		}
	}
	for _, s := range ns.t.OnPrem.Sites {
		for _, p := range s.AddressSpace {
			if p.Contains(a) {
				return network{site: s}
			}
		}
	}
	return network{}
}

// path reports whether src reaches dst, and how (for the trace).
func (ns *networks) path(src, dst netip.Addr) (bool, string) {
	a, b := ns.of(src), ns.of(dst)
	switch {
	case a.zero() || b.zero():
		return false, fmt.Sprintf("%s or %s is in no network the topology declares", src, dst)
	case a == b:
		return true, "within " + a.String()
	case a.vnet != nil && b.vnet != nil:
		if peered(a.vnet, b.vnet) {
			return true, fmt.Sprintf("peering %s ↔ %s", a.vnet.Name, b.vnet.Name)
		}
	}
	if c, via := ns.connection(a, b, dst); c != nil {
		return true, fmt.Sprintf("%s connection %s%s", c.Type, c.Name, via)
	}
	if c, via := ns.connection(b, a, src); c != nil {
		return true, fmt.Sprintf("%s connection %s%s", c.Type, c.Name, via)
	}
	return false, fmt.Sprintf("no path from %s to %s: not peered (peering is not transitive) and no connection carries it", a, b)
}

// connection finds a connection that carries traffic from the VNet side a
// to the remote side b (a site or VPC whose prefixes hold dst).
func (ns *networks) connection(a, b network, dst netip.Addr) (*model.Connection, string) {
	if a.vnet == nil {
		return nil, ""
	}
	for _, c := range ns.t.Connections {
		g := c.Gateway.Target
		if g == nil || g.VNet.Target == nil || ns.down[c.Name] {
			continue
		}
		if c.Remote.Site.Target != b.site || c.Remote.VPC.Target != b.vpc {
			continue
		}
		prefixes := c.RemotePrefixes
		if len(prefixes) == 0 {
			prefixes = c.Remote.Prefixes()
		}
		carried := false
		for _, p := range prefixes {
			carried = carried || p.Contains(dst)
		}
		if !carried {
			continue
		}
		hub := g.VNet.Target
		if hub == a.vnet {
			return c, ""
		}
		if transits(a.vnet, hub) {
			return c, fmt.Sprintf(" (gateway transit from %s through %s)", a.vnet.Name, hub.Name)
		}
	}
	return nil, ""
}

// peered reports a connected peering: both sides declared, both allowing
// virtual network access (aks-constraints.md §4).
func peered(a, b *model.VNet) bool {
	return side(a, b) != nil && side(b, a) != nil && side(a, b).VirtualNetworkAccess() && side(b, a).VirtualNetworkAccess()
}

func side(from, to *model.VNet) *model.Peering {
	for _, p := range from.Peerings {
		if p.Remote.Target == to {
			return p
		}
	}
	return nil
}

// transits reports whether spoke uses hub's gateway: a connected peering
// with useRemoteGateways on the spoke and allowGatewayTransit on the hub.
func transits(spoke, hub *model.VNet) bool {
	return peered(spoke, hub) && side(spoke, hub).UseRemoteGateways && side(hub, spoke).AllowGatewayTransit
}
