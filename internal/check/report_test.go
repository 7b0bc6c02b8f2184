package check

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/aksnet/aksnet/internal/model"
)

// allFailures runs every rule over every failing example and returns the
// findings together, so that reports carry every rule and every kind of
// location.
func allFailures(t *testing.T) *Result {
	t.Helper()
	res := &Result{Rules: Rules()}
	for _, r := range Rules() {
		one := runAll(t, loadExample(t, r.ID, "fail.yaml"))
		res.Findings = append(res.Findings, one.Findings...)
	}
	sortFindings(res.Findings)
	return res
}

// A finding imported from Terraform has an address instead of a line.
var terraformFinding = Finding{
	Severity: Error, Message: "cluster aks: service CIDR overlaps subnet spoke/nodes",
	Loc: model.Location{TFAddress: `module.aks.azurerm_kubernetes_cluster.this["prod"]`},
	Why: "why", Fix: "fix",
}

func compileSARIFSchema(t *testing.T) *sjs.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := sjs.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := sjs.NewCompiler()
	c.AssertFormat()
	const id = sarifSchema
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The SARIF output validates against the OASIS SARIF 2.1.0 schema, with
// every rule described and every finding located: a region for a line of a
// file, a logical location for a Terraform address.
func TestSARIF(t *testing.T) {
	schema := compileSARIFSchema(t)
	res := allFailures(t)
	tf := terraformFinding
	tf.Rule = Lookup("NET003")
	withTF := &Result{Rules: res.Rules, Findings: append(append([]Finding(nil), res.Findings...), tf)}
	absolute := &Result{Rules: res.Rules, Findings: []Finding{{Rule: Lookup("NET001"), Severity: Info, Message: "m", Why: "w", Fix: "f",
		Loc: model.Location{File: "/srv/estates/my estate.yaml", Line: 3, Column: 5}}}}
	empty := &Result{}
	for name, r := range map[string]*Result{"examples": withTF, "absolute path": absolute, "empty": empty} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteSARIF(&buf, r); err != nil {
				t.Fatal(err)
			}
			doc, err := sjs.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(doc); err != nil {
				t.Fatalf("the SARIF log does not validate:\n%v", err)
			}
			var log sarifLog
			if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
				t.Fatal(err)
			}
			run := log.Runs[0]
			if len(run.Tool.Driver.Rules) != len(r.Rules) || len(run.Results) != len(r.Findings) {
				t.Fatalf("%d rules and %d results for %d rules and %d findings", len(run.Tool.Driver.Rules), len(run.Results), len(r.Rules), len(r.Findings))
			}
			for _, d := range run.Tool.Driver.Rules {
				if !strings.HasSuffix(d.HelpURI, "/docs/rules/"+d.ID+".md") {
					t.Errorf("%s: helpUri %s", d.ID, d.HelpURI)
				}
			}
			for i, sr := range run.Results {
				f := r.Findings[i]
				if run.Tool.Driver.Rules[sr.RuleIndex].ID != sr.RuleID || sr.RuleID != f.Rule.ID {
					t.Errorf("result %d: ruleId %s, ruleIndex %d", i, sr.RuleID, sr.RuleIndex)
				}
				if len(sr.Locations) != 1 {
					t.Fatalf("result %d (%s) has %d locations", i, f.Loc, len(sr.Locations))
				}
				loc := sr.Locations[0]
				switch {
				case f.Loc.TFAddress != "":
					if len(loc.LogicalLocations) != 1 || loc.LogicalLocations[0].FullyQualifiedName != f.Loc.TFAddress || loc.PhysicalLocation != nil {
						t.Errorf("Terraform finding located as %+v", loc)
					}
				default:
					p := loc.PhysicalLocation
					if p == nil || p.Region == nil || p.Region.StartLine != f.Loc.Line || p.Region.StartColumn != f.Loc.Column {
						t.Errorf("result %d: %+v for %s", i, p, f.Loc)
					}
				}
			}
		})
	}
	// The schema does reject what is not SARIF: a level it does not know.
	var bad bytes.Buffer
	if err := WriteSARIF(&bad, withTF); err != nil {
		t.Fatal(err)
	}
	mutated := strings.Replace(bad.String(), `"level": "error"`, `"level": "fatal"`, 1)
	if doc, err := sjs.UnmarshalJSON(strings.NewReader(mutated)); err != nil || schema.Validate(doc) == nil {
		t.Errorf("a result of level fatal validates (err %v): the schema test cannot fail", err)
	}
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, absolute); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"uri": "file:///srv/estates/my%20estate.yaml"`) {
		t.Errorf("an absolute path is not a file URI:\n%s", buf.String())
	}
}

func TestText(t *testing.T) {
	res := allFailures(t)
	// No example is at info level; add one so that all three groups show.
	info := terraformFinding
	info.Rule, info.Severity, info.Loc = Lookup("AKS001"), Info, model.Location{File: "fail.yaml", Line: 1, Column: 1}
	res.Findings = append(res.Findings, info)
	sortFindings(res.Findings)
	var buf bytes.Buffer
	if err := WriteText(&buf, Subject{Topology: "examples", Source: "testdata"}, res); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	// Groups in order of severity, each counted; one line per finding with
	// its location and rule, then the indented why and fix.
	headings := regexp.MustCompile(`(?m)^(ERRORS|WARNINGS|INFO) \((\d+)\)$`).FindAllStringSubmatch(out, -1)
	var order []string
	for _, h := range headings {
		order = append(order, h[1])
	}
	if strings.Join(order, ",") != "ERRORS,WARNINGS,INFO" {
		t.Errorf("groups %v, want errors, warnings, info", order)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	findingLine := regexp.MustCompile(`^fail[-a-z0-9]*\.yaml:\d+:\d+: [A-Z]+\d{3} \S`)
	n := 0
	for i, l := range lines {
		if !findingLine.MatchString(l) {
			continue
		}
		n++
		if i+2 >= len(lines) || !strings.HasPrefix(lines[i+1], "    why: ") || !strings.HasPrefix(lines[i+2], "    fix: ") {
			t.Errorf("finding %q is not followed by its why and fix", l)
		}
	}
	if n != len(res.Findings) {
		t.Errorf("%d finding lines for %d findings", n, len(res.Findings))
	}
	want := regexp.MustCompile(`(?m)^\d+ errors, \d+ warnings, \d+ info$`)
	if !want.MatchString(out) {
		t.Errorf("no closing count in:\n%s", out[len(out)-200:])
	}

	buf.Reset()
	if err := WriteText(&buf, Subject{Topology: "clean", Source: "x.yaml"}, &Result{Rules: Rules()[:3]}); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); !strings.Contains(got, "no findings (3 rule(s) checked)") || strings.Contains(got, "ERRORS") {
		t.Errorf("clean report:\n%s", got)
	}
}

func TestJSON(t *testing.T) {
	res := allFailures(t)
	var buf bytes.Buffer
	if err := WriteJSON(&buf, Subject{Topology: "examples", Source: "testdata"}, res); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		RulesRun int            `json:"rulesRun"`
		Summary  map[string]int `json:"summary"`
		Findings []struct {
			Rule, Severity, Message, Why, Fix, Doc string
			Location                               model.Location
		} `json:"findings"`
	}
	if err := json.Unmarshal(buf.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.RulesRun != len(Rules()) || len(rep.Findings) != len(res.Findings) {
		t.Fatalf("rulesRun %d, %d findings", rep.RulesRun, len(rep.Findings))
	}
	if rep.Summary["error"]+rep.Summary["warning"]+rep.Summary["info"] != len(res.Findings) || rep.Summary["error"] != res.Count(Error) {
		t.Errorf("summary %v", rep.Summary)
	}
	for i, f := range rep.Findings {
		g := res.Findings[i]
		if f.Rule != g.Rule.ID || f.Severity != g.Severity.String() || f.Location != g.Loc || f.Doc != "docs/rules/"+g.Rule.ID+".md" || f.Why == "" || f.Fix == "" {
			t.Errorf("finding %d: %+v", i, f)
		}
	}
}
