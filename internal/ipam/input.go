package ipam

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/aksnet/aksnet/internal/kb"
	"github.com/aksnet/aksnet/internal/model"
)

// Pool is one node pool as the planner sizes it.
type Pool struct {
	Name string
	// Nodes is the node count; MaxNodes the autoscaler's maximum (0, or
	// below Nodes, means Nodes). Planning uses the larger (aks-rules.md
	// rule 9: "N = autoscaler max count").
	Nodes, MaxNodes int
	// MaxSurge is the upgrade surge: a count ("1") or a percentage
	// ("33%"); empty means AKS's default of 1.
	MaxSurge string
	// MaxPods is pods per node; 0 means the mode's default.
	MaxPods int
	Windows bool
	// Subnet and PodSubnet are the existing node and pod subnets, when
	// known; nil plans a new one. A subnet without a VNet (Subnet.VNet nil)
	// is a bare prefix given on the command line.
	Subnet, PodSubnet *model.Subnet
}

// Input is a cluster to plan: from the topology (Planner.Input) or from
// command-line flags.
type Input struct {
	Name string
	Mode kb.CNIMode
	// StaticBlock selects static block allocation in the pod subnet for
	// CiliumPodSubnet (AzurePodSubnetStatic always is).
	StaticBlock bool
	Pools       []Pool
	// InternalLBs and PrivateEndpoints are further addresses taken in the
	// first pool's node subnet: internal load balancer frontends are
	// allocated there unless a Service names another subnet
	// (AKSD:concepts-network-ip-address-planning, AKSD:internal-lb).
	InternalLBs, PrivateEndpoints int
	// APIServerEndpoint: a private cluster's API server endpoint takes an
	// address in the first pool's subnet (AKSD:private-clusters).
	APIServerEndpoint bool
	// Services counts ClusterIP Services besides kubernetes and kube-dns.
	Services int
	// PodCIDR and ServiceCIDR are the cluster's ranges; zero means AKS's
	// defaults (model.DefaultPodCIDR, model.DefaultServiceCIDR).
	PodCIDR, ServiceCIDR netip.Prefix
	// OutboundType is networkProfile.outboundType; "" is loadBalancer.
	OutboundType string
	// OutboundIPs is the load balancer's outbound IP count (0 means AKS's
	// default, 1); OutboundPorts the allocated SNAT ports per node (0 means
	// Azure's automatic allocation).
	OutboundIPs, OutboundPorts int
	// VNet is the cluster's VNet in the topology; AddressSpace, when there
	// is none, the space --fit searches.
	VNet         *model.VNet
	AddressSpace []netip.Prefix

	cluster *model.Cluster // the topology's cluster, when planned from one
}

func (in *Input) podCIDR() (netip.Prefix, bool) {
	if in.PodCIDR.IsValid() {
		return in.PodCIDR, false
	}
	return model.DefaultPodCIDR, true
}

func (in *Input) serviceCIDR() (netip.Prefix, bool) {
	if in.ServiceCIDR.IsValid() {
		return in.ServiceCIDR, false
	}
	return model.DefaultServiceCIDR, true
}

// static reports whether pods get /28 blocks of a pod subnet.
func (in *Input) static() bool {
	return in.Mode == kb.AzurePodSubnetStatic || in.Mode == kb.CiliumPodSubnet && in.StaticBlock
}

// Check validates what the planner cannot plan at all: unknown modes and
// numbers outside the platform's ranges. Each error says what to change.
func (in *Input) Check() error {
	if _, ok := kb.CNI(in.Mode); !ok {
		var modes []string
		for _, m := range kb.CNIModes() {
			modes = append(modes, string(m))
		}
		return fmt.Errorf("unknown CNI mode %q: choose one of %s", in.Mode, strings.Join(modes, ", "))
	}
	if len(in.Pools) == 0 {
		return fmt.Errorf("cluster %s has no node pool: a cluster needs at least one", in.Name)
	}
	for _, p := range in.Pools {
		what := "node pool " + p.Name
		switch {
		case p.Nodes < 0 || p.Nodes > kb.MaxNodesPerPool:
			return fmt.Errorf("%s: %d nodes: a node pool has 0 to %s nodes (AKS limit)", what, p.Nodes, num(kb.MaxNodesPerPool))
		case p.MaxNodes < 0 || p.MaxNodes > kb.MaxNodesPerPool:
			return fmt.Errorf("%s: max %d nodes: a node pool has at most %s nodes (AKS limit)", what, p.MaxNodes, num(kb.MaxNodesPerPool))
		case p.MaxPods != 0 && (p.MaxPods < 10 || p.MaxPods > 250):
			return fmt.Errorf("%s: max pods %d: AKS allows 10 to 250 pods per node", what, p.MaxPods)
		}
		if _, err := surgeNodes(p.MaxSurge, 1); err != nil {
			return fmt.Errorf("%s: %v", what, err)
		}
	}
	switch {
	case in.InternalLBs < 0, in.PrivateEndpoints < 0, in.Services < 0:
		return fmt.Errorf("internal load balancers, private endpoints and services are counts: give 0 or more")
	case in.OutboundIPs < 0 || in.OutboundIPs > 100:
		return fmt.Errorf("%d outbound IPs: AKS manages 1 to 100", in.OutboundIPs)
	case in.OutboundPorts < 0 || in.OutboundPorts > 64000:
		return fmt.Errorf("%d outbound ports: allocatedOutboundPorts is 0 (automatic) to 64,000", in.OutboundPorts)
	}
	return nil
}

