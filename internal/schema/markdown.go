package schema

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"reflect"
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/aksnet/aksnet/internal/model"
)

// A Section is the generated part of one element type's section of
// docs/topology.md: where the type appears in the file and the table of its
// fields. In the document it stands between
//
//	<!-- fields:begin NAME -->
//	<!-- fields:end NAME -->
//
// and the hand-written heading "### NAME" (or "## NAME") before it is what
// the tables link to.
type Section struct {
	Name string // Go type name, also the $defs name
	Body string // Markdown, ending in a newline
}

// BeginMarker and EndMarker delimit a section's generated text.
func BeginMarker(name string) string { return "<!-- fields:begin " + name + " -->" }

// EndMarker ends a section's generated text.
func EndMarker(name string) string { return "<!-- fields:end " + name + " -->" }

// Markdown returns every section's generated text with its markers, in the
// order the types first appear in a file, separated by blank lines.
func Markdown() (string, error) {
	secs, err := Sections()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for i, s := range secs {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(BeginMarker(s.Name) + "\n" + s.Body + EndMarker(s.Name) + "\n")
	}
	return b.String(), nil
}

// Sections returns the generated text of each element type's section.
func Sections() ([]Section, error) {
	root, err := Schema()
	if err != nil {
		return nil, err
	}
	top := reflect.TypeFor[model.Topology]()
	order, paths := structure(top)
	var out []Section
	for _, t := range order {
		s := root
		if t != top {
			s = root.Definitions[t.Name()]
		}
		if s == nil {
			return nil, fmt.Errorf("schema: %s has no definition", t.Name())
		}
		out = append(out, Section{Name: t.Name(), Body: table(t, s, paths[t])})
	}
	return out, nil
}

// structure lists the struct types of the file depth first, in field order,
// with every path at which each appears ("azure.vnets[].subnets[]").
func structure(top reflect.Type) ([]reflect.Type, map[reflect.Type][]string) {
	var order []reflect.Type
	paths := map[reflect.Type][]string{}
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type, path string)
	walk = func(t reflect.Type, path string) {
		if !seen[t] {
			seen[t] = true
			order = append(order, t)
		}
		if path != "" {
			paths[t] = append(paths[t], path)
		}
		for _, f := range fieldsOf(t) {
			et, suffix := f.Field.Type, ""
			for {
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				} else if et.Kind() == reflect.Slice {
					et, suffix = et.Elem(), suffix+"[]"
				} else {
					break
				}
			}
			if isSection(et) {
				p := f.YAML + suffix
				if path != "" {
					p = path + "." + p
				}
				walk(et, p)
			}
		}
	}
	walk(top, "")
	return order, paths
}

// isSection reports a struct written as a mapping of fields.
func isSection(t reflect.Type) bool {
	if t.Kind() != reflect.Struct || t.PkgPath() != modelPkg {
		return false
	}
	g := &generator{}
	return g.mapper(t) == nil
}

func anchor(name string) string { return "#" + strings.ToLower(name) }

func table(t reflect.Type, s *jsonschema.Schema, paths []string) string {
	var b strings.Builder
	if len(paths) == 0 {
		b.WriteString("The top level of the file.\n\n")
	} else {
		q := make([]string, len(paths))
		for i, p := range paths {
			q[i] = "`" + p + "`"
		}
		fmt.Fprintf(&b, "In %s.\n\n", joinOr(q, "and"))
	}
	b.WriteString("| Field | Type | Required | Default | Description |\n")
	b.WriteString("| --- | --- | --- | --- | --- |\n")
	required := map[string]bool{}
	for _, r := range s.Required {
		required[r] = true
	}
	for _, f := range fieldsOf(t) {
		p, _ := s.Properties.Get(f.YAML)
		if p == nil {
			continue
		}
		req := ""
		if required[f.YAML] {
			req = "yes"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n",
			f.YAML, cell(typeLabel(f.Field.Type, p)), req, cell(defaultLabel(f, p)), cell(p.Description))
	}
	return b.String()
}

