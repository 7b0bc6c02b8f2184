package dns

import (
	"net/netip"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/aksnet/aksnet/internal/kb"
	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

func publicContoso(t testing.TB) (*model.Topology, *Public) {
	t.Helper()
	topo, errs := load.Topology(load.OSFiles{}, "../../examples/contoso/topology.yaml")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	p, errs := NewPublic(topo)
	if len(errs) > 0 {
		t.Fatalf("NewPublic(contoso): %v", errs)
	}
	return topo, p
}

// publicTopology loads an inline topology; it must load without errors.
func publicTopology(t *testing.T, yaml string) *model.Topology {
	t.Helper()
	topo, errs := load.Bytes(load.FSFiles{FS: fstest.MapFS{}}, "t.yaml", []byte(yaml))
	if len(errs) > 0 {
		t.Fatalf("load: %v", errs)
	}
	return topo
}

func publicOf(t *testing.T, yaml string) *Public {
	t.Helper()
	p, errs := NewPublic(publicTopology(t, yaml))
	if len(errs) > 0 {
		t.Fatalf("NewPublic: %v", errs)
	}
	return p
}

const publicHeader = `apiVersion: aksnet.dev/v1alpha1
kind: Topology
metadata:
  name: t
  defaultRegion: westeurope
`

// publicCase is one question and what public DNS must answer.
type publicCase struct {
	q     string
	typ   Type
	rcode RCode
	// chain is the owner names of the answer's records in order; the
	// records before the last owner's are CNAMEs, each pointing at the next.
	chain []string
	addr  string // the final A/AAAA address, if any
	soa   string // zone of the SOA; "-" for none
	ttl   uint32 // of the final record, when set
	note  string // a step's note contains it
}

func checkPublic(t *testing.T, p *Public, tc publicCase) (Reply, []Step) {
	t.Helper()
	typ := tc.typ
	if typ == "" {
		typ = model.TypeA
	}
	q := Question{Name: tc.q, Type: typ}
	r, steps := p.Resolve(q)
	if lk := p.Lookup(q); !reflect.DeepEqual(lk, r) {
		t.Errorf("%s: Lookup %+v differs from Resolve %+v", q, lk, r)
	}
	if r.RCode != tc.rcode {
		t.Errorf("%s: rcode %v, want %v\n%s", q, r.RCode, tc.rcode, publicSteps(steps))
	}
	if r.Authoritative {
		t.Errorf("%s: AA set on a recursive resolver's answer", q)
	}
	var owners []string
	for i, rr := range r.Answer {
		owners = append(owners, rr.Name)
		if i < len(r.Answer)-1 && rr.Type == model.TypeCNAME && r.Answer[i+1].Name != rr.Data.Target {
			t.Errorf("%s: CNAME %s → %s is followed by %s", q, rr.Name, rr.Data.Target, r.Answer[i+1].Name)
		}
		if rr.Type != model.TypeCNAME && i < len(r.Answer)-1 && r.Answer[i+1].Name != rr.Name {
			t.Errorf("%s: a %s record in the middle of the chain", q, rr.Type)
		}
	}
	if tc.chain != nil && !slices.Equal(slices.Compact(owners), tc.chain) {
		t.Errorf("%s: chain %v, want %v\n%s", q, owners, tc.chain, publicSteps(steps))
	}
	if tc.addr != "" {
		got := r.Addrs()
		if len(got) != 1 || got[0] != netip.MustParseAddr(tc.addr) {
			t.Errorf("%s: addresses %v, want %s", q, got, tc.addr)
		}
	}
	switch {
	case tc.soa == "-" && r.SOA != nil:
		t.Errorf("%s: SOA %+v, want none", q, *r.SOA)
	case tc.soa != "" && tc.soa != "-" && (r.SOA == nil || r.SOA.Zone != tc.soa):
		t.Errorf("%s: SOA %+v, want zone %s", q, r.SOA, tc.soa)
	}
	if tc.ttl != 0 && (len(r.Answer) == 0 || r.Answer[len(r.Answer)-1].TTL != tc.ttl) {
		t.Errorf("%s: TTL of %v, want %d", q, r.Answer, tc.ttl)
	}
	if tc.note != "" && !strings.Contains(publicSteps(steps), tc.note) {
		t.Errorf("%s: no step says %q:\n%s", q, tc.note, publicSteps(steps))
	}
	if len(steps) == 0 {
		t.Errorf("%s: no steps", q)
	}
	return r, steps
}

func publicSteps(steps []Step) string {
	var b strings.Builder
	for _, s := range steps {
		b.WriteString("  " + s.Name + " " + string(s.Type) + ": " + s.Note + " (" + s.Loc.String() + ")\n")
	}
	return b.String()
}

func TestPublicContoso(t *testing.T) {
	topo, p := publicContoso(t)
	const (
		kv = "kv-contoso-prod"
		ep = ".westeurope.cloudapp.azure.com"
	)
	for _, tc := range []publicCase{
		// Key Vault: the forwarder vault.azure.net pairs with the zone
		// privatelink.vaultcore.azure.net by suffix.
		{q: kv + ".vault.azure.net", rcode: NoError, addr: "203.0.113.11", ttl: 300,
			chain: []string{kv + ".vault.azure.net", kv + ".privatelink.vaultcore.azure.net", kv + ep},
			note:  kv + ".vault.azure.net CNAME " + kv + ".privatelink.vaultcore.azure.net: Azure adds this CNAME when the resource has a private endpoint (azure-aws-dns.md §4)"},
		// What the engine asks when a VNet does not see the privatelink zone.
		{q: kv + ".privatelink.vaultcore.azure.net", rcode: NoError, addr: "203.0.113.11",
			chain: []string{kv + ".privatelink.vaultcore.azure.net", kv + ep}},
		{q: "stcontosoprod.blob.core.windows.net", rcode: NoError, addr: "203.0.113.12",
			chain: []string{"stcontosoprod.blob.core.windows.net", "stcontosoprod.privatelink.blob.core.windows.net", "stcontosoprod" + ep}},
		{q: "acrcontosoprod.azurecr.io", rcode: NoError, addr: "203.0.113.13",
			chain: []string{"acrcontosoprod.azurecr.io", "acrcontosoprod.privatelink.azurecr.io", "acrcontosoprod" + ep}},
		// ACR's data endpoint: the zone group writes it into
		// privatelink.azurecr.io as NAME.REGION.data (footnote 1).
		{q: "acrcontosoprod.westeurope.data.azurecr.io", rcode: NoError, addr: "203.0.113.13",
			chain: []string{"acrcontosoprod.westeurope.data.azurecr.io", "acrcontosoprod.westeurope.data.privatelink.azurecr.io", "acrcontosoprod" + ep}},
		{q: "www.contoso.com", rcode: NoError, addr: "203.0.113.80", ttl: 300, chain: []string{"www.contoso.com"},
			note: "record of zone contoso.com (internet.zones)"},
		{q: "nope.contoso.com", rcode: NXDomain, chain: []string{}, soa: "contoso.com", note: "zone contoso.com"},
		{q: "www.example.org", rcode: NXDomain, chain: []string{}, soa: "-", note: PublicUnknown},
		// NODATA after the chain: the SOA is the last zone's.
		{q: kv + ".vault.azure.net", typ: model.TypeAAAA, rcode: NoError,
			chain: []string{kv + ".vault.azure.net", kv + ".privatelink.vaultcore.azure.net"}, soa: "westeurope.cloudapp.azure.com"},
		// A CNAME question is answered with the CNAME alone.
		{q: kv + ".vault.azure.net", typ: model.TypeCNAME, rcode: NoError, chain: []string{kv + ".vault.azure.net"}},
		// A name Azure does not publish under a zone it does.
		{q: "kv-typo.vault.azure.net", rcode: NXDomain, chain: []string{}, soa: "vault.azure.net"},
		{q: "nope.privatelink.vaultcore.azure.net", rcode: NXDomain, chain: []string{}, soa: "privatelink.vaultcore.azure.net"},
		// An empty non-terminal: data.azurecr.io has names below it.
		{q: "data.azurecr.io", rcode: NoError, chain: []string{}, soa: "azurecr.io"},
		{q: "contoso.com", typ: TypeSOA, rcode: NoError, chain: []string{"contoso.com"}, soa: "-"},
	} {
		checkPublic(t, p, tc)
	}

	r, _ := checkPublic(t, p, publicCase{q: "pg-contoso-prod.postgres.database.azure.com", rcode: NoError, addr: "203.0.113.10"})
	if len(r.Answer) != 3 || r.Answer[1].Name != "pg-contoso-prod.privatelink.postgres.database.azure.com" ||
		!regexp.MustCompile(`^pg-contoso-prod\.rs-[0-9a-f]{15}\.postgres\.database\.azure\.com$`).MatchString(r.Answer[2].Name) {
		t.Errorf("pg chain %v, want NAME → NAME.privatelink.postgres… → NAME.rs-<15>.postgres…", r.Answer)
	}

	// Resolve canonicalises; Lookup trusts its caller.
	if r, _ := p.Resolve(Question{Name: "KV-Contoso-Prod.Vault.Azure.NET.", Type: model.TypeA}); r.RCode != NoError || len(r.Addrs()) != 1 {
		t.Errorf("Resolve of a non-canonical name: %+v", r)
	}

	// The private cluster has publicFqdn: false: no public name, and its
	// private FQDN is not public.
	aks := model.Lookup[model.Cluster](topo, "aks-prod")
	private, public := APIServerNames(aks)
	if public != "" {
		t.Errorf("aks-prod public FQDN %q, want none (publicFqdn: false)", public)
	}
	if !regexp.MustCompile(`^aks-prod-[0-9a-f]{8}\.privatelink\.westeurope\.azmk8s\.io$`).MatchString(private) {
		t.Errorf("aks-prod private FQDN %q, want aks-prod-<8 hex>.privatelink.westeurope.azmk8s.io (its custom zone)", private)
	}
	checkPublic(t, p, publicCase{q: private, rcode: NXDomain, chain: []string{}, soa: "westeurope.azmk8s.io", note: "private DNS zone"})
}

// publicNetworkAccess Disabled does not change DNS (azure-aws-dns.md §4).
func TestPublicNetworkAccessDoesNotChangeDNS(t *testing.T) {
	topo, disabled := publicContoso(t)
	for _, r := range topo.Azure.Resources {
		if r.PublicNetworkAccess != "Disabled" {
			t.Fatalf("contoso's %s is not Disabled: the test needs it", r.Name)
		}
		r.PublicNetworkAccess = "Enabled"
	}
	enabled, errs := NewPublic(topo)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(enabled.names) != len(disabled.names) {
		t.Errorf("%d names with access Enabled, %d Disabled", len(enabled.names), len(disabled.names))
	}
	for name := range disabled.names {
		for _, typ := range []Type{model.TypeA, model.TypeAAAA, model.TypeCNAME} {
			q := Question{Name: name, Type: typ}
			if a, b := disabled.Lookup(q), enabled.Lookup(q); !reflect.DeepEqual(a, b) {
				t.Errorf("%s: Disabled %+v, Enabled %+v", q, a, b)
			}
		}
	}
}

// The pairing rule on the four common types, and over the whole table.
func TestPublicPairing(t *testing.T) {
	ph := kb.Placeholders{RegionName: "westeurope", Region: "westeurope"}
	for _, tc := range []struct {
		typ, sub, fwd, zone, target string
		how                         pubPairing
	}{
		{"Microsoft.DBforPostgreSQL/flexibleServers", "postgresqlServer", "postgres.database.azure.com",
			"privatelink.postgres.database.azure.com", "x.privatelink.postgres.database.azure.com", pubPairExact},
		{"Microsoft.KeyVault/vaults", "vault", "vault.azure.net",
			"privatelink.vaultcore.azure.net", "x.privatelink.vaultcore.azure.net", pubPairSuffix},
		{"Microsoft.KeyVault/vaults", "vault", "vaultcore.azure.net",
			"privatelink.vaultcore.azure.net", "x.privatelink.vaultcore.azure.net", pubPairExact},
		{"Microsoft.Storage/storageAccounts", "blob", "blob.core.windows.net",
			"privatelink.blob.core.windows.net", "x.privatelink.blob.core.windows.net", pubPairExact},
		{"Microsoft.ContainerRegistry/registries", "registry", "azurecr.io",
			"privatelink.azurecr.io", "x.privatelink.azurecr.io", pubPairExact},
		{"Microsoft.ContainerRegistry/registries", "registry", "westeurope.data.azurecr.io",
			"westeurope.data.privatelink.azurecr.io", "x.westeurope.data.privatelink.azurecr.io", pubPairExact},
		// Batch: the forwarder is longer than the zone's public form.
		{"Microsoft.Batch/batchAccounts", "batchAccount", "westeurope.batch.azure.com",
			"privatelink.batch.azure.com", "x.westeurope.privatelink.batch.azure.com", pubPairSuffix},
		// Web Apps' footnote 3: scm names live under privatelink.azurewebsites.net.
		{"Microsoft.Web/sites", "sites", "scm.azurewebsites.net",
			"scm.privatelink.azurewebsites.net", "x.scm.privatelink.azurewebsites.net", pubPairExact},
		{"Microsoft.ElasticSan/elasticSans", "volumegroup", "blob.storage.azure.net",
			"privatelink.blob.core.windows.net", "x.privatelink.blob.core.windows.net", pubPairOnly},
	} {
		rows := kb.LookupPrivateLink(tc.typ, tc.sub)
		if len(rows) != 1 {
			t.Fatalf("%s %s: %d rows", tc.typ, tc.sub, len(rows))
		}
		zones, _ := rows[0].Zones(ph)
		z, how := pairZone(tc.fwd, zones)
		if z != tc.zone || how != tc.how {
			t.Errorf("%s %s: %s pairs with %q (%d), want %q (%d)", tc.typ, tc.sub, tc.fwd, z, how, tc.zone, tc.how)
		}
		if got := privatelinkTarget("x."+tc.fwd, "x", z); got != tc.target {
			t.Errorf("%s: target %s, want %s", tc.fwd, got, tc.target)
		}
	}

	// Every forwarder of the table either pairs, its target a valid name
	// under a public privatelink zone, or is one of the few the rule leaves
	// unpaired; no resource type breaks NewPublic.
	var unpaired []string
	for _, row := range kb.PrivateLinkZones() {
		var zones []string
		for _, z := range row.PrivateZones {
			if e, err := kb.Expand(z, ph); err == nil {
				zones = append(zones, e)
			}
		}
		for _, f := range row.PublicForwarders {
			e, err := kb.Expand(f, ph)
			if err != nil || hasPrivatelinkLabel(e) {
				continue
			}
			z, how := pairZone(e, zones)
			if how == pubPairNone {
				unpaired = append(unpaired, e)
				continue
			}
			target := privatelinkTarget("x."+e, "x", z)
			if _, err := model.CanonicalName(target); err != nil || !inZone(target, privatelinkApex(z)) || !strings.HasPrefix(privatelinkApex(z), "privatelink") {
				t.Errorf("%s %s: %s → %s (zone %s): not a name in a public privatelink zone", row.ResourceType, row.Subresource, e, target, z)
			}
		}
	}
	slices.Sort(unpaired)
	if want := []string{"aznbcontent.net", "inference.ml.azure.com", "services.visualstudio.com"}; !slices.Equal(unpaired, want) {
		t.Errorf("unpaired forwarders %v, want %v", unpaired, want)
	}
}

func TestPublicEveryResourceType(t *testing.T) {
	var b strings.Builder
	b.WriteString(publicHeader + "azure:\n  resources:\n")
	for i, typ := range kb.ResourceTypes() {
		b.WriteString("    - {name: r" + string(rune('a'+i/26)) + string(rune('a'+i%26)) + ", type: " + typ + "}\n")
	}
	p := publicOf(t, b.String())
	for name, n := range p.names {
		if _, err := model.CanonicalName(name); err != nil {
			t.Errorf("published %q: %v", name, err)
		}
		if n.zone == nil {
			t.Errorf("%s has no zone", name)
		}
	}
}

func TestPublicWithoutEndpoint(t *testing.T) {
	const yaml = publicHeader + `azure:
  resources:
    - {name: kv-solo, type: Microsoft.KeyVault/vaults}
    - {name: stsolo, type: Microsoft.Storage/storageAccounts, publicIp: 198.51.100.7}
    - {name: acrsolo, type: Microsoft.ContainerRegistry/registries, publicIp: "2001:db8::7"}
    - {name: pgsolo, type: Microsoft.DBforPostgreSQL/flexibleServers, publicIp: 198.51.100.8}
`
	p := publicOf(t, yaml)
	r, _ := checkPublic(t, p, publicCase{q: "kv-solo.vault.azure.net", rcode: NoError,
		chain: []string{"kv-solo.vault.azure.net", "kv-solo.westeurope.cloudapp.azure.com"},
		note:  "TEST-NET-3"})
	addrs := r.Addrs()
	if len(addrs) != 1 || !pubTestNet3.Contains(addrs[0]) {
		t.Errorf("kv-solo: %v, want one address in 203.0.113.0/24", addrs)
	}
	// Deterministic: the same topology gives the same address.
	if again := publicOf(t, yaml).Lookup(Question{Name: "kv-solo.vault.azure.net", Type: model.TypeA}); !reflect.DeepEqual(again.Addrs(), addrs) {
		t.Errorf("synthesised %v then %v", addrs, again.Addrs())
	}
	if !slices.ContainsFunc(p.Notes(), func(s Step) bool { return strings.Contains(s.Note, "TEST-NET-3") }) {
		t.Errorf("no note records the synthesised address: %v", p.Notes())
	}
	for _, tc := range []publicCase{
		// Without an endpoint there is no privatelink CNAME (§4); the
		// public privatelink zone still exists.
		{q: "kv-solo.privatelink.vaultcore.azure.net", rcode: NXDomain, chain: []string{}, soa: "privatelink.vaultcore.azure.net"},
		{q: "stsolo.blob.core.windows.net", rcode: NoError, addr: "198.51.100.7",
			chain: []string{"stsolo.blob.core.windows.net", "stsolo.westeurope.cloudapp.azure.com"}, note: "without a private endpoint there is no privatelink CNAME"},
		{q: "acrsolo.azurecr.io", typ: model.TypeAAAA, rcode: NoError, addr: "2001:db8::7",
			chain: []string{"acrsolo.azurecr.io", "acrsolo.westeurope.cloudapp.azure.com"}},
		{q: "acrsolo.westeurope.data.azurecr.io", typ: model.TypeAAAA, rcode: NoError, addr: "2001:db8::7",
			chain: []string{"acrsolo.westeurope.data.azurecr.io", "acrsolo.westeurope.cloudapp.azure.com"}},
		{q: "acrsolo.azurecr.io", rcode: NoError, soa: "westeurope.cloudapp.azure.com",
			chain: []string{"acrsolo.azurecr.io"}},
	} {
		checkPublic(t, p, tc)
	}
	// PostgreSQL Flexible Server without an endpoint: NAME.rs-<random>
	// (azure-aws-dns.md §4).
	r, _ = checkPublic(t, p, publicCase{q: "pgsolo.postgres.database.azure.com", rcode: NoError, addr: "198.51.100.8", note: "rs-"})
	if len(r.Answer) != 2 || !strings.HasPrefix(r.Answer[1].Name, "pgsolo.rs-") {
		t.Errorf("pgsolo: %v, want NAME CNAME NAME.rs-<random>.postgres.database.azure.com", r.Answer)
	}
}

func TestPublicPostgresPrivateAccess(t *testing.T) {
	p := publicOf(t, publicHeader+`azure:
  vnets:
    - name: spoke
      addressSpace: [10.1.0.0/16]
      subnets:
        - {name: pg, addressPrefix: 10.1.6.0/24, delegation: Microsoft.DBforPostgreSQL/flexibleServers}
  privateDnsZones:
    - name: pg-billing.private.postgres.database.azure.com
      links: [{vnet: spoke}]
  resources:
    - name: pg-billing
      type: Microsoft.DBforPostgreSQL/flexibleServers
      delegatedSubnet: spoke/pg
      privateIp: 10.1.6.4
      privateDnsZone: pg-billing.private.postgres.database.azure.com
`)
	r, _ := checkPublic(t, p, publicCase{q: "pg-billing.postgres.database.azure.com", rcode: NXDomain,
		chain: []string{"pg-billing.postgres.database.azure.com"}, soa: "postgres.database.azure.com",
		note: "azure-aws-dns.md §5"})
	if len(r.Answer) != 1 || r.Answer[0].Data.Target != "pg-billing.pg-billing.private.postgres.database.azure.com" {
		t.Errorf("answer %v, want a CNAME into the private zone", r.Answer)
	}
	// The private name itself, asked publicly.
	checkPublic(t, p, publicCase{q: "pg-billing.pg-billing.private.postgres.database.azure.com", rcode: NXDomain,
		chain: []string{}, soa: "postgres.database.azure.com", note: "only VNets linked to that zone resolve it"})
}

const publicClusters = publicHeader + `azure:
  vnets:
    - name: spoke
      addressSpace: [10.1.0.0/16]
      subnets:
        - {name: aks, addressPrefix: 10.1.0.0/22}
  privateDnsZones:
    - name: privatelink.westeurope.azmk8s.io
      links: [{vnet: spoke}]
  aksClusters:
    - name: aks-pub
      nodePools: [{name: system, subnet: spoke/aks, count: 1}]
    - name: aks-pub-ip
      dnsPrefix: Pub
      apiServer: {publicIp: 198.51.100.20}
      nodePools: [{name: system, subnet: spoke/aks, count: 1}]
    - name: aks-priv
      apiServer: {private: true, privateIp: 10.1.3.250}
      nodePools: [{name: system, subnet: spoke/aks, count: 1}]
    - name: aks-none
      apiServer: {private: true, privateDnsZone: none, privateIp: 10.1.3.251}
      nodePools: [{name: system, subnet: spoke/aks, count: 1}]
    - name: aks-nofqdn
      apiServer: {private: true, publicFqdn: false, privateIp: 10.1.3.252}
      nodePools: [{name: system, subnet: spoke/aks, count: 1}]
    - name: aks-custom
      apiServer: {private: true, privateDnsZone: privatelink.westeurope.azmk8s.io, fqdnSubdomain: apps, privateIp: 10.1.3.253}
      nodePools: [{name: system, subnet: spoke/aks, count: 1}]
    - name: aks-noip
      apiServer: {private: true}
      nodePools: [{name: system, subnet: spoke/aks, count: 1}]
`

func TestPublicAKS(t *testing.T) {
	topo := publicTopology(t, publicClusters)
	p, errs := NewPublic(topo)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	const hash = `-[0-9a-f]{8}`
	const guid = `[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}`
	for _, tc := range []struct {
		cluster          string
		private, public  string // patterns; "" for none
		addr, note, soa  string
		rcode            RCode
		privateNXWithSOA bool
	}{
		{"aks-pub", "", `aks-pub` + hash + `\.hcp\.westeurope\.azmk8s\.io`, "", "TEST-NET-3", "", NoError, false},
		{"aks-pub-ip", "", `pub` + hash + `\.hcp\.westeurope\.azmk8s\.io`, "198.51.100.20", "public IP", "", NoError, false},
		// A private cluster's public FQDN resolves to its private IP (§6).
		{"aks-priv", `aks-priv` + hash + `\.` + guid + `\.privatelink\.westeurope\.azmk8s\.io`, `aks-priv` + hash + `\.hcp\.westeurope\.azmk8s\.io`,
			"10.1.3.250", "private IP, not routable from the internet (azure-aws-dns.md §6)", "", NoError, true},
		{"aks-none", "", `aks-none` + hash + `\.hcp\.westeurope\.azmk8s\.io`, "10.1.3.251", "privateDnsZone none only the public FQDN exists", "", NoError, false},
		{"aks-nofqdn", `aks-nofqdn` + hash + `\.` + guid + `\.privatelink\.westeurope\.azmk8s\.io`, "", "", "", "", NoError, true},
		{"aks-custom", `apps` + hash + `\.privatelink\.westeurope\.azmk8s\.io`, `apps` + hash + `\.hcp\.westeurope\.azmk8s\.io`, "10.1.3.253", "", "", NoError, true},
		// No privateIp: the name exists, its address is unknown (NODATA).
		{"aks-noip", `aks-noip` + hash + `\.` + guid + `\.privatelink\.westeurope\.azmk8s\.io`, `aks-noip` + hash + `\.hcp\.westeurope\.azmk8s\.io`, "", "", "westeurope.azmk8s.io", NoError, true},
	} {
		c := model.Lookup[model.Cluster](topo, tc.cluster)
		private, public := APIServerNames(c)
		if p2, q2 := APIServerNames(c); p2 != private || q2 != public {
			t.Errorf("%s: APIServerNames is not deterministic", tc.cluster)
		}
		for _, x := range []struct{ got, want, what string }{{private, tc.private, "private"}, {public, tc.public, "public"}} {
			if x.want == "" && x.got != "" || x.want != "" && !regexp.MustCompile("^"+x.want+"$").MatchString(x.got) {
				t.Errorf("%s: %s FQDN %q, want %s", tc.cluster, x.what, x.got, x.want)
			}
		}
		if public != "" {
			r, _ := checkPublic(t, p, publicCase{q: public, rcode: tc.rcode, addr: tc.addr, note: tc.note, soa: tc.soa})
			if tc.addr == "" && tc.note == "" && len(r.Answer) != 0 {
				t.Errorf("%s: %v, want NODATA", tc.cluster, r.Answer)
			}
		}
		if private != "" {
			checkPublic(t, p, publicCase{q: private, rcode: NXDomain, chain: []string{}, soa: "westeurope.azmk8s.io"})
		}
	}
	if r := p.Lookup(Question{Name: "hcp.westeurope.azmk8s.io", Type: model.TypeA}); r.RCode != NoError || len(r.Answer) != 0 {
		t.Errorf("hcp.westeurope.azmk8s.io: %+v, want NODATA (an empty non-terminal)", r)
	}
	if !slices.ContainsFunc(p.Notes(), func(s Step) bool { return strings.Contains(s.Note, "aks-noip") }) {
		t.Errorf("no note for aks-noip's unknown address: %v", p.Notes())
	}
}

func TestPublicDeclaredZones(t *testing.T) {
	p := publicOf(t, publicHeader+`azure:
  resources:
    - {name: kv-x, type: Microsoft.KeyVault/vaults, publicIp: 198.51.100.30}
internet:
  zones:
    - name: fabrikam.com
      records:
        - {name: "@", type: MX, values: ["10 mail.fabrikam.com"]}
        - {name: mail, type: A, values: [198.51.100.25, 198.51.100.26]}
        - {name: vault, type: CNAME, ttl: 60, values: [kv-x.vault.azure.net]}
        - {name: loop1, type: CNAME, values: [loop2.fabrikam.com]}
        - {name: loop2, type: CNAME, values: [loop1.fabrikam.com.]}
        - {name: cdn, type: CNAME, values: [fabrikam.azureedge.net]}
        - {name: x.eu, type: A, values: [198.51.100.40]}
        - {name: a.b.c, type: TXT, values: [hello]}
    - name: eu.fabrikam.com
      records:
        - {name: www, type: A, values: [198.51.100.41]}
`)
	for _, tc := range []publicCase{
		{q: "fabrikam.com", typ: model.TypeMX, rcode: NoError, chain: []string{"fabrikam.com"}},
		{q: "mail.fabrikam.com", rcode: NoError, ttl: 3600, chain: []string{"mail.fabrikam.com"}},
		// Declared CNAMEs into Azure's names are followed.
		{q: "vault.fabrikam.com", rcode: NoError, addr: "198.51.100.30",
			chain: []string{"vault.fabrikam.com", "kv-x.vault.azure.net", "kv-x.westeurope.cloudapp.azure.com"}},
		{q: "loop1.fabrikam.com", rcode: ServFail, note: "loops"},
		// A chain that leaves the known zones ends unknown, after the chain.
		{q: "cdn.fabrikam.com", rcode: NXDomain, chain: []string{"cdn.fabrikam.com"}, soa: "-", note: PublicUnknown},
		// x.eu is below the declared zone eu.fabrikam.com: occluded.
		{q: "x.eu.fabrikam.com", rcode: NXDomain, chain: []string{}, soa: "eu.fabrikam.com"},
		{q: "www.eu.fabrikam.com", rcode: NoError, addr: "198.51.100.41"},
		{q: "b.c.fabrikam.com", rcode: NoError, chain: []string{}, soa: "fabrikam.com"},
		{q: "a.b.c.fabrikam.com", typ: model.TypeTXT, rcode: NoError, chain: []string{"a.b.c.fabrikam.com"}},
	} {
		checkPublic(t, p, tc)
	}
	if r := p.Lookup(Question{Name: "mail.fabrikam.com", Type: model.TypeA}); len(r.Answer) != 2 {
		t.Errorf("mail: %v, want both addresses", r.Answer)
	}
	if r := p.Lookup(Question{Name: "vault.fabrikam.com", Type: model.TypeA}); r.Answer[0].TTL != 60 {
		t.Errorf("vault.fabrikam.com TTL %d, want its declared 60", r.Answer[0].TTL)
	}
}

func TestPublicErrors(t *testing.T) {
	topo := publicTopology(t, publicHeader+`azure:
  resources:
    - {name: kv-x, type: Microsoft.KeyVault/vaults, publicIp: 198.51.100.30}
    - {name: aa-x, type: Microsoft.Automation/automationAccounts, publicIp: 198.51.100.31}
internet:
  zones:
    - name: kv-x.vault.azure.net
      records:
        - {name: "@", type: A, values: [198.51.100.99]}
    - name: fabrikam.com
`)
	p, errs := NewPublic(topo)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "overlaps vault.azure.net") || errs[0].Loc.Line == 0 {
		t.Errorf("errors %v, want one located error for the zone overlapping vault.azure.net", errs)
	}
	// Azure's name wins; the rest of the estate is there.
	checkPublic(t, p, publicCase{q: "kv-x.vault.azure.net", rcode: NoError, addr: "198.51.100.30"})
	checkPublic(t, p, publicCase{q: "fabrikam.com", typ: TypeNS, rcode: NoError, chain: []string{"fabrikam.com"}})
	// A forwarder needing {regionCode} is skipped with a note, not an error.
	if !slices.ContainsFunc(p.Notes(), func(s Step) bool {
		return strings.Contains(s.Note, "aa-x") && strings.Contains(s.Note, "needs {regionCode}")
	}) {
		t.Errorf("no note for aa-x's {regionCode} forwarder: %v", p.Notes())
	}
}

