package dns

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/aksnet/aksnet/internal/model"
	"github.com/aksnet/aksnet/internal/reach"
)

// Expectation is the answer the topology implies for a name from a
// vantage, and why.
type Expectation struct {
	Addrs []netip.Addr
	Why   string
	Loc   model.Location
	// Endpoint is the private endpoint whose name it is, nil for a
	// Service's name.
	Endpoint *model.PrivateEndpoint
}

// Expect returns what name should resolve to (over IPv4) from v, when the
// topology says:
//   - a private endpoint's names give its private IP from every network that
//     reaches the endpoint (azure-aws-dns.md §1.7: "link the same zones to
//     all spokes and hub VNets that contain clients");
//   - from a pod, a Service's name — svc, svc.ns, svc.ns.svc or the full
//     name — gives its ClusterIP (kubernetes-dns.md §1.1), for a Service
//     that has one (not headless, not ExternalName).
//
// From the internet the public chain is what it is: no claim. ok is false
// when the topology implies nothing.
func (e *Engine) Expect(v model.Vantage, name string) (Expectation, bool) {
	name, err := model.CanonicalName(name)
	if err != nil || v.Kind == model.VantageInternet {
		return Expectation{}, false
	}
	if v.Kind == model.VantagePod {
		if want, ok := e.expectService(v, name); ok {
			return want, true
		}
	}
	for _, pe := range e.endpointsNamed(name) {
		src, err := e.addrOf(nodeFor(v))
		if err != nil {
			return Expectation{}, false
		}
		if ok, _ := e.nets.Path(src, pe.IP); !ok {
			continue // the vantage cannot reach this endpoint: no claim for it
		}
		return Expectation{Addrs: []netip.Addr{pe.IP}, Loc: pe.Loc, Endpoint: pe,
			Why: fmt.Sprintf("%s is the name of private endpoint %s (%s), which %s reaches", name, pe.Name, pe.IP, v)}, true
	}
	return Expectation{}, false
}

// endpointsNamed returns the private endpoints a name belongs to, from an
// index built on first use: a whole-estate check asks for every endpoint.
func (e *Engine) endpointsNamed(name string) []*model.PrivateEndpoint {
	e.endpointsOnce.Do(func() {
		e.endpoints = map[string][]*model.PrivateEndpoint{}
		for _, pe := range e.t.Azure.PrivateEndpoints {
			if pe.Resource.Target == nil {
				continue
			}
			for _, n := range endpointNames(pe) {
				if !slices.Contains(e.endpoints[n], pe) {
					e.endpoints[n] = append(e.endpoints[n], pe)
				}
			}
		}
	})
	return e.endpoints[name]
}

// expectService reads name as a Service's name the way the pod's search
// list would complete it.
func (e *Engine) expectService(v model.Vantage, name string) (Expectation, bool) {
	c := model.Lookup[model.Cluster](e.t, v.Cluster)
	core := e.coredns[c]
	if core == nil {
		return Expectation{}, false
	}
	parts := strings.Split(strings.TrimSuffix(name, ".cluster.local"), ".")
	var svc, ns string
	switch {
	case len(parts) == 1:
		svc, ns = parts[0], v.Namespace
	case len(parts) == 2, len(parts) == 3 && parts[2] == "svc":
		svc, ns = parts[0], parts[1]
	default:
		return Expectation{}, false
	}
	s := core.k8s.services[svc+"."+ns]
	if s == nil || s.headless || s.external != "" {
		return Expectation{}, false
	}
	var addrs []netip.Addr
	for _, a := range s.ips {
		if a.Is4() {
			addrs = append(addrs, a)
		}
	}
	if len(addrs) == 0 {
		return Expectation{}, false
	}
	return Expectation{Addrs: addrs, Loc: s.loc,
		Why: fmt.Sprintf("%s names Service %s/%s of cluster %s, whose ClusterIP is %s", name, ns, svc, c.Name, addrList(addrs))}, true
}

