// Package schema derives the JSON Schema of the topology file and the field
// tables of its reference (docs/topology.md) from the model's struct tags:
// yaml names, jsonschema (required, minimum, maximum, minItems, maxItems,
// enum, pattern) and jsonschema_description. The loader (internal/load) is
// driven by the same tags, so an editor checking a file against the schema
// and aksnet loading it agree on what is well formed.
//
// What the tags cannot say yet (defaults, and descriptions of fields that
// have none) is supplied by the tables in extra.go, keyed by the declaring Go
// type and the YAML name; tests fail when an entry there goes stale.
package schema

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"net/netip"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/aksnet/aksnet/internal/model"
)

// ID is the $id of the topology file's schema.
const ID = "https://aksnet.dev/schema/v1alpha1/topology.json"

// Title of the schema.
const Title = "aksnet topology file"

// Patterns of the string forms of addresses. They are ECMAScript and RE2
// compatible, so editors and Go validators read them alike. They may accept a
// malformed IPv6 text the loader refuses, never the reverse.
const (
	ipv4Octet = `(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])`
	ipv4      = `(` + ipv4Octet + `\.){3}` + ipv4Octet
	ipv6      = `[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){1,8}(:` + ipv4 + `)?`
	port      = `[0-9]{1,5}`

	// IPPattern matches an IPv4 or IPv6 address (no zone).
	IPPattern = `^(` + ipv4 + `|` + ipv6 + `)$`
	// CIDRPattern matches ADDRESS/LENGTH, IPv4 (0–32) or IPv6 (0–128).
	CIDRPattern = `^(` + ipv4 + `/(3[0-2]|[12][0-9]|[0-9])|` + ipv6 + `/(12[0-8]|1[01][0-9]|[1-9][0-9]|[0-9]))$`
	// AddrPortPattern matches IP, IPv4:PORT or [IPv6]:PORT.
	AddrPortPattern = `^(` + ipv4 + `(:` + port + `)?|` + ipv6 + `|\[` + ipv6 + `\]:` + port + `)$`
	// NetworkRefPattern matches site:NAME or vpc:NAME.
	NetworkRefPattern = `^(site|vpc):.+$`
)

