package schema

// What the model's tags do not say yet. Keys are "GoType.yamlName" of the
// type that declares the field (Zone.records covers the records of private
// DNS zones and hosted zones too). When the model gains the information —
// a jsonschema_description, or a jsonschema default= option — the entry here
// must go: TestExtraTablesNotStale fails while both exist.

// descriptions of fields whose tag has no jsonschema_description.
var descriptions = map[string]string{
	"Topology.metadata":    "Name and description of the estate.",
	"Metadata.description": "Free text about the estate.",

	"Azure.privateEndpoints": "Private endpoints: a PaaS resource's private IP in a subnet.",

	"VNet.name":          "VNet name, unique in the topology; its subnets are written VNET/SUBNET.",
	"VNet.resourceGroup": "Azure resource group of the VNet.",
	"VNet.addressSpace":  "Address ranges of the VNet; they must not overlap.",
	"VNet.subnets":       "Subnets, each inside the address space and not overlapping another.",

	"Subnet.name":                           "Subnet name, unique in its VNet. Gateways need one named GatewaySubnet, Azure Firewall one named AzureFirewallSubnet.",
	"Subnet.addressPrefix":                  "CIDR inside the VNet's address space. Azure reserves the first four addresses and the last.",
	"Subnet.privateEndpointNetworkPolicies": "NSGs and route tables apply to private endpoints in the subnet only when true (Azure's default is disabled).",

	"Peering.name":       "Name of the peering.",
	"Peering.remoteVnet": "VNet on the other side.",

	"RouteTable.name":                       "Route table name, unique in the topology.",
	"RouteTable.disableBgpRoutePropagation": "Keep routes learned by the VNet gateway out of the subnets using this table.",
	"RouteTable.routes":                     "User-defined routes; the longest matching prefix wins.",

	"Route.name":          "Route name.",
	"Route.addressPrefix": "Destination CIDR.",
	"Route.nextHopType":   "Where matching traffic goes.",

	"NSG.name":  "NSG name, unique in the topology.",
	"NSG.rules": "Security rules, evaluated from the lowest priority number up.",

	"SecurityRule.name":                       "Rule name.",
	"SecurityRule.priority":                   "Unique per direction; lower numbers are evaluated first.",
	"SecurityRule.direction":                  "Traffic the rule applies to.",
	"SecurityRule.access":                     "What a matching packet gets.",
	"SecurityRule.protocol":                   "Protocol, or * for any.",
	"SecurityRule.sourceAddressPrefixes":      "CIDRs, IPs, service tags (VirtualNetwork, AzureLoadBalancer, Internet, …) or *.",
	"SecurityRule.destinationAddressPrefixes": "CIDRs, IPs, service tags (VirtualNetwork, AzureLoadBalancer, Internet, …) or *.",

	"VNetGateway.name":      "Gateway name, unique in the topology.",
	"VNetGateway.type":      "Kind of gateway; a connection's type must match it.",
	"VNetGateway.privateIp": "Address of the gateway in GatewaySubnet, when something points at it (a DNS forwarder, a route).",

	"Firewall.name":      "Firewall name, unique in the topology.",
	"Firewall.privateIp": "Address in its subnet: the next hop of routes and, with dnsProxy, a DNS server.",
	"Firewall.publicIps": "Public addresses the firewall sends internet traffic from.",

	"VM.name":      "VM name, unique in the topology; the vantage vm:NAME.",
	"VM.privateIp": "Address of the NIC, inside its subnet.",
	"VM.publicIp":  "Public IP associated with the NIC.",

	"Zone.records": "Record sets of the zone.",
	"Record.type":  "Record type.",

	"VNetLink.name": "Name of the link.",
	"VNetLink.vnet": "Linked VNet.",

	"PrivateEndpoint.name":     "Endpoint name, unique in the topology.",
	"PrivateEndpoint.subnet":   "VNET/SUBNET of the endpoint's NIC.",
	"PrivateEndpoint.members":  "Further IP configurations, for resources with several FQDNs per endpoint (ACR's data endpoints, Cosmos DB regions).",
	"EndpointMember.privateIp": "Address of this member, in the endpoint's subnet.",

	"PaaSResource.region": "Azure region; defaults to metadata.defaultRegion.",

	"DNSResolver.name":              "Resolver name, unique in the topology; its endpoints are written RESOLVER/ENDPOINT.",
	"DNSResolver.vnet":              "VNet the resolver serves; its endpoints' subnets belong to it.",
	"DNSResolver.inboundEndpoints":  "Inbound endpoints: addresses that answer queries as Azure DNS of the resolver's VNet.",
	"DNSResolver.outboundEndpoints": "Outbound endpoints: where queries forwarded by rulesets leave from.",
	"InboundEndpoint.name":          "Endpoint name, unique in its resolver.",
	"InboundEndpoint.privateIp":     "Address the endpoint listens on; point forwarders here.",
	"OutboundEndpoint.name":         "Endpoint name, unique in its resolver.",

	"ForwardingRuleset.name":  "Ruleset name, unique in the topology.",
	"ForwardingRuleset.rules": "Forwarding rules; the most specific domain wins.",
	"ForwardingRule.name":     "Rule name.",
	"ForwardingRule.targets":  "DNS servers to forward to, IP or IP:port, tried in order.",

	"Cluster.name":                "Cluster name, unique in the topology; the vantages pod:CLUSTER/… and node:CLUSTER.",
	"Cluster.region":              "Azure region; defaults to metadata.defaultRegion.",
	"Cluster.resourceGroup":       "Azure resource group of the cluster.",
	"Cluster.kubernetesVersion":   "Kubernetes version, e.g. 1.33.",
	"Cluster.networkPluginMode":   "overlay: Azure CNI Overlay (with networkPlugin azure).",
	"Cluster.networkDataplane":    "cilium: Azure CNI Powered by Cilium.",
	"Cluster.outboundType":        "How nodes and pods reach the internet.",
	"Cluster.loadBalancerSku":     "SKU of the cluster's load balancer.",
	"Cluster.loadBalancerProfile": "SNAT settings of outboundType loadBalancer.",
	"Cluster.apiServer":           "API server access: public or private, its DNS zone and addresses.",
	"Cluster.kubernetes":          "Kubernetes manifests of the cluster's workloads.",

	"LoadBalancerProfile.allocatedOutboundPorts": "SNAT ports per node; 0 lets Azure allocate by pool size.",
	"LoadBalancerProfile.managedOutboundIpCount": "Number of managed outbound public IPs.",

	"NodePool.name":                "Pool name, unique in the cluster.",
	"NodePool.podIpAllocationMode": "How the pod subnet hands out addresses; needs podSubnet.",
	"NodePool.count":               "Number of nodes.",
	"NodePool.minCount":            "Autoscaler minimum.",
	"NodePool.osType":              "Node operating system.",
	"NodePool.vmSize":              "VM size, e.g. Standard_D4s_v5.",

	"APIServer.authorizedIpRanges": "CIDRs allowed to reach a public API server; empty allows every address.",
	"APIServer.fqdnSubdomain":      "With a custom private DNS zone, the API server name's first label instead of dnsPrefix.",

	"AWS.vpcs":                   "VPCs with their subnets.",
	"VPC.name":                   "VPC name, unique in the topology; its subnets are written VPC/SUBNET, the VPC itself vpc:NAME in connections.",
	"VPC.region":                 "AWS region, e.g. eu-west-1.",
	"VPC.dhcpOptions":            "DHCP options set: the DNS servers and domain name instances get.",
	"VPC.subnets":                "Subnets, each inside the CIDR blocks.",
	"DHCPOptions.domainName":     "Domain name handed to instances, their search domain.",
	"AWSSubnet.name":             "Subnet name, unique in its VPC.",
	"AWSSubnet.cidrBlock":        "CIDR inside the VPC's CIDR blocks.",
	"AWSSubnet.availabilityZone": "Availability zone, e.g. eu-west-1a.",

	"EC2Instance.name":      "Instance name, unique in the topology; the vantage vm:NAME.",
	"EC2Instance.privateIp": "Address of the ENI, inside its subnet.",
	"EC2Instance.dns":       "The instance runs a DNS server with this configuration.",

	"ResolverEndpoint.name":      "Endpoint name, unique in the topology.",
	"ResolverEndpoint.direction": "INBOUND receives queries from outside the VPC; OUTBOUND forwards queries out of it.",
	"EndpointIP.subnet":          "VPC/SUBNET of this address.",
	"EndpointIP.ip":              "Address, inside its subnet.",

	"ResolverRule.name":       "Rule name, unique in the topology.",
	"ResolverRule.ruleType":   "FORWARD sends the domain to targetIps; SYSTEM has the Resolver answer it itself.",
	"ResolverRule.domainName": "Domain the rule applies to, e.g. azure.contoso.com.",

	"OnPrem.sites":      "On-premises networks with their hosts.",
	"Site.name":         "Site name, unique in the topology; its hosts are written SITE/HOST, the site itself site:NAME in connections.",
	"Site.addressSpace": "Address ranges of the site.",
	"Site.hosts":        "Machines at the site.",
	"Host.name":         "Host name, unique in its site; the vantage host:SITE/NAME.",
	"Host.ip":           "Address of the host, inside the site's address space.",

	"Connection.name": "Connection name, unique in the topology.",
	"Connection.type": "Must match the gateway's type: vpn for Vpn, expressroute for ExpressRoute.",
}

