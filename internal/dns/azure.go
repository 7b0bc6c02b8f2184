package dns

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/aksnet/aksnet/internal/kb"
	"github.com/aksnet/aksnet/internal/model"
)

// Upstream is what a server reaches beyond itself: public DNS, and the
// servers it forwards to. The engine provides it, so that every hop can
// check reachability and be traced.
type Upstream struct {
	// Public answers as the internet's DNS: one name, with the public CNAME
	// chain followed.
	Public func(q Question, tr *Trace) Reply
	// Forward sends a question to target servers, in order, from the
	// address the query leaves from (the engine checks the path); the first
	// that answers decides (the targets resolve recursively).
	Forward func(from netip.Addr, targets []model.AddrPort, q Question, tr *Trace) Reply
}

// maxChain bounds CNAME chains; longer is reported as a loop (SERVFAIL).
const maxChain = 8

// privateZones holds every Azure private DNS zone of the estate with the
// records Azure serves from it: declared ones, those private endpoints' zone
// groups write (azure-aws-dns.md §4; private-endpoint-dns-integration, "Private
// DNS zone group"), and auto-registered VMs (§1.5).
type privateZones map[*model.PrivateDNSZone]*zoneData

func buildPrivateZones(t *model.Topology) privateZones {
	pz := privateZones{}
	for _, z := range t.Azure.PrivateDNSZones {
		d := newZoneData(z.Name)
		// Declared records keep their TTL; without one, 3600 s, the default
		// docs/topology.md states for Azure private DNS record sets.
		d.addZone(&z.Zone, 3600)
		pz[z] = d
	}
	// A zone group's A records have a TTL of 10 s
	// (hashicorp/terraform-provider-azurerm#30458; MicrosoftDocs/azure-docs#77392).
	for _, pe := range t.Azure.PrivateEndpoints {
		for _, ref := range pe.DNSZoneGroup {
			z := ref.Target
			if z == nil {
				continue
			}
			for _, r := range endpointRecords(pe, z.Name) {
				pz[z].add(r.owner, model.TypeA, 10, []model.RData{r.ip}, pe.Loc)
			}
		}
	}
	// PostgreSQL Flexible Server in private access mode: its public name
	// CNAMEs into its private zone (public.go), where the server's A record
	// lives (azure-aws-dns.md §5; the record's exact label is unverified
	// there: aksnet writes NAME.<zone>, the target public.go uses). TTL not
	// documented: 30 s assumed.
	for _, r := range t.Azure.Resources {
		if z := r.PrivateDNSZone.Target; z != nil && r.PrivateIP.IsValid() {
			pz[z].add(strings.ToLower(r.Name)+"."+z.Name, model.TypeA, 30, []model.RData{{Addr: r.PrivateIP}}, r.Loc)
		}
	}
	// A private cluster's API server: its A record in the custom zone, or
	// in the system zone AKS creates in the node resource group and links to
	// the cluster's VNet only (azure-aws-dns.md §6; aks-constraints.md §2.1).
	// TTL not documented: 300 s assumed.
	for _, c := range t.Azure.Clusters {
		a := &c.APIServer
		private, _ := APIServerNames(c)
		if !a.Private || !a.PrivateIP.IsValid() || private == "" {
			continue
		}
		rec := []model.RData{{Addr: a.PrivateIP}}
		switch a.ZoneMode() {
		case "custom":
			if z := a.CustomZone; z != nil {
				pz[z].add(private, model.TypeA, 300, rec, a.Loc)
			}
		case "system":
			v := c.VNet()
			if v == nil {
				continue
			}
			name := private[strings.IndexByte(private, '.')+1:]
			z := &model.PrivateDNSZone{Zone: model.Zone{Name: name, Loc: c.Loc}, ResourceGroup: "MC_" + c.Name}
			z.Links = []*model.VNetLink{{Name: "aks-system-zone", VNet: model.Ref[model.VNet]{Name: v.Name, Target: v}, Zone: z, Loc: c.Loc}}
			d := newZoneData(name)
			d.add(private, model.TypeA, 300, rec, a.Loc)
			pz[z] = d
		}
	}
	// Auto-registration: every VM of a registration VNet gets an A record
	// named after it (primary NIC only; §1.5). The TTL of auto-registered
	// records is not documented; aksnet assumes the zone groups' 10 s.
	for _, z := range t.Azure.PrivateDNSZones {
		for _, l := range z.Links {
			if !l.RegistrationEnabled || l.VNet.Target == nil {
				continue
			}
			for _, vm := range t.Azure.VMs {
				if s := vm.Subnet.Target; s != nil && s.VNet == l.VNet.Target {
					pz[z].add(strings.ToLower(vm.Name)+"."+z.Name, model.TypeA, 10, []model.RData{{Addr: vm.IP}}, vm.Loc)
				}
			}
		}
	}
	return pz
}

