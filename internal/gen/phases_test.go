package gen

import (
	"testing"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

// BenchmarkLoadPhases splits the load of the 1,000-spoke estate into its
// phases, so docs/performance.md can say where the time goes. Decode
// includes the YAML parse; Manifests decodes every cluster's manifests on
// one goroutine (load.Bytes runs them in parallel, overlapped with Link and
// Validate).
func BenchmarkLoadPhases(b *testing.B) {
	m, err := Generate(Estate1000)
	if err != nil {
		b.Fatal(err)
	}
	data := m[TopologyFile]
	b.Run("Decode", func(b *testing.B) {
		for b.Loop() {
			if _, errs := load.Decode(TopologyFile, data); len(errs) > 0 {
				b.Fatal(errs)
			}
		}
	})
	b.Run("Link", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			t, _ := load.Decode(TopologyFile, data)
			b.StartTimer()
			if errs := t.Link(); len(errs) > 0 {
				b.Fatal(errs)
			}
		}
	})
	b.Run("Validate", func(b *testing.B) {
		t, _ := load.Decode(TopologyFile, data)
		t.Link()
		for b.Loop() {
			if errs := t.Validate(); len(errs) > 0 {
				b.Fatal(errs)
			}
		}
	})
	b.Run("Manifests", func(b *testing.B) {
		for b.Loop() {
			objs := &model.KubeObjects{}
			for name, content := range m {
				if name != TopologyFile {
					if errs := load.Manifests(name, content, objs); len(errs) > 0 {
						b.Fatal(errs)
					}
				}
			}
		}
	})
}
