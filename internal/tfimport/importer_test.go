package tfimport

import (
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/aksnet/aksnet/internal/kb"
	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

// sr is a resource of a state written by stateJSON: its address and values.
type sr struct {
	addr   string
	values map[string]any
}

// stateJSON writes `terraform show -json` output of a state holding rs
// (root module only).
func stateJSON(rs ...sr) string {
	var out []any
	for _, r := range rs {
		_, mode, typ, name, key, err := splitAddress(r.addr)
		if err != nil {
			panic(err)
		}
		m := map[string]any{"address": r.addr, "mode": mode, "type": typ, "name": name, "values": r.values}
		if key != nil {
			m["index"] = key
		}
		out = append(out, m)
	}
	b, _ := json.Marshal(map[string]any{"format_version": "1.0", "terraform_version": "1.9.4",
		"values": map[string]any{"root_module": map[string]any{"resources": out}}})
	return string(b)
}

// importFiles loads an estate from in-memory files.
func importFiles(t *testing.T, topology string, files map[string]string) (*Estate, model.ErrorList) {
	t.Helper()
	fs := fstest.MapFS{}
	var tf []string
	for name, data := range files {
		fs[name] = &fstest.MapFile{Data: []byte(data)}
		if name != topology {
			tf = append(tf, name)
		}
	}
	slices.Sort(tf)
	return Load(load.FSFiles{FS: fs}, Sources{Terraform: tf, Topology: topology})
}

func mustImport(t *testing.T, files map[string]string) *Estate {
	t.Helper()
	est, errs := importFiles(t, "", files)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	return est
}

const sub = "/subscriptions/0/resourceGroups/"

func vnetID(rg, name string) string {
	return sub + rg + "/providers/Microsoft.Network/virtualNetworks/" + name
}

// TestAzurermVersions: the attribute names of azurerm v3, v4 and v5 mean
// the same topology (terraform-inputs.md §2.1).
func TestAzurermVersions(t *testing.T) {
	state := stateJSON(
		// v3: inline subnet address_prefix, disable_bgp_route_propagation,
		// private_endpoint_network_policies_enabled.
		sr{"azurerm_virtual_network.v3", map[string]any{"name": "v3", "resource_group_name": "rg", "address_space": []any{"10.3.0.0/16"},
			"id": vnetID("rg", "v3"), "subnet": []any{map[string]any{"name": "a", "address_prefix": "10.3.1.0/24",
				"security_group": sub + "rg/providers/Microsoft.Network/networkSecurityGroups/nsg"}}}},
		sr{"azurerm_route_table.v3", map[string]any{"name": "rt3", "resource_group_name": "rg", "disable_bgp_route_propagation": true}},
		sr{"azurerm_subnet.v3", map[string]any{"name": "b", "resource_group_name": "rg", "virtual_network_name": "v3",
			"address_prefixes": []any{"10.3.2.0/24"}, "private_endpoint_network_policies_enabled": true}},
		// v2: the inverted enforce_private_link_endpoint_network_policies.
		sr{"azurerm_subnet.v2", map[string]any{"name": "c", "resource_group_name": "rg", "virtual_network_name": "v3",
			"address_prefixes": []any{"10.3.3.0/24"}, "enforce_private_link_endpoint_network_policies": true}},
		// v4: address_prefixes inline, bgp_route_propagation_enabled, the policy string.
		sr{"azurerm_virtual_network.v4", map[string]any{"name": "v4", "resource_group_name": "rg", "address_space": []any{"10.4.0.0/16"},
			"id": vnetID("rg", "v4"), "subnet": []any{map[string]any{"name": "a", "address_prefixes": []any{"10.4.1.0/24"},
				"private_endpoint_network_policies": "NetworkSecurityGroupEnabled"}}}},
		sr{"azurerm_route_table.v4", map[string]any{"name": "rt4", "resource_group_name": "rg", "bgp_route_propagation_enabled": true}},
		sr{"azurerm_network_security_group.nsg", map[string]any{"name": "nsg", "resource_group_name": "rg",
			"id": sub + "rg/providers/Microsoft.Network/networkSecurityGroups/nsg"}},
		// Zones, records and links: v4 by zone name, v5 by zone ID.
		sr{"azurerm_private_dns_zone.z", map[string]any{"name": "privatelink.vaultcore.azure.net", "resource_group_name": "rg-dns",
			"id": sub + "rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net"}},
		sr{"azurerm_private_dns_a_record.v4", map[string]any{"name": "kv4", "zone_name": "privatelink.vaultcore.azure.net",
			"resource_group_name": "rg-dns", "ttl": 10, "records": []any{"10.4.1.4"}}},
		sr{"azurerm_private_dns_a_record.v5", map[string]any{"name": "kv5", "ttl": 10, "records": []any{"10.4.1.5"},
			"private_dns_zone_id": sub + "rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net"}},
		sr{"azurerm_private_dns_zone_virtual_network_link.v4", map[string]any{"name": "v4", "private_dns_zone_name": "privatelink.vaultcore.azure.net",
			"resource_group_name": "rg-dns", "virtual_network_id": vnetID("rg", "v4"), "resolution_policy": "NxDomainRedirect"}},
		sr{"azurerm_private_dns_zone_virtual_network_link.v5", map[string]any{"name": "v3", "virtual_network_id": vnetID("rg", "v3"),
			"private_dns_zone_id": sub + "rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net", "registration_enabled": true}},
	)
	est := mustImport(t, map[string]string{"s.json": state})
	topo := est.Topology
	v3 := model.Lookup[model.VNet](topo, "v3")
	if v3 == nil || len(v3.Subnets) != 3 {
		t.Fatalf("v3 = %+v", v3)
	}
	a, b, c := v3.Subnets[0], v3.Subnets[1], v3.Subnets[2]
	if a.Prefix != netip.MustParsePrefix("10.3.1.0/24") || a.NSG.Target == nil || a.NSG.Target.Name != "nsg" {
		t.Errorf("v3 inline subnet = %+v (NSG %+v)", a, a.NSG)
	}
	if !b.PrivateEndpointNetworkPolicies || c.PrivateEndpointNetworkPolicies {
		t.Errorf("policies: v3 enabled %v (want true), v2 enforce=true %v (want false)", b.PrivateEndpointNetworkPolicies, c.PrivateEndpointNetworkPolicies)
	}
	if v4 := model.Lookup[model.Subnet](topo, "v4/a"); v4 == nil || v4.Prefix != netip.MustParsePrefix("10.4.1.0/24") || !v4.PrivateEndpointNetworkPolicies {
		t.Errorf("v4 inline subnet = %+v", v4)
	}
	if rt := model.Lookup[model.RouteTable](topo, "rt3"); rt == nil || !rt.DisableBGPRoutePropagation {
		t.Errorf("rt3 = %+v", rt)
	}
	if rt := model.Lookup[model.RouteTable](topo, "rt4"); rt == nil || rt.DisableBGPRoutePropagation {
		t.Errorf("rt4 = %+v", rt)
	}
	z := model.Lookup[model.PrivateDNSZone](topo, "privatelink.vaultcore.azure.net")
	if z == nil || len(z.Records) != 2 || len(z.Links) != 2 {
		t.Fatalf("zone = %+v", z)
	}
	if z.Links[0].VNet.Target.Name != "v4" || z.Links[0].ResolutionPolicy != model.ResolutionNxDomainRedirect ||
		z.Links[1].VNet.Target.Name != "v3" || !z.Links[1].RegistrationEnabled {
		t.Errorf("links = %+v, %+v", z.Links[0], z.Links[1])
	}
	if len(est.Warnings) != 0 {
		t.Errorf("warnings: %v", est.Warnings)
	}
}

// TestAKSVersions: a v3 cluster's attribute names give the model a v4
// cluster's give.
func TestAKSVersions(t *testing.T) {
	net := []sr{
		{"azurerm_virtual_network.v", map[string]any{"name": "v", "resource_group_name": "rg", "address_space": []any{"10.0.0.0/16"}, "id": vnetID("rg", "v"),
			"subnet": []any{
				map[string]any{"name": "nodes", "address_prefixes": []any{"10.0.0.0/22"}, "id": vnetID("rg", "v") + "/subnets/nodes"},
				map[string]any{"name": "api", "address_prefixes": []any{"10.0.4.0/28"}, "id": vnetID("rg", "v") + "/subnets/api"}}}},
	}
	pool := map[string]any{"name": "system", "vnet_subnet_id": vnetID("rg", "v") + "/subnets/nodes", "node_count": 2, "min_count": 2, "max_count": 4, "max_pods": 50}
	v3 := append(slices.Clone(net), sr{"azurerm_kubernetes_cluster.c", map[string]any{"name": "c", "resource_group_name": "rg",
		"private_cluster_enabled": false, "api_server_authorized_ip_ranges": []any{"203.0.113.0/24"},
		"api_server_access_profile": []any{map[string]any{"vnet_integration_enabled": true, "subnet_id": vnetID("rg", "v") + "/subnets/api"}},
		"network_profile": []any{map[string]any{"network_plugin": "azure", "network_plugin_mode": "overlay", "ebpf_data_plane": "cilium",
			"network_policy": "cilium", "pod_cidr": "192.168.0.0/16", "docker_bridge_cidr": "172.17.0.1/16"}},
		"default_node_pool": []any{pool}}})
	v4 := append(slices.Clone(net), sr{"azurerm_kubernetes_cluster.c", map[string]any{"name": "c", "resource_group_name": "rg",
		"private_cluster_enabled": false,
		"api_server_access_profile": []any{map[string]any{"virtual_network_integration_enabled": true, "subnet_id": vnetID("rg", "v") + "/subnets/api",
			"authorized_ip_ranges": []any{"203.0.113.0/24"}}},
		"network_profile": []any{map[string]any{"network_plugin": "azure", "network_plugin_mode": "overlay", "network_data_plane": "cilium",
			"network_policy": "cilium", "pod_cidr": "192.168.0.0/16"}},
		"default_node_pool": []any{pool}}})
	var got []string
	for _, s := range [][]sr{v3, v4} {
		est := mustImport(t, map[string]string{"s.json": stateJSON(s...)})
		c := model.Lookup[model.Cluster](est.Topology, "c")
		if c == nil {
			t.Fatal("no cluster")
		}
		got = append(got, string(declared(t, est.Topology, false)))
		if c.NetworkDataplane != "cilium" || c.APIServer.VNetIntegrationSubnet.Name != "v/api" || len(c.APIServer.AuthorizedIPRanges) != 1 ||
			c.NodePools[0].Subnet.Target == nil || c.NodePools[0].Count != 2 || c.NodePools[0].OSType != "Linux" {
			t.Errorf("cluster = %+v", c)
		}
	}
	if got[0] != got[1] {
		t.Errorf("v3 and v4 differ:\n%s", diff([]byte(got[0]), []byte(got[1])))
	}
}

// TestAzapiBody: azapi v1's body is a JSON string, v2's an object; both
// give the same VNet. A body known only after apply is reported.
func TestAzapiBody(t *testing.T) {
	body := map[string]any{"properties": map[string]any{"addressSpace": map[string]any{"addressPrefixes": []any{"10.2.0.0/16"}},
		"dhcpOptions": map[string]any{"dnsServers": []any{"10.0.2.4"}},
		"subnets": []any{map[string]any{"name": "a", "properties": map[string]any{"addressPrefix": "10.2.1.0/24",
			"delegations": []any{map[string]any{"properties": map[string]any{"serviceName": "Microsoft.Network/dnsResolvers"}}}}}}}}
	asString, _ := json.Marshal(body)
	var models []string
	for _, b := range []any{body, string(asString)} {
		est := mustImport(t, map[string]string{"s.json": stateJSON(sr{"azapi_resource.v", map[string]any{
			"type": "Microsoft.Network/virtualNetworks@2024-05-01", "name": "v", "parent_id": sub + "rg", "location": "West Europe", "body": b}})})
		v := model.Lookup[model.VNet](est.Topology, "v")
		if v == nil || v.ResourceGroup != "rg" || v.Region != "westeurope" || len(v.DNSServers) != 1 || len(v.Subnets) != 1 ||
			v.Subnets[0].Delegation != "Microsoft.Network/dnsResolvers" {
			t.Fatalf("vnet = %+v", v)
		}
		models = append(models, string(declared(t, est.Topology, false)))
	}
	if models[0] != models[1] {
		t.Errorf("object and string bodies differ:\n%s", diff([]byte(models[0]), []byte(models[1])))
	}

	plan := newPlan()
	plan.root.res("azapi_resource", "v", nil,
		map[string]any{"type": "Microsoft.Network/virtualNetworks@2024-05-01", "name": "v", "parent_id": sub + "rg"},
		map[string]any{"body": true, "id": true}, map[string]any{"body": refs("jsonencode")})
	plan.root.res("azapi_resource", "other", nil,
		map[string]any{"type": "Microsoft.Storage/storageAccounts@2023-01-01", "name": "st", "parent_id": sub + "rg", "body": map[string]any{}},
		nil, nil)
	est := mustImport(t, map[string]string{"p.json": string(plan.JSON())})
	if !warned(est, "azapi_resource.v", "body is known only after apply") {
		t.Errorf("unknown body not reported: %v", est.Warnings)
	}
	if !warned(est, "azapi_resource.other", "azapi_resource of type Microsoft.Storage/storageAccounts is not modelled") {
		t.Errorf("unsupported azapi type not reported: %v", est.Warnings)
	}
}

// TestCountPairing: a reference with count.index pairs instances by key; a
// reference that could be any instance is reported, not guessed.
func TestCountPairing(t *testing.T) {
	plan := newPlan()
	m := plan.root
	m.res("azurerm_virtual_network", "v", nil,
		map[string]any{"name": "v", "resource_group_name": "rg", "address_space": []any{"10.0.0.0/16"}}, map[string]any{"id": true}, nil)
	for i := 0; i < 2; i++ {
		m.res("azurerm_subnet", "s", i,
			map[string]any{"name": []string{"a", "b"}[i], "resource_group_name": "rg", "virtual_network_name": "v", "address_prefixes": []any{[]string{"10.0.1.0/24", "10.0.2.0/24"}[i]}},
			map[string]any{"id": true}, nil)
		m.res("azurerm_network_security_group", "n", i,
			map[string]any{"name": []string{"na", "nb"}[i], "resource_group_name": "rg"}, map[string]any{"id": true}, nil)
		m.res("azurerm_subnet_network_security_group_association", "pair", i, map[string]any{},
			map[string]any{"id": true, "subnet_id": true, "network_security_group_id": true},
			map[string]any{"subnet_id": refs("azurerm_subnet.s", "count.index"), "network_security_group_id": refs("azurerm_network_security_group.n", "count.index")})
	}
	m.res("azurerm_route_table", "rt", nil, map[string]any{"name": "rt", "resource_group_name": "rg"}, map[string]any{"id": true}, nil)
	m.res("azurerm_subnet_route_table_association", "any", nil, map[string]any{}, map[string]any{"id": true, "subnet_id": true, "route_table_id": true},
		map[string]any{"subnet_id": refs("azurerm_subnet.s"), "route_table_id": ref("azurerm_route_table.rt.id")})
	est := mustImport(t, map[string]string{"p.json": string(plan.JSON())})
	a, b := model.Lookup[model.Subnet](est.Topology, "v/a"), model.Lookup[model.Subnet](est.Topology, "v/b")
	if a == nil || b == nil || a.NSG.Name != "na" || b.NSG.Name != "nb" {
		t.Fatalf("subnets a=%+v b=%+v", a, b)
	}
	if a.RouteTable.IsSet() || b.RouteTable.IsSet() {
		t.Errorf("an ambiguous association was guessed: %v %v", a.RouteTable, b.RouteTable)
	}
	if !warned(est, "azurerm_subnet_route_table_association.any", "it could be any of azurerm_subnet.s[0], azurerm_subnet.s[1]") {
		t.Errorf("the ambiguity is not reported: %v", est.Warnings)
	}
}

// TestDataSources: a data source reading a managed resource is that
// resource; one reading something else is imported as what it reads.
func TestDataSources(t *testing.T) {
	state := stateJSON(
		sr{"azurerm_virtual_network.v", map[string]any{"name": "v", "resource_group_name": "rg", "address_space": []any{"10.0.0.0/16"}, "id": vnetID("rg", "v")}},
		sr{"data.azurerm_virtual_network.same", map[string]any{"name": "v", "resource_group_name": "rg", "address_space": []any{"10.0.0.0/16"}, "id": vnetID("rg", "v")}},
		sr{"data.azurerm_virtual_network.hub", map[string]any{"name": "hub", "resource_group_name": "rg-hub", "address_space": []any{"10.9.0.0/16"}, "id": vnetID("rg-hub", "hub")}},
		sr{"azurerm_virtual_network_peering.p", map[string]any{"name": "p", "resource_group_name": "rg", "virtual_network_name": "v", "remote_virtual_network_id": vnetID("rg-hub", "hub")}},
		sr{"data.azurerm_client_config.current", map[string]any{"tenant_id": "t"}},
	)
	est := mustImport(t, map[string]string{"s.json": state})
	vs := est.Topology.Azure.VNets
	if len(vs) != 2 || vs[0].Name != "v" || vs[1].Name != "hub" || vs[1].Loc.TFAddress != "data.azurerm_virtual_network.hub" {
		t.Fatalf("vnets = %+v", vs)
	}
	if len(vs[0].Peerings) != 1 || vs[0].Peerings[0].Remote.Target != vs[1] {
		t.Errorf("peering = %+v", vs[0].Peerings)
	}
	if len(est.Warnings) != 0 {
		t.Errorf("warnings (data sources of other types are not resources to report): %v", est.Warnings)
	}
}

// TestNamesAndPlans: names unique across resource groups, stand-in names
// for names known only after apply, and what a plan destroys.
func TestNamesAndPlans(t *testing.T) {
	plan := newPlan()
	m := plan.root
	m.res("azurerm_virtual_network", "a", nil, map[string]any{"name": "v", "resource_group_name": "rg1", "address_space": []any{"10.1.0.0/16"}}, map[string]any{"id": true}, nil)
	m.res("azurerm_virtual_network", "b", nil, map[string]any{"name": "v", "resource_group_name": "rg2", "address_space": []any{"10.2.0.0/16"}}, map[string]any{"id": true}, nil)
	m.res("azurerm_key_vault", "kv", nil, map[string]any{"resource_group_name": "rg1", "public_network_access_enabled": true}, map[string]any{"id": true, "name": true}, nil)
	doc := string(plan.JSON())
	// One more instance, destroyed by the plan.
	doc = strings.Replace(doc, `"resource_changes": [`, `"resource_changes": [{"address": "azurerm_virtual_network.old", "mode": "managed", "type": "azurerm_virtual_network", "name": "old", "change": {"actions": ["delete"], "before": {"name": "old"}, "after": null}},`, 1)
	est := mustImport(t, map[string]string{"p.json": doc})
	var names []string
	for _, v := range est.Topology.Azure.VNets {
		names = append(names, v.Name)
	}
	if !slices.Equal(names, []string{"v", "v.rg2"}) {
		t.Errorf("vnets = %v", names)
	}
	if !warned(est, "azurerm_virtual_network.b", `this one is named "v.rg2"`) {
		t.Errorf("the rename is not reported: %v", est.Warnings)
	}
	kv := est.Topology.Azure.Resources
	if len(kv) != 1 || kv[0].Name != "azurerm-key-vault-kv" || kv[0].PublicNetworkAccess != "Enabled" {
		t.Errorf("resources = %+v", kv)
	}
	if !warned(est, "azurerm_key_vault.kv", `name is known only after apply; the element is named "azurerm-key-vault-kv"`) {
		t.Errorf("the stand-in name is not reported: %v", est.Warnings)
	}
	if !warned(est, "azurerm_virtual_network.old", "the plan destroys 1 resource(s), which are not imported: azurerm_virtual_network.old") {
		t.Errorf("the destroyed resource is not reported: %v", est.Warnings)
	}
}

// TestInputErrors: what cannot be read is an error that names the file,
// where it can the line, and what to do.
func TestInputErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"tfplan", "PK\x03\x04zip", "tfplan: this is a binary plan file (a zip archive), which only Terraform can read (convert it: terraform show -json tfplan > plan.json, and import plan.json)"},
		{"empty.json", " \n", "empty.json: the file is empty"},
		{"list.json", "[1]", "list.json:1:1: the document is a JSON array, expected an object"},
		{"syntax.json", "{\n  \"format_version\": \"1.0\",\n  \"values\": {,}\n}", "syntax.json:3:14: JSON syntax: invalid character ','"},
		{"other.json", `{"resources": []}`, "other.json: not a Terraform plan or state: the JSON has neither format_version nor version"},
		{"future.json", `{"format_version": "2.0", "values": {}}`, `future.json: state format_version "2.0"`},
		{"v3.tfstate", `{"version": 3, "modules": []}`, "v3.tfstate: terraform.tfstate version 3 is not supported; aksnet reads version 4 (Terraform 0.12 and later)"},
		{"flat.tfstate", `{"version": 4, "resources": [{"mode": "managed", "type": "aws_vpc", "name": "v", "instances": [{"attributes_flat": {"id": "x"}}]}]}`,
			"flat.tfstate: aws_vpc.v: resources[0].instances[0] has only flat (Terraform 0.11) attributes"},
		{"deep.json", "{\"format_version\": \"1.0\", \"values\": " + strings.Repeat("[", 300) + strings.Repeat("]", 300) + "}", "deep.json:1:292: JSON nested deeper than 256 levels"},
		{"types.json", `{"format_version": "1.0", "values": {"root_module": {"resources": "x"}}}`, "types.json: values: root_module.resources is a JSON string, expected a list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := importFiles(t, "", map[string]string{tc.name: tc.data})
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.want) {
				t.Errorf("errors = %v\nwant one containing %q", errs, tc.want)
			}
		})
	}
}

