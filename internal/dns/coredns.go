package dns

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"

	"github.com/aksnet/aksnet/internal/corefile"
	"github.com/aksnet/aksnet/internal/model"
)

// CoreDNS is a cluster's CoreDNS: the AKS default Corefile with the
// cluster's coredns-custom, run plugin by plugin in CoreDNS's execution
// order over the block that serves the name. Its pods use dnsPolicy
// Default, so `forward . /etc/resolv.conf` goes to the node's DNS servers,
// from a node's address (kubernetes-dns.md §3).
type CoreDNS struct {
	cluster  *model.Cluster
	name     string
	cfg      *corefile.Config
	node     netip.Addr   // where forwarded queries leave from
	upstream []netip.Addr // the node's resolv.conf nameservers
	k8s      *kubeData
	soas     sync.Map // soaKey → *SOA: negative answers share their SOA
}

type soaKey struct {
	zone string
	ttl  uint32
}

func newCoreDNS(t *model.Topology, c *model.Cluster, node netip.Addr) (*CoreDNS, model.ErrorList) {
	cfg, errs := corefile.Load(corefile.AKSDefault(), c.CoreDNSCustom, c.CoreDNSCustomLoc, c.Loc)
	d := &CoreDNS{cluster: c, name: "CoreDNS of cluster " + c.Name, cfg: cfg, node: node, k8s: newKubeData(c)}
	if rc, err := t.ResolvConf(model.Vantage{Kind: model.VantageNode, Cluster: c.Name}); err == nil {
		d.upstream = rc.Nameservers
	}
	return d, errs
}

// Resolve answers q as CoreDNS does. The kubernetes plugin follows an
// ExternalName's CNAME itself, through CoreDNS (plugin/backend_lookup.go A).
func (d *CoreDNS) Resolve(q Question, up *Upstream, tr *Trace) Reply {
	return d.serve(q, up, tr, 0)
}

// serve runs q through the server block that serves it. depth counts the
// lookups CoreDNS makes of itself (an ExternalName's target), which CoreDNS
// bounds as well.
func (d *CoreDNS) serve(q Question, up *Upstream, tr *Trace, depth int) Reply {
	if depth > maxChain {
		tr.add(d.name, q, ServFail, model.Location{}, "CoreDNS looked names up through itself %d times: a loop", depth)
		return Reply{RCode: ServFail}
	}
	srv := d.cfg.ServerFor(q.Name, "53")
	if srv == nil || !srv.Handlers() {
		tr.add(d.name, q, Refused, model.Location{}, "no server block serves the name: REFUSED")
		return Reply{RCode: Refused}
	}
	orig := q
	for _, p := range srv.Plugins {
		switch p := p.(type) {
		case *corefile.Rewrite:
			if to, ok := p.RewriteName(q.Name); ok {
				to = strings.TrimSuffix(to, ".")
				tr.add(d.name, q, NoError, p.Loc, "rewrite name %s → %s", q.Name, to)
				q.Name = to
			}
		case *corefile.Template:
			if r, done := d.template(p, q, tr); done {
				return renameAnswer(r, q.Name, orig.Name)
			}
		case *corefile.Hosts:
			if r, done := d.hosts(p, q, tr); done {
				return renameAnswer(r, q.Name, orig.Name)
			}
		case *corefile.Kubernetes:
			if r, done := d.kubernetes(p, q, up, tr, depth); done {
				return renameAnswer(r, q.Name, orig.Name)
			}
		case *corefile.Forward:
			if !inZone(q.Name, p.From) || excepted(q.Name, p.Except) {
				continue
			}
			targets := d.forwardTargets(p)
			if tr != nil {
				tr.add(d.name, q, NoError, p.Loc, "forward %s → %s", zoneLabel(p.From), targetsString(targets))
			}
			if up == nil || up.Forward == nil {
				return Reply{RCode: ServFail}
			}
			tr.in()
			r := up.Forward(d.node, targets, q, tr)
			tr.out()
			return renameAnswer(r, q.Name, orig.Name)
		}
	}
	tr.add(d.name, q, ServFail, srv.Loc, "no plugin of the block answered: SERVFAIL")
	return Reply{RCode: ServFail}
}

