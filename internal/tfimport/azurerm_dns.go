package tfimport

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/internal/model"
)

// azurerm private DNS: zones, record sets of every type, virtual network
// links, and DNS Private Resolvers with their endpoints, forwarding
// rulesets, rules and ruleset links (terraform-inputs.md §2.1). v5 names a
// record's and a link's zone by private_dns_zone_id; v3 and v4 by
// zone_name (private_dns_zone_name) and resource_group_name.

func init() {
	register("azurerm_private_dns_zone", phaseNetworks, true, (*importer).azZone)
	for _, t := range []string{"a", "aaaa", "cname", "mx", "ptr", "srv", "txt"} {
		register("azurerm_private_dns_"+t+"_record", phaseSubnets, false, (*importer).azRecord)
	}
	register("azurerm_private_dns_zone_virtual_network_link", phaseAttach, false, (*importer).azZoneLink)
	register("azurerm_private_dns_resolver", phaseAttach, true, (*importer).azResolver)
	register("azurerm_private_dns_resolver_inbound_endpoint", phaseDependents, true, (*importer).azInbound)
	register("azurerm_private_dns_resolver_outbound_endpoint", phaseDependents, true, (*importer).azOutbound)
	register("azurerm_private_dns_resolver_dns_forwarding_ruleset", phaseRulesets, true, (*importer).azRuleset)
	register("azurerm_private_dns_resolver_forwarding_rule", phaseRules, false, (*importer).azForwardingRule)
	register("azurerm_private_dns_resolver_virtual_network_link", phaseRules, false, (*importer).azRulesetLink)
}

func (im *importer) azZone(r *resource) {
	name := r.str("name")
	if name == "" {
		im.skip(r, "the zone name is known only after apply")
		return
	}
	im.addZone(r, name, r.str("resource_group_name"), r.str("id"))
}

func (im *importer) addZone(r *resource, name, rg, id string) *node {
	z := &model.PrivateDNSZone{ResourceGroup: rg}
	z.Name = strings.ToLower(strings.TrimSuffix(name, "."))
	z.Loc = r.loc()
	for _, o := range im.t.Azure.PrivateDNSZones {
		if o.Name == z.Name && strings.EqualFold(o.ResourceGroup, rg) {
			im.skip(r, "zone %s in resource group %q is imported already from %s", z.Name, rg, o.Loc)
			return nil
		}
	}
	im.t.Azure.PrivateDNSZones = append(im.t.Azure.PrivateDNSZones, z)
	return im.add(r, kindZone, z.Name, rg, z, id, armZone, z.Name)
}

// zoneOf finds the zone a record or a link belongs to. A zone the input
// lacks but whose name is known is added, without links: the records say
// it exists.
func (im *importer) zoneOf(r *resource, nameAttr string) *node {
	if a := r.attr("private_dns_zone_id"); a.v != nil || a.unknown {
		x := im.ref(a, kindZone)
		if n := x.one(); n != nil {
			im.noted(r, "private_dns_zone_id", x)
			return n
		}
		if id, ok := parseAzureID(str(a.v)); ok && strings.EqualFold(id.armType(), armZone) {
			return im.syntheticZone(r, id.names[0], id.rg, str(a.v))
		}
		im.unresolved(r, "private_dns_zone_id", x, "not imported")
		return nil
	}
	rg := r.str("resource_group_name")
	x := im.named(r.attr(nameAttr), armZone, rg, kindZone)
	if n := x.one(); n != nil {
		im.noted(r, nameAttr, x)
		return n
	}
	if name := r.str(nameAttr); name != "" {
		return im.syntheticZone(r, name, rg, "")
	}
	im.unresolved(r, nameAttr, x, "not imported")
	return nil
}

// syntheticZone adds a zone that the input names but does not declare.
func (im *importer) syntheticZone(r *resource, name, rg, id string) *node {
	if n := im.byARM[armKey(armZone, rg, strings.ToLower(strings.TrimSuffix(name, ".")))]; n != nil {
		return n
	}
	im.warn(r, "private DNS zone %s (resource group %q) is not in the Terraform input; it is imported from this reference, with no virtual network links", name, rg).
		WithHint("import the Terraform that declares the zone as well, or declare its links in a topology file given with -f")
	n := im.addZone(r, name, rg, id)
	if n != nil {
		// The zone is r's by inference only: r's own node is added by the caller.
		r.nodes = r.nodes[:len(r.nodes)-1]
	}
	return n
}

