package model

import "net/netip"

// Cluster is an AKS cluster. Field names follow the ARM networkProfile and
// agentPoolProfiles so that a value can be copied from `az aks show`.
type Cluster struct {
	Name              string `yaml:"name" jsonschema:"required" jsonschema_description:"Cluster name, unique in the topology; the vantages pod:CLUSTER/… and node:CLUSTER."`
	Region            string `yaml:"region,omitempty" jsonschema_description:"Azure region; defaults to metadata.defaultRegion."`
	ResourceGroup     string `yaml:"resourceGroup,omitempty" jsonschema_description:"Azure resource group of the cluster."`
	DNSPrefix         string `yaml:"dnsPrefix,omitempty" jsonschema_description:"First label of the API server FQDN; defaults to the cluster name."`
	KubernetesVersion string `yaml:"kubernetesVersion,omitempty" jsonschema_description:"Kubernetes version, e.g. 1.33."`

	NetworkPlugin     NetworkPlugin     `yaml:"networkPlugin,omitempty" jsonschema_description:"azure, kubenet or none; omitted means Azure CNI Overlay, as az aks create does."`
	NetworkPluginMode NetworkPluginMode `yaml:"networkPluginMode,omitempty" jsonschema_description:"overlay: Azure CNI Overlay (with networkPlugin azure)."`
	NetworkDataplane  NetworkDataplane  `yaml:"networkDataplane,omitempty" jsonschema_description:"cilium: Azure CNI Powered by Cilium."`
	NetworkPolicy     PolicyEngine      `yaml:"networkPolicy,omitempty" jsonschema_description:"Policy engine: none (default), azure (NPM), calico or cilium."`
	PodCIDR           netip.Prefix      `yaml:"podCidr,omitempty" jsonschema_description:"Pod CIDR for overlay and kubenet (default 10.244.0.0/16)."`
	ServiceCIDR       netip.Prefix      `yaml:"serviceCidr,omitempty" jsonschema_description:"Default 10.0.0.0/16."`
	DNSServiceIP      netip.Addr        `yaml:"dnsServiceIp,omitempty" jsonschema_description:"ClusterIP of kube-dns (default 10.0.0.10)."`
	OutboundType      OutboundType      `yaml:"outboundType,omitempty" jsonschema_description:"How nodes and pods reach the internet."`
	LoadBalancerSKU   LoadBalancerSKU   `yaml:"loadBalancerSku,omitempty" jsonschema_description:"SKU of the cluster's load balancer."`
	// LoadBalancerProfile is the SNAT configuration of outboundType loadBalancer.
	LoadBalancerProfile *LoadBalancerProfile `yaml:"loadBalancerProfile,omitempty" jsonschema_description:"SNAT settings of outboundType loadBalancer."`
	// IPFamilies is networkProfile.ipFamilies; AKS accepts [IPv4] and, for
	// dual-stack, [IPv4, IPv6] (aks-constraints.md §1.1 "Dual-stack").
	IPFamilies []IPFamily `yaml:"ipFamilies,omitempty" jsonschema_description:"IP families: [IPv4] (the default) or [IPv4, IPv6] for a dual-stack cluster."`

	NodePools []*NodePool `yaml:"nodePools" jsonschema:"required,minItems=1" jsonschema_description:"Node pools; the first one's subnet also holds a private cluster's API server endpoint."`
	APIServer APIServer   `yaml:"apiServer,omitempty" jsonschema_description:"API server access: public or private, its DNS zone and addresses."`

	// CoreDNSCustom is the data of the kube-system/coredns-custom ConfigMap:
	// keys ending in .server add server blocks, .override splice into the
	// default block (kubernetes-dns.md §3.2).
	CoreDNSCustom map[string]string `yaml:"corednsCustom,omitempty" jsonschema_description:"Data of the coredns-custom ConfigMap: KEY.server adds server blocks, KEY.override adds plugins to the default block."`
	// CoreDNSCustomLoc is where each corednsCustom key was written.
	CoreDNSCustomLoc map[string]Location `yaml:"-" json:"-"`
	// Kubernetes lists manifest files and folders describing the workloads.
	Kubernetes KubernetesSource `yaml:"kubernetes,omitempty" jsonschema_description:"Kubernetes manifests of the cluster's workloads."`

	// Objects are the cluster's Kubernetes objects, loaded from Kubernetes.
	Objects *KubeObjects `yaml:"-" json:"-"`
	Loc     Location     `yaml:"-" json:"-"`
}

func (c *Cluster) Kind() string       { return "cluster" }
func (c *Cluster) Keys() []string     { return []string{c.Name} }
func (c *Cluster) Location() Location { return c.Loc }

// NetworkPlugin is networkProfile.networkPlugin.
type NetworkPlugin string

func (NetworkPlugin) Enum() []string { return []string{"azure", "kubenet", "none"} }

