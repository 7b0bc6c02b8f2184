package tfimport

import (
	"encoding/json"
	"net/netip"
	"strings"

	"github.com/aksnet/aksnet/internal/model"
)

// azapi_resource of the Microsoft.Network types, as Azure Verified Modules
// declare networks (terraform-inputs.md §2.3): type "ARMTYPE@APIVERSION",
// name, parent_id (the resource group, or the parent resource) and body, the
// ARM request body — an object in azapi v2, a JSON string (jsonencode) in
// v1. Property names are ARM's (learn.microsoft.com/rest/api/virtualnetwork,
// privatedns, dns-resolver). A reference inside the body that is known only
// after apply is found through the body expression's references, of the
// kind the property wants.

// azapiTypes maps the ARM types read to their phase and mapping.
var azapiTypes = map[string]handler{
	strings.ToLower(armVNet):                                  {phaseNetworks, (*importer).azapiVNet},
	strings.ToLower(armSubnet):                                {phaseSubnets, (*importer).azapiSubnet},
	strings.ToLower(armPeering):                               {phaseAttach, (*importer).azapiPeering},
	strings.ToLower(armRouteTable):                            {phaseNetworks, (*importer).azapiRouteTable},
	strings.ToLower(armNSG):                                   {phaseNetworks, (*importer).azapiNSG},
	strings.ToLower(armZone):                                  {phaseNetworks, (*importer).azapiZone},
	strings.ToLower(armZoneLink):                              {phaseAttach, (*importer).azapiZoneLink},
	strings.ToLower(armEndpoint):                              {phaseDependents, (*importer).azapiEndpoint},
	strings.ToLower(armResolver):                              {phaseAttach, (*importer).azapiResolver},
	strings.ToLower(armInbound):                               {phaseDependents, (*importer).azapiInbound},
	strings.ToLower(armOutbound):                              {phaseDependents, (*importer).azapiOutbound},
	strings.ToLower(armRuleset):                               {phaseRulesets, (*importer).azapiRuleset},
	strings.ToLower(armRule):                                  {phaseRules, (*importer).azapiRule},
	strings.ToLower(armRulesetLink):                           {phaseRules, (*importer).azapiRulesetLink},
	"microsoft.network/privateendpoints/privatednszonegroups": {phaseRulesets, (*importer).azapiZoneGroup},
}

// azapiType is the ARM type of an azapi resource, without API version.
func azapiType(r *resource) string {
	t, _, _ := strings.Cut(r.str("type"), "@")
	return t
}

func azapiHandler(r *resource) (handler, bool) {
	h, ok := azapiTypes[strings.ToLower(azapiType(r))]
	return h, ok
}

func azapiName(r *resource) string {
	if r.typ != "azapi_resource" {
		return ""
	}
	return r.str("name")
}

// azapi is an azapi resource's body, readable as values and as references.
type azapi struct {
	r       *resource
	body    map[string]any
	unknown any  // after_unknown of the body
	asJSON  bool // body is a JSON string (azapi v1)
}

// bodyOf reads the body; ok is false (with a warning) when it cannot be read.
func (im *importer) bodyOf(r *resource) (*azapi, bool) {
	a := &azapi{r: r}
	switch b := r.values["body"].(type) {
	case map[string]any:
		a.body = b
		a.unknown = at(r.unknown, "body")
	case string:
		if err := json.Unmarshal([]byte(b), &a.body); err != nil {
			im.skip(r, "body is not a JSON object: %v", err)
			return nil, false
		}
		a.asJSON = true
	case nil:
		if unknownAt(r.unknown, "body") {
			im.skip(r, "its body is known only after apply (a jsonencode of values known only after apply)")
			return nil, false
		}
		a.body = map[string]any{}
	default:
		im.skip(r, "body is neither an object nor a JSON string")
		return nil, false
	}
	return a, true
}

// get reads a body property as a value: known, or unknown with the body
// expression's references to follow.
func (a *azapi) get(path ...any) value {
	v := value{r: a.r, v: at(a.body, path...), path: append([]any{"body"}, path...), expr: []any{"body"}}
	if a.asJSON {
		// A JSON string is known or not as a whole.
		return v
	}
	v.unknown = unknownAt(a.unknown, path...)
	return v
}

func (a *azapi) str(path ...any) string { return str(at(a.body, path...)) }

