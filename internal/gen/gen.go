// Package gen generates synthetic, realistic AKS estates of any size, for
// tests and benchmarks: a hub-and-spoke Azure network with a firewall, a VPN
// gateway and a DNS Private Resolver, private endpoints with their PaaS
// resources and privatelink zones, private AKS clusters with Kubernetes
// manifests, an on-prem site and an AWS VPC. The output loads with no error
// and is a pure function of Params.
//
// # Addressing plan
//
//	10.0.0.0/16      hub
//	  10.0.0.0/27      GatewaySubnet (route table rt-gateway), VPN gateway at 10.0.0.4
//	  10.0.1.0/26      AzureFirewallSubnet, firewall at 10.0.1.4
//	  10.0.2.0/28      dns-inbound (delegated), resolver inbound endpoint at 10.0.2.4
//	  10.0.2.16/28 …   dns-outbound, dns-outbound-2 … dns-outbound-5 (delegated), one per
//	  10.0.2.80/28     outbound endpoint (an endpoint serves at most 2 rulesets)
//	  10.0.3.0/24      snet-shared, jump VM at 10.0.3.4
//	10.64.0.0/10     spokes: spoke N (1-based) is the N-th /22, 10.64.0.0/22 + (N-1)×1024,
//	                 so at most 4,096 spokes
//	  +0.0/23          snet-aks: nodes of the spoke's cluster; API server endpoint at +1.254
//	  +2.0/24          snet-pe: private endpoints from +2.4 (Azure reserves .0–.3 and .255);
//	                   ACR endpoints take a second IP for their regional data member
//	  +3.0/24          free, for growth
//	10.200.0.0/16    AWS VPC aws-prod (Route 53 Resolver endpoints at .1.10/.2.10 in, .1.11/.2.11 out)
//	192.168.0.0/16   on-prem site (DNS server dns01 at 192.168.1.10)
//	10.244.0.0/16    pod CIDR of every cluster (overlay; it may repeat across clusters)
//	172.16.0.0/16    service CIDR of every cluster, kube-dns at 172.16.0.10
//
// None of these ranges overlaps another, so every pod and service CIDR is
// clear of every network the clusters can reach.
//
// # Azure limits honoured
//
//   - A forwarding ruleset has at most 500 VNet links and a VNet is linked to
//     at most one ruleset: the hub and spokes are linked, in order, to
//     frs-hub-1, frs-hub-2 … with 500 VNets each. An outbound endpoint serves
//     at most two rulesets, so there is one outbound endpoint (and subnet) per
//     two rulesets.
//   - A private DNS zone has at most 1,000 VNet links: the hub and spokes are
//     split, in order, into groups of 1,000 and each group gets its own copy of
//     every privatelink zone, in resource group rg-dns (first group), rg-dns-2,
//     rg-dns-3 … No VNet is linked to two zones of one name. A private
//     endpoint's DNS zone group names the copy (RG/NAME) its spoke is linked to;
//     as in Azure, the zone group implies the endpoint's A records, so none
//     are written out. Consequence, as in Azure: the hub
//     (and so on-prem and AWS, which resolve through the hub's inbound
//     endpoint) only sees the endpoints of the first 999 spokes.
//
// The hub holds one peering per spoke; Azure's default is 500 peerings per
// VNet (1,000 with Virtual Network Manager), which Estate1000 reaches.
package gen

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/internal/kb"
	"github.com/aksnet/aksnet/internal/model"
)

// Params sizes an estate.
type Params struct {
	Spokes             int // spoke VNets peered to one hub
	EndpointsPerSpoke  int // private endpoints per spoke (each with its PaaS resource and A record)
	Clusters           int // AKS clusters, spread over the first spokes (one per spoke at most)
	ServicesPerCluster int // Kubernetes Services (+ a Deployment each) per cluster; 0 = none
	// Seed varies what a real estate would vary — the random part of the
	// PaaS names, node pool sizes, replicas, app names and image tags — but
	// not the shape: counts and addresses depend on the sizes alone.
	Seed int64
}

// Estate1000 is the benchmark estate of the issues: 1,000 spokes, 100
// clusters, 10,000 private endpoints, 10 services per cluster.
var Estate1000 = Params{Spokes: 1000, EndpointsPerSpoke: 10, Clusters: 100, ServicesPerCluster: 10, Seed: 1}

