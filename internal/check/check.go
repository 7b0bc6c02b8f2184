// Package check is `aksnet check`: rules that say, before anything is
// deployed, what the platform would refuse or what silently breaks. Each
// rule has a stable ID, a default severity, the public source it encodes and
// a doc page (docs/rules/ID.md, rendered from the rule itself by Doc); each
// finding says what is wrong, where (the line in the topology, or the
// Terraform address), why and how to fix it.
//
// Rules come in families, one file each: NET (addressing, net.go), AKS
// (platform compatibility, aks.go), LB (load balancers, lb.go), PEER
// (peering, peering.go), RT (routing, routing.go) and DNS (the resolution
// engine's verdicts, dns.go). A rule reads the model through a shared
// Context, which builds what several rules need (address indexes, the DNS
// engine) once, on first use, so rules run concurrently.
//
// The load step (internal/load, model.Validate) already rejects what makes a
// topology incoherent; rules start from a coherent model.
package check

import (
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aksnet/aksnet/internal/model"
)

// Severity orders findings: an error is what the platform refuses or what
// breaks traffic; a warning is what is likely to break or is unsupported;
// info is worth knowing.
type Severity int

const (
	Info Severity = iota + 1
	Warning
	Error
)

// Severities lists the levels from the most to the least severe, the order
// reports use.
var Severities = []Severity{Error, Warning, Info}

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Info:
		return "info"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity reads error, warning or info (any case).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return Error, nil
	case "warning", "warn":
		return Warning, nil
	case "info":
		return Info, nil
	}
	return 0, fmt.Errorf("severity %q is not one of error, warning, info", s)
}

// MarshalText writes the severity's name, the form of the JSON report.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Family groups rules by the part of the platform they are about; it is the
// ID's prefix.
type Family struct {
	Prefix string // NET, AKS, LB, PEER, RT, DNS
	Title  string
	File   string // the file of this package that holds the family
}

// Families in the order the rule index lists them.
var Families = []Family{
	{"NET", "Addressing: CIDRs, reserved ranges, subnet sizing", "net.go"},
	{"AKS", "AKS platform compatibility: plugins, policy engines, private clusters, outbound types", "aks.go"},
	{"LB", "Load balancers: Services of type LoadBalancer, static IPs, Private Link Service", "lb.go"},
	{"PEER", "VNet peering and gateway transit", "peering.go"},
	{"RT", "Routing: user-defined routes, appliances, reachability", "routing.go"},
	{"DNS", "DNS: what the resolution engine computes for every vantage", "dns.go"},
}

// Rule is one check.
type Rule struct {
	ID       string // family prefix and three digits, e.g. NET001; never reused
	Title    string // one line, says what is wrong when the rule fires
	Severity Severity
	// Source cites the public documents the rule encodes, in the tags of
	// ../shared/reference/aks-constraints.md (AKSD:file = MicrosoftDocs
	// azure-aks-docs articles/aks/file.md) with the aks-rules.md rule number.
	Source string
	// What, Why and Fix are the doc page's prose (Markdown). Why is also
	// every finding's why unless the finding says more.
	What, Why, Fix string
	// Check inspects the topology and reports findings. It must not modify
	// the topology and must be safe to run concurrently with other rules.
	Check func(ctx *Context, r *Reporter)
}

// Family returns the rule's family.
func (r *Rule) Family() Family {
	for _, f := range Families {
		if strings.HasPrefix(r.ID, f.Prefix) && len(r.ID) == len(f.Prefix)+3 {
			return f
		}
	}
	return Family{}
}

// DocPath is the rule's page, relative to the repository root.
func (r *Rule) DocPath() string { return "docs/rules/" + r.ID + ".md" }

// Finding is one problem found by one rule.
type Finding struct {
	Rule     *Rule
	Severity Severity       // the rule's default unless the rule says otherwise
	Message  string         // what is wrong, naming the elements involved
	Loc      model.Location // where to change it
	Why      string         // why it matters, with its source
	Fix      string         // what to do
}

// Reporter collects one rule's findings.
type Reporter struct {
	rule     *Rule
	findings []Finding
}

// Report records a finding of the rule's default severity. An empty why is
// the rule's own.
func (r *Reporter) Report(at model.Location, msg, why, fix string) {
	r.ReportAs(r.rule.Severity, at, msg, why, fix)
}

// ReportAs records a finding with its own severity, for rules whose
// certainty varies (a documented ambiguity, a date that has not passed yet).
func (r *Reporter) ReportAs(s Severity, at model.Location, msg, why, fix string) {
	if why == "" {
		why = r.rule.Why
	}
	r.findings = append(r.findings, Finding{Rule: r.rule, Severity: s, Message: msg, Loc: at, Why: why, Fix: fix})
}

var (
	registryMu   sync.Mutex
	registry     = map[string]*Rule{}
	registryErrs []string
	idPattern    = regexp.MustCompile(`^(NET|AKS|LB|PEER|RT|DNS)[0-9]{3}$`)
)

