package tfimport

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/aksnet/aksnet/internal/model"
)

// aws: VPCs (and their extra CIDR blocks), subnets, DHCP options and their
// association, Route 53 hosted zones (private ones with their vpc blocks
// and zone associations; public ones as public DNS), records, Resolver
// endpoints, rules and rule associations, EC2 instances, and VPN
// connections (terraform-inputs.md §2.2, from hashicorp/terraform-provider-aws
// website/docs/r/*.html.markdown).

func init() {
	register("aws_vpc", phaseNetworks, true, (*importer).awsVPC)
	register("aws_default_vpc", phaseNetworks, false, (*importer).awsVPC)
	register("aws_vpc_ipv4_cidr_block_association", phaseSubnets, false, (*importer).awsVPCCIDR)
	register("aws_subnet", phaseSubnets, true, (*importer).awsSubnet)
	register("aws_default_subnet", phaseSubnets, false, (*importer).awsSubnet)
	register("aws_vpc_dhcp_options", phaseNetworks, true, (*importer).awsDHCPOptions)
	register("aws_vpc_dhcp_options_association", phaseAttach, false, (*importer).awsDHCPAssociation)
	register("aws_route53_zone", phaseSubnets, true, (*importer).awsZone)
	register("aws_route53_zone_association", phaseAttach, false, (*importer).awsZoneAssociation)
	register("aws_route53_record", phaseAttach, false, (*importer).awsRecord)
	register("aws_route53_resolver_endpoint", phaseAttach, true, (*importer).awsResolverEndpoint)
	register("aws_route53_resolver_rule", phaseDependents, true, (*importer).awsResolverRule)
	register("aws_route53_resolver_rule_association", phaseRulesets, false, (*importer).awsRuleAssociation)
	register("aws_instance", phaseDependents, true, (*importer).awsInstance)
	register("aws_vpn_connection", phaseRules, false, (*importer).awsVPNConnection)
}

// awsName names an AWS element: its Name tag, else the resource's name in
// the configuration with its instance key.
func awsName(r *resource) string {
	if n := r.tag("Name"); n != "" {
		return n
	}
	if n := r.str("name"); n != "" && !strings.HasPrefix(r.typ, "aws_vpc") && r.typ != "aws_subnet" {
		return n
	}
	n := r.name
	switch k := r.key.(type) {
	case int:
		n += fmt.Sprintf("-%d", k)
	case string:
		n += "-" + sanitize(k)
	}
	return n
}

// arnRegion reads the region of an ARN (arn:aws:ec2:REGION:ACCOUNT:…).
func arnRegion(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) > 3 && parts[0] == "arn" {
		return parts[3]
	}
	return ""
}

func (im *importer) awsVPC(r *resource) {
	cidrs := im.prefixesOf(r, "cidr_block", r.strs("cidr_block"))
	if c := r.str("cidr_block"); c != "" {
		cidrs = im.prefixesOf(r, "cidr_block", []string{c})
	}
	if len(cidrs) == 0 {
		im.skip(r, "cidr_block is known only after apply (IPAM?)")
		return
	}
	v := &model.VPC{Name: im.unique(r, kindVPC, awsName(r), ""), Region: arnRegion(r.str("arn")), CIDRs: cidrs, Loc: r.loc()}
	if on, ok := r.boolean("enable_dns_support"); ok && !on {
		v.EnableDNSSupport = &on
	}
	v.EnableDNSHostnames, _ = r.boolean("enable_dns_hostnames")
	im.t.AWS.VPCs = append(im.t.AWS.VPCs, v)
	im.add(r, kindVPC, v.Name, "", v, r.str("id"), "")
}

// vpcOf resolves a VPC reference.
func (im *importer) vpcOf(r *resource, a value, label, consequence string) *model.VPC {
	x := im.ref(a, kindVPC)
	if x.one() == nil {
		if x.problem == "" {
			x.problem = "it is not set"
		}
		im.unresolved(r, label, x, consequence)
		return nil
	}
	v, ok := elemOf[model.VPC](im, r, x.one(), "VPC", "declare this there")
	if !ok {
		return nil
	}
	im.noted(r, label, x)
	return v
}