// forwardTargets turns a forward's upstreams into addresses; /etc/resolv.conf
// is the node's nameservers. CoreDNS picks among them at random (policy
// random, the default); aksnet tries them in order and says so in the trace
// when there is more than one.
func (d *CoreDNS) forwardTargets(f *corefile.Forward) []model.AddrPort {
	var out []model.AddrPort
	for _, to := range f.To {
		if to == "/etc/resolv.conf" {
			for _, a := range d.upstream {
				out = append(out, model.AddrPort{AddrPort: netip.AddrPortFrom(a, 53)})
			}
			continue
		}
		to = strings.TrimPrefix(to, "dns://")
		if ap, err := netip.ParseAddrPort(to); err == nil {
			out = append(out, model.AddrPort{AddrPort: ap})
		}
	}
	return out
}

func (d *CoreDNS) template(t *corefile.Template, q Question, tr *Trace) (Reply, bool) {
	if !anyZone(q.Name, t.Zones) || (t.Type != "ANY" && t.Type != string(q.Type)) || (t.Class != "ANY" && t.Class != "IN") {
		return Reply{}, false
	}
	if len(t.Regexps) > 0 && t.MatchName(q.Name) < 0 {
		if corefile.FallsThrough(t.Fallthrough, q.Name) {
			return Reply{}, false
		}
		tr.add(d.name, q, ServFail, t.Loc, "template matches the zone but not the name, and does not fall through: SERVFAIL")
		return Reply{RCode: ServFail}, true
	}
	if len(t.Answer) > 0 || len(t.Additional) > 0 || len(t.Authority) > 0 {
		tr.add(d.name, q, ServFail, t.Loc, "template answers are not evaluated by aksnet yet: SERVFAIL rather than a guess")
		return Reply{RCode: ServFail}, true
	}
	rc := NoError
	switch t.RCode {
	case "NXDOMAIN":
		rc = NXDomain
	case "SERVFAIL":
		rc = ServFail
	case "REFUSED":
		rc = Refused
	}
	if tr != nil {
		what := "for " + strings.Join(zoneLabels(t.Zones), ", ")
		if len(t.Match) > 0 {
			what += " matching " + strings.Join(t.Match, ", ")
		}
		tr.add(d.name, q, rc, t.Loc, "template %s answers %s", what, rc)
	}
	return Reply{RCode: rc}, true
}

func (d *CoreDNS) hosts(h *corefile.Hosts, q Question, tr *Trace) (Reply, bool) {
	if !anyZone(q.Name, h.Zones) {
		return Reply{}, false
	}
	addrs := h.Entries[q.Name]
	var rrs []RR
	ttl := h.TTL
	if ttl == 0 {
		ttl = 3600 // hosts plugin default (plugin/hosts/README.md)
	}
	for _, a := range addrs {
		if (q.Type == model.TypeA && a.Is4()) || (q.Type == model.TypeAAAA && a.Is6()) {
			rrs = append(rrs, RR{Name: q.Name, Type: q.Type, TTL: ttl, Data: model.RData{Addr: a}})
		}
	}
	switch {
	case len(rrs) > 0:
		tr.add(d.name, q, NoError, h.Loc, "hosts entry")
		return Reply{RCode: NoError, Answer: rrs, Authoritative: true}, true
	case len(addrs) > 0:
		tr.add(d.name, q, NoError, h.Loc, "hosts has the name but no %s address: NODATA", q.Type)
		return Reply{RCode: NoError, Authoritative: true}, true
	case corefile.FallsThrough(h.Fallthrough, q.Name):
		return Reply{}, false
	}
	tr.add(d.name, q, NXDomain, h.Loc, "hosts serves the zone, lacks the name and does not fall through: NXDOMAIN")
	return Reply{RCode: NXDomain, Authoritative: true}, true
}

// renameAnswer gives records of a rewritten name back their original name,
// as CoreDNS's `answer auto` does for name rewrites.
func renameAnswer(r Reply, from, to string) Reply {
	if from == to {
		return r
	}
	// The records may be shared (memoised answers): rename a copy.
	answer := make([]RR, len(r.Answer))
	copy(answer, r.Answer)
	for i := range answer {
		if answer[i].Name == from {
			answer[i].Name = to
		}
	}
	r.Answer = answer
	return r
}

func anyZone(name string, zones []string) bool {
	if len(zones) == 0 {
		return true
	}
	for _, z := range zones {
		if inZone(name, z) {
			return true
		}
	}
	return false
}

func excepted(name string, except []string) bool {
	for _, e := range except {
		if inZone(name, e) {
			return true
		}
	}
	return false
}

func zoneLabels(zs []string) []string {
	out := make([]string, len(zs))
	for i, z := range zs {
		out[i] = zoneLabel(z)
	}
	return out
}

func zoneLabel(z string) string {
	if z == "" {
		return "."
	}
	return z
}

