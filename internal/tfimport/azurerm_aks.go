package tfimport

import (
	"net/netip"
	"strings"

	"github.com/aksnet/aksnet/internal/model"
)

// azurerm AKS: kubernetes_cluster (network_profile, default_node_pool,
// private cluster fields, api_server_access_profile) and
// kubernetes_cluster_node_pool. Renames across versions
// (terraform-inputs.md §2.1): v3 enable_auto_scaling →
// auto_scaling_enabled, v3 vnet_integration_enabled →
// virtual_network_integration_enabled, v3 ebpf_data_plane →
// network_data_plane, v3 top-level api_server_authorized_ip_ranges →
// api_server_access_profile.authorized_ip_ranges.

func init() {
	register("azurerm_kubernetes_cluster", phaseAttach, true, (*importer).azCluster)
	register("azurerm_kubernetes_cluster_node_pool", phaseDependents, false, (*importer).azNodePool)
}

func (im *importer) azCluster(r *resource) {
	name, _ := im.nameOf(r, "name")
	rg := r.str("resource_group_name")
	pool, ok := im.nodePool(r, []any{"default_node_pool", 0}, nil)
	if !ok {
		return
	}
	pool.Mode = "System"
	// The default node pool is always Linux: azurerm's default_node_pool
	// has no os_type, and AKS requires a Linux system pool.
	pool.OSType = "Linux"
	c := &model.Cluster{Name: im.unique(r, kindCluster, name, rg), ResourceGroup: rg, Region: location(r),
		DNSPrefix: r.str("dns_prefix"), KubernetesVersion: r.str("kubernetes_version"), NodePools: []*model.NodePool{pool}, Loc: r.loc()}
	pool.Cluster = c
	im.networkProfile(r, c)
	im.apiServer(r, c)
	im.t.Azure.Clusters = append(im.t.Azure.Clusters, c)
	im.add(r, kindCluster, c.Name, rg, c, r.str("id"), armCluster, name)
}

func (im *importer) networkProfile(r *resource, c *model.Cluster) {
	np := r.attr("network_profile", 0)
	if np.v == nil {
		im.warn(r, "network_profile is not set (or known only after apply): the cluster is imported with AKS's defaults (see docs/topology.md)")
		return
	}
	b, _ := np.v.(map[string]any)
	enum := func(attr string, set func(string) bool) {
		if s := str(b[attr]); s != "" && !set(s) {
			im.warn(r, "network_profile.%s %q is not a value aksnet knows; left out", attr, s)
		}
	}
	enum("network_plugin", func(s string) bool { v, ok := enumOf[model.NetworkPlugin](s); c.NetworkPlugin = v; return ok })
	enum("network_plugin_mode", func(s string) bool { v, ok := enumOf[model.NetworkPluginMode](s); c.NetworkPluginMode = v; return ok })
	enum("network_policy", func(s string) bool { v, ok := enumOf[model.PolicyEngine](s); c.NetworkPolicy = v; return ok })
	enum("outbound_type", func(s string) bool { v, ok := enumOf[model.OutboundType](s); c.OutboundType = v; return ok })
	enum("load_balancer_sku", func(s string) bool { v, ok := enumOf[model.LoadBalancerSKU](s); c.LoadBalancerSKU = v; return ok })
	if s := str(b["network_data_plane"]); s != "" {
		enum("network_data_plane", func(s string) bool { v, ok := enumOf[model.NetworkDataplane](s); c.NetworkDataplane = v; return ok })
	} else {
		enum("ebpf_data_plane", func(s string) bool { v, ok := enumOf[model.NetworkDataplane](s); c.NetworkDataplane = v; return ok })
	}
	// Dual-stack clusters list their CIDRs in pod_cidrs and service_cidrs;
	// the model holds the IPv4 ones.
	cidr := func(single, list string) netip.Prefix {
		ss := strs(b[list])
		if s := str(b[single]); s != "" {
			ss = append([]string{s}, ss...)
		}
		for _, p := range im.prefixesOf(r, "network_profile."+single, ss) {
			if p.Addr().Is4() {
				return p
			}
		}
		return netip.Prefix{}
	}
	c.PodCIDR = cidr("pod_cidr", "pod_cidrs")
	c.ServiceCIDR = cidr("service_cidr", "service_cidrs")
	if ips := im.addrsOf(r, "network_profile.dns_service_ip", strs([]any{b["dns_service_ip"]})); len(ips) > 0 {
		c.DNSServiceIP = ips[0]
	}
	for _, f := range strs(b["ip_versions"]) {
		if v, ok := enumOf[model.IPFamily](f); ok {
			c.IPFamilies = append(c.IPFamilies, v)
		}
	}
	if lb := blocks(b["load_balancer_profile"]); len(lb) > 0 {
		p := &model.LoadBalancerProfile{Loc: r.loc()}
		p.ManagedOutboundIPs, _ = integer(lb[0]["managed_outbound_ip_count"])
		p.AllocatedOutboundPorts, _ = integer(lb[0]["outbound_ports_allocated"])
		if p.ManagedOutboundIPs > 0 || p.AllocatedOutboundPorts > 0 {
			c.LoadBalancerProfile = p
		}
	}
}

