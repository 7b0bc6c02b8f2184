package check

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"time"

	"github.com/aksnet/aksnet/internal/kb"
	"github.com/aksnet/aksnet/internal/model"
)

// The AKS family: platform compatibility. Rules 13–25 and 27 of
// aks-rules.md, details in aks-constraints.md §1.1, §1.2, §1.6, §2.

func init() {
	register(
		&Rule{
			ID: "AKS001", Title: "The network profile is a combination AKS refuses", Severity: Error,
			Source: "aks-constraints.md §1.1 table and bullets (AKSD:azure-cni-overlay, AKSD:azure-cni-powered-by-cilium, AKSD:configure-azure-cni-dynamic-ip-allocation FAQ); internal/kb ModeOf",
			What:   "networkPlugin, networkPluginMode, networkDataplane and the node pools' podSubnet and podIpAllocationMode do not form one of AKS's networking modes — kubenet with overlay or Cilium, overlay with a pod subnet — or the node pools mix pod subnet and node subnet IP allocation. networkPlugin none (bring your own CNI) is reported as information: aksnet does not check it.",
			Why:    "Each mode is a fixed combination of these fields (AKSD:azure-cni-overlay: an omitted plugin means Azure CNI Overlay; azure without a mode means the legacy node subnet mode; Cilium runs on top of overlay, pod subnet or node subnet IPAM), and \"the whole cluster uses one CNI type\" (AKSD:configure-azure-cni-dynamic-ip-allocation FAQ). AKS rejects other combinations at creation.",
			Fix:    "Pick one mode: kubenet; azure (node subnet); azure with podSubnet on every pool (pod subnet); azure with networkPluginMode overlay (overlay); any azure mode with networkDataplane cilium.",
			Check:  checkNetworkMode,
		},
		&Rule{
			ID: "AKS002", Title: "The network policy engine is not supported with this network plugin", Severity: Error,
			Source: "aks-rules.md rules 13, 14; aks-constraints.md §1.1 (AKSD:configure-kubenet, AKSD:use-network-policies, AKSD:azure-cni-powered-by-cilium, ARM KnownNetworkPolicy)",
			What:   "networkPolicy names an engine the cluster's networking mode does not run: Azure Network Policy Manager with kubenet (Calico only), cilium without networkDataplane cilium, or azure or calico with the Cilium dataplane.",
			Why:    "kubenet supports Calico only, not Azure NPM (AKSD:configure-kubenet; AKSD:use-network-policies); networkPolicy cilium \"requires networkDataplane to be 'cilium'\" (ARM KnownNetworkPolicy), and the Cilium dataplane enforces policies with Cilium only (AKSD:azure-cni-powered-by-cilium). AKS refuses the cluster.",
			Fix:    "Use an engine the mode supports: calico with kubenet; azure or calico with the Azure dataplane; cilium with networkDataplane cilium.",
			Check:  checkPolicyEngine,
		},
		&Rule{
			ID: "AKS003", Title: "A Windows node pool on a Linux-only network", Severity: Error,
			Source: "aks-rules.md rules 13, 14; aks-constraints.md §1.1 (AKSD:configure-kubenet, AKSD:concepts-network-cni-overview, AKSD:azure-cni-powered-by-cilium, AZD:includes/container-service-limits.md)",
			What:   "A node pool with osType Windows in a kubenet or Azure CNI Powered by Cilium cluster.",
			Why:    "kubenet does not support Windows node pools (AKSD:configure-kubenet; \"Windows Server containers must use Azure CNI\", AZD:includes/container-service-limits.md), and Cilium is Linux-only (AKSD:azure-cni-powered-by-cilium). AKS refuses to add the pool.",
			Fix:    "Run Windows workloads in a cluster with Azure CNI Overlay or Azure CNI without the Cilium dataplane.",
			Check:  checkWindowsPools,
		},
		&Rule{
			ID: "AKS004", Title: "The cluster can grow beyond its network plugin's node limit", Severity: Error,
			Source: "aks-rules.md rule 13; aks-constraints.md §1.1, §1.6 (AKSD:configure-kubenet, AKSD:concepts-network-azure-cni-overlay, AZD:includes/container-service-limits.md)",
			What:   "The node pools' autoscaler maxima plus upgrade surge exceed the cluster's node limit: 400 with kubenet, 5,000 otherwise.",
			Why:    "kubenet programs one user-defined route per node and \"Azure supports a maximum of 400 routes in a UDR, so you can't have an AKS cluster larger than 400 nodes\" (AKSD:configure-kubenet); other modes allow 5,000 nodes per cluster (AZD:includes/container-service-limits.md). Scaling or upgrading past the limit fails.",
			Fix:    "Lower maxCount or maxSurge, split the workload across clusters, or (kubenet) migrate to Azure CNI Overlay, which has no route-table limit.",
			Check:  checkNodeLimit,
		},
		&Rule{
			ID: "AKS005", Title: "A kubenet cluster shares its subnet or route table with another cluster", Severity: Error,
			Source: "aks-rules.md rule 13; aks-constraints.md §1.3, §1.6 (AKSD:configure-kubenet, AKSD:concepts-network-cni-overview)",
			What:   "A kubenet cluster's node subnet is used by another cluster, or its route table is attached to another cluster's subnets.",
			Why:    "kubenet writes a route per node into the subnet's route table; \"each cluster needs its own unique route table\" and multiple clusters can't share one \"because pod CIDRs from different clusters might overlap\"; shared subnets are not supported (AKSD:configure-kubenet). Routes of one cluster would send the other's pod traffic to the wrong nodes.",
			Fix:    "Give every kubenet cluster its own subnet and its own route table (or migrate to Azure CNI Overlay, whose subnets may be shared).",
			Check:  checkKubenetSharing,
		},
		&Rule{
			ID: "AKS006", Title: "A Cilium network policy's ipBlock is meant to select pods or nodes", Severity: Warning,
			Source: "aks-rules.md rule 14; aks-constraints.md §1.1 Cilium bullet (AKSD:azure-cni-powered-by-cilium)",
			What:   "In a cluster with the Cilium dataplane, a NetworkPolicy's ipBlock covers the cluster's pod CIDR, pod subnet or node subnet and its except list does not exclude them.",
			Why:    "With Azure CNI Powered by Cilium, \"NetworkPolicy ipBlock can't select pod or node IPs (even 0.0.0.0/0)\" (AKSD:azure-cni-powered-by-cilium): the rule silently matches nothing for those addresses, so traffic the policy means to allow to or from pods or nodes is dropped.",
			Fix:    "Select pods with podSelector or namespaceSelector instead; keep ipBlock for addresses outside the cluster (add the pod and node ranges to except if the block is meant for external addresses only).",
			Check:  checkCiliumIPBlock,
		},
		&Rule{
			ID: "AKS007", Title: "Azure Network Policy Manager beyond its scale limits", Severity: Error,
			Source: "aks-rules.md rule 15; aks-constraints.md §1.1 (AKSD:use-network-policies)",
			What:   "A cluster with networkPolicy azure whose node pools reach more than 250 nodes (with upgrade surge), or whose nodes could run more than 20,000 pods (maxCount × maxPods; a warning, since pods actually running may be fewer).",
			Why:    "Azure NPM on Linux supports at most 250 nodes and 20,000 pods (AKSD:use-network-policies); beyond them policy enforcement degrades or fails.",
			Fix:    "Use Cilium (networkDataplane and networkPolicy cilium) or Calico for large clusters, or lower maxCount.",
			Check:  checkNPMScale,
		},
		&Rule{
			ID: "AKS008", Title: "The IP families are a combination AKS does not support", Severity: Error,
			Source: "aks-rules.md rule 15; aks-constraints.md §1.1 Dual-stack bullet (AKSD:azure-cni-overlay, AKSD:use-network-policies)",
			What:   "ipFamilies is not [IPv4] or [IPv4, IPv6]; or a dual-stack cluster uses Azure Network Policy Manager or Calico, or a NAT gateway for outbound traffic.",
			Why:    "AKS accepts only ipv4 or ipv4,ipv6. Dual-stack does not support Azure NPM or Calico, nor the Standard NAT gateway, which is IPv4 only — use StandardV2 (managedNATGatewayV2) (AKSD:azure-cni-overlay); Azure NPM has no IPv6 support (AKSD:use-network-policies).",
			Fix:    "Write ipFamilies [IPv4, IPv6] for dual-stack; use Cilium for network policy and loadBalancer or managedNATGatewayV2 for outbound traffic.",
			Check:  checkIPFamilies,
		},
		&Rule{
			ID: "AKS009", Title: "The cluster uses a retired or retiring feature", Severity: Warning,
			Source: "aks-rules.md rule 16; aks-constraints.md §1.2 (AKSD:includes/kubenet-retirement.md, AKSD:includes/azure-network-policy-manager-windows-retirement.md, AKSD:includes/azure-network-policy-manager-linux-retirement.md)",
			What:   "kubenet (end of support 2028-03-31), or Azure Network Policy Manager on Windows node pools (2026-09-30) or on Linux (2028-09-30). A warning before the date, an error after it.",
			Why:    "After the end of support date Microsoft no longer supports the feature and new clusters may not be able to use it (AKSD:includes/kubenet-retirement.md; the NPM retirement notes: subscriptions not registered can no longer onboard).",
			Fix:    "Migrate kubenet clusters to Azure CNI Overlay, and Azure NPM to Cilium (Linux) or Calico.",
			Check:  checkRetirements,
		},
		&Rule{
			ID: "AKS010", Title: "A node pool's subnet is delegated", Severity: Error,
			Source: "aks-rules.md rule 17; aks-constraints.md §1.3 node subnet rules (AKSD:concepts-network-cni-overview, SUP:subnet-with-external-resources-cannot-be-used-by-other-resources)",
			What:   "A node pool's subnet has a delegation.",
			Why:    "The node subnet can't be a delegated subnet (AKSD:concepts-network-cni-overview); AKS refuses it with SubnetWithExternalResourcesCannotBeUsedByOtherResources (SUP).",
			Fix:    "Put the node pool in a subnet without delegation; keep delegated subnets for the services they are delegated to.",
			Check:  checkNodeSubnetDelegation,
		},
		&Rule{
			ID: "AKS011", Title: "The API server VNet integration subnet does not meet AKS's requirements", Severity: Error,
			Source: "aks-rules.md rule 18; aks-constraints.md §1.5, §2.2 (AKSD:api-server-vnet-integration)",
			What:   "apiServer.vnetIntegrationSubnet is smaller than /28, is not delegated to Microsoft.ContainerService/managedClusters, or holds something other than API servers (node pools, VMs, private endpoints…).",
			Why:    "API Server VNet Integration projects the API server into \"a separate subnet delegated to Microsoft.ContainerService/managedClusters, minimum /28\", where AKS reserves at least nine addresses; no other workloads may use it, though several clusters of the VNet may share it (AKSD:api-server-vnet-integration).",
			Fix:    "Create a dedicated subnet of /28 or larger, delegated to Microsoft.ContainerService/managedClusters, and use it only for API servers.",
			Check:  checkAPIServerSubnet,
		},
		&Rule{
			ID: "AKS012", Title: "A private cluster has authorized IP ranges", Severity: Error,
			Source: "aks-rules.md rule 19; aks-constraints.md §2.1 (AKSD:api-server-authorized-ip-ranges, AKSD:private-clusters)",
			What:   "apiServer.private is true and apiServer.authorizedIpRanges is not empty.",
			Why:    "\"You can't use this feature with private clusters\" (AKSD:api-server-authorized-ip-ranges): authorized ranges only apply to the public API server (AKSD:private-clusters). AKS refuses the combination; Checkov's CKV_AZURE_6 passes it without looking.",
			Fix:    "Remove authorizedIpRanges; restrict access to a private API server with network controls (NSGs, firewall) on the networks that reach it.",
			Check:  checkPrivateAuthorizedRanges,
		},
		&Rule{
			ID: "AKS013", Title: "A private cluster has no private DNS zone and no public FQDN", Severity: Error,
			Source: "aks-rules.md rule 19; aks-constraints.md §2.1 (AKSD:private-clusters)",
			What:   "A private cluster with privateDnsZone none and publicFqdn false.",
			Why:    "With privateDnsZone none the only name of the API server is the public FQDN (resolving to the private IP); \"privateDNSZone=none together with publicDNS=false is not supported\" (AKSD:private-clusters): nothing could resolve the API server.",
			Fix:    "Keep the public FQDN (publicFqdn true), or use privateDnsZone system or a custom zone.",
			Check:  checkPrivateZoneNone,
		},
		&Rule{
			ID: "AKS014", Title: "The custom private DNS zone of the API server is misnamed", Severity: Error,
			Source: "aks-rules.md rule 20; aks-constraints.md §2.1 (AKSD:private-clusters)",
			What:   "A private cluster's custom privateDnsZone is not named privatelink.REGION.azmk8s.io or SUBZONE.privatelink.REGION.azmk8s.io (SUBZONE at most 32 characters) for the cluster's region; with API Server VNet Integration, private.REGION.azmk8s.io and SUBZONE.private.REGION.azmk8s.io are also accepted.",
			Why:    "AKS accepts only these names for a bring-your-own API server zone (AKSD:private-clusters) and refuses to create the cluster otherwise. The zone cannot be changed after creation. The cluster's identity also needs Private DNS Zone Contributor on the zone and Network Contributor on the VNet, which aksnet cannot see.",
			Fix:    "Create the zone as privatelink.REGION.azmk8s.io (or a subzone of it) in the cluster's region, and reference it.",
			Check:  checkAPIServerZoneName,
		},
		&Rule{
			ID: "AKS015", Title: "fqdnSubdomain without a custom privatelink zone", Severity: Error,
			Source: "aks-constraints.md §2.1 (AKSD:private-clusters)",
			What:   "apiServer.fqdnSubdomain is set but privateDnsZone is not a custom zone named privatelink.REGION.azmk8s.io (or a subzone of it).",
			Why:    "\"--fqdn-subdomain works only with a custom privatelink.<region>.azmk8s.io zone\" (AKSD:private-clusters); AKS refuses it with system or none.",
			Fix:    "Use a custom privatelink.REGION.azmk8s.io zone, or remove fqdnSubdomain and let dnsPrefix name the API server.",
			Check:  checkFQDNSubdomain,
		},
		&Rule{
			ID: "AKS016", Title: "Too many authorized IP ranges", Severity: Error,
			Source: "aks-rules.md rule 22; aks-constraints.md §2.1 (AKSD:api-server-authorized-ip-ranges)",
			What:   "apiServer.authorizedIpRanges has more than 200 entries (2,000 with API Server VNet Integration).",
			Why:    "The API server accepts at most 200 authorized ranges, or 2,000 with API Server VNet Integration (AKSD:api-server-authorized-ip-ranges); AKS refuses the update.",
			Fix:    "Aggregate the ranges into fewer, shorter prefixes, or enable API Server VNet Integration.",
			Check:  checkAuthorizedRangeCount,
		},
		&Rule{
			ID: "AKS017", Title: "The authorized IP ranges omit the cluster's egress address", Severity: Warning,
			Source: "aks-rules.md rule 22; aks-constraints.md §2.1, §2.3 (AKSD:api-server-authorized-ip-ranges, AKSD:egress-outboundtype)",
			What:   "A public cluster with authorized IP ranges sends its outbound traffic through a firewall (outboundType userDefinedRouting with a default route to an Azure Firewall) whose public addresses are not in the ranges.",
			Why:    "In a non-private cluster, the nodes reach the API server over its public address, through the outbound path (AKSD:egress-outboundtype); the authorized ranges \"should include the cluster egress IP\" (AKSD:api-server-authorized-ip-ranges), or the nodes lose the API server.",
			Fix:    "Add the firewall's public IP (as a /32) to authorizedIpRanges, or 0.0.0.0/32, which stands for the cluster's own outbound address.",
			Check:  checkAuthorizedRangesEgress,
		},
		&Rule{
			ID: "AKS018", Title: "A managed outbound type on a bring-your-own VNet", Severity: Error,
			Source: "aks-rules.md rule 24; aks-constraints.md §2.3 (AKSD:nat-gateway, AKSD:egress-outboundtype)",
			What:   "outboundType managedNATGateway, managedNATGatewayV2 or block on a cluster whose node pools are in a VNet of the topology (bring your own VNet).",
			Why:    "The managed NAT gateway \"isn't compatible with custom virtual networks\" (AKSD:nat-gateway), and block works only with an AKS-managed VNet (AKSD:egress-outboundtype). AKS refuses the cluster.",
			Fix:    "On your own VNet use userAssignedNATGateway (with a NAT gateway on the node subnets), userDefinedRouting or loadBalancer.",
			Check:  checkManagedOutboundBYO,
		},
		&Rule{
			ID: "AKS019", Title: "userAssignedNATGateway without a NAT gateway on the node subnet", Severity: Error,
			Source: "aks-rules.md rule 24; aks-constraints.md §2.3 (AKSD:egress-outboundtype, AKSD:nat-gateway)",
			What:   "outboundType userAssignedNATGateway, and a node pool's subnet has no NAT gateway (natGateway: true).",
			Why:    "With userAssignedNATGateway \"the NAT GW must already be associated with the cluster subnet\" (AKSD:egress-outboundtype); AKS refuses the cluster, and nodes would have no outbound path.",
			Fix:    "Associate a NAT gateway with every node subnet before creating the cluster.",
			Check:  checkUserNATGateway,
		},
		&Rule{
			ID: "AKS020", Title: "userDefinedRouting without a default route through an appliance or gateway", Severity: Error,
			Source: "aks-rules.md rule 25; aks-constraints.md §2.3 (AKSD:egress-udr, AKSD:egress-outboundtype)",
			What:   "outboundType userDefinedRouting, and a node pool's subnet has no route table, no 0.0.0.0/0 route, or a 0.0.0.0/0 route to Internet, None or VnetLocal.",
			Why:    "userDefinedRouting needs a route table on the cluster subnet with 0.0.0.0/0 to a virtual appliance, firewall or gateway; \"AKS validates that you don't create a 0.0.0.0/0 route pointing to the Internet\" and no outbound public IP is ever created (AKSD:egress-udr; AKSD:egress-outboundtype): nodes would have no egress.",
			Fix:    "Attach a route table to the node subnets with 0.0.0.0/0 → VirtualAppliance at the firewall's private IP (or a VirtualNetworkGateway).",
			Check:  checkUDRDefaultRoute,
		},
		&Rule{
			ID: "AKS021", Title: "outboundType none needs a network-isolated cluster", Severity: Warning,
			Source: "aks-rules.md rule 25; aks-constraints.md §2.3 (AKSD:egress-outboundtype)",
			What:   "outboundType none.",
			Why:    "outboundType none works \"only with network-isolated clusters\" (AKSD:egress-outboundtype): AKS sets up no egress and does not validate a default route, so nodes bootstrap only from a private artifact source. The topology cannot express network isolation, so aksnet cannot confirm it.",
			Fix:    "Create the cluster network-isolated (bootstrap artifact source: a private ACR cache), or choose userDefinedRouting with a firewall.",
			Check:  checkOutboundNone,
		},
		&Rule{
			ID: "AKS022", Title: "The SNAT port allocation does not fit the cluster", Severity: Error,
			Source: "aks-rules.md rule 27; aks-constraints.md §2.3 (AKSD:configure-load-balancer-standard, SUP:error-code-invalidloadbalancerprofileallocatedoutboundports)",
			What:   "With outboundType loadBalancer and an explicit loadBalancerProfile.allocatedOutboundPorts: the ports are not a multiple of 8, or 64,000 ÷ ports × outbound IPs is below the node pools' maximum plus surge.",
			Why:    "Each outbound IP has 64,000 SNAT ports shared by the nodes at the allocated count; ports must be a multiple of 8 (AKSD:configure-load-balancer-standard). AKS refuses a profile that cannot cover the nodes with InvalidLoadBalancerProfileAllocatedOutboundPorts (e.g. 9 nodes × 8,000 ports with one IP) (SUP).",
			Fix:    "Lower allocatedOutboundPorts (a multiple of 8), add outbound IPs (managedOutboundIpCount), or leave the ports at 0 to let Azure allocate by pool size.",
			Check:  checkSNAT,
		},
		&Rule{
			ID: "AKS023", Title: "A pod subnet is misplaced or shared with other uses", Severity: Error,
			Source: "aks-constraints.md §1.1 summary table and Pod Subnet bullet (AKSD:configure-azure-cni-dynamic-ip-allocation, AKSD:concepts-network-azure-cni-pod-subnet)",
			What:   "A node pool's pod subnet is in another VNet than the cluster, also holds nodes, VMs, private endpoints or load balancer frontends, or is used by pools of both dynamic and static block allocation.",
			Why:    "\"The pod subnet must be in the same VNet as the cluster\"; it may be shared by pools and clusters, but \"VMs can't go in the pod subnet\", and a subnet has one allocation mode (AKSD:configure-azure-cni-dynamic-ip-allocation; AKSD:concepts-network-azure-cni-pod-subnet).",
			Fix:    "Give pods a dedicated subnet in the cluster's VNet, one per allocation mode.",
			Check:  checkPodSubnetPlacement,
		},
	)
}