// kubeData is what the kubernetes plugin serves: the cluster's Services and
// namespaces, as CoreDNS's API caches hold them. Endpoints (EndpointSlices)
// and pods' addresses are not in the topology.
type kubeData struct {
	services   map[string]*kubeService // "svc.ns"
	namespaces map[string]bool
	byIP       map[netip.Addr]*kubeService
}

type kubeService struct {
	svc       *corev1.Service // nil for kubernetes and kube-dns when no manifest declares them
	name, ns  string
	ip        netip.Addr   // the first ClusterIP; invalid for headless and ExternalName
	ips       []netip.Addr // every ClusterIP: dual-stack services have one per family
	ports     []corev1.ServicePort
	external  string // ExternalName target
	headless  bool
	synthetic bool // the ClusterIP was not in the manifest: aksnet chose it
	loc       model.Location
}

func newKubeData(c *model.Cluster) *kubeData {
	k := &kubeData{services: map[string]*kubeService{}, namespaces: map[string]bool{}, byIP: map[netip.Addr]*kubeService{}}
	for _, ns := range []string{"default", "kube-system", "kube-public", "kube-node-lease"} {
		k.namespaces[ns] = true
	}
	cidr := c.EffectiveServiceCIDR()
	add := func(s *kubeService) {
		k.services[s.name+"."+s.ns] = s
		for _, a := range s.ips {
			k.byIP[a] = s
		}
	}
	// The API server's service takes the CIDR's first address and kube-dns
	// the DNS service IP (aks-constraints.md §1.3). Their ports: the API
	// server's "https" 443/TCP; kube-dns's "dns" 53/UDP, "dns-tcp" 53/TCP
	// and "metrics" 9153/TCP, as in the CoreDNS add-on manifest
	// (kubernetes-dns.md §3.1; kubernetes/kubernetes
	// cluster/addons/dns/coredns/coredns.yaml.base).
	api := cidr.Masked().Addr().Next()
	add(&kubeService{name: "kubernetes", ns: "default", ip: api, ips: []netip.Addr{api},
		ports: []corev1.ServicePort{{Name: "https", Protocol: corev1.ProtocolTCP, Port: 443}}})
	dnsIP := c.EffectiveDNSServiceIP()
	add(&kubeService{name: "kube-dns", ns: "kube-system", ip: dnsIP, ips: []netip.Addr{dnsIP},
		ports: []corev1.ServicePort{{Name: "dns", Protocol: corev1.ProtocolUDP, Port: 53},
			{Name: "dns-tcp", Protocol: corev1.ProtocolTCP, Port: 53}, {Name: "metrics", Protocol: corev1.ProtocolTCP, Port: 9153}}})
	o := c.Objects
	if o == nil {
		return k
	}
	for _, n := range o.Namespaces {
		k.namespaces[n.Name] = true
	}
	for _, w := range o.Workloads {
		k.namespaces[w.Namespace] = true
	}
	// Services the manifests give no ClusterIP get one, deterministically
	// (model.Cluster.ServiceClusterIPs).
	clusterIPs := c.ServiceClusterIPs()
	for _, s := range o.Services {
		k.namespaces[s.Namespace] = true
		ks := &kubeService{svc: s.Service, name: strings.ToLower(s.Name), ns: strings.ToLower(s.Namespace), ports: s.Spec.Ports, loc: s.Loc}
		switch ips, ok := clusterIPs[s]; {
		case s.Spec.Type == corev1.ServiceTypeExternalName:
			ks.external = strings.ToLower(strings.TrimSuffix(s.Spec.ExternalName, "."))
		case ok:
			ks.ip, ks.ips, ks.synthetic = ips.IPs[0], ips.IPs, ips.Synthetic
		case s.Spec.ClusterIP == corev1.ClusterIPNone || len(s.Spec.ClusterIPs) > 0 && s.Spec.ClusterIPs[0] == corev1.ClusterIPNone:
			ks.headless = true
		}
		add(ks)
	}
	return k
}

// The kubernetes plugin below ports CoreDNS's (coredns/coredns
// plugin/kubernetes @ 4b26cced): ServeDNS (handler.go) picks what to answer
// by query type, over the records Services and Records (kubernetes.go,
// parse.go, reverse.go, ns.go) yield for the name, rendered as
// plugin/backend_lookup.go does. coredns_k8s_test.go checks it against the
// cases of the plugin's tests (handler_test.go and its siblings).

// kubeRec is one record the plugin's backend yields for a name (a
// msg.Service): an address with a port, or an ExternalName's target.
type kubeRec struct {
	addr  netip.Addr // invalid for an ExternalName
	cname string     // the ExternalName target
	port  int32      // -1: none
	owner string     // the name an SRV record targets
}

