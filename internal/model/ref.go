package model

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
)

// Ref names another element of the topology, as a user writes it ("hub",
// "hub/dns-inbound"). Loading resolves every Ref once, so engines follow Target
// and never look names up again.
type Ref[T any] struct {
	Name   string
	Loc    Location
	Target *T `yaml:"-"`
}

// DecodeScalar is how the loader fills a Ref from YAML.
func (r *Ref[T]) DecodeScalar(s string, at Location) error {
	if s == "" {
		return fmt.Errorf("the name is empty; write a name or remove the field")
	}
	r.Name, r.Loc = s, at
	return nil
}

// MarshalText writes a Ref back as the name it was given.
func (r Ref[T]) MarshalText() ([]byte, error) { return []byte(r.Name), nil }

// IsSet reports whether the reference was written at all.
func (r Ref[T]) IsSet() bool { return r.Name != "" }

// Element is implemented by every element other elements can name.
type Element interface {
	// Kind is the user-facing kind, as written in messages ("vnet", "subnet").
	Kind() string
	// Keys are the names a Ref may use; the first must be unique in the topology.
	Keys() []string
	Location() Location
}

// resolver is implemented by *Ref[T].
type resolver interface {
	resolve(ix *indexes) *Error
}

func (r *Ref[T]) resolve(ix *indexes) *Error {
	if r.Name == "" {
		return nil
	}
	idx := ix.of(reflect.TypeFor[T]())
	if idx == nil {
		return Errorf(r.Loc, "internal: nothing can be referenced as %T", r.Target)
	}
	switch m := idx.byKey[r.Name]; len(m) {
	case 1:
		r.Target = any(m[0]).(*T)
		return nil
	case 0:
		e := Errorf(r.Loc, "unknown %s %q", idx.kind, r.Name)
		if s := Closest(r.Name, idx.primaryKeys()); s != "" {
			return e.WithHint("did you mean %q?", s)
		}
		if len(idx.all) == 0 {
			return e.WithHint("the topology declares no %s", idx.kind)
		}
		return e.WithHint("declared: %s", strings.Join(firstN(idx.primaryKeys(), 8), ", "))
	default:
		var qs []string
		for _, el := range m {
			qs = append(qs, el.Keys()[0])
		}
		return Errorf(r.Loc, "%s %q is ambiguous", idx.kind, r.Name).
			WithHint("write one of %s", strings.Join(qs, ", "))
	}
}

// index holds every element of one Go type by each of its keys.
type index struct {
	kind  string
	all   []Element
	byKey map[string][]Element
}

func (i *index) primaryKeys() []string {
	ks := make([]string, len(i.all))
	for n, el := range i.all {
		ks[n] = el.Keys()[0]
	}
	sort.Strings(ks)
	return ks
}

type indexes struct {
	byType map[reflect.Type]*index
}

func (ix *indexes) of(t reflect.Type) *index { return ix.byType[t] }

// add registers el; a second element with the same primary key is an error
// that points at both declarations.
func (ix *indexes) add(t reflect.Type, el Element) *Error {
	idx := ix.byType[t]
	if idx == nil {
		idx = &index{kind: el.Kind(), byKey: map[string][]Element{}}
		ix.byType[t] = idx
	}
	keys := el.Keys()
	if prev := idx.byKey[keys[0]]; len(prev) > 0 {
		for _, p := range prev {
			if p.Keys()[0] == keys[0] {
				return Errorf(el.Location(), "duplicate %s %q", el.Kind(), keys[0]).
					WithHint("first declared at %s; names must be unique", p.Location())
			}
		}
	}
	idx.all = append(idx.all, el)
	for i, k := range keys {
		if i > 0 && k == keys[0] {
			continue
		}
		idx.byKey[k] = append(idx.byKey[k], el)
	}
	return nil
}

var modelPkg = reflect.TypeFor[Location]().PkgPath()

// walkPlan is what walk needs to know of a struct type, computed once:
// which fields can hold elements or references, and what the struct itself is.
type walkPlan struct {
	fields     []int
	isElement  bool
	isResolver bool
}

var walkPlans sync.Map // reflect.Type → *walkPlan

func planOf(t reflect.Type) *walkPlan {
	if p, ok := walkPlans.Load(t); ok {
		return p.(*walkPlan)
	}
	pt := reflect.PointerTo(t)
	p := &walkPlan{
		isElement:  pt.Implements(reflect.TypeFor[Element]()),
		isResolver: pt.Implements(reflect.TypeFor[resolver]()),
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		// Only the declared form is walked: back-pointers, resolved
		// targets and derived data are tagged yaml:"-".
		if !f.IsExported() || f.Tag.Get("yaml") == "-" || !mayHold(f.Type) {
			continue
		}
		p.fields = append(p.fields, i)
	}
	walkPlans.Store(t, p)
	return p
}

// mayHold reports whether a value of type t can contain structs of this
// package.
func mayHold(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct && t.PkgPath() == modelPkg
}

// walk visits every addressable struct value of this package reachable from v,
// depth first. It does not descend into other packages' types (Kubernetes
// objects, netip values), which hold no elements or references of ours.
func walk(v reflect.Value, visit func(reflect.Value, *walkPlan)) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			walk(v.Elem(), visit)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walk(v.Index(i), visit)
		}
	case reflect.Struct:
		p := planOf(v.Type())
		visit(v, p)
		for _, i := range p.fields {
			walk(v.Field(i), visit)
		}
	}
}

// Closest returns the candidate nearest to s by edit distance when it is near
// enough to be a plausible typo, or "". Case differences cost nothing extra.
func Closest(s string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(2, len(s)/3)
	if bestD < 0 || bestD > limit || bestD >= len(s) {
		return ""
	}
	return best
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		if a == b {
			return 0
		}
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], "…")
	}
	return s
}