func checkNetworkMode(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		c := ci.c
		if ci.byoCNI {
			r.ReportAs(Info, c.Loc, fmt.Sprintf("cluster %s: networkPlugin none (bring your own CNI); aksnet checks no CNI rule for it", c.Name),
				"aksnet models the AKS networking modes only; a bring-your-own CNI's addressing and policies are the CNI's own.", "check the CNI's own requirements")
			continue
		}
		seen := map[string]bool{}
		for _, p := range ci.pools {
			if p.modeErr == nil || seen[p.modeErr.Error()] {
				continue
			}
			seen[p.modeErr.Error()] = true
			at := c.Loc
			if p.p.PodSubnet.IsSet() || p.p.PodIPAllocationMode != "" {
				at = p.p.Loc
			}
			r.Report(at, fmt.Sprintf("cluster %s: %v", c.Name, p.modeErr), "",
				"choose one mode: kubenet; azure (node subnet); azure with podSubnet on every pool; azure with networkPluginMode overlay; or any azure mode with networkDataplane cilium")
		}
		var podSubnet, nodeSubnet []string
		for _, p := range ci.pools {
			if p.modeErr != nil {
				continue
			}
			if p.props.PodSubnet {
				podSubnet = append(podSubnet, p.p.Name)
			} else {
				nodeSubnet = append(nodeSubnet, p.p.Name)
			}
		}
		if len(podSubnet) > 0 && len(nodeSubnet) > 0 {
			r.Report(c.Loc, fmt.Sprintf("cluster %s mixes node pools with a pod subnet (%s) and without (%s)", c.Name, strings.Join(podSubnet, ", "), strings.Join(nodeSubnet, ", ")), "",
				"give every node pool a podSubnet, or none")
		}
	}
}

