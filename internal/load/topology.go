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
	"slices"
	"strings"

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
	root, perr := parse(name, data)
	if perr != nil {
		return nil, model.ErrorList{perr}
	}
	// Kubernetes manifests depend only on the paths the clusters list: start
	// reading them as soon as the YAML is parsed, while the topology is
	// decoded, linked and validated.
	pre := prefetchManifests(files, name, root)
	t, errs := decodeRoot(name, root)
	// Validation runs even when references failed to resolve: its checks
	// skip what is unresolved, so the user sees every independent problem.
	errs = append(errs, t.Link()...)
	errs = append(errs, t.Validate()...)
	for i, c := range t.Azure.Clusters {
		objs, oerrs := pre.get(i, c)
		errs = append(errs, oerrs...)
		errs = append(errs, attach(c, objs)...)
	}
	errs.Sort()
	return t, errs
}

// prefetch holds the manifests of each cluster, read from the node tree
// before the topology is decoded.
type prefetch struct {
	files Files
	name  string
	stubs []*model.Cluster // as far as the nodes say; nil where unsure
	done  []chan struct{}
	objs  []*model.KubeObjects
	errs  []model.ErrorList
}

func prefetchManifests(files Files, name string, root *yaml.Node) *prefetch {
	p := &prefetch{files: files, name: name}
	_, azure := mappingEntry(root, "azure")
	_, clusters := mappingEntry(azure, "aksClusters")
	if clusters == nil || clusters.Kind != yaml.SequenceNode {
		return p
	}
	n := len(clusters.Content)
	p.stubs, p.done = make([]*model.Cluster, n), make([]chan struct{}, n)
	p.objs, p.errs = make([]*model.KubeObjects, n), make([]model.ErrorList, n)
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, item := range clusters.Content {
		c := clusterStub(name, item)
		if c == nil {
			continue
		}
		p.stubs[i], p.done[i] = c, make(chan struct{})
		go func() {
			defer close(p.done[i])
			sem <- struct{}{}
			defer func() { <-sem }()
			p.objs[i], p.errs[i] = clusterObjects(files, name, c)
		}()
	}
	return p
}

// clusterStub reads a cluster's name and manifest paths from its node, or
// returns nil when the node is anything but plain (aliases, merges, odd
// types): the cluster's manifests are then read after decoding.
func clusterStub(file string, n *yaml.Node) *model.Cluster {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	_, nameNode := mappingEntry(n, "name")
	_, k := mappingEntry(n, "kubernetes")
	if nameNode == nil || nameNode.Kind != yaml.ScalarNode || k == nil || k.Kind != yaml.MappingNode {
		return nil
	}
	_, ms := mappingEntry(k, "manifests")
	if ms == nil || ms.Kind != yaml.SequenceNode {
		return nil
	}
	c := &model.Cluster{Name: nameNode.Value}
	c.Kubernetes.Loc = model.Location{File: file, Line: k.Line, Column: k.Column}
	for _, m := range ms.Content {
		if m.Kind != yaml.ScalarNode || m.Tag != "!!str" {
			return nil
		}
		c.Kubernetes.Manifests = append(c.Kubernetes.Manifests, m.Value)
	}
	return c
}

// get returns the i-th decoded cluster's objects: the prefetched ones when
// the cluster is what the nodes said, otherwise read now.
func (p *prefetch) get(i int, c *model.Cluster) (*model.KubeObjects, model.ErrorList) {
	if i < len(p.stubs) && p.stubs[i] != nil {
		<-p.done[i]
		s := p.stubs[i]
		if s.Name == c.Name && s.Kubernetes.Loc == c.Kubernetes.Loc && slices.Equal(s.Kubernetes.Manifests, c.Kubernetes.Manifests) {
			return p.objs[i], p.errs[i]
		}
	}
	return clusterObjects(p.files, p.name, c)
}

// Decode parses the YAML of a topology file into the model, without
// resolving references.
func Decode(name string, data []byte) (*model.Topology, model.ErrorList) {
	root, err := parse(name, data)
	if err != nil {
		return nil, model.ErrorList{err}
	}
	return decodeRoot(name, root)
}

// parse turns the file into its root mapping node: in sections on all cores
// when it is large and plain, else in one go.
func parse(name string, data []byte) (*yaml.Node, *model.Error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, model.Errorf(model.Location{File: name}, "the file is empty").
			WithHint("start with apiVersion: %s, kind: Topology and metadata.name; see docs/topology.md", model.APIVersion)
	}
	if root := parseSections(data); root != nil {
		return root, nil
	}
	return parseWhole(name, data)
}

// decodeRoot decodes the root node into a topology, without linking it.
func decodeRoot(name string, root *yaml.Node) (*model.Topology, model.ErrorList) {
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
