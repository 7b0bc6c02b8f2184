package tfimport

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/aksnet/aksnet/internal/kb"
	"github.com/aksnet/aksnet/internal/model"
)

// azurerm PaaS resources of the private endpoint DNS table (their name is
// the first label of their public names; public network access) and private
// endpoints: private_service_connection (target and subresource_names),
// private_dns_zone_group, ip_configuration (static addresses, members) and
// the computed custom_dns_configs (terraform-inputs.md §2.1).

// paasTypes maps azurerm resource types to the ARM type of the privatelink
// table (internal/kb). The azurerm docs of each type name the ARM type in
// their "Import" section's resource ID.
var paasTypes = map[string]string{
	"azurerm_key_vault": "Microsoft.KeyVault/vaults",
	"azurerm_key_vault_managed_hardware_security_module": "Microsoft.KeyVault/managedHSMs",
	"azurerm_storage_account":                            "Microsoft.Storage/storageAccounts",
	"azurerm_container_registry":                         "Microsoft.ContainerRegistry/registries",
	"azurerm_postgresql_flexible_server":                 armPostgresFlexi,
	"azurerm_postgresql_server":                          "Microsoft.DBforPostgreSQL/servers",
	"azurerm_cosmosdb_postgresql_cluster":                "Microsoft.DBforPostgreSQL/serverGroupsv2",
	"azurerm_mysql_flexible_server":                      "Microsoft.DBforMySQL/flexibleServers",
	"azurerm_mysql_server":                               "Microsoft.DBforMySQL/servers",
	"azurerm_mariadb_server":                             "Microsoft.DBforMariaDB/servers",
	"azurerm_mssql_server":                               "Microsoft.Sql/servers",
	"azurerm_sql_server":                                 "Microsoft.Sql/servers",
	"azurerm_mssql_managed_instance":                     "Microsoft.Sql/managedInstances",
	"azurerm_cosmosdb_account":                           "Microsoft.DocumentDB/databaseAccounts",
	"azurerm_redis_cache":                                "Microsoft.Cache/Redis",
	"azurerm_redis_enterprise_cluster":                   "Microsoft.Cache/RedisEnterprise",
	"azurerm_servicebus_namespace":                       "Microsoft.ServiceBus/namespaces",
	"azurerm_eventhub_namespace":                         "Microsoft.EventHub/namespaces",
	"azurerm_eventgrid_topic":                            "Microsoft.EventGrid/topics",
	"azurerm_eventgrid_domain":                           "Microsoft.EventGrid/domains",
	"azurerm_search_service":                             "Microsoft.Search/searchServices",
	"azurerm_app_configuration":                          "Microsoft.AppConfiguration/configurationStores",
	"azurerm_cognitive_account":                          "Microsoft.CognitiveServices/accounts",
	"azurerm_machine_learning_workspace":                 "Microsoft.MachineLearningServices/workspaces",
	"azurerm_data_factory":                               "Microsoft.DataFactory/factories",
	"azurerm_synapse_workspace":                          "Microsoft.Synapse/workspaces",
	"azurerm_kusto_cluster":                              "Microsoft.Kusto/Clusters",
	"azurerm_batch_account":                              "Microsoft.Batch/batchAccounts",
	"azurerm_api_management":                             "Microsoft.ApiManagement/service",
	"azurerm_signalr_service":                            "Microsoft.SignalRService/SignalR",
	"azurerm_web_pubsub":                                 "Microsoft.SignalRService/WebPubSub",
	"azurerm_linux_web_app":                              "Microsoft.Web/sites",
	"azurerm_windows_web_app":                            "Microsoft.Web/sites",
	"azurerm_linux_function_app":                         "Microsoft.Web/sites",
	"azurerm_windows_function_app":                       "Microsoft.Web/sites",
	"azurerm_app_service":                                "Microsoft.Web/sites",
	"azurerm_function_app":                               "Microsoft.Web/sites",
	"azurerm_static_web_app":                             "Microsoft.Web/staticSites",
	"azurerm_databricks_workspace":                       "Microsoft.Databricks/workspaces",
	"azurerm_iothub":                                     "Microsoft.Devices/IotHubs",
	"azurerm_monitor_private_link_scope":                 "Microsoft.Insights/privateLinkScopes",
	"azurerm_dashboard_grafana":                          "Microsoft.Dashboard/grafana",
	"azurerm_relay_namespace":                            "Microsoft.Relay/namespaces",
	"azurerm_purview_account":                            "Microsoft.Purview/accounts",
	"azurerm_automation_account":                         "Microsoft.Automation/automationAccounts",
	"azurerm_recovery_services_vault":                    "Microsoft.RecoveryServices/vaults",
	"azurerm_digital_twins_instance":                     "Microsoft.DigitalTwins/digitalTwinsInstances",
	"azurerm_healthcare_workspace":                       "Microsoft.HealthcareApis/workspaces",
	"azurerm_disk_access":                                "Microsoft.Compute/diskAccesses",
	"azurerm_container_app_environment":                  "Microsoft.App/ManagedEnvironments",
	"azurerm_maps_account":                               "Microsoft.Maps/accounts",
}