// kubeFind is what the backend found for a name: records (none: the name
// exists without records, NODATA), or a name error (NXDOMAIN).
type kubeFind struct {
	recs []kubeRec
	nx   bool
	why  string
	loc  model.Location
}

// kubeReq is one query to the plugin: its configuration and matched zone.
type kubeReq struct {
	d    *CoreDNS
	p    *corefile.Kubernetes
	zone string
	ttl  uint32
}

// kubernetes answers a name in the plugin's zones as CoreDNS's kubernetes
// plugin does (kubernetes-dns.md §1). done false passes the query on
// (fallthrough).
func (d *CoreDNS) kubernetes(p *corefile.Kubernetes, q Question, up *Upstream, tr *Trace, depth int) (Reply, bool) {
	zone, found := "", false
	for _, z := range p.Zones {
		if inZone(q.Name, z) && (!found || len(z) > len(zone)) {
			zone, found = z, true
		}
	}
	if !found && len(p.Zones) > 0 {
		return Reply{}, false
	}
	ttl := p.TTL
	if ttl == 0 {
		ttl = 5 // plugin default (kubernetes-dns.md §1.6)
	}
	k := &kubeReq{d: d, p: p, zone: zone, ttl: ttl}
	switch q.Type {
	case TypeSOA:
		// handler.go: SOA is answered at the apex; below it, whatever the
		// name, NODATA.
		if q.Name == zone {
			return k.answer(q, tr, p.Loc, "the zone's SOA", RR{Name: zone, Type: TypeSOA, TTL: min(ttl, 300), Data: model.RData{Target: "ns.dns." + zone}})
		}
		return k.nodata(q, tr, p.Loc, "SOA only at the zone apex "+zoneLabel(zone)+"; other names are NODATA whether they exist or not")
	case TypeNS:
		if q.Name == zone {
			return k.apexNS(q, tr)
		}
	case model.TypeTXT:
		if q.Name == "dns-version."+zone || zone == "" && q.Name == "dns-version" {
			return k.answer(q, tr, p.Loc, "the schema version record", RR{Name: q.Name, Type: model.TypeTXT, TTL: 28800, Data: model.RData{Text: "1.1.0"}})
		}
		// kubernetes.go Services: any other name is NODATA when it has
		// records of another type, else NXDOMAIN — empty non-terminals and
		// the apex included.
		f := k.lookup(q.Name, q.Type)
		if f.nx {
			return k.nx(q, tr, f.loc, f.why)
		}
		if len(f.recs) == 0 {
			return k.nx(q, tr, f.loc, "only dns-version."+zoneLabel(zone)+" has a TXT record, and this name has no record of another type ("+f.why+")")
		}
		return k.nodata(q, tr, f.loc, f.why+"; no TXT record")
	case model.TypePTR:
		if a, ok := ptrAddr(q.Name); ok {
			// reverse.go serviceRecordForIP: a ClusterIP's service, else
			// the endpoints with that address.
			if s := k.d.k8s.byIP[a]; s != nil && k.exposed(s.ns) {
				return k.answer(q, tr, k.locOf(s), fmt.Sprintf("PTR of service %s/%s's ClusterIP", s.ns, s.name),
					RR{Name: q.Name, Type: model.TypePTR, TTL: ttl, Data: model.RData{Target: s.name + "." + s.ns + ".svc." + clusterZone(p)}})
			}
			return k.nx(q, tr, p.Loc, "no service has ClusterIP "+a.String()+" (endpoints' addresses are not in the topology)")
		}
		f := k.lookup(q.Name, q.Type)
		if f.nx {
			return k.nx(q, tr, f.loc, f.why)
		}
		return k.nodata(q, tr, f.loc, f.why+"; PTR records are only under the reverse zones")
	case model.TypeA, model.TypeAAAA:
		rrs, f, viaCNAME := k.addrs(q, up, tr, depth, nil)
		switch {
		case f.nx:
			return k.nx(q, tr, f.loc, f.why)
		case len(rrs) == 0:
			return k.nodata(q, tr, f.loc, f.why+"; no "+string(q.Type)+" record")
		case viaCNAME:
			// The ExternalName hop said it; the answer is NOERROR whatever
			// the target's lookup returned (plugin/backend_lookup.go A).
			return Reply{RCode: NoError, Authoritative: true, Answer: rrs}, true
		}
		return k.answer(q, tr, f.loc, f.why, rrs...)
	case model.TypeSRV:
		return k.srv(q, tr)
	case "AXFR", "IXFR":
		// handler.go: transfers are the transfer plugin's, not configured.
		tr.add(d.name, q, Refused, p.Loc, "kubernetes: zone transfers are refused")
		return Reply{RCode: Refused}, true
	case model.TypeCNAME:
		f := k.lookup(q.Name, q.Type)
		if f.nx {
			return k.nx(q, tr, f.loc, f.why)
		}
		if len(f.recs) > 0 && f.recs[0].cname != "" {
			return k.answer(q, tr, f.loc, f.why, RR{Name: q.Name, Type: model.TypeCNAME, TTL: ttl, Data: model.RData{Target: f.recs[0].cname}})
		}
		return k.nodata(q, tr, f.loc, f.why+"; no CNAME record")
	}
	// Other types, and NS below the apex: handler.go looks the name up as
	// an A query to tell NODATA from NXDOMAIN.
	f := k.lookup(q.Name, model.TypeA)
	if f.nx {
		return k.nx(q, tr, f.loc, f.why)
	}
	return k.nodata(q, tr, f.loc, f.why+"; no "+string(q.Type)+" record")
}

