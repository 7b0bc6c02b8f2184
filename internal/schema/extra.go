package schema

// Defaults the model's tags do not say: keys are "GoType.yamlName" of the
// type that declares the field. A Value becomes the schema's default; a Text
// (a default that depends on other fields, like a region inherited from
// metadata) is only shown in docs/topology.md. When the model gains a
// jsonschema default= option for a field, its entry here must go:
// TestExtraTablesNotStale fails while both exist.

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
