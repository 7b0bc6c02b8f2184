package check

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/aksnet/aksnet/internal/dns"
	"github.com/aksnet/aksnet/internal/kb"
	"github.com/aksnet/aksnet/internal/model"
)

// Context is what every rule of a run shares: the topology and the engines
// and indexes built from it. Each is built once, on first use, by whichever
// rule asks first; rules running concurrently wait for it. Nothing in a
// Context is modified after it is built.
type Context struct {
	T   *model.Topology
	Now time.Time
	// Reload gives a fresh copy of the topology (Options.Reload), or nil.
	Reload func() (*model.Topology, error)

	dnsOnce sync.Once
	dns     *dns.Engine
	dnsErrs model.ErrorList

	idxOnce sync.Once
	idx     *index
}

// NewContext prepares a run over t. A zero now means time.Now().
func NewContext(t *model.Topology, now time.Time) *Context {
	if now.IsZero() {
		now = time.Now()
	}
	return &Context{T: t, Now: now}
}

// DNS returns the resolution engine of the topology with nothing down,
// built on first use and shared by every DNS rule of the run. The engine
// is read-only and safe for concurrent resolutions.
func (c *Context) DNS() *dns.Engine {
	c.dnsOnce.Do(func() { c.dns, c.dnsErrs = dns.New(c.T, nil, nil) })
	return c.dns
}

// DNSErrors returns what the engine could not build (a CoreDNS
// configuration it cannot read), after DNS has been called.
func (c *Context) DNSErrors() model.ErrorList {
	c.DNS()
	return c.dnsErrs
}

// index is the derived data the non-DNS rules share.
type index struct {
	clusters  []*clusterInfo
	byCluster map[*model.Cluster]*clusterInfo
	// uses lists who takes addresses from each subnet.
	uses map[*model.Subnet][]use
	// owners maps each address assigned in a VNet to what holds it.
	owners map[*model.VNet]map[netip.Addr]owner
	// peers holds every VNet each VNet is peered with, whichever side
	// declared the peering; side holds the declared sides.
	peers map[*model.VNet][]*model.VNet
	side  map[[2]*model.VNet]*model.Peering
	// gateways of each VNet, and the connections of each gateway.
	gateways    map[*model.VNet][]*model.VNetGateway
	connections map[*model.VNetGateway][]*model.Connection
	// subnetsOf lists the subnets each route table is attached to.
	subnetsOf map[*model.RouteTable][]*model.Subnet
	// firewalls and vms by address, for next hops.
	firewallAt map[netip.Addr]*model.Firewall
	vmAt       map[netip.Addr]*model.VM
	// ilbAt holds the static frontends of internal LoadBalancer Services.
	ilbAt map[netip.Addr]*lbService
}

// clusterInfo is a cluster with what its network profile implies.
type clusterInfo struct {
	c     *model.Cluster
	vnet  *model.VNet
	pools []*poolInfo
	// mode is the first pool's CNI mode; modeErr says why none applies.
	// byoCNI is networkPlugin none, which aksnet does not model.
	mode    kb.CNIMode
	props   kb.CNIProperties
	modeErr error
	byoCNI  bool
	// services of type LoadBalancer.
	lbs []*lbService
}

// poolInfo is a node pool with its sizes resolved.
type poolInfo struct {
	p *model.NodePool
	// nodes is N: the autoscaler's maximum when set, else the count
	// (aks-constraints.md §1.5 notation).
	nodes int
	// surge is S, the upgrade surge in nodes (default 1).
	surge int
	// maxPods is P with the mode's default; maxPodsSet says the pool
	// wrote it.
	maxPods    int
	maxPodsSet bool
	mode       kb.CNIMode
	props      kb.CNIProperties
	modeErr    error
}

// peak is N+S, the nodes a pool can have during an upgrade at full scale.
func (p *poolInfo) peak() int { return p.nodes + p.surge }

// lbService is a Service of type LoadBalancer with its Azure annotations
// read (aks-constraints.md §3.1; cloud-provider-azure loadbalancer.md).
type lbService struct {
	s        *model.Service
	cluster  *clusterInfo
	internal bool
	// subnetName is azure-load-balancer-internal-subnet; subnet is the
	// subnet the frontend takes its address from (that one, or the
	// cluster's first node pool subnet), nil when the name matches no
	// subnet of the cluster's VNet.
	subnetName string
	subnet     *model.Subnet
	// static holds the frontend addresses the Service asks for.
	static []netip.Addr
	// badStatic holds values that are not IP addresses.
	badStatic []string
}

