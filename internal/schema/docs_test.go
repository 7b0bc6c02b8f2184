package schema

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

var region = regexp.MustCompile(`(?s)<!-- fields:begin (\S+) -->\n(.*?)<!-- fields:end (\S+) -->`)

// docs/topology.md holds, for each element type, the field table generated
// from the tags between its markers; the prose and examples around them are
// written by hand. -update rewrites the tables.
func TestDocFieldTables(t *testing.T) {
	data, err := os.ReadFile(docFile)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	secs, err := Sections()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, s := range secs {
		want[s.Name] = s.Body
	}
	var problems []string
	var found []string
	stale := 0
	doc = region.ReplaceAllStringFunc(doc, func(m string) string {
		sm := region.FindStringSubmatch(m)
		name, body, end := sm[1], sm[2], sm[3]
		found = append(found, name)
		if end != name {
			problems = append(problems, fmt.Sprintf("region %s ends with the marker of %s", name, end))
			return m
		}
		w, ok := want[name]
		if !ok {
			problems = append(problems, fmt.Sprintf("region %s: the model has no such element type; remove the section", name))
			return m
		}
		if body != w {
			stale++
		}
		return BeginMarker(name) + "\n" + w + EndMarker(name)
	})
	seen := map[string]int{}
	for _, n := range found {
		seen[n]++
	}
	for _, s := range secs {
		switch seen[s.Name] {
		case 0:
			problems = append(problems, fmt.Sprintf("no section for %s: add a heading \"### %s\", a line %s and a line %s, then run go test ./internal/schema -update",
				s.Name, s.Name, BeginMarker(s.Name), EndMarker(s.Name)))
		case 1:
		default:
			problems = append(problems, fmt.Sprintf("%s has %d regions", s.Name, seen[s.Name]))
		}
		if !regexp.MustCompile(`(?m)^#{2,3} ` + regexp.QuoteMeta(s.Name) + `$`).MatchString(doc) {
			problems = append(problems, fmt.Sprintf("no heading \"### %s\": the tables link to #%s", s.Name, strings.ToLower(s.Name)))
		}
	}
	// The sections follow the file's structure, as the tables do.
	var order []string
	for _, s := range secs {
		if seen[s.Name] > 0 {
			order = append(order, s.Name)
		}
	}
	var foundKnown []string
	for _, n := range found {
		if _, ok := want[n]; ok {
			foundKnown = append(foundKnown, n)
		}
	}
	if strings.Join(foundKnown, " ") != strings.Join(order, " ") {
		problems = append(problems, fmt.Sprintf("sections are in the order %v; the file's order is %v", foundKnown, order))
	}
	for _, p := range problems {
		t.Error(p)
	}
	if stale == 0 {
		return
	}
	if *update {
		if err := os.WriteFile(docFile, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%d field tables of %s are stale: run go test ./internal/schema -update", stale, docFile)
}

// block is a fenced code block of the document.
type block struct {
	line int      // of the opening fence
	end  int      // line of the closing fence
	info []string // words after ```
	text string
}

func fencedBlocks(doc string) []block {
	var out []block
	lines := strings.Split(doc, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if !strings.HasPrefix(l, "```") {
			continue
		}
		b := block{line: i + 1, info: strings.Fields(strings.TrimPrefix(l, "```"))}
		var body []string
		for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
			body = append(body, lines[i])
		}
		b.end = i + 1
		b.text = strings.Join(body, "\n") + "\n"
		if len(body) == 0 {
			b.text = ""
		}
		out = append(out, b)
	}
	return out
}

// completeFragment adds the top-level fields a part of a topology leaves out.
func completeFragment(text string) string {
	for _, f := range []struct{ key, text string }{
		{"metadata", "metadata:\n  name: example\n"},
		{"kind", "kind: Topology\n"},
		{"apiVersion", "apiVersion: " + model.APIVersion + "\n"},
	} {
		if !regexp.MustCompile(`(?m)^` + f.key + `:`).MatchString(text) {
			text = f.text + text
		}
	}
	return text
}

// Every YAML example of docs/topology.md is checked:
//
//	```yaml                       part of a topology: valid against the schema and the decoder once
//	                              apiVersion, kind and metadata are added (references may dangle)
//	```yaml topology              a complete file: valid against the schema, and it loads with no error
//	```yaml kubernetes PATH       a manifest, at PATH beside the complete file
//	```yaml error                 a broken file; the ```text block after it is what the loader says
func TestDocExamples(t *testing.T) {
	data, err := os.ReadFile(docFile)
	if err != nil {
		t.Fatal(err)
	}
	s := compiled(t)
	blocks := fencedBlocks(string(data))
	manifests := fstest.MapFS{}
	for _, b := range blocks {
		if len(b.info) >= 2 && b.info[0] == "yaml" && b.info[1] == "kubernetes" {
			if len(b.info) != 3 {
				t.Errorf("line %d: write ```yaml kubernetes PATH", b.line)
				continue
			}
			var objs model.KubeObjects
			if errs := load.Manifests(b.info[2], []byte(b.text), &objs); len(errs) > 0 {
				t.Errorf("line %d: manifest: %v", b.line, errs)
			}
			manifests[b.info[2]] = &fstest.MapFile{Data: []byte(b.text)}
		}
	}
	complete := 0
	rewrite := map[int]string{} // text block index → what the loader says
	for i, b := range blocks {
		if len(b.info) == 0 || b.info[0] != "yaml" {
			continue
		}
		kind := ""
		if len(b.info) > 1 {
			kind = b.info[1]
		}
		at := fmt.Sprintf("%s:%d", docFile, b.line)
		switch kind {
		case "":
			text := completeFragment(b.text)
			if err := validate(s, []byte(text)); err != nil {
				t.Errorf("%s: the schema refuses this example: %v", at, err)
			}
			if _, errs := load.Decode("example.yaml", []byte(text)); len(errs) > 0 {
				t.Errorf("%s: the loader refuses this example: %v", at, errs)
			}
		case "topology":
			complete++
			if err := validate(s, []byte(b.text)); err != nil {
				t.Errorf("%s: the schema refuses this example: %v", at, err)
			}
			files := fstest.MapFS{"topology.yaml": &fstest.MapFile{Data: []byte(b.text)}}
			for k, v := range manifests {
				files[k] = v
			}
			if _, errs := load.Topology(load.FSFiles{FS: files}, "topology.yaml"); len(errs) > 0 {
				t.Errorf("%s: the example does not load:\n%v", at, errs)
			}
		case "kubernetes":
		case "error":
			_, errs := load.Bytes(load.FSFiles{FS: fstest.MapFS{}}, "topology.yaml", []byte(b.text))
			if len(errs) == 0 {
				t.Errorf("%s: the broken example loads without error", at)
				continue
			}
			if i+1 >= len(blocks) || len(blocks[i+1].info) == 0 || blocks[i+1].info[0] != "text" {
				t.Errorf("%s: follow the broken example with a ```text block of the loader's messages", at)
				continue
			}
			got := errs.Error() + "\n"
			if want := blocks[i+1].text; got != want {
				if *update {
					rewrite[i+1] = got
					continue
				}
				t.Errorf("%s: the loader says\n%s\nnot\n%s(run go test ./internal/schema -update)", at, got, want)
			}
		default:
			t.Errorf("%s: unknown example kind %q", at, kind)
		}
	}
	if complete == 0 {
		t.Errorf("%s has no ```yaml topology example", docFile)
	}
	if len(rewrite) > 0 {
		lines := strings.Split(string(data), "\n")
		var out []string
		next := 0 // first line of lines not yet copied
		for i, b := range blocks {
			text, ok := rewrite[i]
			if !ok {
				continue
			}
			out = append(out, lines[next:b.line]...) // through the opening fence
			out = append(out, strings.Split(strings.TrimSuffix(text, "\n"), "\n")...)
			next = b.end - 1 // the closing fence
		}
		out = append(out, lines[next:]...)
		if err := os.WriteFile(docFile, []byte(strings.Join(out, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