// NetworkPluginMode is networkProfile.networkPluginMode.
type NetworkPluginMode string

func (NetworkPluginMode) Enum() []string { return []string{"overlay"} }

// NetworkDataplane is networkProfile.networkDataplane.
type NetworkDataplane string

func (NetworkDataplane) Enum() []string { return []string{"azure", "cilium"} }

// PolicyEngine is networkProfile.networkPolicy, the network policy engine.
type PolicyEngine string

func (PolicyEngine) Enum() []string { return []string{"none", "azure", "calico", "cilium"} }

// IPFamily is one entry of networkProfile.ipFamilies.
type IPFamily string

func (IPFamily) Enum() []string { return []string{"IPv4", "IPv6"} }

// DualStack reports whether the cluster asks for IPv6 besides IPv4.
func (c *Cluster) DualStack() bool {
	for _, f := range c.IPFamilies {
		if f == "IPv6" {
			return true
		}
	}
	return false
}

// OutboundType is networkProfile.outboundType (aks-constraints.md §2.3).
type OutboundType string

func (OutboundType) Enum() []string {
	return []string{"loadBalancer", "managedNATGateway", "managedNATGatewayV2", "userAssignedNATGateway", "userDefinedRouting", "none", "block"}
}

// LoadBalancerSKU is networkProfile.loadBalancerSku.
type LoadBalancerSKU string

func (LoadBalancerSKU) Enum() []string { return []string{"standard", "basic"} }

// LoadBalancerProfile is the SNAT part of networkProfile.loadBalancerProfile.
type LoadBalancerProfile struct {
	// AllocatedOutboundPorts per node; 0 means Azure's automatic tiers.
	AllocatedOutboundPorts int      `yaml:"allocatedOutboundPorts,omitempty" jsonschema:"minimum=0,maximum=64000" jsonschema_description:"SNAT ports per node; 0 lets Azure allocate by pool size."`
	ManagedOutboundIPs     int      `yaml:"managedOutboundIpCount,omitempty" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Number of managed outbound public IPs."`
	Loc                    Location `yaml:"-" json:"-"`
}

// NodePool is an agent pool.
type NodePool struct {
	Name      string      `yaml:"name" jsonschema:"required" jsonschema_description:"Pool name, unique in the cluster."`
	Mode      PoolMode    `yaml:"mode,omitempty" jsonschema_description:"System or User; the first pool defaults to System."`
	Subnet    Ref[Subnet] `yaml:"subnet" jsonschema:"required" jsonschema_description:"VNET/SUBNET of the nodes."`
	PodSubnet Ref[Subnet] `yaml:"podSubnet,omitempty" jsonschema_description:"VNET/SUBNET for pod IPs (Azure CNI pod subnet)."`
	// PodIPAllocationMode is DynamicIndividual (default) or StaticBlock.
	PodIPAllocationMode PodIPAllocationMode `yaml:"podIpAllocationMode,omitempty" jsonschema_description:"How the pod subnet hands out addresses; needs podSubnet."`
	Count               int                 `yaml:"count" jsonschema:"required,minimum=0,maximum=1000" jsonschema_description:"Number of nodes."`
	// MinCount and MaxCount set the cluster autoscaler's range.
	MinCount int `yaml:"minCount,omitempty" jsonschema:"minimum=0,maximum=1000" jsonschema_description:"Autoscaler minimum."`
	MaxCount int `yaml:"maxCount,omitempty" jsonschema:"minimum=0,maximum=1000" jsonschema_description:"Autoscaler maximum; address planning uses it."`
	// MaxSurge is a node count ("1") or a percentage ("33%"), default 1.
	MaxSurge string   `yaml:"maxSurge,omitempty" jsonschema:"pattern=^([0-9]+|([0-9]|[1-9][0-9]|100)%)$" jsonschema_description:"Upgrade surge: a count (1, the default) or a percentage (33%) rounded up."`
	MaxPods  int      `yaml:"maxPods,omitempty" jsonschema:"minimum=10,maximum=250" jsonschema_description:"Pods per node; default per CNI (kubenet 110, azure 30, overlay 250)."`
	OSType   OSType   `yaml:"osType,omitempty" jsonschema_description:"Node operating system."`
	VMSize   string   `yaml:"vmSize,omitempty" jsonschema_description:"VM size, e.g. Standard_D4s_v5."`
	Loc      Location `yaml:"-" json:"-"`

	Cluster *Cluster `yaml:"-" json:"-"`
}

// PoolMode is System or User.
type PoolMode string

func (PoolMode) Enum() []string { return []string{"System", "User"} }

// PodIPAllocationMode of a pod subnet.
type PodIPAllocationMode string

func (PodIPAllocationMode) Enum() []string { return []string{"DynamicIndividual", "StaticBlock"} }

// OSType of a node pool.
type OSType string

