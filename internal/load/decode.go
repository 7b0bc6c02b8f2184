package load

import (
	"encoding"
	"fmt"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/aksnet/aksnet/internal/model"
)

// decoder turns a YAML node tree into model types strictly: every unknown
// field, wrong type, missing required field or out-of-range number is a
// located error, and decoding goes on so that one run reports them all.
//
// It is driven by the same struct tags the JSON Schema is generated from
// (yaml names, jsonschema required/minimum/maximum/minItems/maxItems), so the
// loader and the schema cannot disagree.
type decoder struct {
	file string
	errs model.ErrorList
	// aliases counts alias expansions, bounding "billion laughs" documents.
	aliases int
	depth   int
	// overlay decodes a file that completes another topology (overlay.go):
	// a missing required field below the root is not an error yet but
	// deferred, with the struct that lacks it, until it is known whether
	// that struct completes an element of the other topology.
	overlay  bool
	deferred []deferredField
}

// deferredField is a required field an overlay's struct omits.
type deferredField struct {
	owner any // pointer to the struct
	err   *model.Error
}

const (
	maxAliasExpansions = 10000
	maxDepth           = 200
)

type scalarDecoder interface {
	DecodeScalar(s string, at model.Location) error
}

type enum interface{ Enum() []string }

var (
	scalarDecoderType = reflect.TypeFor[scalarDecoder]()
	enumType          = reflect.TypeFor[enum]()
	addrType          = reflect.TypeFor[netip.Addr]()
	prefixType        = reflect.TypeFor[netip.Prefix]()
	textUnmarshaler   = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func (d *decoder) loc(n *yaml.Node) model.Location {
	return model.Location{File: d.file, Line: n.Line, Column: n.Column}
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) *model.Error {
	e := model.Errorf(d.loc(n), format, args...)
	d.errs.Add(e)
	return e
}

// decode fills v (addressable) from n. path names the place for messages,
// e.g. "azure.vnets[0].subnets[1]".
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > maxDepth {
		d.errorf(n, "%s: nesting deeper than %d levels", path, maxDepth)
		return
	}
	if n.Kind == yaml.AliasNode {
		d.aliases++
		if d.aliases > maxAliasExpansions {
			if d.aliases == maxAliasExpansions+1 {
				d.errorf(n, "more than %d alias expansions", maxAliasExpansions).WithHint("write the repeated part out, or use fewer nested aliases")
			}
			return
		}
		if n.Alias == nil {
			d.errorf(n, "%s: unknown alias", path)
			return
		}
		d.decode(n.Alias, v, path)
		return
	}
	t := v.Type()

	// Types that read themselves from one scalar: references, enums of our
	// own, addresses.
	if reflect.PointerTo(t).Implements(scalarDecoderType) {
		if s, ok := d.scalar(n, path, "a name"); ok {
			if err := v.Addr().Interface().(scalarDecoder).DecodeScalar(s, d.loc(n)); err != nil {
				d.errorf(n, "%s: %v", path, err)
			}
		}
		return
	}
	switch t {
	case addrType:
		d.decodeAddr(n, v, path)
		return
	case prefixType:
		d.decodePrefix(n, v, path)
		return
	}
	if t.Kind() == reflect.String && t.Implements(enumType) {
		d.decodeEnum(n, v, path)
		return
	}

	switch t.Kind() {
	case reflect.Pointer:
		if isNull(n) {
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		d.decode(n, v.Elem(), path)
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		d.decodeSlice(n, v, path)
	case reflect.Map:
		d.decodeMap(n, v, path)
	case reflect.String:
		if isNull(n) {
			return // "~" or nothing: no value
		}
		if s, ok := d.scalar(n, path, "a string"); ok {
			v.SetString(s)
		}
	case reflect.Bool:
		if isNull(n) {
			return
		}
		if s, ok := d.scalar(n, path, "true or false"); ok {
			b, err := strconv.ParseBool(s)
			if err != nil || n.Tag != "!!bool" {
				e := d.errorf(n, "%s: expected true or false, got %q", path, s)
				switch {
				case err == nil:
					e.WithHint("write %s without quotes: a quoted value is a string", s)
				case yaml11Bool(s):
					e.WithHint("topology files are YAML 1.2, where %s is a string: write true or false", s)
				}
				return
			}
			v.SetBool(b)
		}
	case reflect.Int, reflect.Int32, reflect.Int64:
		if isNull(n) {
			return
		}
		if s, ok := d.scalar(n, path, "a whole number"); ok {
			i, err := strconv.ParseInt(s, 0, 64)
			if err != nil || n.Tag != "!!int" {
				e := d.errorf(n, "%s: expected a whole number, got %q", path, s)
				if err == nil {
					e.WithHint("write %s without quotes: a quoted value is a string", s)
				}
				return
			}
			v.SetInt(i)
		}
	default:
		if reflect.PointerTo(t).Implements(textUnmarshaler) {
			if s, ok := d.scalar(n, path, "a string"); ok {
				if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
					d.errorf(n, "%s: %v", path, err)
				}
			}
			return
		}
		d.errorf(n, "internal: cannot decode %s into %s", path, t)
	}
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

var kindNames = map[yaml.Kind]string{
	yaml.DocumentNode: "a document", yaml.SequenceNode: "a list", yaml.MappingNode: "a mapping",
	yaml.ScalarNode: "a value", yaml.AliasNode: "an alias",
}

// scalar returns n's value when it is a scalar, or reports what was expected.
func (d *decoder) scalar(n *yaml.Node, path, want string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, "%s: expected %s, got %s", path, want, kindNames[n.Kind])
		return "", false
	}
	return n.Value, true
}

