package load_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/aksnet/aksnet/internal/gen"
	"github.com/aksnet/aksnet/internal/load"
)

// The sectioned parse must give exactly the node tree of a whole parse —
// same kinds, tags, values, lines and columns — or decline.
func TestSectionedParseEqualsWholeParse(t *testing.T) {
	defer load.SetSplitThreshold(load.SetSplitThreshold(0))
	defer load.SetPartLines(load.SetPartLines(7)) // cut lists into many parts
	inputs := map[string][]byte{}
	files, _ := filepath.Glob("../../examples/*/topology.yaml")
	valid, _ := filepath.Glob("testdata/valid/*.yaml")
	for _, p := range append(files, valid...) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs[p] = data
	}
	m, err := gen.Generate(gen.Params{Spokes: 30, EndpointsPerSpoke: 4, Clusters: 3, ServicesPerCluster: 2, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	inputs["generated"] = m["topology.yaml"]
	if len(inputs) < 2 {
		t.Fatal("no inputs")
	}
	split := 0
	for name, data := range inputs {
		got := load.ParseSections(data)
		want, err := load.ParseWhole(name, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got == nil {
			t.Logf("%s: declined (uses features the split does not handle)", name)
			continue
		}
		split++
		if d := diffNodes(got, want, "$"); d != "" {
			t.Errorf("%s: sectioned parse differs: %s", name, d)
		}
	}
	if split < 2 {
		t.Errorf("only %d inputs were split; the fast path is not exercised", split)
	}
}

// Features that tie sections together make the split decline.
func TestSectionedParseDeclines(t *testing.T) {
	defer load.SetSplitThreshold(load.SetSplitThreshold(0))
	for name, src := range map[string]string{
		"anchor":         "a: &x 1\nb: *x\n",
		"two documents":  "a: 1\n---\nb: 2\n",
		"top-level list": "- a\n- b\n",
		"tab":            "a:\n\tb: 1\n",
		"flow across":    "a: {b: 1,\n  c: 2}\nd:\n  e: 1\n",
		"quoted key":     "'a': 1\n",
		"merge":          "a:\n  b: 1\nc:\n  <<: {d: 1}\n",
		"syntax error":   "a:\n  b: [1\nc: 2\n",
		"indent-1 line":  "a:\n  b: 1\n c: 2\n",
	} {
		n := load.ParseSections([]byte(src))
		if name == "flow across" || name == "indent-1 line" {
			// These may split or decline; if split, it must agree.
			if n != nil {
				want, err := load.ParseWhole(name, []byte(src))
				if err != nil {
					t.Errorf("%s: split a document the whole parse rejects: %v", name, err)
				} else if d := diffNodes(n, want, "$"); d != "" {
					t.Errorf("%s: %s", name, d)
				}
			}
			continue
		}
		if n != nil {
			t.Errorf("%s: split, want decline", name)
		}
	}
}

func diffNodes(a, b *yaml.Node, path string) string {
	if a.Kind != b.Kind || a.ShortTag() != b.ShortTag() || a.Value != b.Value || a.Line != b.Line || a.Column != b.Column {
		return fmt.Sprintf("%s: got %s, want %s", path, nodeString(a), nodeString(b))
	}
	if len(a.Content) != len(b.Content) {
		return fmt.Sprintf("%s: %d children, want %d", path, len(a.Content), len(b.Content))
	}
	for i := range a.Content {
		if d := diffNodes(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); d != "" {
			return d
		}
	}
	return ""
}

func nodeString(n *yaml.Node) string {
	return fmt.Sprintf("{kind %d tag %s value %q at %d:%d}", n.Kind, n.ShortTag(), strings.TrimSpace(n.Value), n.Line, n.Column)
}

// FuzzSectionedParse: whenever the sectioned parse accepts a document, a
// whole parse must accept it too and give the same tree.
func FuzzSectionedParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/valid/*.yaml")
	broken, _ := filepath.Glob("testdata/broken/*.yaml")
	for _, p := range append(files, broken...) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("a: \"x\nb: y\"\nc:\n  d: 1\n"))
	f.Add([]byte("a:\n  b: |\n    text\n  c: 1\nd: 2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer load.SetSplitThreshold(load.SetSplitThreshold(0))
		defer load.SetPartLines(load.SetPartLines(2))
		got := load.ParseSections(data)
		if got == nil {
			return
		}
		want, err := load.ParseWhole("f.yaml", data)
		if err != nil {
			t.Fatalf("sectioned parse accepted what a whole parse rejects: %v", err)
		}
		if d := diffNodes(got, want, "$"); d != "" {
			t.Fatalf("sectioned parse differs: %s", d)
		}
	})
}

// Bytes the chunks do not hold must still be checked: a control character
// in a comment makes the whole parse fail, so the sectioned one must too.
func TestSectionedParseChecksEveryByte(t *testing.T) {
	defer load.SetSplitThreshold(load.SetSplitThreshold(0))
	for _, src := range []string{
		"#\x00\nA:\n  b: 1\n",
		"A:\n#\x00\n  b: 1\n",
		"A: # \x01\n  b: 1\n",
	} {
		if _, err := load.ParseWhole("f.yaml", []byte(src)); err == nil {
			t.Fatalf("%q: the whole parse accepts it; the test needs a rejected input", src)
		}
		if n := load.ParseSections([]byte(src)); n != nil {
			t.Errorf("%q: sectioned parse accepted what a whole parse rejects", src)
		}
	}
}