// parentRG is the resource group parent_id names (top-level resources).
func parentRG(r *resource) string {
	p := r.str("parent_id")
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if len(parts) >= 4 && strings.EqualFold(parts[2], "resourceGroups") {
		return parts[3]
	}
	return ""
}

// parent resolves parent_id to an element of kind.
func (im *importer) parent(r *resource, kind string) *node {
	x := im.ref(r.attr("parent_id"), kind)
	if x.one() == nil {
		if x.problem == "" {
			x.problem = "it is not set"
		}
		im.unresolved(r, "parent_id", x, "not imported")
		return nil
	}
	im.noted(r, "parent_id", x)
	return x.one()
}

func (im *importer) azapiVNet(r *resource) {
	b, ok := im.bodyOf(r)
	if !ok {
		return
	}
	name, _ := im.nameOf(r, "name")
	rg := parentRG(r)
	space := im.prefixesOf(r, "body.properties.addressSpace.addressPrefixes", strs(at(b.body, "properties", "addressSpace", "addressPrefixes")))
	if len(space) == 0 {
		im.skip(r, "body.properties.addressSpace.addressPrefixes is known only after apply (or empty)")
		return
	}
	v := &model.VNet{Name: im.unique(r, kindVNet, name, rg), ResourceGroup: rg, Region: location(r), AddressSpace: space, Loc: r.loc()}
	v.DNSServers = im.addrsOf(r, "body.properties.dhcpOptions.dnsServers", strs(at(b.body, "properties", "dhcpOptions", "dnsServers")))
	im.t.Azure.VNets = append(im.t.Azure.VNets, v)
	n := im.add(r, kindVNet, v.Name, rg, v, r.str("id"), armVNet, name)
	for i := range blocks(at(b.body, "properties", "subnets")) {
		spec, ok := azapiSubnetSpec(b, "properties", "subnets", i)
		if !ok {
			im.warn(r, "body.properties.subnets[%d] has no name; left out", i)
			continue
		}
		spec.attachPhase = phaseAttach
		im.addSubnet(r, n, spec)
	}
}

// azapiSubnetSpec reads a subnet's body (a VNet's inline subnet at path, or
// a subnet resource's body at no path).
func azapiSubnetSpec(b *azapi, path ...any) (subnetSpec, bool) {
	p := func(rest ...any) []any { return append(append([]any{}, path...), rest...) }
	spec := subnetSpec{name: b.str(p("name")...)}
	if spec.name == "" && len(path) == 0 {
		spec.name = b.r.str("name")
	}
	if spec.name == "" {
		return spec, false
	}
	spec.prefixes = strs(at(b.body, p("properties", "addressPrefixes")...))
	if s := b.str(p("properties", "addressPrefix")...); s != "" {
		spec.prefixes = append(spec.prefixes, s)
	}
	spec.delegation = b.str(p("properties", "delegations", 0, "properties", "serviceName")...)
	switch b.str(p("properties", "privateEndpointNetworkPolicies")...) {
	case "Disabled":
		f := false
		spec.peNetworkPolicies = &f
	case "Enabled", "NetworkSecurityGroupEnabled", "RouteTableEnabled":
		t := true
		spec.peNetworkPolicies = &t
	}
	spec.nsg = b.get(p("properties", "networkSecurityGroup", "id")...)
	spec.routeTable = b.get(p("properties", "routeTable", "id")...)
	return spec, true
}

func (im *importer) azapiSubnet(r *resource) {
	b, ok := im.bodyOf(r)
	if !ok {
		return
	}
	vnet := im.parent(r, kindVNet)
	if vnet == nil {
		return
	}
	spec, _ := azapiSubnetSpec(b)
	spec.name = r.str("name")
	if spec.name == "" {
		spec.name, _ = im.nameOf(r, "name")
	}
	spec.id = r.str("id")
	spec.attachPhase = phaseAttach
	im.addSubnet(r, vnet, spec)
}

func (im *importer) azapiPeering(r *resource) {
	b, ok := im.bodyOf(r)
	if !ok {
		return
	}
	local := im.parent(r, kindVNet)
	if local == nil {
		return
	}
	x := im.ref(b.get("properties", "remoteVirtualNetwork", "id"), kindVNet)
	if x.one() == nil {
		if x.problem == "" {
			x.problem = "it is not set"
		}
		im.unresolved(r, "body.properties.remoteVirtualNetwork.id", x, "the peering is not imported")
		return
	}
	im.noted(r, "body.properties.remoteVirtualNetwork.id", x)
	name, _ := im.nameOf(r, "name")
	prop := func(k string) any { return at(b.body, "properties", k) }
	im.addPeering(r, local, x.one(), name, peeringFlags{access: prop("allowVirtualNetworkAccess"),
		forwarded: prop("allowForwardedTraffic"), transit: prop("allowGatewayTransit"), remoteGW: prop("useRemoteGateways")})
}