// endpointNames are the names clients use for a private endpoint: the
// resource's public names and their privatelink forms.
func endpointNames(pe *model.PrivateEndpoint) []string {
	r := pe.Resource.Target
	var out []string
	for _, s := range publicSuffixes(r, pe.Subresource) {
		out = append(out, strings.ToLower(r.Name)+"."+s)
	}
	for _, z := range pe.DNSZoneGroup {
		if z.Target != nil {
			for _, rec := range endpointRecords(pe, z.Target.Name) {
				out = append(out, rec.owner)
			}
		}
	}
	return out
}

// nodeFor is the vantage whose address a vantage's traffic leaves from.
func nodeFor(v model.Vantage) model.Vantage {
	if v.Kind == model.VantagePod {
		return model.Vantage{Kind: model.VantageNode, Cluster: v.Cluster}
	}
	return v
}

// Diagnosis says how an answer differs from what the topology implies, why,
// and which changes make it right — each verified by resolving again on a
// copy of the topology with the change applied.
type Diagnosis struct {
	Vantage  string
	Name     string
	Expected Expectation
	Got      []netip.Addr
	GotErr   string
	Kind     string // one of the Kind* constants
	Cause    string
	CauseLoc model.Location
	Fixes    []Fix
}

// The kinds of wrong answer.
const (
	KindPublicLeak   = "public address leak"
	KindNXDomain     = "NXDOMAIN"
	KindTimeout      = "timeout"
	KindLoop         = "loop"
	KindStaleRecord  = "stale record"
	KindWrongPrivate = "wrong private address"
)

// Fix is a change to the topology that makes the answer right.
type Fix struct {
	Description string
	Loc         model.Location // where to make it
	Snippet     string         // the YAML to add or change
	apply       func(t *model.Topology) bool
}

// Reload returns a fresh copy of the topology the engine was built from,
// for trying fixes without touching the original.
type Reload func() (*model.Topology, error)

// Diagnose compares what v gets for name with what the topology implies. It
// returns nil when they agree or the topology implies nothing.
func (e *Engine) Diagnose(v model.Vantage, name string, reload Reload) (*Diagnosis, error) {
	want, ok := e.Expect(v, name)
	if !ok {
		return nil, nil
	}
	tr := &Trace{}
	res, err := e.Lookup(v, name, FamilyV4, tr)
	if err != nil {
		return nil, err
	}
	if sameAddrs(res.Addrs, want.Addrs) {
		return nil, nil
	}
	d := &Diagnosis{Vantage: v.String(), Name: name, Expected: want, Got: res.Addrs, GotErr: string(res.Err)}
	d.Kind = classify(res, tr)
	d.Cause, d.CauseLoc = e.cause(tr, v, want)
	for _, f := range e.candidateFixes(tr, v, want) {
		if e.verify(f, v, name, want, reload) {
			d.Fixes = append(d.Fixes, f)
		}
	}
	return d, nil
}

func sameAddrs(a, b []netip.Addr) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func classify(res StubResult, tr *Trace) string {
	for _, h := range tr.Hops {
		if h.RCode == ServFail && (strings.Contains(h.Decided, "forwarding loop") || strings.Contains(h.Decided, "CNAME loop") || strings.Contains(h.Decided, "a loop")) {
			return KindLoop
		}
	}
	switch {
	case res.Err == EAIAgain:
		return KindTimeout
	case len(res.Addrs) == 0:
		return KindNXDomain
	}
	for _, a := range res.Addrs {
		if !a.IsPrivate() {
			return KindPublicLeak
		}
	}
	// A private address from a zone's record that is not the endpoint's:
	// the record outlived the endpoint it was written for.
	for _, h := range tr.Hops {
		if h.Fact != nil && h.Fact.Kind == FactZoneAnswer {
			return KindStaleRecord
		}
	}
	return KindWrongPrivate
}

// privatelinkName reports whether a name is under a privatelink zone, and
// that zone's name (NAME.privatelink.SUFFIX → privatelink.SUFFIX).
func privatelinkName(name string) (string, bool) {
	i := strings.Index(name, ".privatelink.")
	if i < 0 {
		return "", false
	}
	return name[i+1:], true
}

