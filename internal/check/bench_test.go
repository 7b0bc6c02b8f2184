package check

import (
	"sync"
	"testing"

	"github.com/aksnet/aksnet/internal/gen"
	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

// The benchmark estate of the issues: gen.Estate1000 (1,000 spokes, 100
// clusters, 10,000 private endpoints), generated and loaded once.
var (
	estateOnce sync.Once
	estate     *model.Topology
	estateErr  model.ErrorList
)

func estate1000(tb testing.TB) *model.Topology {
	tb.Helper()
	estateOnce.Do(func() {
		m, err := gen.Generate(gen.Estate1000)
		if err != nil {
			estateErr = model.ErrorList{model.Errorf(model.Location{}, "%v", err)}
			return
		}
		estate, estateErr = load.Bytes(gen.Files(m), gen.TopologyFile, m[gen.TopologyFile])
	})
	if len(estateErr) > 0 {
		tb.Fatalf("Estate1000 does not load: %v", estateErr[0])
	}
	return estate
}

// The generated estate is built to honour every platform rule, so the
// non-DNS families find nothing in it; a finding there is a false positive
// (or a generator bug) and the benchmark below would measure the wrong
// thing.
func TestEstate1000IsClean(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads the 1,000-spoke estate")
	}
	var rules []*Rule
	for _, r := range Rules() {
		if nonDNS(r) {
			rules = append(rules, r)
		}
	}
	res, err := Run(estate1000(t), Options{Rules: rules, Now: exampleNow})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range res.Findings {
		if i == 10 {
			t.Fatalf("… %d findings in all", len(res.Findings))
		}
		t.Errorf("%s: %s %s", f.Loc, f.Rule.ID, f.Message)
	}
}

// BenchmarkCheckEstate1000 measures check runs over the loaded estate (the
// load itself is measured in internal/gen): every registered rule ("all"),
// the rules of issue 4's first part ("nonDNS": NET, AKS, LB, PEER, RT), and
// each family alone:
//
//	go test -run '^$' -bench 'CheckEstate1000' -benchtime 5x -count 6 ./internal/check/
func BenchmarkCheckEstate1000(b *testing.B) {
	t := estate1000(b)
	var nonDNSRules []*Rule
	for _, r := range Rules() {
		if nonDNS(r) {
			nonDNSRules = append(nonDNSRules, r)
		}
	}
	sets := []struct {
		name  string
		rules []*Rule
	}{{"all", Rules()}, {"nonDNS", nonDNSRules}}
	for _, fam := range familyPrefixes() {
		rules, _ := Select([]string{fam})
		sets = append(sets, struct {
			name  string
			rules []*Rule
		}{fam, rules})
	}
	for _, set := range sets {
		if len(set.rules) == 0 {
			continue
		}
		b.Run(set.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Run(t, Options{Rules: set.rules, Now: exampleNow}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func familyPrefixes() []string {
	var out []string
	for _, f := range Families {
		out = append(out, f.Prefix)
	}
	return out
}