// TestPrivateEndpointState: an endpoint in state, its addresses computed
// (the connection's, custom_dns_configs' further FQDNs as members), its
// target and zones outside the input.
func TestPrivateEndpointState(t *testing.T) {
	state := stateJSON(
		sr{"azurerm_virtual_network.v", map[string]any{"name": "v", "resource_group_name": "rg", "address_space": []any{"10.0.0.0/16"}, "id": vnetID("rg", "v"),
			"subnet": []any{map[string]any{"name": "pe", "address_prefixes": []any{"10.0.1.0/24"}, "id": vnetID("rg", "v") + "/subnets/pe"}}}},
		sr{"azurerm_private_endpoint.acr", map[string]any{"name": "pe-acr", "resource_group_name": "rg", "subnet_id": vnetID("rg", "v") + "/subnets/pe",
			"private_service_connection": []any{map[string]any{"name": "c", "private_ip_address": "10.0.1.4", "subresource_names": []any{"REGISTRY"},
				"private_connection_resource_id": sub + "rg-acr/providers/Microsoft.ContainerRegistry/registries/contosoacr"}},
			"custom_dns_configs": []any{
				map[string]any{"fqdn": "contosoacr.azurecr.io", "ip_addresses": []any{"10.0.1.4"}},
				map[string]any{"fqdn": "contosoacr.westeurope.data.azurecr.io", "ip_addresses": []any{"10.0.1.5"}}},
			"private_dns_zone_group": []any{map[string]any{"name": "default",
				"private_dns_zone_ids": []any{sub + "rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io"}}}}},
	)
	est := mustImport(t, map[string]string{"s.json": state})
	pe := model.Lookup[model.PrivateEndpoint](est.Topology, "pe-acr")
	if pe == nil {
		t.Fatal("no endpoint")
	}
	if pe.IP != netip.MustParseAddr("10.0.1.4") || pe.Subresource != "registry" || len(pe.Members) != 1 ||
		pe.Members[0].IP != netip.MustParseAddr("10.0.1.5") || pe.Members[0].FQDN != "contosoacr.westeurope.data.azurecr.io" {
		t.Errorf("endpoint = %+v, members %+v", pe, pe.Members)
	}
	if r := pe.Resource.Target; r == nil || r.Name != "contosoacr" || r.Type != "Microsoft.ContainerRegistry/registries" {
		t.Errorf("target = %+v", r)
	}
	if len(pe.DNSZoneGroup) != 1 || pe.DNSZoneGroup[0].Target == nil || pe.DNSZoneGroup[0].Target.ResourceGroup != "rg-dns" {
		t.Errorf("zone group = %+v", pe.DNSZoneGroup)
	}
	for _, want := range []string{"is not in the Terraform input; it is imported from the endpoint as resource contosoacr",
		"private DNS zone privatelink.azurecr.io (resource group \"rg-dns\") is not in the Terraform input"} {
		if !warned(est, "azurerm_private_endpoint.acr", want) {
			t.Errorf("not reported: %q in %v", want, est.Warnings)
		}
	}
}