// Azure annotations of Services (cloud-provider-azure loadbalancer.md;
// AKSD:internal-lb; AKSD:static-ip).
const (
	annPrefix         = "service.beta.kubernetes.io/"
	annInternal       = annPrefix + "azure-load-balancer-internal"
	annInternalSubnet = annPrefix + "azure-load-balancer-internal-subnet"
	annIPv4           = annPrefix + "azure-load-balancer-ipv4"
	annIPv6           = annPrefix + "azure-load-balancer-ipv6"
	annPLSCreate      = annPrefix + "azure-pls-create"
	annPLSSubnet      = annPrefix + "azure-pls-ip-configuration-subnet"
	annPLSIPCount     = annPrefix + "azure-pls-ip-configuration-ip-address-count"
	annPLSIPs         = annPrefix + "azure-pls-ip-configuration-ip-address"
)

// use is one consumer of a subnet's addresses.
type use struct {
	what string
	ips  int
	loc  model.Location
	kind useKind
}

type useKind int

const (
	useNodes useKind = iota + 1
	usePods
	useEndpoint
	useVM
	useILB
	useAPIServer
	useOther
)

// owner is what holds an address.
type owner struct {
	what string
	loc  model.Location
}

func (c *Context) index() *index {
	c.idxOnce.Do(func() { c.idx = buildIndex(c.T) })
	return c.idx
}