func (im *importer) azapiRouteTable(r *resource) {
	b, ok := im.bodyOf(r)
	if !ok {
		return
	}
	name, _ := im.nameOf(r, "name")
	rg := parentRG(r)
	rt := &model.RouteTable{Name: im.unique(r, kindRouteTable, name, rg), Loc: r.loc()}
	rt.DisableBGPRoutePropagation, _ = boolean(at(b.body, "properties", "disableBgpRoutePropagation"))
	for _, rb := range blocks(at(b.body, "properties", "routes")) {
		p, _ := rb["properties"].(map[string]any)
		rr, problem := route(map[string]any{"name": rb["name"], "address_prefix": at(p, "addressPrefix"),
			"next_hop_type": at(p, "nextHopType"), "next_hop_in_ip_address": at(p, "nextHopIpAddress")}, r.loc())
		if problem != "" {
			im.warn(r, "%s; the route is not imported", problem)
			continue
		}
		rt.Routes = append(rt.Routes, rr)
	}
	im.t.Azure.RouteTables = append(im.t.Azure.RouteTables, rt)
	im.add(r, kindRouteTable, rt.Name, rg, rt, r.str("id"), armRouteTable, name)
}

func (im *importer) azapiNSG(r *resource) {
	b, ok := im.bodyOf(r)
	if !ok {
		return
	}
	name, _ := im.nameOf(r, "name")
	rg := parentRG(r)
	nsg := &model.NSG{Name: im.unique(r, kindNSG, name, rg), Loc: r.loc()}
	for _, rb := range blocks(at(b.body, "properties", "securityRules")) {
		p, _ := rb["properties"].(map[string]any)
		rule, problem := securityRule(map[string]any{"name": rb["name"], "priority": at(p, "priority"),
			"direction": at(p, "direction"), "access": at(p, "access"), "protocol": at(p, "protocol"),
			"source_port_range": at(p, "sourcePortRange"), "source_port_ranges": at(p, "sourcePortRanges"),
			"destination_port_range": at(p, "destinationPortRange"), "destination_port_ranges": at(p, "destinationPortRanges"),
			"source_address_prefix": at(p, "sourceAddressPrefix"), "source_address_prefixes": at(p, "sourceAddressPrefixes"),
			"destination_address_prefix": at(p, "destinationAddressPrefix"), "destination_address_prefixes": at(p, "destinationAddressPrefixes"),
		}, r.loc())
		if problem != "" {
			im.warn(r, "%s; the rule is not imported", problem)
			continue
		}
		nsg.Rules = append(nsg.Rules, rule)
	}
	im.t.Azure.NetworkSecurityGroups = append(im.t.Azure.NetworkSecurityGroups, nsg)
	im.add(r, kindNSG, nsg.Name, rg, nsg, r.str("id"), armNSG, name)
}

func (im *importer) azapiZone(r *resource) {
	name := r.str("name")
	if name == "" {
		im.skip(r, "the zone name is known only after apply")
		return
	}
	im.addZone(r, name, parentRG(r), r.str("id"))
}

func (im *importer) azapiZoneLink(r *resource) {
	b, ok := im.bodyOf(r)
	if !ok {
		return
	}
	z := im.parent(r, kindZone)
	if z == nil {
		return
	}
	zone, ok := elemOf[model.PrivateDNSZone](im, r, z, "zone", "declare the link there")
	if !ok {
		return
	}
	x := im.ref(b.get("properties", "virtualNetwork", "id"), kindVNet)
	if x.one() == nil {
		im.unresolved(r, "body.properties.virtualNetwork.id", x, "the link is not imported")
		return
	}
	l := &model.VNetLink{Name: r.str("name"), VNet: model.Ref[model.VNet]{Name: x.one().name, Loc: r.loc()}, Zone: zone, Loc: r.loc()}
	l.RegistrationEnabled, _ = boolean(at(b.body, "properties", "registrationEnabled"))
	if pol, ok := enumOf[model.ResolutionPolicy](b.str("properties", "resolutionPolicy")); ok && pol != model.ResolutionDefault {
		l.ResolutionPolicy = pol
	}
	zone.Links = append(zone.Links, l)
	r.nodes = append(r.nodes, &node{res: r, kind: "link", name: zone.Name + "/" + l.Name, elem: l})
}