func (d *decoder) decodeAddr(n *yaml.Node, v reflect.Value, path string) {
	s, ok := d.scalar(n, path, "an IP address")
	if !ok {
		return
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		e := d.errorf(n, "%s: %q is not an IP address", path, s)
		if p, perr := netip.ParsePrefix(s); perr == nil {
			e.WithHint("an address, not a CIDR: did you mean %s?", p.Addr())
		}
		return
	}
	if a.Zone() != "" {
		d.errorf(n, "%s: %q has a zone; write the address alone", path, s)
		return
	}
	v.Set(reflect.ValueOf(a))
}

func (d *decoder) decodePrefix(n *yaml.Node, v reflect.Value, path string) {
	s, ok := d.scalar(n, path, "a CIDR")
	if !ok {
		return
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		e := d.errorf(n, "%s: %q is not a CIDR", path, s)
		if a, aerr := netip.ParseAddr(s); aerr == nil {
			e.WithHint("add the prefix length, e.g. %s/%d", a, a.BitLen())
		} else {
			e.WithHint("write ADDRESS/LENGTH, e.g. 10.0.0.0/16")
		}
		return
	}
	if p.Masked() != p {
		d.errorf(n, "%s: %s has host bits set", path, s).WithHint("did you mean %s?", p.Masked())
		return
	}
	v.Set(reflect.ValueOf(p))
}

func (d *decoder) decodeEnum(n *yaml.Node, v reflect.Value, path string) {
	s, ok := d.scalar(n, path, "a value")
	if !ok {
		return
	}
	allowed := v.Interface().(enum).Enum()
	for _, a := range allowed {
		if s == a {
			v.SetString(s)
			return
		}
	}
	e := d.errorf(n, "%s: %q is not one of %s", path, s, strings.Join(allowed, ", "))
	for _, a := range allowed {
		if strings.EqualFold(s, a) {
			e.WithHint("values are case-sensitive: did you mean %q?", a)
			return
		}
	}
	if c := model.Closest(s, allowed); c != "" {
		e.WithHint("did you mean %q?", c)
	}
}