func (OSType) Enum() []string { return []string{"Linux", "Windows"} }

// APIServer is the cluster's apiServerAccessProfile and private cluster
// settings.
type APIServer struct {
	Private bool `yaml:"private,omitempty" jsonschema_description:"Private cluster: the API server is reached through a private endpoint."`
	// PrivateDNSZone is "system" (default), "none", or the name of a private
	// DNS zone declared under azure.privateDnsZones.
	PrivateDNSZone string `yaml:"privateDnsZone,omitempty" jsonschema_description:"system (default), none, or the name of a declared private DNS zone (custom zone)."`
	// PublicFQDN is enablePrivateClusterPublicFQDN; AKS creates it by default.
	PublicFQDN *bool `yaml:"publicFqdn,omitempty" jsonschema_description:"A private cluster also has a public FQDN resolving to its private IP (default true)."`
	// PrivateIP is the API server's private endpoint address, when known.
	PrivateIP             netip.Addr     `yaml:"privateIp,omitempty" jsonschema_description:"Private endpoint IP of the API server, in the first node pool's subnet."`
	PublicIP              netip.Addr     `yaml:"publicIp,omitempty" jsonschema_description:"Public IP of a public cluster's API server."`
	AuthorizedIPRanges    []netip.Prefix `yaml:"authorizedIpRanges,omitempty" jsonschema_description:"CIDRs allowed to reach a public API server; empty allows every address."`
	VNetIntegrationSubnet Ref[Subnet]    `yaml:"vnetIntegrationSubnet,omitempty" jsonschema_description:"API Server VNet Integration: delegated subnet of at least /28."`
	FQDNSubdomain         string         `yaml:"fqdnSubdomain,omitempty" jsonschema_description:"With a custom private DNS zone, the API server name's first label instead of dnsPrefix."`

	// CustomZone is PrivateDNSZone resolved when it names a declared zone.
	CustomZone *PrivateDNSZone `yaml:"-" json:"-"`
	Loc        Location        `yaml:"-" json:"-"`
}

// HasPublicFQDN reports enablePrivateClusterPublicFQDN with its default.
func (a *APIServer) HasPublicFQDN() bool { return a.PublicFQDN == nil || *a.PublicFQDN }

// ZoneMode returns "system", "none" or "custom".
func (a *APIServer) ZoneMode() string {
	switch a.PrivateDNSZone {
	case "", "system":
		return "system"
	case "none":
		return "none"
	}
	return "custom"
}

// KubernetesSource names the manifests of a cluster's objects.
type KubernetesSource struct {
	Manifests []string `yaml:"manifests,omitempty" jsonschema_description:"Files or folders of Kubernetes manifests, relative to this file."`
	Loc       Location `yaml:"-" json:"-"`
}

// Defaults of the AKS network profile when a field is omitted
// (aks-constraints.md §1.3: AKSD configure-kubenet, azure-cni-overlay).
var (
	DefaultServiceCIDR  = netip.MustParsePrefix("10.0.0.0/16")
	DefaultDNSServiceIP = netip.MustParseAddr("10.0.0.10")
	DefaultPodCIDR      = netip.MustParsePrefix("10.244.0.0/16")
)

// EffectiveServiceCIDR returns the service CIDR with AKS's default.
func (c *Cluster) EffectiveServiceCIDR() netip.Prefix {
	if c.ServiceCIDR.IsValid() {
		return c.ServiceCIDR
	}
	return DefaultServiceCIDR
}

// EffectiveDNSServiceIP returns the kube-dns ClusterIP with AKS's default.
func (c *Cluster) EffectiveDNSServiceIP() netip.Addr {
	if c.DNSServiceIP.IsValid() {
		return c.DNSServiceIP
	}
	return DefaultDNSServiceIP
}

// UsesPodCIDR reports whether pods take addresses from a private pod CIDR
// (kubenet, overlay) rather than from the VNet.
func (c *Cluster) UsesPodCIDR() bool {
	switch {
	case c.NetworkPlugin == "kubenet":
		return true
	case c.NetworkPlugin == "" || c.NetworkPluginMode == "overlay":
		return true
	}
	return false
}

// EffectivePodCIDR returns the pod CIDR, with AKS's default, or an invalid
// prefix when pods use VNet addresses.
func (c *Cluster) EffectivePodCIDR() netip.Prefix {
	if !c.UsesPodCIDR() {
		return netip.Prefix{}
	}
	if c.PodCIDR.IsValid() {
		return c.PodCIDR
	}
	return DefaultPodCIDR
}

// VNet returns the VNet of the cluster's first node pool.
func (c *Cluster) VNet() *VNet {
	if len(c.NodePools) == 0 || c.NodePools[0].Subnet.Target == nil {
		return nil
	}
	return c.NodePools[0].Subnet.Target.VNet
}
