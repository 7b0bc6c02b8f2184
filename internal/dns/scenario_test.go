package dns

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

// Golden scenarios: testdata/scenarios/*.yaml at the repository root, one
// suite a file. A suite names a topology and lists cases: a question asked
// from a vantage, the answer the platforms give (per the reference notes
// azure-aws-dns.md and kubernetes-dns.md, which each case's source cites)
// and the facts of the trace that must lead there. README.md there
// describes the format. Topology variants live next to the suites as
// *.topology.yaml; Kubernetes manifests of variants in sub-folders.
//
// A case the engine gets wrong keeps the right answer and says why in
// known: it is skipped with that reason while it fails, and reported as an
// error once it passes, so that the marker is removed.

const scenarioDir = "../../testdata/scenarios"

// scenarioSuite is one suite file.
type scenarioSuite struct {
	// Topology is the default topology of the cases, relative to the suite.
	Topology string         `json:"topology"`
	Cases    []scenarioCase `json:"cases"`
}

type scenarioCase struct {
	Name string `json:"name"`
	// Source cites the seed and reference sections the case encodes.
	Source string `json:"source"`
	// Topology overrides the suite's, for a case on a variant.
	Topology string `json:"topology,omitempty"`
	// From is a vantage (docs/topology.md "Vantages").
	From  string `json:"from"`
	Query string `json:"query"`
	// Type: empty (getaddrinfo, A and AAAA), A or AAAA (getaddrinfo with
	// that family), or CNAME, SRV, TXT, PTR, MX (one question, as dig).
	Type string `json:"type,omitempty"`
	// Down: connection names and DNS server IPs treated as failed.
	Down []string `json:"down,omitempty"`
	// Known says why the engine is wrong here; the case is skipped while
	// it fails.
	Known string       `json:"known,omitempty"`
	Want  scenarioWant `json:"want"`
}

type scenarioWant struct {
	// Addresses the lookup returns, in any order; [] for none.
	Addresses *[]string `json:"addresses,omitempty"`
	// Error is getaddrinfo's error (EAI_NONAME, EAI_NODATA, EAI_AGAIN,
	// EAI_FAIL); empty means success.
	Error string `json:"error,omitempty"`
	// RCode of a one-question query (NOERROR when empty; TIMEOUT when
	// nothing answers).
	RCode string `json:"rcode,omitempty"`
	// Answer records, "NAME. TYPE DATA" without TTL, in any order.
	Answer *[]string `json:"answer,omitempty"`
	// Queries the stub put on the wire (lookups only).
	Queries *int `json:"queries,omitempty"`
	// Trace holds substrings that must appear in the trace, in this order.
	Trace []string `json:"trace,omitempty"`
	// NotTrace holds substrings that must not appear anywhere in it.
	NotTrace []string `json:"notTrace,omitempty"`
	// Diagnosis is what Engine.Diagnose says of the answer (lookups only);
	// "none" in kind means it must find nothing wrong.
	Diagnosis *scenarioDiagnosis `json:"diagnosis,omitempty"`
}

type scenarioDiagnosis struct {
	Kind string `json:"kind"`
	// Cause holds a substring of the cause.
	Cause string `json:"cause,omitempty"`
	// Fixes are the verified fixes' descriptions, exactly, in any order.
	Fixes []string `json:"fixes"`
}

var lookupTypes = map[string]Family{"": FamilyUnspec, "A": FamilyV4, "AAAA": FamilyV6}

var queryTypes = map[string]model.RecordType{
	"CNAME": model.TypeCNAME, "SRV": model.TypeSRV, "TXT": model.TypeTXT, "PTR": model.TypePTR, "MX": model.TypeMX,
}

