package tfimport

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/aksnet/aksnet/internal/model"
)

// largePlan generates, deterministically, the plan of a hub and spokes
// spokes, each spoke an instance of a for_each module with 16 resources:
// a VNet, two subnets, a route table and its association, the two
// peerings, three PaaS resources with their private endpoints, and three
// zone links. Every ID is known only after apply, so every link is found
// through the configuration's references (module outputs, variables,
// for_each keys): the importer's most expensive path.
func largePlan(spokes int) *planBuilder {
	b := newPlan()
	root := b.root
	zones := []string{"privatelink.vaultcore.azure.net", "privatelink.blob.core.windows.net", "privatelink.postgres.database.azure.com"}
	paas := []struct{ typ, sub string }{{"azurerm_key_vault", "vault"}, {"azurerm_storage_account", "blob"}, {"azurerm_postgresql_flexible_server", "postgresqlServer"}}
	for _, z := range zones {
		root.res("azurerm_private_dns_zone", "zone", z, map[string]any{"name": z, "resource_group_name": "rg-dns"}, map[string]any{"id": true}, nil)
	}
	root.res("azurerm_virtual_network", "hub", nil,
		map[string]any{"name": "hub", "resource_group_name": "rg-hub", "location": "westeurope", "address_space": []any{"10.0.0.0/16"}},
		map[string]any{"id": true, "subnet": true}, map[string]any{"name": cv("hub")})
	for i := 0; i < spokes; i++ {
		key := fmt.Sprintf("s%04d", i)
		// Spoke i has 10.64.0.0/10's i-th /22 (at most 4,096 spokes).
		base := 64<<8 + i*4
		cidr := func(third, bits int) string {
			return fmt.Sprintf("10.%d.%d.0/%d", (base+third)>>8, (base+third)&255, bits)
		}
		args := map[string]any{"hub_id": ref("azurerm_virtual_network.hub.id")}
		for j, z := range zones {
			args[[]string{"kv", "st", "pg"}[j]+"_zone_id"] = ref(`azurerm_private_dns_zone.zone["` + z + `"].id`)
		}
		m := root.call("spoke", "./modules/spoke", key, args)
		m.res("azurerm_virtual_network", "this", nil,
			map[string]any{"name": "vnet-" + key, "resource_group_name": "rg-" + key, "location": "westeurope", "address_space": []any{cidr(0, 22)}},
			map[string]any{"id": true, "subnet": true}, map[string]any{"name": refs("var.name")})
		m.res("azurerm_subnet", "nodes", nil,
			map[string]any{"name": "nodes", "resource_group_name": "rg-" + key, "virtual_network_name": "vnet-" + key, "address_prefixes": []any{cidr(0, 23)}},
			map[string]any{"id": true}, map[string]any{"virtual_network_name": ref("azurerm_virtual_network.this.name")})
		m.res("azurerm_subnet", "pe", nil,
			map[string]any{"name": "pe", "resource_group_name": "rg-" + key, "virtual_network_name": "vnet-" + key, "address_prefixes": []any{cidr(2, 24)}},
			map[string]any{"id": true}, map[string]any{"virtual_network_name": ref("azurerm_virtual_network.this.name")})
		m.res("azurerm_route_table", "rt", nil,
			map[string]any{"name": "rt-" + key, "resource_group_name": "rg-" + key, "route": []any{
				map[string]any{"name": "default", "address_prefix": "0.0.0.0/0", "next_hop_type": "VirtualAppliance", "next_hop_in_ip_address": "10.0.1.4"}}},
			map[string]any{"id": true}, nil)
		m.res("azurerm_subnet_route_table_association", "nodes", nil, map[string]any{},
			map[string]any{"id": true, "subnet_id": true, "route_table_id": true},
			map[string]any{"subnet_id": ref("azurerm_subnet.nodes.id"), "route_table_id": ref("azurerm_route_table.rt.id")})
		m.res("azurerm_virtual_network_peering", "to_hub", nil,
			map[string]any{"name": "to-hub", "resource_group_name": "rg-" + key, "virtual_network_name": "vnet-" + key, "allow_forwarded_traffic": true},
			map[string]any{"id": true, "remote_virtual_network_id": true}, map[string]any{"remote_virtual_network_id": ref("var.hub_id")})
		m.res("azurerm_virtual_network_peering", "from_hub", nil,
			map[string]any{"name": "to-" + key, "resource_group_name": "rg-hub", "virtual_network_name": "hub", "allow_gateway_transit": true},
			map[string]any{"id": true, "remote_virtual_network_id": true}, map[string]any{"remote_virtual_network_id": ref("azurerm_virtual_network.this.id")})
		for j, p := range paas {
			short := []string{"kv", "st", "pg"}[j]
			name := short + key
			m.res(p.typ, short, nil, map[string]any{"name": name, "resource_group_name": "rg-" + key, "location": "westeurope", "public_network_access_enabled": false},
				map[string]any{"id": true}, nil)
			m.res("azurerm_private_endpoint", short, nil,
				map[string]any{"name": "pe-" + name, "resource_group_name": "rg-" + key,
					"private_service_connection": []any{map[string]any{"name": "c", "subresource_names": []any{p.sub}}},
					"private_dns_zone_group":     []any{map[string]any{"name": "default"}}},
				map[string]any{"id": true, "subnet_id": true, "private_service_connection": []any{map[string]any{"private_connection_resource_id": true, "private_ip_address": true}},
					"private_dns_zone_group": []any{map[string]any{"private_dns_zone_ids": true}}},
				map[string]any{"subnet_id": ref("azurerm_subnet.pe.id"),
					"private_service_connection": nested(map[string]any{"private_connection_resource_id": ref(p.typ + "." + short + ".id")}),
					"private_dns_zone_group":     nested(map[string]any{"private_dns_zone_ids": refs("var." + short + "_zone_id")})})
			m.res("azurerm_private_dns_zone_virtual_network_link", "link", zones[j],
				map[string]any{"name": key, "private_dns_zone_name": zones[j], "resource_group_name": "rg-dns"},
				map[string]any{"id": true, "virtual_network_id": true}, map[string]any{"virtual_network_id": ref("azurerm_virtual_network.this.id")})
		}
	}
	return b
}