// A Default is what an omitted field means. Value, when set, is a literal
// written into the schema's "default"; Text describes a default that depends
// on other fields.
type Default struct {
	Value any
	Text  string
}

// defaults of optional fields. Boolean fields without an entry default to
// false, lists and mappings to empty.
var defaults = map[string]Default{
	"VNet.region":                       {Text: "`metadata.defaultRegion`"},
	"VNet.dnsServers":                   {Text: "Azure DNS (168.63.129.16)"},
	"Peering.allowVirtualNetworkAccess": {Value: true},
	"SecurityRule.sourcePortRanges":     {Value: []string{"*"}},
	"Firewall.dnsServers":               {Text: "Azure DNS of the firewall's VNet"},
	"VM.dnsServers":                     {Text: "the VNet's `dnsServers`"},
	"Record.ttl":                        {Text: "3600 (Azure), 300 (Route 53)"},
	"VNetLink.resolutionPolicy":         {Value: "Default"},
	"PaaSResource.region":               {Text: "`metadata.defaultRegion`"},
	"PaaSResource.publicNetworkAccess":  {Value: "Enabled"},
	"ForwardingRule.state":              {Value: "Enabled"},

	"Cluster.region":          {Text: "`metadata.defaultRegion`"},
	"Cluster.dnsPrefix":       {Text: "the cluster name"},
	"Cluster.networkPlugin":   {Text: "Azure CNI Overlay"},
	"Cluster.networkPolicy":   {Value: "none"},
	"Cluster.podCidr":         {Value: "10.244.0.0/16"},
	"Cluster.serviceCidr":     {Value: "10.0.0.0/16"},
	"Cluster.dnsServiceIp":    {Value: "10.0.0.10"},
	"Cluster.outboundType":    {Value: "loadBalancer"},
	"Cluster.loadBalancerSku": {Value: "standard"},

	"LoadBalancerProfile.allocatedOutboundPorts": {Value: 0},

	"NodePool.mode":                {Text: "`System` for the first pool, `User` for the others"},
	"NodePool.podIpAllocationMode": {Value: "DynamicIndividual"},
	"NodePool.maxSurge":            {Value: "1"},
	"NodePool.maxPods":             {Text: "kubenet 110, Azure CNI 30, overlay 250"},
	"NodePool.osType":              {Value: "Linux"},

	"APIServer.privateDnsZone": {Value: "system"},
	"APIServer.publicFqdn":     {Value: true},

	"VPC.enableDnsSupport":          {Value: true},
	"DHCPOptions.domainNameServers": {Value: []string{"AmazonProvidedDNS"}},
	"DHCPOptions.domainName":        {Text: "`REGION.compute.internal` (`ec2.internal` in us-east-1)"},

	"Host.dnsServers":           {Text: "the site's `dnsServers`"},
	"Connection.remotePrefixes": {Text: "the remote network's address space"},
}
