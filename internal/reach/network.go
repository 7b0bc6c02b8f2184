// Package reach answers whether a packet gets from one address of an estate
// to another, and how. This file holds the L3 facts every engine shares:
// which network holds an address, and which networks reach each other over
// VNet peering and VPN/ExpressRoute connections. The DNS engine uses it for
// every query on the wire (a server it cannot reach is a timeout).
package reach

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/aksnet/aksnet/internal/model"
)

// Network is where an address lives: a VNet, a VPC or an on-prem site; the
// zero Network is the internet (or an address the topology does not hold).
type Network struct {
	VNet *model.VNet
	VPC  *model.VPC
	Site *model.Site
}

func (n Network) String() string {
	switch {
	case n.VNet != nil:
		return "vnet " + n.VNet.Name
	case n.VPC != nil:
		return "vpc " + n.VPC.Name
	case n.Site != nil:
		return "site " + n.Site.Name
	}
	return "the internet"
}

// IsZero reports an address outside every declared network.
func (n Network) IsZero() bool { return n.VNet == nil && n.VPC == nil && n.Site == nil }

// Networks answers which network holds an address and whether a packet
// from one gets to another: the address spaces, VNet peering (both sides
// connected, non-transitive) and VPN/ExpressRoute connections through a
// gateway, used by the gateway's VNet and by peered VNets that use remote
// gateways (gateway transit) — aks-constraints.md §4. Route tables, NVAs
// and NSGs are not consulted yet. Connections named in Down are cut.
type Networks struct {
	t    *model.Topology
	down map[string]bool
	// byLen indexes every address space by prefix length, so that finding
	// an address's network costs a lookup per distinct length, not a scan
	// of every VNet (an estate has a thousand).
	byLen map[int]map[netip.Prefix]ordered
	lens  []int
}

// ordered is a network with its declaration order: where address spaces
// overlap (unpeered VNets may), the first declared wins.
type ordered struct {
	order int
	net   Network
}

// New indexes t's networks; down names connections to treat as cut.
func New(t *model.Topology, down []string) *Networks {
	ns := &Networks{t: t, down: map[string]bool{}, byLen: map[int]map[netip.Prefix]ordered{}}
	for _, c := range down {
		ns.down[c] = true
	}
	order := 0
	add := func(p netip.Prefix, n Network) {
		p = p.Masked()
		m := ns.byLen[p.Bits()]
		if m == nil {
			m = map[netip.Prefix]ordered{}
			ns.byLen[p.Bits()] = m
			ns.lens = append(ns.lens, p.Bits())
		}
		if _, dup := m[p]; !dup {
			m[p] = ordered{order, n}
		}
		order++
	}
	for _, v := range t.Azure.VNets {
		for _, p := range v.AddressSpace {
			add(p, Network{VNet: v})
		}
	}
	for _, v := range t.AWS.VPCs {
		for _, p := range v.CIDRs {
			add(p, Network{VPC: v})
		}
	}
	for _, s := range t.OnPrem.Sites {
		for _, p := range s.AddressSpace {
			add(p, Network{Site: s})
		}
	}
	slices.Sort(ns.lens)
	return ns
}

// Down reports whether connection name is cut.
func (ns *Networks) Down(name string) bool { return ns.down[name] }

// DownConnections lists the cut connections.
func (ns *Networks) DownConnections() []string {
	var out []string
	for c := range ns.down {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Of returns the network that holds a.
func (ns *Networks) Of(a netip.Addr) Network {
	best := ordered{order: -1}
	for _, l := range ns.lens {
		if l > a.BitLen() {
			continue
		}
		p, err := a.Prefix(l)
		if err != nil {
			continue
		}
		if o, ok := ns.byLen[l][p]; ok && (best.order < 0 || o.order < best.order) {
			best = o
		}
	}
	return best.net
}

// Path reports whether src reaches dst, and how, in words for a trace.
func (ns *Networks) Path(src, dst netip.Addr) (bool, string) { return ns.path(src, dst, true) }

// Reachable is Path without the words: what bulk checks ask.
func (ns *Networks) Reachable(src, dst netip.Addr) bool {
	ok, _ := ns.path(src, dst, false)
	return ok
}

func (ns *Networks) path(src, dst netip.Addr, explain bool) (bool, string) {
	a, b := ns.Of(src), ns.Of(dst)
	say := func(format string, args ...any) string {
		if !explain {
			return ""
		}
		return fmt.Sprintf(format, args...)
	}
	switch {
	case a.IsZero() || b.IsZero():
		return false, say("%s or %s is in no network the topology declares", src, dst)
	case a == b:
		return true, say("within %s", a)
	case a.VNet != nil && b.VNet != nil:
		if Peered(a.VNet, b.VNet) {
			return true, say("peering %s ↔ %s", a.VNet.Name, b.VNet.Name)
		}
	}
	if c, via := ns.connection(a, b, dst); c != nil {
		return true, say("%s connection %s%s", c.Type, c.Name, via)
	}
	if c, via := ns.connection(b, a, src); c != nil {
		return true, say("%s connection %s%s", c.Type, c.Name, via)
	}
	return false, say("no path from %s to %s: not peered (peering is not transitive) and no connection carries it", a, b)
}

// connection finds a connection that carries traffic from the VNet side a
// to the remote side b (a site or VPC whose prefixes hold dst).
func (ns *Networks) connection(a, b Network, dst netip.Addr) (*model.Connection, string) {
	if a.VNet == nil {
		return nil, ""
	}
	for _, c := range ns.t.Connections {
		g := c.Gateway.Target
		if g == nil || g.VNet.Target == nil || ns.down[c.Name] {
			continue
		}
		if c.Remote.Site.Target != b.Site || c.Remote.VPC.Target != b.VPC {
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
		if hub == a.VNet {
			return c, ""
		}
		if Transits(a.VNet, hub) {
			return c, fmt.Sprintf(" (gateway transit from %s through %s)", a.VNet.Name, hub.Name)
		}
	}
	return nil, ""
}

// Peered reports a connected peering: both sides declared, both allowing
// virtual network access (aks-constraints.md §4).
func Peered(a, b *model.VNet) bool {
	ab, ba := Side(a, b), Side(b, a)
	return ab != nil && ba != nil && ab.VirtualNetworkAccess() && ba.VirtualNetworkAccess()
}

// Side returns from's peering to to, nil when from declares none.
func Side(from, to *model.VNet) *model.Peering {
	for _, p := range from.Peerings {
		if p.Remote.Target == to {
			return p
		}
	}
	return nil
}

// Transits reports whether spoke uses hub's gateway: a connected peering
// with useRemoteGateways on the spoke and allowGatewayTransit on the hub.
func Transits(spoke, hub *model.VNet) bool {
	return Peered(spoke, hub) && Side(spoke, hub).UseRemoteGateways && Side(hub, spoke).AllowGatewayTransit
}
