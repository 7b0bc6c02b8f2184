// Package load reads topology files and the Kubernetes manifests they include
// into the model. It decides no semantics: it decodes strictly, reports every
// problem with its file, line and column, and hands the result to
// model.Link and model.Validate.
package load

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/aksnet/aksnet/internal/model"
)

// Topology loads the topology file name from files, with every manifest it
// includes. When the returned list is not empty the topology must not be
// used: it may be partial.
func Topology(files Files, name string) (*model.Topology, model.ErrorList) {
	data, err := files.ReadFile(name)
	if err != nil {
		return nil, model.ErrorList{model.Errorf(model.Location{File: name}, "cannot read topology: %s", describe(err))}
	}
	return Bytes(files, name, data)
}

// Bytes loads a topology from data, read from name; files resolves the
// manifests it includes.
func Bytes(files Files, name string, data []byte) (*model.Topology, model.ErrorList) {
	t, errs := Decode(name, data)
	if t == nil {
		return nil, errs
	}
	// Kubernetes manifests do not depend on the topology's links: decode
	// them, a cluster per goroutine, while the topology is linked.
	clusters := t.Azure.Clusters
	objs := make([]*model.KubeObjects, len(clusters))
	objErrs := make([]model.ErrorList, len(clusters))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, c := range clusters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			objs[i], objErrs[i] = clusterObjects(files, name, c)
		}()
	}
	// Validation runs even when references failed to resolve: its checks
	// skip what is unresolved, so the user sees every independent problem.
	errs = append(errs, t.Link()...)
	errs = append(errs, t.Validate()...)
	wg.Wait()
	for i, c := range clusters {
		errs = append(errs, objErrs[i]...)
		errs = append(errs, attach(c, objs[i])...)
	}
	errs.Sort()
	return t, errs
}

// Decode parses the YAML of a topology file into the model, without
// resolving references.
func Decode(name string, data []byte) (*model.Topology, model.ErrorList) {
	at := model.Location{File: name}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, model.ErrorList{model.Errorf(at, "the file is empty").
			WithHint("start with apiVersion: %s, kind: Topology and metadata.name; see docs/topology.md", model.APIVersion)}
	}
	root := parseSections(data)
	if root == nil {
		var err *model.Error
		if root, err = parseWhole(name, data); err != nil {
			return nil, model.ErrorList{err}
		}
	}
	d := &decoder{file: name}
	t := &model.Topology{}
	d.decode(root, reflect.ValueOf(t).Elem(), "")
	t.Loc = model.Location{File: name, Line: root.Line, Column: root.Column}
	return t, d.errs
}

// parseWhole parses the document in one go, checking that the file holds
// exactly one document whose root is a mapping.
func parseWhole(name string, data []byte) (*yaml.Node, *model.Error) {
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, syntaxError(name, data, err)
		}
		docs = append(docs, &doc)
	}
	if len(docs) == 0 {
		return nil, model.Errorf(model.Location{File: name}, "the file holds no YAML document")
	}
	if len(docs) > 1 {
		return nil, model.Errorf(model.Location{File: name, Line: docs[1].Line, Column: docs[1].Column},
			"a topology file holds one YAML document; found %d", len(docs)).
			WithHint("put Kubernetes manifests in their own files and list them under aksClusters[].kubernetes.manifests")
	}
	root := docs[0]
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, model.Errorf(model.Location{File: name, Line: root.Line, Column: root.Column},
			"a topology is a mapping of fields, got %s", kindNames[root.Kind]).
			WithHint("start with apiVersion: %s", model.APIVersion)
	}
	return root, nil
}

// syntaxError locates a YAML syntax error. yaml.v3 puts a line in its
// message ("yaml: line 7: did not find expected key"), but often the line
// of the enclosing block rather than the line that breaks it, and sometimes
// none. So the line is refined from the text: the first line at which a
// prefix of the document stops parsing, searched forward from yaml's line.
func syntaxError(name string, data []byte, err error) *model.Error {
	msg := err.Error()
	line := 0
	rest := trimPrefix(msg, "yaml: ")
	if n, _ := fmt.Sscanf(msg, "yaml: line %d:", &line); n == 1 {
		_, rest, _ = strings.Cut(rest, ": ")
	}
	line = refineErrorLine(data, line, rest)
	return model.Errorf(model.Location{File: name, Line: line}, "YAML syntax: %s", rest).
		WithHint("check indentation and quoting on this line or the one before")
}

// Bounds of the refinement: it re-parses prefixes, so it looks only a
// little way past yaml's line, and only in files of hand-written size.
const (
	refineWindow   = 60
	refineMaxBytes = 512 << 10
)

func refineErrorLine(data []byte, line int, msg string) int {
	// An unknown alias: the line that uses it.
	if _, after, ok := strings.Cut(msg, "unknown anchor '"); ok {
		anchor, _, _ := strings.Cut(after, "'")
		for i, l := range bytes.Split(data, []byte("\n")) {
			if bytes.Contains(l, []byte("*"+anchor)) {
				return i + 1
			}
		}
		return line
	}
	if len(data) > refineMaxBytes {
		return line
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	start := max(line, 1)
	prefix := 0
	for i := 0; i < start-1 && i < len(lines); i++ {
		prefix += len(lines[i])
	}
	for l := start; l <= len(lines) && l < start+refineWindow; l++ {
		prefix += len(lines[l-1])
		if !parses(data[:prefix]) {
			return l
		}
	}
	return line
}

// parses reports whether text is a well-formed YAML stream.
func parses(text []byte) bool {
	dec := yaml.NewDecoder(bytes.NewReader(text))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
	}
}

func trimPrefix(s, p string) string {
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}