// cause names the decisive hop, most telling first: a privatelink name sent
// to public DNS, a custom server or rule that sends the name elsewhere, a
// linked zone without the record, a stale record, a timeout.
func (e *Engine) cause(tr *Trace, v model.Vantage, want Expectation) (string, model.Location) {
	find := func(ok func(h Hop) bool) *Hop {
		for i := range tr.Hops {
			if ok(tr.Hops[i]) {
				return &tr.Hops[i]
			}
		}
		return nil
	}
	has := func(k FactKind) func(Hop) bool {
		return func(h Hop) bool { return h.Fact != nil && h.Fact.Kind == k }
	}
	if h := find(func(h Hop) bool { _, pl := privatelinkName(h.Question.Name); return pl && has(FactPublic)(h) }); h != nil {
		zone, _ := privatelinkName(h.Question.Name)
		vnet := h.Fact.VNet.Name
		loc := model.Location{}
		if z := e.zoneNamed(zone); z != nil {
			loc = z.Loc
		}
		return fmt.Sprintf("the query for %s reached Azure DNS in vnet %s, and zone %s is not linked to vnet %s, so the public chain answered", h.Question.Name, vnet, zone, vnet), loc
	}
	if h := find(has(FactZoneLacks)); h != nil {
		return fmt.Sprintf("zone %s, linked to vnet %s, has no record %s: a linked zone is authoritative, so the answer is NXDOMAIN", h.Fact.Zone.Name, h.Fact.VNet.Name, h.Question.Name), h.Fact.Zone.Loc
	}
	if h := find(has(FactZoneAnswer)); h != nil && want.Endpoint != nil {
		return fmt.Sprintf("zone %s holds a record for %s that is not endpoint %s's address %s", h.Fact.Zone.Name, h.Question.Name, want.Endpoint.Name, want.Endpoint.IP), h.Loc
	}
	if h := find(has(FactCustomUpstream)); h != nil && want.Endpoint != nil {
		return fmt.Sprintf("%s (%s) sends %s on (%s) instead of to a server that sees the private zone", h.Server, h.Fact.Addr, h.Question.Name, h.Decided), h.Loc
	}
	if h := find(has(FactRule)); h != nil {
		return fmt.Sprintf("%s: the name never reaches a server that sees the private zone", h.Decided), h.Loc
	}
	if h := find(func(h Hop) bool { return h.RCode == Timeout }); h != nil {
		return h.Server + ": " + h.Decided, h.Loc
	}
	if v.Kind == model.VantagePod && want.Endpoint == nil {
		if rc, err := e.resolvConf(v); err == nil {
			c := model.Lookup[model.Cluster](e.t, v.Cluster)
			if c != nil && !slices.Contains(rc.Nameservers, c.EffectiveDNSServiceIP()) {
				return fmt.Sprintf("the pod's resolv.conf does not use the cluster's DNS (%s): %s", c.EffectiveDNSServiceIP(), strings.Join(rc.Why, "; ")), model.Location{}
			}
		}
	}
	return "the answer differs; the path shows every decision", model.Location{}
}

func (e *Engine) zoneNamed(name string) *model.PrivateDNSZone {
	for _, z := range e.t.Azure.PrivateDNSZones {
		if z.Name == name {
			return z
		}
	}
	return nil
}

