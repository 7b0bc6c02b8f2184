package dns

import (
	"net/netip"
	"sort"
	"strings"

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
}

func newCoreDNS(t *model.Topology, c *model.Cluster, node netip.Addr) (*CoreDNS, model.ErrorList) {
	cfg, errs := corefile.Load(corefile.AKSDefault(), c.CoreDNSCustom, c.CoreDNSCustomLoc, c.Loc)
	d := &CoreDNS{cluster: c, name: "CoreDNS of cluster " + c.Name, cfg: cfg, node: node, k8s: newKubeData(c)}
	if rc, err := t.ResolvConf(model.Vantage{Kind: model.VantageNode, Cluster: c.Name}); err == nil {
		d.upstream = rc.Nameservers
	}
	return d, errs
}

// Resolve answers q as CoreDNS does. A CNAME from the kubernetes plugin
// (ExternalName) is followed through CoreDNS itself.
func (d *CoreDNS) Resolve(q Question, up *Upstream, tr *Trace) Reply {
	return followChain(d.name, q, tr, func(q Question) (Reply, bool) { return d.serve(q, up, tr) })
}

func (d *CoreDNS) serve(q Question, up *Upstream, tr *Trace) (Reply, bool) {
	srv := d.cfg.ServerFor(q.Name, "53")
	if srv == nil || !srv.Handlers() {
		tr.add(d.name, q, Refused, model.Location{}, "no server block serves the name: REFUSED")
		return Reply{RCode: Refused}, true
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
				return renameAnswer(r, q.Name, orig.Name), true
			}
		case *corefile.Hosts:
			if r, done := d.hosts(p, q, tr); done {
				return renameAnswer(r, q.Name, orig.Name), true
			}
		case *corefile.Kubernetes:
			if r, final, done := d.kubernetes(p, q, tr); done {
				return renameAnswer(r, q.Name, orig.Name), final
			}
		case *corefile.Forward:
			if !inZone(q.Name, p.From) || excepted(q.Name, p.Except) {
				continue
			}
			targets := d.forwardTargets(p)
			tr.add(d.name, q, NoError, p.Loc, "forward %s → %s", zoneLabel(p.From), targetsString(targets))
			if up == nil || up.Forward == nil {
				return Reply{RCode: ServFail}, true
			}
			tr.in()
			r := up.Forward(d.node, targets, q, tr)
			tr.out()
			return renameAnswer(r, q.Name, orig.Name), true
		}
	}
	tr.add(d.name, q, ServFail, srv.Loc, "no plugin of the block answered: SERVFAIL")
	return Reply{RCode: ServFail}, true
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
	what := "for " + strings.Join(zoneLabels(t.Zones), ", ")
	if len(t.Match) > 0 {
		what += " matching " + strings.Join(t.Match, ", ")
	}
	tr.add(d.name, q, rc, t.Loc, "template %s answers %s", what, rc)
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
	for i := range r.Answer {
		if r.Answer[i].Name == from {
			r.Answer[i].Name = to
		}
	}
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

// kubeData is what the kubernetes plugin serves: services with their
// ClusterIPs, and namespaces.
type kubeData struct {
	services   map[string]*kubeService // "svc.ns"
	namespaces map[string]bool
	byIP       map[netip.Addr]*kubeService
}

type kubeService struct {
	svc       *corev1.Service
	name, ns  string
	ip        netip.Addr // invalid for headless
	external  string     // ExternalName target
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
	used := map[netip.Addr]bool{}
	add := func(s *kubeService) {
		k.services[s.name+"."+s.ns] = s
		if s.ip.IsValid() {
			used[s.ip] = true
			k.byIP[s.ip] = s
		}
	}
	// The API server's service takes the CIDR's first address and kube-dns
	// the DNS service IP (aks-constraints.md §1.3).
	add(&kubeService{name: "kubernetes", ns: "default", ip: cidr.Masked().Addr().Next()})
	add(&kubeService{name: "kube-dns", ns: "kube-system", ip: c.EffectiveDNSServiceIP()})
	var pending []*kubeService
	if o := c.Objects; o != nil {
		for _, n := range o.Namespaces {
			k.namespaces[n.Name] = true
		}
		for _, w := range o.Workloads {
			k.namespaces[w.Namespace] = true
		}
		for _, s := range o.Services {
			k.namespaces[s.Namespace] = true
			ks := &kubeService{svc: s.Service, name: strings.ToLower(s.Name), ns: strings.ToLower(s.Namespace), loc: s.Loc}
			switch {
			case s.Spec.Type == corev1.ServiceTypeExternalName:
				ks.external = strings.ToLower(strings.TrimSuffix(s.Spec.ExternalName, "."))
			case s.Spec.ClusterIP == corev1.ClusterIPNone:
				ks.headless = true
			case s.Spec.ClusterIP != "":
				ks.ip, _ = netip.ParseAddr(s.Spec.ClusterIP)
			default:
				pending = append(pending, ks)
				continue
			}
			add(ks)
		}
	}
	// Services the manifests give no ClusterIP get one, deterministically:
	// the free addresses of the service CIDR in name order.
	sort.Slice(pending, func(i, j int) bool { return pending[i].ns+"/"+pending[i].name < pending[j].ns+"/"+pending[j].name })
	next := cidr.Masked().Addr().Next()
	for _, s := range pending {
		for used[next] && cidr.Contains(next) {
			next = next.Next()
		}
		if cidr.Contains(next) {
			s.ip, s.synthetic = next, true
		}
		add(s)
	}
	return k
}

