package dns

import (
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/model"
)

// Pods resolve through CoreDNS (the AKS default Corefile): cluster names
// from the kubernetes plugin, the rest forwarded to the node's DNS servers.
func TestPodsThroughCoreDNS(t *testing.T) {
	topo := loadContoso(t)
	for _, tc := range []struct {
		name, from, qname string
		family            Family
		want              string // first address, or the EAI error
		queries           int    // queries the pod put on the wire; 0 = don't check
		decide            string
		source            string
	}{
		{"a service in the pod's own namespace, by its short name", "pod:aks-prod/backend/api", "api", FamilyV4, "", 1,
			"kubernetes: service backend/api has ClusterIP", "kubernetes-dns.md §1.2, §2.1"},
		{"another namespace's service", "pod:aks-prod/frontend/web", "api.backend", FamilyV4, "", 2,
			"kubernetes: service backend/api has ClusterIP", "kubernetes-dns.md §2.1 search list"},
		{"the API server's service: 4 dots < ndots 5, so the search list comes first", "pod:aks-prod/bunny/bunny", "kubernetes.default.svc.cluster.local", FamilyV4, "10.100.0.1", 5,
			"service default/kubernetes", "aks-constraints.md §1.3"},
		{"bunny → relay: the ndots:5 walk, then CoreDNS forwards to the hub resolver and across the VPN", "pod:aks-prod/bunny/bunny", "relay.private.aws.internal", FamilyUnspec, "10.50.0.100", 10,
			"private hosted zone private.aws.internal", "seed 002; kubernetes-dns.md §2.5"},
		{"the vault from a pod: public address (Contoso's mistake)", "pod:aks-prod/backend/api", "kv-contoso-prod.vault.azure.net", FamilyV4, "203.0.113.11", 5,
			"forward . → 10.0.2.4", "seed 000"},
		{"ndots:2 in dnsConfig: the name is tried as is first", "pod:aks-prod/bunny/dns-debug", "pg-contoso-prod.postgres.database.azure.com", FamilyV4, "10.1.4.4", 1,
			"zone privatelink.postgres.database.azure.com, linked to vnet hub", "kubernetes-dns.md §2.5"},
		{"AKS's guard answers NXDOMAIN for search-list junk under reddog.microsoft.com", "pod:aks-prod/bunny/bunny", "nope.example", FamilyV4, "EAI_NONAME", 0,
			"template", "kubernetes-dns.md §3.1, Azure/AKS#4601"},
		{"a missing service is NXDOMAIN from the kubernetes plugin", "pod:aks-prod/backend/api", "nosuch.backend.svc.cluster.local", FamilyV4, "EAI_NONAME", 0,
			"no service nosuch in namespace backend", "kubernetes-dns.md §1.6"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, errs := New(topo, nil, nil)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			v, err := model.ParseVantage(tc.from)
			if err != nil {
				t.Fatal(err)
			}
			tr := &Trace{}
			res, err := e.Lookup(v, tc.qname, tc.family, tr)
			if err != nil {
				t.Fatal(err)
			}
			got := string(res.Err)
			if len(res.Addrs) > 0 {
				got = res.Addrs[0].String()
			}
			if tc.want != "" && got != tc.want {
				t.Fatalf("got %s, want %s\n%s", got, tc.want, tr)
			}
			if tc.want == "" && len(res.Addrs) == 0 {
				t.Fatalf("no address: %s\n%s", res.Err, tr)
			}
			if tc.queries > 0 && len(res.Queries) != tc.queries {
				t.Errorf("%d queries on the wire, want %d", len(res.Queries), tc.queries)
			}
			if !strings.Contains(tr.String(), tc.decide) {
				t.Errorf("trace lacks %q:\n%s", tc.decide, tr)
			}
		})
	}
}

// A service whose manifest sets no clusterIP gets a free address of the
// service CIDR, the same every time, and the trace says it was chosen.
func TestCoreDNSAssignsClusterIPs(t *testing.T) {
	topo := loadContoso(t)
	e, _ := New(topo, nil, nil)
	d := e.coredns[topo.Azure.Clusters[0]]
	api := d.k8s.services["api.backend"]
	web := d.k8s.services["web.frontend"]
	if api == nil || web == nil || !api.synthetic || api.ip == web.ip || !topo.Azure.Clusters[0].EffectiveServiceCIDR().Contains(api.ip) {
		t.Fatalf("api %+v web %+v", api, web)
	}
	if api.ip == topo.Azure.Clusters[0].EffectiveDNSServiceIP() || api.ip.String() == "10.100.0.1" {
		t.Errorf("assigned a reserved address: %s", api.ip)
	}
}