var (
	modelPkg          = reflect.TypeFor[model.Topology]().PkgPath()
	addrType          = reflect.TypeFor[netip.Addr]()
	prefixType        = reflect.TypeFor[netip.Prefix]()
	addrPortType      = reflect.TypeFor[model.AddrPort]()
	networkRefType    = reflect.TypeFor[model.NetworkRef]()
	enumType          = reflect.TypeFor[interface{ Enum() []string }]()
	elementType       = reflect.TypeFor[model.Element]()
	scalarDecoderType = reflect.TypeFor[interface {
		DecodeScalar(string, model.Location) error
	}]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// JSON returns the JSON Schema (draft 2020-12) of the topology file, indented,
// with a final newline.
func JSON() ([]byte, error) {
	s, err := Schema()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Schema returns the schema as invopop's tree, for callers that walk it.
func Schema() (*jsonschema.Schema, error) {
	g := &generator{names: map[string]reflect.Type{}}
	return g.reflect()
}

type generator struct {
	names map[string]reflect.Type // $defs name → Go type
	errs  []string
}

func (g *generator) reflect() (*jsonschema.Schema, error) {
	r := &jsonschema.Reflector{
		FieldNameTag:               "yaml",
		RequiredFromJSONSchemaTags: true,
		ExpandedStruct:             true,
		Anonymous:                  true,
		Mapper:                     g.mapper,
		Namer:                      g.namer,
	}
	root := r.Reflect(&model.Topology{})
	root.ID = ID
	root.Title = Title
	root.Description = "A topology file describes an estate for aksnet: Azure and AWS networks, DNS, AKS clusters, on-prem sites and the connections between them. Reference: docs/topology.md."

	for _, t := range scalarTypes {
		name, def := scalarDef(t)
		if _, taken := root.Definitions[name]; taken {
			g.errorf("$defs name %s is taken", name)
		}
		root.Definitions[name] = def
	}

	g.names["Topology"] = reflect.TypeFor[model.Topology]()
	for name, t := range g.names {
		s := root
		if name != "Topology" {
			s = root.Definitions[name]
		}
		if s == nil {
			continue // named while reflecting, but inlined
		}
		g.complete(name, t, s)
	}
	if len(g.errs) > 0 {
		sort.Strings(g.errs)
		return nil, fmt.Errorf("schema: %s", strings.Join(g.errs, "; "))
	}
	return root, nil
}

func (g *generator) errorf(format string, args ...any) {
	g.errs = append(g.errs, fmt.Sprintf(format, args...))
}

// namer names $defs entries. invopop uses reflect's name, which for a generic
// type is "Ref[github.com/aksnet/aksnet/internal/model.Subnet]": the slashes
// would break the "#/$defs/…" JSON pointer. The mapper keeps every Ref out of
// $defs; this keeps any other generic type's name clean ("SubnetRef").
func (g *generator) namer(t reflect.Type) string {
	name := cleanName(t)
	if name == "" {
		return ""
	}
	if prev, ok := g.names[name]; ok && prev != t {
		g.errorf("two types are both named %s in $defs: %s and %s", name, prev, t)
	}
	g.names[name] = t
	return name
}

var typeArgs = regexp.MustCompile(`\[(.*)\]$`)

func cleanName(t reflect.Type) string {
	name := t.Name()
	m := typeArgs.FindStringSubmatch(name)
	if m == nil {
		return name
	}
	base := strings.TrimSuffix(name, m[0])
	var args string
	for _, a := range strings.Split(m[1], ",") {
		a = a[strings.LastIndex(a, ".")+1:]
		args += strings.Trim(a, "*[] ")
	}
	return args + base
}

// mapper gives the types written as one scalar their string schema.
func (g *generator) mapper(t reflect.Type) *jsonschema.Schema {
	if name, _ := scalarDef(t); name != "" {
		return &jsonschema.Schema{Ref: "#/$defs/" + name}
	}
	switch {
	case isRef(t):
		one := uint64(1)
		return &jsonschema.Schema{Type: "string", MinLength: &one, Description: refDescription(t)}
	case t.Kind() == reflect.String && t.Implements(enumType):
		vals := reflect.Zero(t).Interface().(interface{ Enum() []string }).Enum()
		s := &jsonschema.Schema{Type: "string"}
		for _, v := range vals {
			s.Enum = append(s.Enum, v)
		}
		return s
	case reflect.PointerTo(t).Implements(scalarDecoderType):
		g.errorf("%s is written as a scalar (it has DecodeScalar) but the schema does not know its form; add it to the mapper", t)
		return &jsonschema.Schema{Type: "string"}
	case t.Kind() == reflect.Struct && reflect.PointerTo(t).Implements(textUnmarshalerType):
		// The loader reads other text types from a scalar too.
		return &jsonschema.Schema{Type: "string"}
	}
	return nil
}

// scalarDef returns the $defs entry of the address-like types, which many
// fields share: one definition each keeps the schema short and says what a
// field holds ("$ref": "#/$defs/IPAddress").
func scalarDef(t reflect.Type) (string, *jsonschema.Schema) {
	switch t {
	case addrType:
		return "IPAddress", pattern("IPv4 or IPv6 address, e.g. 10.0.0.4.", IPPattern, "must be an IP address such as 10.0.0.4")
	case prefixType:
		return "CIDR", pattern("CIDR, ADDRESS/LENGTH, e.g. 10.0.0.0/16, with no host bits set.", CIDRPattern, "must be a CIDR such as 10.0.0.0/16")
	case addrPortType:
		return "AddrPort", pattern("DNS server: IP, or IP:port (default port 53), e.g. 10.0.0.4 or 10.0.0.4:5353.", AddrPortPattern, "must be an IP address, or IP:port such as 10.0.0.4:53")
	case networkRefType:
		return "NetworkRef", pattern("A network other than a VNet: site:NAME or vpc:NAME.", NetworkRefPattern, "must be site:NAME or vpc:NAME")
	}
	return "", nil
}

var scalarTypes = []reflect.Type{addrType, prefixType, addrPortType, networkRefType}

func pattern(desc, pat, msg string) *jsonschema.Schema {
	return &jsonschema.Schema{
		Type:        "string",
		Pattern:     pat,
		Description: desc,
		// Understood by VS Code and the YAML language server, ignored by
		// validators: a readable message instead of the pattern.
		Extras: map[string]any{"patternErrorMessage": msg},
	}
}

func isRef(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.PkgPath() == modelPkg && strings.HasPrefix(t.Name(), "Ref[")
}

// refTarget returns T of model.Ref[T].
func refTarget(t reflect.Type) reflect.Type {
	f, _ := t.FieldByName("Target")
	return f.Type.Elem()
}

// refForms are how references to elements named within a parent are written.
var refForms = map[string]string{
	"Subnet":           "VNET/SUBNET",
	"AWSSubnet":        "VPC/SUBNET",
	"InboundEndpoint":  "RESOLVER/ENDPOINT",
	"OutboundEndpoint": "RESOLVER/ENDPOINT",
	"Host":             "SITE/HOST",
	"PrivateDNSZone":   "NAME, or RESOURCEGROUP/NAME when zones share a name",
}

// kindOf is the user-facing kind of an element type ("subnet").
func kindOf(t reflect.Type) string {
	if reflect.PointerTo(t).Implements(elementType) {
		if el, ok := reflect.New(t).Interface().(model.Element); ok {
			return el.Kind()
		}
	}
	return strings.ToLower(t.Name())
}

func article(s string) string {
	if s != "" && strings.ContainsRune("aeiouAEIOU", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

func refDescription(t reflect.Type) string {
	target := refTarget(t)
	d := "name of " + article(kindOf(target))
	if f := refForms[target.Name()]; f != "" {
		d += ", written " + f
	}
	return d
}

// field is one YAML-visible field of a struct, as the loader sees it:
// embedded `yaml:",inline"` structs are flattened; yaml:"-", unexported and
// untagged fields are not part of the file.
type field struct {
	YAML  string
	Field reflect.StructField
	Owner reflect.Type // the struct that declares the field
}

func fieldsOf(t reflect.Type) []field {
	var out []field
	for _, f := range model.FileFields(t) {
		out = append(out, field{YAML: f.YAML, Field: f.Go, Owner: f.Owner})
	}
	return out
}

func (f field) key() string { return f.Owner.Name() + "." + f.YAML }

// isPlainString reports a Go string that is not an enum: the loader takes
// any scalar's text for it, so `maxSurge: 1` or `destinationPortRanges: [443]`
// are as good as quoted.
func isPlainString(t reflect.Type) bool {
	return t.Kind() == reflect.String && !t.Implements(enumType)
}

// complete fills what the tags leave out: descriptions and defaults from
// extra.go, the description of mapped types where the field has none, and
// the number form of plain strings. It also checks that the properties
// invopop produced are exactly the loader's fields.
func (g *generator) complete(name string, t reflect.Type, s *jsonschema.Schema) {
	if t.Kind() != reflect.Struct || s.Properties == nil {
		return
	}
	fields := fieldsOf(t)
	want := map[string]bool{}
	for _, f := range fields {
		want[f.YAML] = true
		p, ok := s.Properties.Get(f.YAML)
		if !ok {
			g.errorf("%s: field %s is missing from the schema", name, f.YAML)
			continue
		}
		if p.Description == "" {
			if _, def := scalarDef(f.Field.Type); def != nil {
				p.Description = def.Description
			} else if m := g.mapper(f.Field.Type); m != nil {
				p.Description = m.Description
			}
		}
		if d, ok := defaults[f.key()]; ok && d.Value != nil {
			p.Default = d.Value
		}
		ft := f.Field.Type
		switch {
		case isPlainString(ft) && p.Enum == nil:
			widenString(p)
		case ft.Kind() == reflect.Slice && isPlainString(ft.Elem()) && p.Items != nil && p.Items.Enum == nil:
			widenString(p.Items)
		}
	}
	var extra []string
	for pair := s.Properties.Oldest(); pair != nil; pair = pair.Next() {
		if !want[pair.Key] {
			extra = append(extra, pair.Key)
		}
	}
	// The loader ignores exported fields without a yaml name; so does the
	// schema (the model test of this package reports them).
	for _, k := range extra {
		s.Properties.Delete(k)
		s.Required = slicesDelete(s.Required, k)
	}
}

func widenString(p *jsonschema.Schema) {
	if p.Type != "string" {
		return
	}
	p.Type = ""
	if p.Extras == nil {
		p.Extras = map[string]any{}
	}
	p.Extras["type"] = []string{"string", "number"}
}

func slicesDelete(s []string, v string) []string {
	out := s[:0]
	for _, x := range s {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}