// kubernetes answers names in the plugin's zones per the Kubernetes DNS
// specification and CoreDNS's behaviour (kubernetes-dns.md §1). done false
// passes the query on (fallthrough); final false means the reply is a
// CNAME to follow.
func (d *CoreDNS) kubernetes(p *corefile.Kubernetes, q Question, tr *Trace) (r Reply, final, done bool) {
	zone := ""
	for _, z := range p.Zones {
		if inZone(q.Name, z) && len(z) >= len(zone) {
			zone = z
		}
	}
	if zone == "" && !anyZone(q.Name, p.Zones) {
		return Reply{}, true, false
	}
	ttl := p.TTL
	if ttl == 0 {
		ttl = 5 // plugin default (kubernetes-dns.md §1.6)
	}
	soa := &SOA{Zone: zone, MName: "ns.dns." + zone, RName: "hostmaster." + zone, Serial: 1, Refresh: 7200, Retry: 1800, Expire: 86400, MinTTL: ttl}
	nx := func(why string) (Reply, bool, bool) {
		if corefile.FallsThrough(p.Fallthrough, q.Name) {
			tr.add(d.name, q, NXDomain, p.Loc, "kubernetes: %s; falls through to the next plugin", why)
			return Reply{}, true, false
		}
		tr.add(d.name, q, NXDomain, p.Loc, "kubernetes: %s: NXDOMAIN", why)
		return Reply{RCode: NXDomain, SOA: soa, Authoritative: true}, true, true
	}
	nodata := func(why string) (Reply, bool, bool) {
		tr.add(d.name, q, NoError, p.Loc, "kubernetes: %s: NODATA", why)
		return Reply{RCode: NoError, SOA: soa, Authoritative: true}, true, true
	}
	if strings.HasSuffix(zone, "in-addr.arpa") || strings.HasSuffix(zone, "ip6.arpa") {
		if q.Type == model.TypePTR {
			if a, ok := ptrAddr(q.Name); ok {
				if s := d.k8s.byIP[a]; s != nil {
					tr.add(d.name, q, NoError, s.loc, "kubernetes: PTR of service %s/%s's ClusterIP", s.ns, s.name)
					return Reply{RCode: NoError, Authoritative: true, Answer: []RR{{Name: q.Name, Type: model.TypePTR, TTL: ttl, Data: model.RData{Target: s.name + "." + s.ns + ".svc." + clusterZone(p)}}}}, true, true
				}
			}
		}
		return nx("no service has this address")
	}
	rel := strings.TrimSuffix(strings.TrimSuffix(q.Name, zone), ".")
	labels := strings.Split(rel, ".")
	if rel == "" {
		return nodata("the zone apex holds no " + string(q.Type))
	}
	if rel == "dns-version" && q.Type == model.TypeTXT {
		tr.add(d.name, q, NoError, p.Loc, "kubernetes: the schema version record")
		return Reply{RCode: NoError, Authoritative: true, Answer: []RR{{Name: q.Name, Type: model.TypeTXT, TTL: 28800, Data: model.RData{Text: "1.1.0"}}}}, true, true
	}
	last := labels[len(labels)-1]
	switch {
	case last == "svc" && len(labels) == 1, last == "pod" && len(labels) == 1:
		return nodata("an empty non-terminal")
	case last == "svc" && len(labels) == 2:
		if d.k8s.namespaces[labels[0]] {
			return nodata("namespace " + labels[0] + " exists")
		}
		return nx("no namespace " + labels[0])
	case last == "svc" && len(labels) >= 3:
		ns, name := labels[len(labels)-2], labels[len(labels)-3]
		s := d.k8s.services[name+"."+ns]
		if s == nil {
			if !d.k8s.namespaces[ns] {
				return nx("no namespace " + ns)
			}
			return nx("no service " + name + " in namespace " + ns)
		}
		if len(labels) == 5 && strings.HasPrefix(labels[0], "_") && strings.HasPrefix(labels[1], "_") {
			return d.srv(s, labels[0][1:], labels[1][1:], q, ttl, p, nx, nodata, tr)
		}
		if len(labels) > 3 {
			return nx("no endpoint " + strings.Join(labels[:len(labels)-3], ".") + " of service " + name)
		}
		switch {
		case s.external != "":
			tr.add(d.name, q, NoError, s.loc, "kubernetes: ExternalName service %s/%s", ns, name)
			rr := RR{Name: q.Name, Type: model.TypeCNAME, TTL: ttl, Data: model.RData{Target: s.external}}
			return Reply{RCode: NoError, Authoritative: true, Answer: []RR{rr}}, q.Type == model.TypeCNAME, true
		case s.headless:
			return nx("headless service " + ns + "/" + name + ": its endpoints' addresses are not in the topology")
		case q.Type == model.TypeA && s.ip.Is4(), q.Type == model.TypeAAAA && s.ip.Is6():
			note := ""
			if s.synthetic {
				note = " (the manifest sets no clusterIP: aksnet assigned this free address of the service CIDR)"
			}
			tr.add(d.name, q, NoError, s.loc, "kubernetes: service %s/%s has ClusterIP %s%s", ns, name, s.ip, note)
			return Reply{RCode: NoError, Authoritative: true, Answer: []RR{{Name: q.Name, Type: q.Type, TTL: ttl, Data: model.RData{Addr: s.ip}}}}, true, true
		}
		return nodata("service " + ns + "/" + name + " has no " + string(q.Type) + " record")
	case last == "pod" && len(labels) == 2:
		return nodata("an empty non-terminal")
	case last == "pod" && len(labels) == 3:
		ns := labels[1]
		if p.PodsMode != "insecure" && p.PodsMode != "verified" {
			return nx("pod records are disabled")
		}
		if !d.k8s.namespaces[ns] {
			return nx("no namespace " + ns)
		}
		a, err := netip.ParseAddr(dashedIP(labels[0]))
		if err != nil || p.PodsMode == "verified" {
			return nx("pod name " + labels[0] + " is not an address (or pods verified: pod IPs are not in the topology)")
		}
		if (q.Type == model.TypeA) != a.Is4() || (q.Type != model.TypeA && q.Type != model.TypeAAAA) {
			return nodata("pod record of another type")
		}
		tr.add(d.name, q, NoError, p.Loc, "kubernetes: pods %s answers the address in the name", p.PodsMode)
		return Reply{RCode: NoError, Authoritative: true, Answer: []RR{{Name: q.Name, Type: q.Type, TTL: ttl, Data: model.RData{Addr: a}}}}, true, true
	}
	return nx("not a service, pod or namespace name")
}

