package load

import (
	"bytes"
	"fmt"
	"math"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// nodeJSON writes a yaml.v3 node tree as JSON, for apimachinery's JSON
// decoder. Manifests are parsed once, by yaml.v3, into nodes that also give
// every field's line; converting those nodes costs a fraction of
// re-parsing the text (sigs.k8s.io/yaml goes through yaml.v2 and
// interface{} maps).
//
// kubectl reads manifests as YAML 1.1 (sigs.k8s.io/yaml uses yaml.v2), where
// plain yes/no/on/off/y/n are booleans; yaml.v3 reads YAML 1.2, where they
// are strings. The conversion follows kubectl, so `hostNetwork: yes` works
// and `value: yes` in an env var fails, as it does in a real cluster.
type nodeJSON struct {
	buf     bytes.Buffer
	aliases int
}

func toJSON(n *yaml.Node) ([]byte, error) {
	var c nodeJSON
	if err := c.write(n, 0); err != nil {
		return nil, err
	}
	return c.buf.Bytes(), nil
}

func (c *nodeJSON) write(n *yaml.Node, depth int) error {
	if depth > maxDepth {
		return nodeErr(n, "nesting deeper than %d levels", maxDepth)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			c.buf.WriteString("null")
			return nil
		}
		return c.write(n.Content[0], depth+1)
	case yaml.AliasNode:
		c.aliases++
		if c.aliases > maxAliasExpansions || n.Alias == nil {
			return nodeErr(n, "too many or unknown alias expansions")
		}
		return c.write(n.Alias, depth+1)
	case yaml.SequenceNode:
		c.buf.WriteByte('[')
		for i, item := range n.Content {
			if i > 0 {
				c.buf.WriteByte(',')
			}
			if err := c.write(item, depth+1); err != nil {
				return err
			}
		}
		c.buf.WriteByte(']')
		return nil
	case yaml.MappingNode:
		return c.mapping(n, depth)
	case yaml.ScalarNode:
		return c.scalar(n)
	}
	return nodeErr(n, "unexpected YAML node")
}

func (c *nodeJSON) mapping(n *yaml.Node, depth int) error {
	seen := map[string]bool{}
	var pairs [][2]*yaml.Node
	var collect func(m *yaml.Node, merged bool) error
	collect = func(m *yaml.Node, merged bool) error {
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
				srcs := []*yaml.Node{v}
				if v.Kind == yaml.SequenceNode {
					srcs = v.Content
				}
				for _, s := range srcs {
					for s.Kind == yaml.AliasNode && s.Alias != nil {
						s = s.Alias
					}
					if s.Kind != yaml.MappingNode {
						return nodeErr(s, "<< merges a mapping")
					}
					if err := collect(s, true); err != nil {
						return err
					}
				}
				continue
			}
			if k.Kind != yaml.ScalarNode {
				return nodeErr(k, "a key must be a plain value")
			}
			if seen[k.Value] {
				if merged {
					continue // an explicit key overrides a merged one
				}
				return nodeErr(k, "duplicate key %q", k.Value)
			}
			seen[k.Value] = true
			pairs = append(pairs, [2]*yaml.Node{k, v})
		}
		return nil
	}
	// Explicit keys first, so they win over merged ones.
	own := &yaml.Node{Kind: yaml.MappingNode}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Tag == "!!merge" {
			merges = append(merges, n.Content[i], n.Content[i+1])
		} else {
			own.Content = append(own.Content, n.Content[i], n.Content[i+1])
		}
	}
	if err := collect(own, false); err != nil {
		return err
	}
	if len(merges) > 0 {
		if err := collect(&yaml.Node{Kind: yaml.MappingNode, Content: merges}, true); err != nil {
			return err
		}
	}
	c.buf.WriteByte('{')
	for i, p := range pairs {
		if i > 0 {
			c.buf.WriteByte(',')
		}
		c.buf.WriteString(strconv.Quote(p[0].Value))
		c.buf.WriteByte(':')
		if err := c.write(p[1], depth+1); err != nil {
			return err
		}
	}
	c.buf.WriteByte('}')
	return nil
}

func (c *nodeJSON) scalar(n *yaml.Node) error {
	switch n.ShortTag() {
	case "!!null":
		c.buf.WriteString("null")
	case "!!bool":
		b, err := strconv.ParseBool(n.Value)
		if err != nil {
			return nodeErr(n, "%q is not a boolean", n.Value)
		}
		c.buf.WriteString(strconv.FormatBool(b))
	case "!!int":
		i, err := strconv.ParseInt(n.Value, 0, 64)
		if err != nil {
			// Out of int64 range, or an unusual form: keep the text.
			c.buf.WriteString(strconv.Quote(n.Value))
			return nil
		}
		c.buf.WriteString(strconv.FormatInt(i, 10))
	case "!!float":
		f, err := strconv.ParseFloat(n.Value, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nodeErr(n, "%q is not a finite number", n.Value)
		}
		c.buf.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
	case "!!str":
		if n.Style == 0 {
			if b, ok := yaml11Bools[n.Value]; ok {
				c.buf.WriteString(strconv.FormatBool(b))
				return nil
			}
		}
		c.buf.WriteString(strconv.Quote(n.Value))
	default:
		c.buf.WriteString(strconv.Quote(n.Value))
	}
	return nil
}

// yaml11Bools are the plain scalars YAML 1.1 (yaml.v2's resolver) reads as
// booleans beyond true and false.
var yaml11Bools = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
	"n": false, "N": false, "no": false, "No": false, "NO": false, "off": false, "Off": false, "OFF": false,
}

func yaml11Bool(s string) bool {
	_, ok := yaml11Bools[s]
	return ok
}

// nodeError is a conversion error at a node.
type nodeError struct {
	line, column int
	msg          string
}

func (e *nodeError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

func nodeErr(n *yaml.Node, format string, args ...any) error {
	return &nodeError{line: n.Line, column: n.Column, msg: fmt.Sprintf(format, args...)}
}
