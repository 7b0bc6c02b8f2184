package ipam

import (
	"testing"

	"github.com/aksnet/aksnet/internal/gen"
	"github.com/aksnet/aksnet/internal/load"
)

// BenchmarkPlanEstate1000 plans every cluster of the 1,000-spoke estate
// with --fit, as `aksnet plan -f … --fit` does after loading: index the
// topology, then read, plan and fit each of the 100 clusters. The goal of
// issue 5 is ≤ 200 ms. The load itself is measured in internal/gen
// (docs/performance.md).
func BenchmarkPlanEstate1000(b *testing.B) {
	m, err := gen.Generate(gen.Estate1000)
	if err != nil {
		b.Fatal(err)
	}
	top, errs := load.Bytes(gen.Files(m), gen.TopologyFile, m[gen.TopologyFile])
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	if n := len(top.Azure.Clusters); n != 100 {
		b.Fatalf("%d clusters, want 100", n)
	}
	run := func(b *testing.B, fit bool) {
		for b.Loop() {
			pl := New(top)
			for _, c := range top.Azure.Clusters {
				in, err := pl.Input(c)
				if err != nil {
					b.Fatal(err)
				}
				p, err := pl.Plan(in, Options{Fit: fit})
				if err != nil {
					b.Fatal(err)
				}
				if fit && !p.Ranges[0].Fit.IsValid() {
					b.Fatalf("%s: no fit: %s", c.Name, p.Ranges[0].FitError)
				}
			}
		}
	}
	b.Run("fit", func(b *testing.B) { run(b, true) })
	b.Run("nofit", func(b *testing.B) { run(b, false) })
}
