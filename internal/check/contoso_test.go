package check

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/examples"
	"github.com/aksnet/aksnet/internal/load"
)

// findingRow is a row of the Findings table of examples/contoso/README.md:
// | RULE | severity | `location` | message |.
var findingRow = regexp.MustCompile("^\\|\\s*\\[?([A-Z]+[0-9]{3})\\]?(?:\\([^)]*\\))?\\s*\\|\\s*(error|warning|info)\\s*\\|\\s*`([^`]+)`\\s*\\|")

// documentedFindings reads the Findings section of the estate's README:
// "RULE severity location" per row, in order.
func documentedFindings(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "contoso", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(data), "\n## Findings\n")
	if !ok {
		t.Fatal(`examples/contoso/README.md has no "## Findings" section`)
	}
	if i := strings.Index(sec, "\n## "); i >= 0 {
		sec = sec[:i]
	}
	var out []string
	for _, line := range strings.Split(sec, "\n") {
		if m := findingRow.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			out = append(out, fmt.Sprintf("%s %s %s", m[1], m[2], m[3]))
		}
	}
	return out
}

// The embedded estate gets exactly the findings its README documents: no
// more (a false positive, or an estate that drifted), no fewer.
func TestContosoFindings(t *testing.T) {
	topo, errs := load.Topology(load.FSFiles{FS: examples.FS}, examples.Default)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	res := runAll(t, topo)
	var got []string
	for _, f := range res.Findings {
		got = append(got, fmt.Sprintf("%s %s %s", f.Rule.ID, f.Severity, f.Loc))
	}
	want := documentedFindings(t)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("aksnet check on Contoso reports:\n%s\n\nexamples/contoso/README.md documents:\n%s\n\nfindings in full:\n%s",
			strings.Join(got, "\n"), strings.Join(want, "\n"), FindingText(res.Findings))
	}
}

// The README's row format is what documentedFindings reads.
func TestFindingRowFormat(t *testing.T) {
	for line, want := range map[string]string{
		"| NET003 | error | `contoso/topology.yaml:12:7` | cluster … |":             "NET003 error contoso/topology.yaml:12:7",
		"| [DNS001](../../docs/rules/DNS001.md) | warning | `k8s/a.yaml:1:1` | x |": "DNS001 warning k8s/a.yaml:1:1",
		"| Rule | Severity | Location | Finding |":                                  "",
	} {
		got := ""
		if m := findingRow.FindStringSubmatch(line); m != nil {
			got = fmt.Sprintf("%s %s %s", m[1], m[2], m[3])
		}
		if got != want {
			t.Errorf("%q read as %q, want %q", line, got, want)
		}
	}
}