func buildIndex(t *model.Topology) *index {
	x := &index{
		byCluster:   map[*model.Cluster]*clusterInfo{},
		uses:        map[*model.Subnet][]use{},
		owners:      map[*model.VNet]map[netip.Addr]owner{},
		peers:       map[*model.VNet][]*model.VNet{},
		side:        map[[2]*model.VNet]*model.Peering{},
		gateways:    map[*model.VNet][]*model.VNetGateway{},
		connections: map[*model.VNetGateway][]*model.Connection{},
		subnetsOf:   map[*model.RouteTable][]*model.Subnet{},
		firewallAt:  map[netip.Addr]*model.Firewall{},
		vmAt:        map[netip.Addr]*model.VM{},
		ilbAt:       map[netip.Addr]*lbService{},
	}
	addUse := func(s *model.Subnet, u use) {
		if s != nil {
			x.uses[s] = append(x.uses[s], u)
		}
	}
	own := func(s *model.Subnet, ip netip.Addr, what string, at model.Location) {
		if s == nil || !ip.IsValid() {
			return
		}
		m := x.owners[s.VNet]
		if m == nil {
			m = map[netip.Addr]owner{}
			x.owners[s.VNet] = m
		}
		if _, taken := m[ip]; !taken {
			m[ip] = owner{what, at}
		}
	}

	for _, v := range t.Azure.VNets {
		for _, s := range v.Subnets {
			if rt := s.RouteTable.Target; rt != nil {
				x.subnetsOf[rt] = append(x.subnetsOf[rt], s)
			}
		}
		for _, p := range v.Peerings {
			w := p.Remote.Target
			if w == nil {
				continue
			}
			x.side[[2]*model.VNet{v, w}] = p
		}
	}
	// Peers in declaration order, once each, whichever side declared them.
	paired := map[[2]*model.VNet]bool{}
	pair := func(a, b *model.VNet) {
		if !paired[[2]*model.VNet{a, b}] {
			paired[[2]*model.VNet{a, b}] = true
			x.peers[a] = append(x.peers[a], b)
		}
	}
	for _, v := range t.Azure.VNets {
		for _, p := range v.Peerings {
			if w := p.Remote.Target; w != nil && w != v {
				pair(v, w)
				pair(w, v)
			}
		}
	}
	for _, g := range t.Azure.Gateways {
		if v := g.VNet.Target; v != nil {
			x.gateways[v] = append(x.gateways[v], g)
			if g.IP.IsValid() {
				for _, s := range v.Subnets {
					if s.Name == "GatewaySubnet" {
						own(s, g.IP, "gateway "+g.Name, g.Loc)
						addUse(s, use{"gateway " + g.Name, 1, g.Loc, useOther})
					}
				}
			}
		}
	}
	for _, cn := range t.Connections {
		if g := cn.Gateway.Target; g != nil {
			x.connections[g] = append(x.connections[g], cn)
		}
	}
	for _, f := range t.Azure.Firewalls {
		x.firewallAt[f.IP] = f
		own(f.Subnet.Target, f.IP, "firewall "+f.Name, f.Loc)
		addUse(f.Subnet.Target, use{"firewall " + f.Name, 1, f.Loc, useOther})
	}
	for _, vm := range t.Azure.VMs {
		x.vmAt[vm.IP] = vm
		own(vm.Subnet.Target, vm.IP, "vm "+vm.Name, vm.Loc)
		addUse(vm.Subnet.Target, use{"vm " + vm.Name, 1, vm.Loc, useVM})
	}
	for _, pe := range t.Azure.PrivateEndpoints {
		own(pe.Subnet.Target, pe.IP, "private endpoint "+pe.Name, pe.Loc)
		for _, m := range pe.Members {
			own(pe.Subnet.Target, m.IP, "private endpoint "+pe.Name+" member "+m.Name, m.Loc)
		}
		addUse(pe.Subnet.Target, use{"private endpoint " + pe.Name, 1 + len(pe.Members), pe.Loc, useEndpoint})
	}
	for _, r := range t.Azure.DNSResolvers {
		for _, e := range r.InboundEndpoints {
			own(e.Subnet.Target, e.IP, "inbound endpoint "+r.Name+"/"+e.Name, e.Loc)
			addUse(e.Subnet.Target, use{"inbound endpoint " + r.Name + "/" + e.Name, 1, e.Loc, useOther})
		}
		for _, e := range r.OutboundEndpoints {
			addUse(e.Subnet.Target, use{"outbound endpoint " + r.Name + "/" + e.Name, 1, e.Loc, useOther})
		}
	}
	for _, r := range t.Azure.Resources {
		if r.PrivateIP.IsValid() {
			own(r.DelegatedSubnet.Target, r.PrivateIP, "resource "+r.Name, r.Loc)
			addUse(r.DelegatedSubnet.Target, use{"resource " + r.Name, 1, r.Loc, useOther})
		}
	}

	for _, c := range t.Azure.Clusters {
		ci := newClusterInfo(c)
		x.clusters = append(x.clusters, ci)
		x.byCluster[c] = ci
		for _, p := range ci.pools {
			if ci.byoCNI {
				// A bring-your-own CNI's pods are its own; each node still
				// takes its NIC's address.
				addUse(p.p.Subnet.Target, use{fmt.Sprintf("node pool %s/%s: %d nodes", c.Name, p.p.Name, p.peak()), p.peak(), p.p.Loc, useNodes})
			}
			if p.modeErr != nil {
				continue
			}
			addUse(p.p.Subnet.Target, use{
				what: fmt.Sprintf("node pool %s/%s: %d nodes × %d", c.Name, p.p.Name, p.peak(), p.props.NodeSubnetIPsPerNode(p.maxPods)),
				ips:  p.peak() * p.props.NodeSubnetIPsPerNode(p.maxPods),
				loc:  p.p.Loc, kind: useNodes,
			})
			if ps := p.p.PodSubnet.Target; ps != nil {
				addUse(ps, use{what: fmt.Sprintf("pods of node pool %s/%s", c.Name, p.p.Name), ips: podSubnetIPs(p), loc: p.p.Loc, kind: usePods})
			}
		}
		a := &c.APIServer
		if a.PrivateIP.IsValid() && len(c.NodePools) > 0 {
			s := c.NodePools[0].Subnet.Target
			if a.VNetIntegrationSubnet.Target != nil {
				s = a.VNetIntegrationSubnet.Target
			}
			own(s, a.PrivateIP, "cluster "+c.Name+" API server", a.Loc)
		}
		switch {
		case a.VNetIntegrationSubnet.Target != nil:
			// AKS reserves at least nine addresses of the delegated subnet
			// (AKSD:api-server-vnet-integration).
			addUse(a.VNetIntegrationSubnet.Target, use{"API server of cluster " + c.Name, 9, a.Loc, useAPIServer})
		case a.Private && len(c.NodePools) > 0:
			// The API server's private endpoint is in the first node pool's
			// subnet (AKSD:private-clusters; aks-constraints.md §1.5).
			addUse(c.NodePools[0].Subnet.Target, use{"API server private endpoint of cluster " + c.Name, 1, a.Loc, useAPIServer})
		}
		ci.lbs = lbServices(ci)
		frontends := map[*model.Subnet]map[netip.Addr]bool{}
		dynamic := map[*model.Subnet]int{}
		for _, l := range ci.lbs {
			if !l.internal || l.subnet == nil {
				continue
			}
			if len(l.static) == 0 {
				dynamic[l.subnet]++
			}
			for _, ip := range l.static {
				if frontends[l.subnet] == nil {
					frontends[l.subnet] = map[netip.Addr]bool{}
				}
				frontends[l.subnet][ip] = true
				if x.ilbAt[ip] == nil {
					x.ilbAt[ip] = l
				}
			}
		}
		for s, n := range dynamic {
			addUse(s, use{fmt.Sprintf("internal load balancer frontends of cluster %s (dynamic)", c.Name), n, c.Loc, useILB})
		}
		for s, ips := range frontends {
			addUse(s, use{fmt.Sprintf("internal load balancer frontends of cluster %s (static)", c.Name), len(ips), c.Loc, useILB})
		}
	}
	return x
}

