package dns

import (
	"fmt"
	"net/netip"
	"sync"

	"github.com/aksnet/aksnet/internal/model"
	"github.com/aksnet/aksnet/internal/reach"
)

// server is anything that answers DNS at an address.
type server interface {
	Resolve(q Question, up *Upstream, tr *Trace) Reply
}

// Engine resolves names in one estate. It is built once per topology and is
// read-only afterwards, so resolutions may run concurrently.
type Engine struct {
	t         *model.Topology
	public    *Public
	nets      *reach.Networks
	azure     map[*model.VNet]*AzureDNS
	route53   map[*model.VPC]*Route53Resolver
	listeners map[netip.Addr]server // DNS servers reachable at an address
	coredns   map[*model.Cluster]*CoreDNS
	names     map[netip.Addr]string // what listens there, for traces
	down      map[netip.Addr]bool
	sameView  map[server]server // an Azure DNS → the first with the same view (memo keys)
	memo      memo              // askKey → Reply: untraced answers
	routes    sync.Map          // routeKey → server (nil: times out)
	rcs       sync.Map          // model.Vantage → *model.ResolvConf

	endpointsOnce sync.Once
	endpoints     map[string][]*model.PrivateEndpoint // name → endpoints (Expect)
}

// maxDepth bounds nested queries (forwards of forwards): deeper is a loop.
const maxDepth = 12

// New builds the engine. down names servers (by address) and connections
// (by name) to treat as failed: a down server never answers, a down
// connection carries nothing.
func New(t *model.Topology, downAddrs []netip.Addr, downConnections []string) (*Engine, model.ErrorList) {
	pub, errs := NewPublic(t)
	e := &Engine{
		t: t, public: pub,
		nets:      reach.New(t, downConnections),
		azure:     map[*model.VNet]*AzureDNS{},
		route53:   map[*model.VPC]*Route53Resolver{},
		listeners: map[netip.Addr]server{},
		names:     map[netip.Addr]string{},
		down:      map[netip.Addr]bool{},
		coredns:   map[*model.Cluster]*CoreDNS{},
		sameView:  map[server]server{},
	}
	for _, a := range downAddrs {
		e.down[a] = true
	}
	pz := buildPrivateZones(t)
	views := map[string]*AzureDNS{}
	for _, v := range t.Azure.VNets {
		a := newAzureDNS(t, v, pz)
		e.azure[v] = a
		if views[a.view] == nil {
			views[a.view] = a
		}
		e.sameView[a] = views[a.view]
	}
	for _, r := range t.Azure.DNSResolvers {
		for _, in := range r.InboundEndpoints {
			if v := r.VNet.Target; v != nil {
				e.listen(in.IP, e.azure[v], fmt.Sprintf("inbound endpoint %s/%s (Azure DNS of vnet %s)", r.Name, in.Name, v.Name))
			}
		}
	}
	for _, v := range t.AWS.VPCs {
		r := newRoute53Resolver(t, v)
		e.route53[v] = r
		if v.DNSSupport() {
			e.listen(v.ResolverIP(), r, "Amazon DNS server of vpc "+v.Name)
		}
	}
	for _, ep := range t.AWS.ResolverEndpoints {
		if ep.Direction != "INBOUND" {
			continue
		}
		for _, ip := range ep.IPs {
			if s := ip.Subnet.Target; s != nil {
				e.listen(ip.IP, e.route53[s.VPC], fmt.Sprintf("Route 53 inbound endpoint %s (vpc %s)", ep.Name, s.VPC.Name))
			}
		}
	}
	for _, vm := range t.Azure.VMs {
		if vm.DNS != nil {
			e.listen(vm.IP, newCustomDNS("DNS server on vm "+vm.Name, vm.IP, vm.DNS), "DNS server on vm "+vm.Name)
		}
	}
	for _, i := range t.AWS.Instances {
		if i.DNS != nil {
			e.listen(i.IP, newCustomDNS("DNS server on instance "+i.Name, i.IP, i.DNS), "DNS server on instance "+i.Name)
		}
	}
	for _, s := range t.OnPrem.Sites {
		for _, h := range s.Hosts {
			if h.DNS != nil {
				name := fmt.Sprintf("DNS server on host %s/%s", s.Name, h.Name)
				e.listen(h.IP, newCustomDNS(name, h.IP, h.DNS), name)
			}
		}
	}
	// CoreDNS listens on each cluster's DNS service IP, which only that
	// cluster's pods and nodes reach (service CIDRs repeat across clusters),
	// so it is not a global listener.
	for _, c := range t.Azure.Clusters {
		node, err := e.addrOf(model.Vantage{Kind: model.VantageNode, Cluster: c.Name})
		if err != nil {
			continue
		}
		d, derrs := newCoreDNS(t, c, node)
		errs = append(errs, derrs...)
		e.coredns[c] = d
	}
	for _, f := range t.Azure.Firewalls {
		if f.DNSProxy {
			e.listen(f.IP, &dnsProxy{name: "DNS proxy of firewall " + f.Name, addr: f.IP, upstreams: f.DNSServers}, "DNS proxy of firewall "+f.Name)
		}
	}
	return e, errs
}

