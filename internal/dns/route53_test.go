package dns

import (
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

func TestRoute53Resolver(t *testing.T) {
	topo := loadContoso(t)
	res := newRoute53Resolver(topo, model.Lookup[model.VPC](topo, "relay-vpc"))
	for _, tc := range []struct {
		name, qname string
		rcode       RCode
		forwards    string
		decide      string
		source      string
	}{
		{"the relay record in the associated private hosted zone", "relay.private.aws.internal", NoError, "",
			"private hosted zone private.aws.internal, associated with vpc relay-vpc", "seed 002"},
		{"a name the hosted zone lacks: NXDOMAIN, no public fallback", "nope.private.aws.internal", NXDomain, "",
			"no public fallback", "azure-aws-dns.md §7"},
		{"Azure's PostgreSQL names follow the FORWARD rule to the hub resolver", "pg-contoso-prod.postgres.database.azure.com", NoError,
			"10.50.0.11 10.0.2.4 pg-contoso-prod.postgres.database.azure.com", "Resolver rule azure-postgres (FORWARD", "azure-aws-dns.md §7"},
		{"anything else: public DNS", "www.contoso.com", NoError, "", "public DNS", "azure-aws-dns.md §7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeUpstream{
				public:  map[string][]RR{"www.contoso.com": {aRR("www.contoso.com", "203.0.113.80")}},
				forward: Reply{RCode: NoError, Answer: []RR{aRR(tc.qname, "10.1.4.4")}},
			}
			tr := &Trace{}
			r := res.Resolve(Question{tc.qname, model.TypeA}, f.upstream(), tr)
			if r.RCode != tc.rcode {
				t.Fatalf("rcode %v, want %v\n%s", r.RCode, tc.rcode, tr)
			}
			if got := strings.Join(f.forwards, ";"); got != tc.forwards {
				t.Errorf("forwards %q, want %q", got, tc.forwards)
			}
			if !strings.Contains(tr.String(), tc.decide) {
				t.Errorf("trace lacks %q:\n%s", tc.decide, tr)
			}
		})
	}
}

// A FORWARD rule beats a private hosted zone of the same name (the opposite
// of Azure, where the linked zone wins); a more specific hosted zone beats a
// broader rule (its autodefined SYSTEM rule is more specific).
// R53 hosted-zone-private-considerations.md; azure-aws-dns.md §7, §9.2.
func TestRoute53RulePrecedence(t *testing.T) {
	src := `apiVersion: aksnet.dev/v1alpha1
kind: Topology
metadata: {name: r53}
aws:
  vpcs:
    - name: v
      cidrBlocks: [10.0.0.0/16]
      enableDnsHostnames: true
      subnets: [{name: a, cidrBlock: 10.0.0.0/24}]
  privateHostedZones:
    - name: corp.example
      vpcs: [v]
      records: [{name: app, type: A, values: [10.0.0.10]}]
    - name: dev.aws.example
      vpcs: [v]
      records: [{name: app, type: A, values: [10.0.0.11]}]
  resolverEndpoints:
    - name: out
      direction: OUTBOUND
      ipAddresses: [{subnet: v/a, ip: 10.0.0.20}]
  resolverRules:
    - {name: same-name, ruleType: FORWARD, domainName: corp.example, targetIps: [192.0.2.53], resolverEndpoint: out, vpcs: [v]}
    - {name: broader, ruleType: FORWARD, domainName: aws.example, targetIps: [192.0.2.54], resolverEndpoint: out, vpcs: [v]}
`
	topo, errs := load.Bytes(load.OSFiles{}, "r53.yaml", []byte(src))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	res := newRoute53Resolver(topo, topo.AWS.VPCs[0])
	f := &fakeUpstream{forward: Reply{RCode: NoError, Answer: []RR{aRR("app.corp.example", "192.0.2.10")}}}
	r := res.Resolve(Question{"app.corp.example", model.TypeA}, f.upstream(), nil)
	if len(f.forwards) != 1 || r.Addrs()[0].String() != "192.0.2.10" {
		t.Errorf("same name: forwards %q, answer %v; want the FORWARD rule to win", f.forwards, r.Answer)
	}
	f = &fakeUpstream{}
	r = res.Resolve(Question{"app.dev.aws.example", model.TypeA}, f.upstream(), nil)
	if len(f.forwards) != 0 || len(r.Addrs()) != 1 || r.Addrs()[0].String() != "10.0.0.11" {
		t.Errorf("more specific zone: forwards %q, answer %v; want the hosted zone", f.forwards, r.Answer)
	}
}