// TestConnections: a local network gateway is an on-prem site, or the AWS
// VPC whose range it routes to; gateway connections join them.
func TestConnections(t *testing.T) {
	gwSubnet := vnetID("rg", "hub") + "/subnets/GatewaySubnet"
	state := stateJSON(
		sr{"azurerm_virtual_network.hub", map[string]any{"name": "hub", "resource_group_name": "rg", "address_space": []any{"10.0.0.0/16"}, "id": vnetID("rg", "hub"),
			"subnet": []any{map[string]any{"name": "GatewaySubnet", "address_prefixes": []any{"10.0.0.0/27"}, "id": gwSubnet}}}},
		sr{"azurerm_virtual_network_gateway.gw", map[string]any{"name": "gw", "resource_group_name": "rg", "type": "Vpn", "id": "gw-id",
			"ip_configuration": []any{map[string]any{"subnet_id": gwSubnet}}}},
		sr{"azurerm_local_network_gateway.dc", map[string]any{"name": "dc1", "resource_group_name": "rg", "id": "lng-dc", "address_space": []any{"172.20.0.0/16"}}},
		sr{"azurerm_local_network_gateway.aws", map[string]any{"name": "aws", "resource_group_name": "rg", "id": "lng-aws", "address_space": []any{"10.50.0.0/24"}}},
		sr{"azurerm_virtual_network_gateway_connection.dc", map[string]any{"name": "to-dc1", "type": "IPsec", "virtual_network_gateway_id": "gw-id", "local_network_gateway_id": "lng-dc"}},
		sr{"azurerm_virtual_network_gateway_connection.aws", map[string]any{"name": "to-aws", "type": "IPsec", "virtual_network_gateway_id": "gw-id", "local_network_gateway_id": "lng-aws"}},
		sr{"azurerm_virtual_network_gateway_connection.er", map[string]any{"name": "er", "type": "ExpressRoute", "virtual_network_gateway_id": "gw-id"}},
		sr{"aws_vpc.relay", map[string]any{"id": "vpc-1", "cidr_block": "10.50.0.0/16", "tags": map[string]any{"Name": "relay"}, "arn": "arn:aws:ec2:eu-west-1:1:vpc/vpc-1"}},
	)
	est := mustImport(t, map[string]string{"s.json": state})
	cs := est.Topology.Connections
	if len(cs) != 2 || cs[0].Remote.Site.Target == nil || cs[0].Remote.Site.Target.Name != "dc1" ||
		cs[1].Remote.VPC.Target == nil || cs[1].Remote.VPC.Target.Name != "relay" || !slices.Equal(cs[1].RemotePrefixes, prefixes("10.50.0.0/24")) {
		t.Fatalf("connections = %+v", cs)
	}
	if len(est.Topology.OnPrem.Sites) != 1 {
		t.Errorf("sites = %+v (the AWS gateway is no site)", est.Topology.OnPrem.Sites)
	}
	if !warned(est, "azurerm_virtual_network_gateway_connection.er", "ExpressRoute") {
		t.Errorf("ExpressRoute not reported: %v", est.Warnings)
	}
}