func TestScenarios(t *testing.T) {
	suites, err := filepath.Glob(filepath.Join(scenarioDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	suites = slices.DeleteFunc(suites, func(p string) bool { return strings.HasSuffix(p, ".topology.yaml") })
	if len(suites) == 0 {
		t.Fatalf("no scenario suites in %s", scenarioDir)
	}
	r := &scenarioRunner{topos: map[string]*model.Topology{}, engines: map[string]*Engine{}, used: map[string]bool{}}
	total := 0
	for _, path := range suites {
		suite := readSuite(t, path)
		total += len(suite.Cases)
		// Each case's topology, relative to the suite; "" when it has none.
		topos := make([]string, len(suite.Cases))
		for i, c := range suite.Cases {
			topo := c.Topology
			if topo == "" {
				topo = suite.Topology
			}
			if topo != "" {
				topos[i] = filepath.Clean(filepath.Join(filepath.Dir(path), topo))
				r.used[topos[i]] = true
			}
		}
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name, func(t *testing.T) {
			seen := map[string]bool{}
			for i, c := range suite.Cases {
				if seen[c.Name] {
					t.Errorf("case %q appears twice in %s", c.Name, path)
				}
				seen[c.Name] = true
				if topos[i] == "" {
					t.Errorf("case %q: no topology (set one for the suite or the case)", c.Name)
					continue
				}
				t.Run(c.Name, func(t *testing.T) { r.run(t, topos[i], c) })
			}
		})
	}
	// Every variant must serve some case: an orphan is a stale file.
	variants, _ := filepath.Glob(filepath.Join(scenarioDir, "*.topology.yaml"))
	for _, v := range variants {
		if !r.used[filepath.Clean(v)] {
			t.Errorf("%s is used by no scenario", v)
		}
	}
	t.Logf("%d scenarios in %d suites", total, len(suites))
}

func readSuite(t *testing.T, path string) scenarioSuite {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s scenarioSuite
	if err := yaml.UnmarshalStrict(data, &s); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(s.Cases) == 0 {
		t.Fatalf("%s: no cases", path)
	}
	return s
}

// scenarioRunner loads each topology once and builds one engine per
// (topology, down) pair.
type scenarioRunner struct {
	topos   map[string]*model.Topology
	engines map[string]*Engine
	used    map[string]bool
}

func (r *scenarioRunner) engine(t *testing.T, path string, down []string) *Engine {
	t.Helper()
	topo := r.topos[path]
	if topo == nil {
		var errs model.ErrorList
		topo, errs = load.Topology(load.OSFiles{}, path)
		if len(errs) > 0 {
			t.Fatalf("loading %s:\n%v", path, errs)
		}
		r.topos[path] = topo
	}
	key := append([]string{path}, slices.Sorted(slices.Values(down))...)
	k := strings.Join(key, "|")
	if e := r.engines[k]; e != nil {
		return e
	}
	var addrs []netip.Addr
	var conns []string
	for _, d := range down {
		if a, err := netip.ParseAddr(d); err == nil {
			addrs = append(addrs, a)
			continue
		}
		if model.Lookup[model.Connection](topo, d) == nil {
			t.Fatalf("down: %q is neither a connection of %s nor an IP address", d, path)
		}
		conns = append(conns, d)
	}
	e, errs := New(topo, addrs, conns)
	if len(errs) > 0 {
		t.Fatalf("dns.New(%s): %v", path, errs)
	}
	r.engines[k] = e
	return e
}

func (r *scenarioRunner) run(t *testing.T, topo string, c scenarioCase) {
	if c.Source == "" {
		t.Fatal("the case cites no source")
	}
	if c.From == "" || c.Query == "" {
		t.Fatal("from and query are required")
	}
	v, err := model.ParseVantage(c.From)
	if err != nil {
		t.Fatal(err)
	}
	w := c.Want
	family, isLookup := lookupTypes[c.Type]
	qtype, isQuery := queryTypes[c.Type]
	switch {
	case isLookup:
		if w.RCode != "" {
			t.Fatal("rcode is for one-question types (CNAME, SRV, TXT, PTR, MX); a lookup has error")
		}
		if w.Addresses == nil && w.Error == "" {
			t.Fatal("a lookup case wants addresses or an error")
		}
	case isQuery:
		if w.Error != "" || w.Addresses != nil || w.Queries != nil {
			t.Fatal("a one-question case wants rcode and answer, not error, addresses or queries")
		}
	default:
		t.Fatalf("type %q: choose A, AAAA, CNAME, SRV, TXT, PTR or MX, or leave it out", c.Type)
	}
	e := r.engine(t, topo, c.Down)

	tr := &Trace{}
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	var answer []RR
	var queries []StubQuery
	if isLookup {
		res, err := e.Lookup(v, c.Query, family, tr)
		if err != nil {
			t.Fatalf("Lookup: %v", err)
		}
		answer, queries = res.Answer, res.Queries
		var got []string
		for _, a := range res.Addrs {
			got = append(got, a.String())
		}
		if w.Addresses != nil && !sameSet(got, *w.Addresses) {
			fail("addresses %v, want %v", got, *w.Addresses)
		}
		if string(res.Err) != w.Error {
			fail("error %q, want %q", res.Err, w.Error)
		}
		if w.Queries != nil && len(res.Queries) != *w.Queries {
			fail("%d queries on the wire, want %d", len(res.Queries), *w.Queries)
		}
		if dw := w.Diagnosis; dw != nil {
			reload := func() (*model.Topology, error) {
				t, errs := load.Topology(load.OSFiles{}, topo)
				return t, errs.Err()
			}
			d, err := e.Diagnose(v, c.Query, reload)
			switch {
			case err != nil:
				fail("diagnose: %v", err)
			case d == nil && dw.Kind != "none":
				fail("no diagnosis, want %s", dw.Kind)
			case d != nil && dw.Kind == "none":
				fail("diagnosis %s (%s), want none", d.Kind, d.Cause)
			case d != nil:
				if d.Kind != dw.Kind {
					fail("diagnosis kind %q, want %q", d.Kind, dw.Kind)
				}
				if !strings.Contains(d.Cause, dw.Cause) {
					fail("cause %q lacks %q", d.Cause, dw.Cause)
				}
				var got []string
				for _, f := range d.Fixes {
					got = append(got, f.Description)
				}
				if !sameSet(got, dw.Fixes) {
					fail("fixes %q, want %q", got, dw.Fixes)
				}
			}
		}
		// The untraced path memoises answers across the suite's cases (the
		// engine is shared): twice untraced, it must agree with the trace.
		for range 2 {
			fast, _ := e.Lookup(v, c.Query, family, nil)
			if !slices.Equal(fast.Addrs, res.Addrs) || fast.Err != res.Err || fast.Sent != len(res.Queries) || res.Sent != len(res.Queries) {
				fail("untraced: %v %q %d queries; traced: %v %q %d queries", fast.Addrs, fast.Err, fast.Sent, res.Addrs, res.Err, len(res.Queries))
			}
		}
	} else {
		name, err := model.CanonicalName(c.Query)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := e.Query(v, Question{Name: name, Type: qtype}, tr)
		if err != nil {
			t.Fatalf("Query: %v", err)
		}
		answer = rep.Answer
		for range 2 {
			if fast, _ := e.Query(v, Question{Name: name, Type: qtype}, nil); fast.RCode != rep.RCode || len(fast.Answer) != len(rep.Answer) {
				fail("untraced: %s with %d answers; traced: %s with %d", fast.RCode, len(fast.Answer), rep.RCode, len(rep.Answer))
			}
		}
		want := w.RCode
		if want == "" {
			want = NoError.String()
		}
		if rep.RCode.String() != want {
			fail("rcode %s, want %s", rep.RCode, want)
		}
	}
	var rendered []string
	for _, rr := range answer {
		rendered = append(rendered, renderRR(rr))
	}
	if w.Answer != nil && !sameSet(rendered, *w.Answer) {
		fail("answer %q, want %q", rendered, *w.Answer)
	}
	text := tr.String()
	rest, at := text, 0
	for _, s := range w.Trace {
		i := strings.Index(rest, s)
		if i < 0 {
			if strings.Contains(text, s) {
				fail("trace has %q, but not after %q", s, w.Trace[at-1])
			} else {
				fail("trace lacks %q", s)
			}
			break
		}
		rest, at = rest[i+len(s):], at+1
	}
	for _, s := range w.NotTrace {
		if strings.Contains(text, s) {
			fail("trace has %q, which it must not", s)
		}
	}

	if len(problems) == 0 {
		if c.Known != "" {
			t.Errorf("marked known (%s) but passes now: remove known", c.Known)
		}
		return
	}
	report := fmt.Sprintf("%s\n\nanswer:\n  %s\nqueries (%d):\n%s\ntrace:\n%s", strings.Join(problems, "\n"),
		strings.Join(rendered, "\n  "), len(queries), renderQueries(queries), text)
	if c.Known != "" {
		t.Skipf("known failure: %s\n%s", c.Known, report)
	}
	t.Errorf("%s (%s)\n%s", c.Name, c.Source, report)
}

func sameSet(got, want []string) bool {
	a, b := slices.Clone(got), slices.Clone(want)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// renderRR writes a record as "NAME. TYPE DATA", as dig prints it less the
// TTL and class.
func renderRR(rr RR) string {
	d := rr.Data
	var data string
	switch rr.Type {
	case model.TypeA, model.TypeAAAA:
		data = d.Addr.String()
	case model.TypeMX:
		data = fmt.Sprintf("%d %s.", d.Priority, d.Target)
	case model.TypeSRV:
		data = fmt.Sprintf("%d %d %d %s.", d.Priority, d.Weight, d.Port, d.Target)
	case model.TypeTXT:
		data = fmt.Sprintf("%q", d.Text)
	default:
		data = d.Target + "."
	}
	return fmt.Sprintf("%s. %s %s", rr.Name, rr.Type, data)
}

func renderQueries(qs []StubQuery) string {
	var b strings.Builder
	for _, q := range qs {
		fmt.Fprintf(&b, "  %-8s → %-15s %s  %s\n", q.At, q.Server, q.Question, q.Reply.RCode)
	}
	return b.String()
}
