package load

import (
	"net/netip"
	"reflect"
	"strings"

	"github.com/aksnet/aksnet/internal/model"
)

// An Overlay is a topology file read to complete another topology — one
// imported from Terraform — with what that source cannot know: on-prem
// sites and hosts, connections to them, DNS servers on VMs, Kubernetes
// manifests and CoreDNS customisation of clusters.
//
// The merge (Apply; docs/import.md, "Merging with a topology file"):
//
//   - An element of the file whose name is a name of an element of the same
//     kind in the other topology completes that element: every field the
//     file sets replaces the other's value, except lists of named items
//     (subnets, node pools, record sets, rules, hosts…), which merge item by
//     item by name (record sets by name and type) by the same rule, and maps
//     (corednsCustom), which merge key by key. A field left out, or set to
//     its zero value (false, 0, ""), changes nothing.
//   - Every other element of the file is added, and must be complete: its
//     required fields are checked as in a plain topology file.
//   - The file's metadata fields replace the other's.
//
// References may cross: a connection in the file may name an imported
// gateway, an imported peering a VNet the file declares.
type Overlay struct {
	File     string
	Topology *model.Topology
	deferred []deferredField
	declared map[string]map[string]bool // element kind → keys
}

// ReadOverlay reads and decodes the topology file name as an overlay.
func ReadOverlay(files Files, name string) (*Overlay, model.ErrorList) {
	data, err := files.ReadFile(name)
	if err != nil {
		return nil, model.ErrorList{model.Errorf(model.Location{File: name}, "cannot read topology: %s", describe(err))}
	}
	return DecodeOverlay(name, data)
}

// DecodeOverlay decodes data, read from name, as an overlay: strictly, as
// Decode does, except that required fields below the root may be missing
// until Apply knows whether their element completes another.
func DecodeOverlay(name string, data []byte) (*Overlay, model.ErrorList) {
	root, perr := parse(name, data)
	if perr != nil {
		return nil, model.ErrorList{perr}
	}
	d := &decoder{file: name, overlay: true}
	t := &model.Topology{}
	d.decode(root, reflect.ValueOf(t).Elem(), "")
	t.Loc = model.Location{File: name, Line: root.Line, Column: root.Column}
	o := &Overlay{File: name, Topology: t, deferred: d.deferred, declared: map[string]map[string]bool{}}
	o.index()
	return o, d.errs
}

// Declares reports whether the file declares an element of the given kind
// (model Kind(), e.g. "vnet", "subnet") under key, one of the names a
// reference may use ("hub", "hub/snet-aks").
func (o *Overlay) Declares(kind, key string) bool {
	if o == nil {
		return false
	}
	return o.declared[kind][key]
}

// index records the keys of every element the file declares. Children name
// themselves through their parents, so the back-pointers are set first, as
// Link would.
func (o *Overlay) index() {
	t := o.Topology
	for _, v := range t.Azure.VNets {
		for _, s := range v.Subnets {
			s.VNet = v
		}
	}
	for _, r := range t.Azure.DNSResolvers {
		for _, e := range r.InboundEndpoints {
			e.Resolver = r
		}
		for _, e := range r.OutboundEndpoints {
			e.Resolver = r
		}
	}
	for _, v := range t.AWS.VPCs {
		for _, s := range v.Subnets {
			s.VPC = v
		}
	}
	for _, s := range t.OnPrem.Sites {
		for _, h := range s.Hosts {
			h.Site = s
		}
	}
	elementType := reflect.TypeFor[model.Element]()
	var visit func(v reflect.Value)
	visit = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				visit(v.Elem())
			}
		case reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				visit(v.Index(i))
			}
		case reflect.Struct:
			if v.Type().PkgPath() != modelPkg || isScalarStruct(v.Type()) {
				return
			}
			if v.Addr().Type().Implements(elementType) {
				el := v.Addr().Interface().(model.Element)
				m := o.declared[el.Kind()]
				if m == nil {
					m = map[string]bool{}
					o.declared[el.Kind()] = m
				}
				for _, k := range el.Keys() {
					m[k] = true
				}
			}
			for _, f := range model.FileFields(v.Type()) {
				visit(v.FieldByIndex(f.Index))
			}
		}
	}
	visit(reflect.ValueOf(t))
}

var modelPkg = reflect.TypeFor[model.Location]().PkgPath()

// isScalarStruct reports whether a struct type of the model is written as
// one scalar (a reference, an address), so it is replaced, never merged.
func isScalarStruct(t reflect.Type) bool {
	if reflect.PointerTo(t).Implements(scalarDecoderType) {
		return true
	}
	switch t {
	case addrType, prefixType, reflect.TypeFor[netip.AddrPort]():
		return true
	}
	return false
}

// containers are the structs whose lists hold top-level elements: those
// match by their first key (Element.Keys), children by name.
var containers = map[reflect.Type]bool{
	reflect.TypeFor[model.Topology](): true, reflect.TypeFor[model.Azure](): true, reflect.TypeFor[model.AWS](): true,
	reflect.TypeFor[model.OnPrem](): true, reflect.TypeFor[model.Internet](): true,
}