// candidateFixes proposes changes from the decisions in the trace; verify
// keeps those that work. Every fix edits elements by name on a fresh copy.
func (e *Engine) candidateFixes(tr *Trace, v model.Vantage, want Expectation) []Fix {
	var out []Fix
	seen := map[string]bool{}
	add := func(f Fix) {
		if !seen[f.Description] {
			seen[f.Description] = true
			out = append(out, f)
		}
	}
	pe := want.Endpoint
	for _, h := range tr.Hops {
		if h.Fact == nil {
			continue
		}
		f := h.Fact
		zoneName, pl := privatelinkName(h.Question.Name)
		switch f.Kind {
		case FactPublic:
			// Azure DNS of a VNet answered a privatelink name publicly: link
			// the zone to that VNet (azure-aws-dns.md §1.7).
			if !pl {
				continue
			}
			for _, z := range e.t.Azure.PrivateDNSZones {
				if z.Name == zoneName {
					add(linkZoneFix(z.Keys()[0], z.Loc, f.VNet.Name))
				}
			}
		case FactZoneLacks:
			if pe != nil {
				add(zoneGroupFix(pe, f.Zone))
			}
		case FactZoneAnswer:
			if pe != nil {
				if fix, ok := recordFix(f.Zone, h.Question.Name, pe.IP); ok {
					add(fix)
				}
			}
		case FactCustomUpstream:
			// A custom server must send the endpoint's names to a server
			// that sees the privatelink zone: 168.63.129.16 from a linked
			// VNet, or a DNS Private Resolver's inbound endpoint — a
			// conditional forwarder for the zone (azure-aws-dns.md §1.8).
			if pe == nil {
				continue
			}
			for _, zone := range e.endpointZones(pe) {
				for _, target := range e.resolverTargets() {
					add(forwarderFix(f.Server, f.Addr, h.Server, zone, target))
				}
			}
		case FactRule:
			// The rule forwards the name to a server that does not answer
			// it right: point it at a resolver inbound endpoint, or disable
			// it so that the linked zones and public DNS decide.
			rs := rulesetOf(e.t, f.Rule)
			for _, target := range e.resolverTargets() {
				if target != model.AzureDNS {
					add(ruleTargetFix(rs, f.Rule, target))
				}
			}
			add(ruleDisableFix(rs, f.Rule))
		}
	}
	if v.Kind == model.VantagePod && pe == nil {
		if fix, ok := e.dnsPolicyFix(v); ok {
			add(fix)
		}
	}
	return out
}