// labels splits a name into its labels, into buf when they fit: the
// kubernetes plugin parses every name it is asked.
func labels(name string, buf []string) []string {
	for {
		i := strings.IndexByte(name, '.')
		if i < 0 {
			return append(buf, name)
		}
		buf, name = append(buf, name[:i]), name[i+1:]
	}
}

func (k *kubeReq) soa() *SOA {
	key := soaKey{k.zone, k.ttl}
	if s, ok := k.d.soas.Load(key); ok {
		return s.(*SOA)
	}
	s, _ := k.d.soas.LoadOrStore(key, k.newSOA())
	return s.(*SOA)
}

func (k *kubeReq) newSOA() *SOA {
	return &SOA{Zone: k.zone, MName: "ns.dns." + k.zone, RName: "hostmaster." + k.zone, Serial: 1, Refresh: 7200, Retry: 1800, Expire: 86400, MinTTL: k.ttl}
}

func (k *kubeReq) answer(q Question, tr *Trace, loc model.Location, why string, rrs ...RR) (Reply, bool) {
	if tr != nil {
		tr.add(k.d.name, q, NoError, loc, "kubernetes: %s", why)
	}
	return Reply{RCode: NoError, Authoritative: true, Answer: rrs}, true
}

func (k *kubeReq) nodata(q Question, tr *Trace, loc model.Location, why string) (Reply, bool) {
	if tr != nil {
		tr.add(k.d.name, q, NoError, loc, "kubernetes: %s: NODATA", why)
	}
	return Reply{RCode: NoError, SOA: k.soa(), Authoritative: true}, true
}

// nx is a name error: NXDOMAIN, or the next plugin when the name falls
// through (handler.go: only name errors fall through).
func (k *kubeReq) nx(q Question, tr *Trace, loc model.Location, why string) (Reply, bool) {
	if corefile.FallsThrough(k.p.Fallthrough, q.Name) {
		if tr != nil {
			tr.add(k.d.name, q, NXDomain, k.p.Loc, "kubernetes: %s; falls through to the next plugin", why)
		}
		return Reply{}, false
	}
	if tr != nil {
		tr.add(k.d.name, q, NXDomain, loc, "kubernetes: %s: NXDOMAIN", why)
	}
	return Reply{RCode: NXDomain, SOA: k.soa(), Authoritative: true}, true
}

// apexNS answers NS at the zone apex (ns.go nsAddrs): CoreDNS names the
// services its own pods are endpoints of, and in AKS its pods are the
// endpoints of kube-system/kube-dns. The glue A record CoreDNS adds is not
// kept: a Reply has no additional section.
func (k *kubeReq) apexNS(q Question, tr *Trace) (Reply, bool) {
	s := k.d.k8s.services["kube-dns.kube-system"]
	if s == nil || len(s.ips) == 0 {
		return k.nodata(q, tr, k.p.Loc, "no kube-dns service to name as the name server")
	}
	return k.answer(q, tr, k.locOf(s), "the name server is the kube-dns service, whose endpoints are CoreDNS's pods",
		RR{Name: q.Name, Type: TypeNS, TTL: k.ttl, Data: model.RData{Target: "kube-dns.kube-system.svc." + k.zone}})
}

// locOf is where a service was declared, or the plugin for the two every
// cluster has.
func (k *kubeReq) locOf(s *kubeService) model.Location {
	if s.loc.IsZero() {
		return k.p.Loc
	}
	return s.loc
}

