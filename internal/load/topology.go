// Package load reads topology files and the Kubernetes manifests they include
// into the model. It decides no semantics: it decodes strictly, reports every
// problem with its file, line and column, and hands the result to
// model.Link and model.Validate.
package load

import (
	"bytes"
	"fmt"
	"reflect"

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
	// Validation runs even when references failed to resolve: its checks
	// skip what is unresolved, so the user sees every independent problem.
	errs = append(errs, t.Link()...)
	errs = append(errs, t.Validate()...)
	for _, c := range t.Azure.Clusters {
		errs = append(errs, clusterObjects(files, name, c)...)
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
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			return nil, model.ErrorList{syntaxError(name, err)}
		}
		docs = append(docs, &doc)
	}
	if len(docs) == 0 {
		return nil, model.ErrorList{model.Errorf(at, "the file holds no YAML document")}
	}
	if len(docs) > 1 {
		return nil, model.ErrorList{model.Errorf(model.Location{File: name, Line: docs[1].Line, Column: docs[1].Column},
			"a topology file holds one YAML document; found %d", len(docs)).
			WithHint("put Kubernetes manifests in their own files and list them under aksClusters[].kubernetes.manifests")}
	}
	root := docs[0]
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, model.ErrorList{model.Errorf(model.Location{File: name, Line: root.Line, Column: root.Column},
			"a topology is a mapping of fields, got %s", kindNames[root.Kind]).
			WithHint("start with apiVersion: %s", model.APIVersion)}
	}
	d := &decoder{file: name}
	t := &model.Topology{}
	d.decode(root, reflect.ValueOf(t).Elem(), "")
	t.Loc = model.Location{File: name, Line: root.Line, Column: root.Column}
	return t, d.errs
}

// syntaxError locates a YAML syntax error. The yaml package puts the line in
// its message ("yaml: line 7: did not find expected key").
func syntaxError(name string, err error) *model.Error {
	msg := err.Error()
	line := 0
	var rest string
	if n, _ := fmt.Sscanf(msg, "yaml: line %d:", &line); n == 1 {
		if i := bytes.IndexByte([]byte(msg), ':'); i >= 0 {
			if j := bytes.IndexByte([]byte(msg[i+1:]), ':'); j >= 0 {
				rest = msg[i+1+j+2:]
			}
		}
	} else {
		rest = trimPrefix(msg, "yaml: ")
	}
	return model.Errorf(model.Location{File: name, Line: line}, "YAML syntax: %s", rest).
		WithHint("check indentation and quoting on this line or the one before")
}

func trimPrefix(s, p string) string {
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}
