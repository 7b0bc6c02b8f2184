package model

import "net/netip"

// Azure holds the Azure side of the estate.
type Azure struct {
	VNets                 []*VNet              `yaml:"vnets,omitempty" jsonschema_description:"Virtual networks with their subnets and peerings."`
	RouteTables           []*RouteTable        `yaml:"routeTables,omitempty" jsonschema_description:"Route tables (UDRs), attached to subnets by name."`
	NetworkSecurityGroups []*NSG               `yaml:"networkSecurityGroups,omitempty" jsonschema_description:"NSGs, attached to subnets by name."`
	Gateways              []*VNetGateway       `yaml:"gateways,omitempty" jsonschema_description:"VPN and ExpressRoute virtual network gateways."`
	Firewalls             []*Firewall          `yaml:"firewalls,omitempty" jsonschema_description:"Azure Firewalls (or other appliances that route and may proxy DNS)."`
	VMs                   []*VM                `yaml:"vms,omitempty" jsonschema_description:"Virtual machines; a VM with a dns block is a custom DNS server."`
	PrivateDNSZones       []*PrivateDNSZone    `yaml:"privateDnsZones,omitempty" jsonschema_description:"Azure private DNS zones with records and virtual network links."`
	PrivateEndpoints      []*PrivateEndpoint   `yaml:"privateEndpoints,omitempty" jsonschema_description:"Private endpoints: a PaaS resource's private IP in a subnet."`
	Resources             []*PaaSResource      `yaml:"resources,omitempty" jsonschema_description:"PaaS resources (PostgreSQL, Key Vault, Storage, ACR…) by resource type."`
	DNSResolvers          []*DNSResolver       `yaml:"dnsResolvers,omitempty" jsonschema_description:"Azure DNS Private Resolvers with inbound and outbound endpoints."`
	ForwardingRulesets    []*ForwardingRuleset `yaml:"forwardingRulesets,omitempty" jsonschema_description:"DNS forwarding rulesets of DNS Private Resolvers."`
	Clusters              []*Cluster           `yaml:"aksClusters,omitempty" jsonschema_description:"AKS clusters."`
}

// VNet is an Azure virtual network.
type VNet struct {
	Name          string         `yaml:"name" jsonschema:"required" jsonschema_description:"VNet name, unique in the topology; its subnets are written VNET/SUBNET."`
	ResourceGroup string         `yaml:"resourceGroup,omitempty" jsonschema_description:"Azure resource group of the VNet."`
	Region        string         `yaml:"region,omitempty" jsonschema_description:"Azure region; defaults to metadata.defaultRegion."`
	AddressSpace  []netip.Prefix `yaml:"addressSpace" jsonschema:"required,minItems=1" jsonschema_description:"Address ranges of the VNet; they must not overlap."`
	// DNSServers is the VNet's DNS servers setting; empty means Azure-provided
	// DNS (168.63.129.16).
	DNSServers []netip.Addr `yaml:"dnsServers,omitempty" jsonschema_description:"Custom DNS servers handed to VMs and nodes by DHCP, in order; empty means Azure-provided DNS (168.63.129.16)."`
	Subnets    []*Subnet    `yaml:"subnets,omitempty" jsonschema_description:"Subnets, each inside the address space and not overlapping another."`
	Peerings   []*Peering   `yaml:"peerings,omitempty" jsonschema_description:"This side of each peering; declare both sides, as in Azure."`
	Loc        Location     `yaml:"-" json:"-"`
}

func (v *VNet) Kind() string       { return "vnet" }
func (v *VNet) Keys() []string     { return []string{v.Name} }
func (v *VNet) Location() Location { return v.Loc }

