package dns

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/model"
)

// End to end through the engine, on the Contoso estate: the seeds'
// walkthroughs from every vantage that does not need CoreDNS.
func TestEngineContoso(t *testing.T) {
	topo := loadContoso(t)
	for _, tc := range []struct {
		name, from, qname string
		down              []string // connections
		want              string   // address, or an EAI error
		decide            string   // a line the trace must hold
		source            string
	}{
		{"the hub jump box sees PostgreSQL privately", "vm:jumpbox", "pg-contoso-prod.postgres.database.azure.com", nil, "10.1.4.4",
			"zone privatelink.postgres.database.azure.com, linked to vnet hub", "seed 000"},
		{"the hub does not see the Key Vault zone: public address (Contoso's mistake)", "vm:jumpbox", "kv-contoso-prod.vault.azure.net", nil, "203.0.113.11",
			"no linked zone or rule matches: public DNS", "seed 000, examples/contoso/README.md"},
		{"nodes ask the hub resolver, so they get the vault's public address too", "node:aks-prod", "kv-contoso-prod.vault.azure.net", nil, "203.0.113.11",
			"inbound endpoint dnspr-hub/inbound", "azure-aws-dns.md §2"},
		{"bunny → relay: the ruleset forwards across the VPN to Route 53", "node:aks-prod", "relay.private.aws.internal", nil, "10.50.0.100",
			"private hosted zone private.aws.internal", "seed 002"},
		{"with the tunnel down, relay does not resolve", "node:aks-prod", "relay.private.aws.internal", []string{"hub-to-aws"}, "EAI_AGAIN",
			"no path from vnet hub to vpc relay-vpc", "seed 002"},
		{"on-prem: dns1 forwards the public zone to the hub resolver", "host:dc1/ws1", "pg-contoso-prod.postgres.database.azure.com", nil, "10.1.4.4",
			"conditional forwarder for postgres.database.azure.com", "private-endpoint-dns-integration"},
		{"AWS: the Resolver rule forwards to the hub resolver", "vm:relay-1", "pg-contoso-prod.postgres.database.azure.com", nil, "10.1.4.4",
			"Resolver rule azure-postgres", "azure-aws-dns.md §7"},
		{"the internet sees the public chain", "internet", "pg-contoso-prod.postgres.database.azure.com", nil, "203.0.113.10",
			"", "azure-aws-dns.md §4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, errs := New(topo, nil, tc.down)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			v, err := model.ParseVantage(tc.from)
			if err != nil {
				t.Fatal(err)
			}
			tr := &Trace{}
			res, err := e.Lookup(v, tc.qname, FamilyV4, tr)
			if err != nil {
				t.Fatal(err)
			}
			got := string(res.Err)
			if len(res.Addrs) > 0 {
				got = res.Addrs[0].String()
			}
			if got != tc.want {
				t.Fatalf("got %s, want %s\n%s", got, tc.want, tr)
			}
			if !strings.Contains(tr.String(), tc.decide) {
				t.Errorf("trace lacks %q:\n%s", tc.decide, tr)
			}
		})
	}
}

// A ruleset that forwards to its own VNet's inbound endpoint loops; the
// engine bounds it (azure-aws-dns.md §2, loop hazard).
func TestEngineForwardingLoop(t *testing.T) {
	topo := loadContoso(t)
	rs := topo.Azure.ForwardingRulesets[0]
	rs.Rules[0].Targets = []model.AddrPort{{AddrPort: netip.MustParseAddrPort("10.0.2.4:53")}}
	e, errs := New(topo, nil, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	tr := &Trace{}
	res, err := e.Lookup(model.Vantage{Kind: model.VantageVM, Name: "jumpbox"}, "relay.private.aws.internal", FamilyV4, tr)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Addrs) != 0 || !strings.Contains(tr.String(), "forwarding loop") {
		t.Fatalf("got %v %v\n%s", res.Addrs, res.Err, tr)
	}
}

// The memo starts over past its limit instead of growing without end, and
// answers stay right across the reset.
func TestMemoBounded(t *testing.T) {
	topo := loadContoso(t)
	e, _ := New(topo, nil, nil)
	v, _ := model.ParseVantage("vm:jumpbox")
	const name = "pg-contoso-prod.postgres.database.azure.com"
	want, _ := e.Lookup(v, name, FamilyV4, nil)
	if len(want.Addrs) == 0 {
		t.Fatalf("%s does not resolve from %s: the test would prove nothing", name, v)
	}
	e.memo.m.Clear()
	e.memo.n.Store(memoLimit) // as if two million answers had been kept
	got, _ := e.Lookup(v, name, FamilyV4, nil)
	if n := e.memo.n.Load(); n >= memoLimit || n == 0 {
		t.Fatalf("memo size %d after passing the limit: not started over", n)
	}
	if !slices.Equal(got.Addrs, want.Addrs) {
		t.Fatalf("after the reset %v, before %v", got.Addrs, want.Addrs)
	}
}
