package tfimport

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// planBuilder writes plans in the shape `terraform show -json` prints
// (developer.hashicorp.com/terraform/internals/json-format, format 1.2 as
// Terraform 1.9 prints it): planned_values with known values only,
// resource_changes with after and after_unknown, and the configuration with
// each resource once and its expressions' references. The repository's own
// fixtures and the benchmark's generated plan are written with it, so that
// they share one, reviewed, shape.
type planBuilder struct {
	root *pbModule
}

type pbModule struct {
	addr      string // module instance address; "" for the root
	cfgPath   string
	resources []*pbResource
	children  []*pbModule
	// configuration: one per module path
	cfg *pbConfig
}

type pbConfig struct {
	resources map[string]map[string]any // configAddr → config resource
	order     []string
	calls     map[string]*pbCall
	outputs   map[string]any
	variables map[string]any
}

type pbCall struct {
	source string
	exprs  map[string]any
	module *pbConfig
}

type pbResource struct {
	addr, mode, typ, name string
	index                 any
	after                 map[string]any
	unknown               map[string]any
	module                *pbModule
}

func newPlan() *planBuilder {
	return &planBuilder{root: &pbModule{cfg: newConfig()}}
}

func newConfig() *pbConfig {
	return &pbConfig{resources: map[string]map[string]any{}, calls: map[string]*pbCall{}, outputs: map[string]any{}, variables: map[string]any{}}
}

// Expressions.
func cv(v any) map[string]any           { return map[string]any{"constant_value": v} }
func refs(r ...string) map[string]any   { return map[string]any{"references": r} }
func nested(bs ...map[string]any) []any { return toAny(bs) }

// ref expands "a.b.id" into the reference list Terraform prints for it:
// the reference and each prefix that is still a reference ("a.b.id",
// "a.b").
func ref(r string) map[string]any {
	return refs(refChain(r)...)
}

func refChain(r string) []string {
	var cuts []int
	inQuote := false
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case inQuote && c == '\\':
			i++
		case inQuote:
			inQuote = c != '"'
		case c == '"':
			inQuote = true
		case (c == '.' || c == '[') && i > 0:
			cuts = append(cuts, i)
		}
	}
	minSteps := 2
	if strings.HasPrefix(r, "data.") {
		minSteps = 3
	}
	out := []string{r}
	for j := len(cuts) - 1; j >= minSteps-1; j-- {
		out = append(out, r[:cuts[j]])
	}
	return out
}