// endpointZones are the private zones an endpoint's names live in: its
// zone group's, else those the privatelink table names for it.
func (e *Engine) endpointZones(pe *model.PrivateEndpoint) []string {
	var out []string
	for _, z := range pe.DNSZoneGroup {
		if z.Target != nil && !slices.Contains(out, z.Target.Name) {
			out = append(out, z.Target.Name)
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, n := range endpointNames(pe) {
		for _, z := range e.t.Azure.PrivateDNSZones {
			if inZone(n, z.Name) && strings.HasPrefix(z.Name, "privatelink.") && !slices.Contains(out, z.Name) {
				out = append(out, z.Name)
			}
		}
	}
	return out
}

// resolverTargets are the servers that answer with the private zones in
// view: 168.63.129.16 (for a server inside a VNet) and every DNS Private
// Resolver inbound endpoint.
func (e *Engine) resolverTargets() []netip.Addr {
	out := []netip.Addr{model.AzureDNS}
	for _, r := range e.t.Azure.DNSResolvers {
		for _, in := range r.InboundEndpoints {
			out = append(out, in.IP)
		}
	}
	return out
}

func linkZoneFix(zoneKey string, loc model.Location, vnet string) Fix {
	return Fix{
		Description: fmt.Sprintf("link zone %s to vnet %s", zoneKey, vnet),
		Loc:         loc,
		Snippet:     fmt.Sprintf("links:\n  - {name: %s, vnet: %s}", vnet, vnet),
		apply: func(t *model.Topology) bool {
			tz := model.Lookup[model.PrivateDNSZone](t, zoneKey)
			tv := model.Lookup[model.VNet](t, vnet)
			if tz == nil || tv == nil {
				return false
			}
			// Azure refuses a second zone of the same name on a VNet
			// (azure-aws-dns.md §1.3): such a link is no fix.
			for _, z := range t.Azure.PrivateDNSZones {
				for _, l := range z.Links {
					if z.Name == tz.Name && l.VNet.Target == tv {
						return false
					}
				}
			}
			tz.Links = append(tz.Links, &model.VNetLink{Name: vnet, VNet: model.Ref[model.VNet]{Name: vnet, Target: tv}, Zone: tz})
			return true
		},
	}
}

func zoneGroupFix(pe *model.PrivateEndpoint, z *model.PrivateDNSZone) Fix {
	key, name := z.Keys()[0], pe.Name
	return Fix{
		Description: fmt.Sprintf("add zone %s to the DNS zone group of private endpoint %s", key, name),
		Loc:         pe.Loc,
		Snippet:     fmt.Sprintf("dnsZoneGroup: [%s]", key),
		apply: func(t *model.Topology) bool {
			tp := model.Lookup[model.PrivateEndpoint](t, name)
			tz := model.Lookup[model.PrivateDNSZone](t, key)
			if tp == nil || tz == nil {
				return false
			}
			tp.DNSZoneGroup = append(tp.DNSZoneGroup, model.Ref[model.PrivateDNSZone]{Name: key, Target: tz})
			return true
		},
	}
}

// recordFix rewrites the declared A record for owner in z to ip.
func recordFix(z *model.PrivateDNSZone, owner string, ip netip.Addr) (Fix, bool) {
	rel := strings.TrimSuffix(strings.TrimSuffix(owner, z.Name), ".")
	if rel == "" {
		rel = "@"
	}
	var rec *model.Record
	for _, r := range z.Records {
		if r.Type == model.TypeA && strings.EqualFold(r.Name, rel) {
			rec = r
		}
	}
	if rec == nil {
		return Fix{}, false
	}
	key := z.Keys()[0]
	return Fix{
		Description: fmt.Sprintf("set record %s A in zone %s to %s (the endpoint's address), or let the endpoint's DNS zone group keep it", rel, key, ip),
		Loc:         rec.Loc,
		Snippet:     fmt.Sprintf("- {name: %s, type: A, values: [%s]}", rel, ip),
		apply: func(t *model.Topology) bool {
			tz := model.Lookup[model.PrivateDNSZone](t, key)
			if tz == nil {
				return false
			}
			for _, r := range tz.Records {
				if r.Type == model.TypeA && strings.EqualFold(r.Name, rel) {
					r.Values, r.Data = []string{ip.String()}, []model.RData{{Addr: ip}}
					return true
				}
			}
			return false
		},
	}, true
}

// forwarderFix adds a conditional forwarder for zone to the custom DNS
// server listening at addr.
func forwarderFix(srv *model.DNSServer, addr netip.Addr, server, zone string, target netip.Addr) Fix {
	return Fix{
		Description: fmt.Sprintf("add a conditional forwarder for %s to %s on %s (%s)", zone, target, server, addr),
		Loc:         srv.Loc,
		Snippet:     fmt.Sprintf("conditionalForwarders:\n  - {domain: %s, targets: [%s]}", zone, target),
		apply: func(t *model.Topology) bool {
			ts := customServerAt(t, addr)
			if ts == nil {
				return false
			}
			ts.ConditionalForwarders = append(ts.ConditionalForwarders, &model.Forwarder{Domain: zone,
				Targets: []model.AddrPort{{AddrPort: netip.AddrPortFrom(target, 53)}}})
			return true
		},
	}
}

// customServerAt finds the DNS server configuration listening at addr.
func customServerAt(t *model.Topology, addr netip.Addr) *model.DNSServer {
	for _, vm := range t.Azure.VMs {
		if vm.DNS != nil && vm.IP == addr {
			return vm.DNS
		}
	}
	for _, i := range t.AWS.Instances {
		if i.DNS != nil && i.IP == addr {
			return i.DNS
		}
	}
	for _, s := range t.OnPrem.Sites {
		for _, h := range s.Hosts {
			if h.DNS != nil && h.IP == addr {
				return h.DNS
			}
		}
	}
	return nil
}

// ruleRef finds a forwarding rule by ruleset and name in a copy.
func ruleRef(t *model.Topology, ruleset, rule string) *model.ForwardingRule {
	for _, rs := range t.Azure.ForwardingRulesets {
		if rs.Name != ruleset {
			continue
		}
		for _, r := range rs.Rules {
			if r.Name == rule {
				return r
			}
		}
	}
	return nil
}

func rulesetOf(t *model.Topology, r *model.ForwardingRule) string {
	for _, rs := range t.Azure.ForwardingRulesets {
		if slices.Contains(rs.Rules, r) {
			return rs.Name
		}
	}
	return ""
}

func ruleTargetFix(ruleset string, r *model.ForwardingRule, target netip.Addr) Fix {
	name := r.Name
	return Fix{
		Description: fmt.Sprintf("point forwarding rule %s of ruleset %s at %s", name, ruleset, target),
		Loc:         r.Loc,
		Snippet:     fmt.Sprintf("targets: [%s]", target),
		apply: func(t *model.Topology) bool {
			tr := ruleRef(t, ruleset, name)
			if tr == nil {
				return false
			}
			tr.Targets = []model.AddrPort{{AddrPort: netip.AddrPortFrom(target, 53)}}
			return true
		},
	}
}

func ruleDisableFix(ruleset string, r *model.ForwardingRule) Fix {
	name := r.Name
	return Fix{
		Description: fmt.Sprintf("disable forwarding rule %s of ruleset %s (%s.), so that linked zones and public DNS answer", name, ruleset, r.Domain),
		Loc:         r.Loc,
		Snippet:     "state: Disabled",
		apply: func(t *model.Topology) bool {
			tr := ruleRef(t, ruleset, name)
			if tr == nil {
				return false
			}
			tr.State = "Disabled"
			return true
		},
	}
}

// dnsPolicyFix sets dnsPolicy ClusterFirst on a pod that does not use the
// cluster's DNS (kubernetes-dns.md §2.1).
func (e *Engine) dnsPolicyFix(v model.Vantage) (Fix, bool) {
	c := model.Lookup[model.Cluster](e.t, v.Cluster)
	if c == nil || c.Objects == nil {
		return Fix{}, false
	}
	w := c.Objects.Workload(v.Namespace, v.Pod)
	if w == nil || w.Template.Spec.DNSPolicy == corev1.DNSClusterFirst || w.Template.Spec.DNSPolicy == "" && !w.Template.Spec.HostNetwork {
		return Fix{}, false
	}
	policy := corev1.DNSClusterFirst
	if w.Template.Spec.HostNetwork {
		policy = corev1.DNSClusterFirstWithHostNet
	}
	cluster, ns, name := c.Name, w.Namespace, w.Name
	return Fix{
		Description: fmt.Sprintf("set dnsPolicy: %s on %s %s/%s", policy, w.Kind, ns, name),
		Loc:         w.Loc,
		Snippet:     fmt.Sprintf("spec:\n  dnsPolicy: %s", policy),
		apply: func(t *model.Topology) bool {
			tc := model.Lookup[model.Cluster](t, cluster)
			if tc == nil || tc.Objects == nil {
				return false
			}
			tw := tc.Objects.Workload(ns, name)
			if tw == nil {
				return false
			}
			tw.Template.Spec.DNSPolicy = policy
			return true
		},
	}, true
}

// verify applies f to a fresh copy and resolves again.
func (e *Engine) verify(f Fix, v model.Vantage, name string, want Expectation, reload Reload) bool {
	if reload == nil {
		return false
	}
	t, err := reload()
	if err != nil || !f.apply(t) {
		return false
	}
	var downAddrs []netip.Addr
	for a := range e.down {
		downAddrs = append(downAddrs, a)
	}
	e2, errs := New(t, downAddrs, e.nets.DownConnections())
	if len(errs) > 0 {
		return false
	}
	res, err := e2.Lookup(v, name, FamilyV4, nil)
	return err == nil && sameAddrs(res.Addrs, want.Addrs)
}

// Reaches reports whether traffic from v gets to addr (over the paths the
// engine models): where it does not, the topology makes no DNS claim.
func (e *Engine) Reaches(v model.Vantage, addr netip.Addr) bool {
	src, err := e.addrOf(nodeFor(v))
	if err != nil {
		return false
	}
	return e.nets.Reachable(src, addr)
}

// EndpointName is the name clients use for a private endpoint: its
// resource's first public name (e.g. NAME.vault.azure.net), "" when the
// resource is unknown.
func EndpointName(pe *model.PrivateEndpoint) string {
	if pe.Resource.Target == nil {
		return ""
	}
	if n := endpointNames(pe); len(n) > 0 {
		return n[0]
	}
	return ""
}

// EndpointNames are all the names of a private endpoint: its resource's
// public names and, for its zone group's zones, their privatelink forms.
func EndpointNames(pe *model.PrivateEndpoint) []string {
	if pe.Resource.Target == nil {
		return nil
	}
	return endpointNames(pe)
}

// Networks returns the engine's view of the estate's networks and paths.
func (e *Engine) Networks() *reach.Networks { return e.nets }

// Source returns the address v's traffic leaves from (a pod's: its node's).
func (e *Engine) Source(v model.Vantage) (netip.Addr, error) { return e.addrOf(nodeFor(v)) }