func (e *Engine) listen(a netip.Addr, s server, name string) {
	e.listeners[a] = s
	e.names[a] = name
}

// session is one resolution: its trace and how deep the queries nest.
type session struct {
	e     *Engine
	tr    *Trace
	depth int
	up    Upstream
	// limited is set when a query hit maxDepth: answers computed under it
	// depend on how deep they were asked and must not be memoised.
	limited bool
}

func (e *Engine) session(tr *Trace) *session {
	s := &session{e: e, tr: tr}
	s.up = Upstream{
		Public: func(q Question, tr *Trace) Reply { return e.publicAnswer(q, tr) },
		Forward: func(from netip.Addr, targets []model.AddrPort, q Question, tr *Trace) Reply {
			for _, t := range targets {
				if r := s.ask(from, t.Addr(), q); r.RCode != Timeout {
					return r
				}
			}
			tr.add("forwarder", q, ServFail, model.Location{}, "every target timed out: SERVFAIL")
			return Reply{RCode: ServFail}
		},
	}
	return s
}

// Ask sends q from src to the DNS server at dst, as a packet would go, and
// returns what comes back: Timeout when nothing can answer.
func (e *Engine) Ask(src, dst netip.Addr, q Question, tr *Trace) Reply {
	return e.session(tr).ask(src, dst, q)
}

func (s *session) ask(src, dst netip.Addr, q Question) Reply {
	e, tr := s.e, s.tr
	if s.depth >= maxDepth {
		s.limited = true
		tr.add(e.describe(dst), q, ServFail, model.Location{}, "queries nested %d deep: a forwarding loop", maxDepth)
		return Reply{RCode: ServFail}
	}
	if tr != nil {
		at := e.locate(src, dst)
		if at.srv == nil {
			tr.add(e.describe(dst), q, Timeout, model.Location{}, "%s", at.fail)
			return Reply{RCode: Timeout}
		}
		mark := tr.open(e.describe(dst), q, "asked by "+src.String()+" via "+at.how)
		tr.in()
		r := s.serve(at.srv, q)
		tr.out()
		tr.close(mark, r.RCode)
		return r
	}
	// Untraced answers are memoised. The engine is read-only, and once the
	// packet has arrived a server's answer depends only on the server and
	// the question — no DNS server here keeps views by client address;
	// Azure DNS's view is its VNet's, and 168.63.129.16 is a different
	// server in each VNet — so every asker that reaches a server shares its
	// answers, and so do Azure DNS servers with the same view. Whether the
	// asker reaches a server is memoised apart, per network.
	srv := e.locateCached(src, dst)
	if srv == nil {
		return Reply{RCode: Timeout}
	}
	key := askKey{srv: srv, q: q}
	if same, ok := e.sameView[srv]; ok {
		key.srv = same
	}
	if r, ok := e.memo.load(key); ok {
		return r
	}
	outer := s.limited
	s.limited = false
	r := s.serve(srv, q)
	if !s.limited {
		e.memo.store(key, r)
	}
	s.limited = s.limited || outer
	return r
}

