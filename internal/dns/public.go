package dns

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"net/netip"
	"strings"

	"github.com/aksnet/aksnet/internal/kb"
	"github.com/aksnet/aksnet/internal/model"
)

// Public is the public DNS an estate implies: zones the estate declares
// (topology internet.zones) and the names Azure publishes for its PaaS
// resources and AKS API servers. It is what a recursive resolver on the
// internet gets; the engine asks it wherever a chain leaves the estate's
// private authorities. It is built once and read-only afterwards, so it is
// safe for concurrent use.
//
// What Azure publishes, and how aksnet names what Azure does not document:
//
//   - A PaaS resource NAME is published as NAME.F for each public forwarder F
//     of its type's rows in the privatelink table (azure-aws-dns.md §3): the
//     rows of the subresources its private endpoints target, or, without an
//     endpoint, the row(s) of the type's first subresource. Placeholders are
//     filled from the resource's region ({regionName}, {region}); a forwarder
//     needing any other placeholder is skipped and the skip is recorded in
//     Notes. A forwarder that is itself a privatelink name (a quirk of the
//     doc's IoT Central row, §3) is skipped the same way.
//   - With at least one private endpoint, Azure adds NAME.F CNAME
//     NAME.<privatelink zone paired with F>, and publicly that privatelink name
//     CNAMEs on to the service's public endpoint (§4; see pairZone for the
//     pairing rule). Without one, NAME.F CNAMEs straight to the public
//     endpoint. publicNetworkAccess Disabled changes nothing here (§4).
//   - The public endpoint's host name is a service stamp Azure does not
//     document (§4's storage example: blob.<stamp>.store.core.windows.net), so
//     aksnet synthesises one per resource: NAME.REGION.cloudapp.azure.com, the
//     form of Azure's public-IP DNS labels, where Azure's chains commonly end;
//     NAME.cloudapp.net when the region is unknown. PostgreSQL Flexible
//     Server uses the documented form instead:
//     NAME.rs-<15 characters>.postgres.database.azure.com (§4, DBD note). The
//     endpoint's A (or AAAA) record is the resource's publicIp, or an address
//     synthesised from TEST-NET-3 (203.0.113.0/24, RFC 5737) when none is
//     declared.
//   - A PostgreSQL Flexible Server in private access mode (privateDnsZone
//     set) publishes NAME.postgres.database.azure.com CNAME NAME.<its private
//     zone>, which does not exist publicly (§5).
//   - An AKS cluster's public FQDN <dnsPrefix>-<hash>.hcp.<region>.azmk8s.io
//     has an A record: the API server's public IP for a public cluster, its
//     private IP for a private cluster with the public FQDN (§6). See
//     APIServerNames.
//   - The zones the estate knows are those it declares and those the names
//     above live in: each forwarder F and public privatelink zone of the rows
//     its resources use, the endpoint zones, <region>.azmk8s.io of its
//     clusters. A name missing from a known zone is NXDOMAIN with that zone's
//     SOA; a name under no known zone is NXDOMAIN without one, unknown to the
//     topology (PublicUnknown): aksnet cannot tell whether it exists.
//
// Synthesised records have a TTL of 300 s (Azure's real TTLs for these names
// are not in the reference); declared records keep their ttl, 3600 s by
// default (the Record.ttl default docs/topology.md states for Azure).
type Public struct {
	names map[string]*pubName
	zones map[string]*pubZone
	notes []Step
	memo  memo // Question → Reply: Lookup's answers
}

// Step explains one hop of a public resolution: which zone or synthesised
// rule answered and why, e.g. "kv-contoso-prod.vault.azure.net CNAME
// kv-contoso-prod.privatelink.vaultcore.azure.net: Azure adds this CNAME when
// the resource has a private endpoint (azure-aws-dns.md §4)". Loc is where
// the deciding element was declared.
type Step struct {
	Name string
	Type Type
	Note string
	Loc  model.Location
}

// PublicUnknown ends the note of a name under no zone the estate knows: the
// topology says nothing of it, so the NXDOMAIN is aksnet's, not the
// internet's. Such a reply is NXDOMAIN with no SOA; every other negative
// public answer carries the SOA of the zone that denies the name.
const PublicUnknown = "unknown to the topology"

const (
	// pubSynthTTL is the TTL of records aksnet synthesises for Azure's
	// public names: not documented in the reference, 300 s assumed.
	pubSynthTTL = 300
	// pubDeclaredTTL is the default TTL of a declared record without one:
	// 3600 s, the Record.ttl default docs/topology.md states for Azure.
	pubDeclaredTTL = 3600
	// pubMaxChain bounds the CNAME chain Resolve follows; longer is a loop
	// (SERVFAIL), as recursive resolvers do.
	pubMaxChain = 16
)

// pubZone is a zone of public DNS the estate knows.
type pubZone struct {
	name     string
	soa      SOA
	declared bool // from internet.zones
	what     string
	loc      model.Location
}

// pubName is one owner name of public DNS, or a name the estate knows does
// not exist publicly (nx: a private FQDN, with why).
type pubName struct {
	zone *pubZone
	sets []pubSet
	by   string // publisher, for conflict messages
	ent  bool   // exists only because names below it do (NODATA)
	nx   bool
	note string // nx: why the name does not exist publicly
	loc  model.Location
}

// pubSet is a record set with what its trace step says.
type pubSet struct {
	typ  Type
	rrs  []RR
	note string
	loc  model.Location
}

func (n *pubName) set(t Type) *pubSet {
	for i := range n.sets {
		if n.sets[i].typ == t {
			return &n.sets[i]
		}
	}
	return nil
}