// exposed reports whether namespace ns exists and the plugin's namespaces
// option (if any) lists it (namespace.go namespaceExposed).
func (k *kubeReq) exposed(ns string) bool {
	return k.d.k8s.namespaces[ns] && (len(k.p.Namespaces) == 0 || slices.Contains(k.p.Namespaces, ns))
}

// lookup is the plugin's backend, Services and Records (kubernetes.go) with
// parseRequest (parse.go): the records name has, for a query of type qt.
func (k *kubeReq) lookup(name string, qt Type) kubeFind {
	p := k.p
	if k.zone != "" && name == "ns.dns."+k.zone && qt != model.TypeTXT && qt != model.TypePTR {
		// kubernetes.go Services, isDefaultNS: the name server's name has
		// the addresses of the services CoreDNS's pods serve (ns.go).
		f := kubeFind{why: "ns.dns." + k.zone + " names the kube-dns service, whose endpoints are CoreDNS's pods", loc: p.Loc}
		if s := k.d.k8s.services["kube-dns.kube-system"]; s != nil {
			f.loc = k.locOf(s)
			for _, a := range s.ips {
				if qt == model.TypeA && a.Is4() || qt == model.TypeAAAA && a.Is6() {
					f.recs = append(f.recs, kubeRec{addr: a, port: -1})
				}
			}
		}
		return f
	}
	rel := name
	if k.zone != "" {
		rel = strings.TrimSuffix(strings.TrimSuffix(name, k.zone), ".")
	}
	nx := func(why string) kubeFind { return kubeFind{nx: true, why: why, loc: p.Loc} }
	switch rel {
	case "":
		return kubeFind{why: "the zone apex", loc: p.Loc}
	case "svc", "pod":
		return kubeFind{why: "an empty non-terminal", loc: p.Loc}
	}
	var buf [8]string
	segs := labels(rel, buf[:0])
	kind := segs[len(segs)-1]
	if kind != "svc" && kind != "pod" {
		return nx("not a service, pod or namespace name")
	}
	// Every check below is a name error (NXDOMAIN, or fallthrough), so
	// their order, which differs from CoreDNS's, only picks the reason the
	// trace gives: the namespace and service first, as a user reads a name.
	tooLong := len(segs) > 5 // parse.go: a query "too long to answer" (multicluster and zonal names are not modelled)
	const tooLongWhy = "the name has more labels than a service, endpoint or port name"
	if strings.HasSuffix(name, ".in-addr.arpa") || strings.HasSuffix(name, ".ip6.arpa") {
		return nx("names under a reverse zone hold only PTR records")
	}
	ns := segs[len(segs)-2]
	if !k.d.k8s.namespaces[ns] {
		return nx("no namespace " + ns)
	}
	if !k.exposed(ns) {
		return nx("namespace " + ns + " is not exposed (namespaces " + strings.Join(p.Namespaces, " ") + ")")
	}
	if kind == "pod" {
		if tooLong {
			return nx(tooLongWhy)
		}
		return k.pods(segs, ns)
	}
	if len(segs) == 2 {
		return kubeFind{why: "namespace " + ns + " exists", loc: p.Loc}
	}
	svcName := segs[len(segs)-3]
	s := k.d.k8s.services[svcName+"."+ns]
	if s == nil {
		return nx("no service " + svcName + " in namespace " + ns)
	}
	loc := k.locOf(s)
	if tooLong {
		return kubeFind{nx: true, why: "service " + ns + "/" + svcName + " exists, but " + tooLongWhy, loc: loc}
	}
	var endpoint, port, proto string
	switch len(segs) {
	case 4:
		endpoint = segs[0]
	case 5:
		port, proto = strings.TrimPrefix(segs[0], "_"), strings.TrimPrefix(segs[1], "_")
	}
	id := ns + "/" + svcName
	switch {
	case s.external != "":
		if endpoint != "" || port != "" {
			return kubeFind{nx: true, why: "ExternalName service " + id + " has no endpoint or port names", loc: loc}
		}
		if _, err := netip.ParseAddr(s.external); err == nil {
			// kubernetes.go findServices keeps an ExternalName only when its
			// target is a name.
			return kubeFind{nx: true, why: "ExternalName service " + id + " points at an address, " + s.external + ", which CoreDNS does not serve", loc: loc}
		}
		return kubeFind{recs: []kubeRec{{cname: s.external}}, why: "ExternalName service " + id + ": CNAME to " + s.external, loc: loc}
	case s.headless || endpoint != "":
		what := "headless service " + id
		if !s.headless {
			what = "endpoint " + endpoint + " of service " + id
		}
		if p.NoEndpoints {
			return kubeFind{nx: true, why: what + ": noendpoints serves no endpoint names", loc: p.Loc}
		}
		return kubeFind{nx: true, why: what + ": endpoints' addresses are not in the topology", loc: loc}
	}
	owner := s.name + "." + s.ns + ".svc." + k.zone
	f := kubeFind{why: "service " + id + " has ClusterIP " + addrList(s.ips), loc: loc}
	if s.synthetic {
		f.why += " (the manifest sets no clusterIP: aksnet assigned this free address of the service CIDR)"
	}
	if len(s.ports) == 0 && port == "" {
		// The API server rejects a ClusterIP service without ports (CoreDNS
		// would then find no record); aksnet answers its address anyway.
		for _, a := range s.ips {
			f.recs = append(f.recs, kubeRec{addr: a, port: -1, owner: owner})
		}
		f.why += " (and no ports)"
		return f
	}
	matched := false
	for _, sp := range s.ports {
		pr := string(sp.Protocol)
		if pr == "" {
			pr = string(corev1.ProtocolTCP)
		}
		if port != "" && !strings.EqualFold(port, sp.Name) || proto != "" && !strings.EqualFold(proto, pr) {
			continue
		}
		matched = true
		for _, a := range s.ips {
			f.recs = append(f.recs, kubeRec{addr: a, port: sp.Port, owner: owner})
		}
	}
	if !matched {
		return kubeFind{nx: true, why: "service " + id + " has no port named " + port + " with protocol " + proto + " (unnamed ports have no SRV name)", loc: loc}
	}
	if port != "" {
		f.why += ", port " + port + "/" + proto
	}
	return f
}

