package model

import (
	"reflect"
	"strings"
)

// Link prepares a freshly decoded topology for the engines: it sets parent
// pointers, indexes every named element (rejecting duplicates), resolves
// every reference, parses record values and canonicalises DNS names. It
// returns every problem found, not just the first.
func (t *Topology) Link() ErrorList {
	var errs ErrorList
	t.setParents()

	t.ix = &indexes{byType: map[reflect.Type]*index{}}
	// Register every kind, so a reference to a kind the topology has none of
	// says so instead of failing as an internal error.
	for _, el := range []Element{&VNet{}, &Subnet{VNet: &VNet{}}, &RouteTable{}, &NSG{}, &VNetGateway{},
		&Firewall{}, &VM{}, &PrivateDNSZone{}, &PrivateEndpoint{}, &PaaSResource{}, &DNSResolver{},
		&InboundEndpoint{Resolver: &DNSResolver{}}, &OutboundEndpoint{Resolver: &DNSResolver{}},
		&ForwardingRuleset{}, &Cluster{}, &VPC{}, &AWSSubnet{VPC: &VPC{}}, &EC2Instance{}, &HostedZone{},
		&ResolverEndpoint{}, &ResolverRule{}, &Site{}, &Host{Site: &Site{}}, &Connection{}} {
		typ := reflect.TypeOf(el).Elem()
		t.ix.byType[typ] = &index{kind: el.Kind(), byKey: map[string][]Element{}}
	}
	// One walk registers every element and collects every reference; the
	// references resolve once all elements are known.
	var refs []resolver
	walk(reflect.ValueOf(t), func(v reflect.Value, p *walkPlan) {
		switch {
		case p.isElement:
			errs.Add(t.ix.add(v.Type(), v.Addr().Interface().(Element)))
		case p.isResolver:
			refs = append(refs, v.Addr().Interface().(resolver))
		}
	})
	for _, r := range refs {
		errs.Add(r.resolve(t.ix))
	}
	t.linkSpecial(&errs)
	t.canonicalise(&errs)
	return errs
}

// setParents fills the back-pointers that let an element name itself
// ("hub/dns") and engines walk up.
func (t *Topology) setParents() {
	for _, v := range t.Azure.VNets {
		for _, s := range v.Subnets {
			s.VNet = v
		}
		for _, p := range v.Peerings {
			p.From = v
		}
	}
	for _, r := range t.Azure.DNSResolvers {
		for _, e := range r.InboundEndpoints {
			e.Resolver = r
		}
		for _, e := range r.OutboundEndpoints {
			e.Resolver = r
		}
	}
	for _, z := range t.Azure.PrivateDNSZones {
		for _, l := range z.Links {
			l.Zone = z
		}
	}
	for _, c := range t.Azure.Clusters {
		for _, p := range c.NodePools {
			p.Cluster = c
		}
	}
	for _, v := range t.AWS.VPCs {
		for _, s := range v.Subnets {
			s.VPC = v
		}
	}
	for _, s := range t.OnPrem.Sites {
		for _, h := range s.Hosts {
			h.Site = s
		}
	}
}

// linkSpecial resolves the references that are not plain names and fills
// the defaults that depend on other elements.
func (t *Topology) linkSpecial(errs *ErrorList) {
	if r := t.Metadata.DefaultRegion; r != "" {
		for _, v := range t.Azure.VNets {
			if v.Region == "" {
				v.Region = r
			}
		}
		for _, x := range t.Azure.Resources {
			if x.Region == "" {
				x.Region = r
			}
		}
		for _, c := range t.Azure.Clusters {
			if c.Region == "" {
				c.Region = r
			}
		}
	}
	for _, c := range t.Azure.Clusters {
		a := &c.APIServer
		if a.ZoneMode() != "custom" {
			continue
		}
		r := Ref[PrivateDNSZone]{Name: a.PrivateDNSZone, Loc: a.Loc}
		if e := r.resolve(t.ix); e != nil {
			e.Msg = "apiServer.privateDnsZone: " + e.Msg + ` (or write "system" or "none")`
			errs.Add(e)
			continue
		}
		a.CustomZone = r.Target
	}
}

