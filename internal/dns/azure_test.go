package dns

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

func loadContoso(t *testing.T) *model.Topology {
	t.Helper()
	topo, errs := load.Topology(load.OSFiles{}, "../../examples/contoso/topology.yaml")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return topo
}

// fakeUpstream answers public names from a table (the chain as a public
// recursive resolver returns it) and records forwards.
type fakeUpstream struct {
	public   map[string][]RR
	forwards []string
	forward  Reply
}

func (f *fakeUpstream) upstream() *Upstream {
	return &Upstream{
		Public: func(q Question, tr *Trace) Reply {
			if rrs, ok := f.public[q.Name]; ok {
				return Reply{RCode: NoError, Answer: rrs}
			}
			return Reply{RCode: NXDomain}
		},
		Forward: func(from netip.Addr, targets []model.AddrPort, q Question, tr *Trace) Reply {
			f.forwards = append(f.forwards, from.String()+" "+targetsString(targets)+" "+q.Name)
			return f.forward
		},
	}
}

func cnameRR(name, target string) RR {
	return RR{Name: name, Type: model.TypeCNAME, TTL: 300, Data: model.RData{Target: target}}
}

func aRR(name, ip string) RR {
	return RR{Name: name, Type: model.TypeA, TTL: 300, Data: model.RData{Addr: netip.MustParseAddr(ip)}}
}

// The public chain of a Key Vault with a private endpoint
// (azure-aws-dns.md §4): name → privatelink name → public endpoint → IP.
func kvPublic() map[string][]RR {
	return map[string][]RR{
		"kv-contoso-prod.vault.azure.net": {
			cnameRR("kv-contoso-prod.vault.azure.net", "kv-contoso-prod.privatelink.vaultcore.azure.net"),
			cnameRR("kv-contoso-prod.privatelink.vaultcore.azure.net", "data.westeurope.vault.azure.net"),
			aRR("data.westeurope.vault.azure.net", "203.0.113.11"),
		},
		"kv-contoso-prod.privatelink.vaultcore.azure.net": {
			cnameRR("kv-contoso-prod.privatelink.vaultcore.azure.net", "data.westeurope.vault.azure.net"),
			aRR("data.westeurope.vault.azure.net", "203.0.113.11"),
		},
		"data.westeurope.vault.azure.net": {aRR("data.westeurope.vault.azure.net", "203.0.113.11")},
	}
}

func TestAzureDNS(t *testing.T) {
	topo := loadContoso(t)
	pz := buildPrivateZones(topo)
	hub := newAzureDNS(topo, model.Lookup[model.VNet](topo, "hub"), pz)
	spoke := newAzureDNS(topo, model.Lookup[model.VNet](topo, "spoke-aks"), pz)

	for _, tc := range []struct {
		name   string
		view   *AzureDNS
		q      Question
		rcode  RCode
		addrs  []string
		chain  int    // CNAMEs in the answer
		decide string // in the trace
		source string // the reference the case encodes
	}{
		{"vault from the spoke: the linked privatelink zone overrides the public chain", spoke,
			Question{"kv-contoso-prod.vault.azure.net", model.TypeA}, NoError, []string{"10.1.4.5"}, 1,
			"zone privatelink.vaultcore.azure.net, linked to vnet spoke-aks", "azure-aws-dns.md §4"},
		{"vault from the hub: zone not linked, the public address leaks (Contoso's mistake)", hub,
			Question{"kv-contoso-prod.vault.azure.net", model.TypeA}, NoError, []string{"203.0.113.11"}, 2,
			"no linked zone or rule matches: public DNS", "azure-aws-dns.md §1.1, seed 000"},
		{"the privatelink name itself from the spoke", spoke,
			Question{"kv-contoso-prod.privatelink.vaultcore.azure.net", model.TypeA}, NoError, []string{"10.1.4.5"}, 0,
			"zone privatelink.vaultcore.azure.net", "zone group records"},
		{"PostgreSQL private endpoint from the hub: zone group record", hub,
			Question{"pg-contoso-prod.privatelink.postgres.database.azure.com", model.TypeA}, NoError, []string{"10.1.4.4"}, 0,
			"zone privatelink.postgres.database.azure.com, linked to vnet hub", "private-endpoint-dns-integration"},
		{"ACR data endpoint: member record in privatelink.azurecr.io", hub,
			Question{"acrcontosoprod.westeurope.data.privatelink.azurecr.io", model.TypeA}, NoError, []string{"10.1.4.8"}, 0,
			"zone privatelink.azurecr.io", "private-endpoint-dns.md footnote 1"},
		{"a name missing from a linked zone is NXDOMAIN, not public", hub,
			Question{"other.privatelink.blob.core.windows.net", model.TypeA}, NXDomain, nil, 0,
			"a linked zone is authoritative", "azure-aws-dns.md §1.2"},
		{"a name with records of another type is NODATA", hub,
			Question{"stcontosoprod.privatelink.blob.core.windows.net", model.TypeAAAA}, NoError, nil, 0,
			"NODATA", "RFC 2308"},
		{"AWS names go to the ruleset linked to the hub", hub,
			Question{"relay.private.aws.internal", model.TypeA}, NoError, []string{"10.50.0.100"}, 0,
			"forwarding rule aws-private of ruleset rs-hub", "azure-aws-dns.md §2"},
		{"no ruleset is linked to the spoke: AWS names go public", spoke,
			Question{"relay.private.aws.internal", model.TypeA}, NXDomain, nil, 0,
			"public DNS", "azure-aws-dns.md §2 (ruleset links)"},
		{"a VM's Azure-provided name in its VNet", hub,
			Question{"jumpbox." + model.InternalCloudappSuffix(model.Lookup[model.VNet](topo, "hub")), model.TypeA}, NoError, []string{"10.0.3.4"}, 0,
			"Azure-provided name of a VM", "azure-aws-dns.md §1.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeUpstream{public: kvPublic(), forward: Reply{RCode: NoError, Answer: []RR{aRR("relay.private.aws.internal", "10.50.0.100")}}}
			tr := &Trace{}
			r := tc.view.Resolve(tc.q, f.upstream(), tr)
			if r.RCode != tc.rcode {
				t.Fatalf("rcode %v, want %v\n%s", r.RCode, tc.rcode, tr)
			}
			var got []string
			for _, a := range r.Addrs() {
				got = append(got, a.String())
			}
			if strings.Join(got, ",") != strings.Join(tc.addrs, ",") {
				t.Errorf("addrs %v, want %v\n%s", got, tc.addrs, tr)
			}
			n := 0
			for _, rr := range r.Answer {
				if rr.Type == model.TypeCNAME {
					n++
				}
			}
			if n != tc.chain {
				t.Errorf("%d CNAMEs, want %d: %v", n, tc.chain, r.Answer)
			}
			if tc.q.Name == "relay.private.aws.internal" && tc.rcode == NoError &&
				(len(f.forwards) != 1 || f.forwards[0] != "10.0.2.20 10.50.0.10, 10.50.1.10 relay.private.aws.internal") {
				t.Errorf("forwards = %q, want one from the outbound endpoint's subnet (10.0.2.16/28) to both targets", f.forwards)
			}
			if !strings.Contains(tr.String(), tc.decide) {
				t.Errorf("trace lacks %q:\n%s", tc.decide, tr)
			}
			if (r.RCode == NXDomain || r.NoData()) && tc.decide != "public DNS" && r.SOA == nil {
				t.Errorf("negative answer from a zone without SOA")
			}
		})
	}
}

