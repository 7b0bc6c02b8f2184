package check

import (
	"fmt"
	"strings"

	"github.com/aksnet/aksnet/internal/model"
)

// The PEER family: VNet peering and gateway transit. Rules 34 and 35 of
// aks-rules.md, details in aks-constraints.md §4
// (AZD:articles/virtual-network/virtual-network-manage-peering.md).

func init() {
	register(
		&Rule{
			ID: "PEER001", Title: "Peered VNets have overlapping address spaces", Severity: Error,
			Source: "aks-rules.md rule 34; aks-constraints.md §4 (AZD:virtual-network-manage-peering, AZD:virtual-networks-faq)",
			What:   "Two VNets peered with each other (either side declared) have address spaces that overlap.",
			Why:    "\"Address spaces must not overlap\" for VNets to be peered (AZD:virtual-network-manage-peering): Azure refuses the peering, and neither VNet could tell its own addresses from the other's.",
			Fix:    "Renumber one of the VNets so that their address spaces are disjoint.",
			Check:  checkPeeringOverlap,
		},
		&Rule{
			ID: "PEER002", Title: "A peering is declared on one side only", Severity: Error,
			Source: "aks-rules.md rule 34; aks-constraints.md §4 (AZD:virtual-network-manage-peering)",
			What:   "VNet A declares a peering to VNet B, but B declares none to A.",
			Why:    "A peering carries traffic only when both directions are configured and both sides are Connected; with one side it stays Initiated (AZD:virtual-network-manage-peering), and nothing flows.",
			Fix:    "Declare the peering in the other VNet's peerings too, as Azure requires.",
			Check:  checkOneSidedPeering,
		},
		&Rule{
			ID: "PEER003", Title: "Traffic forwarded by a hub appliance is refused by the peering", Severity: Error,
			Source: "aks-rules.md rule 34; aks-constraints.md §4 (AZD:virtual-network-manage-peering, AZD:virtual-networks-udr-overview)",
			What:   "A subnet of spoke A routes traffic that leaves the hub's address space (e.g. 0.0.0.0/0, another spoke, on-premises) to a virtual appliance in hub H, and A's peering to H does not allow forwarded traffic; or a route names another spoke B of H explicitly and B's peering to H does not allow it.",
			Why:    "Peering is not transitive: spoke-to-spoke and forced-tunnel traffic needs \"a hub NVA, allowForwardedTraffic and UDRs\". allowForwardedTraffic (default off) lets traffic forwarded by the remote VNet's appliance into the VNet (AZD:virtual-network-manage-peering); without it the replies the firewall forwards back, and traffic from other spokes, are dropped.",
			Fix:    "Set allowForwardedTraffic: true on the spoke's peering to the hub.",
			Check:  checkForwardedTraffic,
		},
		&Rule{
			ID: "PEER004", Title: "useRemoteGateways without a gateway to use", Severity: Error,
			Source: "aks-rules.md rule 35; aks-constraints.md §4 (AZD:virtual-network-manage-peering)",
			What:   "A peering sets useRemoteGateways, but the remote VNet has no gateway, or its side of the peering does not set allowGatewayTransit.",
			Why:    "useRemoteGateways \"requires the remote allowGatewayTransit\", which in turn requires a gateway (or Route Server) in that VNet (AZD:virtual-network-manage-peering); Azure refuses the peering, and the spoke gets no route to on-premises.",
			Fix:    "Set allowGatewayTransit: true on the hub's side of the peering, in a hub that has a VPN or ExpressRoute gateway.",
			Check:  checkRemoteGateways,
		},
		&Rule{
			ID: "PEER005", Title: "useRemoteGateways on a VNet with its own gateway or on several peerings", Severity: Error,
			Source: "aks-rules.md rule 35; aks-constraints.md §4 (AZD:virtual-network-manage-peering)",
			What:   "A VNet sets useRemoteGateways on more than one of its peerings, or sets it while it has a gateway of its own.",
			Why:    "\"Only one peering per VNet may set\" useRemoteGateways, and it \"can't be set if the VNet has its own gateway\" (AZD:virtual-network-manage-peering). Azure refuses the peering.",
			Fix:    "Keep useRemoteGateways on the one peering to the hub, and remove the spoke's own gateway (or stop using the hub's).",
			Check:  checkRemoteGatewayCount,
		},
		&Rule{
			ID: "PEER006", Title: "allowGatewayTransit on a VNet without a gateway", Severity: Warning,
			Source: "aks-constraints.md §4 (AZD:virtual-network-manage-peering)",
			What:   "A peering sets allowGatewayTransit, but its VNet has no VPN or ExpressRoute gateway.",
			Why:    "allowGatewayTransit \"requires a gateway or Route Server in that VNet\" (AZD:virtual-network-manage-peering). aksnet does not model Route Server, so this is a warning: without one, the setting is refused or does nothing.",
			Fix:    "Deploy the gateway in this VNet, or remove allowGatewayTransit.",
			Check:  checkGatewayTransitWithoutGateway,
		},
	)
}

