package tfimport

import (
	tfjson "github.com/hashicorp/terraform-json"
)

// configIndex indexes a plan's configuration section: every module of the
// configuration by its path ("" for the root, "module.a.module.b" below),
// the call that instantiates it, and its resources. The configuration
// holds each resource once, not per count or for_each instance, with its
// expressions: constant values, or the references they were built from
// (json-format.mdx, "Expression Representation").
type configIndex struct {
	modules   map[string]*tfjson.ConfigModule
	calls     map[string]*tfjson.ModuleCall
	resources map[string]*tfjson.ConfigResource // module path + "|" + configAddr
}

func newConfigIndex(c *tfjson.Config) *configIndex {
	ix := &configIndex{modules: map[string]*tfjson.ConfigModule{}, calls: map[string]*tfjson.ModuleCall{},
		resources: map[string]*tfjson.ConfigResource{}}
	var walk func(path string, m *tfjson.ConfigModule, depth int)
	walk = func(path string, m *tfjson.ConfigModule, depth int) {
		if m == nil || depth > maxModuleDepth {
			return
		}
		ix.modules[path] = m
		for _, r := range m.Resources {
			if r == nil {
				continue
			}
			addr := r.Type + "." + r.Name
			if r.Mode == tfjson.DataResourceMode {
				addr = "data." + addr
			}
			ix.resources[path+"|"+addr] = r
		}
		for name, call := range m.ModuleCalls {
			if call == nil {
				continue
			}
			child := "module." + name
			if path != "" {
				child = path + "." + child
			}
			ix.calls[child] = call
			walk(child, call.Module, depth+1)
		}
	}
	walk("", c.RootModule, 0)
	return ix
}

// maxModuleDepth bounds module nesting, against malformed input.
const maxModuleDepth = 64

// resource returns the configuration of the resource at addr (configAddr
// form) in the module at path.
func (ix *configIndex) resource(path, addr string) *tfjson.ConfigResource {
	if ix == nil {
		return nil
	}
	return ix.resources[path+"|"+addr]
}

// exprAt returns the expression of an attribute path in a resource's
// expressions: names select attributes, numbers select a block of a nested
// block list (the only block when there is one, as for blocks that hold at
// most one).
func exprAt(exprs map[string]*tfjson.Expression, path []any) *tfjson.Expression {
	var cur *tfjson.Expression
	m := exprs
	for i := 0; i < len(path); i++ {
		name, ok := path[i].(string)
		if !ok || m == nil {
			return nil
		}
		cur = m[name]
		if cur == nil || cur.ExpressionData == nil {
			return nil
		}
		if i+1 < len(path) {
			if idx, isIdx := path[i+1].(int); isIdx {
				blocks := cur.NestedBlocks
				switch {
				case len(blocks) == 1:
					m = blocks[0]
				case idx >= 0 && idx < len(blocks):
					m = blocks[idx]
				default:
					return nil
				}
				i++
				if i+1 >= len(path) {
					return nil // a whole block, not an attribute
				}
				continue
			}
			// An attribute inside a single nested block written as an
			// object: not part of the JSON format's block forms.
			if len(cur.NestedBlocks) == 1 {
				m = cur.NestedBlocks[0]
				continue
			}
			return cur // a reference inside an object value: use the whole expression
		}
	}
	return cur
}