func (im *importer) azapiEndpoint(r *resource) {
	b, ok := im.bodyOf(r)
	if !ok {
		return
	}
	name, _ := im.nameOf(r, "name")
	sub := im.subnetOf(r, b.get("properties", "subnet", "id"), "body.properties.subnet.id", "the private endpoint is not imported")
	if sub == nil {
		return
	}
	x := im.ref(b.get("properties", "privateLinkServiceConnections", 0, "properties", "privateLinkServiceId"), kindResource)
	if x.one() == nil {
		im.unresolved(r, "body.properties.privateLinkServiceConnections.properties.privateLinkServiceId", x, "the private endpoint is not imported")
		return
	}
	groups := strs(at(b.body, "properties", "privateLinkServiceConnections", 0, "properties", "groupIds"))
	if len(groups) == 0 {
		im.skip(r, "body.properties.privateLinkServiceConnections.properties.groupIds is not set")
		return
	}
	rg := parentRG(r)
	pe := &model.PrivateEndpoint{Name: im.unique(r, kindEndpoint, name, rg), Subnet: model.Ref[model.Subnet]{Name: sub.name, Loc: r.loc()},
		Resource: model.Ref[model.PaaSResource]{Name: x.one().name, Loc: r.loc()}, Subresource: groups[0], Loc: r.loc()}
	im.t.Azure.PrivateEndpoints = append(im.t.Azure.PrivateEndpoints, pe)
	im.add(r, kindEndpoint, pe.Name, rg, pe, r.str("id"), armEndpoint, name)
	ip := b.str("properties", "ipConfigurations", 0, "properties", "privateIPAddress")
	im.assignIP(r, sub, ip, "private endpoint "+pe.Name, func(a netip.Addr) { pe.IP = a })
}

func (im *importer) azapiZoneGroup(r *resource) {
	b, ok := im.bodyOf(r)
	if !ok {
		return
	}
	x := im.ref(r.attr("parent_id"), kindEndpoint)
	pe, _ := x.one().elemEndpoint()
	if pe == nil {
		im.unresolved(r, "parent_id", x, "the zone group is not imported")
		return
	}
	for i := range blocks(at(b.body, "properties", "privateDnsZoneConfigs")) {
		if z := im.zoneRefOf(r, b.get("properties", "privateDnsZoneConfigs", i, "properties", "privateDnsZoneId"), "privateDnsZoneConfigs.privateDnsZoneId"); z != nil {
			pe.DNSZoneGroup = append(pe.DNSZoneGroup, model.Ref[model.PrivateDNSZone]{})
			im.setZoneRef(&pe.DNSZoneGroup[len(pe.DNSZoneGroup)-1], z, r)
		}
	}
	r.nodes = append(r.nodes, x.one())
}

func (n *node) elemEndpoint() (*model.PrivateEndpoint, bool) {
	if n == nil {
		return nil, false
	}
	p, ok := n.elem.(*model.PrivateEndpoint)
	return p, ok
}

func (im *importer) azapiResolver(r *resource) {
	b, ok := im.bodyOf(r)
	if !ok {
		return
	}
	name, _ := im.nameOf(r, "name")
	x := im.ref(b.get("properties", "virtualNetwork", "id"), kindVNet)
	if x.one() == nil {
		im.unresolved(r, "body.properties.virtualNetwork.id", x, "the resolver is not imported")
		return
	}
	im.addResolver(r, name, parentRG(r), r.str("id"), x.one())
}

func (im *importer) azapiResolverOf(r *resource) *model.DNSResolver {
	n := im.parent(r, kindResolver)
	if n == nil {
		return nil
	}
	d, ok := elemOf[model.DNSResolver](im, r, n, "resolver", "declare the endpoint there")
	if !ok {
		return nil
	}
	return d
}