// Limits of the addressing plan and of Azure.
const (
	// MaxSpokes is the number of /22 spokes in 10.64.0.0/10.
	MaxSpokes = 4096
	// MaxEndpointsPerSpoke keeps every endpoint, with the second IP of one in
	// four (ACR), in the spoke's /24 endpoint subnet (251 usable addresses).
	MaxEndpointsPerSpoke = 200
	// MaxServicesPerCluster is the number of ClusterIPs from 172.16.1.0 to
	// the end of the service CIDR 172.16.0.0/16 (its last address excluded).
	MaxServicesPerCluster = 65536 - 256 - 1

	rulesetLinks        = 500  // VNet links per forwarding ruleset
	zoneLinks           = 1000 // VNet links per private DNS zone
	rulesetsPerOutbound = 2    // rulesets per outbound endpoint
	maxOutbound         = 5    // outbound endpoints per resolver
)

// Names and addresses of the plan.
const (
	TopologyFile = "topology.yaml"
	region       = "westeurope"

	hubName      = "hub"
	firewallIP   = "10.0.1.4"
	inboundIP    = "10.0.2.4"
	onpremDNS    = "192.168.1.10"
	awsInbound1  = "10.200.1.10"
	awsInbound2  = "10.200.2.10"
	awsRelayIP   = "10.200.1.50"
	serviceCIDR  = "172.16.0.0/16"
	dnsServiceIP = "172.16.0.10"
	podCIDR      = "10.244.0.0/16"
	onpremDomain = "corp.contoso.com"
	awsDomain    = "private.aws.internal"
)

var spokeBase = be(netip.MustParseAddr("10.64.0.0"))

// paas is one kind of private endpoint target; the generator cycles through
// them.
type paas struct {
	resourceType string
	subresource  string
	short        string // name prefix
	public       string // public DNS suffix of the resource's name
	zone         string // privatelink zone, filled from the kb table
}

var paasKinds = []*paas{
	{resourceType: "Microsoft.DBforPostgreSQL/flexibleServers", subresource: "postgresqlServer", short: "psql", public: "postgres.database.azure.com"},
	{resourceType: "Microsoft.KeyVault/vaults", subresource: "vault", short: "kv", public: "vault.azure.net"},
	{resourceType: "Microsoft.Storage/storageAccounts", subresource: "blob", short: "st", public: "blob.core.windows.net"},
	{resourceType: "Microsoft.ContainerRegistry/registries", subresource: "registry", short: "acr", public: "azurecr.io"},
}

const acrKind = 3 // index of ACR in paasKinds: its endpoints have a data member

func init() {
	// The zones come from the privatelink table, so that a kind whose type or
	// subresource the table does not know fails at once, not at load time.
	for _, k := range paasKinds {
		rows := kb.LookupPrivateLink(k.resourceType, k.subresource)
		if len(rows) == 0 || len(rows[0].PrivateZones) == 0 {
			panic("gen: " + k.resourceType + " " + k.subresource + " is not in the privatelink table")
		}
		k.zone = rows[0].PrivateZones[0]
	}
}

// Conditional forwarders of the public zones, from on-prem and AWS to the
// hub's inbound endpoint.
var azureForwarded = []string{"postgres.database.azure.com", "vault.azure.net", "vaultcore.azure.net", "blob.core.windows.net", "azurecr.io"}

func (p Params) check() error {
	switch {
	case p.Spokes < 0 || p.EndpointsPerSpoke < 0 || p.Clusters < 0 || p.ServicesPerCluster < 0:
		return fmt.Errorf("gen: negative size in %+v", p)
	case p.Spokes > MaxSpokes:
		return fmt.Errorf("gen: %d spokes; the plan holds at most %d (/22s in 10.64.0.0/10)", p.Spokes, MaxSpokes)
	case p.EndpointsPerSpoke > MaxEndpointsPerSpoke:
		return fmt.Errorf("gen: %d endpoints per spoke; a spoke's /24 endpoint subnet holds at most %d", p.EndpointsPerSpoke, MaxEndpointsPerSpoke)
	case p.ServicesPerCluster > MaxServicesPerCluster:
		return fmt.Errorf("gen: %d services per cluster; ClusterIPs from 172.16.1.0 in %s allow at most %d", p.ServicesPerCluster, serviceCIDR, MaxServicesPerCluster)
	case p.Clusters > p.Spokes:
		return fmt.Errorf("gen: %d clusters but %d spokes; a spoke holds at most one cluster", p.Clusters, p.Spokes)
	}
	return nil
}