// Subnet is a subnet of a VNet, referenced as "VNET/SUBNET".
type Subnet struct {
	Name   string       `yaml:"name" jsonschema:"required" jsonschema_description:"Subnet name, unique in its VNet. Gateways need one named GatewaySubnet, Azure Firewall one named AzureFirewallSubnet."`
	Prefix netip.Prefix `yaml:"addressPrefix" jsonschema:"required" jsonschema_description:"CIDR inside the VNet's address space. Azure reserves the first four addresses and the last."`
	// Delegation is the service the subnet is delegated to, e.g.
	// Microsoft.Network/dnsResolvers or Microsoft.DBforPostgreSQL/flexibleServers.
	Delegation string          `yaml:"delegation,omitempty" jsonschema_description:"Service the subnet is delegated to, e.g. Microsoft.Network/dnsResolvers."`
	RouteTable Ref[RouteTable] `yaml:"routeTable,omitempty" jsonschema_description:"Name of the route table attached to the subnet."`
	NSG        Ref[NSG]        `yaml:"networkSecurityGroup,omitempty" jsonschema_description:"Name of the NSG attached to the subnet."`
	NATGateway bool            `yaml:"natGateway,omitempty" jsonschema_description:"A NAT gateway is associated with the subnet."`
	// PrivateEndpointNetworkPolicies: NSGs and UDRs apply to private endpoints
	// in the subnet only when enabled (Azure default: disabled).
	PrivateEndpointNetworkPolicies bool `yaml:"privateEndpointNetworkPolicies,omitempty" jsonschema_description:"NSGs and route tables apply to private endpoints in the subnet only when true (Azure's default is disabled)."`

	VNet *VNet    `yaml:"-" json:"-"`
	Loc  Location `yaml:"-" json:"-"`
}

func (s *Subnet) Kind() string       { return "subnet" }
func (s *Subnet) Keys() []string     { return []string{s.VNet.Name + "/" + s.Name} }
func (s *Subnet) Location() Location { return s.Loc }

// ID is how other elements name the subnet: "VNET/SUBNET".
func (s *Subnet) ID() string { return s.VNet.Name + "/" + s.Name }

// Peering is one side of a VNet peering. Azure peerings are directional
// resources; the link carries traffic only when both sides exist
// (aks-constraints.md §4).
type Peering struct {
	Name   string    `yaml:"name,omitempty" jsonschema_description:"Name of the peering."`
	Remote Ref[VNet] `yaml:"remoteVnet" jsonschema:"required" jsonschema_description:"VNet on the other side."`
	// AllowVirtualNetworkAccess defaults to true in Azure.
	AllowVirtualNetworkAccess *bool `yaml:"allowVirtualNetworkAccess,omitempty" jsonschema_description:"Default true."`
	AllowForwardedTraffic     bool  `yaml:"allowForwardedTraffic,omitempty" jsonschema_description:"Accept traffic forwarded by an NVA in the remote VNet (default false)."`
	AllowGatewayTransit       bool  `yaml:"allowGatewayTransit,omitempty" jsonschema_description:"Let the remote VNet use this VNet's gateway (hub side)."`
	UseRemoteGateways         bool  `yaml:"useRemoteGateways,omitempty" jsonschema_description:"Use the remote VNet's gateway (spoke side); needs the remote's allowGatewayTransit."`

	From *VNet    `yaml:"-" json:"-"`
	Loc  Location `yaml:"-" json:"-"`
}

// VirtualNetworkAccess reports allowVirtualNetworkAccess with Azure's default.
func (p *Peering) VirtualNetworkAccess() bool {
	return p.AllowVirtualNetworkAccess == nil || *p.AllowVirtualNetworkAccess
}

// RouteTable is a route table of user-defined routes.
type RouteTable struct {
	Name                       string   `yaml:"name" jsonschema:"required" jsonschema_description:"Route table name, unique in the topology."`
	DisableBGPRoutePropagation bool     `yaml:"disableBgpRoutePropagation,omitempty" jsonschema_description:"Keep routes learned by the VNet gateway out of the subnets using this table."`
	Routes                     []*Route `yaml:"routes,omitempty" jsonschema_description:"User-defined routes; the longest matching prefix wins."`
	Loc                        Location `yaml:"-" json:"-"`
}

func (r *RouteTable) Kind() string       { return "route table" }
func (r *RouteTable) Keys() []string     { return []string{r.Name} }
func (r *RouteTable) Location() Location { return r.Loc }

// NextHopType is the next hop of a user-defined route.
type NextHopType string