func (im *importer) awsVPCCIDR(r *resource) {
	v := im.vpcOf(r, r.attr("vpc_id"), "vpc_id", "the CIDR block is not imported")
	if v == nil {
		return
	}
	ps := im.prefixesOf(r, "cidr_block", []string{r.str("cidr_block")})
	if len(ps) == 0 {
		im.skip(r, "cidr_block is known only after apply")
		return
	}
	v.CIDRs = append(v.CIDRs, ps...)
	r.nodes = append(r.nodes, &node{res: r, kind: "vpc cidr", name: v.Name})
}

func (im *importer) awsSubnet(r *resource) {
	v := im.vpcOf(r, r.attr("vpc_id"), "vpc_id", "the subnet is not imported")
	if v == nil {
		return
	}
	ps := im.prefixesOf(r, "cidr_block", []string{r.str("cidr_block")})
	if len(ps) == 0 {
		im.skip(r, "cidr_block is known only after apply")
		return
	}
	name := awsName(r)
	for _, o := range v.Subnets {
		if o.Name == name {
			name = fmt.Sprintf("%s-%s", name, sanitize(r.addr))
		}
	}
	s := &model.AWSSubnet{Name: name, CIDR: ps[0], AvailabilityZone: r.str("availability_zone"), VPC: v, Loc: r.loc()}
	v.Subnets = append(v.Subnets, s)
	im.add(r, kindAWSSubnet, v.Name+"/"+s.Name, "", s, r.str("id"), "")
}

func (im *importer) awsDHCPOptions(r *resource) {
	d := &model.DHCPOptions{DomainName: r.str("domain_name"), DomainNameServers: r.strs("domain_name_servers"), Loc: r.loc()}
	im.add(r, kindDHCPOptions, r.str("id"), "", d, r.str("id"), "")
}

func (im *importer) awsDHCPAssociation(r *resource) {
	v := im.vpcOf(r, r.attr("vpc_id"), "vpc_id", "the association is not imported")
	if v == nil {
		return
	}
	x := im.ref(r.attr("dhcp_options_id"), kindDHCPOptions)
	if x.one() == nil {
		if strings.EqualFold(r.str("dhcp_options_id"), "default") {
			return // the default set: AmazonProvidedDNS
		}
		im.unresolved(r, "dhcp_options_id", x, "the association is not imported")
		return
	}
	opts, ok := x.one().elem.(*model.DHCPOptions)
	if !ok {
		im.skip(r, "its DHCP options %s are not importable", x.one().describe())
		return
	}
	d := *opts
	d.Loc = r.loc()
	v.DHCPOptions = &d
	r.nodes = append(r.nodes, x.one())
}

// awsZone imports a hosted zone: a private hosted zone when it has vpc
// blocks (the data source: private_zone), else a public zone.
func (im *importer) awsZone(r *resource) {
	name := strings.ToLower(strings.TrimSuffix(r.str("name"), "."))
	if name == "" {
		im.skip(r, "the zone name is known only after apply")
		return
	}
	id := r.str("zone_id")
	if id == "" {
		id = r.str("id")
	}
	vpcBlocks := r.blocks("vpc")
	private, _ := r.boolean("private_zone")
	if len(vpcBlocks) == 0 && !private && !r.attr("vpc").unknown {
		z := &model.Zone{Name: name, Loc: r.loc()}
		im.t.Internet.Zones = append(im.t.Internet.Zones, z)
		im.add(r, kindPublicZone, name, "", z, id, "")
		return
	}
	for _, o := range im.t.AWS.HostedZones {
		if o.Name == name {
			im.skip(r, "a private hosted zone %s is imported already from %s; aksnet models one per name", name, o.Loc)
			return
		}
	}
	z := &model.HostedZone{}
	z.Name, z.Loc = name, r.loc()
	for i := range vpcBlocks {
		if v := im.vpcOf(r, r.attr("vpc", i, "vpc_id"), "vpc.vpc_id", "the association is not imported"); v != nil {
			z.VPCs = append(z.VPCs, model.Ref[model.VPC]{Name: v.Name, Loc: r.loc()})
		}
	}
	if private && r.str("vpc_id") != "" {
		if v := im.vpcOf(r, r.attr("vpc_id"), "vpc_id", "the association is not imported"); v != nil {
			z.VPCs = append(z.VPCs, model.Ref[model.VPC]{Name: v.Name, Loc: r.loc()})
		}
	}
	im.t.AWS.HostedZones = append(im.t.AWS.HostedZones, z)
	im.add(r, kindHostedZone, name, "", z, id, "")
	// A private zone is visible only through its VPC associations, which
	// may be separate resources: check once they are all known.
	im.later(phaseRules, func() {
		if len(z.VPCs) == 0 {
			im.t.AWS.HostedZones = slices.DeleteFunc(im.t.AWS.HostedZones, func(x *model.HostedZone) bool { return x == z })
			im.skip(r, "private hosted zone %s is associated with no imported VPC", name)
		}
	})
}