// estate is the plan shared by the topology and manifest writers.
type estate struct {
	Params
	tag    string // short random part of globally unique PaaS names
	width  int    // digits of spoke numbers
	ewidth int    // digits of endpoint numbers
	rng    *rand.Rand

	// endpoints[s] are spoke s's endpoints, in order.
	endpoints [][]endpoint
}

type endpoint struct {
	kind     int    // index in paasKinds
	name     string // resource name
	ip, data netip.Addr
}

// Generate writes the topology YAML, plus one manifest file per cluster
// (when ServicesPerCluster > 0) named k8s/CLUSTER.yaml, into the returned
// map of path → content (TopologyFile is the main file). It is deterministic
// for equal Params.
func Generate(p Params) (map[string][]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	e := &estate{Params: p, rng: rand.New(rand.NewPCG(uint64(p.Seed), 0x61_6b_73_6e_65_74))}
	e.width = max(4, len(strconv.Itoa(p.Spokes)))
	e.ewidth = max(5, len(strconv.Itoa(p.Spokes*p.EndpointsPerSpoke)))
	const alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	tag := make([]byte, 4)
	tag[0] = alnum[e.rng.IntN(26)]
	for i := 1; i < len(tag); i++ {
		tag[i] = alnum[e.rng.IntN(len(alnum))]
	}
	e.tag = string(tag)
	e.planEndpoints()

	files := map[string][]byte{TopologyFile: e.topology()}
	if p.ServicesPerCluster > 0 {
		for c := range p.Clusters {
			files[e.manifestPath(c)] = e.manifests(c)
		}
	}
	return files, nil
}

func (e *estate) spokeName(s int) string   { return fmt.Sprintf("spoke-%0*d", e.width, s+1) }
func (e *estate) clusterName(c int) string { return fmt.Sprintf("aks-%0*d", e.width, c+1) }
func (e *estate) manifestPath(c int) string {
	return "k8s/" + e.clusterName(c) + ".yaml"
}

// spokeBlock is the first address of spoke s's /22.
func spokeBlock(s int) uint32 { return spokeBase + uint32(s)<<10 }

func (e *estate) planEndpoints() {
	e.endpoints = make([][]endpoint, e.Spokes)
	for s := range e.Spokes {
		next := spokeBlock(s) + 512 + 4 // snet-pe, first usable address
		eps := make([]endpoint, e.EndpointsPerSpoke)
		for j := range eps {
			g := s*e.EndpointsPerSpoke + j
			k := g % len(paasKinds)
			ep := endpoint{kind: k, ip: addr(next)}
			next++
			if k == acrKind {
				ep.data = addr(next)
				next++
			}
			sep := "-"
			if k == 2 || k == acrKind { // storage and ACR names are alphanumeric only
				sep = ""
			}
			ep.name = fmt.Sprintf("%s%s%s%s%0*d", paasKinds[k].short, sep, e.tag, sep, e.ewidth, g+1)
			eps[j] = ep
		}
		e.endpoints[s] = eps
	}
}

// vnetName returns the i-th VNet of the link order: the hub, then the spokes.
func (e *estate) vnetName(i int) string {
	if i == 0 {
		return hubName
	}
	return e.spokeName(i - 1)
}

func (e *estate) vnetCount() int { return e.Spokes + 1 }

func zoneGroups(vnets int) int   { return (vnets + zoneLinks - 1) / zoneLinks }
func rulesetCount(vnets int) int { return (vnets + rulesetLinks - 1) / rulesetLinks }

func zoneRG(group int) string {
	if group == 0 {
		return "rg-dns"
	}
	return "rg-dns-" + strconv.Itoa(group+1)
}