// Lookup allocates at most the reply's slice (and a negative answer's SOA).
func TestPublicLookupAllocs(t *testing.T) {
	_, p := publicContoso(t)
	for _, tc := range []struct {
		q   string
		max float64
	}{
		{"kv-contoso-prod.vault.azure.net", 1},
		{"www.contoso.com", 1},
		{"nope.contoso.com", 1},
		{"www.example.org", 0},
	} {
		q := Question{Name: tc.q, Type: model.TypeA}
		if n := testing.AllocsPerRun(100, func() { p.Lookup(q) }); n > tc.max {
			t.Errorf("Lookup(%s): %.0f allocations, want at most %.0f", q, n, tc.max)
		}
	}
}

func BenchmarkPublicLookup(b *testing.B) {
	_, p := publicContoso(b)
	qs := []Question{
		{Name: "kv-contoso-prod.vault.azure.net", Type: model.TypeA},
		{Name: "pg-contoso-prod.privatelink.postgres.database.azure.com", Type: model.TypeA},
		{Name: "acrcontosoprod.westeurope.data.azurecr.io", Type: model.TypeAAAA},
		{Name: "www.contoso.com", Type: model.TypeA},
		{Name: "nope.contoso.com", Type: model.TypeA},
		{Name: "www.example.org", Type: model.TypeA},
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p.Lookup(qs[i%len(qs)])
		i++
	}
}
