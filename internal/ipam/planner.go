package ipam

import (
	"net/netip"

	"github.com/aksnet/aksnet/internal/kb"
	"github.com/aksnet/aksnet/internal/model"
)

// Planner plans clusters against one estate. It indexes the topology once
// (who holds addresses in which subnet, which ranges each VNet must avoid)
// and remembers every prefix --fit proposed, so the proposals of one run
// never overlap each other. A Planner is not safe for concurrent use.
type Planner struct {
	t *model.Topology // nil when planning from flags alone

	// everything is every range of the estate (VNets, VPCs, sites,
	// connection prefixes) plus AKS's reserved ranges: what a new pod or
	// service CIDR must avoid.
	everything set
	// outside are the ranges a VNet's clusters reach beyond the VNet:
	// on-prem sites, VPN and ExpressRoute prefixes, with AKS's reserved
	// ranges and the ranges Azure forbids in a VNet.
	outside  set
	vnets    map[*model.VNet]*vnetInfo
	used     map[*model.Subnet]int                    // addresses declared in a subnet, by owner below
	usedBy   map[*model.Subnet]map[*model.Cluster]int // … of which a cluster's API server
	pools    map[*model.Subnet][]poolRef              // node pools by node subnet
	podPools map[*model.Subnet][]poolRef              // node pools by pod subnet
	clusters map[*model.Cluster]*clusterInfo
	proposed set
}

type poolRef struct {
	c *model.Cluster
	p *model.NodePool
}

type clusterInfo struct {
	mode   kb.CNIMode
	static bool
	err    error
}

type vnetInfo struct {
	// avoid is what a new subnet in the VNet must not overlap: its subnets,
	// peered VNets, the outside ranges, and the pod and service CIDRs of
	// the clusters in it and in peered VNets.
	avoid set
	// connected names the networks the VNet's clusters reach, for saying
	// what an existing pod or service CIDR overlaps.
	connected []named
}

type named struct {
	what string
	p    netip.Prefix
}

// New indexes a topology; t may be nil (planning from flags alone).
func New(t *model.Topology) *Planner {
	pl := &Planner{
		t:        t,
		vnets:    map[*model.VNet]*vnetInfo{},
		used:     map[*model.Subnet]int{},
		usedBy:   map[*model.Subnet]map[*model.Cluster]int{},
		pools:    map[*model.Subnet][]poolRef{},
		podPools: map[*model.Subnet][]poolRef{},
		clusters: map[*model.Cluster]*clusterInfo{},
	}
	var all, out builder
	all.prefixes(kb.AKSReservedRanges)
	out.prefixes(kb.AKSReservedRanges)
	out.prefixes(kb.VNetForbiddenRanges)
	if t == nil {
		pl.everything, pl.outside = all.set(), out.set()
		return pl
	}
	for _, v := range t.Azure.VNets {
		all.prefixes(v.AddressSpace)
	}
	for _, v := range t.AWS.VPCs {
		all.prefixes(v.CIDRs)
	}
	for _, s := range t.OnPrem.Sites {
		all.prefixes(s.AddressSpace)
		out.prefixes(s.AddressSpace)
	}
	for _, c := range t.Connections {
		ps := c.RemotePrefixes
		if len(ps) == 0 {
			ps = c.Remote.Prefixes()
		}
		all.prefixes(ps)
		out.prefixes(ps)
	}
	pl.everything, pl.outside = all.set(), out.set()

	// Addresses other resources hold in each subnet: what a cluster sharing
	// the subnet cannot have.
	count := func(s *model.Subnet, n int) {
		if s != nil {
			pl.used[s] += n
		}
	}
	az := &t.Azure
	for _, pe := range az.PrivateEndpoints {
		count(pe.Subnet.Target, 1+len(pe.Members))
	}
	for _, vm := range az.VMs {
		count(vm.Subnet.Target, 1)
	}
	for _, f := range az.Firewalls {
		count(f.Subnet.Target, 1)
	}
	for _, r := range az.DNSResolvers {
		for _, e := range r.InboundEndpoints {
			count(e.Subnet.Target, 1)
		}
	}
	for _, r := range az.Resources {
		if r.PrivateIP.IsValid() {
			count(r.DelegatedSubnet.Target, 1)
		}
	}
	for _, c := range az.Clusters {
		for _, p := range c.NodePools {
			if s := p.Subnet.Target; s != nil {
				pl.pools[s] = append(pl.pools[s], poolRef{c, p})
			}
			if s := p.PodSubnet.Target; s != nil {
				pl.podPools[s] = append(pl.podPools[s], poolRef{c, p})
			}
		}
		// A private cluster's API server endpoint: counted for the other
		// clusters sharing the subnet; the cluster's own plan shows it as a
		// term of its own.
		if c.APIServer.Private && !c.APIServer.VNetIntegrationSubnet.IsSet() && len(c.NodePools) > 0 {
			if s := c.NodePools[0].Subnet.Target; s != nil {
				if pl.usedBy[s] == nil {
					pl.usedBy[s] = map[*model.Cluster]int{}
				}
				pl.usedBy[s][c]++
				pl.used[s]++
			}
		}
	}
	return pl
}