func outboundName(i int) string {
	if i == 0 {
		return "dns-outbound"
	}
	return "dns-outbound-" + strconv.Itoa(i+1)
}

// w appends YAML text.
type w struct{ b []byte }

func (w *w) f(format string, args ...any) { w.b = fmt.Appendf(w.b, format, args...) }
func (w *w) s(s string)                   { w.b = append(w.b, s...) }

func (e *estate) topology() []byte {
	out := &w{b: make([]byte, 0, 1<<20+e.Spokes*(2500+e.EndpointsPerSpoke*420))}
	p := e.Params
	out.f("# Synthetic estate from aksnet internal/gen (%d spokes, %d endpoints per spoke, %d clusters,\n", p.Spokes, p.EndpointsPerSpoke, p.Clusters)
	out.f("# %d services per cluster, seed %d). Addressing plan: see the gen package documentation.\n", p.ServicesPerCluster, p.Seed)
	out.f("apiVersion: %s\nkind: Topology\nmetadata:\n  name: synthetic-%d-spokes\n", model.APIVersion, p.Spokes)
	out.f("  description: %s\n", strconv.Quote(fmt.Sprintf("Hub and %d spokes, %d private endpoints, %d private AKS clusters (seed %d)",
		p.Spokes, p.Spokes*p.EndpointsPerSpoke, p.Clusters, p.Seed)))
	out.f("  defaultRegion: %s\n", region)
	out.s("azure:\n")
	e.vnets(out)
	e.routeTables(out)
	out.s("  gateways:\n")
	out.s("    - name: vpngw-hub\n      type: Vpn\n      vnet: hub\n      privateIp: 10.0.0.4\n")
	out.s("  firewalls:\n")
	out.f("    - name: afw-hub\n      subnet: hub/AzureFirewallSubnet\n      privateIp: %s\n      publicIps: [203.0.113.10]\n", firewallIP)
	out.s("  vms:\n")
	out.s("    - name: vm-jump\n      subnet: hub/snet-shared\n      privateIp: 10.0.3.4\n")
	e.zones(out)
	e.privateEndpoints(out)
	e.resources(out)
	e.resolver(out)
	e.clusters(out)
	e.aws(out)
	e.onprem(out)
	out.s("connections:\n")
	out.s("  - name: cn-onprem\n    type: vpn\n    gateway: vpngw-hub\n    remote: site:onprem\n")
	out.s("  - name: cn-aws\n    type: vpn\n    gateway: vpngw-hub\n    remote: vpc:aws-prod\n")
	return out.b
}

func (e *estate) vnets(out *w) {
	out.s("  vnets:\n")
	out.s("    - name: hub\n      resourceGroup: rg-hub\n      addressSpace: [10.0.0.0/16]\n      subnets:\n")
	out.s("        - name: GatewaySubnet\n          addressPrefix: 10.0.0.0/27\n          routeTable: rt-gateway\n")
	out.s("        - name: AzureFirewallSubnet\n          addressPrefix: 10.0.1.0/26\n")
	out.s("        - name: dns-inbound\n          addressPrefix: 10.0.2.0/28\n          delegation: Microsoft.Network/dnsResolvers\n")
	for i := range e.outboundCount() {
		out.f("        - name: %s\n          addressPrefix: 10.0.2.%d/28\n          delegation: Microsoft.Network/dnsResolvers\n", outboundName(i), 16*(i+1))
	}
	out.s("        - name: snet-shared\n          addressPrefix: 10.0.3.0/24\n")
	if e.Spokes > 0 {
		out.s("      peerings:\n")
		for s := range e.Spokes {
			n := e.spokeName(s)
			out.f("        - name: hub-to-%s\n          remoteVnet: %s\n          allowForwardedTraffic: true\n          allowGatewayTransit: true\n", n, n)
		}
	}
	for s := range e.Spokes {
		n, b := e.spokeName(s), spokeBlock(s)
		out.f("    - name: %s\n      resourceGroup: rg-%s\n      addressSpace: [%s]\n      subnets:\n", n, n, prefix(b, 22))
		out.f("        - name: snet-aks\n          addressPrefix: %s\n          routeTable: rt-%s\n", prefix(b, 23), n)
		out.f("        - name: snet-pe\n          addressPrefix: %s\n", prefix(b+512, 24))
		out.f("      peerings:\n        - name: %s-to-hub\n          remoteVnet: hub\n          allowForwardedTraffic: true\n          useRemoteGateways: true\n", n)
	}
}

