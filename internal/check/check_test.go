package check

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

var update = flag.Bool("update", false, "rewrite docs/rules and the examples' fail.txt from the rules")

// exampleNow is the date the examples are checked at, so that retirement
// findings (a warning before the date, an error after) do not change
// under the docs as time passes.
var exampleNow = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	flag.Parse()
	// Render docs from the examples on disk: -update rewrites fail.txt
	// after the embedded copy was compiled.
	examplesFS = os.DirFS(".")
	os.Exit(m.Run())
}

// The embedded examples are the files on disk, all of them.
func TestEmbeddedExamples(t *testing.T) {
	count := func(fsys fs.FS) map[string]bool {
		seen := map[string]bool{}
		err := fs.WalkDir(fsys, "testdata/rules", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				seen[p] = true
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return seen
	}
	emb, disk := count(embeddedExamples), count(os.DirFS("."))
	for p := range disk {
		if !emb[p] && !*update {
			t.Errorf("%s is not embedded (names starting with . or _ are not)", p)
		}
	}
	if len(emb) == 0 {
		t.Fatal("no example is embedded")
	}
}

// nonDNS reports whether a rule belongs to the families of this package's
// first part; the DNS family has its own examples and expectations.
func nonDNS(r *Rule) bool { return r.Family().Prefix != "DNS" }

func TestRegistry(t *testing.T) {
	if errs := RegistryErrors(); len(errs) > 0 {
		t.Fatalf("rules refused at registration: %v", errs)
	}
	n := 0
	for _, r := range Rules() {
		if nonDNS(r) {
			n++
		}
		if r.Family().Prefix == "" {
			t.Errorf("%s belongs to no family", r.ID)
		}
		if r.Title == "" || r.What == "" || r.Why == "" || r.Fix == "" || r.Source == "" {
			t.Errorf("%s lacks its title, what, why, fix or source", r.ID)
		}
		if r.Severity < Info || r.Severity > Error {
			t.Errorf("%s has severity %v", r.ID, r.Severity)
		}
		// Every source names the public documents it encodes: a tagged
		// Microsoft doc, a note of ../shared/reference, an RFC or a URL.
		if !regexp.MustCompile(`(AKSD|AZD|SUP):|[a-z0-9-]+\.md|RFC ?[0-9]+|https?://`).MatchString(r.Source) {
			t.Errorf("%s: source %q cites no reference", r.ID, r.Source)
		}
	}
	// The issue asks for 50 rules with the DNS family; aks-rules.md has 36.
	if n < 36 {
		t.Errorf("%d non-DNS rules; aks-rules.md's 36 need at least as many", n)
	}
}

func TestSelect(t *testing.T) {
	rs, err := Select([]string{"net001", "PEER"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) < 2 || rs[0].ID != "NET001" {
		t.Fatalf("Select(net001, PEER) = %v", ids(rs))
	}
	for _, r := range rs[1:] {
		if r.Family().Prefix != "PEER" {
			t.Errorf("Select(PEER) returned %s", r.ID)
		}
	}
	if _, err := Select([]string{"NET0001"}); err == nil || !strings.Contains(err.Error(), "did you mean NET001") {
		t.Errorf("Select(NET0001): %v", err)
	}
	if _, err := Select([]string{"XYZ"}); err == nil || !strings.Contains(err.Error(), "family") {
		t.Errorf("Select(XYZ): %v", err)
	}
}

func ids(rs []*Rule) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]Severity{"error": Error, "WARNING": Warning, "info": Info, " warn ": Warning} {
		if got, err := ParseSeverity(in); err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseSeverity("fatal"); err == nil {
		t.Error("ParseSeverity(fatal) accepted")
	}
}

// loadExample loads one of a rule's example topologies; its locations name
// the file as the docs show it ("fail.yaml").
func loadExample(t *testing.T, id, name string) *model.Topology {
	t.Helper()
	dir := filepath.Join("testdata", "rules", id)
	topo, errs := load.Topology(load.FSFiles{FS: os.DirFS(dir)}, name)
	if len(errs) > 0 {
		t.Fatalf("%s/%s does not load:\n%v", id, name, errs)
	}
	return topo
}

func runAll(t *testing.T, topo *model.Topology) *Result {
	t.Helper()
	res, err := Run(topo, Options{Now: exampleNow})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// alsoFires lists the other rules an example cannot avoid triggering:
// every kubenet cluster is past or near kubenet's retirement (AKS009), and
// so is every use of Azure NPM; their examples say so in their comments.
var alsoFires = map[string][]string{
	"AKS004": {"AKS009"},
	"AKS005": {"AKS009"},
	"AKS007": {"AKS009"},
	"RT004":  {"AKS009"},
}

// Every rule has a topology that triggers it and the same estate fixed,
// which does not. The failing example triggers no other rule of these
// families (but those of alsoFires) and the passing one none at all, so
// each page shows one problem; fail.txt is exactly what the rule reports.
// A DNS rule's examples may trigger other DNS rules, never another
// family's.
func TestExamples(t *testing.T) {
	for _, r := range Rules() {
		t.Run(r.ID, func(t *testing.T) {
			if len(exampleFiles(r.ID, "fail")) == 0 || len(exampleFiles(r.ID, "pass")) == 0 {
				t.Fatalf("no fail.yaml or pass.yaml in %s", examplesDir(r.ID))
			}
			fail := runAll(t, loadExample(t, r.ID, "fail.yaml"))
			var mine []Finding
			for _, f := range fail.Findings {
				switch {
				case f.Rule == r:
					mine = append(mine, f)
				case nonDNS(f.Rule) && !contains(alsoFires[r.ID], f.Rule.ID):
					t.Errorf("fail.yaml also triggers %s: %s: %s", f.Rule.ID, f.Loc, f.Message)
				}
				if f.Loc.IsZero() || !strings.HasPrefix(f.Loc.File, "fail") {
					t.Errorf("finding %s has no location in the example: %q", f.Rule.ID, f.Loc)
				}
				if f.Why == "" || f.Fix == "" || f.Message == "" {
					t.Errorf("finding %s lacks its message, why or fix: %+v", f.Rule.ID, f)
				}
			}
			if len(mine) == 0 {
				t.Fatalf("fail.yaml does not trigger %s", r.ID)
			}
			got := FindingText(mine)
			txt := filepath.Join("testdata", "rules", r.ID, "fail.txt")
			if *update {
				if err := os.WriteFile(txt, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if want, err := os.ReadFile(txt); err != nil || string(want) != got {
				t.Errorf("%s is stale (go test ./internal/check -update); the rule reports:\n%s", txt, got)
			}

			pass := runAll(t, loadExample(t, r.ID, "pass.yaml"))
			for _, f := range pass.Findings {
				if f.Rule == r || (nonDNS(f.Rule) && !contains(alsoFires[r.ID], f.Rule.ID)) {
					t.Errorf("pass.yaml triggers %s: %s: %s", f.Rule.ID, f.Loc, f.Message)
				}
			}
		})
	}
}

// docs/rules holds one page per rule and an index, rendered from the rules;
// no page outlives its rule.
func TestDocs(t *testing.T) {
	dir := filepath.Join("..", "..", "docs", "rules")
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	check := func(name, want string) {
		p := filepath.Join(dir, name)
		if *update {
			if err := os.WriteFile(p, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("%s: %v (go test ./internal/check -update writes it)", p, err)
			return
		}
		if string(got) != want {
			t.Errorf("%s is stale: go test ./internal/check -update", p)
		}
	}
	known := map[string]bool{"README.md": true}
	index := Index()
	for _, r := range Rules() {
		known[r.ID+".md"] = true
		check(r.ID+".md", Doc(r))
		if !strings.Contains(index, "["+r.ID+"]("+r.ID+".md)") {
			t.Errorf("the index does not list %s", r.ID)
		}
	}
	check("README.md", index)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !known[e.Name()] {
			t.Errorf("docs/rules/%s documents no registered rule", e.Name())
		}
	}
	// The examples folder has no folder for an unknown rule either.
	exDirs, err := fs.ReadDir(examplesFS, "testdata/rules")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range exDirs {
		if Lookup(e.Name()) == nil {
			t.Errorf("testdata/rules/%s holds examples of no registered rule", e.Name())
		}
	}
}