func (im *importer) awsZoneAssociation(r *resource) {
	x := im.ref(r.attr("zone_id"), kindHostedZone)
	if x.one() == nil {
		im.unresolved(r, "zone_id", x, "the association is not imported")
		return
	}
	z, ok := elemOf[model.HostedZone](im, r, x.one(), "zone", "associate it there")
	if !ok {
		return
	}
	v := im.vpcOf(r, r.attr("vpc_id"), "vpc_id", "the association is not imported")
	if v == nil {
		return
	}
	for _, o := range z.VPCs {
		if o.Name == v.Name {
			return
		}
	}
	z.VPCs = append(z.VPCs, model.Ref[model.VPC]{Name: v.Name, Loc: r.loc()})
	r.nodes = append(r.nodes, x.one())
}

func (im *importer) awsRecord(r *resource) {
	x := im.ref(r.attr("zone_id"), kindHostedZone, kindPublicZone)
	if x.one() == nil {
		im.unresolved(r, "zone_id", x, "the record is not imported")
		return
	}
	var zone *model.Zone
	switch z := x.one().elem.(type) {
	case *model.HostedZone:
		zone = &z.Zone
	case *model.Zone:
		zone = z
	default:
		im.skip(r, "its zone %s is declared in a topology file; declare the record there", x.one().name)
		return
	}
	im.noted(r, "zone_id", x)
	if len(r.blocks("alias")) > 0 || r.attr("alias").unknown && r.attr("records").v == nil {
		im.skip(r, "alias records (to load balancers, CloudFront…) are not modelled")
		return
	}
	typ := strings.ToUpper(r.str("type"))
	if typ == "" {
		im.skip(r, "the record type is known only after apply")
		return
	}
	if !slices.Contains(model.RecordType("").Enum(), typ) {
		im.skip(r, "%s records are not modelled (aksnet models %s)", typ, strings.Join(model.RecordType("").Enum(), ", "))
		return
	}
	name := strings.ToLower(strings.TrimSuffix(r.str("name"), "."))
	if name == "" {
		im.skip(r, "the record name is known only after apply")
		return
	}
	// The provider appends the zone's name to a name that lacks it
	// (aws_route53_record docs, "name").
	switch {
	case name == zone.Name:
		name = "@"
	case strings.HasSuffix(name, "."+zone.Name):
		name = strings.TrimSuffix(name, "."+zone.Name)
	}
	if r.attr("records").unknown {
		im.skip(r, "the record's values are known only after apply")
		return
	}
	rec := &model.Record{Name: name, Type: model.RecordType(typ), Values: r.strs("records"), Loc: r.loc()}
	if ttl, ok := r.integer("ttl"); ok && ttl > 0 {
		rec.TTL = ttl
	}
	if typ == "TXT" {
		for i, v := range rec.Values {
			rec.Values[i] = strings.Trim(v, `"`)
		}
	}
	if len(rec.Values) == 0 {
		im.skip(r, "the record has no value")
		return
	}
	im.addRecord(r, zone, rec)
}

func (im *importer) awsResolverEndpoint(r *resource) {
	dir, ok := enumOf[model.EndpointDirection](r.str("direction"))
	if !ok {
		im.skip(r, "direction %q is not INBOUND or OUTBOUND", r.str("direction"))
		return
	}
	name := r.str("name")
	if name == "" {
		name = awsName(r)
	}
	e := &model.ResolverEndpoint{Name: im.unique(r, kindR53Inbound, name, ""), Direction: dir, Loc: r.loc()}
	for i, b := range r.blocks("ip_address") {
		x := im.ref(r.attr("ip_address", i, "subnet_id"), kindAWSSubnet)
		if x.one() == nil {
			im.unresolved(r, "ip_address.subnet_id", x, "that address is not imported")
			continue
		}
		ip := &model.EndpointIP{Subnet: model.Ref[model.AWSSubnet]{Name: x.one().name, Loc: r.loc()}, Loc: r.loc()}
		e.IPs = append(e.IPs, ip)
		im.assignIP(r, x.one(), str(b["ip"]), "resolver endpoint "+e.Name, func(a netip.Addr) { ip.IP = a })
	}
	if len(e.IPs) == 0 {
		im.skip(r, "none of its addresses could be imported")
		return
	}
	im.t.AWS.ResolverEndpoints = append(im.t.AWS.ResolverEndpoints, e)
	im.add(r, kindR53Inbound, e.Name, "", e, r.str("id"), "")
}

