package tfimport

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/aksnet/aksnet/internal/model"
)

// Shared by the azurerm, azapi and aws mappings: value conversions and the
// builders of elements that several resource types make.

// enumOf converts s to an enum of the model, whatever its case (Terraform
// providers accept "tcp" where the model writes "Tcp").
func enumOf[T interface {
	~string
	Enum() []string
}](s string) (T, bool) {
	var zero T
	for _, e := range zero.Enum() {
		if strings.EqualFold(e, s) {
			return T(e), true
		}
	}
	return zero, false
}

// prefixesOf parses CIDRs. Host bits are cleared (Azure and AWS refuse
// them, so a plan holding them fails anyway) with a note.
func (im *importer) prefixesOf(r *resource, what string, ss []string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		p, err := netip.ParsePrefix(strings.TrimSpace(s))
		if err != nil {
			if a, aerr := netip.ParseAddr(strings.TrimSpace(s)); aerr == nil {
				p = netip.PrefixFrom(a, a.BitLen())
			} else {
				im.warn(r, "%s: %q is not a CIDR; left out", what, s)
				continue
			}
		}
		if p.Masked() != p {
			im.warn(r, "%s: %s has host bits set; read as %s", what, s, p.Masked())
			p = p.Masked()
		}
		out = append(out, p)
	}
	return out
}

// addrsOf parses IP addresses.
func (im *importer) addrsOf(r *resource, what string, ss []string) []netip.Addr {
	var out []netip.Addr
	for _, s := range ss {
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		if err != nil || a.Zone() != "" {
			im.warn(r, "%s: %q is not an IP address; left out", what, s)
			continue
		}
		out = append(out, a.Unmap())
	}
	return out
}

// named finds an element by the name an attribute holds (azurerm's
// virtual_network_name, route_table_name, zone_name…) in resource group
// rg: by Azure name, else — when the name is known only after apply — by
// the configuration's references.
func (im *importer) named(a value, arm, rg, kind string) resolved {
	name, _ := a.v.(string)
	if name == "" {
		if !a.unknown {
			return resolved{problem: "it is not set"}
		}
		a.v = nil
		return im.ref(a, kind)
	}
	if n := im.byARM[armKey(arm, rg, name)]; n != nil && n.kind == kind {
		return resolved{nodes: []*node{n}}
	}
	if im.opts.Declared != nil && im.opts.Declared(kind, name) {
		return resolved{nodes: []*node{{kind: kind, name: name, external: true}}}
	}
	where := ""
	if rg != "" {
		where = " in resource group " + rg
	}
	return resolved{problem: fmt.Sprintf("no %s named %q%s is in the Terraform input", kind, name, where)}
}

// subnetSpec describes a subnet, as azurerm_subnet, an inline subnet block
// or an azapi subnet gives it.
type subnetSpec struct {
	name       string
	prefixes   []string
	delegation string
	// peNetworkPolicies: nil when the source does not say.
	peNetworkPolicies *bool
	id                string
	nsg, routeTable   value // references to attach once those are imported
	attachPhase       int
}

// addSubnet adds a subnet to a VNet.
func (im *importer) addSubnet(r *resource, vnet *node, spec subnetSpec) *node {
	v, ok := vnet.elem.(*model.VNet)
	if !ok {
		im.skip(r, "subnet %s: its VNet %s is declared outside the Terraform input; declare the subnet there too", spec.name, vnet.name)
		return nil
	}
	ps := im.prefixesOf(r, "subnet "+spec.name+" address prefix", spec.prefixes)
	if len(ps) == 0 {
		im.skip(r, "subnet %s: its address prefix is not known until apply", spec.name)
		return nil
	}
	if len(ps) > 1 {
		im.warn(r, "subnet %s has %d address prefixes; aksnet models one and takes %s", spec.name, len(ps), ps[0])
	}
	for _, s := range v.Subnets {
		if s.Name == spec.name {
			im.skip(r, "VNet %s already has a subnet %s (from an inline block and a subnet resource?)", v.Name, spec.name)
			return nil
		}
	}
	s := &model.Subnet{Name: spec.name, Prefix: ps[0], Delegation: spec.delegation, VNet: v, Loc: r.loc()}
	if spec.peNetworkPolicies != nil {
		s.PrivateEndpointNetworkPolicies = *spec.peNetworkPolicies
	}
	v.Subnets = append(v.Subnets, s)
	n := im.add(r, kindSubnet, v.Name+"/"+s.Name, vnet.rg, s, spec.id, armSubnet, vnetAzureName(vnet), spec.name)
	if spec.nsg.v != nil || spec.nsg.unknown {
		a := spec.nsg
		im.later(spec.attachPhase, func() { im.attachNSG(r, n, a) })
	}
	if spec.routeTable.v != nil || spec.routeTable.unknown {
		a := spec.routeTable
		im.later(spec.attachPhase, func() { im.attachRouteTable(r, n, a) })
	}
	return n
}

