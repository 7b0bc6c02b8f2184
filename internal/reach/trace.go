package reach

import (
	"fmt"
	"net/netip"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/aksnet/aksnet/internal/model"
	"github.com/aksnet/aksnet/internal/netpol"
)

// Hop is one step of a reach answer: what the packet met and what it
// decided, with where that is declared.
type Hop struct {
	// Step is dns, source, route, nva, peering, gateway, nsg, policy,
	// service, apiserver, resource, internet or arrive.
	Step string `json:"step"`
	What string `json:"what"`
	// Verdict is pass, block or note.
	Verdict string         `json:"verdict"`
	Loc     model.Location `json:"location,omitzero"`
}

// Answer is a reach query's result.
type Answer struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Addr      string `json:"address,omitempty"`
	Reachable bool   `json:"reachable"`
	Hops      []Hop  `json:"hops"`
	// Fix says what would open the path, when aksnet knows.
	Fix string `json:"fix,omitempty"`
}

// Resolution is what the DNS engine answered for a name from a vantage.
type Resolution struct {
	Addrs []netip.Addr
	// Name is the fully qualified name that answered
	// (api.backend.svc.cluster.local.), empty on failure.
	Name string
	// Failure says why the name did not resolve, with Loc its cause.
	Failure string
	Loc     model.Location
}

// Resolver resolves a name from a vantage. The DNS engine (internal/dns)
// provides it; reach cannot import dns, which imports reach.
type Resolver func(v model.Vantage, name string) (Resolution, error)

// PendingCauses returns why a LoadBalancer Service's frontend would never
// be created (its EXTERNAL-IP stays <pending>), each as a blocking hop; the
// design checks (internal/check, rules LB002–LB005, aks-rules.md 28–31)
// provide it.
type PendingCauses func(c *model.Cluster, s *model.Service) []Hop

// Engine answers reach queries over one topology.
type Engine struct {
	t       *model.Topology
	nets    *Networks
	resolve Resolver
	// Pending, when set, explains LoadBalancer Services that stay pending.
	Pending  PendingCauses
	subnets  map[int]map[netip.Prefix]*model.Subnet
	lens     []int
	policies map[*model.Cluster]*netpol.Analyzer
}

// NewEngine prepares queries over t; nets are its networks (the DNS
// engine's, so both see the same connections cut) and resolve its names.
func NewEngine(t *model.Topology, nets *Networks, resolve Resolver) *Engine {
	e := &Engine{t: t, nets: nets, resolve: resolve, subnets: map[int]map[netip.Prefix]*model.Subnet{},
		policies: map[*model.Cluster]*netpol.Analyzer{}}
	for _, v := range t.Azure.VNets {
		for _, s := range v.Subnets {
			p := s.Prefix.Masked()
			m := e.subnets[p.Bits()]
			if m == nil {
				m = map[netip.Prefix]*model.Subnet{}
				e.subnets[p.Bits()] = m
				e.lens = append(e.lens, p.Bits())
			}
			if _, dup := m[p]; !dup {
				m[p] = s
			}
		}
	}
	return e
}

// SubnetOf returns the Azure subnet holding a, nil when none does.
func (e *Engine) SubnetOf(a netip.Addr) *model.Subnet {
	var best *model.Subnet
	for _, l := range e.lens {
		if p, err := a.Prefix(l); err == nil {
			if s, ok := e.subnets[l][p]; ok && (best == nil || l > best.Prefix.Bits()) {
				best = s
			}
		}
	}
	return best
}

// source is where a query starts.
type source struct {
	addr    netip.Addr
	subnet  *model.Subnet
	cluster *model.Cluster
	pol     *netpol.Analyzer
	peer    netpol.Peer
	pod     bool
}

// query carries one evaluation.
type query struct {
	e    *Engine
	v    model.Vantage
	t    Target
	src  source
	ans  *Answer
	addr netip.Addr
}

func (q *query) hop(step, verdict string, loc model.Location, format string, args ...any) {
	q.ans.Hops = append(q.ans.Hops, Hop{Step: step, What: fmt.Sprintf(format, args...), Verdict: verdict, Loc: loc})
}

func (q *query) block(step string, loc model.Location, fix, format string, args ...any) *Answer {
	q.hop(step, "block", loc, format, args...)
	q.ans.Reachable = false
	if q.ans.Fix == "" {
		q.ans.Fix = fix
	}
	return q.ans
}