// askKey identifies a memoised answer.
type askKey struct {
	srv server
	q   Question
}

// serve lets srv answer q one level deeper.
func (s *session) serve(srv server, q Question) Reply {
	s.depth++
	r := srv.Resolve(q, &s.up, s.tr)
	s.depth--
	return r
}

// arrival is where a query from some address to a DNS server's address
// ends up: the server that answers it and the way there, or why nothing
// answers (srv nil: the asker waits until it times out).
type arrival struct {
	srv  server
	how  string
	fail string
}

// routeKey identifies a memoised arrival: the asker's network decides.
type routeKey struct {
	net reach.Network
	dst netip.Addr
}

// locateCached is locate, memoised per asking network.
func (e *Engine) locateCached(src, dst netip.Addr) server {
	key := routeKey{e.nets.Of(src), dst}
	if v, ok := e.routes.Load(key); ok {
		srv, _ := v.(server) // nil when nothing answers
		return srv
	}
	srv := e.locate(src, dst).srv
	e.routes.Store(key, srv)
	return srv
}

// locate carries a query from src to dst and finds the server there.
func (e *Engine) locate(src, dst netip.Addr) arrival {
	if e.down[dst] {
		return arrival{fail: "the server is down"}
	}
	switch dst {
	case model.AzureDNS:
		// 168.63.129.16 is a virtual address of the host, in every VNet and
		// only there; it is not routed (azure-aws-dns.md §1.1).
		n := e.nets.Of(src)
		if n.VNet == nil {
			return arrival{fail: fmt.Sprintf("%s is in %s: Azure DNS answers only inside an Azure VNet", src, n)}
		}
		return arrival{srv: e.azure[n.VNet], how: "the host's virtual address in vnet " + n.VNet.Name}
	case model.AWSLinkLocalResolver:
		n := e.nets.Of(src)
		if n.VPC == nil || !n.VPC.DNSSupport() {
			return arrival{fail: fmt.Sprintf("%s is in %s: the Amazon DNS server's link-local address answers only inside a VPC with DNS support", src, n)}
		}
		return arrival{srv: e.route53[n.VPC], how: "link-local in vpc " + n.VPC.Name}
	}
	srv := e.listeners[dst]
	if srv == nil {
		return arrival{fail: fmt.Sprintf("nothing in the topology answers DNS at %s", dst)}
	}
	if r, ok := srv.(*Route53Resolver); ok && dst == r.VPC.ResolverIP() && e.nets.Of(src).VPC != r.VPC {
		// The VPC+2 resolver answers only queries from inside its VPC;
		// other networks use Resolver inbound endpoints (§7).
		return arrival{fail: fmt.Sprintf("the Amazon DNS server answers only inside vpc %s; use a Resolver inbound endpoint", r.VPC.Name)}
	}
	ok, path := e.nets.Path(src, dst)
	if !ok {
		return arrival{fail: path}
	}
	return arrival{srv: srv, how: path}
}

func (e *Engine) describe(a netip.Addr) string {
	if n, ok := e.names[a]; ok {
		return n + " (" + a.String() + ")"
	}
	if a == model.AzureDNS {
		return "Azure DNS (168.63.129.16)"
	}
	return a.String()
}

// dnsProxy is Azure Firewall's DNS proxy: it forwards every query to its
// DNS servers, or to Azure DNS of its VNet when none are set.
type dnsProxy struct {
	name      string
	addr      netip.Addr
	upstreams []netip.Addr
}

func (p *dnsProxy) Resolve(q Question, up *Upstream, tr *Trace) Reply {
	targets := []model.AddrPort{{AddrPort: netip.AddrPortFrom(model.AzureDNS, 53)}}
	if len(p.upstreams) > 0 {
		targets = targets[:0]
		for _, a := range p.upstreams {
			targets = append(targets, model.AddrPort{AddrPort: netip.AddrPortFrom(a, 53)})
		}
	}
	tr.add(p.name, q, NoError, model.Location{}, "forwards to %s", targetsString(targets))
	return up.Forward(p.addr, targets, q, tr)
}
