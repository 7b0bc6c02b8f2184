package tfimport

import (
	"github.com/aksnet/aksnet/internal/model"
)

// azurerm networks: virtual networks (with inline subnets), subnets and
// their NSG, route table and NAT gateway associations, peerings, route
// tables and routes, NSGs and rules. Attribute names per provider version
// are in terraform-inputs.md §2.1 (hashicorp/terraform-provider-azurerm
// website/docs/r/*.html.markdown at v3.117.1, v4.81.0 and v5.2.0).

func init() {
	register("azurerm_virtual_network", phaseNetworks, true, (*importer).azVNet)
	register("azurerm_subnet", phaseSubnets, true, (*importer).azSubnet)
	register("azurerm_subnet_network_security_group_association", phaseAttach, false, (*importer).azSubnetNSG)
	register("azurerm_subnet_route_table_association", phaseAttach, false, (*importer).azSubnetRouteTable)
	register("azurerm_subnet_nat_gateway_association", phaseAttach, false, (*importer).azSubnetNAT)
	register("azurerm_virtual_network_peering", phaseAttach, false, (*importer).azPeering)
	register("azurerm_virtual_network_dns_servers", phaseAttach, false, (*importer).azVNetDNSServers)
	register("azurerm_route_table", phaseNetworks, true, (*importer).azRouteTable)
	register("azurerm_route", phaseSubnets, false, (*importer).azRoute)
	register("azurerm_network_security_group", phaseNetworks, true, (*importer).azNSG)
	register("azurerm_network_security_rule", phaseSubnets, false, (*importer).azNSGRule)
}

func (im *importer) azVNet(r *resource) {
	name, _ := im.nameOf(r, "name")
	rg := r.str("resource_group_name")
	space := im.prefixesOf(r, "address_space", r.strs("address_space"))
	if len(space) == 0 {
		im.skip(r, "address_space is not known until apply (or empty)")
		return
	}
	v := &model.VNet{Name: im.unique(r, kindVNet, name, rg), ResourceGroup: rg, Region: location(r), AddressSpace: space, Loc: r.loc()}
	v.DNSServers = im.addrsOf(r, "dns_servers", r.strs("dns_servers"))
	im.t.Azure.VNets = append(im.t.Azure.VNets, v)
	n := im.add(r, kindVNet, v.Name, rg, v, r.str("id"), armVNet, name)
	for i, b := range r.blocks("subnet") {
		spec := subnetSpec{name: str(b["name"]), id: str(b["id"]), attachPhase: phaseAttach}
		// v4 renamed address_prefix to address_prefixes (4.0 upgrade guide).
		spec.prefixes = strs(b["address_prefixes"])
		if p := str(b["address_prefix"]); p != "" {
			spec.prefixes = append(spec.prefixes, p)
		}
		spec.delegation = str(at(b, "delegation", 0, "service_delegation", 0, "name"))
		spec.peNetworkPolicies = peNetworkPolicies(b)
		spec.nsg = blockValue(r, "subnet", i, "security_group")
		spec.routeTable = blockValue(r, "subnet", i, "route_table_id")
		if spec.name == "" {
			im.warn(r, "subnet block %d has no name; left out", i)
			continue
		}
		im.addSubnet(r, n, spec)
	}
}

// peNetworkPolicies reads whether NSGs and route tables apply to private
// endpoints in a subnet, from the attribute of each provider version: v4's
// private_endpoint_network_policies ("Disabled", "Enabled",
// "NetworkSecurityGroupEnabled", "RouteTableEnabled"), v3's
// private_endpoint_network_policies_enabled, and v2's
// enforce_private_link_endpoint_network_policies, whose true means
// disabled (azurerm v2 subnet docs: "Setting this to true will Disable the
// policy").
func peNetworkPolicies(b map[string]any) *bool {
	t, f := true, false
	switch s := str(b["private_endpoint_network_policies"]); s {
	case "Disabled":
		return &f
	case "Enabled", "NetworkSecurityGroupEnabled", "RouteTableEnabled":
		return &t
	}
	if v, ok := boolean(b["private_endpoint_network_policies_enabled"]); ok {
		return &v
	}
	if v, ok := boolean(b["enforce_private_link_endpoint_network_policies"]); ok {
		v = !v
		return &v
	}
	return nil
}