// cell makes text safe inside a table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

func joinOr(items []string, conj string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

// typeLabel describes a field's type for people, with the constraints the
// schema enforces on it.
func typeLabel(t reflect.Type, s *jsonschema.Schema) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == addrType:
		return "IP address"
	case t == prefixType:
		return "CIDR"
	case t == addrPortType:
		return "IP or IP:port"
	case t == networkRefType:
		return "`site:NAME` or `vpc:NAME`"
	case isRef(t):
		return refLabel(t, false)
	case len(s.Enum) == 1:
		return "`" + fmt.Sprint(s.Enum[0]) + "`"
	case len(s.Enum) > 1:
		vals := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			vals[i] = "`" + fmt.Sprint(v) + "`"
		}
		return joinOr(vals, "or")
	}
	switch t.Kind() {
	case reflect.Struct:
		return "[" + t.Name() + "](" + anchor(t.Name()) + ")"
	case reflect.Slice:
		item := s.Items
		if item == nil {
			item = &jsonschema.Schema{}
		}
		return "list of " + plural(t.Elem(), typeLabel(t.Elem(), item)) + countLabel(s.MinItems, s.MaxItems, " items")
	case reflect.Map:
		return "mapping of string to " + typeLabel(t.Elem(), orEmpty(s.AdditionalProperties))
	case reflect.String:
		if s.Pattern != "" {
			return "string matching `" + s.Pattern + "`"
		}
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "integer" + numberRange(s.Minimum, s.Maximum)
	}
	return t.Kind().String()
}

// refLabel is "name of a subnet (`VNET/SUBNET`)", or "subnet names (…)".
func refLabel(t reflect.Type, many bool) string {
	target := refTarget(t)
	kind := kindOf(target)
	l := "name of " + article(kind)
	if many {
		l = kind + " names"
	}
	if f, ok := refForms[target.Name()]; ok && !strings.Contains(f, " ") {
		l += " (`" + f + "`)"
	}
	return l
}

// plural turns an item's label into the label of many.
func plural(t reflect.Type, label string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case isRef(t):
		return refLabel(t, true)
	case t == addrType:
		return "IP addresses"
	case t == prefixType:
		return "CIDRs"
	case t == addrPortType:
		return "IPs or IP:ports"
	case t.Kind() == reflect.String && label == "string":
		return "strings"
	}
	return label
}

func orEmpty(s *jsonschema.Schema) *jsonschema.Schema {
	if s == nil {
		return &jsonschema.Schema{}
	}
	return s
}

func countLabel(lo, hi *uint64, unit string) string {
	switch {
	case lo != nil && hi != nil:
		return fmt.Sprintf(", %d to %d%s", *lo, *hi, unit)
	case lo != nil:
		return fmt.Sprintf(", at least %d", *lo)
	case hi != nil:
		return fmt.Sprintf(", at most %d", *hi)
	}
	return ""
}

func numberRange(lo, hi json.Number) string {
	switch {
	case lo != "" && hi != "":
		return fmt.Sprintf(", %s to %s", lo, hi)
	case lo != "":
		return ", at least " + string(lo)
	case hi != "":
		return ", at most " + string(hi)
	}
	return ""
}

func defaultLabel(f field, s *jsonschema.Schema) string {
	if d, ok := defaults[f.key()]; ok {
		if d.Text != "" {
			return d.Text
		}
		return literal(d.Value)
	}
	if s.Default != nil {
		return literal(s.Default)
	}
	t := f.Field.Type
	if t.Kind() == reflect.Bool {
		return "`false`"
	}
	return ""
}

func literal(v any) string {
	switch v := v.(type) {
	case []string:
		q := make([]string, len(v))
		for i, s := range v {
			q[i] = "`" + s + "`"
		}
		return strings.Join(q, ", ")
	case netip.Addr, netip.Prefix:
		return "`" + fmt.Sprint(v) + "`"
	}
	return "`" + fmt.Sprint(v) + "`"
}
