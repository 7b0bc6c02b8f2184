package check

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Every rule's examples live in testdata/rules/ID/: fail.yaml (a topology
// that triggers the rule), pass.yaml (the same estate fixed), files whose
// names start with fail- or pass- that they include (Kubernetes manifests),
// and fail.txt, what `aksnet check --rule ID` prints for fail.yaml. The
// tests load both topologies and assert that the rule fires on the first
// and not on the second, and that fail.txt is what it prints, so the pages
// rendered from them (docs/rules/ID.md, `aksnet check --explain ID`) show
// examples that really fail and pass.
//
//go:embed testdata/rules
var embeddedExamples embed.FS

// examplesFS is where Doc reads examples: the embedded copy, or in tests
// the files on disk, which -update may have just rewritten.
var examplesFS fs.FS = embeddedExamples

// examplesDir is the folder of a rule's examples inside examplesFS.
func examplesDir(id string) string { return "testdata/rules/" + id }

// exampleFiles lists a rule's example files whose names start with prefix
// (fail or pass), the topology first.
func exampleFiles(id, prefix string) []string {
	entries, err := fs.ReadDir(examplesFS, examplesDir(id))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && strings.HasPrefix(n, prefix) && strings.HasSuffix(n, ".yaml") && n != prefix+".yaml" {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	if _, err := fs.Stat(examplesFS, path.Join(examplesDir(id), prefix+".yaml")); err == nil {
		out = append([]string{prefix + ".yaml"}, out...)
	}
	return out
}

func readExample(id, name string) string {
	b, err := fs.ReadFile(examplesFS, path.Join(examplesDir(id), name))
	if err != nil {
		return ""
	}
	return string(b)
}

// Doc renders a rule's page, the content of docs/rules/ID.md and of
// `aksnet check --explain ID`.
func Doc(r *Rule) string {
	var b strings.Builder
	f := r.Family()
	fmt.Fprintf(&b, "# %s: %s\n\n", r.ID, r.Title)
	fmt.Fprintf(&b, "Default severity **%s** · family %s (%s) · [all rules](README.md)\n\n", r.Severity, f.Prefix, f.Title)
	fmt.Fprintf(&b, "## What it checks\n\n%s\n\n", r.What)
	fmt.Fprintf(&b, "## Why it matters\n\n%s\n\n", r.Why)
	fmt.Fprintf(&b, "Source: %s.\n\n", strings.TrimSuffix(r.Source, "."))
	fmt.Fprintf(&b, "## How to fix it\n\n%s\n\n", r.Fix)
	b.WriteString("## Failing example\n\n")
	files := exampleFiles(r.ID, "fail")
	if len(files) == 0 {
		b.WriteString("No example yet.\n\n")
	}
	writeFiles(&b, r.ID, files)
	if out := readExample(r.ID, "fail.txt"); out != "" {
		fmt.Fprintf(&b, "`aksnet check -f fail.yaml --rule %s` reports:\n\n```text\n%s```\n\n", r.ID, out)
	}
	b.WriteString("## Passing example\n\n")
	files = exampleFiles(r.ID, "pass")
	if len(files) == 0 {
		b.WriteString("No example yet.\n")
		return b.String()
	}
	writeFiles(&b, r.ID, files)
	fmt.Fprintf(&b, "`aksnet check -f pass.yaml --rule %s` reports no finding.\n", r.ID)
	return b.String()
}

func writeFiles(b *strings.Builder, id string, files []string) {
	for _, n := range files {
		fmt.Fprintf(b, "`%s`:\n\n```yaml\n%s```\n\n", n, abridge(readExample(id, n), "internal/check/"+examplesDir(id)+"/"+n))
	}
}

// abridge shortens a long example (301 Services) to its head and tail, with
// a comment that says where the whole file is.
func abridge(text, where string) string {
	const head, tail = 16, 3
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) <= 2*head {
		return text
	}
	return strings.Join(lines[:head], "") +
		fmt.Sprintf("# … %d more lines: the whole file is %s\n", len(lines)-head-tail, where) +
		strings.Join(lines[len(lines)-tail:], "")
}

// Index renders docs/rules/README.md: every rule, by family.
func Index() string {
	rules := Rules()
	var b strings.Builder
	b.WriteString("# Rules of `aksnet check`\n\n")
	fmt.Fprintf(&b, "%d rules. Each page says what the rule checks, why it matters (with its public source), how to fix it, and shows a topology that fails the rule and the same topology fixed; the tests run both. `aksnet check --explain ID` prints a page; `aksnet check --rule ID` (or a family, e.g. `--rule NET`) runs only those rules.\n\n", len(rules))
	b.WriteString("Severities: **error** — the platform refuses it or traffic breaks; **warning** — likely to break, unsupported or undocumented; **info** — worth knowing. `aksnet check` exits 1 when a finding at or above the failing severity (warning, or `--min-severity` when higher) is reported.\n\n")
	b.WriteString("These pages are generated from the rules (internal/check) and their examples (internal/check/testdata/rules); edit those and run `go test ./internal/check -update`.\n")
	for _, f := range Families {
		fmt.Fprintf(&b, "\n## %s — %s\n\n", f.Prefix, f.Title)
		var fam []*Rule
		for _, r := range rules {
			if r.Family().Prefix == f.Prefix {
				fam = append(fam, r)
			}
		}
		if len(fam) == 0 {
			b.WriteString("No rules yet.\n")
			continue
		}
		b.WriteString("| Rule | Severity | Title |\n|---|---|---|\n")
		for _, r := range fam {
			fmt.Fprintf(&b, "| [%s](%s.md) | %s | %s |\n", r.ID, r.ID, r.Severity, r.Title)
		}
	}
	return b.String()
}

// FindingText renders findings as the text report's lines (no header or
// summary), the form of the examples' fail.txt.
func FindingText(fs []Finding) string {
	var b strings.Builder
	ew := &errWriter{w: &b}
	for _, f := range fs {
		writeFinding(ew, f)
	}
	return b.String()
}
