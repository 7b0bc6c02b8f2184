package gen

import (
	"testing"

	"go.yaml.in/yaml/v3"

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
	// The reference point: a plain single-threaded yaml.v3 parse of the
	// topology file into nodes, which any YAML loader has to pay.
	b.Run("YAMLParseOnly", func(b *testing.B) {
		for b.Loop() {
			var n yaml.Node
			if err := yaml.Unmarshal(data, &n); err != nil {
				b.Fatal(err)
			}
		}
	})
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