// Apply merges the overlay into base (see Overlay) and returns the
// problems: an element that matches two of base's, and the required fields
// missing from the file's elements that complete nothing.
func (o *Overlay) Apply(base *model.Topology) model.ErrorList {
	m := &merger{merged: map[any]bool{}}
	src := o.Topology
	// The file's metadata completes base's, which has a name.
	m.merged[&src.Metadata] = true
	m.mergeStruct(reflect.ValueOf(base).Elem(), reflect.ValueOf(src).Elem())
	base.Loc = src.Loc
	errs := m.errs
	for _, d := range o.deferred {
		if !m.merged[d.owner] {
			errs.Add(d.err)
		}
	}
	errs.Sort()
	return errs
}

type merger struct {
	merged map[any]bool // the file's structs that completed one of base's
	errs   model.ErrorList
}

func (m *merger) mergeStruct(dst, src reflect.Value) {
	top := containers[src.Type()]
	for _, f := range model.FileFields(src.Type()) {
		sv := src.FieldByIndex(f.Index)
		if sv.IsZero() {
			continue
		}
		dv := dst.FieldByIndex(f.Index)
		m.mergeValue(dv, sv, top)
		if sv.Kind() == reflect.Map {
			// A map's key locations live in a sibling XLoc field.
			if lf, ok := f.Owner.FieldByName(f.Go.Name + "Loc"); ok && lf.Type.Kind() == reflect.Map {
				idx := append(append([]int{}, f.Inline...), lf.Index...)
				m.mergeMap(dst.FieldByIndex(idx), src.FieldByIndex(idx))
			}
		}
	}
}

func (m *merger) mergeValue(dv, sv reflect.Value, top bool) {
	t := sv.Type()
	switch {
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Pointer &&
		t.Elem().Elem().Kind() == reflect.Struct && t.Elem().Elem().PkgPath() == modelPkg:
		m.mergeList(dv, sv, top)
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct && t.Elem().PkgPath() == modelPkg && !isScalarStruct(t.Elem()):
		if dv.IsNil() {
			dv.Set(sv)
			return
		}
		m.completes(dv.Elem(), sv.Elem())
	case t.Kind() == reflect.Struct && t.PkgPath() == modelPkg && !isScalarStruct(t):
		m.completes(dv, sv)
	case t.Kind() == reflect.Map:
		m.mergeMap(dv, sv)
	default:
		dv.Set(sv)
	}
}

// completes merges src into dst, a struct of base that src completes.
func (m *merger) completes(dst, src reflect.Value) {
	m.merged[src.Addr().Interface()] = true
	m.mergeStruct(dst, src)
	// A nested struct base left empty takes the file's location, so that
	// problems in what the file added point at the file.
	if li := model.LocIndex(src.Type()); li != nil && dst.FieldByIndex(li).IsZero() {
		dst.FieldByIndex(li).Set(src.FieldByIndex(li))
	}
}

func (m *merger) mergeMap(dv, sv reflect.Value) {
	if sv.IsNil() {
		return
	}
	if dv.IsNil() {
		dv.Set(reflect.MakeMapWithSize(sv.Type(), sv.Len()))
	}
	it := sv.MapRange()
	for it.Next() {
		dv.SetMapIndex(it.Key(), it.Value())
	}
}

func (m *merger) mergeList(dv, sv reflect.Value, top bool) {
	for i := 0; i < sv.Len(); i++ {
		s := sv.Index(i)
		if s.IsNil() {
			continue
		}
		j := m.match(dv, s, top)
		if j < 0 {
			dv.Set(reflect.Append(dv, s))
			continue
		}
		m.completes(dv.Index(j).Elem(), s.Elem())
	}
}

// match returns the index of the item of list that item completes, or -1.
// Top-level elements match when the file's first key is one of base's
// keys (a zone written without its resource group matches the one zone
// of that name); children match by name (record sets by name and type).
func (m *merger) match(list, item reflect.Value, top bool) int {
	key := func(v reflect.Value) (string, bool) {
		if top {
			if el, ok := v.Interface().(model.Element); ok {
				return el.Keys()[0], true
			}
		}
		n := v.Elem().FieldByName("Name")
		if !n.IsValid() || n.Kind() != reflect.String || n.String() == "" {
			return "", false
		}
		k := n.String()
		if typ := v.Elem().FieldByName("Type"); typ.IsValid() && typ.Type() == reflect.TypeFor[model.RecordType]() {
			k += " " + typ.String()
		}
		return k, true
	}
	want, ok := key(item)
	if !ok {
		return -1
	}
	found := -1
	var names []string
	for j := 0; j < list.Len(); j++ {
		d := list.Index(j)
		var keys []string
		if el, isEl := d.Interface().(model.Element); top && isEl {
			keys = el.Keys()
		} else if k, ok := key(d); ok {
			keys = []string{k}
		}
		for _, k := range keys {
			if strings.EqualFold(k, want) && (k == want || isZoneKey(d)) {
				if found >= 0 {
					names = append(names, keys[0])
					break
				}
				found = j
				names = append(names, keys[0])
				break
			}
		}
	}
	if len(names) > 1 {
		at := model.Location{}
		if li := model.LocIndex(item.Elem().Type()); li != nil {
			at = item.Elem().FieldByIndex(li).Interface().(model.Location)
		}
		m.errs.Add(model.Errorf(at, "%q completes %d imported elements: %s", want, len(names), strings.Join(names, ", ")).
			WithHint("name the one you mean, e.g. with its resourceGroup"))
		return -1
	}
	return found
}

// isZoneKey reports whether d is a DNS zone, whose names compare without
// regard to case.
func isZoneKey(d reflect.Value) bool {
	switch d.Interface().(type) {
	case *model.PrivateDNSZone, *model.HostedZone, *model.Zone:
		return true
	}
	return false
}