func checkPolicyEngine(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		c := ci.c
		engine := string(c.NetworkPolicy)
		if ci.modeErr != nil || engine == "" || engine == "none" || contains(ci.props.PolicyEngines, engine) {
			continue
		}
		msg := fmt.Sprintf("cluster %s: networkPolicy %s is not supported with %s (supported: %s)", c.Name, engine, ci.props.Title, strings.Join(ci.props.PolicyEngines, ", "))
		fix := fmt.Sprintf("set networkPolicy to %s, or change the network plugin", strings.Join(ci.props.PolicyEngines, " or "))
		if engine == "cilium" {
			msg = fmt.Sprintf("cluster %s: networkPolicy cilium requires networkDataplane cilium (the cluster uses %s)", c.Name, ci.props.Title)
			fix = "set networkDataplane: cilium, or choose networkPolicy azure or calico"
		}
		r.Report(c.Loc, msg, "", fix)
	}
}

func checkWindowsPools(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		for _, p := range ci.pools {
			if p.p.OSType == "Windows" && p.modeErr == nil && !p.props.Windows {
				r.Report(p.p.Loc, fmt.Sprintf("node pool %s/%s is Windows but %s supports Linux nodes only", ci.c.Name, p.p.Name, p.props.Title), "",
					"run the Windows pool in a cluster with Azure CNI Overlay or Azure CNI without Cilium")
			}
		}
	}
}