func (im *importer) azSubnet(r *resource) {
	name, _ := im.nameOf(r, "name")
	rg := r.str("resource_group_name")
	x := im.named(r.attr("virtual_network_name"), armVNet, rg, kindVNet)
	vnet := x.one()
	if vnet == nil {
		im.unresolved(r, "virtual_network_name", x, "the subnet is not imported")
		return
	}
	im.noted(r, "virtual_network_name", x)
	spec := subnetSpec{name: name, id: r.str("id"), prefixes: r.strs("address_prefixes")}
	if p := r.str("address_prefix"); p != "" {
		spec.prefixes = append(spec.prefixes, p)
	}
	spec.delegation = r.str("delegation", 0, "service_delegation", 0, "name")
	spec.peNetworkPolicies = peNetworkPolicies(r.values)
	im.addSubnet(r, vnet, spec)
}

// subnetOf resolves a subnet reference; label names the attribute in
// warnings.
func (im *importer) subnetOf(r *resource, a value, label string, consequence string) *node {
	x := im.ref(a, kindSubnet)
	attr := label
	if x.one() == nil {
		if x.problem == "" {
			x.problem = "it is not set"
		}
		im.unresolved(r, attr, x, consequence)
		return nil
	}
	im.noted(r, attr, x)
	return x.one()
}

func (im *importer) azSubnetNSG(r *resource) {
	s := im.subnetOf(r, r.attr("subnet_id"), "subnet_id", "the association is not imported")
	if s == nil {
		return
	}
	if _, ok := elemOf[model.Subnet](im, r, s, "subnet", "associate its NSG there"); !ok {
		return
	}
	im.attachNSG(r, s, r.attr("network_security_group_id"))
	r.nodes = append(r.nodes, s)
}

func (im *importer) azSubnetRouteTable(r *resource) {
	s := im.subnetOf(r, r.attr("subnet_id"), "subnet_id", "the association is not imported")
	if s == nil {
		return
	}
	if _, ok := elemOf[model.Subnet](im, r, s, "subnet", "associate its route table there"); !ok {
		return
	}
	im.attachRouteTable(r, s, r.attr("route_table_id"))
	r.nodes = append(r.nodes, s)
}

func (im *importer) azSubnetNAT(r *resource) {
	s := im.subnetOf(r, r.attr("subnet_id"), "subnet_id", "the association is not imported")
	if s == nil {
		return
	}
	sub, ok := elemOf[model.Subnet](im, r, s, "subnet", "set natGateway there")
	if !ok {
		return
	}
	sub.NATGateway = true
	r.nodes = append(r.nodes, s)
}

func (im *importer) azPeering(r *resource) {
	rg := r.str("resource_group_name")
	x := im.named(r.attr("virtual_network_name"), armVNet, rg, kindVNet)
	local := x.one()
	if local == nil {
		im.unresolved(r, "virtual_network_name", x, "the peering is not imported")
		return
	}
	remote := im.ref(r.attr("remote_virtual_network_id"), kindVNet)
	if remote.one() == nil {
		if remote.problem == "" {
			remote.problem = "it is not set"
		}
		im.unresolved(r, "remote_virtual_network_id", remote, "the peering is not imported")
		return
	}
	im.noted(r, "remote_virtual_network_id", remote)
	name, _ := im.nameOf(r, "name")
	im.addPeering(r, local, remote.one(), name, peeringFlags{
		access:    r.attr("allow_virtual_network_access").v,
		forwarded: r.attr("allow_forwarded_traffic").v,
		transit:   r.attr("allow_gateway_transit").v,
		remoteGW:  r.attr("use_remote_gateways").v,
	})
}

type peeringFlags struct{ access, forwarded, transit, remoteGW any }

func (im *importer) addPeering(r *resource, local, remote *node, name string, f peeringFlags) {
	v, ok := elemOf[model.VNet](im, r, local, "VNet", "declare the peering there")
	if !ok {
		return
	}
	p := &model.Peering{Name: name, Remote: model.Ref[model.VNet]{Name: remote.name, Loc: r.loc()}, From: v, Loc: r.loc()}
	if b, ok := boolean(f.access); ok && !b {
		p.AllowVirtualNetworkAccess = &b
	}
	p.AllowForwardedTraffic, _ = boolean(f.forwarded)
	p.AllowGatewayTransit, _ = boolean(f.transit)
	p.UseRemoteGateways, _ = boolean(f.remoteGW)
	v.Peerings = append(v.Peerings, p)
	r.nodes = append(r.nodes, &node{res: r, kind: "peering", name: v.Name + "/" + name, elem: p})
}