// pods serves <ip-with-dashes>.<ns>.pod.<zone> (kubernetes.go findPods). It
// reads only the label left of the namespace: labels further left (an
// endpoint, or a port and protocol) are ignored.
func (k *kubeReq) pods(segs []string, ns string) kubeFind {
	p := k.p
	switch p.PodsMode {
	case "insecure", "verified":
	default:
		return kubeFind{nx: true, why: "pods disabled: pod names are NXDOMAIN", loc: p.Loc}
	}
	if len(segs) == 2 {
		return kubeFind{why: "namespace " + ns + " exists", loc: p.Loc}
	}
	label := segs[len(segs)-3]
	a, err := netip.ParseAddr(dashedIP(label))
	switch {
	case p.PodsMode == "verified":
		return kubeFind{nx: true, why: "pods verified answers only for a pod with that address in namespace " + ns + ", and pods' addresses are not in the topology", loc: p.Loc}
	case err != nil:
		return kubeFind{nx: true, why: "pod name " + label + " is not an address", loc: p.Loc}
	}
	return kubeFind{recs: []kubeRec{{addr: a, port: 0, owner: label + "." + ns + ".pod." + k.zone}},
		why: "pods insecure answers the address in the name without checking for a pod", loc: p.Loc}
}

// maxCNAMEChain bounds the ExternalName chains the plugin follows inside its
// zone (plugin/backend_lookup.go maxCnameChainLength).
const maxCNAMEChain = 10

// addrs is plugin.A and plugin.AAAA (plugin/backend_lookup.go): the name's
// addresses of q.Type, deduplicated. An ExternalName's CNAME is followed —
// inside the plugin when the target is in the zone (and dropped, with the
// CNAME, when that finds nothing), else through CoreDNS itself, whose answer
// is appended whatever its RCODE. viaCNAME reports an ExternalName.
func (k *kubeReq) addrs(q Question, up *Upstream, tr *Trace, depth int, prev []RR) ([]RR, kubeFind, bool) {
	f := k.lookup(q.Name, q.Type)
	if f.nx {
		return nil, f, false
	}
	var rrs []RR
	seen := map[netip.Addr]bool{}
	viaCNAME := false
	for _, r := range f.recs {
		if r.cname == "" {
			if (q.Type == model.TypeA) == r.addr.Is4() && !seen[r.addr] {
				seen[r.addr] = true
				rrs = append(rrs, RR{Name: q.Name, Type: q.Type, TTL: k.ttl, Data: model.RData{Addr: r.addr}})
			}
			continue
		}
		viaCNAME = true
		c := RR{Name: q.Name, Type: model.TypeCNAME, TTL: k.ttl, Data: model.RData{Target: r.cname}}
		if r.cname == q.Name || len(prev) > maxCNAMEChain || slices.Contains(prev, c) {
			tr.add(k.d.name, q, NoError, f.loc, "kubernetes: %s, which loops: the CNAME is dropped", f.why)
			continue
		}
		target := Question{Name: r.cname, Type: q.Type}
		if inZone(r.cname, k.zone) {
			tr.add(k.d.name, q, NoError, f.loc, "kubernetes: %s, in zone %s: the plugin answers the target itself", f.why, zoneLabel(k.zone))
			tr.in()
			next, nf, nested := k.addrs(target, up, tr, depth, append(slices.Clip(prev), c))
			switch {
			case nf.nx:
				tr.add(k.d.name, target, NXDomain, nf.loc, "kubernetes: %s: the CNAME is dropped", nf.why)
			case len(next) == 0:
				tr.add(k.d.name, target, NoError, nf.loc, "kubernetes: %s; no %s record: the CNAME is dropped", nf.why, q.Type)
			default:
				if !nested {
					tr.add(k.d.name, target, NoError, nf.loc, "kubernetes: %s", nf.why)
				}
				rrs = append(append(rrs, c), next...)
			}
			tr.out()
			continue
		}
		tr.add(k.d.name, q, NoError, f.loc, "kubernetes: %s: CoreDNS looks the target up through itself", f.why)
		tr.in()
		r := k.d.serve(target, up, tr, depth+1)
		tr.out()
		rrs = append(append(rrs, c), r.Answer...)
	}
	return rrs, f, viaCNAME
}