// vnetAzureName is a VNet's name in Azure (the model name may carry a
// resource group to keep it unique).
func vnetAzureName(n *node) string {
	if n.res != nil {
		if name := n.res.str("name"); name != "" && n.res.typ != "azapi_resource" {
			return name
		}
		if name := azapiName(n.res); name != "" {
			return name
		}
	}
	return n.name
}

func (im *importer) attachNSG(r *resource, subnet *node, a value) {
	x := im.ref(a, kindNSG)
	if x.one() == nil {
		im.unresolved(r, fmt.Sprintf("%s: network security group", subnet.name), x, "the subnet is imported without it")
		return
	}
	s, ok := elemOf[model.Subnet](im, r, subnet, "subnet", "associate its NSG there")
	if !ok {
		return
	}
	if s.NSG.IsSet() && s.NSG.Name != x.one().name {
		im.warn(r, "subnet %s is associated with NSG %s and %s; kept %s", subnet.name, s.NSG.Name, x.one().name, s.NSG.Name)
		return
	}
	im.noted(r, "network security group", x)
	s.NSG = model.Ref[model.NSG]{Name: x.one().name, Loc: r.loc()}
}

func (im *importer) attachRouteTable(r *resource, subnet *node, a value) {
	x := im.ref(a, kindRouteTable)
	if x.one() == nil {
		im.unresolved(r, fmt.Sprintf("%s: route table", subnet.name), x, "the subnet is imported without it")
		return
	}
	s, ok := elemOf[model.Subnet](im, r, subnet, "subnet", "associate its route table there")
	if !ok {
		return
	}
	if s.RouteTable.IsSet() && s.RouteTable.Name != x.one().name {
		im.warn(r, "subnet %s is associated with route tables %s and %s; kept %s", subnet.name, s.RouteTable.Name, x.one().name, s.RouteTable.Name)
		return
	}
	im.noted(r, "route table", x)
	s.RouteTable = model.Ref[model.RouteTable]{Name: x.one().name, Loc: r.loc()}
}

// securityRule converts an NSG rule block (azurerm names; azapi bodies are
// translated to them). It returns why the rule cannot be modelled.
func securityRule(b map[string]any, at model.Location) (*model.SecurityRule, string) {
	rule := &model.SecurityRule{Name: str(b["name"]), Loc: at}
	if rule.Name == "" {
		return nil, "the rule has no name"
	}
	prio, ok := integer(b["priority"])
	if !ok {
		return nil, fmt.Sprintf("rule %s: the priority is not known", rule.Name)
	}
	rule.Priority = prio
	var okD, okA, okP bool
	rule.Direction, okD = enumOf[model.Direction](str(b["direction"]))
	rule.Access, okA = enumOf[model.Access](str(b["access"]))
	rule.Protocol, okP = enumOf[model.NSGProtocol](str(b["protocol"]))
	if !okD || !okA || !okP {
		return nil, fmt.Sprintf("rule %s: direction %q, access %q or protocol %q is not one aksnet knows", rule.Name, str(b["direction"]), str(b["access"]), str(b["protocol"]))
	}
	one := func(single string, list string) []string {
		out := strs(b[list])
		if s := str(b[single]); s != "" && !slices.Contains(out, s) {
			out = append([]string{s}, out...)
		}
		return out
	}
	rule.SourcePorts = one("source_port_range", "source_port_ranges")
	rule.DestinationPorts = one("destination_port_range", "destination_port_ranges")
	rule.SourcePrefixes = one("source_address_prefix", "source_address_prefixes")
	rule.DestinationPrefixes = one("destination_address_prefix", "destination_address_prefixes")
	if len(strs(b["source_application_security_group_ids"]))+len(strs(b["destination_application_security_group_ids"])) > 0 {
		return nil, fmt.Sprintf("rule %s uses application security groups, which aksnet does not model", rule.Name)
	}
	if len(rule.SourcePrefixes) == 0 || len(rule.DestinationPrefixes) == 0 {
		return nil, fmt.Sprintf("rule %s has no source or destination address prefix", rule.Name)
	}
	if len(rule.DestinationPorts) == 0 {
		rule.DestinationPorts = []string{"*"}
	}
	for _, p := range append(slices.Clone(rule.SourcePrefixes), rule.DestinationPrefixes...) {
		if !nsgPrefixKnown(p) {
			return nil, fmt.Sprintf("rule %s: address prefix %q is a service tag aksnet does not model (it knows %s)", rule.Name, p, strings.Join(model.NSGServiceTags, ", "))
		}
	}
	for _, p := range append(slices.Clone(rule.SourcePorts), rule.DestinationPorts...) {
		if _, _, err := model.ParsePortRange(p); err != nil {
			return nil, fmt.Sprintf("rule %s: %v", rule.Name, err)
		}
	}
	if rule.Priority < 100 || rule.Priority > 4096 {
		return nil, fmt.Sprintf("rule %s: priority %d is outside 100–4096", rule.Name, rule.Priority)
	}
	return rule, ""
}

