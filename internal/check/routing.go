package check

import (
	"fmt"
	"strings"

	"github.com/aksnet/aksnet/internal/kb"
	"github.com/aksnet/aksnet/internal/model"
)

// The RT family: routing. Rules 21 (the route half), 26 and 36 of
// aks-rules.md, details in aks-constraints.md §2.1, §2.3 and §4
// (AZD:articles/virtual-network/virtual-networks-udr-overview.md).

func init() {
	register(
		&Rule{
			ID: "RT001", Title: "A route's appliance is a VM without IP forwarding", Severity: Error,
			Source: "aks-rules.md rule 36; aks-constraints.md §4 (AZD:virtual-networks-udr-overview)",
			What:   "A VirtualAppliance route's nextHopIpAddress is the address of a VM whose NIC does not enable IP forwarding.",
			Why:    "A VirtualAppliance next hop must be a NIC with IP forwarding enabled or an internal load balancer (AZD:virtual-networks-udr-overview); Azure drops packets that a NIC without it receives for other addresses.",
			Fix:    "Set ipForwarding: true on the appliance VM (and forward in its OS), or point the route at the appliance's internal load balancer.",
			Check:  checkApplianceForwarding,
		},
		&Rule{
			ID: "RT002", Title: "A route's appliance is no appliance the topology declares", Severity: Warning,
			Source: "aks-rules.md rule 36; aks-constraints.md §4 (AZD:virtual-networks-udr-overview)",
			What:   "A VirtualAppliance route's nextHopIpAddress is neither a firewall, nor a VM, nor the static frontend of an internal load balancer of the topology.",
			Why:    "The next hop must be a NIC with IP forwarding or an internal load balancer (AZD:virtual-networks-udr-overview); an address nothing holds is a black hole, and aksnet cannot tell whether something undeclared holds it.",
			Fix:    "Point the route at the firewall's or appliance's private IP, or declare the appliance (a firewall, or a VM with ipForwarding).",
			Check:  checkApplianceKnown,
		},
		&Rule{
			ID: "RT003", Title: "A route sends a subnet's traffic to an appliance inside that subnet", Severity: Error,
			Source: "aks-rules.md rule 36; aks-constraints.md §4 (AZD:virtual-networks-udr-overview)",
			What:   "A route table attached to a subnet has a VirtualAppliance route whose next hop lies in that same subnet.",
			Why:    "\"Don't put the NVA in the subnet it routes\" (AZD:virtual-networks-udr-overview): the appliance's own traffic matches the route and loops back to it.",
			Fix:    "Move the appliance to its own subnet (Azure Firewall lives in AzureFirewallSubnet), or attach another route table to the appliance's subnet.",
			Check:  checkApplianceLoop,
		},
		&Rule{
			ID: "RT004", Title: "A route table holds more than 400 routes", Severity: Error,
			Source: "aks-rules.md rules 13, 36; aks-constraints.md §1.6, §4 (AKSD:configure-kubenet, AZD:virtual-networks-udr-overview)",
			What:   "A route table has more than 400 routes, counting the one route per node that kubenet adds for every node of the clusters in its subnets (autoscaler maximum plus surge).",
			Why:    "Azure allows at most 400 routes per route table (AKSD:configure-kubenet; Azure limits); kubenet writes a route per node, so its nodes and the table's own routes share the 400. The route that does not fit is not created, and its node's pods are unreachable.",
			Fix:    "Aggregate routes into shorter prefixes, give kubenet clusters a route table of their own, or move them to Azure CNI Overlay.",
			Check:  checkRouteCount,
		},
		&Rule{
			ID: "RT005", Title: "A route's appliance is not directly reachable", Severity: Error,
			Source: "aks-rules.md rule 36; aks-constraints.md §4 (AZD:virtual-networks-udr-overview)",
			What:   "A VirtualAppliance route's next hop is neither in the VNet of a subnet the table is attached to nor in a VNet peered with it on both sides.",
			Why:    "The appliance \"must be directly reachable, not via an ER gateway or vWAN\" (AZD:virtual-networks-udr-overview): in the same VNet or a peered one. Peering is not transitive, and a next hop on-premises or in another cloud is not allowed.",
			Fix:    "Peer the VNet with the appliance's VNet (both sides), or use an appliance in the hub the spoke is peered with.",
			Check:  checkApplianceReachable,
		},
		&Rule{
			ID: "RT006", Title: "A public LoadBalancer Service behind a forced-tunnel default route", Severity: Error,
			Source: "aks-rules.md rule 26; aks-constraints.md §2.3 Azure Firewall + UDR pattern (AKSD:limit-egress-traffic)",
			What:   "A cluster has a public LoadBalancer Service while its node subnet sends 0.0.0.0/0 to a virtual appliance (a firewall).",
			Why:    "Requests reach the Service's public IP directly, but the replies follow the default route to the stateful firewall, which has not seen the connection and drops them: asymmetric routing (AKSD:limit-egress-traffic). The Service looks up but is unreachable.",
			Fix:    "Make the Service internal (azure-load-balancer-internal) and publish it through a DNAT rule on the firewall, with a route for the firewall's public IP/32 to Internet; or give the Service's clients a route that returns through the same path.",
			Check:  checkAsymmetricRouting,
		},
		&Rule{
			ID: "RT007", Title: "A VirtualNetworkGateway route without a VPN gateway", Severity: Error,
			Source: "aks-constraints.md §4 (AZD:virtual-networks-udr-overview)",
			What:   "A route with nextHopType VirtualNetworkGateway in a route table of a VNet that has no VPN gateway (its own, or a hub's through useRemoteGateways), or whose gateways include an ExpressRoute one.",
			Why:    "A user-defined route to VirtualNetworkGateway works with a VPN gateway only — \"not ExpressRoute, and not when VPN and ER coexist\" (AZD:virtual-networks-udr-overview). Otherwise the traffic is dropped.",
			Fix:    "Route to the VPN gateway of the VNet or of the hub it uses, or, with ExpressRoute, rely on the routes the gateway learns by BGP.",
			Check:  checkGatewayNextHop,
		},
		&Rule{
			ID: "RT008", Title: "GatewaySubnet has a default route or no route propagation", Severity: Warning,
			Source: "aks-constraints.md §4 (AZD:virtual-networks-udr-overview)",
			What:   "The route table of a GatewaySubnet has a 0.0.0.0/0 route or disables BGP route propagation.",
			Why:    "\"Don't put 0.0.0.0/0 on GatewaySubnet and don't disable route propagation there\" (AZD:virtual-networks-udr-overview): the gateway's own traffic would follow the route, and on-premises routes would no longer reach the gateway.",
			Fix:    "Keep only specific routes (e.g. spoke prefixes to the firewall) on the GatewaySubnet's table, with route propagation enabled.",
			Check:  checkGatewaySubnetRoutes,
		},
		&Rule{
			ID: "RT009", Title: "A VNet that resolves a private API server cannot reach it", Severity: Warning,
			Source: "aks-rules.md rule 21; aks-constraints.md §2.1 (AKSD:private-cluster-connect, AKSD:private-clusters)",
			What:   "A VNet is linked to a private cluster's custom API server zone — so it is meant to administer the cluster — but is neither the cluster's VNet nor peered with it on both sides.",
			Why:    "Reaching a private API server needs network reachability and DNS resolution: a peered VNet plus a VNet link (AKSD:private-cluster-connect). The name resolves, but connections time out; only az aks command invoke works. (The DNS half of rule 21 is the DNS family's.)",
			Fix:    "Peer the VNet with the cluster's VNet (both sides), or administer the cluster from a VNet that is.",
			Check:  checkAPIServerReach,
		},
	)
}

