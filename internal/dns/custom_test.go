package dns

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/model"
)

func TestCustomDNS(t *testing.T) {
	topo := loadContoso(t)
	h := model.Lookup[model.Host](topo, "dc1/dns1")
	dns1 := newCustomDNS("dns1", h.IP, h.DNS)
	for _, tc := range []struct {
		name     string
		q        Question
		rcode    RCode
		addr     string
		forwards string // the one forward expected, "" for none
		decide   string
	}{
		{"own zone", Question{"intranet.corp.contoso.com", model.TypeA}, NoError, "172.20.1.10", "", "authoritative zone corp.contoso.com"},
		{"own zone lacks the name", Question{"nope.corp.contoso.com", model.TypeA}, NXDomain, "", "", "no such name"},
		{"conditional forwarder for the public PaaS zone (private-endpoint-dns-integration)", Question{"pg-contoso-prod.postgres.database.azure.com", model.TypeA}, NoError, "10.1.4.4",
			"172.20.0.53 10.0.2.4 pg-contoso-prod.postgres.database.azure.com", "conditional forwarder for postgres.database.azure.com"},
		{"anything else: recursion", Question{"www.contoso.com", model.TypeA}, NoError, "203.0.113.80", "", "recursion from the root"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeUpstream{
				public:  map[string][]RR{"www.contoso.com": {aRR("www.contoso.com", "203.0.113.80")}},
				forward: Reply{RCode: NoError, Answer: []RR{aRR(tc.q.Name, "10.1.4.4")}},
			}
			tr := &Trace{}
			r := dns1.Resolve(tc.q, f.upstream(), tr)
			if r.RCode != tc.rcode {
				t.Fatalf("rcode %v, want %v\n%s", r.RCode, tc.rcode, tr)
			}
			if tc.addr != "" && (len(r.Addrs()) != 1 || r.Addrs()[0] != netip.MustParseAddr(tc.addr)) {
				t.Errorf("answer %v, want %s", r.Answer, tc.addr)
			}
			if got := strings.Join(f.forwards, ";"); got != tc.forwards {
				t.Errorf("forwards %q, want %q", got, tc.forwards)
			}
			if !strings.Contains(tr.String(), tc.decide) {
				t.Errorf("trace lacks %q:\n%s", tc.decide, tr)
			}
		})
	}
	// A server with no forwarders and recursion off refuses other names.
	closed := newCustomDNS("closed", netip.MustParseAddr("172.20.0.54"), &model.DNSServer{})
	if r := closed.Resolve(Question{"www.contoso.com", model.TypeA}, (&fakeUpstream{}).upstream(), nil); r.RCode != Refused {
		t.Errorf("closed server: %v, want REFUSED", r.RCode)
	}
	// The most specific conditional forwarder wins.
	cfg := &model.DNSServer{ConditionalForwarders: []*model.Forwarder{
		{Domain: "contoso.com", Targets: []model.AddrPort{{AddrPort: netip.MustParseAddrPort("10.9.0.1:53")}}},
		{Domain: "eu.contoso.com", Targets: []model.AddrPort{{AddrPort: netip.MustParseAddrPort("10.9.0.2:53")}}},
	}}
	f := &fakeUpstream{forward: Reply{RCode: NXDomain}}
	newCustomDNS("s", netip.MustParseAddr("10.9.0.9"), cfg).Resolve(Question{"app.eu.contoso.com", model.TypeA}, f.upstream(), nil)
	if len(f.forwards) != 1 || !strings.Contains(f.forwards[0], "10.9.0.2") {
		t.Errorf("forwards %q, want the eu.contoso.com forwarder", f.forwards)
	}
}