func checkNodeLimit(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		if ci.modeErr != nil || ci.props.MaxNodes == 0 {
			continue
		}
		if n := ci.peakNodes(); n > ci.props.MaxNodes {
			fix := "lower maxCount or maxSurge, or split the workload across clusters"
			if ci.mode == kb.Kubenet {
				fix += ", or migrate to Azure CNI Overlay (5,000 nodes)"
			}
			r.Report(ci.c.Loc, fmt.Sprintf("cluster %s: node pools reach %d nodes with upgrade surge; %s allows %d", ci.c.Name, n, ci.props.Title, ci.props.MaxNodes), "", fix)
		}
	}
}

func checkKubenetSharing(ctx *Context, r *Reporter) {
	x := ctx.index()
	subnetUsers := map[*model.Subnet][]*clusterInfo{}
	tableUsers := map[*model.RouteTable][]*clusterInfo{}
	for _, ci := range x.clusters {
		for _, p := range ci.pools {
			s := p.p.Subnet.Target
			if s == nil {
				continue
			}
			if !contains(subnetUsers[s], ci) {
				subnetUsers[s] = append(subnetUsers[s], ci)
			}
			if rt := s.RouteTable.Target; rt != nil && !contains(tableUsers[rt], ci) {
				tableUsers[rt] = append(tableUsers[rt], ci)
			}
		}
	}
	for _, ci := range x.clusters {
		if ci.modeErr != nil || ci.mode != kb.Kubenet {
			continue
		}
		reported := map[string]bool{}
		for _, p := range ci.pools {
			s := p.p.Subnet.Target
			if s == nil {
				continue
			}
			for _, other := range subnetUsers[s] {
				key := "subnet " + s.ID() + other.c.Name
				if other != ci && !reported[key] {
					reported[key] = true
					r.Report(p.p.Loc, fmt.Sprintf("kubenet cluster %s shares subnet %s with cluster %s", ci.c.Name, s.ID(), other.c.Name), "",
						"give the kubenet cluster its own subnet")
				}
			}
			rt := s.RouteTable.Target
			if rt == nil {
				continue
			}
			for _, other := range tableUsers[rt] {
				key := "rt " + rt.Name + other.c.Name
				if other != ci && !reported[key] && !reported["subnet "+s.ID()+other.c.Name] {
					reported[key] = true
					r.Report(p.p.Loc, fmt.Sprintf("kubenet cluster %s shares route table %s with cluster %s", ci.c.Name, rt.Name, other.c.Name), "",
						"give the kubenet cluster's subnets a route table of their own")
				}
			}
		}
	}
}

