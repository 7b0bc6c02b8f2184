package dns

import (
	"net/netip"
	"sort"

	"github.com/aksnet/aksnet/internal/model"
)

// CustomDNS is a DNS server a VM, an EC2 instance or an on-prem host runs
// (BIND, Windows DNS, dnsmasq…): its own zones, then conditional forwarders
// (the most specific domain wins), then default forwarders, then recursion
// from the root. With none of these a name outside its zones is REFUSED, as
// a server with recursion off answers. A server in a VNet's DNS servers
// setting replaces 168.63.129.16 for that VNet's machines, so it sees the
// private zones only by forwarding to 168.63.129.16 from a linked VNet
// (azure-aws-dns.md §1.1, §1.8).
type CustomDNS struct {
	name  string
	addr  netip.Addr
	cfg   *model.DNSServer
	zones []*zoneData        // longest name first
	fwd   []*model.Forwarder // longest domain first
	loc   map[*zoneData]model.Location
}

func newCustomDNS(name string, addr netip.Addr, cfg *model.DNSServer) *CustomDNS {
	c := &CustomDNS{name: name, addr: addr, cfg: cfg, loc: map[*zoneData]model.Location{}}
	for _, z := range cfg.Zones {
		d := newZoneData(z.Name)
		d.soa.MName = "ns." + z.Name
		d.soa.RName = "hostmaster." + z.Name
		d.addZone(z, 3600)
		c.zones = append(c.zones, d)
		c.loc[d] = z.Loc
	}
	sort.SliceStable(c.zones, func(i, j int) bool { return len(c.zones[i].name) > len(c.zones[j].name) })
	c.fwd = append(c.fwd, cfg.ConditionalForwarders...)
	sort.SliceStable(c.fwd, func(i, j int) bool { return len(c.fwd[i].Domain) > len(c.fwd[j].Domain) })
	return c
}

// Resolve answers q as the server does for a client, following CNAMEs from
// its own view.
func (c *CustomDNS) Resolve(q Question, up *Upstream, tr *Trace) Reply {
	return followChain(c.name, q, tr, func(q Question) (Reply, bool) { return c.step(q, up, tr) })
}

func (c *CustomDNS) step(q Question, up *Upstream, tr *Trace) (Reply, bool) {
	for _, z := range c.zones {
		if !inZone(q.Name, z.name) {
			continue
		}
		res, rrs, at := z.lookup(q.Name, q.Type)
		switch res {
		case found, cname:
			tr.add(c.name, q, NoError, at, "authoritative zone %s", z.name)
			return Reply{RCode: NoError, Answer: rrs, Authoritative: true}, false
		case noData:
			soa := z.soa
			tr.add(c.name, q, NoError, c.loc[z], "authoritative zone %s has no %s record (NODATA)", z.name, q.Type)
			return Reply{RCode: NoError, SOA: &soa, Authoritative: true}, true
		}
		soa := z.soa
		tr.add(c.name, q, NXDomain, c.loc[z], "authoritative zone %s has no such name", z.name)
		return Reply{RCode: NXDomain, SOA: &soa, Authoritative: true}, true
	}
	for _, f := range c.fwd {
		if inZone(q.Name, f.Domain) {
			if tr != nil {
				tr.add(c.name, q, NoError, f.Loc, "conditional forwarder for %s → %s", f.Domain, targetsString(f.Targets))
				tr.fact(Fact{Kind: FactCustomUpstream, Server: c.cfg, Addr: c.addr})
			}
			return c.forward(f.Targets, q, up, tr), true
		}
	}
	if len(c.cfg.Forwarders) > 0 {
		if tr != nil {
			tr.add(c.name, q, NoError, c.cfg.Loc, "default forwarders → %s", targetsString(c.cfg.Forwarders))
			tr.fact(Fact{Kind: FactCustomUpstream, Server: c.cfg, Addr: c.addr})
		}
		return c.forward(c.cfg.Forwarders, q, up, tr), true
	}
	if c.cfg.Recursion {
		if tr != nil {
			tr.add(c.name, q, NoError, c.cfg.Loc, "recursion from the root: public DNS")
			tr.fact(Fact{Kind: FactCustomUpstream, Server: c.cfg, Addr: c.addr})
		}
		return publicStep(q, up, tr)
	}
	tr.add(c.name, q, Refused, c.cfg.Loc, "no zone, forwarder or recursion for this name: REFUSED")
	return Reply{RCode: Refused}, true
}

func (c *CustomDNS) forward(targets []model.AddrPort, q Question, up *Upstream, tr *Trace) Reply {
	if up == nil || up.Forward == nil {
		return Reply{RCode: ServFail}
	}
	tr.in()
	defer tr.out()
	return up.Forward(c.addr, targets, q, tr)
}