func (im *importer) apiServer(r *resource, c *model.Cluster) {
	a := &c.APIServer
	a.Loc = r.loc()
	a.Private, _ = r.boolean("private_cluster_enabled")
	if v, ok := r.boolean("private_cluster_public_fqdn_enabled"); ok && a.Private {
		a.PublicFQDN = &v
	}
	a.FQDNSubdomain = r.str("dns_prefix_private_cluster")
	ranges := r.strs("api_server_access_profile", 0, "authorized_ip_ranges")
	ranges = append(ranges, r.strs("api_server_authorized_ip_ranges")...)
	a.AuthorizedIPRanges = im.prefixesOf(r, "authorized_ip_ranges", ranges)
	integrated, _ := r.boolean("api_server_access_profile", 0, "virtual_network_integration_enabled")
	if v3, ok := r.boolean("api_server_access_profile", 0, "vnet_integration_enabled"); ok && v3 {
		integrated = true
	}
	if sa := r.attr("api_server_access_profile", 0, "subnet_id"); integrated && (sa.v != nil || sa.unknown) {
		if s := im.subnetOf(r, sa, "api_server_access_profile.subnet_id", "the cluster is imported without API Server VNet Integration"); s != nil {
			a.VNetIntegrationSubnet = model.Ref[model.Subnet]{Name: s.name, Loc: r.loc()}
		}
	}
	if !a.Private {
		return
	}
	// private_dns_zone_id: "System" (the default: an AKS-managed zone,
	// which is not in Terraform), "None", or a zone's ID.
	z := r.attr("private_dns_zone_id")
	switch s := str(z.v); {
	case strings.EqualFold(s, "System") || (s == "" && !z.unknown):
		a.PrivateDNSZone = "system"
	case strings.EqualFold(s, "None"):
		a.PrivateDNSZone = "none"
	default:
		if n := im.zoneRefOf(r, z, "private_dns_zone_id"); n != nil {
			a.PrivateDNSZone = n.name
			im.zoneNames = append(im.zoneNames, zoneName{set: func(s string) { a.PrivateDNSZone = s }, n: n})
		} else {
			a.PrivateDNSZone = "system"
			im.warn(r, "the cluster's private DNS zone is unknown; read as the AKS-managed (system) zone")
		}
	}
}

// nodePool reads a node pool from the block at path of r's values (the
// default_node_pool; none for a node pool resource's own values).
// defaultSubnet is the cluster's first pool's subnet, which a pool without
// vnet_subnet_id takes.
func (im *importer) nodePool(r *resource, path []any, defaultSubnet *model.Ref[model.Subnet]) (*model.NodePool, bool) {
	get := func(attr string) value { return r.attr(append(append([]any{}, path...), attr)...) }
	b, _ := at(r.values, path...).(map[string]any)
	if b == nil {
		im.skip(r, "the node pool is known only after apply")
		return nil, false
	}
	p := &model.NodePool{Name: str(b["name"]), Loc: r.loc()}
	if p.Name == "" {
		im.skip(r, "the node pool's name is known only after apply")
		return nil, false
	}
	sa := get("vnet_subnet_id")
	switch {
	case sa.v != nil || sa.unknown:
		s := im.subnetOf(r, sa, "vnet_subnet_id", "not imported")
		if s == nil {
			return nil, false
		}
		p.Subnet = model.Ref[model.Subnet]{Name: s.name, Loc: r.loc()}
	case defaultSubnet != nil:
		p.Subnet = *defaultSubnet
		im.warn(r, "node pool %s has no vnet_subnet_id; read as in the cluster's first pool's subnet %s", p.Name, defaultSubnet.Name)
	default:
		im.skip(r, "node pool %s has no vnet_subnet_id: AKS creates a VNet of its own, which Terraform does not describe", p.Name)
		return nil, false
	}
	if pa := get("pod_subnet_id"); pa.v != nil || pa.unknown {
		if s := im.subnetOf(r, pa, "pod_subnet_id", "the pool is imported without its pod subnet"); s != nil {
			p.PodSubnet = model.Ref[model.Subnet]{Name: s.name, Loc: r.loc()}
		}
	}
	p.MinCount, _ = integer(b["min_count"])
	p.MaxCount, _ = integer(b["max_count"])
	if n, ok := integer(b["node_count"]); ok {
		p.Count = n
	} else {
		p.Count = p.MinCount
		if p.Count == 0 {
			p.Count = 1
		}
		im.warn(r, "node pool %s: node_count is not known until apply; read as %d", p.Name, p.Count)
	}
	p.MaxPods, _ = integer(b["max_pods"])
	p.VMSize = str(b["vm_size"])
	if os, ok := enumOf[model.OSType](str(b["os_type"])); ok {
		p.OSType = os
	}
	if m, ok := enumOf[model.PoolMode](str(b["mode"])); ok {
		p.Mode = m
	}
	p.MaxSurge = str(at(b, "upgrade_settings", 0, "max_surge"))
	if _, err := p.Surge(); err != nil {
		im.warn(r, "node pool %s: %v; left out", p.Name, err)
		p.MaxSurge = ""
	}
	return p, true
}

func (im *importer) azNodePool(r *resource) {
	x := im.ref(r.attr("kubernetes_cluster_id"), kindCluster)
	if x.one() == nil {
		im.unresolved(r, "kubernetes_cluster_id", x, "the node pool is not imported")
		return
	}
	c, ok := elemOf[model.Cluster](im, r, x.one(), "cluster", "declare the node pool there")
	if !ok {
		return
	}
	im.noted(r, "kubernetes_cluster_id", x)
	p, ok := im.nodePool(r, nil, &c.NodePools[0].Subnet)
	if !ok {
		return
	}
	if p.Mode == "" {
		p.Mode = "User" // azurerm default (kubernetes_cluster_node_pool docs)
	}
	for _, o := range c.NodePools {
		if o.Name == p.Name {
			im.skip(r, "cluster %s has a node pool %s already", c.Name, p.Name)
			return
		}
	}
	p.Cluster = c
	c.NodePools = append(c.NodePools, p)
	r.nodes = append(r.nodes, &node{res: r, kind: "node pool", name: c.Name + "/" + p.Name, elem: p})
}