func checkCiliumIPBlock(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		c := ci.c
		if ci.modeErr != nil || c.NetworkDataplane != "cilium" || c.Objects == nil {
			continue
		}
		// The cluster's own addresses: pod CIDR or pod subnets, and node subnets.
		var own []netRange
		if p, ok := podCIDR(ci); ok {
			own = append(own, netRange{prefix: p, what: "pod CIDR " + p.String()})
		}
		for _, p := range ci.pools {
			for _, s := range []*model.Subnet{p.p.Subnet.Target, p.p.PodSubnet.Target} {
				if s != nil && !containsRange(own, s.Prefix) {
					own = append(own, netRange{prefix: s.Prefix, what: "subnet " + s.ID() + " (" + s.Prefix.String() + ")"})
				}
			}
		}
		for _, np := range c.Objects.NetworkPolicies {
			if np.NetworkPolicy == nil {
				continue
			}
			var blocks []ipBlockRef
			for _, in := range np.Spec.Ingress {
				for _, peer := range in.From {
					if peer.IPBlock != nil {
						blocks = append(blocks, ipBlockRef{"ingress from", peer.IPBlock.CIDR, peer.IPBlock.Except})
					}
				}
			}
			for _, out := range np.Spec.Egress {
				for _, peer := range out.To {
					if peer.IPBlock != nil {
						blocks = append(blocks, ipBlockRef{"egress to", peer.IPBlock.CIDR, peer.IPBlock.Except})
					}
				}
			}
			for _, b := range blocks {
				cidr, err := netip.ParsePrefix(b.cidr)
				if err != nil {
					continue // the API server's validation; not this rule's
				}
				var hit []string
				for _, o := range own {
					if cidr.Overlaps(o.prefix) && !excepted(o.prefix, b.except) {
						hit = append(hit, o.what)
					}
				}
				if len(hit) > 0 {
					r.Report(np.Loc, fmt.Sprintf("NetworkPolicy %s/%s: ipBlock %s (%s) covers %s of cluster %s, which Cilium's ipBlock never matches",
						np.Namespace, np.Name, b.cidr, b.dir, strings.Join(hit, " and "), c.Name), "",
						"select pods with podSelector or namespaceSelector, and add the cluster's ranges to except if the block is for external addresses")
				}
			}
		}
	}
}

type ipBlockRef struct {
	dir, cidr string
	except    []string
}

func containsRange(rs []netRange, p netip.Prefix) bool {
	for _, r := range rs {
		if r.prefix == p {
			return true
		}
	}
	return false
}