// Notes lists what NewPublic skipped or assumed and why: forwarders with a
// placeholder it cannot fill, endpoints it could not pair, addresses it
// synthesised. Step.Name is the name (or pattern) concerned.
func (p *Public) Notes() []Step { return p.notes }

// Lookup answers q as Resolve does, without the trace: the hot path.
// q.Name must be canonical (model.CanonicalName).
//
// Answers are memoised: every VNet's Azure DNS, every recursing server asks
// public DNS the same questions, and the answer depends on nothing else.
// Callers must not modify a reply's records.
func (p *Public) Lookup(q Question) Reply {
	if r, ok := p.memo.load(q); ok {
		return r
	}
	r := p.resolve(q, nil)
	p.memo.store(q, r)
	return r
}

// Resolve answers a question as a recursive resolver on the internet would:
// following CNAMEs within public DNS, returning the whole chain then the
// final records; NXDOMAIN with an SOA for names that do not exist under a
// zone the estate knows; for names under no known zone, NXDOMAIN with no
// SOA and a last step ending in PublicUnknown. A CNAME chain that leaves the
// known zones ends the same way, after the chain. Replies are never
// Authoritative: they come from a recursive resolver.
func (p *Public) Resolve(q Question) (Reply, []Step) {
	if n, err := model.CanonicalName(q.Name); err == nil {
		q.Name = n
	}
	steps := make([]Step, 0, 4)
	r := p.resolve(q, &steps)
	return r, steps
}

func (p *Public) resolve(q Question, steps *[]Step) Reply {
	var buf [pubMaxChain]RR
	chain := buf[:0]
	name := q.Name
	for {
		n := p.names[name]
		if n != nil && !n.nx {
			if s := n.set(q.Type); s != nil {
				if steps != nil {
					*steps = append(*steps, Step{Name: name, Type: s.typ, Note: s.note, Loc: s.loc})
				}
				return Reply{RCode: NoError, Answer: pubAnswer(chain, s.rrs)}
			}
			if c := n.set(model.TypeCNAME); c != nil && q.Type != model.TypeCNAME {
				if steps != nil {
					*steps = append(*steps, Step{Name: name, Type: model.TypeCNAME, Note: c.note, Loc: c.loc})
				}
				rr := c.rrs[0]
				if len(chain) == pubMaxChain || pubLoops(chain, q.Name, rr.Data.Target) {
					chain = append(chain, rr)
					if steps != nil {
						*steps = append(*steps, Step{Name: rr.Data.Target, Type: q.Type,
							Note: fmt.Sprintf("SERVFAIL: the CNAME chain from %s loops or is longer than %d", q.Name, pubMaxChain)})
					}
					return Reply{RCode: ServFail, Answer: pubAnswer(chain, nil)}
				}
				chain = append(chain, rr)
				name = rr.Data.Target
				continue
			}
			// NODATA: the name exists, not the type.
			soa := n.zone.soa
			if steps != nil {
				*steps = append(*steps, Step{Name: name, Type: q.Type, Loc: n.zone.loc,
					Note: fmt.Sprintf("%s exists in zone %s (%s) but has no %s record: NODATA", name, n.zone.name, n.zone.what, q.Type)})
			}
			return Reply{RCode: NoError, Answer: pubAnswer(chain, nil), SOA: &soa}
		}
		var z *pubZone
		if n != nil {
			z = n.zone
		} else {
			z = p.zoneOf(name)
		}
		if z == nil {
			if steps != nil {
				*steps = append(*steps, Step{Name: name, Type: q.Type,
					Note: fmt.Sprintf("NXDOMAIN: %s is under no zone the estate declares (internet.zones) or Azure publishes for its resources and clusters: %s", name, PublicUnknown)})
			}
			return Reply{RCode: NXDomain, Answer: pubAnswer(chain, nil)}
		}
		soa := z.soa
		if steps != nil {
			note := fmt.Sprintf("NXDOMAIN: zone %s (%s) has no name %s", z.name, z.what, name)
			loc := z.loc
			if n != nil {
				note, loc = "NXDOMAIN: "+n.note, n.loc
			}
			*steps = append(*steps, Step{Name: name, Type: q.Type, Note: note, Loc: loc})
		}
		return Reply{RCode: NXDomain, Answer: pubAnswer(chain, nil), SOA: &soa}
	}
}

// pubAnswer copies the chain and the final records into one new slice, so
// that callers may keep or extend the reply without touching p.
func pubAnswer(chain, final []RR) []RR {
	if len(chain)+len(final) == 0 {
		return nil
	}
	out := make([]RR, len(chain)+len(final))
	copy(out, chain)
	copy(out[len(chain):], final)
	return out
}

// pubLoops reports whether target was already visited by the chain.
func pubLoops(chain []RR, first, target string) bool {
	if target == first {
		return true
	}
	for i := range chain {
		if chain[i].Name == target {
			return true
		}
	}
	return false
}

// zoneOf returns the most specific known zone containing name, or nil.
func (p *Public) zoneOf(name string) *pubZone {
	for n := name; ; {
		if z := p.zones[n]; z != nil {
			return z
		}
		i := strings.IndexByte(n, '.')
		if i < 0 {
			return nil
		}
		n = n[i+1:]
	}
}