type endpointRecord struct {
	owner string
	ip    model.RData
}

// endpointRecords are the A records a private endpoint's zone group writes
// into zone: the resource's name for its first IP, and for each further
// member with an FQDN, that FQDN less its public suffix (ACR's
// NAME.REGION.data goes into privatelink.azurecr.io: the doc's footnote 1).
func endpointRecords(pe *model.PrivateEndpoint, zone string) []endpointRecord {
	r := pe.Resource.Target
	if r == nil {
		return nil
	}
	out := []endpointRecord{{strings.ToLower(r.Name) + "." + zone, model.RData{Addr: pe.IP}}}
	suffixes := publicSuffixes(r, pe.Subresource)
	for _, m := range pe.Members {
		fqdn, err := model.CanonicalName(m.FQDN)
		if m.FQDN == "" || err != nil {
			continue
		}
		for _, s := range suffixes {
			if strings.HasSuffix(fqdn, "."+s) {
				out = append(out, endpointRecord{strings.TrimSuffix(fqdn, "."+s) + "." + zone, model.RData{Addr: m.IP}})
				break
			}
		}
	}
	return out
}

// publicSuffixes lists a resource's public DNS suffixes for a subresource,
// shortest first, with placeholders filled from the resource's region.
func publicSuffixes(r *model.PaaSResource, subresource string) []string {
	var out []string
	p := kb.Placeholders{RegionName: r.Region, Region: r.Region}
	for _, row := range kb.LookupPrivateLink(r.Type, subresource) {
		for _, f := range row.PublicForwarders {
			if s, err := kb.Expand(f, p); err == nil {
				out = append(out, strings.ToLower(s))
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) < len(out[j]) })
	return out
}

// linkedZone is a private zone as one VNet sees it, through its link.
type linkedZone struct {
	zone *model.PrivateDNSZone
	link *model.VNetLink
	data *zoneData
}

// AzureDNS is Azure-provided DNS (168.63.129.16) in the context of one VNet:
// the zones linked to it (most specific first), the ruleset linked to it,
// the VNet's VM names, then public DNS (azure-aws-dns.md §1.1, §2).
type AzureDNS struct {
	VNet  *model.VNet
	zones []linkedZone
	rules []*model.ForwardingRule // enabled rules of the linked ruleset, longest domain first
	rs    *model.ForwardingRuleset
	vms   map[string]model.RData // NAME.<internal.cloudapp.net suffix> → IP
	name  string
	// view identifies what decides this server's answers — the linked zones
	// with their links' resolution policies, the ruleset, the VM names —
	// and nothing that only names things in a trace. VNets with the same
	// view get the same answers, so the engine memoises them once.
	view string
}

// viewOf is AzureDNS.view.
func viewOf(a *AzureDNS) string {
	var b strings.Builder
	for _, lz := range a.zones {
		fmt.Fprintf(&b, "z%p/%s;", lz.zone, lz.link.ResolutionPolicy)
	}
	fmt.Fprintf(&b, "r%p;", a.rs)
	names := make([]string, 0, len(a.vms))
	for n, d := range a.vms {
		names = append(names, n+"="+d.Addr.String())
	}
	sort.Strings(names)
	b.WriteString(strings.Join(names, ","))
	return b.String()
}