// applianceRoute is a VirtualAppliance route with its table.
type applianceRoute struct {
	rt    *model.RouteTable
	route *model.Route
}

func applianceRoutes(t *model.Topology) []applianceRoute {
	var out []applianceRoute
	for _, rt := range t.Azure.RouteTables {
		for _, r := range rt.Routes {
			if r.NextHopType == model.NextHopVirtualAppliance && r.NextHopIP.IsValid() {
				out = append(out, applianceRoute{rt, r})
			}
		}
	}
	return out
}

func checkApplianceForwarding(ctx *Context, r *Reporter) {
	x := ctx.index()
	for _, ar := range applianceRoutes(ctx.T) {
		if vm := x.vmAt[ar.route.NextHopIP]; vm != nil && !vm.IPForwarding && x.firewallAt[ar.route.NextHopIP] == nil {
			r.Report(ar.route.Loc, fmt.Sprintf("route %s of %s sends %s to vm %s (%s), whose NIC does not forward IP", ar.route.Name, ar.rt.Name, ar.route.AddressPrefix, vm.Name, vm.IP), "",
				fmt.Sprintf("set ipForwarding: true on vm %s", vm.Name))
		}
	}
}

func checkApplianceKnown(ctx *Context, r *Reporter) {
	x := ctx.index()
	gatewayAt := map[string]string{}
	for _, g := range ctx.T.Azure.Gateways {
		if g.IP.IsValid() {
			gatewayAt[g.IP.String()] = g.Name
		}
	}
	for _, ar := range applianceRoutes(ctx.T) {
		ip := ar.route.NextHopIP
		if x.firewallAt[ip] != nil || x.vmAt[ip] != nil || x.ilbAt[ip] != nil {
			continue
		}
		what := "nothing the topology declares holds it"
		if g := gatewayAt[ip.String()]; g != "" {
			what = "it is gateway " + g + "'s address; route to a gateway with nextHopType VirtualNetworkGateway"
		}
		r.Report(ar.route.Loc, fmt.Sprintf("route %s of %s sends %s to %s, but %s", ar.route.Name, ar.rt.Name, ar.route.AddressPrefix, ip, what), "",
			"point the route at a firewall, an IP-forwarding VM or an internal load balancer")
	}
}