// TestAWSDNS: Route 53 Resolver endpoints, rules and associations, DHCP
// options, extra CIDR blocks, private zones associated by resource, and
// instances.
func TestAWSDNS(t *testing.T) {
	state := stateJSON(
		sr{"aws_vpc.v", map[string]any{"id": "vpc-1", "cidr_block": "10.50.0.0/16", "enable_dns_support": false, "tags": map[string]any{"Name": "relay"}}},
		sr{"aws_vpc_ipv4_cidr_block_association.more", map[string]any{"vpc_id": "vpc-1", "cidr_block": "10.51.0.0/16"}},
		sr{"aws_subnet.a", map[string]any{"id": "subnet-a", "vpc_id": "vpc-1", "cidr_block": "10.50.0.0/24", "availability_zone": "eu-west-1a", "tags": map[string]any{"Name": "a"}}},
		sr{"aws_vpc_dhcp_options.d", map[string]any{"id": "dopt-1", "domain_name": "corp.internal", "domain_name_servers": []any{"10.50.0.10"}}},
		sr{"aws_vpc_dhcp_options_association.d", map[string]any{"vpc_id": "vpc-1", "dhcp_options_id": "dopt-1"}},
		sr{"aws_route53_zone.p", map[string]any{"zone_id": "Z1", "name": "private.aws.internal", "vpc": []any{}, "private_zone": true}},
		sr{"aws_route53_zone_association.p", map[string]any{"zone_id": "Z1", "vpc_id": "vpc-1"}},
		sr{"aws_route53_record.relay", map[string]any{"zone_id": "Z1", "name": "relay.private.aws.internal", "type": "A", "ttl": 60, "records": []any{"10.50.0.100"}}},
		sr{"aws_route53_resolver_endpoint.out", map[string]any{"id": "rslvr-out", "name": "out", "direction": "OUTBOUND",
			"ip_address": []any{map[string]any{"subnet_id": "subnet-a", "ip": "10.50.0.11"}}}},
		sr{"aws_route53_resolver_endpoint.in", map[string]any{"id": "rslvr-in", "name": "in", "direction": "INBOUND",
			"ip_address": []any{map[string]any{"subnet_id": "subnet-a"}}}},
		sr{"aws_route53_resolver_rule.azure", map[string]any{"id": "rslvr-rr-1", "name": "azure", "rule_type": "FORWARD", "domain_name": "azure.contoso.com",
			"resolver_endpoint_id": "rslvr-out", "target_ip": []any{map[string]any{"ip": "10.0.2.4", "port": 53}}}},
		sr{"aws_route53_resolver_rule_association.azure", map[string]any{"resolver_rule_id": "rslvr-rr-1", "vpc_id": "vpc-1"}},
		sr{"aws_instance.relay", map[string]any{"id": "i-1", "subnet_id": "subnet-a", "private_ip": "10.50.0.100", "tags": map[string]any{"Name": "relay-1"}}},
	)
	est := mustImport(t, map[string]string{"s.json": state})
	aws := est.Topology.AWS
	v := model.Lookup[model.VPC](est.Topology, "relay")
	if v == nil || len(v.CIDRs) != 2 || v.DNSSupport() || v.DHCPOptions == nil || v.DHCPOptions.DomainName != "corp.internal" {
		t.Fatalf("vpc = %+v", v)
	}
	if len(aws.HostedZones) != 1 || len(aws.HostedZones[0].VPCs) != 1 || zoneRecords(&aws.HostedZones[0].Zone)[0] != "relay A 60 10.50.0.100" {
		t.Errorf("hosted zones = %+v", aws.HostedZones)
	}
	if len(aws.ResolverRules) != 1 || aws.ResolverRules[0].Endpoint.Target == nil || len(aws.ResolverRules[0].VPCs) != 1 || aws.ResolverRules[0].Targets[0].String() != "10.0.2.4:53" {
		t.Errorf("rules = %+v", aws.ResolverRules)
	}
	// The inbound endpoint's address is assigned by AWS: the first free
	// one, after the instance's and the outbound endpoint's.
	in := model.Lookup[model.ResolverEndpoint](est.Topology, "in")
	if in == nil || in.IPs[0].IP != netip.MustParseAddr("10.50.0.4") {
		t.Errorf("inbound = %+v", in)
	}
	if len(aws.Instances) != 1 || aws.Instances[0].IP != netip.MustParseAddr("10.50.0.100") {
		t.Errorf("instances = %+v", aws.Instances)
	}
}