// Reach answers whether v opens a connection to t, hop by hop. An error is
// a usage error: an unknown vantage, cluster or service.
func (e *Engine) Reach(v model.Vantage, t Target) (*Answer, error) {
	q := &query{e: e, v: v, t: t, ans: &Answer{From: v.String(), To: t.String(), Reachable: true}}
	if err := q.source(); err != nil {
		return nil, err
	}
	switch {
	case t.Service != "":
		return q.toService()
	case t.Addr.IsValid():
		q.addr = t.Addr
	default:
		res, err := e.resolve(v, t.Host)
		if err != nil {
			return nil, err
		}
		var v4 []netip.Addr
		for _, a := range res.Addrs {
			if a.Is4() {
				v4 = append(v4, a)
			}
		}
		if len(v4) == 0 {
			why := res.Failure
			if why == "" {
				why = "no IPv4 address"
			}
			return q.block("dns", res.Loc, "make the name resolve from this vantage first: aksnet resolve "+t.Host+" --from "+v.String(),
				"%s does not resolve from %s: %s", t.Host, v, why), nil
		}
		q.addr = v4[0]
		q.hop("dns", "pass", res.Loc, "%s resolves to %s", strings.TrimSuffix(firstNonEmpty(res.Name, t.Host), "."), addrList(v4))
		if c, s := q.serviceByName(res.Name); s != nil {
			return q.toClusterIP(c, s)
		}
	}
	q.ans.Addr = q.addr.String()
	return q.toAddr()
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func addrList(as []netip.Addr) string {
	var s []string
	for _, a := range as {
		s = append(s, a.String())
	}
	return strings.Join(s, ", ")
}

// source places the vantage: its address, subnet and, for a pod, its
// workload for the policy engine.
func (q *query) source() error {
	e, v := q.e, q.v
	switch v.Kind {
	case model.VantageInternet:
		q.hop("source", "note", model.Location{}, "a client on the internet")
		return nil
	case model.VantageVM:
		if vm := model.Lookup[model.VM](e.t, v.Name); vm != nil {
			q.src = source{addr: vm.IP, subnet: vm.Subnet.Target}
			q.hop("source", "note", vm.Loc, "vm %s (%s) in subnet %s", vm.Name, vm.IP, vm.Subnet.Name)
			return nil
		}
		if i := model.Lookup[model.EC2Instance](e.t, v.Name); i != nil {
			q.src = source{addr: i.IP}
			q.hop("source", "note", i.Loc, "EC2 instance %s (%s)", i.Name, i.IP)
			return nil
		}
		return fmt.Errorf("vantage %s: no VM or EC2 instance %q in the topology (see aksnet vantages)", v, v.Name)
	case model.VantageHost:
		if v.Name != "" {
			if h := model.Lookup[model.Host](e.t, v.Site+"/"+v.Name); h != nil {
				q.src = source{addr: h.IP}
				q.hop("source", "note", h.Loc, "host %s/%s (%s) on-premises", v.Site, h.Name, h.IP)
				return nil
			}
			return fmt.Errorf("vantage %s: no host %q at site %q (see aksnet vantages)", v, v.Name, v.Site)
		}
		if s := model.Lookup[model.Site](e.t, v.Site); s != nil && len(s.AddressSpace) > 0 {
			q.src = source{addr: s.AddressSpace[0].Addr().Next()}
			q.hop("source", "note", s.Loc, "a host of site %s (%s)", s.Name, q.src.addr)
			return nil
		}
		return fmt.Errorf("vantage %s: no site %q in the topology (see aksnet vantages)", v, v.Site)
	}
	c := model.Lookup[model.Cluster](e.t, v.Cluster)
	if c == nil {
		return fmt.Errorf("vantage %s: no cluster %q in the topology (see aksnet vantages)", v, v.Cluster)
	}
	if len(c.NodePools) == 0 || c.NodePools[0].Subnet.Target == nil {
		return fmt.Errorf("vantage %s: cluster %s has no node pool subnet", v, c.Name)
	}
	sub := c.NodePools[0].Subnet.Target
	// A node's address: the first one Azure hands out in the subnet, as
	// the DNS engine places it (Azure reserves the first four).
	node := sub.Prefix.Masked().Addr()
	for range 4 {
		node = node.Next()
	}
	q.src = source{addr: node, subnet: sub, cluster: c}
	if v.Kind == model.VantageNode {
		q.hop("source", "note", c.Loc, "a node of cluster %s (%s) in subnet %s", c.Name, node, sub.ID())
		return nil
	}
	a, err := q.e.analyzer(c)
	if err != nil {
		return err
	}
	ref := v.Namespace + "/" + v.Pod
	if v.Pod == "" {
		return fmt.Errorf("vantage %s: name the pod, pod:%s/%s/POD: policies select pods by their labels", v, c.Name, v.Namespace)
	}
	w, err := a.Lookup(ref)
	if err != nil {
		return fmt.Errorf("vantage %s: %v", v, err)
	}
	q.src.pol, q.src.peer, q.src.pod = a, a.WorkloadPeer(w), true
	how := "its traffic leaves the VNet from its node's address (Azure CNI Overlay and kubenet SNAT pod traffic to the node IP, azure-cni-overlay)"
	if !c.UsesPodCIDR() {
		how = "Azure CNI gives it an address of the VNet"
		if ps := c.NodePools[0].PodSubnet.Target; ps != nil {
			q.src.subnet = ps
		}
	}
	q.hop("source", "note", w.Loc, "pod %s of cluster %s, node subnet %s; %s", w, c.Name, sub.ID(), how)
	return nil
}

// analyzer builds a cluster's policy analyzer once.
func (e *Engine) analyzer(c *model.Cluster) (*netpol.Analyzer, error) {
	if a, ok := e.policies[c]; ok {
		return a, nil
	}
	objs := c.Objects
	if objs == nil {
		objs = &model.KubeObjects{}
	}
	opts, _ := netpol.OptionsFor(c)
	a, errs := netpol.New(objs, opts)
	if len(errs) > 0 {
		return nil, fmt.Errorf("cluster %s: network policies: %v", c.Name, errs[0])
	}
	e.policies[c] = a
	return a, nil
}

// protocol maps the query's protocol for the policy engine.
func (q *query) protocol() netpol.Protocol {
	p, _ := netpol.ParseProtocol(q.t.Proto)
	return p
}

// policies evaluates both ends' network policies: the source pod's egress
// and the destination pods' ingress (network-policy.md §1: a connection
// needs both). dst is the destination's peer in cluster c (nil analyzer
// when the destination is no pod).
func (q *query) policies(dstPol *netpol.Analyzer, dst netpol.Peer, viaService bool) bool {
	pol := dstPol
	if pol == nil {
		pol = q.src.pol
	}
	if pol == nil {
		return true
	}
	src := q.src.peer
	if !q.src.pod || q.src.pol != pol {
		src = pol.AddrPeer(q.src.addr)
	}
	if q.src.pod && q.src.pol != pol {
		// Different clusters: the source's egress is judged in its own.
		v := q.src.pol.Check(netpol.Query{Src: q.src.peer, Dst: q.src.pol.AddrPeer(q.addr), Proto: q.protocol(), Port: int32(q.t.Port)})
		if !q.side(v.Egress) {
			return false
		}
	}
	v := pol.Check(netpol.Query{Src: src, Dst: dst, Proto: q.protocol(), Port: int32(q.t.Port), ViaService: viaService})
	if q.src.pod && q.src.pol == pol && !q.side(v.Egress) {
		return false
	}
	return q.side(v.Ingress)
}

// side reports one side's verdict as a hop.
func (q *query) side(s netpol.Side) bool {
	subject := s.Subject
	if subject == "" {
		subject = "the address"
	}
	var loc model.Location
	var by []string
	for _, r := range s.Rules {
		by = append(by, r.String())
		if loc.IsZero() {
			loc = r.Loc
		}
	}
	if !s.Allowed {
		for _, r := range s.Isolating {
			by = append(by, "isolated by "+r.String())
			if loc.IsZero() {
				loc = r.Loc
			}
		}
		fix := ""
		for _, r := range s.Nearly {
			fix = fmt.Sprintf("%s at %s nearly allows it (it does not match the %s)", r.String(), r.Loc, r.Miss)
			break
		}
		if fix == "" {
			fix = fmt.Sprintf("add a NetworkPolicy rule allowing %s/%d on the %s of %s", strings.ToUpper(q.t.Proto), q.t.Port, s.Direction, subject)
		}
		q.block("policy", loc, fix, "%s of %s denies (%s tier): %s", s.Direction, subject, s.Tier, joinOr(by, s.Reason))
		return false
	}
	q.hop("policy", "pass", loc, "%s of %s allows (%s tier): %s", s.Direction, subject, s.Tier, joinOr(by, s.Reason))
	return true
}

func joinOr(list []string, alt string) string {
	if len(list) == 0 {
		return alt
	}
	return strings.Join(list, "; ")
}

// toAddr follows the packet to an address, then applies what is there.
func (q *query) toAddr() (*Answer, error) {
	e, dst := q.e, q.addr
	// A cluster's API server.
	for _, c := range e.t.Azure.Clusters {
		if c.APIServer.PrivateIP.IsValid() && c.APIServer.PrivateIP == dst {
			q.hop("apiserver", "note", c.APIServer.Loc, "%s is the private endpoint of cluster %s's API server", dst, c.Name)
			if !q.l3() {
				return q.ans, nil
			}
			if q.t.Port != 443 {
				return q.block("apiserver", c.APIServer.Loc, "use port 443", "the API server listens on 443/tcp only"), nil
			}
			return q.arrive("the API server of cluster %s", c.Name), nil
		}
		if c.APIServer.PublicIP.IsValid() && c.APIServer.PublicIP == dst {
			return q.toPublicAPI(c)
		}
	}
	// A PaaS resource's public address.
	for _, r := range e.t.Azure.Resources {
		if r.PublicIP.IsValid() && r.PublicIP == dst {
			if !q.l3() {
				return q.ans, nil
			}
			if r.PublicNetworkAccess == "Disabled" {
				return q.block("resource", r.Loc,
					"resolve the name to the resource's private endpoint from this vantage (aksnet resolve explains why it does not)",
					"reaches the public address of %s %s, which is refused: public network access is disabled", r.Type, r.Name), nil
			}
			return q.arrive("%s %s on its public endpoint", r.Type, r.Name), nil
		}
	}
	// A LoadBalancer Service's frontend.
	for _, c := range e.t.Azure.Clusters {
		if c.Objects == nil {
			continue
		}
		for _, s := range c.Objects.Services {
			if s.Spec.Type != corev1.ServiceTypeLoadBalancer {
				continue
			}
			for _, ip := range frontendIPs(s) {
				if ip == dst {
					return q.throughLB(c, s)
				}
			}
		}
	}
	// A pod address: an overlay or kubenet pod CIDR is not routed outside
	// its cluster (azure-cni-overlay: pods are not reachable from outside
	// the cluster by their pod IP).
	for _, c := range e.t.Azure.Clusters {
		if p := c.EffectivePodCIDR(); p.IsValid() && p.Contains(dst) {
			if q.src.cluster != c {
				return q.block("route", c.Loc, "reach the pods through a Service (internal LoadBalancer) instead",
					"%s is a pod address of cluster %s (pod CIDR %s), which is not routable outside the cluster", dst, c.Name, p), nil
			}
			a, err := e.analyzer(c)
			if err != nil {
				return nil, err
			}
			q.hop("route", "pass", c.Loc, "within cluster %s's pod network", c.Name)
			if !q.policies(a, a.AddrPeer(dst), false) {
				return q.ans, nil
			}
			return q.arrive("pod %s", dst), nil
		}
		if q.src.cluster == c && c.EffectiveServiceCIDR().Contains(dst) {
			if s := serviceByIP(c, dst); s != nil {
				return q.toClusterIP(c, s)
			}
			return q.block("service", c.Loc, "", "no Service of cluster %s has ClusterIP %s", c.Name, dst), nil
		}
	}
	if !q.l3() {
		return q.ans, nil
	}
	for _, pe := range e.t.Azure.PrivateEndpoints {
		if pe.IP == dst {
			return q.arrive("private endpoint %s of %s", pe.Name, pe.Resource.Name), nil
		}
	}
	// A destination pod with a VNet address (Azure CNI): its ingress.
	for _, c := range e.t.Azure.Clusters {
		if c.UsesPodCIDR() || c.Objects == nil {
			continue
		}
		a, err := e.analyzer(c)
		if err != nil {
			return nil, err
		}
		if p := a.AddrPeer(dst); p.IsWorkload() {
			if !q.policies(a, p, false) {
				return q.ans, nil
			}
			return q.arrive("pod of %s", p.Workload()), nil
		}
	}
	if q.src.pod && !q.policies(nil, q.src.pol.AddrPeer(dst), false) {
		return q.ans, nil
	}
	return q.arrive("%s", dst), nil
}

func (q *query) arrive(format string, args ...any) *Answer {
	q.hop("arrive", "pass", model.Location{}, "arrives at "+format, args...)
	return q.ans
}