func init() {
	for t := range paasTypes {
		register(t, phaseAttach, true, (*importer).azPaaS)
	}
	register("azurerm_private_endpoint", phaseDependents, false, (*importer).azPrivateEndpoint)
}

// publicAccess reads a resource's public network access from the attribute
// its type uses: public_network_access_enabled (most), public_network_access
// ("Enabled"/"Disabled": App Configuration, Cosmos DB for PostgreSQL) or
// public_network_enabled (Data Factory).
func publicAccess(r *resource) model.PublicNetworkAccess {
	for _, a := range []string{"public_network_access_enabled", "public_network_enabled"} {
		if b, ok := r.boolean(a); ok {
			if b {
				return "Enabled"
			}
			return "Disabled"
		}
	}
	if p, ok := enumOf[model.PublicNetworkAccess](r.str("public_network_access")); ok {
		return p
	}
	return ""
}

func (im *importer) azPaaS(r *resource) {
	typ := paasTypes[r.typ]
	name, _ := im.nameOf(r, "name")
	rg := r.str("resource_group_name")
	p := &model.PaaSResource{Name: im.unique(r, kindResource, name, rg), Type: typ, Region: location(r), PublicNetworkAccess: publicAccess(r), Loc: r.loc()}
	im.t.Azure.Resources = append(im.t.Azure.Resources, p)
	im.add(r, kindResource, p.Name, rg, p, r.str("id"), typ, name)
	if r.typ != "azurerm_postgresql_flexible_server" {
		return
	}
	// PostgreSQL Flexible Server's private access: a delegated subnet and
	// a private zone (terraform-inputs.md §2.1).
	if a := r.attr("delegated_subnet_id"); a.v != nil || a.unknown {
		if s := im.subnetOf(r, a, "delegated_subnet_id", "the server is imported without private access"); s != nil {
			p.DelegatedSubnet = model.Ref[model.Subnet]{Name: s.name, Loc: r.loc()}
		}
	}
	if a := r.attr("private_dns_zone_id"); a.v != nil || a.unknown {
		if z := im.zoneRefOf(r, a, "private_dns_zone_id"); z != nil {
			im.setZoneRef(&p.PrivateDNSZone, z, r)
		}
	}
}

// zoneRefOf resolves a private zone reference, adding a zone the input
// names by a known ID without declaring it.
func (im *importer) zoneRefOf(r *resource, a value, label string) *node {
	x := im.ref(a, kindZone)
	if n := x.one(); n != nil {
		im.noted(r, label, x)
		return n
	}
	if id, ok := parseAzureID(str(a.v)); ok && strings.EqualFold(id.armType(), armZone) {
		return im.syntheticZone(r, id.names[0], id.rg, str(a.v))
	}
	im.unresolved(r, label, x, "imported without it")
	return nil
}

// setZoneRef points ref at zone z. Its name is settled at the end of the
// import: the zone's name, or RESOURCEGROUP/NAME when two zones have it.
func (im *importer) setZoneRef(ref *model.Ref[model.PrivateDNSZone], z *node, r *resource) {
	ref.Loc = r.loc()
	ref.Name = z.name
	im.zoneNames = append(im.zoneNames, zoneName{set: func(s string) { ref.Name = s }, n: z})
}

