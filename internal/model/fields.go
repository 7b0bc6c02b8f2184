package model

import (
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// FileField is one field of a model type as the topology file writes it.
// The loader decodes by these, the JSON Schema describes them and
// docs/topology.md lists them: one definition of the file format.
type FileField struct {
	YAML   string              // the key in the file
	Index  []int               // path to the Go field, through inlined structs
	Go     reflect.StructField // the Go field
	Owner  reflect.Type        // the struct that declares it
	Inline []int               // index of the inlined struct holding it, if any
	// From the jsonschema tag: required, and minimum/maximum (numbers) or
	// minItems/maxItems (lists).
	Required bool
	Min, Max *int64
}

type fileForm struct {
	fields []FileField
	loc    []int
}

var fileForms sync.Map // reflect.Type → *fileForm

// FileFields lists the file fields of struct type t in declaration order,
// with the fields of `yaml:",inline"` structs in place. Fields tagged
// yaml:"-" (back-pointers, resolved targets, derived data) are not part of
// the file.
func FileFields(t reflect.Type) []FileField { return formOf(t).fields }

// LocIndex returns the index path of the Loc field that records where a
// value of struct type t was written (an inlined struct's Loc serves the
// outer type), or nil.
func LocIndex(t reflect.Type) []int { return formOf(t).loc }

var locationType = reflect.TypeFor[Location]()

func formOf(t reflect.Type) *fileForm {
	if f, ok := fileForms.Load(t); ok {
		return f.(*fileForm)
	}
	form := &fileForm{}
	var collect func(st reflect.Type, prefix []int)
	collect = func(st reflect.Type, prefix []int) {
		for i := 0; i < st.NumField(); i++ {
			f := st.Field(i)
			idx := append(append([]int{}, prefix...), i)
			if f.Type == locationType && f.Name == "Loc" {
				if form.loc == nil {
					form.loc = idx
				}
				continue
			}
			tag := f.Tag.Get("yaml")
			name, opts, _ := strings.Cut(tag, ",")
			if tag == "-" || !f.IsExported() {
				continue
			}
			if opts == "inline" {
				collect(f.Type, idx)
				continue
			}
			if name == "" {
				continue
			}
			ff := FileField{YAML: name, Index: idx, Go: f, Owner: st}
			if len(prefix) > 0 {
				ff.Inline = prefix
			}
			for _, o := range strings.Split(f.Tag.Get("jsonschema"), ",") {
				k, val, _ := strings.Cut(o, "=")
				switch k {
				case "required":
					ff.Required = true
				case "minimum", "minItems":
					n, _ := strconv.ParseInt(val, 10, 64)
					ff.Min = &n
				case "maximum", "maxItems":
					n, _ := strconv.ParseInt(val, 10, 64)
					ff.Max = &n
				}
			}
			form.fields = append(form.fields, ff)
		}
	}
	collect(t, nil)
	fileForms.Store(t, form)
	return form
}