func (im *importer) awsResolverRule(r *resource) {
	typ, ok := enumOf[model.ResolverRuleType](r.str("rule_type"))
	if !ok {
		im.skip(r, "rule_type %q is not modelled (aksnet models FORWARD and SYSTEM)", r.str("rule_type"))
		return
	}
	name := r.str("name")
	if name == "" {
		name = awsName(r)
	}
	rule := &model.ResolverRule{Name: im.unique(r, kindR53Rule, name, ""), Type: typ, Domain: r.str("domain_name"), Loc: r.loc()}
	if rule.Domain == "" {
		im.skip(r, "domain_name is known only after apply")
		return
	}
	var ts []map[string]any
	for _, b := range r.blocks("target_ip") {
		ts = append(ts, map[string]any{"ip": b["ip"], "port": b["port"]})
	}
	rule.Targets = im.targets(r, ts)
	if a := r.attr("resolver_endpoint_id"); a.v != nil || a.unknown {
		x := im.ref(a, kindR53Inbound)
		if x.one() == nil {
			im.unresolved(r, "resolver_endpoint_id", x, "the rule is not imported")
			return
		}
		im.noted(r, "resolver_endpoint_id", x)
		rule.Endpoint = model.Ref[model.ResolverEndpoint]{Name: x.one().name, Loc: r.loc()}
	}
	im.t.AWS.ResolverRules = append(im.t.AWS.ResolverRules, rule)
	im.add(r, kindR53Rule, rule.Name, "", rule, r.str("id"), "")
}

func (im *importer) awsRuleAssociation(r *resource) {
	x := im.ref(r.attr("resolver_rule_id"), kindR53Rule)
	if x.one() == nil {
		im.unresolved(r, "resolver_rule_id", x, "the association is not imported")
		return
	}
	rule, ok := elemOf[model.ResolverRule](im, r, x.one(), "rule", "associate it there")
	if !ok {
		return
	}
	v := im.vpcOf(r, r.attr("vpc_id"), "vpc_id", "the association is not imported")
	if v == nil {
		return
	}
	rule.VPCs = append(rule.VPCs, model.Ref[model.VPC]{Name: v.Name, Loc: r.loc()})
	r.nodes = append(r.nodes, x.one())
}

func (im *importer) awsInstance(r *resource) {
	x := im.ref(r.attr("subnet_id"), kindAWSSubnet)
	if x.one() == nil {
		if x.problem == "" {
			x.problem = "it is not set (the default VPC's subnets are not in the input)"
		}
		im.unresolved(r, "subnet_id", x, "the instance is not imported")
		return
	}
	im.noted(r, "subnet_id", x)
	i := &model.EC2Instance{Name: im.unique(r, kindInstance, awsName(r), ""), Subnet: model.Ref[model.AWSSubnet]{Name: x.one().name, Loc: r.loc()}, Loc: r.loc()}
	im.t.AWS.Instances = append(im.t.AWS.Instances, i)
	im.add(r, kindInstance, i.Name, "", i, r.str("id"), "")
	im.assignIP(r, x.one(), r.str("private_ip"), "instance "+i.Name, func(a netip.Addr) { i.IP = a })
}

// awsVPNConnection: the model holds a VPN from its Azure end (a gateway
// connection to the local network gateway that stands for the VPC). When
// such a connection is imported, this is its AWS end; otherwise it is
// reported.
func (im *importer) awsVPNConnection(r *resource) {
	for _, c := range im.t.Connections {
		if c.Remote.Scheme == "vpc" {
			r.nodes = append(r.nodes, &node{res: r, kind: kindConnection, name: c.Name, elem: c})
			return
		}
	}
	im.skip(r, "aksnet models a VPN from its Azure end (an azurerm_virtual_network_gateway_connection to a local network gateway for the VPC), which the input lacks; declare the connection in a topology file given with -f")
}
