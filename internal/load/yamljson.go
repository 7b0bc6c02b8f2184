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
	fail    error
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
	var bad error
	pairs := mappingPairs(n, c.deref, func(at *yaml.Node, msg string) {
		if bad == nil {
			bad = nodeErr(at, "%s", msg)
		}
	})
	if bad != nil {
		return bad
	}
	if c.fail != nil {
		return c.fail // a merged alias could not be followed: no silent loss
	}
	seen := make(map[string]bool, len(pairs))
	c.buf.WriteByte('{')
	for i, p := range pairs {
		if seen[p.key.Value] {
			return nodeErr(p.key, "duplicate key %q", p.key.Value)
		}
		seen[p.key.Value] = true
		if i > 0 {
			c.buf.WriteByte(',')
		}
		c.buf.WriteString(strconv.Quote(p.key.Value))
		c.buf.WriteByte(':')
		if err := c.write(p.value, depth+1); err != nil {
			return err
		}
	}
	c.buf.WriteByte('}')
	return nil
}

func (c *nodeJSON) deref(a *yaml.Node) (*yaml.Node, bool) {
	c.aliases++
	if c.aliases > maxAliasExpansions || a.Alias == nil {
		if c.fail == nil {
			c.fail = nodeErr(a, "too many or unknown alias expansions")
		}
		return nil, false
	}
	return a.Alias, true
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