// errBYOCNI marks the pools of a cluster with networkPlugin none: aksnet
// does not model a bring-your-own CNI, so no CNI rule applies to them.
var errBYOCNI = errors.New("networkPlugin none (bring your own CNI) is not modelled")

func newClusterInfo(c *model.Cluster) *clusterInfo {
	ci := &clusterInfo{c: c, vnet: c.VNet(), byoCNI: c.NetworkPlugin == "none"}
	for _, p := range c.NodePools {
		pi := &poolInfo{p: p, nodes: max(p.Count, p.MaxCount), maxPods: p.MaxPods, maxPodsSet: p.MaxPods > 0}
		if s, err := p.Surge(); err == nil {
			pi.surge = s
		} else {
			pi.surge = 1 // a malformed surge is a load error; never reached
		}
		if ci.byoCNI {
			pi.modeErr = errBYOCNI
		} else {
			pi.mode, pi.modeErr = kb.ModeOf(string(c.NetworkPlugin), string(c.NetworkPluginMode), string(c.NetworkDataplane), p.PodSubnet.IsSet(), string(p.PodIPAllocationMode))
			if pi.modeErr == nil {
				pi.props, _ = kb.CNI(pi.mode)
				if !pi.maxPodsSet {
					pi.maxPods = pi.props.DefaultMaxPods
				}
			}
		}
		ci.pools = append(ci.pools, pi)
	}
	switch {
	case ci.byoCNI:
		ci.modeErr = errBYOCNI
	case len(ci.pools) == 0:
		ci.modeErr = fmt.Errorf("the cluster has no node pool")
	default:
		ci.mode, ci.props, ci.modeErr = ci.pools[0].mode, ci.pools[0].props, ci.pools[0].modeErr
	}
	return ci
}

// peakNodes is Σ(N+S) over the cluster's pools.
func (ci *clusterInfo) peakNodes() int {
	n := 0
	for _, p := range ci.pools {
		n += p.peak()
	}
	return n
}