// NewPublic builds the public DNS of t, a linked topology. The errors are
// conflicts in what the estate declares (an internet zone overlapping a zone
// Azure publishes for it, one name published twice); what is merely left
// out (a placeholder aksnet cannot fill) is in Notes instead. The Public is
// usable even with errors: the conflicting declarations are left out.
func NewPublic(t *model.Topology) (*Public, model.ErrorList) {
	b := &pubBuilder{
		p:    &Public{names: map[string]*pubName{}, zones: map[string]*pubZone{}},
		used: map[netip.Addr]bool{},
	}
	b.collectUsed(t)
	pes := map[*model.PaaSResource][]*model.PrivateEndpoint{}
	for _, pe := range t.Azure.PrivateEndpoints {
		if r := pe.Resource.Target; r != nil {
			pes[r] = append(pes[r], pe)
		}
	}
	for _, r := range t.Azure.Resources {
		b.resource(r, pes[r])
	}
	for _, c := range t.Azure.Clusters {
		b.cluster(c)
	}
	b.declared(t.Internet.Zones)
	b.finish()
	return b.p, b.errs
}

type pubBuilder struct {
	p    *Public
	errs model.ErrorList
	used map[netip.Addr]bool // public addresses declared or synthesised
}

// Azure DNS's default SOA timers (refresh 3600, retry 300, expire 2419200,
// minimum 300; Azure DNS zone documentation, [unverified] in the reference).
func pubAzureSOA(zone string) SOA {
	return SOA{Zone: zone, MName: "ns1-01.azure-dns.com", RName: "azuredns-hostmaster.microsoft.com",
		Serial: 1, Refresh: 3600, Retry: 300, Expire: 2419200, MinTTL: 300}
}

// pubRootSOA denies names under a TLD the estate knows of only as a private
// zone (e.g. a private zone named contoso.internal).
var pubRootSOA = SOA{Zone: "", MName: "a.root-servers.net", RName: "nstld.verisign-grs.com",
	Serial: 1, Refresh: 1800, Retry: 900, Expire: 604800, MinTTL: 86400}

// zone registers a zone Azure publishes.
func (b *pubBuilder) zone(name, what string) {
	if b.p.zones[name] == nil {
		b.p.zones[name] = &pubZone{name: name, soa: pubAzureSOA(name), what: what}
	}
}

func (b *pubBuilder) note(name, format string, loc model.Location, args ...any) {
	b.p.notes = append(b.p.notes, Step{Name: name, Note: fmt.Sprintf(format, args...), Loc: loc})
}

// add publishes one record set. The same publisher adding the same set
// twice is a no-op (a resource's rows may repeat a forwarder); another
// publisher, or a CNAME beside other data, is a conflict.
func (b *pubBuilder) add(owner string, t Type, ttl uint32, data []model.RData, by, note string, loc model.Location) {
	n := b.p.names[owner]
	switch {
	case n == nil:
		n = &pubName{by: by, loc: loc}
		b.p.names[owner] = n
	case n.nx:
		// A real name wins over "does not exist publicly".
		*n = pubName{by: by, loc: loc}
	case n.by != by:
		b.errs.Add(model.Errorf(loc, "public name %s is published by both %s and %s (declared at %s)", owner, by, n.by, n.loc).
			WithHint("rename one of them; a public name has one owner"))
		return
	}
	if n.set(t) != nil {
		return
	}
	if len(n.sets) > 0 && (t == model.TypeCNAME || n.sets[0].typ == model.TypeCNAME) {
		b.errs.Add(model.Errorf(loc, "public name %s would hold a CNAME and other records", owner).
			WithHint("a name with a CNAME can hold no other record"))
		return
	}
	rrs := make([]RR, len(data))
	vals := make([]string, len(data))
	for i, d := range data {
		rrs[i] = RR{Name: owner, Type: t, TTL: ttl, Data: d}
		vals[i] = pubRData(t, d)
	}
	n.sets = append(n.sets, pubSet{typ: t, rrs: rrs, loc: loc,
		note: fmt.Sprintf("%s %s %s: %s", owner, t, strings.Join(vals, ", "), note)})
}

// nx records that name does not exist publicly, with why: a private FQDN
// that a public CNAME points into, or a private cluster's private FQDN.
func (b *pubBuilder) nx(name, note string, loc model.Location) {
	if b.p.names[name] == nil {
		b.p.names[name] = &pubName{nx: true, note: note, loc: loc}
	}
}

func pubRData(t Type, d model.RData) string {
	switch t {
	case model.TypeA, model.TypeAAAA:
		return d.Addr.String()
	case model.TypeCNAME, model.TypePTR:
		return d.Target
	case model.TypeMX:
		return fmt.Sprintf("%d %s", d.Priority, d.Target)
	case model.TypeSRV:
		return fmt.Sprintf("%d %d %d %s", d.Priority, d.Weight, d.Port, d.Target)
	case model.TypeTXT:
		return fmt.Sprintf("%q", d.Text)
	}
	return d.Target
}

func pubAddrData(a netip.Addr) (Type, []model.RData) {
	if a.Is4() {
		return model.TypeA, []model.RData{{Addr: a}}
	}
	return model.TypeAAAA, []model.RData{{Addr: a}}
}

// collectUsed gathers the public addresses the topology declares, so that
// synthesised ones do not collide with them.
func (b *pubBuilder) collectUsed(t *model.Topology) {
	for _, r := range t.Azure.Resources {
		b.used[r.PublicIP] = true
	}
	for _, c := range t.Azure.Clusters {
		b.used[c.APIServer.PublicIP] = true
	}
	for _, f := range t.Azure.Firewalls {
		for _, a := range f.PublicIPs {
			b.used[a] = true
		}
	}
	for _, vm := range t.Azure.VMs {
		b.used[vm.PublicIP] = true
	}
	for _, z := range t.Internet.Zones {
		for _, r := range z.Records {
			for _, d := range r.Data {
				b.used[d.Addr] = true
			}
		}
	}
}