const (
	NextHopVirtualNetworkGateway NextHopType = "VirtualNetworkGateway"
	NextHopVnetLocal             NextHopType = "VnetLocal"
	NextHopInternet              NextHopType = "Internet"
	NextHopVirtualAppliance      NextHopType = "VirtualAppliance"
	NextHopNone                  NextHopType = "None"
)

// Enum lists the next hops a user may set (VNetPeering and service endpoints are
// system-only; virtual-networks-udr-overview).
func (NextHopType) Enum() []string {
	return []string{"VirtualNetworkGateway", "VnetLocal", "Internet", "VirtualAppliance", "None"}
}

// Route is a user-defined route.
type Route struct {
	Name          string       `yaml:"name" jsonschema:"required" jsonschema_description:"Route name."`
	AddressPrefix netip.Prefix `yaml:"addressPrefix" jsonschema:"required" jsonschema_description:"Destination CIDR."`
	NextHopType   NextHopType  `yaml:"nextHopType" jsonschema:"required" jsonschema_description:"Where matching traffic goes."`
	NextHopIP     netip.Addr   `yaml:"nextHopIpAddress,omitempty" jsonschema_description:"Required for VirtualAppliance."`
	Loc           Location     `yaml:"-" json:"-"`
}

// NSG is a network security group.
type NSG struct {
	Name  string          `yaml:"name" jsonschema:"required" jsonschema_description:"NSG name, unique in the topology."`
	Rules []*SecurityRule `yaml:"rules,omitempty" jsonschema_description:"Security rules, evaluated from the lowest priority number up."`
	Loc   Location        `yaml:"-" json:"-"`
}

func (n *NSG) Kind() string       { return "network security group" }
func (n *NSG) Keys() []string     { return []string{n.Name} }
func (n *NSG) Location() Location { return n.Loc }

// Direction of an NSG rule.
type Direction string

func (Direction) Enum() []string { return []string{"Inbound", "Outbound"} }

// Access of an NSG rule.
type Access string

func (Access) Enum() []string { return []string{"Allow", "Deny"} }

// NSGProtocol of an NSG rule.
type NSGProtocol string

func (NSGProtocol) Enum() []string { return []string{"Tcp", "Udp", "Icmp", "Esp", "Ah", "*"} }

// SecurityRule is an NSG rule. Prefixes are CIDRs, IPs, service tags
// (VirtualNetwork, AzureLoadBalancer, Internet, …) or "*".
type SecurityRule struct {
	Name                string      `yaml:"name" jsonschema:"required" jsonschema_description:"Rule name."`
	Priority            int         `yaml:"priority" jsonschema:"required,minimum=100,maximum=4096" jsonschema_description:"Unique per direction; lower numbers are evaluated first."`
	Direction           Direction   `yaml:"direction" jsonschema:"required" jsonschema_description:"Traffic the rule applies to."`
	Access              Access      `yaml:"access" jsonschema:"required" jsonschema_description:"What a matching packet gets."`
	Protocol            NSGProtocol `yaml:"protocol" jsonschema:"required" jsonschema_description:"Protocol, or * for any."`
	SourcePrefixes      []string    `yaml:"sourceAddressPrefixes" jsonschema:"required,minItems=1" jsonschema_description:"CIDRs, IPs, service tags (VirtualNetwork, AzureLoadBalancer, Internet, …) or *."`
	SourcePorts         []string    `yaml:"sourcePortRanges,omitempty" jsonschema_description:"Default *."`
	DestinationPrefixes []string    `yaml:"destinationAddressPrefixes" jsonschema:"required,minItems=1" jsonschema_description:"CIDRs, IPs, service tags (VirtualNetwork, AzureLoadBalancer, Internet, …) or *."`
	DestinationPorts    []string    `yaml:"destinationPortRanges" jsonschema:"required,minItems=1" jsonschema_description:"Ports or ranges: 443, 8000-8100, *."`
	Loc                 Location    `yaml:"-" json:"-"`
}

// GatewayType is the kind of virtual network gateway.
type GatewayType string

func (GatewayType) Enum() []string { return []string{"Vpn", "ExpressRoute"} }