// podSubnetIPs is what a pool takes from its pod subnet with every node
// full (aks-constraints.md §1.5; AKSD:concepts-network-azure-cni-pod-subnet).
// Dynamic allocation hands a node batches of 16 and asks for another
// whenever fewer than 8 of its addresses are free, so a node running P pods
// holds 16·ceil((P+8)/16) (the note's [DERIVED] worst case: 48 at P=30, 272
// at P=250). Static block allocation reserves ceil((P+1)/16) /28 blocks per
// node, one address being the node's.
func podSubnetIPs(p *poolInfo) int {
	const batch = kb.PodSubnetBatch
	if strings.EqualFold(string(p.p.PodIPAllocationMode), "StaticBlock") {
		if p.maxPods == 0 {
			return p.peak() * batch // no default documented: at least one block
		}
		return p.peak() * batch * ceilDiv(p.maxPods+1, batch)
	}
	return p.peak() * batch * ceilDiv(p.maxPods+kb.PodSubnetMinFree, batch)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// lbServices reads the cluster's Services of type LoadBalancer.
func lbServices(ci *clusterInfo) []*lbService {
	c := ci.c
	if c.Objects == nil {
		return nil
	}
	var out []*lbService
	for _, s := range c.Objects.Services {
		if s.Service == nil || s.Spec.Type != "LoadBalancer" {
			continue
		}
		l := &lbService{s: s, cluster: ci, internal: strings.EqualFold(s.Annotations[annInternal], "true")}
		for _, v := range []string{s.Annotations[annIPv4], s.Annotations[annIPv6], s.Spec.LoadBalancerIP} {
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			if ip, err := netip.ParseAddr(v); err == nil {
				if !containsAddr(l.static, ip) {
					l.static = append(l.static, ip)
				}
			} else {
				l.badStatic = append(l.badStatic, v)
			}
		}
		l.subnetName = strings.TrimSpace(s.Annotations[annInternalSubnet])
		switch {
		case l.subnetName != "" && ci.vnet != nil:
			for _, sn := range ci.vnet.Subnets {
				if sn.Name == l.subnetName {
					l.subnet = sn
				}
			}
		case l.subnetName == "" && len(c.NodePools) > 0:
			// Frontends come from the cluster subnet unless the annotation
			// names another (AKSD:internal-lb).
			l.subnet = c.NodePools[0].Subnet.Target
		}
		out = append(out, l)
	}
	return out
}

// netRange is an address range some network holds, for overlap rules.
type netRange struct {
	prefix netip.Prefix
	what   string
	loc    model.Location
}

// connected lists the ranges of the networks directly connected to v:
// its peered VNets (either side declared) and the remote ends of VPN and
// ExpressRoute connections of v's gateways, or of the gateways v uses
// through a peering with useRemoteGateways (aks-constraints.md §1.3 "peered
// VNets, ExpressRoute, VPN"; §4 gateway transit).
func (x *index) connected(v *model.VNet) []netRange {
	var out []netRange
	gws := append([]*model.VNetGateway(nil), x.gateways[v]...)
	for _, w := range x.peers[v] {
		loc := w.Loc
		if p := x.side[[2]*model.VNet{v, w}]; p != nil {
			loc = p.Loc
		}
		for _, p := range w.AddressSpace {
			out = append(out, netRange{p, "peered vnet " + w.Name, loc})
		}
		if p := x.side[[2]*model.VNet{v, w}]; p != nil && p.UseRemoteGateways {
			gws = append(gws, x.gateways[w]...)
		}
	}
	for _, g := range gws {
		for _, cn := range x.connections[g] {
			pfx := cn.RemotePrefixes
			if len(pfx) == 0 {
				pfx = cn.Remote.Prefixes()
			}
			for _, p := range pfx {
				out = append(out, netRange{p, fmt.Sprintf("%s (connection %s)", remoteName(cn), cn.Name), cn.Loc})
			}
		}
	}
	return out
}

func remoteName(cn *model.Connection) string {
	if cn.Remote.Scheme == "site" {
		return "site " + cn.Remote.Site.Name
	}
	return "vpc " + cn.Remote.VPC.Name
}

// connectedBothWays reports whether a and b are peered with both sides
// declared, the only state in which a peering carries traffic
// (aks-constraints.md §4).
func (x *index) connectedBothWays(a, b *model.VNet) bool {
	return x.side[[2]*model.VNet{a, b}] != nil && x.side[[2]*model.VNet{b, a}] != nil
}

// vnetOf returns the VNet whose address space holds ip, or nil.
func vnetOf(t *model.Topology, ip netip.Addr) *model.VNet {
	for _, v := range t.Azure.VNets {
		for _, p := range v.AddressSpace {
			if p.Contains(ip) {
				return v
			}
		}
	}
	return nil
}

func contains[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func containsAddr(s []netip.Addr, a netip.Addr) bool { return contains(s, a) }

// usable is the number of addresses Azure lets resources use in a subnet:
// 2^(32−p) − 5 for IPv4 (aks-constraints.md §1.4; AZD:virtual-networks-faq).
func usable(p netip.Prefix) int {
	if !p.Addr().Is4() {
		return 1 << 30 // a /64: more than any estate uses
	}
	n := 1<<(32-p.Bits()) - kb.AzureReservedIPsPerSubnet
	return max(n, 0)
}

// overlapping returns the ranges of rs that overlap p.
func overlapping(p netip.Prefix, rs []netRange) []netRange {
	var out []netRange
	for _, r := range rs {
		if r.prefix.IsValid() && p.IsValid() && r.prefix.Overlaps(p) {
			out = append(out, r)
		}
	}
	return out
}