// pubTestNet3 is 203.0.113.0/24 (TEST-NET-3, RFC 5737), reserved for
// documentation: synthesised public addresses can never be someone's real one.
var pubTestNet3 = netip.MustParsePrefix("203.0.113.0/24")

// synthAddr returns a deterministic TEST-NET-3 address for key, the first
// free one from a hash of it (.1 to .254), so that addresses are stable for
// a given topology and distinct while fewer than 254 are needed.
func (b *pubBuilder) synthAddr(key string) netip.Addr {
	h := fnv.New32a()
	h.Write([]byte(key))
	start := h.Sum32() % 254
	base := pubTestNet3.Addr().As4()
	var first netip.Addr
	for i := uint32(0); i < 254; i++ {
		a := base
		a[3] = byte(1 + (start+i)%254)
		addr := netip.AddrFrom4(a)
		if i == 0 {
			first = addr
		}
		if !b.used[addr] {
			b.used[addr] = true
			return addr
		}
	}
	return first
}

// privatelink names.

// stripPrivatelink removes the label "privatelink" from a zone name:
// privatelink.vaultcore.azure.net → vaultcore.azure.net,
// westeurope.data.privatelink.azurecr.io → westeurope.data.azurecr.io.
func stripPrivatelink(z string) string {
	if s, ok := strings.CutPrefix(z, "privatelink."); ok {
		return s
	}
	if i := strings.Index(z, ".privatelink."); i >= 0 {
		return z[:i] + z[i+len(".privatelink"):]
	}
	return z
}

func hasPrivatelinkLabel(z string) bool {
	return strings.HasPrefix(z, "privatelink.") || strings.Contains(z, ".privatelink.")
}

// privatelinkApex is the public zone that holds names under a row's zone:
// from its privatelink label to the end. The doc's footnote 1 puts ACR's
// {regionName}.data.privatelink.azurecr.io records in privatelink.azurecr.io
// (azure-aws-dns.md §3).
func privatelinkApex(z string) string {
	if strings.HasPrefix(z, "privatelink.") {
		return z
	}
	if i := strings.Index(z, ".privatelink."); i >= 0 {
		return z[i+1:]
	}
	return z
}

// commonLabels counts the labels a and b share at their ends.
func pubCommonLabels(a, b string) int {
	n := 0
	for {
		i, j := strings.LastIndexByte(a, '.'), strings.LastIndexByte(b, '.')
		if a[i+1:] != b[j+1:] {
			return n
		}
		n++
		if i < 0 || j < 0 {
			return n
		}
		a, b = a[:i], b[:j]
	}
}

// pubPairing says how pairZone matched a forwarder to a zone.
type pubPairing int

const (
	pubPairNone   pubPairing = iota
	pubPairExact             // the zone less its privatelink label is the forwarder
	pubPairSuffix            // the longest shared suffix of two labels or more
	pubPairOnly              // the row's only zone
)

// pairZone pairs a public forwarder F of a privatelink row with the row's
// private zone its names CNAME into. The doc lists a row's zones and
// forwarders as two unordered lists (azure-aws-dns.md §3), so the pairing is
// aksnet's rule, checked against the doc's own chains (§4: Storage, Key
// Vault; DBD: PostgreSQL) and ACR's footnote:
//
//  1. exact: the zone whose name, less its "privatelink" label, is F
//     (postgres.database.azure.com ↔ privatelink.postgres.database.azure.com,
//     blob.core.windows.net ↔ privatelink.blob.core.windows.net,
//     azurecr.io ↔ privatelink.azurecr.io,
//     westeurope.data.azurecr.io ↔ westeurope.data.privatelink.azurecr.io);
//  2. suffix: otherwise the zone sharing the most trailing labels with F, at
//     least two (a registrable domain), the first in row order on a tie
//     (vault.azure.net ↔ privatelink.vaultcore.azure.net through azure.net;
//     westeurope.batch.azure.com ↔ privatelink.batch.azure.com);
//  3. only: otherwise the row's zone if it has just one (Elastic SAN's
//     blob.storage.azure.net ↔ privatelink.blob.core.windows.net, a doc quirk);
//  4. none: no privatelink CNAME for F (e.g. Machine Learning's
//     aznbcontent.net): the name CNAMEs straight to the public endpoint, and
//     a note says so.
func pairZone(f string, zones []string) (string, pubPairing) {
	best, bestN := "", 1
	for _, z := range zones {
		s := stripPrivatelink(z)
		if s == f {
			return z, pubPairExact
		}
		if n := pubCommonLabels(s, f); n > bestN {
			best, bestN = z, n
		}
	}
	switch {
	case best != "":
		return best, pubPairSuffix
	case len(zones) == 1:
		return zones[0], pubPairOnly
	}
	return "", pubPairNone
}

// privatelinkTarget is the privatelink name a public FQDN CNAMEs into for
// zone z: the FQDN less the zone's public form, then the zone, when the FQDN
// ends in that form (ACR's NAME.REGION.data.azurecr.io →
// NAME.REGION.data.privatelink.azurecr.io, as the zone group writes it);
// otherwise the resource name then the zone (NAME.vault.azure.net →
// NAME.privatelink.vaultcore.azure.net).
func privatelinkTarget(fqdn, name, z string) string {
	if pre, ok := strings.CutSuffix(fqdn, "."+stripPrivatelink(z)); ok {
		return pre + "." + z
	}
	return name + "." + z
}

// pubRow is one privatelink row expanded for a resource.
type pubRow struct {
	sub        string
	zones      []string // expanded; entries needing a placeholder left out
	forwarders []string // expanded, usable as public suffixes
}