func addressSpaces(v *model.VNet) string { return prefixList(v.AddressSpace) }

func checkPeeringOverlap(ctx *Context, r *Reporter) {
	done := map[[2]*model.VNet]bool{}
	for _, v := range ctx.T.Azure.VNets {
		for _, p := range v.Peerings {
			w := p.Remote.Target
			if w == nil || w == v || done[[2]*model.VNet{w, v}] {
				continue
			}
			done[[2]*model.VNet{v, w}] = true
			for _, a := range v.AddressSpace {
				for _, b := range w.AddressSpace {
					if a.IsValid() && b.IsValid() && a.Overlaps(b) {
						r.Report(p.Loc, fmt.Sprintf("vnet %s (%s) is peered with vnet %s (%s); %s overlaps %s", v.Name, addressSpaces(v), w.Name, addressSpaces(w), a, b), "",
							"renumber one of the VNets")
					}
				}
			}
		}
	}
}

func checkOneSidedPeering(ctx *Context, r *Reporter) {
	x := ctx.index()
	for _, v := range ctx.T.Azure.VNets {
		for _, p := range v.Peerings {
			w := p.Remote.Target
			if w == nil || w == v || x.side[[2]*model.VNet{w, v}] != nil {
				continue
			}
			r.Report(p.Loc, fmt.Sprintf("vnet %s peers with vnet %s, but vnet %s has no peering back: the peering stays Initiated and carries nothing", v.Name, w.Name, w.Name), "",
				fmt.Sprintf("add a peering with remoteVnet: %s to vnet %s", v.Name, w.Name))
		}
	}
}

// withinSpace reports whether p lies inside one of the VNet's ranges.
func withinSpace(v *model.VNet, p *model.Route) bool {
	for _, a := range v.AddressSpace {
		if a.Bits() <= p.AddressPrefix.Bits() && a.Contains(p.AddressPrefix.Addr()) {
			return true
		}
	}
	return false
}

func checkForwardedTraffic(ctx *Context, r *Reporter) {
	x := ctx.index()
	reported := map[*model.Peering]bool{}
	need := func(p *model.Peering, msg string) {
		if p == nil || p.AllowForwardedTraffic || reported[p] {
			return
		}
		reported[p] = true
		r.Report(p.Loc, msg, "", fmt.Sprintf("set allowForwardedTraffic: true on the peering of vnet %s to vnet %s", p.From.Name, p.Remote.Name))
	}
	for _, rt := range ctx.T.Azure.RouteTables {
		for _, route := range rt.Routes {
			if route.NextHopType != model.NextHopVirtualAppliance || !route.NextHopIP.IsValid() {
				continue
			}
			h := vnetOf(ctx.T, route.NextHopIP)
			if h == nil || withinSpace(h, route) {
				continue
			}
			for _, s := range x.subnetsOf[rt] {
				a := s.VNet
				if a == h {
					continue
				}
				need(x.side[[2]*model.VNet{a, h}], fmt.Sprintf("subnet %s sends %s to appliance %s in vnet %s (route %s of %s), but vnet %s's peering to vnet %s does not allow forwarded traffic: what the appliance forwards back is dropped",
					s.ID(), route.AddressPrefix, route.NextHopIP, h.Name, route.Name, rt.Name, a.Name, h.Name))
				if route.AddressPrefix.Bits() == 0 {
					continue // a default route shows no intent to reach a given spoke
				}
				for _, d := range x.peers[h] {
					if d == a || d == h || len(overlapping(route.AddressPrefix, spaceRanges(d))) == 0 {
						continue
					}
					need(x.side[[2]*model.VNet{d, h}], fmt.Sprintf("subnet %s routes %s to vnet %s through appliance %s in vnet %s (route %s of %s), but vnet %s's peering to vnet %s does not allow forwarded traffic",
						s.ID(), route.AddressPrefix, d.Name, route.NextHopIP, h.Name, route.Name, rt.Name, d.Name, h.Name))
				}
			}
		}
	}
}