// excepted reports whether some except entry covers all of p.
func excepted(p netip.Prefix, except []string) bool {
	for _, e := range except {
		ep, err := netip.ParsePrefix(e)
		if err == nil && ep.Bits() <= p.Bits() && ep.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

func checkNPMScale(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		if ci.c.NetworkPolicy != "azure" || ci.modeErr != nil {
			continue
		}
		if n := ci.peakNodes(); n > 250 {
			r.Report(ci.c.Loc, fmt.Sprintf("cluster %s: Azure Network Policy Manager supports 250 nodes; the node pools reach %d with upgrade surge", ci.c.Name, n), "",
				"use Cilium or Calico, or lower maxCount")
		}
		pods := 0
		for _, p := range ci.pools {
			pods += p.nodes * p.maxPods
		}
		if pods > 20000 {
			r.ReportAs(Warning, ci.c.Loc, fmt.Sprintf("cluster %s: Azure Network Policy Manager supports 20,000 pods; the node pools have room for %d", ci.c.Name, pods), "",
				"use Cilium or Calico, or lower maxCount or maxPods")
		}
	}
}

func checkIPFamilies(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		c := ci.c
		fams := make([]string, len(c.IPFamilies))
		for i, f := range c.IPFamilies {
			fams[i] = string(f)
		}
		switch strings.Join(fams, ",") {
		case "", "IPv4", "IPv4,IPv6":
		default:
			r.Report(c.Loc, fmt.Sprintf("cluster %s: ipFamilies [%s] is not supported; AKS accepts [IPv4] or [IPv4, IPv6]", c.Name, strings.Join(fams, ", ")), "",
				"write ipFamilies: [IPv4, IPv6] for dual-stack, or omit it")
			continue
		}
		if !c.DualStack() {
			continue
		}
		if c.NetworkPolicy == "azure" || c.NetworkPolicy == "calico" {
			r.Report(c.Loc, fmt.Sprintf("cluster %s: dual-stack does not support networkPolicy %s", c.Name, c.NetworkPolicy), "",
				"use Cilium (networkDataplane and networkPolicy cilium)")
		}
		switch c.OutboundType {
		case "managedNATGateway":
			r.Report(c.Loc, fmt.Sprintf("cluster %s: dual-stack with outboundType managedNATGateway, whose Standard NAT gateway is IPv4 only", c.Name), "",
				"use managedNATGatewayV2 (StandardV2) or loadBalancer")
		case "userAssignedNATGateway":
			r.ReportAs(Warning, c.Loc, fmt.Sprintf("cluster %s: dual-stack with outboundType userAssignedNATGateway needs a StandardV2 NAT gateway; a Standard one is IPv4 only", c.Name), "",
				"make sure the NAT gateway is StandardV2, with StandardV2 public IPs")
		}
	}
}

// Retirement dates, aks-constraints.md §1.2.
var (
	kubenetRetirement    = time.Date(2028, 3, 31, 0, 0, 0, 0, time.UTC)
	npmWindowsRetirement = time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)
	npmLinuxRetirement   = time.Date(2028, 9, 30, 0, 0, 0, 0, time.UTC)
)

func checkRetirements(ctx *Context, r *Reporter) {
	retire := func(at model.Location, what string, when time.Time, fix string) {
		day := when.Format("2006-01-02")
		if ctx.Now.Before(when) {
			r.ReportAs(Warning, at, fmt.Sprintf("%s retires on %s", what, day), "", fix)
		} else {
			r.ReportAs(Error, at, fmt.Sprintf("%s is retired: support ended on %s", what, day), "", fix)
		}
	}
	for _, ci := range ctx.index().clusters {
		c := ci.c
		if ci.modeErr == nil && ci.mode == kb.Kubenet {
			retire(c.Loc, fmt.Sprintf("cluster %s uses kubenet, which", c.Name), kubenetRetirement, "migrate to Azure CNI Overlay")
		}
		if c.NetworkPolicy != "azure" {
			continue
		}
		linux, windows := false, false
		for _, p := range c.NodePools {
			if p.OSType == "Windows" {
				windows = true
			} else {
				linux = true
			}
		}
		if windows {
			retire(c.Loc, fmt.Sprintf("cluster %s uses Azure Network Policy Manager on Windows nodes, which", c.Name), npmWindowsRetirement, "move Windows network policy to Calico")
		}
		if linux {
			retire(c.Loc, fmt.Sprintf("cluster %s uses Azure Network Policy Manager on Linux nodes, which", c.Name), npmLinuxRetirement, "migrate to Cilium or Calico")
		}
	}
}

func checkNodeSubnetDelegation(ctx *Context, r *Reporter) {
	for _, c := range ctx.T.Azure.Clusters {
		for _, p := range c.NodePools {
			if s := p.Subnet.Target; s != nil && s.Delegation != "" {
				r.Report(p.Loc, fmt.Sprintf("node pool %s/%s: subnet %s is delegated to %s", c.Name, p.Name, s.ID(), s.Delegation), "",
					"use a subnet without delegation for nodes")
			}
		}
	}
}

// apiServerDelegation is the delegation API Server VNet Integration needs.
const apiServerDelegation = "Microsoft.ContainerService/managedClusters"

func checkAPIServerSubnet(ctx *Context, r *Reporter) {
	x := ctx.index()
	for _, c := range ctx.T.Azure.Clusters {
		a := &c.APIServer
		s := a.VNetIntegrationSubnet.Target
		if s == nil {
			continue
		}
		if s.Prefix.Addr().Is4() && s.Prefix.Bits() > 28 {
			r.Report(a.Loc, fmt.Sprintf("cluster %s: API server subnet %s (%s) is smaller than /28", c.Name, s.ID(), s.Prefix), "", "use a /28 or larger subnet")
		}
		if !strings.EqualFold(s.Delegation, apiServerDelegation) {
			what := "is not delegated"
			if s.Delegation != "" {
				what = "is delegated to " + s.Delegation
			}
			r.Report(a.Loc, fmt.Sprintf("cluster %s: API server subnet %s %s; it must be delegated to %s", c.Name, s.ID(), what, apiServerDelegation), "",
				"set delegation: "+apiServerDelegation+" on the subnet")
		}
		var others []string
		for _, u := range x.uses[s] {
			if u.kind != useAPIServer {
				others = append(others, u.what)
			}
		}
		if len(others) > 0 {
			r.Report(a.Loc, fmt.Sprintf("cluster %s: API server subnet %s also holds %s", c.Name, s.ID(), strings.Join(others, "; ")), "",
				"move everything but API servers out of the subnet")
		}
	}
}

func checkPrivateAuthorizedRanges(ctx *Context, r *Reporter) {
	for _, c := range ctx.T.Azure.Clusters {
		if a := &c.APIServer; a.Private && len(a.AuthorizedIPRanges) > 0 {
			r.Report(a.Loc, fmt.Sprintf("cluster %s is private and has authorized IP ranges (%s)", c.Name, prefixList(a.AuthorizedIPRanges)), "",
				"remove authorizedIpRanges")
		}
	}
}