func (b *pubBuilder) rows(r *model.PaaSResource, subs []string) []pubRow {
	ph := kb.Placeholders{RegionName: strings.ToLower(r.Region), Region: strings.ToLower(r.Region)}
	var out []pubRow
	for _, sub := range subs {
		for _, row := range kb.LookupPrivateLink(r.Type, sub) {
			pr := pubRow{sub: row.Subresource}
			for _, z := range row.PrivateZones {
				if e, err := kb.Expand(z, ph); err == nil {
					pr.zones = append(pr.zones, strings.ToLower(e))
				}
			}
			for _, f := range row.PublicForwarders {
				e, err := kb.Expand(f, ph)
				switch {
				case err != nil:
					b.note(strings.ToLower(r.Name)+"."+f, "resource %s: forwarder %s of subresource %s skipped: %v (only the region is known to fill placeholders)", r.Loc, r.Name, f, row.Subresource, err)
					continue
				case hasPrivatelinkLabel(strings.ToLower(e)):
					b.note(strings.ToLower(r.Name)+"."+e, "resource %s: forwarder %s of subresource %s skipped: the doc lists a privatelink zone as a public forwarder (azure-aws-dns.md §3)", r.Loc, r.Name, e, row.Subresource)
					continue
				}
				e = strings.ToLower(e)
				if _, err := model.CanonicalName(e); err != nil {
					b.note(strings.ToLower(r.Name)+"."+e, "resource %s: forwarder %s skipped: %v", r.Loc, r.Name, e, err)
					continue
				}
				pr.forwarders = append(pr.forwarders, e)
			}
			out = append(out, pr)
		}
	}
	return out
}

// pubEndpoint is a resource's synthesised public endpoint.
type pubEndpoint struct {
	name string
	addr netip.Addr
}

// endpoint publishes a resource's public endpoint: the name the privatelink
// hop (or the public name itself) CNAMEs to, with the public IP.
func (b *pubBuilder) endpoint(r *model.PaaSResource, name, by string) pubEndpoint {
	region := strings.ToLower(r.Region)
	if _, err := model.CanonicalName(region); err != nil || strings.Contains(region, ".") {
		region = ""
	}
	var ep pubEndpoint
	var why string
	switch {
	case strings.EqualFold(r.Type, "Microsoft.DBforPostgreSQL/flexibleServers"):
		// DBD concepts-networking-private-link.md: without a private
		// endpoint the FQDN CNAMEs to server.rs-<15 semi-random
		// characters>.postgres.database.azure.com (azure-aws-dns.md §4).
		sum := sha256.Sum256([]byte("aksnet/postgres-rs/" + name))
		ep.name = name + ".rs-" + hex.EncodeToString(sum[:])[:15] + ".postgres.database.azure.com"
		b.zone("postgres.database.azure.com", "Azure Database for PostgreSQL")
		why = "the server's public endpoint, in the documented form server.rs-<random>.postgres.database.azure.com (azure-aws-dns.md §4); the random part is synthesised"
	case region != "":
		ep.name = name + "." + region + ".cloudapp.azure.com"
		b.zone(region+".cloudapp.azure.com", "Azure public endpoints")
		why = "the resource's public endpoint; Azure's real host name is a service stamp the reference does not give (azure-aws-dns.md §4), so aksnet names it NAME.REGION.cloudapp.azure.com"
	default:
		ep.name = name + ".cloudapp.net"
		b.zone("cloudapp.net", "Azure public endpoints")
		why = "the resource's public endpoint; Azure's real host name is a service stamp the reference does not give (azure-aws-dns.md §4), and the resource has no region, so aksnet names it NAME.cloudapp.net"
	}
	ep.addr = r.PublicIP
	if ep.addr.IsValid() {
		why += "; the address is publicIp"
	} else {
		ep.addr = b.synthAddr("resource/" + name)
		why += fmt.Sprintf("; no publicIp is declared, so aksnet synthesised %s from TEST-NET-3 (203.0.113.0/24, RFC 5737, a documentation range)", ep.addr)
		b.note(ep.name, "resource %s: no publicIp declared; its public endpoint resolves to %s, synthesised from TEST-NET-3", r.Loc, r.Name, ep.addr)
	}
	t, d := pubAddrData(ep.addr)
	b.add(ep.name, t, pubSynthTTL, d, by, why, r.Loc)
	return ep
}

func pubCNAME(target string) []model.RData { return []model.RData{{Target: target}} }

