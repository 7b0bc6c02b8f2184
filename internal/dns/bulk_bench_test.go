package dns

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/aksnet/aksnet/internal/gen"
	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

// estateMatrix loads the benchmark estate and lists its matrix: one
// pod vantage per cluster (the first workload), every private endpoint name.
func estateMatrix(b *testing.B) (*Engine, []model.Vantage, []string) { return estateMatrixT(b) }

func estateMatrixT(b testing.TB) (*Engine, []model.Vantage, []string) {
	files, err := gen.Generate(gen.Estate1000)
	if err != nil {
		b.Fatal(err)
	}
	t, errs := load.Topology(gen.Files(files), "topology.yaml")
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	e, errs := New(t, nil, nil)
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	var vs []model.Vantage
	for _, c := range t.Azure.Clusters {
		w := c.Objects.Workloads[0]
		vs = append(vs, model.Vantage{Kind: model.VantagePod, Cluster: c.Name, Namespace: w.Namespace, Pod: w.Name})
	}
	var names []string
	for _, pe := range t.Azure.PrivateEndpoints {
		names = append(names, endpointNames(pe)[0])
	}
	return e, vs, names
}

// BenchmarkBulkMatrix is issue 3's bulk goal: every (cluster pod vantage ×
// private endpoint name) pair of the 1,000-spoke estate, on all cores.
func BenchmarkBulkMatrix(b *testing.B) {
	e, all, names := estateMatrix(b)
	for _, n := range []int{10, 100} {
		vs := all[:n]
		b.Run(fmt.Sprintf("clusters=%d", n), func(b *testing.B) {
			for b.Loop() {
				var answered atomic.Int64
				err := e.Bulk(vs, names, FamilyV4, func(_, _ int, res StubResult) {
					if len(res.Addrs) > 0 {
						answered.Add(1)
					}
				})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(answered.Load()), "answered")
			}
			b.ReportMetric(float64(len(vs)*len(names)), "pairs")
		})
	}
}

// BenchmarkBulkPair is one (pod vantage × endpoint name) pair of the matrix
// per op, cycling through 10 clusters' pairs, on one goroutine, after one
// cluster has resolved every name (so the hub's answers are memoised, as
// they are for 99 of the matrix's 100 clusters).
func BenchmarkBulkPair(b *testing.B) {
	e, vs, names := estateMatrix(b)
	vs = vs[:10]
	for _, name := range names {
		e.Lookup(vs[0], name, FamilyV4, nil)
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		v, name := vs[i/len(names)%len(vs)], names[i%len(names)]
		i++
		if res, _ := e.Lookup(v, name, FamilyV4, nil); len(res.Addrs) == 0 && res.Err == "" {
			b.Fatal("no answer and no error")
		}
	}
}
