package tfimport

import (
	"encoding/json"
	"strconv"

	"github.com/aksnet/aksnet/internal/model"
)

// A raw terraform.tfstate (what `terraform state pull` prints), version 4
// (Terraform 0.12 and later). terraform-json refuses it ("unexpected state
// input, format version is missing"), so it is read with these small types,
// after Terraform's own internal/states/statefile/version4.go:
//
//	{"version": 4, "terraform_version": …, "resources": [{"module": …,
//	  "mode": …, "type": …, "name": …, "provider": …, "instances":
//	  [{"index_key": …, "schema_version": …, "attributes": {…},
//	    "attributes_flat": {…}, "dependencies": […], "deposed": …}]}]}
type rawStateResource struct {
	Module    string             `json:"module"`
	Mode      string             `json:"mode"`
	Type      string             `json:"type"`
	Name      string             `json:"name"`
	Instances []rawStateInstance `json:"instances"`
}

type rawStateInstance struct {
	IndexKey       any               `json:"index_key"`
	Attributes     map[string]any    `json:"attributes"`
	AttributesFlat map[string]string `json:"attributes_flat"`
	Deposed        string            `json:"deposed"`
}

// rawStateVersion is the only version read; 3 is Terraform 0.11's.
const rawStateVersion = 4

func (in *input) readRawState(version, resources, modules json.RawMessage) *model.Error {
	at := model.Location{File: in.file}
	v, err := strconv.Atoi(string(version))
	if err != nil {
		return model.Errorf(at, "terraform.tfstate version %s is not a number", version)
	}
	if v != rawStateVersion {
		e := model.Errorf(at, "terraform.tfstate version %d is not supported; aksnet reads version %d (Terraform 0.12 and later)", v, rawStateVersion)
		if v < rawStateVersion {
			return e.WithHint("upgrade the state with Terraform 0.12 or later (terraform apply, or terraform state pull with a newer Terraform)")
		}
		return e.WithHint("give terraform show -json output instead, which has a documented format")
	}
	if modules != nil && resources == nil {
		return model.Errorf(at, "terraform.tfstate version 4 without resources but with modules (a version 3 layout)").
			WithHint("upgrade the state with Terraform 0.12 or later")
	}
	var rs []rawStateResource
	if resources != nil {
		if err := json.Unmarshal(resources, &rs); err != nil {
			return sectionError(in.file, "resources", err)
		}
	}
	seen := map[string]bool{}
	for i, r := range rs {
		if r.Type == "" || r.Name == "" {
			return model.Errorf(at, "resources[%d] has no type or name", i).
				WithHint("a terraform.tfstate resource has mode, type, name and instances")
		}
		prefix := ""
		if r.Module != "" {
			if _, err := parseModulePath(r.Module); err != nil {
				return model.Errorf(at, "resources[%d] (%s.%s): module %v", i, r.Type, r.Name, err)
			}
			prefix = r.Module + "."
		}
		if r.Mode == "data" {
			prefix += "data."
		}
		for j, inst := range r.Instances {
			if inst.Deposed != "" {
				continue // a deposed object, being destroyed
			}
			addr := prefix + r.Type + "." + r.Name + formatKey(instKey(inst.IndexKey))
			if seen[addr] {
				continue
			}
			seen[addr] = true
			if inst.Attributes == nil && inst.AttributesFlat != nil {
				return model.Errorf(model.Location{File: in.file, TFAddress: addr},
					"resources[%d].instances[%d] has only flat (Terraform 0.11) attributes", i, j).
					WithHint("let Terraform 0.12 or later rewrite the state (terraform apply or terraform refresh)")
			}
			res, err := in.newResource(addr, inst.Attributes)
			if err != nil {
				return model.Errorf(at, "resources[%d]: %v", i, err)
			}
			in.resources = append(in.resources, res)
		}
	}
	return nil
}
