package tfimport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/aksnet/aksnet/internal/model"
)

// resource is one resource instance of a Terraform file, in the form every
// input format is read into.
type resource struct {
	in      *input
	addr    string    // full address, with module path and key
	modules []modStep // module instance path
	module  string    // the same, formatted ("" for the root module)
	mode    string    // "managed" or "data"
	typ     string
	name    string
	key     any // count index (int), for_each key (string) or nil
	values  map[string]any
	// unknown is the plan's after_unknown for the instance: true where a
	// value is known only after apply, in the shape of values. Nil for
	// state, where everything is known.
	unknown any
	nodes   []*node // what the mapping made of it
}

// configAddr is the resource's address in its module's configuration.
func (r *resource) configAddr() string {
	if r.mode == "data" {
		return "data." + r.typ + "." + r.name
	}
	return r.typ + "." + r.name
}

func (r *resource) loc() model.Location {
	return model.Location{File: r.in.file, TFAddress: r.addr}
}

// input is one Terraform file, read.
type input struct {
	file      string
	format    string // formatPlan, formatState or formatRawState
	tfVersion string
	resources []*resource
	// deleted lists what the plan destroys (and does not recreate): it is
	// not part of the estate the plan leads to.
	deleted []string
	config  *configIndex   // a plan's configuration; nil for state
	vars    map[string]any // a plan's root module variables
}

const (
	formatPlan     = "plan"
	formatState    = "state"
	formatRawState = "raw state"
)

// read recognises and reads one Terraform file: `terraform show -json`
// output of a plan or of state, or a raw terraform.tfstate (version 4).
func read(file string, data []byte) (*input, *model.Error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	at := model.Location{File: file}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil, model.Errorf(at, "this is a binary plan file (a zip archive), which only Terraform can read").
			WithHint("convert it: terraform show -json %s > plan.json, and import plan.json", file)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, model.Errorf(at, "the file is empty").
			WithHint("give the output of terraform show -json, or a terraform.tfstate")
	}
	if line, col, deep := tooDeep(data); deep {
		return nil, model.Errorf(model.Location{File: file, Line: line, Column: col}, "JSON nested deeper than %d levels", maxJSONDepth).
			WithHint("terraform show -json output nests as deep as the configuration's values; this is not such output")
	}
	var top struct {
		FormatVersion    *string         `json:"format_version"`
		Version          json.RawMessage `json:"version"`
		TerraformVersion string          `json:"terraform_version"`
		PlannedValues    json.RawMessage `json:"planned_values"`
		ResourceChanges  json.RawMessage `json:"resource_changes"`
		PriorState       json.RawMessage `json:"prior_state"`
		Configuration    json.RawMessage `json:"configuration"`
		Variables        json.RawMessage `json:"variables"`
		Values           json.RawMessage `json:"values"`
		Resources        json.RawMessage `json:"resources"`
		Modules          json.RawMessage `json:"modules"`
	}
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, jsonError(file, data, err)
	}
	in := &input{file: file, tfVersion: top.TerraformVersion}
	switch {
	case top.FormatVersion != nil && (top.PlannedValues != nil || top.ResourceChanges != nil || top.Configuration != nil):
		in.format = formatPlan
		return in, in.readPlan(*top.FormatVersion, top.PlannedValues, top.ResourceChanges, top.PriorState, top.Configuration, top.Variables)
	case top.FormatVersion != nil:
		in.format = formatState
		return in, in.readState(*top.FormatVersion, top.Values)
	case top.Version != nil:
		in.format = formatRawState
		return in, in.readRawState(top.Version, top.Resources, top.Modules)
	}
	return nil, model.Errorf(at, "not a Terraform plan or state: the JSON has neither format_version nor version").
		WithHint("give the output of terraform show -json (of a plan file or of the state), or a terraform.tfstate")
}

// jsonError locates a JSON error at its line and column.
func jsonError(file string, data []byte, err error) *model.Error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// Offset counts the bytes read, the offending one included.
		line, col := lineCol(data, se.Offset-1)
		return model.Errorf(model.Location{File: file, Line: line, Column: col}, "JSON syntax: %s", se.Error()).
			WithHint("the file must be the JSON terraform show -json prints, or a terraform.tfstate")
	case errors.As(err, &te):
		line, col := lineCol(data, te.Offset-1)
		what := te.Field
		if what == "" {
			what = "the document"
		}
		return model.Errorf(model.Location{File: file, Line: line, Column: col}, "%s is a JSON %s, expected %s", what, te.Value, jsonKind(te.Type)).
			WithHint("the file must be the JSON terraform show -json prints, or a terraform.tfstate")
	}
	return model.Errorf(model.Location{File: file}, "%s", strings.TrimPrefix(err.Error(), "json: "))
}

func lineCol(data []byte, offset int64) (int, int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 0 {
		offset = 0
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// sectionError describes a problem in one section of a plan or state.
func sectionError(file, section string, err error) *model.Error {
	msg := strings.TrimPrefix(err.Error(), "json: ")
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "value"
		}
		msg = fmt.Sprintf("%s is a JSON %s, expected %s", field, te.Value, jsonKind(te.Type))
	}
	return model.Errorf(model.Location{File: file}, "%s: %s", section, msg).
		WithHint("the file must be the JSON terraform show -json prints; was it edited by hand?")
}

// jsonKind names what a Go type reads from JSON, for messages.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "another value"
}

// maxJSONDepth bounds the nesting of an input. Real plans nest as deep as
// their configuration's values (tens of levels); terraform-json decodes
// each level of a configuration's expressions again (Expression.UnmarshalJSON
// tries a list of nested blocks first), so that time grows with the square
// of the depth: a hostile file could take minutes.
const maxJSONDepth = 256

// tooDeep reports whether data nests arrays and objects deeper than
// maxJSONDepth, and where, in one pass that skips strings.
func tooDeep(data []byte) (line, col int, deep bool) {
	depth := 0
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case inString && c == '\\':
			i++
		case inString:
			inString = c != '"'
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > maxJSONDepth {
				line, col = lineCol(data, int64(i))
				return line, col, true
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return 0, 0, false
}