func (e *estate) outboundCount() int {
	return (rulesetCount(e.vnetCount()) + rulesetsPerOutbound - 1) / rulesetsPerOutbound
}

func (e *estate) routeTables(out *w) {
	out.s("  routeTables:\n")
	out.s("    - name: rt-gateway\n      routes:\n")
	out.f("        - name: spokes-via-firewall\n          addressPrefix: 10.64.0.0/10\n          nextHopType: VirtualAppliance\n          nextHopIpAddress: %s\n", firewallIP)
	for s := range e.Spokes {
		out.f("    - name: rt-%s\n      disableBgpRoutePropagation: true\n      routes:\n", e.spokeName(s))
		out.f("        - name: default-via-firewall\n          addressPrefix: 0.0.0.0/0\n          nextHopType: VirtualAppliance\n          nextHopIpAddress: %s\n", firewallIP)
	}
}

// zoneGroupOf returns the zone copy spoke s is linked to.
func zoneGroupOf(s int) int { return (s + 1) / zoneLinks }

func (e *estate) zones(out *w) {
	if e.Spokes == 0 || e.EndpointsPerSpoke == 0 {
		return
	}
	out.s("  privateDnsZones:\n")
	groups := zoneGroups(e.vnetCount())
	for k, kind := range paasKinds {
		used := false
		for s := 0; s < e.Spokes && !used; s++ {
			for _, ep := range e.endpoints[s] {
				used = used || ep.kind == k
			}
		}
		if !used {
			continue
		}
		for g := range groups {
			first, last := g*zoneLinks, min((g+1)*zoneLinks, e.vnetCount()) // VNet indexes
			out.f("    - name: %s\n      resourceGroup: %s\n", kind.zone, zoneRG(g))
			out.s("      links:\n")
			for v := first; v < last; v++ {
				n := e.vnetName(v)
				out.f("        - name: link-%s\n          vnet: %s\n", n, n)
			}
		}
	}
}

func (e *estate) privateEndpoints(out *w) {
	if e.Spokes == 0 || e.EndpointsPerSpoke == 0 {
		return
	}
	out.s("  privateEndpoints:\n")
	for s, eps := range e.endpoints {
		n := e.spokeName(s)
		for _, ep := range eps {
			k := paasKinds[ep.kind]
			out.f("    - name: pe-%s\n      subnet: %s/snet-pe\n      resource: %s\n      subresource: %s\n      privateIp: %s\n",
				ep.name, n, ep.name, k.subresource, ep.ip)
			if ep.data.IsValid() {
				out.f("      members:\n        - name: registry_data_%s\n          fqdn: %s.%s.data.azurecr.io\n          privateIp: %s\n",
					region, ep.name, region, ep.data)
			}
			out.f("      dnsZoneGroup: [%s/%s]\n", zoneRG(zoneGroupOf(s)), k.zone)
		}
	}
}

func (e *estate) resources(out *w) {
	if e.Spokes == 0 || e.EndpointsPerSpoke == 0 {
		return
	}
	out.s("  resources:\n")
	for _, eps := range e.endpoints {
		for _, ep := range eps {
			out.f("    - name: %s\n      type: %s\n      publicNetworkAccess: Disabled\n", ep.name, paasKinds[ep.kind].resourceType)
		}
	}
}