// canonicalise lower-cases DNS names, strips trailing dots and parses record
// values, so engines compare names with ==.
func (t *Topology) canonicalise(errs *ErrorList) {
	zone := func(z *Zone) {
		n, err := CanonicalName(z.Name)
		if err != nil {
			errs.Add(Errorf(z.Loc, "zone name: %v", err))
			return
		}
		z.Name = n
		t.parseRecords(z, errs)
	}
	for _, z := range t.Azure.PrivateDNSZones {
		zone(&z.Zone)
	}
	for _, z := range t.AWS.HostedZones {
		zone(&z.Zone)
	}
	for _, z := range t.Internet.Zones {
		zone(z)
	}
	server := func(s *DNSServer) {
		if s == nil {
			return
		}
		for _, z := range s.Zones {
			zone(z)
		}
		for _, f := range s.ConditionalForwarders {
			f.Domain = canonicalDomain(f.Domain, f.Loc, errs)
		}
	}
	for _, vm := range t.Azure.VMs {
		server(vm.DNS)
	}
	for _, i := range t.AWS.Instances {
		server(i.DNS)
	}
	for _, s := range t.OnPrem.Sites {
		for _, h := range s.Hosts {
			server(h.DNS)
		}
	}
	for _, rs := range t.Azure.ForwardingRulesets {
		for _, r := range rs.Rules {
			r.Domain = canonicalDomain(r.Domain, r.Loc, errs)
		}
	}
	for _, r := range t.AWS.ResolverRules {
		r.Domain = canonicalDomain(r.Domain, r.Loc, errs)
	}
}

// canonicalDomain canonicalises a forwarding domain; "." (everything)
// becomes "".
func canonicalDomain(d string, at Location, errs *ErrorList) string {
	if d == "." {
		return ""
	}
	n, err := CanonicalName(d)
	if err != nil {
		errs.Add(Errorf(at, "domain: %v", err).WithHint(`write "." to match every name`))
		return d
	}
	return n
}

func (t *Topology) parseRecords(z *Zone, errs *ErrorList) {
	seen := map[string]*Record{}
	for _, r := range z.Records {
		if r.Name != "@" {
			if _, err := CanonicalName(r.Name); err != nil {
				errs.Add(Errorf(r.Loc, "record name: %v", err).WithHint(`names are relative to the zone; "@" is the apex`))
				continue
			}
			if strings.HasSuffix(strings.ToLower(strings.TrimSuffix(r.Name, ".")), "."+z.Name) {
				errs.Add(Errorf(r.Loc, "record name %q repeats the zone name %q", r.Name, z.Name).
					WithHint("write it relative to the zone: %q", strings.TrimSuffix(strings.TrimSuffix(r.Name, "."), "."+z.Name)))
			}
		}
		owner := r.FQDN(z.Name)
		key := owner + " " + string(r.Type)
		if prev := seen[key]; prev != nil {
			errs.Add(Errorf(r.Loc, "duplicate %s record set %q in zone %s", r.Type, r.Name, z.Name).
				WithHint("first declared at %s; put every value in one record set's values", prev.Loc))
			continue
		}
		seen[key] = r
		r.Data = r.Data[:0]
		for _, v := range r.Values {
			d, err := ParseRData(r.Type, v)
			if err != nil {
				errs.Add(Errorf(r.Loc, "record %q: %v", r.Name, err))
				continue
			}
			r.Data = append(r.Data, d)
		}
		if r.Type == TypeCNAME && len(r.Values) > 1 {
			errs.Add(Errorf(r.Loc, "CNAME record set %q has %d values", r.Name, len(r.Values)).
				WithHint("a CNAME record set holds exactly one target"))
		}
	}
	// A CNAME owner may hold no other data (RFC 1034 §3.6.2; Azure refuses it).
	for _, r := range z.Records {
		if r.Type != TypeCNAME {
			continue
		}
		owner := r.FQDN(z.Name)
		for _, o := range z.Records {
			if o != r && o.Type != TypeCNAME && o.FQDN(z.Name) == owner {
				errs.Add(Errorf(o.Loc, "%s record %q shares its name with the CNAME at %s", o.Type, o.Name, r.Loc).
					WithHint("a name with a CNAME can hold no other record; remove one of them"))
			}
		}
	}
}

// Lookup returns the element of kind T with the given key, or nil.
func Lookup[T any](t *Topology, key string) *T {
	if t.ix == nil {
		return nil
	}
	idx := t.ix.of(reflect.TypeFor[T]())
	if idx == nil {
		return nil
	}
	if m := idx.byKey[key]; len(m) == 1 {
		return any(m[0]).(*T)
	}
	return nil
}