func checkApplianceLoop(ctx *Context, r *Reporter) {
	x := ctx.index()
	for _, ar := range applianceRoutes(ctx.T) {
		for _, s := range x.subnetsOf[ar.rt] {
			if s.Prefix.Contains(ar.route.NextHopIP) {
				r.Report(ar.route.Loc, fmt.Sprintf("route %s of %s sends %s to %s, inside subnet %s (%s), to which the table is attached: the appliance's own traffic loops back to it",
					ar.route.Name, ar.rt.Name, ar.route.AddressPrefix, ar.route.NextHopIP, s.ID(), s.Prefix), "",
					"attach another route table to the appliance's subnet, or move the appliance to its own subnet")
			}
		}
	}
}

// maxRoutes is Azure's limit of routes per route table
// (AKSD:configure-kubenet; aks-constraints.md §1.6).
const maxRoutes = 400

func checkRouteCount(ctx *Context, r *Reporter) {
	x := ctx.index()
	kubenetNodes := map[*model.RouteTable]int{}
	var kubenetClusters = map[*model.RouteTable][]string{}
	for _, ci := range x.clusters {
		if ci.modeErr != nil || ci.mode != kb.Kubenet {
			continue
		}
		for _, p := range ci.pools {
			s := p.p.Subnet.Target
			if s == nil || s.RouteTable.Target == nil {
				continue
			}
			rt := s.RouteTable.Target
			kubenetNodes[rt] += p.peak()
			if !contains(kubenetClusters[rt], ci.c.Name) {
				kubenetClusters[rt] = append(kubenetClusters[rt], ci.c.Name)
			}
		}
	}
	for _, rt := range ctx.T.Azure.RouteTables {
		n := len(rt.Routes) + kubenetNodes[rt]
		if n <= maxRoutes {
			continue
		}
		msg := fmt.Sprintf("route table %s needs %d routes; Azure allows %d", rt.Name, n, maxRoutes)
		if kubenetNodes[rt] > 0 {
			msg = fmt.Sprintf("route table %s needs %d routes (%d declared, %d for the nodes of kubenet cluster(s) %s); Azure allows %d",
				rt.Name, n, len(rt.Routes), kubenetNodes[rt], strings.Join(kubenetClusters[rt], ", "), maxRoutes)
		}
		r.Report(rt.Loc, msg, "", "aggregate routes, split the table, or lower the kubenet clusters' maxCount")
	}
}

func checkApplianceReachable(ctx *Context, r *Reporter) {
	x := ctx.index()
	for _, ar := range applianceRoutes(ctx.T) {
		h := vnetOf(ctx.T, ar.route.NextHopIP)
		done := map[*model.VNet]bool{}
		for _, s := range x.subnetsOf[ar.rt] {
			a := s.VNet
			if done[a] || a == h || (h != nil && x.connectedBothWays(a, h)) {
				continue
			}
			done[a] = true
			where := "in no VNet of the topology"
			if h != nil {
				where = "in vnet " + h.Name + ", which is not peered with vnet " + a.Name + " on both sides"
			}
			r.Report(ar.route.Loc, fmt.Sprintf("route %s of %s (attached to subnet %s) sends %s to %s, %s", ar.route.Name, ar.rt.Name, s.ID(), ar.route.AddressPrefix, ar.route.NextHopIP, where), "",
				"use an appliance in the subnet's VNet or in a VNet peered with it")
		}
	}
}

