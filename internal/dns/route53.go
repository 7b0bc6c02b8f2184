package dns

import (
	"net/netip"
	"sort"

	"github.com/aksnet/aksnet/internal/model"
)

// Route53Resolver is the Amazon DNS server of one VPC (base+2 and
// 169.254.169.253; also what its inbound Resolver endpoints answer with).
// Every name is matched against the Resolver rules associated with the VPC
// and the autodefined SYSTEM rule each associated private hosted zone
// brings; the most specific wins, and a FORWARD rule beats a hosted zone of
// the same name. SYSTEM resolution uses the most specific associated hosted
// zone — a name it lacks is NXDOMAIN, with no public fallback — or public DNS
// (azure-aws-dns.md §7; R53 resolver.md, hosted-zone-private-considerations.md).
type Route53Resolver struct {
	VPC   *model.VPC
	name  string
	zones []hostedZone          // associated private hosted zones, longest first
	rules []*model.ResolverRule // associated rules, longest domain first
}

type hostedZone struct {
	zone *model.HostedZone
	data *zoneData
}

func newRoute53Resolver(t *model.Topology, v *model.VPC) *Route53Resolver {
	r := &Route53Resolver{VPC: v, name: "Route 53 Resolver of vpc " + v.Name}
	// Private hosted zones answer only in VPCs with both enableDnsSupport
	// and enableDnsHostnames (azure-aws-dns.md §7).
	for _, z := range t.AWS.HostedZones {
		for _, ref := range z.VPCs {
			if ref.Target == v && v.DNSSupport() && v.EnableDNSHostnames {
				d := newZoneData(z.Name)
				d.soa.MName, d.soa.RName, d.soa.MinTTL = "ns-0.awsdns-00.com", "awsdns-hostmaster.amazon.com", 86400
				d.addZone(&z.Zone, 300)
				r.zones = append(r.zones, hostedZone{zone: z, data: d})
			}
		}
	}
	sort.SliceStable(r.zones, func(i, j int) bool { return len(r.zones[i].zone.Name) > len(r.zones[j].zone.Name) })
	for _, rule := range t.AWS.ResolverRules {
		for _, ref := range rule.VPCs {
			if ref.Target == v {
				r.rules = append(r.rules, rule)
			}
		}
	}
	sort.SliceStable(r.rules, func(i, j int) bool { return len(r.rules[i].Domain) > len(r.rules[j].Domain) })
	return r
}

// Resolve answers q recursively for a client in the VPC.
func (r *Route53Resolver) Resolve(q Question, up *Upstream, tr *Trace) Reply {
	return followChain(r.name, q, tr, func(q Question) (Reply, bool) { return r.step(q, up, tr) })
}

func (r *Route53Resolver) step(q Question, up *Upstream, tr *Trace) (Reply, bool) {
	var zone *hostedZone
	for i := range r.zones {
		if inZone(q.Name, r.zones[i].zone.Name) {
			zone = &r.zones[i]
			break
		}
	}
	for _, rule := range r.rules {
		if !inZone(q.Name, rule.Domain) {
			continue
		}
		if zone != nil && len(zone.zone.Name) > len(rule.Domain) {
			break // the hosted zone's autodefined rule is more specific
		}
		if rule.Type == "FORWARD" {
			tr.add(r.name, q, NoError, rule.Loc, "Resolver rule %s (FORWARD %s) → %s", rule.Name, rule.Domain, targetsString(rule.Targets))
			if up == nil || up.Forward == nil {
				return Reply{RCode: ServFail}, true
			}
			tr.in()
			defer tr.out()
			return up.Forward(r.endpointAddr(rule), rule.Targets, q, tr), true
		}
		tr.add(r.name, q, NoError, rule.Loc, "Resolver rule %s (SYSTEM %s): resolved by the Resolver itself", rule.Name, rule.Domain)
		break
	}
	if zone != nil {
		res, rrs, at := zone.data.lookup(q.Name, q.Type)
		switch res {
		case found, cname:
			tr.add(r.name, q, NoError, at, "private hosted zone %s, associated with vpc %s", zone.zone.Name, r.VPC.Name)
			return Reply{RCode: NoError, Answer: rrs, Authoritative: true}, false
		case noData:
			soa := zone.data.soa
			tr.add(r.name, q, NoError, zone.zone.Loc, "private hosted zone %s has no %s record (NODATA)", zone.zone.Name, q.Type)
			return Reply{RCode: NoError, SOA: &soa}, true
		}
		soa := zone.data.soa
		tr.add(r.name, q, NXDomain, zone.zone.Loc, "private hosted zone %s is associated with vpc %s and lacks the name: NXDOMAIN, no public fallback", zone.zone.Name, r.VPC.Name)
		return Reply{RCode: NXDomain, SOA: &soa}, true
	}
	tr.add(r.name, q, NoError, model.Location{}, "no rule or hosted zone matches: public DNS")
	return publicStep(q, up, tr)
}

// endpointAddr is where a FORWARD rule's queries leave from: the first IP
// of its outbound endpoint.
func (r *Route53Resolver) endpointAddr(rule *model.ResolverRule) netip.Addr {
	if e := rule.Endpoint.Target; e != nil && len(e.IPs) > 0 {
		return e.IPs[0].IP
	}
	return netip.Addr{}
}
