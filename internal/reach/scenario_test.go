package reach_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/examples"
	"github.com/aksnet/aksnet/internal/dns"
	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

func contoso(t testing.TB) *model.Topology {
	t.Helper()
	top, errs := load.Topology(load.FSFiles{FS: examples.FS}, examples.Default)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return top
}

// TestSeed003Scenarios: scenarios 2 and 3 of seed 003 on the Contoso
// estate (scenario 1 needs extra manifests: cmd/aksnet's reach.txtar).
func TestSeed003Scenarios(t *testing.T) {
	e := engine(t, contoso(t))
	for _, c := range []struct {
		from, to string
		ok       bool
		decides  string
	}{
		// 3: deny-all-ingress in backend isolates api; allow-frontend
		// admits frontend only.
		{"pod:aks-prod/bunny/bunny", "api.backend:8080", false, "policy: ingress of backend/api[Deployment] denies"},
		{"pod:aks-prod/frontend/web", "api.backend:8080", true, ""},
		// allow-frontend opens 8080 only.
		{"pod:aks-prod/frontend/web", "10.100.0.2:8080/udp", false, "Service backend/api has no port 8080/udp"},
		// 2: a name that does not resolve stops at DNS.
		{"pod:aks-prod/frontend/web", "api.nosuch:8080", false, "dns: api.nosuch does not resolve"},
		// The leak: Key Vault's public address, refused.
		{"pod:aks-prod/backend/api", "kv-contoso-prod.vault.azure.net:443", false, "public network access is disabled"},
		// Overlay pod addresses are not routed outside the cluster.
		{"vm:jumpbox", "192.168.0.10:8080", false, "not routable outside the cluster"},
	} {
		a := ask(t, e, c.from, c.to)
		got := blocker(a)
		if a.Reachable != c.ok || c.decides != "" && !strings.Contains(got, c.decides) {
			t.Errorf("%s → %s: reachable %v (want %v), decided by %q (want %q)\n%s", c.from, c.to, a.Reachable, c.ok, got, c.decides, dump(a))
		}
	}
}

// TestClusterIPsAgreeWithDNS: reach maps a ClusterIP literal to the same
// Service the DNS engine gives that address to (both assign addresses to
// Services whose manifests set none).
func TestClusterIPsAgreeWithDNS(t *testing.T) {
	top := contoso(t)
	e := engine(t, top)
	d := dnsEngine(t, top)
	c := top.Azure.Clusters[0]
	v, _ := model.ParseVantage("pod:aks-prod/frontend/web")
	n := 0
	for _, s := range c.Objects.Services {
		if len(s.Spec.Ports) == 0 {
			continue
		}
		res, err := d.Lookup(v, s.Name+"."+s.Namespace, dns.FamilyV4, nil)
		if err != nil || len(res.Addrs) == 0 {
			t.Fatalf("%s/%s: %v %v", s.Namespace, s.Name, err, res.Err)
		}
		a := ask(t, e, "pod:aks-prod/frontend/web", res.Addrs[0].String()+":"+strconv.Itoa(int(s.Spec.Ports[0].Port)))
		want := "ClusterIP of Service " + s.Namespace + "/" + s.Name
		if !strings.Contains(dump(a), want) {
			t.Errorf("%s: want %q\n%s", res.Addrs[0], want, dump(a))
		}
		n++
	}
	if n < 2 {
		t.Fatalf("only %d services checked", n)
	}
}