// resource publishes the public names of one PaaS resource.
func (b *pubBuilder) resource(r *model.PaaSResource, pes []*model.PrivateEndpoint) {
	name, err := model.CanonicalName(r.Name)
	if err == nil && strings.Contains(name, ".") {
		err = fmt.Errorf("%q has a dot; it must be a single DNS label", r.Name)
	}
	if err != nil {
		b.errs.Add(model.Errorf(r.Loc, "resource %s: its name cannot be the first label of a public FQDN: %v", r.Name, err))
		return
	}
	if !kb.KnownResourceType(r.Type) {
		b.note(name, "resource %s: type %s is not in the privatelink table; no public name synthesised", r.Loc, r.Name, r.Type)
		return
	}
	by := "resource " + r.Name
	first := kb.SubresourcesOf(r.Type)[:1]

	// PostgreSQL Flexible Server in private access (VNet integration) mode:
	// the public FQDN CNAMEs into the server's private zone (§5).
	if r.PrivateDNSZone.IsSet() {
		zone := r.PrivateDNSZone.Name
		if z := r.PrivateDNSZone.Target; z != nil {
			zone = z.Name
		} else if i := strings.LastIndexByte(zone, '/'); i >= 0 {
			zone = zone[i+1:]
		}
		zone, err := model.CanonicalName(zone)
		if err != nil {
			b.errs.Add(model.Errorf(r.PrivateDNSZone.Loc, "resource %s: privateDnsZone: %v", r.Name, err))
			return
		}
		if len(pes) > 0 {
			b.note(name, "resource %s: private endpoints are not supported on a server in private access mode (azure-aws-dns.md §5); its public name follows private access", pes[0].Loc, r.Name)
		}
		target := name + "." + zone
		for _, row := range b.rows(r, first) {
			for _, f := range row.forwarders {
				b.zone(f, "Azure public names of "+r.Type)
				b.add(name+"."+f, model.TypeCNAME, pubSynthTTL, pubCNAME(target), by,
					fmt.Sprintf("Azure CNAMEs the public name of a server in private access mode (VNet integration) into its private DNS zone %s (azure-aws-dns.md §5)", zone), r.PrivateDNSZone.Loc)
			}
		}
		b.nx(target, fmt.Sprintf("%s is in the private DNS zone %s of server %s: only VNets linked to that zone resolve it; public DNS has no such name (azure-aws-dns.md §5)", target, zone, r.Name), r.PrivateDNSZone.Loc)
		return
	}
	if r.DelegatedSubnet.IsSet() {
		b.note(name, "resource %s: delegatedSubnet without privateDnsZone: private access needs the zone (azure-aws-dns.md §5); its public name is synthesised as for public access", r.Loc, r.Name)
	}

	// The rows of the subresources its endpoints target, or of its first.
	var subs []string
	for _, pe := range pes {
		if kb.HasPrivateLink(r.Type, pe.Subresource) && !pubContainsFold(subs, pe.Subresource) {
			subs = append(subs, pe.Subresource)
		}
	}
	if len(subs) == 0 {
		subs = first
	}
	rowsOf := map[string][]pubRow{}
	var rows []pubRow
	for _, sub := range subs {
		rs := b.rows(r, []string{sub})
		rowsOf[strings.ToLower(sub)] = rs
		rows = append(rows, rs...)
		// Azure serves the public privatelink zones whether or not this
		// resource has an endpoint: names absent there are NXDOMAIN.
		for _, row := range rs {
			for _, z := range row.zones {
				if hasPrivatelinkLabel(z) {
					b.zone(privatelinkApex(z), "Azure public privatelink zone")
				}
			}
		}
	}
	ep := b.endpoint(r, name, by)
	epData := pubCNAME(ep.name)
	hasPE := len(pes) > 0
	var peLoc model.Location
	if hasPE {
		peLoc = pes[0].Loc
	}

	// publish links one public FQDN to the endpoint, through the
	// privatelink zone paired with its forwarder when there is an endpoint.
	publish := func(fqdn string, row pubRow, f, why string) {
		b.zone(f, "Azure public names of "+r.Type)
		if !hasPE {
			b.add(fqdn, model.TypeCNAME, pubSynthTTL, epData, by,
				why+"Azure publishes it for the resource; without a private endpoint there is no privatelink CNAME (azure-aws-dns.md §4)", r.Loc)
			return
		}
		z, how := pairZone(f, row.zones)
		if how == pubPairNone {
			b.add(fqdn, model.TypeCNAME, pubSynthTTL, epData, by,
				why+"no private zone of the privatelink row pairs with forwarder "+f+", so aksnet publishes no privatelink CNAME for it", r.Loc)
			b.note(fqdn, "resource %s: no private zone of subresource %s pairs with forwarder %s; it CNAMEs straight to the public endpoint", r.Loc, r.Name, row.sub, f)
			return
		}
		target := privatelinkTarget(fqdn, name, z)
		apex := privatelinkApex(z)
		b.zone(apex, "Azure public privatelink zone")
		pair := ""
		switch how {
		case pubPairSuffix:
			pair = fmt.Sprintf("; zone %s pairs with forwarder %s by their shared suffix", z, f)
		case pubPairOnly:
			pair = fmt.Sprintf("; zone %s is the row's only zone", z)
		}
		b.add(fqdn, model.TypeCNAME, pubSynthTTL, pubCNAME(target), by,
			why+"Azure adds this CNAME when the resource has a private endpoint (azure-aws-dns.md §4)"+pair, peLoc)
		b.add(target, model.TypeCNAME, pubSynthTTL, epData, by,
			"outside a VNet linked to "+apex+", the privatelink name CNAMEs on to the public endpoint (azure-aws-dns.md §4); publicNetworkAccess does not change DNS", peLoc)
	}
	for _, row := range rows {
		for _, f := range row.forwarders {
			publish(name+"."+f, row, f, "")
		}
	}
	// Endpoint members with their own FQDN (ACR's regional data endpoints,
	// Cosmos DB regions): published the same way, under the longest
	// forwarder of the endpoint's subresource they end in.
	for _, pe := range pes {
		for _, m := range pe.Members {
			if m.FQDN == "" {
				continue
			}
			fqdn, err := model.CanonicalName(m.FQDN)
			if err != nil {
				b.errs.Add(model.Errorf(m.Loc, "private endpoint %s member %s: fqdn: %v", pe.Name, m.Name, err))
				continue
			}
			if n := b.p.names[fqdn]; n != nil && !n.nx {
				continue // a forwarder name already
			}
			var row pubRow
			f := ""
			for _, rw := range rowsOf[strings.ToLower(pe.Subresource)] {
				for _, fw := range rw.forwarders {
					if strings.HasSuffix(fqdn, "."+fw) && len(fw) > len(f) {
						row, f = rw, fw
					}
				}
			}
			if f == "" {
				b.note(fqdn, "private endpoint %s member %s: %s ends in no public forwarder of %s %s; no public name published", m.Loc, pe.Name, m.Name, fqdn, r.Type, pe.Subresource)
				continue
			}
			publish(fqdn, row, f, fmt.Sprintf("the FQDN of member %s of private endpoint %s; ", m.Name, pe.Name))
		}
	}
}

func pubContainsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// AKS API servers.

// APIServerNames returns a cluster's API server FQDNs (azure-aws-dns.md §6),
// either empty when the cluster has no such name (or when it depends on a
// region the cluster lacks):
//
//   - public: <label>.hcp.<region>.azmk8s.io, for a public cluster, and for a
//     private cluster with the public FQDN (apiServer.publicFqdn, default
//     true; always with privateDnsZone none, where it is the only name);
//   - private: for a private cluster, <label>.<guid>.privatelink.<region>.azmk8s.io
//     in the system zone (private.<region>… with API Server VNet
//     Integration, by analogy with the custom zone names), <label>.<zone> in
//     a custom zone, none with privateDnsZone none.
//
// The label is <dnsPrefix>-<hash> (dnsPrefix defaults to the cluster name;
// fqdnSubdomain replaces it in a custom zone), the hash 8 hex characters and
// the system zone's GUID both derived from the cluster name: the real ones
// are random, so aksnet makes them stable instead.
func APIServerNames(c *model.Cluster) (private, public string) {
	a := &c.APIServer
	prefix := c.DNSPrefix
	if a.FQDNSubdomain != "" && a.ZoneMode() == "custom" {
		prefix = a.FQDNSubdomain
	}
	if prefix == "" {
		prefix = c.Name
	}
	h := fnv.New32a()
	h.Write([]byte(c.Name))
	label := fmt.Sprintf("%s-%08x", strings.ToLower(prefix), h.Sum32())
	region := strings.ToLower(c.Region)
	if !a.Private || a.HasPublicFQDN() || a.ZoneMode() == "none" {
		if region != "" {
			public = label + ".hcp." + region + ".azmk8s.io"
		}
	}
	if !a.Private {
		return "", public
	}
	switch a.ZoneMode() {
	case "system":
		if region != "" {
			sum := sha256.Sum256([]byte("aksnet/aks-system-zone/" + c.Name))
			sum[6] = sum[6]&0x0f | 0x40 // a version 4 UUID, as Azure's look
			sum[8] = sum[8]&0x3f | 0x80
			x := hex.EncodeToString(sum[:16])
			guid := x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
			sub := "privatelink"
			if a.VNetIntegrationSubnet.IsSet() {
				sub = "private"
			}
			private = label + "." + guid + "." + sub + "." + region + ".azmk8s.io"
		}
	case "custom":
		zone := a.PrivateDNSZone
		if a.CustomZone != nil {
			zone = a.CustomZone.Name
		} else if i := strings.LastIndexByte(zone, '/'); i >= 0 {
			zone = zone[i+1:]
		}
		if z, err := model.CanonicalName(zone); err == nil {
			private = label + "." + z
		}
	}
	return private, public
}

// cluster publishes an AKS cluster's public API server FQDN (§6).
func (b *pubBuilder) cluster(c *model.Cluster) {
	private, public := APIServerNames(c)
	a := &c.APIServer
	by := "cluster " + c.Name
	region := strings.ToLower(c.Region)
	if region != "" {
		// The privatelink table's public forwarder for AKS is
		// {regionName}.azmk8s.io (azure-aws-dns.md §3).
		b.zone(region+".azmk8s.io", "Azure public names of AKS API servers")
	}
	if public == "" && (!a.Private || a.HasPublicFQDN() || a.ZoneMode() == "none") {
		b.note(c.Name, "cluster %s: no region, so no public API server FQDN", c.Loc, c.Name)
	}
	if public != "" {
		var addr netip.Addr
		var why string
		switch {
		case !a.Private:
			addr, why = a.PublicIP, "the public API server's FQDN, A record its public IP (azure-aws-dns.md §6)"
			if !addr.IsValid() {
				addr = b.synthAddr("cluster/" + c.Name)
				why = fmt.Sprintf("the public API server's FQDN (azure-aws-dns.md §6); no apiServer.publicIp is declared, so aksnet synthesised %s from TEST-NET-3 (203.0.113.0/24, RFC 5737, a documentation range)", addr)
				b.note(public, "cluster %s: no apiServer.publicIp declared; its FQDN resolves to %s, synthesised from TEST-NET-3", c.Loc, c.Name, addr)
			}
		case a.ZoneMode() == "none":
			addr, why = a.PrivateIP, "with privateDnsZone none only the public FQDN exists, and its A record is the API server's private IP, not routable from the internet (azure-aws-dns.md §6)"
		default:
			addr, why = a.PrivateIP, "AKS also publishes a public FQDN for a private cluster (apiServer.publicFqdn, default true), whose A record is the API server's private IP, not routable from the internet (azure-aws-dns.md §6)"
		}
		loc := a.Loc
		if loc.IsZero() {
			loc = c.Loc
		}
		if addr.IsValid() {
			t, d := pubAddrData(addr)
			b.add(public, t, pubSynthTTL, d, by, why, loc)
		} else {
			// The name exists but aksnet cannot know its address: NODATA.
			n := b.p.names[public]
			if n == nil || n.nx {
				b.p.names[public] = &pubName{by: by, loc: loc}
			}
			b.note(public, "cluster %s: apiServer.privateIp is not declared, so the public FQDN of the private cluster has no A record here (NODATA)", loc, c.Name)
		}
	}
	if private != "" {
		b.nx(private, fmt.Sprintf("%s is cluster %s's private FQDN, in a private DNS zone: only VNets linked to the zone resolve it; public DNS has no such name (azure-aws-dns.md §6)", private, c.Name), a.Loc)
	}
}