// Incompatible lists what the platform refuses in this combination of
// mode and pools (aks-rules.md rules 11–14): a plan shows them as
// problems; the command line refuses them as input.
func (in *Input) Incompatible() []string {
	props, ok := kb.CNI(in.Mode)
	if !ok {
		return nil
	}
	var out []string
	for _, p := range in.Pools {
		if p.Windows && !props.Windows {
			out = append(out, fmt.Sprintf("node pool %s is Windows, which %s does not support (aks-constraints.md §1.1): use overlay or azure", p.Name, props.Title))
		}
		if p.MaxPods == 0 && in.static() {
			out = append(out, fmt.Sprintf("node pool %s: static block allocation has no default max pods: set it, ideally to 16k−1 (31, 47, 63 …) (AKSD:concepts-network-azure-cni-pod-subnet)", p.Name))
		}
	}
	return out
}

// surgeNodes is the pool's upgrade surge for n nodes: a count, or a
// percentage rounded up, never more than the nodes there are to upgrade
// ("If maxSurge exceeds the nodes to upgrade, the node count is used",
// AKSD:upgrade-aks-node-pools-rolling; aks-constraints.md §1.5). The
// parsing is the model's, so the command line and topology files accept
// the same forms.
func surgeNodes(spec string, n int) (int, error) {
	s, err := (&model.NodePool{Count: n, MaxSurge: spec}).Surge()
	if err != nil {
		return 0, err
	}
	return min(s, n), nil
}

// Input reads a topology cluster: its mode from the network profile, its
// pools with their subnets, its internal load balancer Services and
// ClusterIP Services from its manifests.
func (pl *Planner) Input(c *model.Cluster) (Input, error) {
	ci := pl.clusterInfo(c)
	if ci.err != nil {
		return Input{}, fmt.Errorf("cluster %s: %v", c.Name, ci.err)
	}
	in := Input{
		Name: c.Name, Mode: ci.mode, StaticBlock: ci.static,
		PodCIDR: c.PodCIDR, ServiceCIDR: c.ServiceCIDR,
		OutboundType: string(c.OutboundType),
		VNet:         c.VNet(),
		cluster:      c,
	}
	if lb := c.LoadBalancerProfile; lb != nil {
		in.OutboundIPs, in.OutboundPorts = lb.ManagedOutboundIPs, lb.AllocatedOutboundPorts
	}
	// The API server's private endpoint is in the first pool's subnet,
	// unless API Server VNet Integration projects it into its own delegated
	// subnet (AKSD:private-clusters, AKSD:api-server-vnet-integration).
	in.APIServerEndpoint = c.APIServer.Private && !c.APIServer.VNetIntegrationSubnet.IsSet()
	for _, p := range c.NodePools {
		in.Pools = append(in.Pools, Pool{
			Name: p.Name, Nodes: p.Count, MaxNodes: p.MaxCount, MaxSurge: p.MaxSurge,
			MaxPods: p.MaxPods, Windows: p.OSType == "Windows",
			Subnet: p.Subnet.Target, PodSubnet: p.PodSubnet.Target,
		})
	}
	in.InternalLBs, in.Services = kubeCounts(c)
	return in, nil
}

// Annotations of cloud-provider-azure (aks-constraints.md §3.1).
const (
	annInternal       = "service.beta.kubernetes.io/azure-load-balancer-internal"
	annInternalSubnet = "service.beta.kubernetes.io/azure-load-balancer-internal-subnet"
)

// kubeCounts returns the internal load balancer frontends the cluster's
// Services put in the first pool's subnet, and its Services with a
// ClusterIP other than kubernetes and kube-dns (which the plan counts
// itself). Headless and ExternalName Services get no ClusterIP.
func kubeCounts(c *model.Cluster) (ilbs, services int) {
	if c.Objects == nil {
		return 0, 0
	}
	first := ""
	if len(c.NodePools) > 0 && c.NodePools[0].Subnet.Target != nil {
		first = c.NodePools[0].Subnet.Target.Name
	}
	for _, s := range c.Objects.Services {
		if s.Service == nil {
			continue
		}
		if s.Spec.Type == "LoadBalancer" && strings.EqualFold(s.Annotations[annInternal], "true") {
			if sub := s.Annotations[annInternalSubnet]; sub == "" || sub == first {
				ilbs++
			}
		}
		switch {
		case s.Spec.Type == "ExternalName", s.Spec.ClusterIP == "None":
		case s.Namespace == "default" && s.Name == "kubernetes", s.Namespace == "kube-system" && s.Name == "kube-dns":
		default:
			services++
		}
	}
	return ilbs, services
}