// VNetGateway is a VPN or ExpressRoute gateway in a VNet's GatewaySubnet.
type VNetGateway struct {
	Name string      `yaml:"name" jsonschema:"required" jsonschema_description:"Gateway name, unique in the topology."`
	Type GatewayType `yaml:"type" jsonschema:"required" jsonschema_description:"Kind of gateway; a connection's type must match it."`
	VNet Ref[VNet]   `yaml:"vnet" jsonschema:"required" jsonschema_description:"VNet whose GatewaySubnet holds the gateway."`
	// IP is the gateway's private address in GatewaySubnet, when it matters
	// (a DNS forwarder pointed at it, as in seed 002).
	IP  netip.Addr `yaml:"privateIp,omitempty" jsonschema_description:"Address of the gateway in GatewaySubnet, when something points at it (a DNS forwarder, a route)."`
	Loc Location   `yaml:"-" json:"-"`
}

func (g *VNetGateway) Kind() string       { return "gateway" }
func (g *VNetGateway) Keys() []string     { return []string{g.Name} }
func (g *VNetGateway) Location() Location { return g.Loc }

// Firewall is an Azure Firewall (or another appliance) that routes traffic
// and may proxy DNS.
type Firewall struct {
	Name      string       `yaml:"name" jsonschema:"required" jsonschema_description:"Firewall name, unique in the topology."`
	Subnet    Ref[Subnet]  `yaml:"subnet" jsonschema:"required" jsonschema_description:"VNET/SUBNET, normally VNET/AzureFirewallSubnet."`
	IP        netip.Addr   `yaml:"privateIp" jsonschema:"required" jsonschema_description:"Address in its subnet: the next hop of routes and, with dnsProxy, a DNS server."`
	PublicIPs []netip.Addr `yaml:"publicIps,omitempty" jsonschema_description:"Public addresses the firewall sends internet traffic from."`
	// DNSProxy makes the firewall answer DNS on its private IP, forwarding to
	// DNSServers (or Azure DNS when empty).
	DNSProxy   bool         `yaml:"dnsProxy,omitempty" jsonschema_description:"The firewall listens for DNS on its private IP and forwards it."`
	DNSServers []netip.Addr `yaml:"dnsServers,omitempty" jsonschema_description:"Upstreams of the DNS proxy; empty means Azure DNS of the firewall's VNet."`
	Loc        Location     `yaml:"-" json:"-"`
}

func (f *Firewall) Kind() string       { return "firewall" }
func (f *Firewall) Keys() []string     { return []string{f.Name} }
func (f *Firewall) Location() Location { return f.Loc }

// VM is a virtual machine with one NIC.
type VM struct {
	Name   string      `yaml:"name" jsonschema:"required" jsonschema_description:"VM name, unique in the topology; the vantage vm:NAME."`
	Subnet Ref[Subnet] `yaml:"subnet" jsonschema:"required" jsonschema_description:"VNET/SUBNET of the NIC."`
	IP     netip.Addr  `yaml:"privateIp" jsonschema:"required" jsonschema_description:"Address of the NIC, inside its subnet."`
	// DNSServers set on the NIC override the VNet's.
	DNSServers   []netip.Addr `yaml:"dnsServers,omitempty" jsonschema_description:"NIC DNS servers; they override the VNet's setting."`
	IPForwarding bool         `yaml:"ipForwarding,omitempty" jsonschema_description:"IP forwarding on the NIC (needed for a VirtualAppliance next hop)."`
	PublicIP     netip.Addr   `yaml:"publicIp,omitempty" jsonschema_description:"Public IP associated with the NIC."`
	// DNS, when set, makes the VM a DNS server listening on its private IP.
	DNS *DNSServer `yaml:"dns,omitempty" jsonschema_description:"The VM runs a DNS server (BIND, Windows DNS…) with this configuration."`
	Loc Location   `yaml:"-" json:"-"`
}

func (v *VM) Kind() string       { return "vm" }
func (v *VM) Keys() []string     { return []string{v.Name} }
func (v *VM) Location() Location { return v.Loc }