func (e *estate) resolver(out *w) {
	out.s("  dnsResolvers:\n")
	out.f("    - name: dnspr-hub\n      vnet: hub\n      inboundEndpoints:\n        - name: inbound\n          subnet: hub/dns-inbound\n          privateIp: %s\n", inboundIP)
	out.s("      outboundEndpoints:\n")
	for i := range e.outboundCount() {
		out.f("        - name: %s\n          subnet: hub/%s\n", strings.TrimPrefix(outboundName(i), "dns-"), outboundName(i))
	}
	out.s("  forwardingRulesets:\n")
	vnets := e.vnetCount()
	for r := range rulesetCount(vnets) {
		out.f("    - name: frs-hub-%d\n      outboundEndpoints: [dnspr-hub/%s]\n      rules:\n", r+1,
			strings.TrimPrefix(outboundName(r/rulesetsPerOutbound), "dns-"))
		out.f("        - name: aws-private\n          domain: %s.\n          targets: [%s, %s]\n", awsDomain, awsInbound1, awsInbound2)
		out.f("        - name: onprem-corp\n          domain: %s.\n          targets: [%s]\n", onpremDomain, onpremDNS)
		out.s("      vnetLinks:\n")
		for v := r * rulesetLinks; v < min((r+1)*rulesetLinks, vnets); v++ {
			out.f("        - %s\n", e.vnetName(v))
		}
	}
}

func (e *estate) clusters(out *w) {
	if e.Clusters == 0 {
		return
	}
	out.s("  aksClusters:\n")
	for c := range e.Clusters {
		n, spoke := e.clusterName(c), e.spokeName(c)
		b := spokeBlock(c)
		out.f("    - name: %s\n      resourceGroup: rg-%s\n      kubernetesVersion: \"1.33\"\n", n, spoke)
		out.s("      networkPlugin: azure\n      networkPluginMode: overlay\n      networkDataplane: cilium\n      networkPolicy: cilium\n")
		out.f("      podCidr: %s\n      serviceCidr: %s\n      dnsServiceIp: %s\n      outboundType: userDefinedRouting\n", podCIDR, serviceCIDR, dnsServiceIP)
		out.s("      nodePools:\n")
		out.f("        - name: system\n          mode: System\n          subnet: %s/snet-aks\n          count: 3\n          vmSize: Standard_D4ds_v5\n", spoke)
		minN := 2 + e.rng.IntN(3)
		out.f("        - name: user\n          mode: User\n          subnet: %s/snet-aks\n          count: %d\n          minCount: %d\n          maxCount: %d\n          maxSurge: 33%%\n          vmSize: Standard_D8ds_v5\n",
			spoke, minN, minN, minN+8+e.rng.IntN(8))
		out.f("      apiServer:\n        private: true\n        privateDnsZone: system\n        privateIp: %s\n", addr(b+510))
		if e.ServicesPerCluster > 0 {
			out.f("      kubernetes:\n        manifests: [%s]\n", e.manifestPath(c))
		}
	}
}

func (e *estate) aws(out *w) {
	out.s("aws:\n  vpcs:\n")
	out.s("    - name: aws-prod\n      region: eu-west-1\n      cidrBlocks: [10.200.0.0/16]\n      enableDnsHostnames: true\n      subnets:\n")
	out.s("        - name: private-a\n          cidrBlock: 10.200.1.0/24\n          availabilityZone: eu-west-1a\n")
	out.s("        - name: private-b\n          cidrBlock: 10.200.2.0/24\n          availabilityZone: eu-west-1b\n")
	out.f("  instances:\n    - name: relay\n      subnet: aws-prod/private-a\n      privateIp: %s\n", awsRelayIP)
	out.f("  privateHostedZones:\n    - name: %s\n      records:\n        - name: relay\n          type: A\n          ttl: 300\n          values: [%s]\n      vpcs: [aws-prod]\n", awsDomain, awsRelayIP)
	out.s("  resolverEndpoints:\n")
	out.f("    - name: rslvr-in\n      direction: INBOUND\n      ipAddresses:\n        - subnet: aws-prod/private-a\n          ip: %s\n        - subnet: aws-prod/private-b\n          ip: %s\n", awsInbound1, awsInbound2)
	out.s("    - name: rslvr-out\n      direction: OUTBOUND\n      ipAddresses:\n        - subnet: aws-prod/private-a\n          ip: 10.200.1.11\n        - subnet: aws-prod/private-b\n          ip: 10.200.2.11\n")
	out.s("  resolverRules:\n")
	for _, d := range azureForwarded {
		out.f("    - name: azure-%s\n      ruleType: FORWARD\n      domainName: %s\n      targetIps: [%s]\n      resolverEndpoint: rslvr-out\n      vpcs: [aws-prod]\n",
			strings.ReplaceAll(d, ".", "-"), d, inboundIP)
	}
}

