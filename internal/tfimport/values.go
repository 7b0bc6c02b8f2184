package tfimport

import (
	"encoding/json"
	"math"
	"strconv"
)

// Values are JSON as Terraform prints them (json-format.mdx, "Values
// Representation"): objects, lists (sets and tuples too), strings, numbers,
// booleans, null. Nested blocks are lists of objects even when a block
// holds at most one. These helpers read them without assuming a shape, so
// that malformed input yields "absent", never a panic.

// at follows a path of attribute names (string) and list indexes (int).
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k < 0 || k >= len(l) {
				return nil
			}
			v = l[k]
		default:
			return nil
		}
	}
	return v
}

// unknownAt reports whether after_unknown marks the value at path, or any
// value above it, as known only after apply.
func unknownAt(u any, path ...any) bool {
	for _, p := range path {
		if b, ok := u.(bool); ok {
			return b
		}
		u = at(u, p)
	}
	switch x := u.(type) {
	case bool:
		return x
	case []any:
		for _, e := range x {
			if b, ok := e.(bool); ok && b {
				return true
			}
		}
	}
	return false
}

// value is one attribute of a resource: what is known of it, whether it is
// unknown until apply, and where its expression is in the configuration.
type value struct {
	r       *resource
	v       any
	unknown bool
	path    []any // attribute path of the value
	expr    []any // attribute path of the expression in the configuration
}

func (r *resource) attr(path ...any) value {
	return value{r: r, v: at(r.values, path...), unknown: unknownAt(r.unknown, path...), path: path, expr: path}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func (r *resource) str(path ...any) string { return str(at(r.values, path...)) }

// boolean reads a bool; ok is false when absent or not a bool.
func boolean(v any) (val, ok bool) {
	b, ok := v.(bool)
	return b, ok
}

func (r *resource) boolean(path ...any) (bool, bool) { return boolean(at(r.values, path...)) }

// integer reads a whole number.
func integer(v any) (int, bool) {
	switch n := v.(type) {
	case float64:
		if n == math.Trunc(n) && math.Abs(n) <= math.MaxInt32 {
			return int(n), true
		}
	case json.Number:
		if i, err := n.Int64(); err == nil && i <= math.MaxInt32 && i >= math.MinInt32 {
			return int(i), true
		}
	case string:
		// Some attributes are strings that hold numbers (amazon_side_asn).
		if i, err := strconv.Atoi(n); err == nil {
			return i, true
		}
	}
	return 0, false
}

func (r *resource) integer(path ...any) (int, bool) { return integer(at(r.values, path...)) }

// strs reads a list of strings, skipping what is not a string.
func strs(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, e := range l {
		if s, ok := e.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (r *resource) strs(path ...any) []string { return strs(at(r.values, path...)) }

// blocks reads a nested block list as objects.
func blocks(v any) []map[string]any {
	l, _ := v.([]any)
	var out []map[string]any
	for _, e := range l {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func (r *resource) blocks(path ...any) []map[string]any { return blocks(at(r.values, path...)) }

// tag reads a tag value (aws tags.Name).
func (r *resource) tag(name string) string { return r.str("tags", name) }