// Declared zones.

// declared publishes the estate's own zones (internet.zones) as written. A
// zone overlapping one Azure publishes for the estate (equal, above or
// below it) is an error and is left out: Azure owns those names.
func (b *pubBuilder) declared(zones []*model.Zone) {
	var azure []string
	for n := range b.p.zones {
		azure = append(azure, n)
	}
	var kept []*model.Zone
	for _, z := range zones {
		if prev := b.p.zones[z.Name]; prev != nil && prev.declared {
			b.errs.Add(model.Errorf(z.Loc, "internet zone %s is declared twice (first at %s)", z.Name, prev.loc).
				WithHint("put all its records in one zone"))
			continue
		}
		clash := ""
		for _, a := range azure {
			if inZone(a, z.Name) || inZone(z.Name, a) {
				if clash == "" || a < clash {
					clash = a
				}
			}
		}
		if clash != "" {
			b.errs.Add(model.Errorf(z.Loc, "internet zone %s overlaps %s, which Azure publishes for the estate's resources or clusters", z.Name, clash).
				WithHint("declare only zones you own; aksnet makes Azure's public names from azure.resources and azure.aksClusters"))
			continue
		}
		b.p.zones[z.Name] = &pubZone{name: z.Name, declared: true, loc: z.Loc, what: "internet.zones",
			soa: SOA{Zone: z.Name, MName: "ns1." + z.Name, RName: "hostmaster." + z.Name,
				Serial: 1, Refresh: 3600, Retry: 300, Expire: 2419200, MinTTL: 300}}
		kept = append(kept, z)
	}
	for _, z := range kept {
		by := "internet zone " + z.Name
		for _, r := range z.Records {
			if len(r.Data) == 0 {
				continue // its values did not parse: reported by the loader
			}
			owner := r.FQDN(z.Name)
			if in := b.p.zoneOf(owner); in != nil && in.name != z.Name {
				b.note(owner, "record %s %s of zone %s is below the zone %s, which the estate also declares: it is occluded", r.Loc, owner, r.Type, z.Name, in.name)
				continue
			}
			ttl := uint32(pubDeclaredTTL)
			if r.TTL > 0 {
				ttl = uint32(r.TTL)
			}
			data := r.Data
			if r.Type == model.TypeCNAME {
				data = data[:1]
			}
			b.add(owner, r.Type, ttl, data, by, "record of zone "+z.Name+" (internet.zones)", r.Loc)
		}
	}
}

// finish assigns every name its zone, adds empty non-terminals (names with
// nothing but descendants exist: NODATA, not NXDOMAIN) and the zones' apex
// SOA and NS records.
func (b *pubBuilder) finish() {
	p := b.p
	owners := make([]string, 0, len(p.names))
	for n := range p.names {
		owners = append(owners, n)
	}
	root := &pubZone{name: "", soa: pubRootSOA, what: "the root zone"}
	for _, n := range owners {
		pn := p.names[n]
		pn.zone = p.zoneOf(n)
		if pn.zone == nil {
			// Only a private FQDN outside every known zone (a private
			// zone under a TLD the estate publishes nothing in): the root
			// denies it. Every published name is in a zone.
			pn.zone = root
			continue
		}
		if !pn.nx {
			b.ents(n, pn.zone)
		}
	}
	for name, z := range p.zones {
		if parent := p.zoneOf(pubParent(name)); parent != nil {
			b.ents(name, parent)
		}
		apex := p.names[name]
		if apex == nil || apex.nx || apex.ent {
			apex = &pubName{by: "zone " + name, loc: z.loc}
			p.names[name] = apex
		}
		apex.zone = z
		// SOA and NS questions at an apex get a record naming the zone's
		// primary server (RData holds no SOA fields; the reply's SOA does
		// only on negative answers).
		if apex.set(TypeSOA) == nil && apex.set(model.TypeCNAME) == nil {
			apex.sets = append(apex.sets,
				pubSet{typ: TypeSOA, rrs: []RR{{Name: name, Type: TypeSOA, TTL: 3600, Data: model.RData{Target: z.soa.MName}}}, loc: z.loc,
					note: fmt.Sprintf("%s SOA %s %s: apex of zone %s (%s)", name, z.soa.MName, z.soa.RName, name, z.what)},
				pubSet{typ: TypeNS, rrs: []RR{{Name: name, Type: TypeNS, TTL: 3600, Data: model.RData{Target: z.soa.MName}}}, loc: z.loc,
					note: fmt.Sprintf("%s NS %s: apex of zone %s (%s)", name, z.soa.MName, name, z.what)})
		}
	}
}

// ents marks the ancestors of name inside zone z as existing.
func (b *pubBuilder) ents(name string, z *pubZone) {
	for p := pubParent(name); p != "" && p != z.name && inZone(p, z.name); p = pubParent(p) {
		n := b.p.names[p]
		switch {
		case n == nil:
			b.p.names[p] = &pubName{zone: z, ent: true, loc: z.loc}
		case n.nx:
			*n = pubName{zone: z, ent: true, loc: z.loc}
		}
	}
}

func pubParent(n string) string {
	if i := strings.IndexByte(n, '.'); i >= 0 {
		return n[i+1:]
	}
	return ""
}