func checkPrivateZoneNone(ctx *Context, r *Reporter) {
	for _, c := range ctx.T.Azure.Clusters {
		if a := &c.APIServer; a.Private && a.ZoneMode() == "none" && !a.HasPublicFQDN() {
			r.Report(a.Loc, fmt.Sprintf("cluster %s: privateDnsZone none with publicFqdn false leaves the API server without a name", c.Name), "",
				"set publicFqdn: true, or use privateDnsZone system or a custom zone")
		}
	}
}

// apiZoneName matches the custom zone names AKS accepts
// (AKSD:private-clusters): an optional subzone of at most 32 characters,
// then privatelink (or, with API Server VNet Integration, private), the
// region and azmk8s.io.
var apiZoneName = regexp.MustCompile(`^(?:([a-z0-9-]{1,63})\.)?(privatelink|private)\.([a-z0-9]+)\.azmk8s\.io$`)

// apiZoneForm returns the zone's parts, or ok false when the name has
// neither form.
func apiZoneForm(name string) (sub, kind, region string, ok bool) {
	m := apiZoneName.FindStringSubmatch(name)
	if m == nil {
		return "", "", "", false
	}
	return m[1], m[2], m[3], true
}

func checkAPIServerZoneName(ctx *Context, r *Reporter) {
	for _, c := range ctx.T.Azure.Clusters {
		a := &c.APIServer
		z := a.CustomZone
		if !a.Private || z == nil {
			continue
		}
		region := strings.ToLower(c.Region)
		want := "privatelink." + region + ".azmk8s.io"
		if a.VNetIntegrationSubnet.IsSet() {
			want += " or private." + region + ".azmk8s.io"
		}
		sub, kind, zr, ok := apiZoneForm(z.Name)
		switch {
		case !ok:
			r.Report(a.Loc, fmt.Sprintf("cluster %s: custom API server zone %s is not named %s (or a subzone of it)", c.Name, z.Name, want), "", "create and reference a zone named "+want)
		case kind == "private" && !a.VNetIntegrationSubnet.IsSet():
			r.Report(a.Loc, fmt.Sprintf("cluster %s: custom API server zone %s has the private.REGION.azmk8s.io form, accepted only with API Server VNet Integration", c.Name, z.Name), "",
				"name the zone privatelink."+region+".azmk8s.io, or enable API Server VNet Integration")
		case len(sub) > 32:
			r.Report(a.Loc, fmt.Sprintf("cluster %s: the subzone %q of custom API server zone %s is longer than 32 characters", c.Name, sub, z.Name), "", "shorten the subzone to 32 characters or fewer")
		case region != "" && zr != region:
			r.Report(a.Loc, fmt.Sprintf("cluster %s in region %s uses custom API server zone %s, named for region %s", c.Name, region, z.Name, zr), "", "use a zone named "+want)
		}
	}
}

func checkFQDNSubdomain(ctx *Context, r *Reporter) {
	for _, c := range ctx.T.Azure.Clusters {
		a := &c.APIServer
		if a.FQDNSubdomain == "" {
			continue
		}
		if a.CustomZone != nil {
			if _, kind, _, ok := apiZoneForm(a.CustomZone.Name); ok && kind == "privatelink" {
				continue
			}
		}
		zone := a.PrivateDNSZone
		if zone == "" {
			zone = "system"
		}
		r.Report(a.Loc, fmt.Sprintf("cluster %s: fqdnSubdomain %q needs a custom privatelink.REGION.azmk8s.io zone, not privateDnsZone %s", c.Name, a.FQDNSubdomain, zone), "",
			"use a custom privatelink zone or remove fqdnSubdomain")
	}
}

func checkAuthorizedRangeCount(ctx *Context, r *Reporter) {
	for _, c := range ctx.T.Azure.Clusters {
		a := &c.APIServer
		limit := 200
		if a.VNetIntegrationSubnet.IsSet() {
			limit = 2000
		}
		if n := len(a.AuthorizedIPRanges); n > limit {
			r.Report(a.Loc, fmt.Sprintf("cluster %s has %d authorized IP ranges; the limit is %d", c.Name, n, limit), "",
				"aggregate the ranges into shorter prefixes")
		}
	}
}

// defaultRoute returns the 0.0.0.0/0 route of the subnet's route table.
func defaultRoute(s *model.Subnet) *model.Route {
	rt := s.RouteTable.Target
	if rt == nil {
		return nil
	}
	for _, rr := range rt.Routes {
		if rr.AddressPrefix.Bits() == 0 && rr.AddressPrefix.Addr().Is4() {
			return rr
		}
	}
	return nil
}

// ownOutboundIP in authorized ranges stands for "only the cluster's own
// outbound IP" (AKSD:api-server-authorized-ip-ranges).
var ownOutboundIP = netip.MustParsePrefix("0.0.0.0/32")

func checkAuthorizedRangesEgress(ctx *Context, r *Reporter) {
	x := ctx.index()
	for _, c := range ctx.T.Azure.Clusters {
		a := &c.APIServer
		if a.Private || len(a.AuthorizedIPRanges) == 0 || c.OutboundType != "userDefinedRouting" || len(c.NodePools) == 0 {
			continue
		}
		s := c.NodePools[0].Subnet.Target
		if s == nil {
			continue
		}
		rt := defaultRoute(s)
		if rt == nil || rt.NextHopType != model.NextHopVirtualAppliance {
			continue
		}
		fw := x.firewallAt[rt.NextHopIP]
		if fw == nil || len(fw.PublicIPs) == 0 {
			continue
		}
		covered := false
		for _, pr := range a.AuthorizedIPRanges {
			if pr == ownOutboundIP {
				covered = true
			}
			for _, ip := range fw.PublicIPs {
				covered = covered || pr.Contains(ip)
			}
		}
		if !covered {
			ips := make([]string, len(fw.PublicIPs))
			for i, ip := range fw.PublicIPs {
				ips[i] = ip.String() + "/32"
			}
			r.Report(a.Loc, fmt.Sprintf("cluster %s egresses through firewall %s (%s), which the authorized IP ranges do not include",
				c.Name, fw.Name, strings.Join(ips, ", ")), "", "add "+strings.Join(ips, ", ")+" to authorizedIpRanges")
		}
	}
}