func newAzureDNS(t *model.Topology, v *model.VNet, pz privateZones) *AzureDNS {
	a := &AzureDNS{VNet: v, vms: map[string]model.RData{}, name: "Azure DNS in vnet " + v.Name}
	for z, d := range pz {
		for _, l := range z.Links {
			if l.VNet.Target == v {
				a.zones = append(a.zones, linkedZone{zone: z, link: l, data: d})
			}
		}
	}
	sort.Slice(a.zones, func(i, j int) bool {
		if len(a.zones[i].zone.Name) != len(a.zones[j].zone.Name) {
			return len(a.zones[i].zone.Name) > len(a.zones[j].zone.Name)
		}
		return a.zones[i].zone.Name < a.zones[j].zone.Name
	})
	for _, rs := range t.Azure.ForwardingRulesets {
		for _, l := range rs.Links {
			if l.Target == v && a.rs == nil {
				a.rs = rs
			}
		}
	}
	if a.rs != nil {
		for _, r := range a.rs.Rules {
			if r.Enabled() {
				a.rules = append(a.rules, r)
			}
		}
		sort.SliceStable(a.rules, func(i, j int) bool { return len(a.rules[i].Domain) > len(a.rules[j].Domain) })
	}
	suffix := model.InternalCloudappSuffix(v)
	for _, vm := range t.Azure.VMs {
		if s := vm.Subnet.Target; s != nil && s.VNet == v {
			a.vms[strings.ToLower(vm.Name)+"."+suffix] = model.RData{Addr: vm.IP}
		}
	}
	a.view = viewOf(a)
	return a
}

// Resolve answers q recursively, as Azure DNS does for a client in the VNet.
// A CNAME target is resolved again in this same view: that is how a linked
// privatelink zone overrides the public chain (azure-aws-dns.md §4).
func (a *AzureDNS) Resolve(q Question, up *Upstream, tr *Trace) Reply {
	return followChain(a.name, q, tr, func(q Question) (Reply, bool) { return a.step(q, up, tr) })
}

// followChain resolves q as a recursive server does: step answers one name;
// a CNAME it returns (when not final) is followed by asking step again for
// the target, so the server's own view decides every link of the chain.
// Chains longer than maxChain and loops end in SERVFAIL.
func followChain(server string, q Question, tr *Trace, step func(Question) (Reply, bool)) Reply {
	var chain []RR
	name := q.Name
	for i := 0; i <= maxChain; i++ {
		r, final := step(Question{Name: name, Type: q.Type})
		if final || len(r.Answer) == 0 || r.Answer[0].Type != model.TypeCNAME || q.Type == model.TypeCNAME {
			r.Answer = append(chain, r.Answer...)
			return r
		}
		c := r.Answer[0]
		chain = append(chain, c)
		name = c.Data.Target
		for _, prev := range chain[:len(chain)-1] {
			if prev.Name == name {
				tr.add(server, q, ServFail, model.Location{}, "CNAME loop: %s points back to %s", c.Name, name)
				return Reply{RCode: ServFail, Answer: chain}
			}
		}
	}
	tr.add(server, q, ServFail, model.Location{}, "CNAME chain longer than %d", maxChain)
	return Reply{RCode: ServFail, Answer: chain}
}