// largePlanJSON is the 10,000-resource plan (625 spokes × 16, and the
// hub and three zones: 10,004).
var largePlanJSON = sync.OnceValue(func() []byte { return largePlan(625).JSON() })

var writePlan = flag.String("write-plan", "", "BenchmarkImportPlan10k also writes its plan to this file, for timing the command")

// TestLargePlan: the generated plan imports completely — every link found
// — and loads as a valid topology.
func TestLargePlan(t *testing.T) {
	if testing.Short() {
		t.Skip("large plan")
	}
	data := largePlan(40).JSON()
	res, errs := Import([]File{{Name: "large.json", Data: data}}, Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	topo := res.Topology
	if errs := append(topo.Link(), topo.Validate()...); len(errs) > 0 {
		t.Fatal(errs)
	}
	if n := len(topo.Azure.VNets); n != 41 {
		t.Errorf("%d VNets", n)
	}
	if n := len(topo.Azure.PrivateEndpoints); n != 120 {
		t.Errorf("%d endpoints", n)
	}
	for _, pe := range topo.Azure.PrivateEndpoints {
		if pe.Resource.Target == nil || len(pe.DNSZoneGroup) != 1 || !pe.IP.IsValid() {
			t.Fatalf("endpoint %s = %+v", pe.Name, pe)
		}
	}
	hub := model.Lookup[model.VNet](topo, "hub")
	if len(hub.Peerings) != 40 {
		t.Errorf("hub has %d peerings", len(hub.Peerings))
	}
	for _, w := range res.Warnings {
		if w.Msg == "" || !strings.Contains(w.Msg, "known only after apply; assumed") {
			t.Errorf("unexpected warning: %v", w)
		}
	}
	if got := res.Files[0]; got.Resources != 40*16+4 || got.Imported != got.Resources {
		t.Errorf("summary = %+v", got)
	}
}

// BenchmarkImportPlan10k: the generated plan of 10,004 resources, from
// bytes to a linked, validated topology (docs/performance.md, "Import").
// Besides the wall time it reports the process's CPU time per import
// (cpu-ms/op, all threads), which a busy shared machine inflates less.
func BenchmarkImportPlan10k(b *testing.B) {
	data := largePlanJSON()
	if *writePlan != "" {
		if err := os.WriteFile(*writePlan, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := cpuTime()
	defer func() { b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N), "cpu-ms/op") }()
	for b.Loop() {
		res, errs := Import([]File{{Name: "large.json", Data: data}}, Options{})
		if len(errs) > 0 {
			b.Fatal(errs)
		}
		if errs := append(res.Topology.Link(), res.Topology.Validate()...); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}
