package load

import (
	"bytes"
	"encoding"
	"fmt"
	"net/netip"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aksnet/aksnet/internal/model"
)

// Encode writes a topology as a topology file that Topology reads back into
// the same model: the inverse of the decoder, driven by the same struct tags
// (model.FileFields). header, if not empty, opens the file as a comment.
// Elements imported from Terraform carry their address as a comment, so
// that a reader of the file can find where each came from.
//
// Encode writes what the topology declares, not what Link and the loader
// derived: Link stores the forwarding domain "." (every name) as "", which
// Encode writes back as "."; and a cluster's corednsCustom keys that came
// from its manifests (a coredns-custom ConfigMap or CoreDNS file) are left
// to the manifests, which the file lists, or they would be given twice.
func Encode(t *model.Topology, header string) ([]byte, error) {
	e := &encoder{}
	root := e.value(reflect.ValueOf(t).Elem(), "")
	if e.err != nil {
		return nil, e.err
	}
	if header != "" {
		root.HeadComment = header
	}
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("writing the topology: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("writing the topology: %w", err)
	}
	return buf.Bytes(), nil
}

type encoder struct {
	err error
	// parent is the Terraform address of the element being written: a
	// part declared by the same resource (an NSG's inline rule) repeats
	// no comment.
	parent string
	// fromManifests are the corednsCustom keys of the cluster being
	// written that its manifests declare.
	fromManifests map[string]bool
}

var (
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

func scalar(tag, value string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
	if tag == "!!str" && strings.Contains(value, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

// value encodes v; field is the Go field name it is the value of, for the
// one value Link rewrites (Domain).
func (e *encoder) value(v reflect.Value, field string) *yaml.Node {
	t := v.Type()
	switch t {
	case addrType:
		return scalar("!!str", v.Interface().(netip.Addr).String())
	case prefixType:
		return scalar("!!str", v.Interface().(netip.Prefix).String())
	}
	if t.Kind() == reflect.Struct && t.Implements(textMarshaler) {
		b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil && e.err == nil {
			e.err = err
		}
		return scalar("!!str", string(b))
	}
	switch t.Kind() {
	case reflect.Pointer:
		return e.value(v.Elem(), field)
	case reflect.String:
		s := v.String()
		if s == "" && field == "Domain" {
			s = "."
		}
		return scalar("!!str", s)
	case reflect.Bool:
		return scalar("!!bool", strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int32, reflect.Int64:
		return scalar("!!int", strconv.FormatInt(v.Int(), 10))
	case reflect.Slice:
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		flow := true
		for i := 0; i < v.Len(); i++ {
			item := e.value(v.Index(i), field)
			if item.Kind != yaml.ScalarNode || item.Style == yaml.LiteralStyle {
				flow = false
			}
			seq.Content = append(seq.Content, item)
		}
		if flow {
			seq.Style = yaml.FlowStyle
		}
		return seq
	case reflect.Map:
		m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		keys := make([]string, 0, v.Len())
		for _, k := range v.MapKeys() {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		for _, k := range keys {
			if field == "CoreDNSCustom" && e.fromManifests[k] {
				continue
			}
			m.Content = append(m.Content, scalar("!!str", k), e.value(v.MapIndex(reflect.ValueOf(k).Convert(t.Key())), ""))
		}
		return m
	case reflect.Struct:
		return e.structValue(v)
	}
	if e.err == nil {
		e.err = fmt.Errorf("internal: cannot write a %s", t)
	}
	return scalar("!!null", "")
}

func (e *encoder) structValue(v reflect.Value) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	parent := e.parent
	defer func() { e.parent = parent }()
	if li := model.LocIndex(v.Type()); li != nil {
		if at := v.FieldByIndex(li).Interface().(model.Location); at.TFAddress != "" && isElementValue(v) {
			if at.TFAddress != parent {
				// One comment line, whatever a for_each key holds.
				m.HeadComment = strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(at.TFAddress)
			}
			e.parent = at.TFAddress
		}
	}
	if c, ok := v.Addr().Interface().(*model.Cluster); ok {
		e.fromManifests = map[string]bool{}
		if c.Objects != nil {
			for _, cm := range c.Objects.CoreDNSCustom {
				for k := range cm.Data {
					e.fromManifests[k] = true
				}
			}
		}
	}
	for _, f := range model.FileFields(v.Type()) {
		fv := v.FieldByIndex(f.Index)
		if !f.Required && e.empty(fv, f.Go.Name) {
			continue
		}
		m.Content = append(m.Content, scalar("!!str", f.YAML), e.value(fv, f.Go.Name))
	}
	return m
}

// empty reports whether a field has nothing to write.
func (e *encoder) empty(v reflect.Value, field string) bool {
	if field == "CoreDNSCustom" && v.Kind() == reflect.Map {
		for _, k := range v.MapKeys() {
			if !e.fromManifests[k.String()] {
				return false
			}
		}
		return true
	}
	return empty(v)
}

// isElementValue reports whether v is something the topology names (a VNet,
// a zone, a record set): those carry their Terraform address as a comment.
func isElementValue(v reflect.Value) bool {
	if v.Addr().Type().Implements(reflect.TypeFor[model.Element]()) {
		return true
	}
	switch v.Interface().(type) {
	case model.Record, model.Route, model.SecurityRule, model.Peering, model.VNetLink, model.NodePool, model.ForwardingRule, model.Zone:
		return true
	}
	return false
}

// empty reports whether a field holds nothing worth writing.
func empty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	case reflect.Pointer:
		return v.IsNil()
	case reflect.Struct:
		switch v.Type() {
		case addrType:
			return !v.Interface().(netip.Addr).IsValid()
		case prefixType:
			return !v.Interface().(netip.Prefix).IsValid()
		}
		if v.Type().Implements(textMarshaler) {
			b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
			return err == nil && len(b) == 0
		}
		for _, f := range model.FileFields(v.Type()) {
			if !empty(v.FieldByIndex(f.Index)) {
				return false
			}
		}
		return true
	}
	return v.IsZero()
}