// nsgPrefixKnown mirrors the model's check of NSG prefixes: *, a CIDR, an
// IP or a service tag it knows.
func nsgPrefixKnown(s string) bool {
	if s == "*" || slices.Contains(model.NSGServiceTags, s) {
		return true
	}
	if _, err := netip.ParsePrefix(s); err == nil {
		return true
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}

// route converts a route block.
func route(b map[string]any, at model.Location) (*model.Route, string) {
	rt := &model.Route{Name: str(b["name"]), Loc: at}
	if rt.Name == "" {
		return nil, "the route has no name"
	}
	p, err := netip.ParsePrefix(str(b["address_prefix"]))
	if err != nil {
		// Service tags as destinations (AzureCloud) are not modelled.
		return nil, fmt.Sprintf("route %s: address prefix %q is not a CIDR aksnet can model", rt.Name, str(b["address_prefix"]))
	}
	rt.AddressPrefix = p.Masked()
	nh, ok := enumOf[model.NextHopType](str(b["next_hop_type"]))
	if !ok {
		return nil, fmt.Sprintf("route %s: next hop type %q is not one of %s", rt.Name, str(b["next_hop_type"]), strings.Join(model.NextHopType("").Enum(), ", "))
	}
	rt.NextHopType = nh
	if ip := str(b["next_hop_in_ip_address"]); ip != "" && nh == model.NextHopVirtualAppliance {
		a, err := netip.ParseAddr(ip)
		if err != nil {
			return nil, fmt.Sprintf("route %s: next hop %q is not an IP address", rt.Name, ip)
		}
		rt.NextHopIP = a
	}
	if nh == model.NextHopVirtualAppliance && !rt.NextHopIP.IsValid() {
		return nil, fmt.Sprintf("route %s: the next hop address is not known until apply", rt.Name)
	}
	return rt, ""
}

// configBlockIndex finds the position, in a resource's configuration, of
// the nested block whose name attribute is the constant name: blocks of a
// set are ordered by hash in values, as written in the configuration.
func configBlockIndex(r *resource, blockAttr, name string) int {
	cr := r.in.config.resource(configPath(r.modules), r.configAddr())
	if cr == nil {
		return -1
	}
	e := cr.Expressions[blockAttr]
	if e == nil || e.ExpressionData == nil {
		return -1
	}
	for i, b := range e.NestedBlocks {
		if nb := b["name"]; nb != nil && nb.ExpressionData != nil && nb.ConstantValue == name {
			return i
		}
	}
	if len(e.NestedBlocks) == 1 {
		return 0
	}
	return -1
}

// blockValue is the attribute attr of the i-th block of blockAttr, its
// expression found through the block's name.
func blockValue(r *resource, blockAttr string, i int, attr string) value {
	a := r.attr(blockAttr, i, attr)
	if r.in.config != nil {
		if ci := configBlockIndex(r, blockAttr, str(at(r.values, blockAttr, i, "name"))); ci >= 0 {
			a.expr = []any{blockAttr, ci, attr}
		} else {
			a.expr = nil
		}
	}
	return a
}
