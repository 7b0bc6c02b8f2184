package tfimport

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/aksnet/aksnet/internal/model"
)

// Plans and state as `terraform show -json` prints them
// (developer.hashicorp.com/terraform/internals/json-format), read with
// hashicorp/terraform-json. A plan's sections are decoded on their own
// goroutines: planned_values and resource_changes each hold every resource.

// readPlan reads a plan: the planned values, each instance's change (its
// after values and after_unknown), the data sources of the prior state, the
// configuration (for references) and the root module's variables.
func (in *input) readPlan(version string, pv, rc, prior, cfg, vars json.RawMessage) *model.Error {
	if err := (&tfjson.Plan{FormatVersion: version}).Validate(); err != nil {
		return model.Errorf(model.Location{File: in.file}, "plan format_version %q: %v", version, err).
			WithHint("aksnet reads plan format versions %s (Terraform 0.12 and later)", tfjson.PlanFormatVersionConstraints)
	}
	var (
		planned   *plannedValues
		changes   []*tfjson.ResourceChange
		priorSt   *tfjson.State
		config    *tfjson.Config
		variables map[string]*tfjson.PlanVariable
		errs      [5]error
		wg        sync.WaitGroup
	)
	decode := func(i int, raw json.RawMessage, into any) {
		if raw == nil {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = json.Unmarshal(raw, into)
		}()
	}
	decode(0, pv, &planned)
	decode(1, rc, &changes)
	decode(2, prior, &priorSt)
	decode(3, cfg, &config)
	decode(4, vars, &variables)
	wg.Wait()
	for i, section := range []string{"planned_values", "resource_changes", "prior_state", "configuration", "variables"} {
		if errs[i] != nil {
			return sectionError(in.file, section, errs[i])
		}
	}

	byAddr := map[string]*resource{}
	add := func(section, addr, modAddr string, values map[string]any) (*resource, *model.Error) {
		if modAddr != "" && !strings.HasPrefix(addr, modAddr+".") {
			// Terraform 0.12 printed child modules' data sources without
			// their module path.
			addr = modAddr + "." + addr
		}
		if r := byAddr[addr]; r != nil {
			if values != nil {
				r.values = values
			}
			return r, nil
		}
		r, err := in.newResource(addr, values)
		if err != nil {
			return nil, model.Errorf(model.Location{File: in.file}, "%s: %v", section, err)
		}
		byAddr[addr] = r
		in.resources = append(in.resources, r)
		return r, nil
	}
	if planned != nil && planned.RootModule != nil {
		// Every instance of planned_values has its change, whose after
		// holds the same values: those are decoded once, from the change;
		// the rest (data sources read at plan time) from here.
		changed := make(map[string]bool, len(changes))
		for _, c := range changes {
			if c != nil {
				changed[c.Address] = true
			}
		}
		var perr *model.Error
		planned.RootModule.walk(func(m *plannedModule, pr *plannedResource) bool {
			var values map[string]any
			addr := pr.Address
			if m.Address != "" && !strings.HasPrefix(addr, m.Address+".") {
				addr = m.Address + "." + addr
			}
			if !changed[addr] && len(pr.Values) > 0 {
				if err := json.Unmarshal(pr.Values, &values); err != nil {
					perr = sectionError(in.file, "planned_values: "+addr, err)
					return false
				}
			}
			_, perr = add("planned_values", pr.Address, m.Address, values)
			return perr == nil
		})
		if perr != nil {
			return perr
		}
	}
	for i, c := range changes {
		if c == nil || c.Change == nil || c.DeposedKey != "" {
			continue // a deposed object is being destroyed
		}
		if _, _, _, _, _, err := splitAddress(c.Address); err != nil {
			return model.Errorf(model.Location{File: in.file}, "resource_changes[%d]: resource address: %v", i, err).
				WithHint("the file must be the JSON terraform show -json prints; was it edited by hand?")
		}
		if c.Change.Actions.Delete() || c.Change.Actions.Forget() {
			in.deleted = append(in.deleted, c.Address)
			if r := byAddr[c.Address]; r != nil {
				delete(byAddr, c.Address)
				in.resources = slices.DeleteFunc(in.resources, func(x *resource) bool { return x == r })
			}
			continue
		}
		after, _ := c.Change.After.(map[string]any)
		r, err := add("resource_changes", c.Address, c.ModuleAddress, after)
		if err != nil {
			return err
		}
		r.unknown = c.Change.AfterUnknown
	}
	if priorSt != nil && priorSt.Values != nil && priorSt.Values.RootModule != nil {
		var perr *model.Error
		walkStateModule(priorSt.Values.RootModule, func(m *tfjson.StateModule, sr *tfjson.StateResource) bool {
			// Data sources read while planning are in the prior state only.
			if sr.Mode != tfjson.DataResourceMode {
				return true
			}
			addr := sr.Address
			if m.Address != "" && !strings.HasPrefix(addr, m.Address+".") {
				addr = m.Address + "." + addr
			}
			if byAddr[addr] == nil {
				_, perr = add("prior_state", addr, m.Address, sr.AttributeValues)
			}
			return perr == nil
		})
		if perr != nil {
			return perr
		}
	}
	if config != nil {
		in.config = newConfigIndex(config)
	}
	in.vars = map[string]any{}
	for name, v := range variables {
		if v != nil {
			in.vars[name] = v.Value
		}
	}
	return nil
}

