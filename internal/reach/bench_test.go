package reach_test

import (
	"testing"

	"github.com/aksnet/aksnet/internal/dns"
	"github.com/aksnet/aksnet/internal/gen"
	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
	"github.com/aksnet/aksnet/internal/reach"
)

// BenchmarkReachEstate1000 times one reach query on the benchmark estate
// (1,000 spokes, 100 clusters, 10,000 private endpoints): a pod of the
// first cluster to a private endpoint's name in the last spoke, through
// DNS, routes, peering and both ends' policies. The engine is built once,
// as a command does before its query; docs/performance.md has the figure.
func BenchmarkReachEstate1000(b *testing.B) {
	m, err := gen.Generate(gen.Estate1000)
	if err != nil {
		b.Fatal(err)
	}
	top, errs := load.Bytes(gen.Files(m), gen.TopologyFile, m[gen.TopologyFile])
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	e := engine(b, top)
	c := top.Azure.Clusters[0]
	w := c.Objects.Workloads[0]
	from := "pod:" + c.Name + "/" + w.Namespace + "/" + w.Name
	pe := top.Azure.PrivateEndpoints[len(top.Azure.PrivateEndpoints)-1]
	// The last endpoint whose name the pod resolves to it (the generator
	// gives some resources names the pods' DNS path does not see).
	d := dnsEngine(b, top)
	pv, _ := model.ParseVantage("pod:" + c.Name + "/" + w.Namespace + "/" + w.Name)
	for i := len(top.Azure.PrivateEndpoints) - 1; i >= 0; i-- {
		p := top.Azure.PrivateEndpoints[i]
		if res, err := d.Lookup(pv, dns.EndpointName(p), dns.FamilyV4, nil); err == nil && len(res.Addrs) > 0 && res.Addrs[0] == p.IP {
			pe = p
			break
		}
	}
	for _, c := range []struct{ name, to string }{
		{"address", pe.IP.String() + ":443"},
		// By name: the DNS engine's resolution from the pod comes first.
		{"name", dns.EndpointName(pe) + ":443"},
	} {
		b.Run(c.name, func(b *testing.B) {
			v, _ := model.ParseVantage(from)
			tg, err := reach.ParseTarget(c.to)
			if err != nil {
				b.Fatal(err)
			}
			a, err := e.Reach(v, tg)
			if err != nil {
				b.Fatal(err)
			}
			if !a.Reachable {
				b.Fatalf("%s → %s: blocked\n%s", from, c.to, dump(a))
			}
			b.Logf("%s → %s: %d hops", from, c.to, len(a.Hops))
			for b.Loop() {
				if _, err := e.Reach(v, tg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
