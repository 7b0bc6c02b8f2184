package reach

import (
	"net/netip"
	"strconv"

	"github.com/aksnet/aksnet/internal/model"
)

// maxHops bounds the appliances a packet may cross, against route loops.
const maxHops = 8

// l3 follows the packet from the source to q.addr: the source subnet's
// outbound NSG, its effective route and the next hops after it (virtual
// appliances re-route from their own subnet), peering with
// allowForwardedTraffic for forwarded packets, gateways to on-prem and
// AWS, then the destination subnet's inbound NSG. It reports whether the
// packet arrives, with the hops appended.
func (q *query) l3() bool {
	e, dst := q.e, q.addr
	ns := e.nets
	if q.v.Kind == model.VantageInternet {
		if ns.Of(dst).IsZero() && !dst.IsPrivate() {
			q.hop("internet", "pass", model.Location{}, "the internet routes %s", dst)
			return true
		}
		q.block("internet", model.Location{}, "", "%s is a private address: the internet does not route it", dst)
		return false
	}
	cur := q.src.subnet
	if cur == nil {
		// On-prem or AWS: the connection to Azure, then the destination
		// subnet (gateway subnet route tables are not modelled).
		if ns.Of(dst).IsZero() && !dst.IsPrivate() {
			q.hop("internet", "pass", model.Location{}, "leaves for the internet")
			return true
		}
		ok, how := ns.Path(q.src.addr, dst)
		if !ok {
			q.block("route", model.Location{}, "connect the networks (peering, or a connection carrying the prefix)", "%s", how)
			return false
		}
		q.hop("route", "pass", model.Location{}, "%s", how)
		return q.inbound()
	}
	if nsg := cur.NSG.Target; nsg != nil {
		v := ns.EvalNSG(nsg, cur.VNet, "Outbound", q.src.addr, dst, q.t.Proto, q.t.Port)
		if !q.nsgHop(nsg, cur, "outbound", v) {
			return false
		}
	}
	var forwarder *model.VNet // the VNet of the last appliance, once forwarded
	for range maxHops {
		r, ok := ns.RouteFor(cur, dst)
		if !ok {
			q.block("route", cur.Loc, "", "subnet %s has no route to %s", cur.ID(), dst)
			return false
		}
		what := "subnet " + cur.ID() + ": " + r.Prefix.String() + " → " + string(r.NextHop)
		if r.NextHopIP.IsValid() {
			what += " " + r.NextHopIP.String()
		}
		what += " (" + r.Name + ")"
		switch r.NextHop {
		case model.NextHopVnetLocal:
			if !containsAddr(cur.VNet.AddressSpace, dst) {
				q.block("route", r.Loc, "", "%s, but %s is not in vnet %s", what, dst, cur.VNet.Name)
				return false
			}
			q.hop("route", "pass", r.Loc, "%s", what)
			return q.inbound()
		case NextHopVNetPeering:
			q.hop("route", "pass", r.Loc, "%s", what)
			if forwarder != nil && !q.forwardOK(forwarder, r.Peer) {
				return false
			}
			return q.inbound()
		case model.NextHopVirtualNetworkGateway:
			conn := r.Conn
			if conn == nil {
				conn, _ = ns.connection(Network{VNet: cur.VNet}, ns.Of(dst), dst)
			}
			if conn == nil {
				q.block("route", r.Loc, "add a connection on the VNet's gateway whose remote prefixes hold the address",
					"%s, but no gateway connection of vnet %s carries %s", what, cur.VNet.Name, dst)
				return false
			}
			q.hop("route", "pass", r.Loc, "%s", what)
			q.hop("gateway", "pass", conn.Loc, "%s connection %s carries it to %s", conn.Type, conn.Name, ns.Of(dst))
			return true
		case model.NextHopInternet:
			if !ns.Of(dst).IsZero() || dst.IsPrivate() {
				fix := ""
				if n := ns.Of(dst); n.VNet != nil {
					fix = "peering is not transitive (aks-rules.md rule 34): peer vnet " + cur.VNet.Name + " with " + n.VNet.Name +
						", or route the prefix to a hub appliance (UDR) with allowForwardedTraffic on the peerings"
				}
				q.block("route", r.Loc, fix, "%s: %s is a private address in %s, which the internet does not route", what, dst, ns.Of(dst))
				return false
			}
			q.hop("route", "pass", r.Loc, "%s", what)
			q.hop("internet", "pass", model.Location{}, "the internet routes %s", dst)
			return true
		case model.NextHopNone:
			fix := ""
			if r.Source == "system" {
				if n := ns.Of(dst); n.VNet != nil {
					fix = "peering is not transitive (aks-rules.md rule 34): peer vnet " + cur.VNet.Name + " with " + n.VNet.Name +
						" (both sides), or route the prefix to a hub appliance with allowForwardedTraffic"
				}
			}
			q.block("route", r.Loc, fix, "%s: the packet is dropped", what)
			return false
		case model.NextHopVirtualAppliance:
			next, ok := q.appliance(r, what, cur)
			if !ok {
				return false
			}
			cur, forwarder = next, next.VNet
		default:
			q.block("route", r.Loc, "", "%s: next hop type %q is not modelled", what, r.NextHop)
			return false
		}
	}
	q.block("route", model.Location{}, "", "more than %d appliances on the way: a routing loop", maxHops)
	return false
}