func (im *importer) azRecord(r *resource) {
	z := im.zoneOf(r, "zone_name")
	if z == nil {
		return
	}
	zone, ok := elemOf[model.PrivateDNSZone](im, r, z, "zone", "declare the record there")
	if !ok {
		return
	}
	typ := strings.ToUpper(strings.TrimSuffix(strings.TrimPrefix(r.typ, "azurerm_private_dns_"), "_record"))
	rec, problem := im.recordOf(r, typ)
	if problem != "" {
		im.skip(r, "%s", problem)
		return
	}
	im.addRecord(r, &zone.Zone, rec)
}

// recordOf reads an azurerm record set.
func (im *importer) recordOf(r *resource, typ string) (*model.Record, string) {
	name := r.str("name")
	if name == "" {
		return nil, "the record name is known only after apply"
	}
	rec := &model.Record{Name: name, Type: model.RecordType(typ), Loc: r.loc()}
	if ttl, ok := r.integer("ttl"); ok && ttl > 0 {
		rec.TTL = ttl
	}
	if r.attr("records").unknown || r.attr("record").unknown {
		return nil, "the record's values are known only after apply"
	}
	switch typ {
	case "A", "AAAA":
		for _, s := range r.strs("records") {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Sprintf("record value %q is not an IP address", s)
			}
			rec.Values = append(rec.Values, a.String())
		}
	case "PTR":
		rec.Values = r.strs("records")
	case "CNAME":
		if s := r.str("record"); s != "" {
			rec.Values = []string{s}
		}
	case "MX":
		for _, b := range r.blocks("record") {
			p, _ := integer(b["preference"])
			rec.Values = append(rec.Values, strconv.Itoa(p)+" "+str(b["exchange"]))
		}
	case "SRV":
		for _, b := range r.blocks("record") {
			p, _ := integer(b["priority"])
			w, _ := integer(b["weight"])
			port, _ := integer(b["port"])
			rec.Values = append(rec.Values, fmt.Sprintf("%d %d %d %s", p, w, port, str(b["target"])))
		}
	case "TXT":
		for _, b := range r.blocks("record") {
			rec.Values = append(rec.Values, str(b["value"]))
		}
	}
	if len(rec.Values) == 0 {
		return nil, "the record set has no value"
	}
	return rec, ""
}

// addRecord adds a record set to a zone, refusing a second set of one name
// and type (Link would reject the topology).
func (im *importer) addRecord(r *resource, z *model.Zone, rec *model.Record) {
	for _, o := range z.Records {
		if strings.EqualFold(o.Name, rec.Name) && o.Type == rec.Type {
			im.skip(r, "zone %s already has a %s record set %q (from %s)", z.Name, rec.Type, rec.Name, o.Loc)
			return
		}
	}
	z.Records = append(z.Records, rec)
	r.nodes = append(r.nodes, &node{res: r, kind: "record", name: z.Name + "/" + rec.Name, elem: rec})
}

func (im *importer) azZoneLink(r *resource) {
	z := im.zoneOf(r, "private_dns_zone_name")
	if z == nil {
		return
	}
	zone, ok := elemOf[model.PrivateDNSZone](im, r, z, "zone", "declare the link there")
	if !ok {
		return
	}
	x := im.ref(r.attr("virtual_network_id"), kindVNet)
	if x.one() == nil {
		im.unresolved(r, "virtual_network_id", x, "the link is not imported")
		return
	}
	im.noted(r, "virtual_network_id", x)
	l := &model.VNetLink{Name: r.str("name"), VNet: model.Ref[model.VNet]{Name: x.one().name, Loc: r.loc()}, Zone: zone, Loc: r.loc()}
	l.RegistrationEnabled, _ = r.boolean("registration_enabled")
	if p := r.str("resolution_policy"); p != "" {
		pol, ok := enumOf[model.ResolutionPolicy](p)
		if !ok {
			im.warn(r, "resolution_policy %q is not one aksnet knows; read as Default", p)
		}
		if pol != model.ResolutionDefault {
			l.ResolutionPolicy = pol
		}
	}
	for _, o := range zone.Links {
		if o.VNet.Name == l.VNet.Name {
			im.skip(r, "zone %s is linked to VNet %s already (at %s); Azure allows one link per zone and VNet", zone.Name, l.VNet.Name, o.Loc)
			return
		}
	}
	zone.Links = append(zone.Links, l)
	r.nodes = append(r.nodes, &node{res: r, kind: "link", name: zone.Name + "/" + l.Name, elem: l})
}