func checkAsymmetricRouting(ctx *Context, r *Reporter) {
	x := ctx.index()
	for _, ci := range x.clusters {
		c := ci.c
		if len(c.NodePools) == 0 || c.NodePools[0].Subnet.Target == nil {
			continue
		}
		s := c.NodePools[0].Subnet.Target
		d := defaultRoute(s)
		if d == nil || d.NextHopType != model.NextHopVirtualAppliance {
			continue
		}
		via := d.NextHopIP.String()
		if fw := x.firewallAt[d.NextHopIP]; fw != nil {
			via = "firewall " + fw.Name + " (" + via + ")"
		}
		for _, l := range ci.lbs {
			if l.internal {
				continue
			}
			r.Report(l.s.Loc, fmt.Sprintf("Service %s/%s is a public load balancer, but node subnet %s sends 0.0.0.0/0 to %s (route %s): replies take another path than requests",
				l.s.Namespace, l.s.Name, s.ID(), via, d.Name), "",
				"make the Service internal and publish it with a DNAT rule on the firewall")
		}
	}
}

// gatewaysFor returns the gateways a VNet's traffic can use: its own, or
// those of the VNets it peers with using useRemoteGateways.
func gatewaysFor(x *index, v *model.VNet) []*model.VNetGateway {
	gws := append([]*model.VNetGateway(nil), x.gateways[v]...)
	for _, w := range x.peers[v] {
		if p := x.side[[2]*model.VNet{v, w}]; p != nil && p.UseRemoteGateways {
			gws = append(gws, x.gateways[w]...)
		}
	}
	return gws
}

func checkGatewayNextHop(ctx *Context, r *Reporter) {
	x := ctx.index()
	for _, rt := range ctx.T.Azure.RouteTables {
		for _, route := range rt.Routes {
			if route.NextHopType != model.NextHopVirtualNetworkGateway {
				continue
			}
			done := map[*model.VNet]bool{}
			for _, s := range x.subnetsOf[rt] {
				v := s.VNet
				if done[v] {
					continue
				}
				done[v] = true
				vpn, er := 0, 0
				for _, g := range gatewaysFor(x, v) {
					if g.Type == "Vpn" {
						vpn++
					} else {
						er++
					}
				}
				switch {
				case vpn == 0 && er == 0:
					r.Report(route.Loc, fmt.Sprintf("route %s of %s goes to VirtualNetworkGateway, but vnet %s (subnet %s) has no gateway to use", route.Name, rt.Name, v.Name, s.ID()), "",
						"deploy a VPN gateway, or use a hub's through useRemoteGateways")
				case er > 0:
					r.Report(route.Loc, fmt.Sprintf("route %s of %s goes to VirtualNetworkGateway, but vnet %s (subnet %s) uses an ExpressRoute gateway", route.Name, rt.Name, v.Name, s.ID()), "",
						"remove the route and let the gateway's BGP routes apply")
				}
			}
		}
	}
}

func checkGatewaySubnetRoutes(ctx *Context, r *Reporter) {
	for _, v := range ctx.T.Azure.VNets {
		for _, s := range v.Subnets {
			rt := s.RouteTable.Target
			if s.Name != "GatewaySubnet" || rt == nil {
				continue
			}
			if d := defaultRoute(s); d != nil {
				r.Report(d.Loc, fmt.Sprintf("route table %s of %s has the default route %s (0.0.0.0/0 → %s)", rt.Name, s.ID(), d.Name, d.NextHopType), "",
					"remove the 0.0.0.0/0 route from the GatewaySubnet's table")
			}
			if rt.DisableBGPRoutePropagation {
				r.Report(rt.Loc, fmt.Sprintf("route table %s of %s disables BGP route propagation", rt.Name, s.ID()), "",
					"set disableBgpRoutePropagation: false on the GatewaySubnet's table")
			}
		}
	}
}

func checkAPIServerReach(ctx *Context, r *Reporter) {
	x := ctx.index()
	for _, ci := range x.clusters {
		c := ci.c
		z := c.APIServer.CustomZone
		if !c.APIServer.Private || z == nil || ci.vnet == nil {
			continue
		}
		for _, l := range z.Links {
			v := l.VNet.Target
			if v == nil || v == ci.vnet || x.connectedBothWays(v, ci.vnet) {
				continue
			}
			r.Report(l.Loc, fmt.Sprintf("vnet %s is linked to zone %s and so resolves the API server of private cluster %s, but it is not peered with vnet %s: the API server is unreachable from it",
				v.Name, z.Name, c.Name, ci.vnet.Name), "",
				fmt.Sprintf("peer vnet %s with vnet %s (both sides)", v.Name, ci.vnet.Name))
		}
	}
}