func (im *importer) azVNetDNSServers(r *resource) {
	x := im.ref(r.attr("virtual_network_id"), kindVNet)
	if x.one() == nil {
		im.unresolved(r, "virtual_network_id", x, "the DNS servers are not imported")
		return
	}
	v, ok := elemOf[model.VNet](im, r, x.one(), "VNet", "set its dnsServers there")
	if !ok {
		return
	}
	im.noted(r, "virtual_network_id", x)
	if r.attr("dns_servers").unknown {
		im.skip(r, "dns_servers are known only after apply")
		return
	}
	v.DNSServers = im.addrsOf(r, "dns_servers", r.strs("dns_servers"))
	r.nodes = append(r.nodes, x.one())
}

func (im *importer) azRouteTable(r *resource) {
	name, _ := im.nameOf(r, "name")
	rg := r.str("resource_group_name")
	rt := &model.RouteTable{Name: im.unique(r, kindRouteTable, name, rg), Loc: r.loc()}
	// v4 replaced disable_bgp_route_propagation with its negation,
	// bgp_route_propagation_enabled (4.0 upgrade guide); late v3 has both.
	if on, ok := r.boolean("bgp_route_propagation_enabled"); ok {
		rt.DisableBGPRoutePropagation = !on
	} else if off, ok := r.boolean("disable_bgp_route_propagation"); ok {
		rt.DisableBGPRoutePropagation = off
	}
	for _, b := range r.blocks("route") {
		rr, problem := route(b, r.loc())
		if problem != "" {
			im.warn(r, "%s; the route is not imported", problem)
			continue
		}
		rt.Routes = append(rt.Routes, rr)
	}
	im.t.Azure.RouteTables = append(im.t.Azure.RouteTables, rt)
	im.add(r, kindRouteTable, rt.Name, rg, rt, r.str("id"), armRouteTable, name)
}

func (im *importer) azRoute(r *resource) {
	rg := r.str("resource_group_name")
	x := im.named(r.attr("route_table_name"), armRouteTable, rg, kindRouteTable)
	if x.one() == nil {
		im.unresolved(r, "route_table_name", x, "the route is not imported")
		return
	}
	rt, ok := elemOf[model.RouteTable](im, r, x.one(), "route table", "declare the route there")
	if !ok {
		return
	}
	rr, problem := route(r.values, r.loc())
	if problem != "" {
		im.skip(r, "%s", problem)
		return
	}
	for _, o := range rt.Routes {
		if o.Name == rr.Name {
			im.skip(r, "route table %s already has a route %s (inline and as a resource?)", rt.Name, rr.Name)
			return
		}
	}
	rt.Routes = append(rt.Routes, rr)
	r.nodes = append(r.nodes, &node{res: r, kind: "route", name: rt.Name + "/" + rr.Name, elem: rr})
}

func (im *importer) azNSG(r *resource) {
	name, _ := im.nameOf(r, "name")
	rg := r.str("resource_group_name")
	nsg := &model.NSG{Name: im.unique(r, kindNSG, name, rg), Loc: r.loc()}
	for _, b := range r.blocks("security_rule") {
		rule, problem := securityRule(b, r.loc())
		if problem != "" {
			im.warn(r, "%s; the rule is not imported", problem)
			continue
		}
		nsg.Rules = append(nsg.Rules, rule)
	}
	im.t.Azure.NetworkSecurityGroups = append(im.t.Azure.NetworkSecurityGroups, nsg)
	im.add(r, kindNSG, nsg.Name, rg, nsg, r.str("id"), armNSG, name)
}

func (im *importer) azNSGRule(r *resource) {
	rg := r.str("resource_group_name")
	x := im.named(r.attr("network_security_group_name"), armNSG, rg, kindNSG)
	if x.one() == nil {
		im.unresolved(r, "network_security_group_name", x, "the rule is not imported")
		return
	}
	nsg, ok := elemOf[model.NSG](im, r, x.one(), "NSG", "declare the rule there")
	if !ok {
		return
	}
	rule, problem := securityRule(r.values, r.loc())
	if problem != "" {
		im.skip(r, "%s", problem)
		return
	}
	nsg.Rules = append(nsg.Rules, rule)
	r.nodes = append(r.nodes, &node{res: r, kind: "security rule", name: nsg.Name + "/" + rule.Name, elem: rule})
}