func (pl *Planner) clusterInfo(c *model.Cluster) *clusterInfo {
	if ci := pl.clusters[c]; ci != nil {
		return ci
	}
	ci := &clusterInfo{}
	podSubnet, alloc := false, ""
	for _, p := range c.NodePools {
		if p.PodSubnet.IsSet() {
			podSubnet = true
			if alloc == "" {
				alloc = string(p.PodIPAllocationMode)
			}
		}
	}
	ci.mode, ci.err = kb.ModeOf(string(c.NetworkPlugin), string(c.NetworkPluginMode), string(c.NetworkDataplane), podSubnet, alloc)
	ci.static = alloc == "StaticBlock"
	pl.clusters[c] = ci
	return ci
}

// vnet returns what a VNet's new subnets must avoid and what its clusters
// reach, computed once per VNet.
func (pl *Planner) vnet(v *model.VNet) *vnetInfo {
	if vi := pl.vnets[v]; vi != nil {
		return vi
	}
	vi := &vnetInfo{}
	var b builder
	for _, s := range v.Subnets {
		b.prefix(s.Prefix)
	}
	near := []*model.VNet{v}
	for _, p := range v.Peerings {
		if r := p.Remote.Target; r != nil {
			near = append(near, r)
			b.prefixes(r.AddressSpace)
		}
	}
	for _, s := range v.AddressSpace {
		vi.connected = append(vi.connected, named{"the cluster's VNet " + v.Name, s})
	}
	for _, r := range near[1:] {
		for _, s := range r.AddressSpace {
			vi.connected = append(vi.connected, named{"peered VNet " + r.Name, s})
		}
	}
	if pl.t != nil {
		for _, s := range pl.t.OnPrem.Sites {
			for _, p := range s.AddressSpace {
				vi.connected = append(vi.connected, named{"on-prem site " + s.Name, p})
			}
		}
		for _, c := range pl.t.Connections {
			ps := c.RemotePrefixes
			if len(ps) == 0 {
				ps = c.Remote.Prefixes()
			}
			for _, p := range ps {
				vi.connected = append(vi.connected, named{string(c.Type) + " connection " + c.Name, p})
			}
		}
		// Clusters in this VNet or a peered one: their pod and service
		// CIDRs must stay clear of every subnet here (a subnet over a
		// cluster's service CIDR fails its upgrades with
		// ServiceCidrOverlapExistingSubnetsCidr, aks-rules.md rule 3).
		for _, c := range pl.t.Azure.Clusters {
			cv := c.VNet()
			for _, n := range near {
				if cv == n {
					b.prefix(c.EffectiveServiceCIDR())
					b.prefix(c.EffectivePodCIDR())
					break
				}
			}
		}
	}
	for _, x := range kb.AKSReservedRanges {
		vi.connected = append(vi.connected, named{"AKS-reserved range", x})
	}
	for _, s := range pl.outside {
		b = append(b, s)
	}
	vi.avoid = b.set()
	pl.vnets[v] = vi
	return vi
}

// privateSpace is where new pod and service CIDRs are sought: RFC 1918 and
// RFC 6598, the ranges an overlay pod CIDR must come from
// (AKSD:concepts-network-azure-cni-overlay; aks-rules.md rule 6).
var privateSpace = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
}

func isPrivate(p netip.Prefix) bool {
	for _, s := range privateSpace {
		if s.Bits() <= p.Bits() && s.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

func (pl *Planner) propose(p netip.Prefix) {
	if s, ok := spanOf(p); ok {
		pl.proposed = pl.proposed.with(s)
	}
}
