package tfimport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/aksnet/aksnet/internal/load"
)

// fuzzSeeds are small inputs of every format and feature: a plan with
// modules, for_each keys, variables and outputs; state; a raw state; azapi
// bodies as objects and strings; and shapes that must be refused.
var fuzzSeeds = []string{
	`{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"azurerm_virtual_network.v","mode":"managed","type":"azurerm_virtual_network","name":"v","values":{"name":"v","resource_group_name":"rg","address_space":["10.0.0.0/16"]}}],"child_modules":[{"address":"module.m[\"a\"]","resources":[{"address":"module.m[\"a\"].azurerm_subnet.s[0]","mode":"managed","type":"azurerm_subnet","name":"s","index":0,"values":{"name":"s","resource_group_name":"rg","address_prefixes":["10.0.1.0/24"]}}]}]}},"resource_changes":[{"address":"module.m[\"a\"].azurerm_subnet.s[0]","module_address":"module.m[\"a\"]","mode":"managed","type":"azurerm_subnet","name":"s","index":0,"change":{"actions":["create"],"after":{"name":"s","resource_group_name":"rg","address_prefixes":["10.0.1.0/24"]},"after_unknown":{"id":true,"virtual_network_name":true}}}],"configuration":{"root_module":{"module_calls":{"m":{"source":"./m","expressions":{"vnet":{"references":["azurerm_virtual_network.v.name","azurerm_virtual_network.v"]}},"module":{"resources":[{"address":"azurerm_subnet.s","mode":"managed","type":"azurerm_subnet","name":"s","expressions":{"virtual_network_name":{"references":["var.vnet"]}}}]}}}}}}`,
	`{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"azurerm_private_dns_zone.z","mode":"managed","type":"azurerm_private_dns_zone","name":"z","values":{"id":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/a.b","name":"a.b","resource_group_name":"rg"}},{"address":"azurerm_private_dns_a_record.r","mode":"managed","type":"azurerm_private_dns_a_record","name":"r","values":{"name":"x","zone_name":"a.b","resource_group_name":"rg","ttl":10,"records":["10.0.0.4"]}}]}}}`,
	`{"version":4,"terraform_version":"1.9.4","resources":[{"mode":"managed","type":"aws_vpc","name":"v","instances":[{"attributes":{"id":"vpc-1","cidr_block":"10.1.0.0/16","tags":{"Name":"v"}}}]},{"module":"module.x[0]","mode":"managed","type":"aws_subnet","name":"s","instances":[{"index_key":"k","attributes":{"id":"subnet-1","vpc_id":"vpc-1","cidr_block":"10.1.1.0/24"}}]}]}`,
	`{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"azapi_resource.v","mode":"managed","type":"azapi_resource","name":"v","values":{"type":"Microsoft.Network/virtualNetworks@2023-11-01","name":"v","parent_id":"/subscriptions/s/resourceGroups/rg","body":"{\"properties\":{\"addressSpace\":{\"addressPrefixes\":[\"10.2.0.0/16\"]},\"subnets\":[{\"name\":\"a\",\"properties\":{\"addressPrefix\":\"10.2.0.0/24\"}}]}}"}}]}}}`,
	`{"format_version":"1.2","planned_values":{"root_module":{}},"resource_changes":[{"address":"aws_vpc.gone","mode":"managed","type":"aws_vpc","name":"gone","change":{"actions":["delete"],"before":{},"after":null}}]}`,
	`{"version":3,"modules":[]}`,
	`{"format_version":"9.0","values":{}}`,
	`[]`,
	`{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"bad address","values":{}}]}}}`,
	"PK\x03\x04binary",
	``,
}

// FuzzImport feeds arbitrary bytes to the importer. Whatever the input it
// must not panic; an unreadable file is an error naming the file; every
// warning names the file and a Terraform address; what is imported can be
// linked, validated and written without panicking; and when it links and
// validates cleanly, the written topology loads back into the same model.
func FuzzImport(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	if data, err := os.ReadFile("testdata/hubspoke/plan.json"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.json"
		res, errs := Import([]File{{Name: name, Data: data}}, Options{})
		for _, e := range errs {
			if e.Loc.File != name || e.Msg == "" {
				t.Fatalf("error without the file or a message: %+v", e)
			}
		}
		if res == nil {
			if len(errs) == 0 {
				t.Fatal("no result and no error")
			}
			return
		}
		for _, w := range res.Warnings {
			if w.Loc.File != name || w.Loc.TFAddress == "" || w.Msg == "" {
				t.Fatalf("warning not located at a Terraform address: %+v", w)
			}
		}
		topo := res.Topology
		errs = append(topo.Link(), topo.Validate()...)
		out, err := load.Encode(topo, "")
		if err != nil {
			t.Fatalf("cannot write what was imported: %v", err)
		}
		// What imports cleanly is written as a topology file that loads
		// back into the same model.
		if len(errs) > 0 {
			return
		}
		back, lerrs := load.Bytes(load.FSFiles{FS: fstest.MapFS{}}, "written.yaml", out)
		if len(lerrs) > 0 {
			t.Fatalf("the written topology does not load: %v\n%s", lerrs, out)
		}
		a, _ := json.Marshal(topo)
		b, _ := json.Marshal(back)
		if !bytes.Equal(a, b) {
			t.Fatalf("the written topology loads differently:\n%s\n%s\n%s", a, b, out)
		}
	})
}

// TestFuzzSeedsCommitted: the seeds are in testdata/fuzz/FuzzImport too, so
// that `go test` runs them and a fuzzing run starts from them (-update
// rewrites them).
func TestFuzzSeedsCommitted(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzImport")
	for i, s := range fuzzSeeds {
		path := filepath.Join(dir, fmt.Sprintf("seed-%02d", i))
		want := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
		if *update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != want {
			t.Errorf("%s is missing or stale (go test ./internal/tfimport -run FuzzSeedsCommitted -update)", path)
		}
	}
}