// PrivateDNSZone is an Azure private DNS zone.
type PrivateDNSZone struct {
	Zone          `yaml:",inline"`
	ResourceGroup string      `yaml:"resourceGroup,omitempty" jsonschema_description:"Distinguishes zones of the same name; refer to such a zone as RESOURCEGROUP/NAME."`
	Links         []*VNetLink `yaml:"links,omitempty" jsonschema_description:"Virtual network links: only linked VNets see the zone through Azure DNS."`
}

func (z *PrivateDNSZone) Kind() string { return "private DNS zone" }
func (z *PrivateDNSZone) Keys() []string {
	if z.ResourceGroup == "" {
		return []string{z.Name}
	}
	return []string{z.ResourceGroup + "/" + z.Name, z.Name}
}
func (z *PrivateDNSZone) Location() Location { return z.Loc }

// ResolutionPolicy of a VNet link.
type ResolutionPolicy string

const (
	ResolutionDefault          ResolutionPolicy = "Default"
	ResolutionNxDomainRedirect ResolutionPolicy = "NxDomainRedirect"
)

func (ResolutionPolicy) Enum() []string { return []string{"Default", "NxDomainRedirect"} }

// VNetLink links a private zone to a VNet (azure-aws-dns.md §1.3, §1.5).
type VNetLink struct {
	Name                string    `yaml:"name,omitempty" jsonschema_description:"Name of the link."`
	VNet                Ref[VNet] `yaml:"vnet" jsonschema:"required" jsonschema_description:"Linked VNet."`
	RegistrationEnabled bool      `yaml:"registrationEnabled,omitempty" jsonschema_description:"Auto-register the VNet's VMs in the zone."`
	// ResolutionPolicy NxDomainRedirect falls back to public DNS on NXDOMAIN
	// (privatelink zones; A, AAAA, CNAME only).
	ResolutionPolicy ResolutionPolicy `yaml:"resolutionPolicy,omitempty" jsonschema_description:"Default, or NxDomainRedirect to fall back to public DNS when the zone lacks the name (privatelink zones only)."`

	Zone *PrivateDNSZone `yaml:"-" json:"-"`
	Loc  Location        `yaml:"-" json:"-"`
}

// PrivateEndpoint connects a PaaS resource into a subnet.
type PrivateEndpoint struct {
	Name     string            `yaml:"name" jsonschema:"required" jsonschema_description:"Endpoint name, unique in the topology."`
	Subnet   Ref[Subnet]       `yaml:"subnet" jsonschema:"required" jsonschema_description:"VNET/SUBNET of the endpoint's NIC."`
	Resource Ref[PaaSResource] `yaml:"resource" jsonschema:"required" jsonschema_description:"Name of the target resource under azure.resources."`
	// Subresource is the group ID (postgresqlServer, vault, blob, registry…),
	// one of the privatelink table's rows for the resource's type.
	Subresource string     `yaml:"subresource" jsonschema:"required" jsonschema_description:"Target subresource (group ID) from the privatelink table, e.g. postgresqlServer, vault, blob, registry."`
	IP          netip.Addr `yaml:"privateIp" jsonschema:"required" jsonschema_description:"Private IP of the endpoint's first (or only) member."`
	// Members are the further IPs of resources with several FQDNs per
	// endpoint (ACR's regional data endpoint, Cosmos DB regions).
	Members []*EndpointMember `yaml:"members,omitempty" jsonschema_description:"Further IP configurations, for resources with several FQDNs per endpoint (ACR's data endpoints, Cosmos DB regions)."`
	// DNSZoneGroup names the private zones Azure keeps the endpoint's A
	// records in.
	DNSZoneGroup []Ref[PrivateDNSZone] `yaml:"dnsZoneGroup,omitempty" jsonschema:"maxItems=5" jsonschema_description:"Private DNS zones Azure writes the endpoint's A records into (at most 5)."`
	Loc          Location              `yaml:"-" json:"-"`
}

func (p *PrivateEndpoint) Kind() string       { return "private endpoint" }
func (p *PrivateEndpoint) Keys() []string     { return []string{p.Name} }
func (p *PrivateEndpoint) Location() Location { return p.Loc }

