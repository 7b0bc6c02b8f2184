package check

import (
	"encoding/json"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"strings"
)

// SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), the
// format GitHub code scanning reads. The types hold only what aksnet
// writes; the test validates the output against the OASIS schema
// (testdata/sarif-schema-2.1.0.json, errata 01).

const (
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	sarifVersion = "2.1.0"
	// repoURL is where the rules' pages are published, for helpUri.
	repoURL = "https://github.com/aksnet/aksnet"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
	// ColumnKind says how startColumn counts: yaml.v3 columns count
	// characters (code points), not UTF-16 units.
	ColumnKind string `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifText       `json:"shortDescription"`
	FullDescription      sarifText       `json:"fullDescription"`
	Help                 sarifText       `json:"help"`
	HelpURI              string          `json:"helpUri"`
	DefaultConfiguration sarifConfig     `json:"defaultConfiguration"`
	Properties           sarifProperties `json:"properties"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifProperties struct {
	Tags   []string `json:"tags,omitempty"`
	Source string   `json:"source,omitempty"`
	Why    string   `json:"why,omitempty"`
	Fix    string   `json:"fix,omitempty"`
}

type sarifResult struct {
	RuleID     string          `json:"ruleId"`
	RuleIndex  int             `json:"ruleIndex"`
	Level      string          `json:"level"`
	Message    sarifText       `json:"message"`
	Locations  []sarifLocation `json:"locations,omitempty"`
	Properties sarifProperties `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

func sarifLevel(s Severity) string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "note"
}

// ruleName is the rule's title in PascalCase, SARIF's convention for
// reportingDescriptor.name.
func ruleName(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// artifactURI turns a location's file into a URI reference: relative paths
// stay relative (GitHub resolves them against the repository root), absolute
// ones become file URIs.
func artifactURI(file string) string {
	p := filepath.ToSlash(file)
	if filepath.IsAbs(file) || path.IsAbs(p) {
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: p}).String()
}

// WriteSARIF writes the run as a SARIF 2.1.0 log. Every rule that ran is in
// tool.driver.rules, whether or not it found anything, so code scanning can
// close alerts a fix resolved.
func WriteSARIF(w io.Writer, res *Result) error {
	run := sarifRun{
		Tool:       sarifTool{Driver: sarifDriver{Name: "aksnet", InformationURI: repoURL, Rules: []sarifRule{}}},
		Results:    []sarifResult{},
		ColumnKind: "unicodeCodePoints",
	}
	index := map[string]int{}
	for i, r := range res.Rules {
		index[r.ID] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID: r.ID, Name: ruleName(r.Title),
			ShortDescription:     sarifText{Text: r.Title},
			FullDescription:      sarifText{Text: r.What},
			Help:                 sarifText{Text: "Why: " + r.Why + "\nFix: " + r.Fix, Markdown: "**Why.** " + r.Why + "\n\n**Fix.** " + r.Fix},
			HelpURI:              repoURL + "/blob/main/" + r.DocPath(),
			DefaultConfiguration: sarifConfig{Level: sarifLevel(r.Severity)},
			Properties:           sarifProperties{Tags: []string{r.Family().Prefix}, Source: r.Source},
		})
	}
	for _, f := range res.Findings {
		i, ok := index[f.Rule.ID]
		if !ok {
			// A finding of a rule that did not run cannot happen; keep the
			// log valid rather than point at the wrong rule.
			continue
		}
		sr := sarifResult{
			RuleID: f.Rule.ID, RuleIndex: i, Level: sarifLevel(f.Severity),
			Message:    sarifText{Text: f.Message + "\nFix: " + f.Fix},
			Properties: sarifProperties{Why: f.Why, Fix: f.Fix},
		}
		var loc sarifLocation
		if f.Loc.File != "" {
			loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifact{URI: artifactURI(f.Loc.File)}}
			if f.Loc.Line > 0 && f.Loc.TFAddress == "" {
				loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Loc.Line, StartColumn: f.Loc.Column}
			}
		}
		if f.Loc.TFAddress != "" {
			loc.LogicalLocations = []sarifLogical{{FullyQualifiedName: f.Loc.TFAddress, Kind: "resource"}}
		}
		if loc.PhysicalLocation != nil || loc.LogicalLocations != nil {
			sr.Locations = []sarifLocation{loc}
		}
		run.Results = append(run.Results, sr)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}