// readState reads `terraform show -json` output of state.
func (in *input) readState(version string, values json.RawMessage) *model.Error {
	if err := (&tfjson.State{FormatVersion: version}).Validate(); err != nil {
		return model.Errorf(model.Location{File: in.file}, "state format_version %q: %v", version, err).
			WithHint("aksnet reads state format versions %s (Terraform 0.12 and later)", tfjson.StateFormatVersionConstraints)
	}
	var sv *tfjson.StateValues
	if values != nil {
		if err := json.Unmarshal(values, &sv); err != nil {
			return sectionError(in.file, "values", err)
		}
	}
	if sv == nil || sv.RootModule == nil {
		return nil // an empty state
	}
	seen := map[string]bool{}
	var perr *model.Error
	walkStateModule(sv.RootModule, func(m *tfjson.StateModule, sr *tfjson.StateResource) bool {
		if sr.DeposedKey != "" {
			return true
		}
		addr := sr.Address
		if m.Address != "" && !strings.HasPrefix(addr, m.Address+".") {
			addr = m.Address + "." + addr
		}
		if seen[addr] {
			return true
		}
		seen[addr] = true
		r, err := in.newResource(addr, sr.AttributeValues)
		if err != nil {
			perr = model.Errorf(model.Location{File: in.file}, "values: %v", err)
			return false
		}
		in.resources = append(in.resources, r)
		return true
	})
	return perr
}

// newResource makes the resource instance at addr.
func (in *input) newResource(addr string, values map[string]any) (*resource, error) {
	mods, mode, typ, name, key, err := splitAddress(addr)
	if err != nil {
		return nil, fmt.Errorf("resource address: %v", err)
	}
	if values == nil {
		values = map[string]any{}
	}
	return &resource{in: in, addr: addr, modules: mods, module: formatModulePath(mods), mode: mode,
		typ: typ, name: name, key: key, values: values}, nil
}

func walkStateModule(m *tfjson.StateModule, visit func(*tfjson.StateModule, *tfjson.StateResource) bool) bool {
	if m == nil {
		return true
	}
	for _, r := range m.Resources {
		if r != nil && !visit(m, r) {
			return false
		}
	}
	for _, c := range m.ChildModules {
		if !walkStateModule(c, visit) {
			return false
		}
	}
	return true
}

// plannedValues is planned_values read lightly: the instances and their
// module paths, their values left undecoded. terraform-json's StateValues
// has the same shape (state.go) but decodes every value, which the
// resource changes hold again.
type plannedValues struct {
	RootModule *plannedModule `json:"root_module"`
}

type plannedModule struct {
	Address      string             `json:"address"`
	Resources    []*plannedResource `json:"resources"`
	ChildModules []*plannedModule   `json:"child_modules"`
}

type plannedResource struct {
	Address string          `json:"address"`
	Values  json.RawMessage `json:"values"`
}

func (m *plannedModule) walk(visit func(*plannedModule, *plannedResource) bool) bool {
	if m == nil {
		return true
	}
	for _, r := range m.Resources {
		if r != nil && !visit(m, r) {
			return false
		}
	}
	for _, c := range m.ChildModules {
		if !c.walk(visit) {
			return false
		}
	}
	return true
}
