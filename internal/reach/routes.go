package reach

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/aksnet/aksnet/internal/model"
)

// Route is one entry of a subnet's effective routes: a user-defined route
// of its route table, a route the VNet gateway propagates, or a system
// route Azure creates.
type Route struct {
	Prefix  netip.Prefix
	NextHop model.NextHopType
	// NextHopIP is the appliance of a VirtualAppliance route.
	NextHopIP netip.Addr
	// Source is "user", "gateway" or "system"; on equal prefixes a user
	// route beats a gateway route, which beats a system route
	// (virtual-networks-udr-overview, "How Azure selects a route").
	Source string
	// Name says where the route comes from, for a trace.
	Name string
	// Peer is the remote VNet of a VNetPeering system route.
	Peer *model.VNet
	// Conn is the connection behind a gateway route.
	Conn *model.Connection
	Loc  model.Location

	from *model.VNet
	rt   *model.RouteTable
	udr  *model.Route
}

// NextHopVNetPeering is the next hop of the system routes of a peering; a
// user cannot set it (model.NextHopType.Enum).
const NextHopVNetPeering model.NextHopType = "VNetPeering"

// sourceRank orders route sources for equal prefixes.
func sourceRank(s string) int {
	switch s {
	case "user":
		return 0
	case "gateway":
		return 1
	}
	return 2
}

// defaultNone are the system routes Azure creates with next hop None: the
// private ranges and the shared address space, unless a VNet's address
// space or a more specific route covers them (virtual-networks-udr-overview,
// "Default" system routes: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 and
// 100.64.0.0/10 → None).
var defaultNone = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
}

// EffectiveRoutes lists the routes of a subnet as Azure computes them
// (virtual-networks-udr-overview): system routes for the VNet's address
// space (VnetLocal), for each connected peering (VNetPeering), the default
// route to the Internet and the None routes of the private ranges; the
// routes the VNet gateway propagates for its connections, or the hub's
// with gateway transit, unless the route table disables gateway route
// propagation; then the route table's user-defined routes.
func (ns *Networks) EffectiveRoutes(s *model.Subnet) []Route {
	var out []Route
	ns.eachRoute(s, func(r Route) { out = append(out, named(r)) })
	return out
}

// named fills a route's Name: built only for the routes a trace shows,
// since a hub has a route per peered spoke.
func named(r Route) Route {
	if r.Name != "" {
		return r
	}
	switch {
	case r.Peer != nil:
		r.Name = "system route of peering " + r.from.Name + " → " + r.Peer.Name
	case r.Conn != nil:
		r.Name = fmt.Sprintf("route propagated by gateway %s for connection %s", r.Conn.Gateway.Name, r.Conn.Name)
	case r.rt != nil:
		r.Name = "route " + r.udr.Name + " of route table " + r.rt.Name
	case r.NextHop == model.NextHopVnetLocal:
		r.Name = "system route for vnet " + r.from.Name + "'s address space"
	case r.NextHop == model.NextHopInternet:
		r.Name = "system default route"
	default:
		r.Name = "system route " + r.Prefix.String() + " → " + string(r.NextHop)
	}
	return r
}

// eachRoute yields a subnet's effective routes without their names.
func (ns *Networks) eachRoute(s *model.Subnet, yield func(Route)) {
	v := s.VNet
	out := routeSink(yield)
	for _, p := range v.AddressSpace {
		out.add(Route{Prefix: p.Masked(), NextHop: model.NextHopVnetLocal, Source: "system", from: v, Loc: v.Loc})
	}
	for _, p := range v.Peerings {
		r := p.Remote.Target
		if r == nil || !connected(p, r) {
			continue
		}
		for _, pre := range r.AddressSpace {
			out.add(Route{Prefix: pre.Masked(), NextHop: NextHopVNetPeering, Source: "system", Peer: r, from: v, Loc: p.Loc})
		}
	}
	rt := s.RouteTable.Target
	if rt == nil || !rt.DisableBGPRoutePropagation {
		for _, c := range ns.t.Connections {
			g := c.Gateway.Target
			if g == nil || g.VNet.Target == nil || ns.down[c.Name] {
				continue
			}
			if hub := g.VNet.Target; hub != v && !Transits(v, hub) {
				continue
			}
			prefixes := c.RemotePrefixes
			if len(prefixes) == 0 {
				prefixes = c.Remote.Prefixes()
			}
			for _, pre := range prefixes {
				out.add(Route{Prefix: pre.Masked(), NextHop: model.NextHopVirtualNetworkGateway, Source: "gateway", Conn: c, from: v, Loc: c.Loc})
			}
		}
	}
	out.add(Route{Prefix: defaultRoute, NextHop: model.NextHopInternet, Source: "system", from: v})
	for _, p := range defaultNone {
		// "If you assign an address range to the address space of a
		// virtual network that includes, but isn't the same as, one of the
		// four reserved address prefixes, Azure removes the route for the
		// prefix" (virtual-networks-udr-overview, "Default"); an equal
		// range turns it into the VnetLocal route above.
		if slices.ContainsFunc(v.AddressSpace, func(a netip.Prefix) bool { return a.Overlaps(p) }) {
			continue
		}
		out.add(Route{Prefix: p, NextHop: model.NextHopNone, Source: "system", from: v})
	}
	if rt != nil {
		for _, r := range rt.Routes {
			out.add(Route{Prefix: r.AddressPrefix.Masked(), NextHop: r.NextHopType, NextHopIP: r.NextHopIP, Source: "user", from: v, rt: rt, udr: r, Loc: r.Loc})
		}
	}
}

type routeSink func(Route)

func (f routeSink) add(r Route) { f(r) }

var defaultRoute = netip.MustParsePrefix("0.0.0.0/0")

// RouteFor picks the route a packet to dst takes out of subnet s: the
// longest matching prefix, then user before gateway before system
// (virtual-networks-udr-overview, "How Azure selects a route"). ok is false
// when no route matches (an IPv6 destination without IPv6 routes).
func (ns *Networks) RouteFor(s *model.Subnet, dst netip.Addr) (Route, bool) {
	var best Route
	found := false
	ns.eachRoute(s, func(r Route) {
		if !r.Prefix.Contains(dst) {
			return
		}
		if !found || r.Prefix.Bits() > best.Prefix.Bits() ||
			r.Prefix.Bits() == best.Prefix.Bits() && sourceRank(r.Source) < sourceRank(best.Source) {
			best, found = r, true
		}
	})
	if found {
		best = named(best)
	}
	return best, found
}

// connected is Peered(p.From, r) from p, one side already in hand: it
// scans r's peerings only, not p.From's (a hub has a thousand). p.From is
// set when the topology is linked (model/link.go).
func connected(p *model.Peering, r *model.VNet) bool {
	if p.From == nil {
		return false
	}
	back := Side(r, p.From)
	return back != nil && p.VirtualNetworkAccess() && back.VirtualNetworkAccess()
}