// TestReferenceCycle: references through other resources' attributes that
// go round in circles (a malformed plan) end with a warning.
func TestReferenceCycle(t *testing.T) {
	plan := newPlan()
	m := plan.root
	m.res("azurerm_virtual_network", "v", nil, map[string]any{"name": "v", "resource_group_name": "rg", "address_space": []any{"10.0.0.0/16"}}, map[string]any{"id": true}, nil)
	m.res("azurerm_subnet", "s", nil, map[string]any{"name": "s", "resource_group_name": "rg", "virtual_network_name": "v", "address_prefixes": []any{"10.0.1.0/24"}}, map[string]any{"id": true}, nil)
	m.res("azurerm_subnet_route_table_association", "a", nil, map[string]any{}, map[string]any{"subnet_id": true, "route_table_id": true},
		map[string]any{"subnet_id": ref("azurerm_subnet_route_table_association.b.subnet_id"), "route_table_id": ref("azurerm_subnet_route_table_association.b.route_table_id")})
	m.res("azurerm_subnet_route_table_association", "b", nil, map[string]any{}, map[string]any{"subnet_id": true, "route_table_id": true},
		map[string]any{"subnet_id": ref("azurerm_subnet_route_table_association.a.subnet_id"), "route_table_id": ref("azurerm_subnet_route_table_association.a.route_table_id")})
	est := mustImport(t, map[string]string{"p.json": string(plan.JSON())})
	if !warned(est, "azurerm_subnet_route_table_association.a", "subnet_id") {
		t.Errorf("the cycle is not reported: %v", est.Warnings)
	}
}

// TestPaaSTypesKnown: every azurerm PaaS type maps to a resource type of
// the privatelink table, without which the model would refuse it.
func TestPaaSTypesKnown(t *testing.T) {
	for tf, arm := range paasTypes {
		if !kb.KnownResourceType(arm) {
			t.Errorf("%s → %s is not in the privatelink table", tf, arm)
		}
		found := false
		for _, known := range kb.ResourceTypes() {
			if known == arm {
				found = true
			}
		}
		if !found {
			t.Errorf("%s → %s is not spelled as the table spells it", tf, arm)
		}
	}
}