func (im *importer) azResolver(r *resource) {
	name, _ := im.nameOf(r, "name")
	x := im.ref(r.attr("virtual_network_id"), kindVNet)
	if x.one() == nil {
		im.unresolved(r, "virtual_network_id", x, "the resolver is not imported")
		return
	}
	im.noted(r, "virtual_network_id", x)
	rg := r.str("resource_group_name")
	im.addResolver(r, name, rg, r.str("id"), x.one())
}

func (im *importer) addResolver(r *resource, name, rg, id string, vnet *node) *node {
	d := &model.DNSResolver{Name: im.unique(r, kindResolver, name, rg), VNet: model.Ref[model.VNet]{Name: vnet.name, Loc: r.loc()}, Loc: r.loc()}
	im.t.Azure.DNSResolvers = append(im.t.Azure.DNSResolvers, d)
	return im.add(r, kindResolver, d.Name, rg, d, id, armResolver, name)
}

// resolverOf finds the resolver an endpoint belongs to.
func (im *importer) resolverOf(r *resource) *model.DNSResolver {
	x := im.ref(r.attr("private_dns_resolver_id"), kindResolver)
	if x.one() == nil {
		im.unresolved(r, "private_dns_resolver_id", x, "the endpoint is not imported")
		return nil
	}
	d, ok := elemOf[model.DNSResolver](im, r, x.one(), "resolver", "declare the endpoint there")
	if !ok {
		return nil
	}
	im.noted(r, "private_dns_resolver_id", x)
	return d
}

func (im *importer) azInbound(r *resource) {
	d := im.resolverOf(r)
	if d == nil {
		return
	}
	name, _ := im.nameOf(r, "name")
	sub := im.subnetOf(r, r.attr("ip_configurations", 0, "subnet_id"), "ip_configurations.subnet_id", "the endpoint is not imported")
	if sub == nil {
		return
	}
	ip := r.str("ip_configurations", 0, "private_ip_address")
	if strings.EqualFold(r.str("ip_configurations", 0, "private_ip_allocation_method"), "Dynamic") && r.in.format == formatPlan && r.attr("ip_configurations", 0, "private_ip_address").unknown {
		ip = ""
	}
	im.addInbound(r, d, name, r.str("id"), sub, ip)
}

func (im *importer) addInbound(r *resource, d *model.DNSResolver, name, id string, sub *node, ip string) {
	e := &model.InboundEndpoint{Name: name, Subnet: model.Ref[model.Subnet]{Name: sub.name, Loc: r.loc()}, Resolver: d, Loc: r.loc()}
	d.InboundEndpoints = append(d.InboundEndpoints, e)
	im.add(r, kindInbound, d.Name+"/"+name, "", e, id, "")
	im.assignIP(r, sub, ip, "inbound endpoint "+d.Name+"/"+name, func(a netip.Addr) { e.IP = a })
}

func (im *importer) azOutbound(r *resource) {
	d := im.resolverOf(r)
	if d == nil {
		return
	}
	name, _ := im.nameOf(r, "name")
	sub := im.subnetOf(r, r.attr("subnet_id"), "subnet_id", "the endpoint is not imported")
	if sub == nil {
		return
	}
	im.addOutbound(r, d, name, r.str("id"), sub)
}

func (im *importer) addOutbound(r *resource, d *model.DNSResolver, name, id string, sub *node) {
	e := &model.OutboundEndpoint{Name: name, Subnet: model.Ref[model.Subnet]{Name: sub.name, Loc: r.loc()}, Resolver: d, Loc: r.loc()}
	d.OutboundEndpoints = append(d.OutboundEndpoints, e)
	im.add(r, kindOutbound, d.Name+"/"+name, "", e, id, "")
}