func checkManagedOutboundBYO(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		c := ci.c
		switch c.OutboundType {
		case "managedNATGateway", "managedNATGatewayV2", "block":
			if ci.vnet == nil {
				continue
			}
			r.Report(c.Loc, fmt.Sprintf("cluster %s: outboundType %s needs an AKS-managed VNet, but the node pools are in vnet %s", c.Name, c.OutboundType, ci.vnet.Name), "",
				"use userAssignedNATGateway, userDefinedRouting or loadBalancer on your own VNet")
		}
	}
}

// nodeSubnets returns the distinct subnets of a cluster's node pools.
func nodeSubnets(c *model.Cluster) []*model.Subnet {
	var out []*model.Subnet
	for _, p := range c.NodePools {
		if s := p.Subnet.Target; s != nil && !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func checkUserNATGateway(ctx *Context, r *Reporter) {
	for _, c := range ctx.T.Azure.Clusters {
		if c.OutboundType != "userAssignedNATGateway" {
			continue
		}
		for _, s := range nodeSubnets(c) {
			if !s.NATGateway {
				r.Report(c.Loc, fmt.Sprintf("cluster %s: outboundType userAssignedNATGateway, but node subnet %s has no NAT gateway", c.Name, s.ID()), "",
					"associate a NAT gateway with subnet "+s.ID()+" (natGateway: true)")
			}
		}
	}
}

func checkUDRDefaultRoute(ctx *Context, r *Reporter) {
	for _, c := range ctx.T.Azure.Clusters {
		if c.OutboundType != "userDefinedRouting" {
			continue
		}
		for _, s := range nodeSubnets(c) {
			rt := s.RouteTable.Target
			switch d := defaultRoute(s); {
			case rt == nil:
				r.Report(s.Loc, fmt.Sprintf("cluster %s: outboundType userDefinedRouting, but node subnet %s has no route table", c.Name, s.ID()), "",
					"attach a route table with 0.0.0.0/0 → VirtualAppliance at the firewall's private IP")
			case d == nil:
				r.Report(rt.Loc, fmt.Sprintf("cluster %s: outboundType userDefinedRouting, but route table %s of node subnet %s has no 0.0.0.0/0 route", c.Name, rt.Name, s.ID()), "",
					"add a route 0.0.0.0/0 → VirtualAppliance at the firewall's private IP")
			case d.NextHopType != model.NextHopVirtualAppliance && d.NextHopType != model.NextHopVirtualNetworkGateway:
				r.Report(d.Loc, fmt.Sprintf("cluster %s: outboundType userDefinedRouting, but the 0.0.0.0/0 route %s of route table %s goes to %s", c.Name, d.Name, rt.Name, d.NextHopType), "",
					"point 0.0.0.0/0 at a VirtualAppliance (the firewall's private IP) or a VirtualNetworkGateway")
			}
		}
	}
}

func checkOutboundNone(ctx *Context, r *Reporter) {
	for _, c := range ctx.T.Azure.Clusters {
		if c.OutboundType == "none" {
			r.Report(c.Loc, fmt.Sprintf("cluster %s: outboundType none works only for a network-isolated cluster", c.Name), "",
				"create the cluster network-isolated, or use userDefinedRouting")
		}
	}
}

func checkSNAT(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		c := ci.c
		lp := c.LoadBalancerProfile
		if lp == nil || lp.AllocatedOutboundPorts == 0 || (c.OutboundType != "" && c.OutboundType != "loadBalancer") {
			continue
		}
		at := lp.Loc
		if at.IsZero() {
			at = c.Loc
		}
		ports := lp.AllocatedOutboundPorts
		if ports%8 != 0 {
			r.Report(at, fmt.Sprintf("cluster %s: allocatedOutboundPorts %d is not a multiple of 8", c.Name, ports), "",
				fmt.Sprintf("use %d or %d", ports/8*8, (ports/8+1)*8))
		}
		ips := max(lp.ManagedOutboundIPs, 1)
		capacity := 64000 / ports * ips
		if need := ci.peakNodes(); need > capacity {
			needIPs := (need + 64000/ports - 1) / (64000 / ports)
			r.Report(at, fmt.Sprintf("cluster %s: %d outbound IP(s) × 64,000 ports ÷ %d ports per node cover %d nodes; the node pools reach %d with upgrade surge",
				c.Name, ips, ports, capacity, need), "",
				fmt.Sprintf("set managedOutboundIpCount to %d, lower allocatedOutboundPorts to %d or less, or set it to 0", needIPs, 64000/need/8*8))
		}
	}
}

func checkPodSubnetPlacement(ctx *Context, r *Reporter) {
	x := ctx.index()
	modes := map[*model.Subnet]map[string]bool{}
	for _, ci := range x.clusters {
		for _, p := range ci.pools {
			ps := p.p.PodSubnet.Target
			if ps == nil {
				continue
			}
			if ci.vnet != nil && ps.VNet != ci.vnet {
				r.Report(p.p.PodSubnet.Loc, fmt.Sprintf("node pool %s/%s: pod subnet %s is in vnet %s, not the cluster's vnet %s", ci.c.Name, p.p.Name, ps.ID(), ps.VNet.Name, ci.vnet.Name), "",
					"use a pod subnet of vnet "+ci.vnet.Name)
			}
			mode := "DynamicIndividual"
			if strings.EqualFold(string(p.p.PodIPAllocationMode), "StaticBlock") {
				mode = "StaticBlock"
			}
			if modes[ps] == nil {
				modes[ps] = map[string]bool{}
			}
			modes[ps][mode] = true
		}
	}
	for _, v := range ctx.T.Azure.VNets {
		for _, s := range v.Subnets {
			uses := x.uses[s]
			if !hasUse(uses, usePods) {
				continue
			}
			var others []string
			for _, u := range uses {
				if u.kind != usePods {
					others = append(others, u.what)
				}
			}
			if len(others) > 0 {
				r.Report(s.Loc, fmt.Sprintf("pod subnet %s also holds %s", s.ID(), strings.Join(others, "; ")), "",
					"give pods a subnet of their own")
			}
			if len(modes[s]) > 1 {
				r.Report(s.Loc, fmt.Sprintf("pod subnet %s is used with both DynamicIndividual and StaticBlock allocation", s.ID()), "",
					"use one pod subnet per allocation mode")
			}
		}
	}
}
