package dns

import (
	"testing"

	"github.com/aksnet/aksnet/internal/model"
)

// The engine's cost per resolution on Contoso, before any work on the hot
// path (issue 3's goals: ≥ 1M untraced resolutions/s on one core in bulk,
// ≤ 50 µs traced). A pod's lookup of a private endpoint name is the ndots:5
// walk: five candidates through CoreDNS, the last forwarded to the hub.
func BenchmarkPodLookup(b *testing.B) {
	topo, errs := loadContosoB()
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	e, _ := New(topo, nil, nil)
	v, _ := model.ParseVantage("pod:aks-prod/backend/api")
	for _, traced := range []bool{false, true} {
		name := "untraced"
		if traced {
			name = "traced"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var tr *Trace
				if traced {
					tr = &Trace{}
				}
				if res, _ := e.Lookup(v, "pg-contoso-prod.postgres.database.azure.com", FamilyV4, tr); len(res.Addrs) != 1 {
					b.Fatal(res.Err)
				}
			}
		})
	}
}