func (im *importer) azPrivateEndpoint(r *resource) {
	name, _ := im.nameOf(r, "name")
	sub := im.subnetOf(r, r.attr("subnet_id"), "subnet_id", "the private endpoint is not imported")
	if sub == nil {
		return
	}
	if r.str("private_service_connection", 0, "private_connection_resource_alias") != "" {
		im.skip(r, "it connects to a Private Link service by alias, which aksnet does not model")
		return
	}
	target := im.endpointTarget(r)
	if target == nil {
		return
	}
	res, _ := target.elem.(*model.PaaSResource)
	typ := ""
	if res != nil {
		typ = res.Type
	} else if target.external {
		typ = ""
	}
	subs := r.strs("private_service_connection", 0, "subresource_names")
	if len(subs) == 0 {
		im.skip(r, "private_service_connection.subresource_names is not set (or known only after apply)")
		return
	}
	subresource := subs[0]
	for _, known := range kb.SubresourcesOf(typ) {
		if strings.EqualFold(known, subresource) {
			subresource = known
		}
	}
	if len(subs) > 1 {
		im.warn(r, "subresource_names has %d entries; Azure takes one per endpoint and aksnet reads %s", len(subs), subresource)
	}
	pe := &model.PrivateEndpoint{Name: im.unique(r, kindEndpoint, name, r.str("resource_group_name")),
		Subnet:   model.Ref[model.Subnet]{Name: sub.name, Loc: r.loc()},
		Resource: model.Ref[model.PaaSResource]{Name: target.name, Loc: r.loc()}, Subresource: subresource, Loc: r.loc()}
	im.t.Azure.PrivateEndpoints = append(im.t.Azure.PrivateEndpoints, pe)
	im.add(r, kindEndpoint, pe.Name, r.str("resource_group_name"), pe, r.str("id"), armEndpoint, name)

	// The endpoint's addresses: static ip_configuration blocks (member
	// names say which FQDN each serves), the connection's computed
	// private_ip_address, or the computed custom_dns_configs.
	mainIP := r.str("private_service_connection", 0, "private_ip_address")
	used := map[string]bool{}
	for _, b := range r.blocks("ip_configuration") {
		member := str(b["member_name"])
		ip := str(b["private_ip_address"])
		if mainIP == "" && (member == "" || strings.EqualFold(member, subresource) || strings.EqualFold(member, "default")) {
			mainIP = ip
			continue
		}
		if ip == "" || ip == mainIP {
			continue
		}
		if a, err := netip.ParseAddr(ip); err == nil {
			pe.Members = append(pe.Members, &model.EndpointMember{Name: member, IP: a, Loc: r.loc()})
			im.useIP(sub, a)
			used[ip] = true
		}
	}
	dnsConfigs := r.blocks("custom_dns_configs")
	for i, b := range dnsConfigs {
		ips := strs(b["ip_addresses"])
		if len(ips) == 0 {
			continue
		}
		if i == 0 && mainIP == "" {
			mainIP = ips[0]
			continue
		}
		if ips[0] == mainIP || used[ips[0]] {
			continue
		}
		if a, err := netip.ParseAddr(ips[0]); err == nil {
			fqdn := strings.TrimSuffix(str(b["fqdn"]), ".")
			pe.Members = append(pe.Members, &model.EndpointMember{Name: fqdn, FQDN: fqdn, IP: a, Loc: r.loc()})
			im.useIP(sub, a)
			used[ips[0]] = true
		}
	}
	im.assignIP(r, sub, mainIP, "private endpoint "+pe.Name, func(a netip.Addr) { pe.IP = a })

	zg := r.attr("private_dns_zone_group", 0, "private_dns_zone_ids")
	if zg.v == nil && !zg.unknown {
		return
	}
	x := im.refs(zg, kindZone)
	zones := x.nodes
	for _, id := range strs(zg.v) {
		if aid, ok := parseAzureID(id); ok && strings.EqualFold(aid.armType(), armZone) {
			if n, _ := im.byIDOf(id, []string{kindZone}); n == nil {
				if z := im.syntheticZone(r, aid.names[0], aid.rg, id); z != nil && !slices.Contains(zones, z) {
					zones = append(zones, z)
				}
			}
		}
	}
	if len(zones) == 0 || (x.problem != "" && len(zones) < len(strs(zg.v))) {
		if x.problem == "" {
			x.problem = "it names no zone"
		}
		im.unresolved(r, "private_dns_zone_group.private_dns_zone_ids", x, "the endpoint is imported without those zones")
	}
	im.noted(r, "private_dns_zone_group.private_dns_zone_ids", x)
	for _, z := range zones {
		pe.DNSZoneGroup = append(pe.DNSZoneGroup, model.Ref[model.PrivateDNSZone]{})
		im.setZoneRef(&pe.DNSZoneGroup[len(pe.DNSZoneGroup)-1], z, r)
	}
}

// endpointTarget resolves a private endpoint's target resource, adding one
// the input names by a known ID of a type the privatelink table knows.
func (im *importer) endpointTarget(r *resource) *node {
	a := r.attr("private_service_connection", 0, "private_connection_resource_id")
	x := im.ref(a, kindResource)
	if n := x.one(); n != nil {
		im.noted(r, "private_service_connection.private_connection_resource_id", x)
		return n
	}
	id := str(a.v)
	if aid, ok := parseAzureID(id); ok && len(aid.names) == 1 && kb.KnownResourceType(aid.armType()) {
		if n := im.byARM[aid.key()]; n != nil {
			return n
		}
		typ := aid.armType()
		for _, t := range kb.ResourceTypes() {
			if strings.EqualFold(t, typ) {
				typ = t
			}
		}
		im.warn(r, "the endpoint's target %s is not in the Terraform input; it is imported from the endpoint as resource %s (%s), with Azure's defaults", id, aid.names[0], typ).
			WithHint("import the Terraform that declares it as well, or declare it in a topology file given with -f")
		p := &model.PaaSResource{Name: im.unique(r, kindResource, aid.names[0], aid.rg), Type: typ, Loc: r.loc()}
		im.t.Azure.Resources = append(im.t.Azure.Resources, p)
		n := im.add(r, kindResource, p.Name, aid.rg, p, id, typ, aid.names[0])
		r.nodes = r.nodes[:len(r.nodes)-1]
		return n
	}
	if x.problem == "" {
		x.problem = "it is not set"
	}
	im.unresolved(r, "private_service_connection.private_connection_resource_id", x, "the private endpoint is not imported")
	return nil
}