func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, path string) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		e := d.errorf(n, "%s: expected a list, got %s", path, kindNames[n.Kind])
		if n.Kind == yaml.ScalarNode {
			e.WithHint("write [%s] or a '- ' item on its own line", n.Value)
		}
		return
	}
	s := reflect.MakeSlice(v.Type(), 0, len(n.Content))
	for i, item := range n.Content {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		if isNull(item) {
			// An empty item ("- " alone) would be a nil element; the
			// model has none.
			d.errorf(item, "%s: the list item is empty", ipath).WithHint("remove the lone '-' or fill in the item")
			continue
		}
		e := reflect.New(v.Type().Elem()).Elem()
		d.decode(item, e, ipath)
		if e.Kind() == reflect.Pointer && e.IsNil() {
			// An alias to an empty node, say: no element either.
			d.errorf(item, "%s: the list item is empty", ipath).WithHint("fill in the item, or remove it")
			continue
		}
		s = reflect.Append(s, e)
	}
	v.Set(s)
}

func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: expected a mapping, got %s", path, kindNames[n.Kind])
		return
	}
	t := v.Type()
	if t.Key().Kind() != reflect.String {
		d.errorf(n, "internal: map key of %s is not a string", path)
		return
	}
	m := reflect.MakeMapWithSize(t, len(n.Content)/2)
	for _, p := range d.pairs(n, path) {
		key := reflect.New(t.Key()).Elem()
		key.SetString(p.key.Value)
		if m.MapIndex(key).IsValid() {
			d.errorf(p.key, "%s: duplicate key %q", path, p.key.Value)
			continue
		}
		val := reflect.New(t.Elem()).Elem()
		d.decode(p.value, val, path+"."+p.key.Value)
		m.SetMapIndex(key, val)
	}
	v.Set(m)
}

// pairs lists a mapping's key/value pairs with merge keys expanded,
// counting alias expansions against the document's bound.
func (d *decoder) pairs(n *yaml.Node, path string) []pair {
	return mappingPairs(n, d.deref, func(at *yaml.Node, msg string) { d.errorf(at, "%s: %s", path, msg) })
}

// deref follows an alias within the bound on expansions, reporting the bound
// once when it is passed.
func (d *decoder) deref(a *yaml.Node) (*yaml.Node, bool) {
	d.aliases++
	if d.aliases == maxAliasExpansions+1 {
		d.errorf(a, "more than %d alias expansions", maxAliasExpansions).WithHint("write the repeated part out, or use fewer nested aliases")
	}
	if d.aliases > maxAliasExpansions || a.Alias == nil {
		return nil, false
	}
	return a.Alias, true
}

// field is one YAML-visible struct field.
type field struct {
	model.FileField
	keyLocs []int // for a map field X, the index of XLoc map[string]model.Location
}

type structInfo struct {
	fields []field
	byName map[string]*field
	names  []string
	loc    []int // index of the Loc field, if any
}

var structCache sync.Map // reflect.Type → *structInfo