func (e *estate) onprem(out *w) {
	out.s("onPrem:\n  sites:\n")
	out.f("    - name: onprem\n      addressSpace: [192.168.0.0/16]\n      dnsServers: [%s]\n      searchDomains: [%s]\n      hosts:\n", onpremDNS, onpremDomain)
	out.f("        - name: dns01\n          ip: %s\n          dns:\n            zones:\n", onpremDNS)
	out.f("              - name: %s\n                records:\n", onpremDomain)
	out.f("                  - name: dns01\n                    type: A\n                    values: [%s]\n", onpremDNS)
	out.s("                  - name: ws01\n                    type: A\n                    values: [192.168.10.20]\n")
	out.s("            conditionalForwarders:\n")
	for _, d := range append(append([]string{}, azureForwarded...), awsDomain) {
		out.f("              - domain: %s\n                targets: [%s]\n", d, inboundIP)
	}
	out.s("            recursion: true\n")
	out.s("        - name: ws01\n          ip: 192.168.10.20\n")
}

// Kubernetes manifests.

var appNames = []string{"orders", "payments", "catalog", "checkout", "inventory", "shipping", "search",
	"accounts", "billing", "reviews", "notifications", "recommendations", "auth", "gateway", "reports", "ledger"}

var namespaces = []string{"shop", "platform", "data"}

// namespacesOf returns the namespaces of a cluster with n services.
func namespacesOf(n int) []string { return namespaces[:min(n, len(namespaces))] }

func (e *estate) manifests(c int) []byte {
	out := &w{b: make([]byte, 0, 512+e.ServicesPerCluster*1400)}
	nss := namespacesOf(e.ServicesPerCluster)
	out.f("# Workloads of %s (generated).\n", e.clusterName(c))
	for i, ns := range nss {
		if i > 0 {
			out.s("---\n")
		}
		out.f("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n  labels:\n    team: %s\n", ns, ns)
	}
	// The cluster's spoke holds endpoints its workloads use.
	eps := e.endpoints[c]
	registry := "" // the spoke's ACR, if it has one
	for _, ep := range eps {
		if ep.kind == acrKind {
			registry = ep.name + ".azurecr.io"
			break
		}
	}
	off := e.rng.IntN(len(appNames))
	for i := range e.ServicesPerCluster {
		ns := nss[i%len(nss)]
		name := appNames[(off+i)%len(appNames)]
		if i >= len(appNames) {
			name += "-" + strconv.Itoa(i/len(appNames)+1)
		}
		img := "mcr.microsoft.com/azuredocs/aks-helloworld:v1"
		if registry != "" {
			img = fmt.Sprintf("%s/%s:1.%d.%d", registry, name, e.rng.IntN(10), e.rng.IntN(20))
		}
		replicas := 1 + e.rng.IntN(4)
		out.f("---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\n  namespace: %s\n  labels:\n    app: %s\n", name, ns, name)
		out.f("spec:\n  replicas: %d\n  selector:\n    matchLabels:\n      app: %s\n  template:\n    metadata:\n      labels:\n        app: %s\n", replicas, name, name)
		out.f("    spec:\n      containers:\n        - name: app\n          image: %s\n          ports:\n            - containerPort: 8080\n", img)
		if len(eps) > 0 {
			ep := eps[i%len(eps)]
			out.f("          env:\n            - name: %s_HOST\n              value: %s.%s\n",
				strings.ToUpper(paasKinds[ep.kind].short), ep.name, paasKinds[ep.kind].public)
		}
		out.f("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  type: ClusterIP\n  clusterIP: %s\n", name, ns, serviceIP(i))
		out.f("  selector:\n    app: %s\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n      protocol: TCP\n", name)
	}
	return out.b
}

// serviceIP is the i-th Service's ClusterIP: 172.16.1.0 onwards, clear of
// kube-dns at 172.16.0.10.
func serviceIP(i int) netip.Addr {
	return addr(be(netip.MustParseAddr("172.16.1.0")) + uint32(i))
}

// Address arithmetic on IPv4 as uint32.

func be(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func addr(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func prefix(v uint32, bits int) netip.Prefix { return netip.PrefixFrom(addr(v), bits) }