func (im *importer) azRuleset(r *resource) {
	name, _ := im.nameOf(r, "name")
	x := im.refs(r.attr("private_dns_resolver_outbound_endpoint_ids"), kindOutbound)
	if len(x.nodes) == 0 {
		if x.problem == "" {
			x.problem = "it names no outbound endpoint"
		}
		im.unresolved(r, "private_dns_resolver_outbound_endpoint_ids", x, "the ruleset is not imported")
		return
	}
	if x.problem != "" {
		im.unresolved(r, "private_dns_resolver_outbound_endpoint_ids", x, "the ruleset is imported with the endpoints found")
	}
	im.noted(r, "private_dns_resolver_outbound_endpoint_ids", x)
	rg := r.str("resource_group_name")
	rs := &model.ForwardingRuleset{Name: im.unique(r, kindRuleset, name, rg), Loc: r.loc()}
	for _, n := range x.nodes {
		rs.OutboundEndpoints = append(rs.OutboundEndpoints, model.Ref[model.OutboundEndpoint]{Name: n.name, Loc: r.loc()})
	}
	im.t.Azure.ForwardingRulesets = append(im.t.Azure.ForwardingRulesets, rs)
	im.add(r, kindRuleset, rs.Name, rg, rs, r.str("id"), armRuleset, name)
}

// rulesetOf finds the ruleset a rule or a link belongs to.
func (im *importer) rulesetOf(r *resource) *model.ForwardingRuleset {
	x := im.ref(r.attr("dns_forwarding_ruleset_id"), kindRuleset)
	if x.one() == nil {
		im.unresolved(r, "dns_forwarding_ruleset_id", x, "not imported")
		return nil
	}
	rs, ok := elemOf[model.ForwardingRuleset](im, r, x.one(), "ruleset", "declare this there")
	if !ok {
		return nil
	}
	im.noted(r, "dns_forwarding_ruleset_id", x)
	return rs
}

func (im *importer) azForwardingRule(r *resource) {
	rs := im.rulesetOf(r)
	if rs == nil {
		return
	}
	name, _ := im.nameOf(r, "name")
	domain := r.str("domain_name")
	if domain == "" {
		im.skip(r, "domain_name is known only after apply")
		return
	}
	var targets []map[string]any
	for _, b := range r.blocks("target_dns_servers") {
		targets = append(targets, map[string]any{"ip": b["ip_address"], "port": b["port"]})
	}
	rule := &model.ForwardingRule{Name: name, Domain: domain, Loc: r.loc()}
	rule.Targets = im.targets(r, targets)
	if len(rule.Targets) == 0 {
		im.skip(r, "rule %s: its target DNS servers are known only after apply", name)
		return
	}
	if on, ok := r.boolean("enabled"); ok && !on {
		rule.State = "Disabled"
	}
	rs.Rules = append(rs.Rules, rule)
	r.nodes = append(r.nodes, &node{res: r, kind: kindRule, name: rs.Name + "/" + name, elem: rule})
}

// targets reads DNS server targets ({ip, port} objects).
func (im *importer) targets(r *resource, bs []map[string]any) []model.AddrPort {
	var out []model.AddrPort
	for _, b := range bs {
		ip, err := netip.ParseAddr(str(b["ip"]))
		if err != nil {
			if s := str(b["ip"]); s != "" {
				im.warn(r, "target %q is not an IP address; left out", s)
			}
			continue
		}
		port := 53
		if p, ok := integer(b["port"]); ok && p > 0 && p < 65536 {
			port = p
		}
		out = append(out, model.AddrPort{AddrPort: netip.AddrPortFrom(ip.Unmap(), uint16(port))})
	}
	return out
}

func (im *importer) azRulesetLink(r *resource) {
	rs := im.rulesetOf(r)
	if rs == nil {
		return
	}
	x := im.ref(r.attr("virtual_network_id"), kindVNet)
	if x.one() == nil {
		im.unresolved(r, "virtual_network_id", x, "the link is not imported")
		return
	}
	im.noted(r, "virtual_network_id", x)
	for _, l := range rs.Links {
		if l.Name == x.one().name {
			im.skip(r, "ruleset %s is linked to VNet %s already", rs.Name, l.Name)
			return
		}
	}
	rs.Links = append(rs.Links, model.Ref[model.VNet]{Name: x.one().name, Loc: r.loc()})
	r.nodes = append(r.nodes, &node{res: r, kind: "ruleset link", name: rs.Name + "/" + x.one().name})
}
