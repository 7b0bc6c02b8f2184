package check

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/aksnet/aksnet/internal/model"
)

// Report renderings: text for people, JSON for scripts, SARIF for code
// scanning (sarif.go). All three carry the same findings in the same order.

// Subject names what was checked, for report headers.
type Subject struct {
	Topology string // metadata.name
	Source   string // the file, or "embedded examples/contoso/topology.yaml"
}

// WriteText writes the findings grouped by severity, most severe first: one
// line each with its location, rule and message, then the why and the fix
// indented, and a closing count.
func WriteText(w io.Writer, subj Subject, res *Result) error {
	ew := &errWriter{w: w}
	ew.printf("aksnet check: %s (%s), %d rule(s)\n", subj.Topology, subj.Source, len(res.Rules))
	for _, s := range Severities {
		var group []Finding
		for _, f := range res.Findings {
			if f.Severity == s {
				group = append(group, f)
			}
		}
		if len(group) == 0 {
			continue
		}
		ew.printf("\n%s (%d)\n", strings.ToUpper(plural(s, 2)), len(group))
		for _, f := range group {
			writeFinding(ew, f)
		}
	}
	ew.printf("\n%s\n", summary(res))
	return ew.err
}

// writeFinding writes one finding as the text report does.
func writeFinding(ew *errWriter, f Finding) {
	if f.Loc.IsZero() {
		ew.printf("%s %s\n", f.Rule.ID, f.Message)
	} else {
		ew.printf("%s: %s %s\n", f.Loc, f.Rule.ID, f.Message)
	}
	if f.Why != "" {
		ew.printf("    why: %s\n", f.Why)
	}
	if f.Fix != "" {
		ew.printf("    fix: %s\n", f.Fix)
	}
}

func plural(s Severity, n int) string {
	switch {
	case s == Info:
		return "info"
	case n == 1:
		return s.String()
	}
	return s.String() + "s"
}

func summary(res *Result) string {
	if len(res.Findings) == 0 {
		return fmt.Sprintf("no findings (%d rule(s) checked)", len(res.Rules))
	}
	var parts []string
	for _, s := range Severities {
		parts = append(parts, fmt.Sprintf("%d %s", res.Count(s), plural(s, res.Count(s))))
	}
	return strings.Join(parts, ", ")
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// JSONReport is the -o json document.
type JSONReport struct {
	Topology string         `json:"topology"`
	Source   string         `json:"source"`
	RulesRun int            `json:"rulesRun"`
	Summary  map[string]int `json:"summary"`
	Findings []JSONFinding  `json:"findings"`
}

// JSONFinding is one finding in the JSON report.
type JSONFinding struct {
	Rule     string         `json:"rule"`
	Severity Severity       `json:"severity"`
	Title    string         `json:"title"`
	Message  string         `json:"message"`
	Location model.Location `json:"location"`
	Why      string         `json:"why"`
	Fix      string         `json:"fix"`
	Source   string         `json:"source"`
	Doc      string         `json:"doc"`
}

// WriteJSON writes the report as one indented JSON document.
func WriteJSON(w io.Writer, subj Subject, res *Result) error {
	rep := JSONReport{
		Topology: subj.Topology, Source: subj.Source, RulesRun: len(res.Rules),
		Summary:  map[string]int{},
		Findings: make([]JSONFinding, 0, len(res.Findings)),
	}
	for _, s := range Severities {
		rep.Summary[s.String()] = res.Count(s)
	}
	for _, f := range res.Findings {
		rep.Findings = append(rep.Findings, JSONFinding{
			Rule: f.Rule.ID, Severity: f.Severity, Title: f.Rule.Title, Message: f.Message,
			Location: f.Loc, Why: f.Why, Fix: f.Fix, Source: f.Rule.Source, Doc: f.Rule.DocPath(),
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