// step answers one name without following a CNAME it finds. final reports
// an answer that is complete already (from a forward or public DNS).
func (a *AzureDNS) step(q Question, up *Upstream, tr *Trace) (Reply, bool) {
	// 1. Linked private zones, the most specific that contains the name.
	for _, lz := range a.zones {
		if !inZone(q.Name, lz.zone.Name) {
			continue
		}
		res, rrs, at := lz.data.lookup(q.Name, q.Type)
		switch res {
		case found:
			if tr != nil {
				tr.add(a.name, q, NoError, at, "zone %s, linked to vnet %s by link %s", lz.zone.Name, a.VNet.Name, linkName(lz.link))
				tr.fact(Fact{Kind: FactZoneAnswer, VNet: a.VNet, Zone: lz.zone})
			}
			return Reply{RCode: NoError, Answer: rrs, Authoritative: true}, false
		case cname:
			if tr != nil {
				tr.add(a.name, q, NoError, at, "CNAME in zone %s (linked to vnet %s)", lz.zone.Name, a.VNet.Name)
				tr.fact(Fact{Kind: FactZoneAnswer, VNet: a.VNet, Zone: lz.zone})
			}
			return Reply{RCode: NoError, Answer: rrs, Authoritative: true}, false
		case noData:
			soa := lz.data.soa
			tr.add(a.name, q, NoError, lz.zone.Loc, "zone %s has the name but no %s record (NODATA)", lz.zone.Name, q.Type)
			return Reply{RCode: NoError, SOA: &soa, Authoritative: true}, true
		}
		// The zone matches but lacks the name: NXDOMAIN, unless the link
		// falls back to the internet (privatelink zones; A, AAAA, CNAME;
		// azure-aws-dns.md §1.2, §1.3).
		if lz.link.ResolutionPolicy == model.ResolutionNxDomainRedirect && strings.HasPrefix(lz.zone.Name, "privatelink.") &&
			(q.Type == model.TypeA || q.Type == model.TypeAAAA || q.Type == model.TypeCNAME) {
			tr.add(a.name, q, NXDomain, lz.link.Loc, "zone %s lacks the name; link %s has resolutionPolicy NxDomainRedirect: falling back to public DNS", lz.zone.Name, linkName(lz.link))
			return a.public(q, up, tr)
		}
		soa := lz.data.soa
		if tr != nil {
			tr.add(a.name, q, NXDomain, lz.zone.Loc, "zone %s is linked to vnet %s and has no record %s: NXDOMAIN (a linked zone is authoritative)", lz.zone.Name, a.VNet.Name, q.Name)
			tr.fact(Fact{Kind: FactZoneLacks, VNet: a.VNet, Zone: lz.zone})
		}
		return Reply{RCode: NXDomain, SOA: &soa, Authoritative: true}, true
	}
	// 2. The ruleset linked to the VNet: the longest matching enabled rule.
	for _, r := range a.rules {
		if inZone(q.Name, r.Domain) {
			if tr != nil {
				tr.add(a.name, q, NoError, r.Loc, "forwarding rule %s of ruleset %s (%s.) forwards to %s", r.Name, a.rs.Name, r.Domain, targetsString(r.Targets))
				tr.fact(Fact{Kind: FactRule, VNet: a.VNet, Rule: r})
			}
			if up == nil || up.Forward == nil {
				return Reply{RCode: ServFail}, true
			}
			tr.in()
			rep := up.Forward(a.outboundAddr(), r.Targets, q, tr)
			tr.out()
			return rep, true
		}
	}
	// 3. The VNet's own VM names (internal.cloudapp.net; §1.1).
	if q.Type == model.TypeA {
		if d, ok := a.vms[q.Name]; ok {
			tr.add(a.name, q, NoError, model.Location{}, "Azure-provided name of a VM in vnet %s", a.VNet.Name)
			return Reply{RCode: NoError, Answer: []RR{{Name: q.Name, Type: model.TypeA, TTL: 10, Data: d}}}, true
		}
	}
	// 4. Public DNS.
	if tr != nil {
		tr.add(a.name, q, NoError, model.Location{}, "no linked zone or rule matches: public DNS")
		tr.fact(Fact{Kind: FactPublic, VNet: a.VNet})
	}
	return a.public(q, up, tr)
}

// public asks public DNS; a CNAME it returns is followed from this view.
func (a *AzureDNS) public(q Question, up *Upstream, tr *Trace) (Reply, bool) {
	return publicStep(q, up, tr)
}

// publicStep is the step of a recursive server that asks public DNS: the
// first CNAME of a public chain is returned as not final, so that the server
// follows the chain itself, from its own view (followChain). That is how a
// private zone the server sees overrides a later link of a public chain.
func publicStep(q Question, up *Upstream, tr *Trace) (Reply, bool) {
	if up == nil || up.Public == nil {
		return Reply{RCode: ServFail}, true
	}
	rep := up.Public(q, tr)
	if len(rep.Answer) > 0 && rep.Answer[0].Type == model.TypeCNAME && q.Type != model.TypeCNAME {
		return Reply{RCode: NoError, Answer: rep.Answer[:1]}, false
	}
	return rep, true
}

// outboundAddr is where the ruleset's forwarded queries leave from: the
// outbound endpoint's subnet (it has no address of its own in the API; the
// first usable address stands for it).
func (a *AzureDNS) outboundAddr() netip.Addr {
	for _, ref := range a.rs.OutboundEndpoints {
		if e := ref.Target; e != nil && e.Subnet.Target != nil {
			p := e.Subnet.Target.Prefix.Masked().Addr()
			for i := 0; i < 4; i++ {
				p = p.Next()
			}
			return p
		}
	}
	return netip.Addr{}
}

func linkName(l *model.VNetLink) string {
	if l.Name != "" {
		return l.Name
	}
	return l.VNet.Name
}

func targetsString(ts []model.AddrPort) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		b, _ := t.MarshalText()
		s[i] = string(b)
	}
	return strings.Join(s, ", ")
}