// EndpointMember is one further IP configuration of a private endpoint.
type EndpointMember struct {
	Name string     `yaml:"name" jsonschema:"required" jsonschema_description:"Member name, e.g. registry_data_westeurope."`
	FQDN string     `yaml:"fqdn,omitempty" jsonschema_description:"Public FQDN served by this member, e.g. contosoacr.westeurope.data.azurecr.io."`
	IP   netip.Addr `yaml:"privateIp" jsonschema:"required" jsonschema_description:"Address of this member, in the endpoint's subnet."`
	Loc  Location   `yaml:"-" json:"-"`
}

// PublicNetworkAccess of a PaaS resource.
type PublicNetworkAccess string

func (PublicNetworkAccess) Enum() []string { return []string{"Enabled", "Disabled"} }

// PaaSResource is a PaaS resource whose names the privatelink table knows.
type PaaSResource struct {
	Name string `yaml:"name" jsonschema:"required" jsonschema_description:"Resource name: the first label of its public FQDN."`
	// Type is the ARM resource type, e.g. Microsoft.DBforPostgreSQL/flexibleServers.
	Type   string `yaml:"type" jsonschema:"required" jsonschema_description:"ARM resource type from the privatelink table, e.g. Microsoft.KeyVault/vaults."`
	Region string `yaml:"region,omitempty" jsonschema_description:"Azure region; defaults to metadata.defaultRegion."`
	// PublicNetworkAccess Disabled refuses connections from the internet at
	// the service; DNS is unchanged (azure-aws-dns.md §4).
	PublicNetworkAccess PublicNetworkAccess `yaml:"publicNetworkAccess,omitempty" jsonschema_description:"Enabled (default) or Disabled; DNS answers are the same either way."`
	// PublicIP is what the public name finally resolves to.
	PublicIP netip.Addr `yaml:"publicIp,omitempty" jsonschema_description:"Address the public name resolves to on the internet."`
	// DelegatedSubnet and PrivateDNSZone describe PostgreSQL Flexible Server's
	// private access (VNet integration) mode.
	DelegatedSubnet Ref[Subnet]         `yaml:"delegatedSubnet,omitempty" jsonschema_description:"PostgreSQL Flexible Server private access: the delegated subnet."`
	PrivateIP       netip.Addr          `yaml:"privateIp,omitempty" jsonschema_description:"PostgreSQL Flexible Server private access: the server's address in the delegated subnet."`
	PrivateDNSZone  Ref[PrivateDNSZone] `yaml:"privateDnsZone,omitempty" jsonschema_description:"PostgreSQL Flexible Server private access: its private zone."`
	Loc             Location            `yaml:"-" json:"-"`
}

func (r *PaaSResource) Kind() string       { return "resource" }
func (r *PaaSResource) Keys() []string     { return []string{r.Name} }
func (r *PaaSResource) Location() Location { return r.Loc }

// DNSResolver is an Azure DNS Private Resolver (azure-aws-dns.md §2).
type DNSResolver struct {
	Name              string              `yaml:"name" jsonschema:"required" jsonschema_description:"Resolver name, unique in the topology; its endpoints are written RESOLVER/ENDPOINT."`
	VNet              Ref[VNet]           `yaml:"vnet" jsonschema:"required" jsonschema_description:"VNet the resolver serves; its endpoints' subnets belong to it."`
	InboundEndpoints  []*InboundEndpoint  `yaml:"inboundEndpoints,omitempty" jsonschema:"maxItems=5" jsonschema_description:"Inbound endpoints: addresses that answer queries as Azure DNS of the resolver's VNet."`
	OutboundEndpoints []*OutboundEndpoint `yaml:"outboundEndpoints,omitempty" jsonschema:"maxItems=5" jsonschema_description:"Outbound endpoints: where queries forwarded by rulesets leave from."`
	Loc               Location            `yaml:"-" json:"-"`
}

func (d *DNSResolver) Kind() string       { return "DNS resolver" }
func (d *DNSResolver) Keys() []string     { return []string{d.Name} }
func (d *DNSResolver) Location() Location { return d.Loc }

