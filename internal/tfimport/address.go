package tfimport

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Terraform addresses (developer.hashicorp.com/terraform/cli/state/resource-addressing):
//
//	module.NAME[KEY] … [data.]TYPE.NAME[KEY]
//
// where KEY is a count index (0) or a for_each key ("a"), quoted as an HCL
// string. References in a plan's configuration use the same traversal
// syntax ("azurerm_subnet.this[0].id", "module.hub.vnet_id", "var.x").

// modStep is one step of a module instance path.
type modStep struct {
	name string
	key  any // nil, int or string
}

// instKey normalises an instance key read from JSON: numbers become int.
func instKey(k any) any {
	switch v := k.(type) {
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int(v)
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return int(i)
		}
		return v.String()
	case int:
		return v
	case string:
		return v
	}
	return nil
}

// formatKey renders an instance key as in an address: [0] or ["a"].
func formatKey(k any) string {
	switch v := k.(type) {
	case int:
		return "[" + strconv.Itoa(v) + "]"
	case string:
		b, _ := json.Marshal(v)
		return "[" + string(b) + "]"
	}
	return ""
}

func formatModulePath(steps []modStep) string {
	var b strings.Builder
	for i, s := range steps {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString("module.")
		b.WriteString(s.name)
		b.WriteString(formatKey(s.key))
	}
	return b.String()
}

// configPath is a module instance path without its keys: the module of
// the configuration ("module.a.module.b").
func configPath(steps []modStep) string {
	var b strings.Builder
	for i, s := range steps {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString("module.")
		b.WriteString(s.name)
	}
	return b.String()
}

// traversal step of an address or reference: a name, or an index.
type trav struct {
	name  string
	key   any  // for an index: int or string; nil when not a literal
	isKey bool // this step is an index
}

// splitTraversal splits "a.b[\"x.y\"][0].c" into its steps.
func splitTraversal(s string) ([]trav, error) {
	var out []trav
	i := 0
	for i < len(s) {
		switch c := s[i]; {
		case c == '.':
			if i == 0 || i == len(s)-1 {
				return nil, fmt.Errorf("%q: a '.' without a name", s)
			}
			i++
		case c == '[':
			end, key, err := scanIndex(s, i)
			if err != nil {
				return nil, err
			}
			out = append(out, trav{isKey: true, key: key})
			i = end
		default:
			j := i
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				j++
			}
			out = append(out, trav{name: s[i:j]})
			i = j
		}
	}
	return out, nil
}

// scanIndex reads the index starting at s[i] == '['; it returns the position
// after the closing bracket and the key (nil when not a literal).
func scanIndex(s string, i int) (int, any, error) {
	j := i + 1
	if j < len(s) && s[j] == '"' {
		// A quoted string with escapes, as JSON and HCL write them.
		k := j + 1
		for k < len(s) && s[k] != '"' {
			if s[k] == '\\' {
				k++
			}
			k++
		}
		if k >= len(s) || k+1 >= len(s) || s[k+1] != ']' {
			return 0, nil, fmt.Errorf("%q: an unterminated index", s)
		}
		var key string
		if err := json.Unmarshal([]byte(s[j:k+1]), &key); err != nil {
			return 0, nil, fmt.Errorf("%q: index %s: %v", s, s[j:k+1], err)
		}
		return k + 2, key, nil
	}
	k := strings.IndexByte(s[j:], ']')
	if k < 0 {
		return 0, nil, fmt.Errorf("%q: an unterminated index", s)
	}
	inner := s[j : j+k]
	if n, err := strconv.Atoi(inner); err == nil {
		return j + k + 1, n, nil
	}
	return j + k + 1, nil, nil // an expression (count.index, each.key)
}

// parseModulePath parses a module instance address ("" is the root).
func parseModulePath(s string) ([]modStep, error) {
	if s == "" {
		return nil, nil
	}
	ts, err := splitTraversal(s)
	if err != nil {
		return nil, err
	}
	var out []modStep
	for i := 0; i < len(ts); {
		if ts[i].isKey || ts[i].name != "module" || i+1 >= len(ts) || ts[i+1].isKey {
			return nil, fmt.Errorf("%q is not a module address (module.NAME[KEY]…)", s)
		}
		st := modStep{name: ts[i+1].name}
		i += 2
		if i < len(ts) && ts[i].isKey {
			st.key = ts[i].key
			i++
		}
		out = append(out, st)
	}
	return out, nil
}

// splitAddress splits a resource instance address into its module path and
// the rest ("data.TYPE.NAME[KEY]" or "TYPE.NAME[KEY]").
func splitAddress(addr string) (modules []modStep, mode, typ, name string, key any, err error) {
	ts, err := splitTraversal(addr)
	if err != nil {
		return nil, "", "", "", nil, err
	}
	i := 0
	for i+1 < len(ts) && ts[i].name == "module" && !ts[i].isKey && !ts[i+1].isKey {
		st := modStep{name: ts[i+1].name}
		i += 2
		if i < len(ts) && ts[i].isKey {
			st.key = ts[i].key
			i++
		}
		modules = append(modules, st)
	}
	mode = "managed"
	if i < len(ts) && ts[i].name == "data" && !ts[i].isKey {
		mode = "data"
		i++
	}
	if i+1 >= len(ts) || ts[i].isKey || ts[i+1].isKey {
		return nil, "", "", "", nil, fmt.Errorf("%q is not a resource address (TYPE.NAME)", addr)
	}
	typ, name = ts[i].name, ts[i+1].name
	i += 2
	if i < len(ts) && ts[i].isKey {
		key = ts[i].key
		i++
	}
	if i != len(ts) {
		return nil, "", "", "", nil, fmt.Errorf("%q has more after the resource name", addr)
	}
	return modules, mode, typ, name, key, nil
}
