package tfimport

import (
	"strings"
)

// azureID is an Azure resource ID taken apart:
//
//	/subscriptions/SUB/resourceGroups/RG/providers/NAMESPACE/TYPE/NAME[/SUBTYPE/SUBNAME]…
//
// (learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules,
// "resource ID"). Segment names compare case-insensitively, as ARM does.
type azureID struct {
	rg    string
	types []string // "Microsoft.Network/virtualNetworks", then child types
	names []string
}

func parseAzureID(id string) (azureID, bool) {
	parts := strings.Split(strings.Trim(id, "/"), "/")
	if !strings.HasPrefix(id, "/") || len(parts) < 8 || !strings.EqualFold(parts[0], "subscriptions") ||
		!strings.EqualFold(parts[2], "resourceGroups") || !strings.EqualFold(parts[4], "providers") {
		return azureID{}, false
	}
	a := azureID{rg: parts[3]}
	rest := parts[6:]
	if len(rest)%2 != 0 {
		return azureID{}, false
	}
	for i := 0; i < len(rest); i += 2 {
		if rest[i] == "" || rest[i+1] == "" {
			return azureID{}, false
		}
		t := rest[i]
		if i == 0 {
			t = parts[5] + "/" + t
		}
		a.types = append(a.types, t)
		a.names = append(a.names, rest[i+1])
	}
	return a, true
}

// armType is the ARM resource type, e.g. Microsoft.Network/virtualNetworks/subnets.
func (a azureID) armType() string { return strings.Join(a.types, "/") }

// armKey identifies an Azure resource by type, resource group and names,
// for resources whose ID is unknown until apply but whose names are known.
func armKey(armType, rg string, names ...string) string {
	return strings.ToLower(armType + "|" + rg + "|" + strings.Join(names, "/"))
}

func (a azureID) key() string { return armKey(a.armType(), a.rg, a.names...) }

// ARM types of the elements aksnet models.
const (
	armVNet          = "Microsoft.Network/virtualNetworks"
	armSubnet        = "Microsoft.Network/virtualNetworks/subnets"
	armPeering       = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings"
	armRouteTable    = "Microsoft.Network/routeTables"
	armRoute         = "Microsoft.Network/routeTables/routes"
	armNSG           = "Microsoft.Network/networkSecurityGroups"
	armNSGRule       = "Microsoft.Network/networkSecurityGroups/securityRules"
	armZone          = "Microsoft.Network/privateDnsZones"
	armZoneLink      = "Microsoft.Network/privateDnsZones/virtualNetworkLinks"
	armEndpoint      = "Microsoft.Network/privateEndpoints"
	armResolver      = "Microsoft.Network/dnsResolvers"
	armInbound       = "Microsoft.Network/dnsResolvers/inboundEndpoints"
	armOutbound      = "Microsoft.Network/dnsResolvers/outboundEndpoints"
	armRuleset       = "Microsoft.Network/dnsForwardingRulesets"
	armRule          = "Microsoft.Network/dnsForwardingRulesets/forwardingRules"
	armRulesetLink   = "Microsoft.Network/dnsForwardingRulesets/virtualNetworkLinks"
	armCluster       = "Microsoft.ContainerService/managedClusters"
	armGateway       = "Microsoft.Network/virtualNetworkGateways"
	armLocalGateway  = "Microsoft.Network/localNetworkGateways"
	armNIC           = "Microsoft.Network/networkInterfaces"
	armFirewall      = "Microsoft.Network/azureFirewalls"
	armFirewallPol   = "Microsoft.Network/firewallPolicies"
	armPublicIP      = "Microsoft.Network/publicIPAddresses"
	armVM            = "Microsoft.Compute/virtualMachines"
	armPostgresFlexi = "Microsoft.DBforPostgreSQL/flexibleServers"
)