// appliance crosses a VirtualAppliance next hop: an Azure Firewall or a VM
// with IP forwarding at the route's address, reachable from the subnet
// (aks-rules.md rule 36). It returns the appliance's subnet.
func (q *query) appliance(r Route, what string, cur *model.Subnet) (*model.Subnet, bool) {
	e := q.e
	var sub *model.Subnet
	var name string
	var loc model.Location
	for _, f := range e.t.Azure.Firewalls {
		if f.IP == r.NextHopIP {
			sub, name, loc = f.Subnet.Target, "firewall "+f.Name, f.Loc
		}
	}
	for _, vm := range e.t.Azure.VMs {
		if vm.IP == r.NextHopIP {
			if !vm.IPForwarding {
				q.hop("route", "pass", r.Loc, "%s", what)
				q.block("nva", vm.Loc, "enable IP forwarding on vm "+vm.Name+"'s NIC (aks-rules.md rule 36)",
					"vm %s (%s) does not forward: IP forwarding is off on its NIC, so it drops packets not addressed to it", vm.Name, vm.IP)
				return nil, false
			}
			sub, name, loc = vm.Subnet.Target, "vm "+vm.Name, vm.Loc
		}
	}
	if sub == nil {
		q.block("route", r.Loc, "point the route at an appliance the topology declares (a firewall, or a VM with ipForwarding)",
			"%s, but nothing at %s forwards packets: they are dropped", what, r.NextHopIP)
		return nil, false
	}
	q.hop("route", "pass", r.Loc, "%s", what)
	if sub.VNet != cur.VNet && !Peered(cur.VNet, sub.VNet) {
		q.block("route", r.Loc, "peer the VNets (both sides) or use an appliance in a peered VNet",
			"%s (%s) is in vnet %s, which vnet %s does not reach (no connected peering)", name, r.NextHopIP, sub.VNet.Name, cur.VNet.Name)
		return nil, false
	}
	q.hop("nva", "pass", loc, "%s (%s) forwards it (its own rules are not modelled: assumed to allow)", name, r.NextHopIP)
	return sub, true
}

// forwardOK checks that the destination VNet accepts traffic an appliance
// in from forwarded: its peering to from needs allowForwardedTraffic
// (virtual-network-peering-overview; aks-rules.md rule 34).
func (q *query) forwardOK(from, to *model.VNet) bool {
	p := Side(to, from)
	if p == nil || !p.AllowForwardedTraffic {
		loc := to.Loc
		if p != nil {
			loc = p.Loc
		}
		q.block("peering", loc, "set allowForwardedTraffic: true on vnet "+to.Name+"'s peering to "+from.Name,
			"vnet %s's peering to %s does not allow forwarded traffic: the packet, forwarded by an appliance in %s, is dropped", to.Name, from.Name, from.Name)
		return false
	}
	q.hop("peering", "pass", p.Loc, "vnet %s's peering to %s allows forwarded traffic", to.Name, from.Name)
	return true
}

// inbound applies the destination subnet's NSG, where one is declared (to a
// private endpoint only when the subnet enables network policies for
// private endpoints, its Azure default being disabled).
func (q *query) inbound() bool {
	s := q.e.SubnetOf(q.addr)
	if s == nil {
		return true
	}
	nsg := s.NSG.Target
	if nsg == nil {
		return true
	}
	for _, pe := range q.e.t.Azure.PrivateEndpoints {
		if pe.IP == q.addr && !s.PrivateEndpointNetworkPolicies {
			q.hop("nsg", "note", s.Loc, "NSG %s of subnet %s does not apply to private endpoint %s: privateEndpointNetworkPolicies is off", nsg.Name, s.ID(), pe.Name)
			return true
		}
	}
	v := q.e.nets.EvalNSG(nsg, s.VNet, "Inbound", q.src.addr, q.addr, q.t.Proto, q.t.Port)
	return q.nsgHop(nsg, s, "inbound", v)
}

func (q *query) nsgHop(nsg *model.NSG, s *model.Subnet, dir string, v NSGVerdict) bool {
	kind := "rule"
	if v.Default {
		kind = "default rule"
	}
	for _, n := range v.Notes {
		q.hop("nsg", "note", nsg.Loc, "NSG %s: %s", nsg.Name, n)
	}
	if !v.Allowed {
		q.block("nsg", v.Loc, "add an Allow rule with a lower priority number than "+itoa(v.Priority)+" to NSG "+nsg.Name,
			"NSG %s on subnet %s (%s): %s %s, priority %d, denies %s/%d", nsg.Name, s.ID(), dir, kind, v.Rule, v.Priority, q.t.Proto, q.t.Port)
		return false
	}
	q.hop("nsg", "pass", v.Loc, "NSG %s on subnet %s (%s): %s %s, priority %d, allows", nsg.Name, s.ID(), dir, kind, v.Rule, v.Priority)
	return true
}

func itoa(n int) string { return strconv.Itoa(n) }

func containsAddr(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