// srv is plugin.SRV (plugin/backend_lookup.go) over the plugin's records:
// ExternalNames dropped (kubernetes.go Services), priority 0, every record
// weighted 100 divided by their number, one per target and port. The A and
// AAAA records CoreDNS adds for the targets are not kept: a Reply has no
// additional section.
func (k *kubeReq) srv(q Question, tr *Trace) (Reply, bool) {
	f := k.lookup(q.Name, q.Type)
	if f.nx {
		return k.nx(q, tr, f.loc, f.why)
	}
	var recs []kubeRec
	for _, r := range f.recs {
		if r.cname == "" {
			recs = append(recs, r)
		}
	}
	weight := uint16(1)
	if len(recs) > 0 && len(recs) < 100 {
		weight = uint16(100 / len(recs))
	}
	type key struct {
		target string
		port   int32
	}
	seen := map[key]bool{}
	var rrs []RR
	for _, r := range recs {
		if r.port < 0 || seen[key{r.owner, r.port}] {
			continue
		}
		seen[key{r.owner, r.port}] = true
		rrs = append(rrs, RR{Name: q.Name, Type: model.TypeSRV, TTL: k.ttl,
			Data: model.RData{Priority: 0, Weight: weight, Port: uint16(r.port), Target: r.owner}})
	}
	if len(rrs) == 0 {
		return k.nodata(q, tr, f.loc, f.why+"; no SRV record")
	}
	return k.answer(q, tr, f.loc, f.why+"; SRV records of its ports", rrs...)
}

func addrList(as []netip.Addr) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

func clusterZone(p *corefile.Kubernetes) string {
	for _, z := range p.Zones {
		if !strings.HasSuffix(z, ".arpa") && z != "arpa" {
			return z
		}
	}
	return model.ClusterDomain
}

// dashedIP turns a pod label (10-244-1-5, or an IPv6 form with dashes) into
// an address text: exactly three dashes and no "--" is IPv4.
func dashedIP(s string) string {
	if strings.Count(s, "-") == 3 && !strings.Contains(s, "--") {
		return strings.ReplaceAll(s, "-", ".")
	}
	return strings.ReplaceAll(s, "-", ":")
}

// ptrAddr parses a reverse name (d.c.b.a.in-addr.arpa).
func ptrAddr(name string) (netip.Addr, bool) {
	if rest, ok := strings.CutSuffix(name, ".in-addr.arpa"); ok {
		parts := strings.Split(rest, ".")
		if len(parts) != 4 {
			return netip.Addr{}, false
		}
		a, err := netip.ParseAddr(parts[3] + "." + parts[2] + "." + parts[1] + "." + parts[0])
		return a, err == nil
	}
	if rest, ok := strings.CutSuffix(name, ".ip6.arpa"); ok {
		nib := strings.Split(rest, ".")
		if len(nib) != 32 {
			return netip.Addr{}, false
		}
		var b strings.Builder
		for i := len(nib) - 1; i >= 0; i-- {
			b.WriteString(nib[i])
			if i%4 == 0 && i > 0 {
				b.WriteByte(':')
			}
		}
		a, err := netip.ParseAddr(b.String())
		return a, err == nil
	}
	return netip.Addr{}, false
}