// register adds rules at init. A malformed or repeated ID is a programming
// error: the rule is left out and RegistryErrors says why, which the tests
// assert is nothing.
func register(rules ...*Rule) {
	registryMu.Lock()
	defer registryMu.Unlock()
	for _, r := range rules {
		switch {
		case !idPattern.MatchString(r.ID):
			registryErrs = append(registryErrs, "malformed rule ID "+r.ID)
		case registry[r.ID] != nil:
			registryErrs = append(registryErrs, "rule "+r.ID+" registered twice")
		case r.Check == nil:
			registryErrs = append(registryErrs, "rule "+r.ID+" has no Check")
		default:
			registry[r.ID] = r
		}
	}
}

// RegistryErrors lists the rules register refused.
func RegistryErrors() []string {
	registryMu.Lock()
	defer registryMu.Unlock()
	return append([]string(nil), registryErrs...)
}

// Rules returns every rule, ordered by family then ID.
func Rules() []*Rule {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := make([]*Rule, 0, len(registry))
	for _, r := range registry {
		out = append(out, r)
	}
	order := map[string]int{}
	for i, f := range Families {
		order[f.Prefix] = i
	}
	sort.Slice(out, func(i, j int) bool {
		fi, fj := order[out[i].Family().Prefix], order[out[j].Family().Prefix]
		if fi != fj {
			return fi < fj
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Lookup returns the rule with the given ID (any case), or nil.
func Lookup(id string) *Rule {
	registryMu.Lock()
	defer registryMu.Unlock()
	return registry[strings.ToUpper(strings.TrimSpace(id))]
}

// Select returns the rules named by IDs or family prefixes (NET, AKS…); no
// names selects every rule. An unknown name is an error that suggests the
// nearest ID.
func Select(names []string) ([]*Rule, error) {
	all := Rules()
	if len(names) == 0 {
		return all, nil
	}
	seen := map[*Rule]bool{}
	var out []*Rule
	for _, n := range names {
		n = strings.ToUpper(strings.TrimSpace(n))
		matched := false
		for _, r := range all {
			if r.ID == n || r.Family().Prefix == n {
				matched = true
				if !seen[r] {
					seen[r] = true
					out = append(out, r)
				}
			}
		}
		if !matched {
			return nil, unknownRule(n)
		}
	}
	return out, nil
}

func unknownRule(id string) error {
	ids := make([]string, 0, len(registry))
	for _, r := range Rules() {
		ids = append(ids, r.ID)
	}
	if c := model.Closest(id, ids); c != "" {
		return fmt.Errorf("unknown rule %q (did you mean %s?)", id, c)
	}
	var fams []string
	for _, f := range Families {
		fams = append(fams, f.Prefix)
	}
	return fmt.Errorf("unknown rule %q: give a rule ID such as NET001 or a family (%s); docs/rules/README.md lists them", id, strings.Join(fams, ", "))
}

// Options tune a run.
type Options struct {
	// Rules to run; nil runs every rule.
	Rules []*Rule
	// Now is the date retirement rules compare with; zero means time.Now.
	Now time.Time
	// Reload returns a fresh copy of the topology, for DNS rules to verify
	// fixes on; nil means findings carry unverified advice instead.
	Reload func() (*model.Topology, error)
}

// Result is a run's findings, ordered by severity (most severe first), then
// location, then rule.
type Result struct {
	Findings []Finding
	Rules    []*Rule // the rules that ran
}

// Count returns how many findings have severity s.
func (r *Result) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// AtLeast returns the findings of severity s or above.
func (r *Result) AtLeast(s Severity) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Severity >= s {
			out = append(out, f)
		}
	}
	return out
}

// Run checks a loaded, valid topology. Rules run concurrently, on as many
// goroutines as there are CPUs; the result does not depend on their order.
// A rule that panics is a bug in aksnet, not in the topology: the panic is
// turned into an error naming the rule, so one bad rule cannot hide the
// others' findings.
func Run(t *model.Topology, opts Options) (*Result, error) {
	rules := opts.Rules
	if rules == nil {
		rules = Rules()
	}
	ctx := NewContext(t, opts.Now)
	ctx.Reload = opts.Reload
	reps := make([]*Reporter, len(rules))
	errs := make([]error, len(rules))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(rules)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				reps[i], errs[i] = runRule(ctx, rules[i])
			}
		}()
	}
	for i := range rules {
		work <- i
	}
	close(work)
	wg.Wait()
	res := &Result{Rules: rules}
	for i, rep := range reps {
		if errs[i] != nil {
			return nil, errs[i]
		}
		res.Findings = append(res.Findings, rep.findings...)
	}
	sortFindings(res.Findings)
	return res, nil
}

func runRule(ctx *Context, r *Rule) (rep *Reporter, err error) {
	rep = &Reporter{rule: r}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error in rule %s: %v (please report it)", r.ID, p)
		}
	}()
	r.Check(ctx, rep)
	return rep, nil
}

func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if a.Severity != b.Severity {
			return int(b.Severity) - int(a.Severity)
		}
		if c := compareLoc(a.Loc, b.Loc); c != 0 {
			return c
		}
		if c := strings.Compare(a.Rule.ID, b.Rule.ID); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
}

func compareLoc(a, b model.Location) int {
	if c := strings.Compare(a.File, b.File); c != 0 {
		return c
	}
	if a.Line != b.Line {
		return a.Line - b.Line
	}
	if a.Column != b.Column {
		return a.Column - b.Column
	}
	return strings.Compare(a.TFAddress, b.TFAddress)
}