func spaceRanges(v *model.VNet) []netRange {
	out := make([]netRange, len(v.AddressSpace))
	for i, p := range v.AddressSpace {
		out[i] = netRange{prefix: p, what: "vnet " + v.Name, loc: v.Loc}
	}
	return out
}

func checkRemoteGateways(ctx *Context, r *Reporter) {
	x := ctx.index()
	for _, v := range ctx.T.Azure.VNets {
		for _, p := range v.Peerings {
			w := p.Remote.Target
			if !p.UseRemoteGateways || w == nil {
				continue
			}
			back := x.side[[2]*model.VNet{w, v}]
			switch {
			case len(x.gateways[w]) == 0:
				r.Report(p.Loc, fmt.Sprintf("vnet %s uses the remote gateways of vnet %s, which has no gateway", v.Name, w.Name), "",
					fmt.Sprintf("deploy a gateway in vnet %s, or remove useRemoteGateways", w.Name))
			case back != nil && !back.AllowGatewayTransit:
				r.Report(p.Loc, fmt.Sprintf("vnet %s uses the remote gateways of vnet %s, whose peering back does not set allowGatewayTransit", v.Name, w.Name), "",
					fmt.Sprintf("set allowGatewayTransit: true on vnet %s's peering to vnet %s", w.Name, v.Name))
			}
		}
	}
}

func checkRemoteGatewayCount(ctx *Context, r *Reporter) {
	x := ctx.index()
	for _, v := range ctx.T.Azure.VNets {
		var using []*model.Peering
		for _, p := range v.Peerings {
			if p.UseRemoteGateways {
				using = append(using, p)
			}
		}
		if len(using) == 0 {
			continue
		}
		if gws := x.gateways[v]; len(gws) > 0 {
			r.Report(using[0].Loc, fmt.Sprintf("vnet %s has its own gateway %s and uses the remote gateways of vnet %s", v.Name, gws[0].Name, using[0].Remote.Name), "",
				"remove useRemoteGateways, or the VNet's own gateway")
		}
		if len(using) > 1 {
			names := make([]string, len(using))
			for i, p := range using {
				names[i] = p.Remote.Name
			}
			r.Report(using[1].Loc, fmt.Sprintf("vnet %s sets useRemoteGateways on %d peerings (to %s); only one is allowed", v.Name, len(using), strings.Join(names, ", ")), "",
				"keep useRemoteGateways on one peering")
		}
	}
}

func checkGatewayTransitWithoutGateway(ctx *Context, r *Reporter) {
	x := ctx.index()
	for _, v := range ctx.T.Azure.VNets {
		if len(x.gateways[v]) > 0 {
			continue
		}
		for _, p := range v.Peerings {
			if p.AllowGatewayTransit {
				r.Report(p.Loc, fmt.Sprintf("vnet %s allows gateway transit to vnet %s but has no gateway", v.Name, p.Remote.Name), "",
					"deploy a VPN or ExpressRoute gateway in vnet "+v.Name+", or remove allowGatewayTransit")
				break // once per VNet
			}
		}
	}
}