func toAny[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// call adds a module call to m.
func (m *pbModule) call(name, source string, key any, exprs map[string]any) *pbModule {
	c := m.cfg.calls[name]
	if c == nil {
		c = &pbCall{source: source, exprs: exprs, module: newConfig()}
		m.cfg.calls[name] = c
	}
	addr := "module." + name + formatKey(key)
	if m.addr != "" {
		addr = m.addr + "." + addr
	}
	path := "module." + name
	if m.cfgPath != "" {
		path = m.cfgPath + "." + path
	}
	child := &pbModule{addr: addr, cfgPath: path, cfg: c.module}
	m.children = append(m.children, child)
	return child
}

// output declares an output of m's module.
func (m *pbModule) output(name string, expr map[string]any) {
	m.cfg.outputs[name] = map[string]any{"expression": expr}
}

// res adds a resource instance: after holds its known values, unknown the
// attributes known only after apply (after_unknown), exprs its
// configuration (once per resource, whatever the instance).
func (m *pbModule) res(typ, name string, index any, after, unknown, exprs map[string]any) *pbResource {
	mode := "managed"
	local := typ + "." + name
	if strings.HasPrefix(typ, "data.") {
		mode, typ = "data", strings.TrimPrefix(typ, "data.")
	}
	addr := local + formatKey(index)
	if m.addr != "" {
		addr = m.addr + "." + addr
	}
	r := &pbResource{addr: addr, mode: mode, typ: typ, name: name, index: index, after: after, unknown: unknown, module: m}
	m.resources = append(m.resources, r)
	if _, ok := m.cfg.resources[local]; !ok {
		cr := map[string]any{"address": local, "mode": mode, "type": typ, "name": name,
			"provider_config_key": strings.SplitN(typ, "_", 2)[0], "expressions": exprs, "schema_version": 0}
		if index != nil {
			if _, isInt := index.(int); isInt {
				cr["count_expression"] = refs("var.count")
			} else {
				cr["for_each_expression"] = refs("var.items")
			}
		}
		m.cfg.resources[local] = cr
		m.cfg.order = append(m.cfg.order, local)
	}
	return r
}

func (r *pbResource) provider() string {
	if strings.HasPrefix(r.typ, "azapi") {
		return "registry.terraform.io/azure/azapi"
	}
	return "registry.terraform.io/hashicorp/" + strings.SplitN(r.typ, "_", 2)[0]
}

// JSON renders the plan.
func (b *planBuilder) JSON() []byte {
	var changes []any
	var values func(m *pbModule) map[string]any
	values = func(m *pbModule) map[string]any {
		out := map[string]any{}
		if m.addr != "" {
			out["address"] = m.addr
		}
		var rs []any
		for _, r := range m.resources {
			pv := map[string]any{"address": r.addr, "mode": r.mode, "type": r.typ, "name": r.name,
				"provider_name": r.provider(), "schema_version": 0, "values": r.after, "sensitive_values": map[string]any{}}
			if r.index != nil {
				pv["index"] = r.index
			}
			rs = append(rs, pv)
			rc := map[string]any{"address": r.addr, "mode": r.mode, "type": r.typ, "name": r.name, "provider_name": r.provider(),
				"change": map[string]any{"actions": []string{"create"}, "before": nil, "after": r.after,
					"after_unknown": orEmpty(r.unknown), "before_sensitive": false, "after_sensitive": map[string]any{}}}
			if r.index != nil {
				rc["index"] = r.index
			}
			if m.addr != "" {
				rc["module_address"] = m.addr
			}
			changes = append(changes, rc)
		}
		if rs != nil {
			out["resources"] = rs
		}
		var kids []any
		for _, c := range m.children {
			kids = append(kids, values(c))
		}
		if kids != nil {
			out["child_modules"] = kids
		}
		return out
	}
	planned := values(b.root)
	var config func(c *pbConfig) map[string]any
	config = func(c *pbConfig) map[string]any {
		out := map[string]any{}
		var rs []any
		for _, a := range c.order {
			rs = append(rs, c.resources[a])
		}
		if rs != nil {
			out["resources"] = rs
		}
		if len(c.outputs) > 0 {
			out["outputs"] = c.outputs
		}
		if len(c.calls) > 0 {
			calls := map[string]any{}
			for _, n := range slices.Sorted(maps.Keys(c.calls)) {
				call := c.calls[n]
				cm := map[string]any{"source": call.source, "expressions": orEmpty(call.exprs), "module": config(call.module)}
				calls[n] = cm
			}
			out["module_calls"] = calls
		}
		return out
	}
	doc := map[string]any{
		"format_version":    "1.2",
		"terraform_version": "1.9.4",
		"planned_values":    map[string]any{"root_module": planned},
		"resource_changes":  changes,
		"configuration": map[string]any{
			"provider_config": map[string]any{
				"azurerm": map[string]any{"name": "azurerm", "full_name": "registry.terraform.io/hashicorp/azurerm", "version_constraint": "~> 4.0"},
				"azapi":   map[string]any{"name": "azapi", "full_name": "registry.terraform.io/azure/azapi", "version_constraint": "~> 2.0"},
			},
			"root_module": config(b.root.cfg),
		},
		"applyable": true,
		"complete":  true,
		"errored":   false,
	}
	out, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		panic(err)
	}
	return append(out, '\n')
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}