func (d *CoreDNS) srv(s *kubeService, port, proto string, q Question, ttl uint32, p *corefile.Kubernetes,
	nx, nodata func(string) (Reply, bool, bool), tr *Trace) (Reply, bool, bool) {
	if s.svc == nil || s.headless || s.external != "" {
		return nx("no SRV records for this service here")
	}
	for _, sp := range s.svc.Spec.Ports {
		pr := strings.ToLower(string(sp.Protocol))
		if pr == "" {
			pr = "tcp"
		}
		if sp.Name == "" || strings.ToLower(sp.Name) != port || pr != proto {
			continue
		}
		if q.Type != model.TypeSRV {
			return nodata("the SRV name has no " + string(q.Type) + " record")
		}
		tr.add(d.name, q, NoError, s.loc, "kubernetes: named port %s/%s of service %s/%s", sp.Name, pr, s.ns, s.name)
		target := s.name + "." + s.ns + ".svc." + clusterZone(p)
		return Reply{RCode: NoError, Authoritative: true, Answer: []RR{{Name: q.Name, Type: model.TypeSRV, TTL: ttl,
			Data: model.RData{Priority: 0, Weight: 100, Port: uint16(sp.Port), Target: target}}}}, true, true
	}
	return nx("no named port " + port + "/" + proto + " (unnamed ports have no SRV)")
}

func clusterZone(p *corefile.Kubernetes) string {
	for _, z := range p.Zones {
		if !strings.HasSuffix(z, ".arpa") {
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