// resolutionPolicy NxDomainRedirect: a privatelink zone lacking the name
// falls back to public DNS (azure-aws-dns.md §1.3).
func TestAzureDNSNxDomainRedirect(t *testing.T) {
	topo := loadContoso(t)
	for _, z := range topo.Azure.PrivateDNSZones {
		if z.Name == "privatelink.vaultcore.azure.net" {
			z.Links[0].ResolutionPolicy = model.ResolutionNxDomainRedirect
		}
	}
	spoke := newAzureDNS(topo, model.Lookup[model.VNet](topo, "spoke-aks"), buildPrivateZones(topo))
	pub := kvPublic()
	pub["other.vault.azure.net"] = []RR{cnameRR("other.vault.azure.net", "other.privatelink.vaultcore.azure.net"), cnameRR("other.privatelink.vaultcore.azure.net", "data2.westeurope.vault.azure.net"), aRR("data2.westeurope.vault.azure.net", "203.0.113.99")}
	pub["other.privatelink.vaultcore.azure.net"] = pub["other.vault.azure.net"][1:]
	pub["data2.westeurope.vault.azure.net"] = pub["other.vault.azure.net"][2:]
	f := &fakeUpstream{public: pub}
	tr := &Trace{}
	r := spoke.Resolve(Question{"other.vault.azure.net", model.TypeA}, f.upstream(), tr)
	if r.RCode != NoError || len(r.Addrs()) != 1 || r.Addrs()[0].String() != "203.0.113.99" {
		t.Fatalf("got %v %v\n%s", r.RCode, r.Answer, tr)
	}
	if !strings.Contains(tr.String(), "NxDomainRedirect") {
		t.Errorf("trace does not name the fallback:\n%s", tr)
	}
	// TXT is not covered by the fallback.
	r = spoke.Resolve(Question{"other.privatelink.vaultcore.azure.net", model.TypeTXT}, f.upstream(), nil)
	if r.RCode != NXDomain {
		t.Errorf("TXT: %v, want NXDOMAIN", r.RCode)
	}
}

// A CNAME loop inside private zones ends in SERVFAIL, bounded.
func TestAzureDNSCNAMELoop(t *testing.T) {
	src := `apiVersion: aksnet.dev/v1alpha1
kind: Topology
metadata: {name: loop}
azure:
  vnets: [{name: v, addressSpace: [10.0.0.0/16]}]
  privateDnsZones:
    - name: corp.internal
      links: [{vnet: v}]
      records:
        - {name: a, type: CNAME, values: [b.corp.internal]}
        - {name: b, type: CNAME, values: [a.corp.internal]}
`
	topo, errs := load.Bytes(load.OSFiles{}, "loop.yaml", []byte(src))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	v := newAzureDNS(topo, topo.Azure.VNets[0], buildPrivateZones(topo))
	tr := &Trace{}
	r := v.Resolve(Question{"a.corp.internal", model.TypeA}, (&fakeUpstream{}).upstream(), tr)
	if r.RCode != ServFail || !strings.Contains(tr.String(), "CNAME loop") {
		t.Fatalf("got %v\n%s", r.RCode, tr)
	}
}

func loadContosoB() (*model.Topology, model.ErrorList) {
	return load.Topology(load.OSFiles{}, "../../examples/contoso/topology.yaml")
}