func (im *importer) azapiInbound(r *resource) {
	b, ok := im.bodyOf(r)
	if !ok {
		return
	}
	d := im.azapiResolverOf(r)
	if d == nil {
		return
	}
	sub := im.subnetOf(r, b.get("properties", "ipConfigurations", 0, "subnet", "id"), "body.properties.ipConfigurations.subnet.id", "the endpoint is not imported")
	if sub == nil {
		return
	}
	name, _ := im.nameOf(r, "name")
	im.addInbound(r, d, name, r.str("id"), sub, b.str("properties", "ipConfigurations", 0, "privateIpAddress"))
}

func (im *importer) azapiOutbound(r *resource) {
	b, ok := im.bodyOf(r)
	if !ok {
		return
	}
	d := im.azapiResolverOf(r)
	if d == nil {
		return
	}
	sub := im.subnetOf(r, b.get("properties", "subnet", "id"), "body.properties.subnet.id", "the endpoint is not imported")
	if sub == nil {
		return
	}
	name, _ := im.nameOf(r, "name")
	im.addOutbound(r, d, name, r.str("id"), sub)
}

func (im *importer) azapiRuleset(r *resource) {
	b, ok := im.bodyOf(r)
	if !ok {
		return
	}
	name, _ := im.nameOf(r, "name")
	var eps []*node
	for i := range blocks(at(b.body, "properties", "dnsResolverOutboundEndpoints")) {
		if n := im.ref(b.get("properties", "dnsResolverOutboundEndpoints", i, "id"), kindOutbound).one(); n != nil {
			eps = append(eps, n)
		}
	}
	if len(eps) == 0 {
		im.skip(r, "body.properties.dnsResolverOutboundEndpoints names no imported outbound endpoint")
		return
	}
	rg := parentRG(r)
	rs := &model.ForwardingRuleset{Name: im.unique(r, kindRuleset, name, rg), Loc: r.loc()}
	for _, n := range eps {
		rs.OutboundEndpoints = append(rs.OutboundEndpoints, model.Ref[model.OutboundEndpoint]{Name: n.name, Loc: r.loc()})
	}
	im.t.Azure.ForwardingRulesets = append(im.t.Azure.ForwardingRulesets, rs)
	im.add(r, kindRuleset, rs.Name, rg, rs, r.str("id"), armRuleset, name)
}

func (im *importer) azapiRulesetOf(r *resource) *model.ForwardingRuleset {
	n := im.parent(r, kindRuleset)
	if n == nil {
		return nil
	}
	rs, ok := elemOf[model.ForwardingRuleset](im, r, n, "ruleset", "declare this there")
	if !ok {
		return nil
	}
	return rs
}

func (im *importer) azapiRule(r *resource) {
	b, ok := im.bodyOf(r)
	if !ok {
		return
	}
	rs := im.azapiRulesetOf(r)
	if rs == nil {
		return
	}
	name, _ := im.nameOf(r, "name")
	rule := &model.ForwardingRule{Name: name, Domain: b.str("properties", "domainName"), Loc: r.loc()}
	if rule.Domain == "" {
		im.skip(r, "body.properties.domainName is not set")
		return
	}
	var ts []map[string]any
	for _, t := range blocks(at(b.body, "properties", "targetDnsServers")) {
		ts = append(ts, map[string]any{"ip": t["ipAddress"], "port": t["port"]})
	}
	rule.Targets = im.targets(r, ts)
	if len(rule.Targets) == 0 {
		im.skip(r, "body.properties.targetDnsServers names no address")
		return
	}
	if strings.EqualFold(b.str("properties", "forwardingRuleState"), "Disabled") {
		rule.State = "Disabled"
	}
	rs.Rules = append(rs.Rules, rule)
	r.nodes = append(r.nodes, &node{res: r, kind: kindRule, name: rs.Name + "/" + name, elem: rule})
}

func (im *importer) azapiRulesetLink(r *resource) {
	b, ok := im.bodyOf(r)
	if !ok {
		return
	}
	rs := im.azapiRulesetOf(r)
	if rs == nil {
		return
	}
	x := im.ref(b.get("properties", "virtualNetwork", "id"), kindVNet)
	if x.one() == nil {
		im.unresolved(r, "body.properties.virtualNetwork.id", x, "the link is not imported")
		return
	}
	rs.Links = append(rs.Links, model.Ref[model.VNet]{Name: x.one().name, Loc: r.loc()})
	r.nodes = append(r.nodes, &node{res: r, kind: "ruleset link", name: rs.Name + "/" + x.one().name})
}
