package tfimport

import (
	"fmt"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// Reference resolution (terraform-inputs.md §1.5). An attribute that names
// another resource holds its ID (or, for some azurerm attributes, its
// name). When the value is known it is looked up by ID: exactly, else by
// the type, resource group and names an Azure ID spells, which also finds
// a resource whose own ID is unknown until apply. When the value is known
// only after apply, the plan's configuration says which expression built
// it and what it references: a resource in the same module instance
// ("azurerm_subnet.this.id", "azurerm_subnet.this[0]"), a variable
// ("var.subnet_id": the module call's argument in the parent module
// instance), or a module output ("module.spoke.vnet_id": the output's
// expression inside the child module instance). References are tried in
// the order Terraform lists them, most specific first, and only those that
// lead to an element of a wanted kind count.

// resolved is what a reference led to, or why it led nowhere.
type resolved struct {
	nodes   []*node
	problem string // why nothing was found; "" when the attribute is not set
	guessed string // when the link was taken as the only candidate, how
}

func (x resolved) one() *node {
	if len(x.nodes) == 0 {
		return nil
	}
	return x.nodes[0]
}

// ref resolves a single-valued reference attribute to an element of one of
// the kinds.
func (im *importer) ref(a value, kinds ...string) resolved {
	x := im.resolve(a, kinds)
	if len(x.nodes) > 1 {
		var names []string
		for _, n := range x.nodes {
			names = append(names, n.describe())
		}
		return resolved{problem: fmt.Sprintf("it could be any of %s", strings.Join(names, ", "))}
	}
	return x
}

// refs resolves a list-valued reference attribute (zone IDs, endpoint IDs).
func (im *importer) refs(a value, kinds ...string) resolved { return im.resolve(a, kinds) }

func (im *importer) resolve(a value, kinds []string) resolved {
	var out resolved
	// References through other resources' attributes recurse; a cycle of
	// them (possible only in a malformed plan) must end.
	im.depth++
	defer func() { im.depth-- }()
	if im.depth > maxFollowDepth {
		out.problem = fmt.Sprintf("its references go through more than %d resources", maxFollowDepth)
		return out
	}
	add := func(ns ...*node) {
		for _, n := range ns {
			if !slices.Contains(out.nodes, n) {
				out.nodes = append(out.nodes, n)
			}
		}
	}
	var unknownParts bool
	switch v := a.v.(type) {
	case string:
		if v == "" {
			return out
		}
		n, problem := im.byIDOf(v, kinds)
		if n != nil {
			add(n)
			return out
		}
		out.problem = problem
		return out
	case []any:
		var problems []string
		for i, e := range v {
			s, ok := e.(string)
			if !ok || s == "" {
				if unknownAt(a.r.unknown, append(slices.Clone(a.path), i)...) || e == nil {
					unknownParts = true
				}
				continue
			}
			n, problem := im.byIDOf(s, kinds)
			if n != nil {
				add(n)
			} else {
				problems = append(problems, problem)
			}
		}
		if len(problems) > 0 {
			out.problem = strings.Join(problems, "; ")
		}
		if !unknownParts && !a.unknown {
			return out
		}
	case nil:
		if !a.unknown {
			return out // not set
		}
	default:
		out.problem = fmt.Sprintf("the value %v is not an ID", v)
		return out
	}
	// Known only after apply: follow the configuration.
	in := a.r.in
	if in.config == nil {
		if out.problem == "" {
			out.problem = "it is known only after apply and the file has no configuration to follow"
		}
		return out
	}
	cr := in.config.resource(configPath(a.r.modules), a.r.configAddr())
	if cr == nil {
		if out.problem == "" {
			out.problem = fmt.Sprintf("it is known only after apply and the configuration has no resource %s", a.r.configAddr())
		}
		return out
	}
	expr := exprAt(cr.Expressions, a.expr)
	if expr == nil || len(expr.References) == 0 {
		if out.problem == "" && len(out.nodes) == 0 {
			out.problem = "it is known only after apply and its expression references nothing aksnet can follow (a dynamic block, or a function of constants)"
		}
		return out
	}
	f := &follower{im: im, in: in, kinds: kinds, from: a.r}
	found := f.refs(a.r.modules, expr.References, 0)
	add(found...)
	if len(found) == 0 {
		if n := f.onlyCandidate(a.r, expr.References); n != nil {
			add(n)
			out.guessed = fmt.Sprintf("its expression uses %s, which the plan does not show; linked to %s, the only %s in the module",
				strings.Join(f.locals, ", "), n.describe(), n.kind)
			out.problem = ""
			return out
		}
		if len(f.problems) > 0 {
			out.problem = "it is known only after apply and " + strings.Join(f.problems, "; ")
		} else if out.problem == "" {
			out.problem = fmt.Sprintf("it is known only after apply and its references (%s) lead to no %s", strings.Join(expr.References, ", "), strings.Join(kinds, " or "))
		}
		return out
	}
	out.problem = ""
	return out
}

// byIDOf finds the element an ID names, of one of the kinds. Failing
// that, an element a topology file declares under the name the ID spells.
func (im *importer) byIDOf(id string, kinds []string) (*node, string) {
	n := im.byID[strings.ToLower(strings.TrimSuffix(id, "/"))]
	aid, isAzure := parseAzureID(id)
	if n == nil && isAzure {
		n = im.byARM[aid.key()]
	}
	if n != nil {
		if slices.Contains(kinds, n.kind) {
			return n, ""
		}
		return nil, fmt.Sprintf("%s is a %s, not a %s", id, n.kind, strings.Join(kinds, " or "))
	}
	if isAzure {
		for _, k := range kinds {
			name := externalName(k, aid)
			if name != "" && im.opts.Declared != nil && im.opts.Declared(k, name) {
				return &node{kind: k, name: name, external: true}, ""
			}
		}
	}
	return nil, fmt.Sprintf("%s is not in the Terraform input", id)
}

// externalName is the name an element of kind would have in a topology
// file, from its Azure ID.
func externalName(kind string, a azureID) string {
	t := strings.ToLower(a.armType())
	switch {
	case kind == kindVNet && t == strings.ToLower(armVNet),
		kind == kindRouteTable && t == strings.ToLower(armRouteTable),
		kind == kindNSG && t == strings.ToLower(armNSG),
		kind == kindResolver && t == strings.ToLower(armResolver),
		kind == kindRuleset && t == strings.ToLower(armRuleset),
		kind == kindGateway && t == strings.ToLower(armGateway),
		kind == kindCluster && t == strings.ToLower(armCluster),
		kind == kindZone && t == strings.ToLower(armZone),
		kind == kindResource && len(a.names) == 1:
		return a.names[0]
	case kind == kindSubnet && t == strings.ToLower(armSubnet),
		kind == kindOutbound && t == strings.ToLower(armOutbound),
		kind == kindInbound && t == strings.ToLower(armInbound):
		return a.names[0] + "/" + a.names[1]
	}
	return ""
}

// follower walks configuration references.
type follower struct {
	im       *importer
	in       *input
	kinds    []string
	from     *resource
	problems []string
	locals   []string // local values met: the JSON format does not show them
}

// maxFollowDepth bounds how far references are followed (module nesting,
// variables passed down, outputs passed up).
const maxFollowDepth = 32

func (f *follower) problem(format string, args ...any) {
	p := fmt.Sprintf(format, args...)
	if !slices.Contains(f.problems, p) {
		f.problems = append(f.problems, p)
	}
}

// refs resolves a list of references made in module instance mod.
func (f *follower) refs(mod []modStep, refs []string, depth int) []*node {
	var out []*node
	var found []string
	for _, ref := range refs {
		// Terraform lists a reference and then its prefixes
		// (`a.b["k"].id`, `a.b["k"]`, `a.b`): once a reference led
		// somewhere, its prefixes add nothing but every instance.
		if slices.ContainsFunc(found, func(f string) bool {
			return strings.HasPrefix(f, ref+".") || strings.HasPrefix(f, ref+"[")
		}) {
			continue
		}
		before := len(out)
		// Every reference counts: Terraform lists a.b.id and a.b, which
		// lead to one element; a single-valued attribute whose references
		// lead to two is ambiguous, and ref says so.
		ns := f.ref(mod, ref, depth)
		for _, n := range ns {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
		if len(ns) > 0 || len(out) > before {
			found = append(found, ref)
		}
	}
	return out
}

func (f *follower) ref(mod []modStep, ref string, depth int) []*node {
	if depth > maxFollowDepth {
		f.problem("references are nested deeper than %d levels", maxFollowDepth)
		return nil
	}
	ts, err := splitTraversal(ref)
	if err != nil || len(ts) == 0 || ts[0].isKey {
		return nil
	}
	switch ts[0].name {
	case "var":
		if len(ts) < 2 || ts[1].isKey {
			return nil
		}
		return f.variable(mod, ts[1].name, depth)
	case "module":
		return f.output(mod, ts, depth)
	case "local":
		if len(ts) > 1 && !slices.Contains(f.locals, "local."+ts[1].name) {
			f.locals = append(f.locals, "local."+ts[1].name)
		}
		return nil
	case "each", "count", "path", "terraform", "self":
		return nil
	case "data":
		if len(ts) < 3 || ts[1].isKey || ts[2].isKey {
			return nil
		}
		return f.resourceRef(mod, "data."+ts[1].name+"."+ts[2].name, ts[3:], depth)
	}
	if len(ts) < 2 || ts[1].isKey {
		return nil
	}
	return f.resourceRef(mod, ts[0].name+"."+ts[1].name, ts[2:], depth)
}

// resourceRef resolves a reference to a resource in module instance mod;
// rest is what follows TYPE.NAME: an optional key, then attributes.
func (f *follower) resourceRef(mod []modStep, addr string, rest []trav, depth int) []*node {
	cands := f.im.byConf[f.in][formatModulePath(mod)+"|"+addr]
	if len(rest) > 0 && rest[0].isKey {
		if rest[0].key != nil {
			var keyed []*resource
			for _, c := range cands {
				if c.key == rest[0].key {
					keyed = append(keyed, c)
				}
			}
			cands = keyed
		}
		rest = rest[1:]
	}
	if len(cands) > 1 {
		// count and for_each instances that pair with the referring
		// instance's own key (subnet[count.index], zone[each.key]).
		var same []*resource
		for _, c := range cands {
			if f.from != nil && c.key != nil && c.key == f.from.key && formatModulePath(mod) == f.from.module {
				same = append(same, c)
			}
		}
		if len(same) == 1 {
			cands = same
		}
	}
	var out []*node
	for _, c := range cands {
		matched := false
		for _, n := range c.nodes {
			if slices.Contains(f.kinds, n.kind) {
				out = append(out, n)
				matched = true
			}
		}
		if matched {
			continue
		}
		// A reference through another resource's ID attribute
		// (azurerm_subnet_route_table_association.x.subnet_id).
		if len(rest) > 0 && !rest[0].isKey && (strings.HasSuffix(rest[0].name, "_id") || strings.HasSuffix(rest[0].name, "_ids")) {
			x := f.im.resolve(c.attr(rest[0].name), f.kinds)
			out = append(out, x.nodes...)
			continue
		}
		if len(c.nodes) == 0 {
			f.problem("%s was not imported", c.addr)
		}
	}
	if len(cands) == 0 {
		if f.im.byConf[f.in][formatModulePath(mod)+"|"+addr] == nil {
			where := "the root module"
			if len(mod) > 0 {
				where = formatModulePath(mod)
			}
			f.problem("%s has no instance in %s", addr, where)
		}
	}
	return out
}

// variable resolves var.NAME in module instance mod: the root module's
// variable value, or the argument of the module call in the parent.
func (f *follower) variable(mod []modStep, name string, depth int) []*node {
	if len(mod) == 0 {
		v, ok := f.in.vars[name]
		if !ok {
			return nil
		}
		return f.constant(v)
	}
	call := f.in.config.calls[configPath(mod)]
	if call == nil {
		return nil
	}
	expr := call.Expressions[name]
	if expr == nil || expr.ExpressionData == nil {
		return nil // the variable's default: not in the plan's configuration
	}
	parent := mod[:len(mod)-1]
	if len(expr.References) > 0 {
		return f.refs(parent, expr.References, depth+1)
	}
	if expr.ConstantValue != tfjson.UnknownConstantValue {
		return f.constant(expr.ConstantValue)
	}
	return nil
}

// constant resolves IDs written as constants (a variable's value, a
// module argument): aztfexport-style configurations.
func (f *follower) constant(v any) []*node {
	var ids []string
	switch x := v.(type) {
	case string:
		ids = []string{x}
	case []any:
		ids = strs(x)
	}
	var out []*node
	for _, id := range ids {
		if n, _ := f.im.byIDOf(id, f.kinds); n != nil {
			out = append(out, n)
		}
	}
	return out
}

// output resolves module.NAME[KEY].OUTPUT made in module instance mod.
func (f *follower) output(mod []modStep, ts []trav, depth int) []*node {
	if len(ts) < 2 || ts[1].isKey {
		return nil
	}
	name := ts[1].name
	rest := ts[2:]
	keys := f.im.children[f.in][formatModulePath(mod)+"|"+name]
	var key any
	keyed := false
	if len(rest) > 0 && rest[0].isKey {
		key, keyed = rest[0].key, rest[0].key != nil
		rest = rest[1:]
	}
	if len(rest) == 0 || rest[0].isKey {
		return nil // the whole module object: its outputs are in later references
	}
	out := rest[0].name
	var inst []any
	switch {
	case keyed:
		inst = []any{key}
	case len(keys) == 1:
		inst = keys
	case len(keys) > 1:
		// for_each modules: the instance that pairs with the referrer's
		// own key, if any.
		for _, k := range keys {
			if f.from != nil && k == f.from.key {
				inst = []any{k}
			}
		}
		if inst == nil {
			f.problem("module.%s has %d instances and the reference does not say which", name, len(keys))
			return nil
		}
	default:
		f.problem("module.%s has no resources in the plan", name)
		return nil
	}
	child := append(slices.Clone(mod), modStep{name: name, key: inst[0]})
	cm := f.in.config.modules[configPath(child)]
	if cm == nil || cm.Outputs[out] == nil || cm.Outputs[out].Expression == nil || cm.Outputs[out].Expression.ExpressionData == nil {
		f.problem("module.%s has no output %q in the configuration", name, out)
		return nil
	}
	e := cm.Outputs[out].Expression
	if len(e.References) > 0 {
		return f.refs(child, e.References, depth+1)
	}
	if e.ConstantValue != tfjson.UnknownConstantValue {
		return f.constant(e.ConstantValue)
	}
	return nil
}

// onlyCandidate is the last resort when the references went through local
// values, which the JSON format does not show (terraform-aws-modules/vpc's
// local.vpc_id): the one element of a wanted kind in the referrer's module
// instance, if there is exactly one.
func (f *follower) onlyCandidate(r *resource, refs []string) *node {
	if len(f.locals) == 0 {
		return nil
	}
	var found *node
	for _, c := range f.in.resources {
		if c.module != r.module || c == r {
			continue
		}
		for _, n := range c.nodes {
			if slices.Contains(f.kinds, n.kind) {
				if found != nil && found != n {
					return nil
				}
				found = n
			}
		}
	}
	return found
}
