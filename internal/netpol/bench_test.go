package netpol_test

import (
	"sort"
	"testing"

	"github.com/aksnet/aksnet/internal/gen"
	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
	"github.com/aksnet/aksnet/internal/netpol"
)

// benchObjects loads the benchmark cluster: 1,000 pods in 50
// namespaces with 500 NetworkPolicies (gen.NetpolBench).
func benchObjects(b *testing.B) *model.KubeObjects {
	b.Helper()
	files := gen.NetpolBench()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	objs := &model.KubeObjects{}
	for _, n := range names {
		if errs := load.Manifests(n, files[n], objs); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
	return objs
}

// BenchmarkMap1000 is the full connectivity map of the benchmark cluster:
// every pair evaluated and every row with a connection visited.
func BenchmarkMap1000(b *testing.B) {
	objs := benchObjects(b)
	for _, e := range []netpol.Engine{netpol.Cilium, netpol.NPM} {
		b.Run(string(e), func(b *testing.B) {
			rows := 0
			for b.Loop() {
				a, errs := netpol.New(objs, netpol.Options{Engine: e})
				if len(errs) > 0 {
					b.Fatal(errs)
				}
				rows = 0
				a.Map().Each(func(s, d *netpol.Endpoint, id netpol.ConnID) bool {
					rows++
					return true
				})
			}
			b.ReportMetric(float64(rows), "rows")
		})
	}
}

// BenchmarkNew1000 builds the analyzer: policies compiled, pods grouped,
// rules resolved.
func BenchmarkNew1000(b *testing.B) {
	objs := benchObjects(b)
	for b.Loop() {
		if _, errs := netpol.New(objs, netpol.Options{}); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

// BenchmarkCheckPair is one explained answer on the built analyzer, the
// reachability engine's question; the goal is 5 ms.
func BenchmarkCheckPair(b *testing.B) {
	objs := benchObjects(b)
	a, errs := netpol.New(objs, netpol.Options{})
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	src, err := a.Lookup("ns-07/api-1")
	if err != nil {
		b.Fatal(err)
	}
	dst, err := a.Lookup("ns-07/db-2")
	if err != nil {
		b.Fatal(err)
	}
	q := netpol.Query{Src: a.WorkloadPeer(src), Dst: a.WorkloadPeer(dst), Proto: netpol.TCP, Port: 5432}
	if !a.Check(q).Allowed {
		b.Fatal("ns-07/api-1 → ns-07/db-2 TCP/5432 should be allowed")
	}
	for b.Loop() {
		a.Check(q)
	}
}

// BenchmarkCheckPairCold adds building the analyzer to the answer: a CLI
// asked one question about the loaded cluster.
func BenchmarkCheckPairCold(b *testing.B) {
	objs := benchObjects(b)
	for b.Loop() {
		a, _ := netpol.New(objs, netpol.Options{})
		src, _ := a.Lookup("ns-07/api-1")
		dst, _ := a.Lookup("ns-07/db-2")
		a.Check(netpol.Query{Src: a.WorkloadPeer(src), Dst: a.WorkloadPeer(dst), Proto: netpol.TCP, Port: 5432})
	}
}