// InboundEndpoint receives queries on an IP and answers them as Azure DNS of
// the resolver's VNet. Referenced as "RESOLVER/ENDPOINT".
type InboundEndpoint struct {
	Name     string       `yaml:"name" jsonschema:"required" jsonschema_description:"Endpoint name, unique in its resolver."`
	Subnet   Ref[Subnet]  `yaml:"subnet" jsonschema:"required" jsonschema_description:"Dedicated subnet delegated to Microsoft.Network/dnsResolvers."`
	IP       netip.Addr   `yaml:"privateIp" jsonschema:"required" jsonschema_description:"Address the endpoint listens on; point forwarders here."`
	Resolver *DNSResolver `yaml:"-" json:"-"`
	Loc      Location     `yaml:"-" json:"-"`
}

func (e *InboundEndpoint) Kind() string       { return "inbound endpoint" }
func (e *InboundEndpoint) Keys() []string     { return []string{e.Resolver.Name + "/" + e.Name} }
func (e *InboundEndpoint) Location() Location { return e.Loc }

// OutboundEndpoint is where a ruleset's forwarded queries leave from.
// Referenced as "RESOLVER/ENDPOINT".
type OutboundEndpoint struct {
	Name     string       `yaml:"name" jsonschema:"required" jsonschema_description:"Endpoint name, unique in its resolver."`
	Subnet   Ref[Subnet]  `yaml:"subnet" jsonschema:"required" jsonschema_description:"Dedicated subnet delegated to Microsoft.Network/dnsResolvers."`
	Resolver *DNSResolver `yaml:"-" json:"-"`
	Loc      Location     `yaml:"-" json:"-"`
}

func (e *OutboundEndpoint) Kind() string       { return "outbound endpoint" }
func (e *OutboundEndpoint) Keys() []string     { return []string{e.Resolver.Name + "/" + e.Name} }
func (e *OutboundEndpoint) Location() Location { return e.Loc }

// ForwardingRuleset is a DNS forwarding ruleset: rules, the outbound
// endpoints they leave from, and the VNets it is linked to.
type ForwardingRuleset struct {
	Name              string                  `yaml:"name" jsonschema:"required" jsonschema_description:"Ruleset name, unique in the topology."`
	OutboundEndpoints []Ref[OutboundEndpoint] `yaml:"outboundEndpoints" jsonschema:"required,minItems=1,maxItems=2" jsonschema_description:"RESOLVER/ENDPOINT names."`
	Rules             []*ForwardingRule       `yaml:"rules,omitempty" jsonschema_description:"Forwarding rules; the most specific domain wins."`
	// Links are the VNets whose Azure DNS consults this ruleset.
	Links []Ref[VNet] `yaml:"vnetLinks,omitempty" jsonschema_description:"VNets whose Azure DNS uses this ruleset (at most one ruleset per VNet)."`
	Loc   Location    `yaml:"-" json:"-"`
}

func (r *ForwardingRuleset) Kind() string       { return "forwarding ruleset" }
func (r *ForwardingRuleset) Keys() []string     { return []string{r.Name} }
func (r *ForwardingRuleset) Location() Location { return r.Loc }

// RuleState enables or disables a forwarding rule.
type RuleState string

func (RuleState) Enum() []string { return []string{"Enabled", "Disabled"} }

// ForwardingRule forwards a domain to target DNS servers.
type ForwardingRule struct {
	Name    string     `yaml:"name" jsonschema:"required" jsonschema_description:"Rule name."`
	Domain  string     `yaml:"domain" jsonschema:"required" jsonschema_description:"Domain forwarded, e.g. private.aws.internal; '.' for everything."`
	Targets []AddrPort `yaml:"targets" jsonschema:"required,minItems=1,maxItems=6" jsonschema_description:"DNS servers to forward to, IP or IP:port, tried in order."`
	State   RuleState  `yaml:"state,omitempty" jsonschema_description:"Enabled (default) or Disabled; a disabled rule is ignored."`
	Loc     Location   `yaml:"-" json:"-"`
}

// Enabled reports whether the rule takes part in matching.
func (r *ForwardingRule) Enabled() bool { return r.State != "Disabled" }