// infoOf indexes a struct's file fields by name, for decoding.
func infoOf(t reflect.Type) *structInfo {
	if si, ok := structCache.Load(t); ok {
		return si.(*structInfo)
	}
	si := &structInfo{byName: map[string]*field{}, loc: model.LocIndex(t)}
	for _, ff := range model.FileFields(t) {
		f := field{FileField: ff}
		if ff.Go.Type.Kind() == reflect.Map {
			// A map's key positions go to a sibling XLoc field, if declared.
			if lf, ok := ff.Owner.FieldByName(ff.Go.Name + "Loc"); ok && lf.Type == reflect.TypeFor[map[string]model.Location]() {
				f.keyLocs = append(append([]int{}, ff.Inline...), lf.Index...)
			}
		}
		si.fields = append(si.fields, f)
	}
	for i := range si.fields {
		si.byName[si.fields[i].YAML] = &si.fields[i]
		si.names = append(si.names, si.fields[i].YAML)
	}
	structCache.Store(t, si)
	return si
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	si := infoOf(v.Type())
	if si.loc != nil {
		v.FieldByIndex(si.loc).Set(reflect.ValueOf(d.loc(n)))
	}
	if isNull(n) {
		d.missing(n, v, si, nil, nil, path)
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: expected a mapping of fields, got %s", path, kindNames[n.Kind])
		return
	}
	seen := map[string]*yaml.Node{}
	suggested := map[string]bool{}
	var (
		wg  sync.WaitGroup
		par []*decoder
	)
	for _, p := range d.pairs(n, path) {
		name := p.key.Value
		f := si.byName[name]
		if f == nil {
			e := d.errorf(p.key, "unknown field %q in %s", name, orRoot(path))
			if c := model.Closest(name, si.names); c != "" {
				e.WithHint("did you mean %q?", c)
				// The typo explains the missing field: do not report both.
				suggested[c] = true
			} else {
				e.WithHint("known fields: %s", strings.Join(si.names, ", "))
			}
			continue
		}
		if prev := seen[name]; prev != nil {
			d.errorf(p.key, "duplicate field %q in %s (first at line %d)", name, orRoot(path), prev.Line)
			continue
		}
		seen[name] = p.key
		fv := v.FieldByIndex(f.Index)
		fpath := joinPath(path, name)
		if d.depth <= 3 && p.value.Kind == yaml.SequenceNode && len(p.value.Content) >= parallelItems {
			// A long list near the top (azure.privateEndpoints of a large
			// estate) decodes on its own goroutine, into its own field.
			child := &decoder{file: d.file, depth: d.depth, overlay: d.overlay}
			par = append(par, child)
			wg.Add(1)
			go func() {
				defer wg.Done()
				child.decode(p.value, fv, fpath)
				if len(child.errs) == 0 {
					child.checkBounds(p.value, fv, f, fpath)
				}
			}()
			continue
		}
		if f.Required && p.value.Kind == yaml.ScalarNode && (isNull(p.value) || p.value.Value == "") {
			d.errorf(p.value, "%s is empty", fpath).WithHint("give a value, or remove the field to see what is required")
			continue
		}
		before := len(d.errs)
		d.decode(p.value, fv, fpath)
		if len(d.errs) == before {
			d.checkBounds(p.value, fv, f, fpath)
		}
		if f.keyLocs != nil {
			d.keyLocations(p.value, v.FieldByIndex(f.keyLocs))
		}
	}
	wg.Wait()
	for _, c := range par {
		d.errs = append(d.errs, c.errs...)
		d.deferred = append(d.deferred, c.deferred...)
		d.aliases += c.aliases
	}
	d.missing(n, v, si, seen, suggested, path)
}

// parallelItems is the list length from which decoding goes parallel.
const parallelItems = 2000

// keyLocations records where each key of a mapping was written, for a map
// field whose entries later checks report on.
func (d *decoder) keyLocations(n *yaml.Node, dst reflect.Value) {
	if n.Kind != yaml.MappingNode {
		return
	}
	m := make(map[string]model.Location, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		m[n.Content[i].Value] = d.loc(n.Content[i])
	}
	dst.Set(reflect.ValueOf(m))
}

func (d *decoder) missing(n *yaml.Node, v reflect.Value, si *structInfo, seen map[string]*yaml.Node, suggested map[string]bool, path string) {
	for _, f := range si.fields {
		if f.Required && seen[f.YAML] == nil && !suggested[f.YAML] {
			if d.overlay && path != "" {
				e := model.Errorf(d.loc(n), "%s is missing required field %q", orRoot(path), f.YAML)
				d.deferred = append(d.deferred, deferredField{owner: v.Addr().Interface(), err: e})
				continue
			}
			d.errorf(n, "%s is missing required field %q", orRoot(path), f.YAML)
		}
	}
}

func (d *decoder) checkBounds(n *yaml.Node, v reflect.Value, f *field, path string) {
	var x int64
	what := ""
	switch v.Kind() {
	case reflect.Int, reflect.Int32, reflect.Int64:
		x, what = v.Int(), "value"
	case reflect.Slice:
		x, what = int64(v.Len()), "number of items"
	default:
		return
	}
	if f.Min != nil && x < *f.Min {
		d.errorf(n, "%s: %s %d is below the minimum %d", path, what, x, *f.Min)
	}
	if f.Max != nil && x > *f.Max {
		d.errorf(n, "%s: %s %d is above the maximum %d", path, what, x, *f.Max)
	}
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func orRoot(path string) string {
	if path == "" {
		return "the topology"
	}
	return path
}
