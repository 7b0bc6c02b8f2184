package netpol

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/aksnet/aksnet/internal/model"
)

// program is what applies to one group's traffic in one direction, in
// evaluation order: the admin tier's rules (policies by priority, rules in
// order), the NetworkPolicies that select the group and their rules, and the
// baseline tier's rules.
type program struct {
	admin     []*rule
	isolating []*policy
	np        []*rule
	baseline  []*rule
}

func (p *program) rules() []*rule {
	out := make([]*rule, 0, len(p.admin)+len(p.np)+len(p.baseline))
	out = append(out, p.admin...)
	out = append(out, p.np...)
	return append(out, p.baseline...)
}

func (a *Analyzer) buildPrograms() {
	for dir := range a.programs {
		a.programs[dir] = make([]*program, len(a.groups))
	}
	if !a.sem.Enforced {
		return
	}
	// The address ranges the map shows are cut by every range an enforced
	// policy names: sources by ingress rules, destinations by egress rules.
	for _, pol := range a.policies {
		if !a.enforced(pol) {
			continue
		}
		for _, dir := range []direction{ingress, egress} {
			for _, rs := range [][]*rule{pol.rules[dir], pol.inert[dir]} {
				for _, r := range rs {
					for _, n := range r.nets {
						if dir == ingress {
							a.srcCuts = append(a.srcCuts, a.nets[n].cuts...)
						} else {
							a.dstCuts = append(a.dstCuts, a.nets[n].cuts...)
						}
					}
				}
			}
		}
	}
	if a.sem.NamedPortCollisions {
		a.warnCollisions()
	}
	admin, baseline := a.ordered(tierAdmin), a.ordered(tierBaseline)
	npByNS := map[string][]*policy{}
	for _, p := range a.policies {
		if p.kind == KindNetworkPolicy {
			npByNS[p.ns] = append(npByNS[p.ns], p)
		}
	}
	for _, dir := range []direction{ingress, egress} {
		for _, g := range a.groups {
			p := &program{}
			for _, pol := range admin {
				if pol.affects[dir] && pol.selects(g) {
					p.admin = append(p.admin, pol.rules[dir]...)
				}
			}
			for _, pol := range npByNS[g.ns.name] {
				if pol.affects[dir] && pol.selects(g) {
					p.isolating = append(p.isolating, pol)
					p.np = append(p.np, pol.rules[dir]...)
				}
			}
			for _, pol := range baseline {
				if pol.affects[dir] && pol.selects(g) {
					p.baseline = append(p.baseline, pol.rules[dir]...)
				}
			}
			if len(p.admin) > 0 || len(p.isolating) > 0 || len(p.baseline) > 0 {
				a.programs[dir][g.idx] = p
			}
		}
	}
}

// run evaluates a program for one peer: match tells which rules' peers hold
// it, dst is the destination pods (nil for an address), whose named ports
// the rules resolve. The tiers follow network-policy-api
// (ClusterNetworkPolicySpec.Tier): an admin rule's Allow or Deny is final and
// Pass hands the connection to the NetworkPolicy tier; "v1.NetworkPolicy
// always makes a final decision for selected pods" — allowed if any rule of
// any selecting policy allows it (rules are additive, Kubernetes
// NetworkPolicy); for pods no NetworkPolicy selects, the baseline tier
// decides, then the default: allow.
func (a *Analyzer) run(p *program, match func(*rule) bool, dst *group) Conns {
	if p == nil {
		return AllConns()
	}
	var allowed, denied Conns
	open := AllConns() // not yet matched by an admin rule
	for _, r := range p.admin {
		if open.IsEmpty() {
			break
		}
		if !match(r) {
			continue
		}
		c := r.ports.resolve(dst).Intersect(open)
		open = open.Subtract(c)
		switch r.action {
		case allow:
			allowed = allowed.Union(c)
		case deny:
			denied = denied.Union(c)
		}
	}
	// What an admin rule passed on, or none matched, goes to the next tier.
	open = AllConns().Subtract(allowed).Subtract(denied)
	if len(p.isolating) > 0 {
		var np Conns
		for _, r := range p.np {
			if match(r) {
				np = np.Union(r.ports.resolve(dst))
			}
		}
		return allowed.Union(np.Intersect(open))
	}
	for _, r := range p.baseline {
		if open.IsEmpty() {
			break
		}
		if !match(r) {
			continue
		}
		c := r.ports.resolve(dst).Intersect(open)
		open = open.Subtract(c)
		if r.action != deny {
			// A baseline Pass skips to the next tier: the default, allow.
			allowed = allowed.Union(c)
		}
	}
	return allowed.Union(open)
}

// Peer is one end of a connection: a workload's pods, or an address.
type Peer struct {
	w       *Workload
	g       *group
	addr    netip.Addr
	ownNode bool
}

// WorkloadPeer is the pods of w (its first variant when its pods differ).
func (a *Analyzer) WorkloadPeer(w *Workload) Peer { return Peer{w: w, g: w.groups[0]} }

// AddrPeer is the holder of an address: the pod whose manifest records it,
// or else an address outside the cluster's pods.
func (a *Analyzer) AddrPeer(ip netip.Addr) Peer {
	if ip.Is4() {
		if g, ok := a.byAddr[addrToUint(ip)]; ok {
			return Peer{w: g.workloads[0], g: g}
		}
	}
	return Peer{addr: ip}
}

// OwnNodePeer is the node the source pod runs on, at addr when known: the
// engines differ on whether a pod may always reach it (Semantics).
func (a *Analyzer) OwnNodePeer(addr netip.Addr) Peer { return Peer{addr: addr, ownNode: true} }

// IsWorkload reports whether the peer is a workload's pods.
func (p Peer) IsWorkload() bool { return p.g != nil }

// Workload returns the peer's workload, or nil for an address.
func (p Peer) Workload() *Workload { return p.w }

func (p Peer) String() string {
	switch {
	case p.w != nil:
		return p.w.String()
	case p.ownNode && p.addr.IsValid():
		return "its own node " + p.addr.String()
	case p.ownNode:
		return "its own node"
	}
	return p.addr.String()
}

// matcher tells which rules' peers hold p.
func (a *Analyzer) matcher(p Peer) func(*rule) bool {
	if p.g != nil {
		idx := p.g.idx
		return func(r *rule) bool { return r.groups.has(idx) }
	}
	if p.ownNode && !a.sem.IPBlockSelectsPods {
		// Cilium: ipBlock cannot select node addresses (delta 2).
		return func(r *rule) bool { return r.any }
	}
	var u uint32
	known := p.addr.Is4()
	if known {
		u = addrToUint(p.addr)
	}
	return func(r *rule) bool {
		if r.any {
			return true
		}
		if !known {
			return false
		}
		for _, n := range r.nets {
			if a.nets[n].set.covers(IPRange{u, u}) {
				return true
			}
		}
		return false
	}
}

// Conns returns every connection src may open to dst.
func (a *Analyzer) Conns(src, dst Peer) Conns {
	v := a.Check(Query{Src: src, Dst: dst})
	return v.Conns
}

// Query is a connection to evaluate.
type Query struct {
	Src, Dst Peer
	// Proto and Port name one connection; Port 0 asks for every one.
	Proto Protocol
	Port  int32
	// ViaService: the connection reaches Dst through a LoadBalancer or
	// NodePort Service with externalTrafficPolicy Cluster, where NPM applies
	// no ingress policy (Semantics.IngressViaServiceEnforced).
	ViaService bool
}

// RuleRef names a policy rule, or a policy (Index -1), with its place.
type RuleRef struct {
	Kind      PolicyKind     `json:"kind"`
	Namespace string         `json:"namespace,omitempty"`
	Name      string         `json:"name"`
	Direction string         `json:"direction"`
	Index     int            `json:"index"`
	RuleName  string         `json:"ruleName,omitempty"`
	Action    string         `json:"action,omitempty"`
	Loc       model.Location `json:"location"`
	// Conns is what the rule allows (or denies) between the pair.
	Conns string `json:"conns,omitempty"`
	// Peers are the rule's peers as written (from or to).
	Peers []string `json:"peers,omitempty"`
	// Miss says, for a near miss, what does not match: "port" (the rule
	// matches the peer, not this port) or "peer" (the port, not the peer).
	Miss string `json:"miss,omitempty"`
}

func (r RuleRef) String() string {
	s := string(r.Kind) + " "
	if r.Namespace != "" {
		s += r.Namespace + "/"
	}
	s += r.Name
	if r.Index >= 0 {
		s += fmt.Sprintf(" spec.%s[%d]", r.Direction, r.Index)
		if r.RuleName != "" {
			s += fmt.Sprintf(" %q", r.RuleName)
		}
	}
	return s
}

func refOf(r *rule) RuleRef {
	ref := policyRef(r.pol, r.dir)
	ref.Index, ref.RuleName, ref.Peers = r.index, r.name, r.peers
	switch r.action {
	case allow:
		ref.Action = "Allow"
		if r.pol.kind == KindClusterNetworkPolicy {
			ref.Action = "Accept"
		}
	case deny:
		ref.Action = "Deny"
	case pass:
		ref.Action = "Pass"
	}
	return ref
}

func policyRef(p *policy, dir direction) RuleRef {
	return RuleRef{Kind: p.kind, Namespace: p.ns, Name: p.name, Direction: dir.String(), Index: -1, Loc: p.loc}
}

// Side is the verdict of one end: the source's egress or the destination's
// ingress.
type Side struct {
	Direction string `json:"direction"`
	// Subject is the workload whose policies apply, empty for an address.
	Subject string `json:"subject,omitempty"`
	Allowed bool   `json:"allowed"`
	// Tier decided: admin, networkpolicy, baseline, default, or engine
	// (the engine enforces nothing here).
	Tier   string `json:"tier"`
	Reason string `json:"reason"`
	// Rules decided: the admin or baseline rule, or every NetworkPolicy rule
	// that allows (rules are additive). A Pass comes first when the
	// connection was passed on.
	Rules []RuleRef `json:"rules,omitempty"`
	// Isolating are the NetworkPolicies that select the subject for this
	// direction.
	Isolating []RuleRef `json:"isolating,omitempty"`
	// Nearly are rules of the isolating policies that match the peer but
	// not this port, or this port but not the peer: where a fix would go.
	Nearly []RuleRef `json:"nearly,omitempty"`
	// Conns is every connection this side allows between the pair.
	Conns string `json:"conns"`
}

// Verdict answers a Query.
type Verdict struct {
	Src     string   `json:"src"`
	Dst     string   `json:"dst"`
	Conn    string   `json:"conn"`
	Allowed bool     `json:"allowed"`
	Engine  Engine   `json:"engine"`
	Egress  Side     `json:"egress"`
	Ingress Side     `json:"ingress"`
	Notes   []string `json:"notes,omitempty"`
	// Conns is every connection allowed between the pair; AllowedConns
	// renders it.
	Conns        Conns  `json:"-"`
	AllowedConns string `json:"allowedConns"`
}

// Check evaluates a query: both sides, the rules that decided each, and what
// the pair may open at all.
func (a *Analyzer) Check(q Query) *Verdict {
	v := &Verdict{Src: q.Src.String(), Dst: q.Dst.String(), Engine: a.sem.Engine}
	if q.Port > 0 {
		v.Conn = fmt.Sprintf("%s/%d", q.Proto, q.Port)
	}
	v.Egress = Side{Direction: "egress"}
	v.Ingress = Side{Direction: "ingress"}
	if q.Src.w != nil {
		v.Egress.Subject = q.Src.w.String()
	}
	if q.Dst.w != nil {
		v.Ingress.Subject = q.Dst.w.String()
	}
	if q.Src.w != nil && q.Src.w.groups[0] != q.Src.g {
		v.Notes = append(v.Notes, fmt.Sprintf("the pods of %s differ; this answers for some of them", q.Src.w))
	}
	if q.Src.w != nil && q.Src.w == q.Dst.w {
		v.Notes = append(v.Notes, "source and destination are the same workload: this is traffic between two of its pods "+
			"(a pod reaching itself is never filtered)")
	}

	egConns, inConns := AllConns(), AllConns()
	switch {
	case !a.sem.Enforced:
		for _, s := range []*Side{&v.Egress, &v.Ingress} {
			s.Allowed, s.Tier = true, "engine"
			s.Reason = "the cluster has no network policy engine (networkPolicy none): nothing is enforced"
		}
	default:
		if q.Src.g != nil {
			p := a.programs[egress][q.Src.g.idx]
			if q.Dst.ownNode && a.sem.NodeLocalEgressAllowed {
				v.Egress.Allowed, v.Egress.Tier = true, "engine"
				v.Egress.Reason = "Azure NPM always lets a pod reach its own node (network-policy.md §5 delta 4)"
			} else {
				egConns = a.run(p, a.matcher(q.Dst), q.Dst.g)
				a.explain(&v.Egress, p, q.Dst, q.Dst.g, q, egConns)
			}
		} else {
			v.Egress.Allowed, v.Egress.Tier = true, "default"
			v.Egress.Reason = "the source is an address outside the cluster's pods: no policy applies to its egress here"
		}
		if q.Dst.g != nil {
			p := a.programs[ingress][q.Dst.g.idx]
			if q.ViaService && !a.sem.IngressViaServiceEnforced {
				v.Ingress.Allowed, v.Ingress.Tier = true, "engine"
				v.Ingress.Reason = "Azure NPM applies no ingress policy to traffic through a LoadBalancer or NodePort Service " +
					"with externalTrafficPolicy Cluster (network-policy.md §5 delta 5)"
			} else {
				inConns = a.run(p, a.matcher(q.Src), q.Dst.g)
				a.explain(&v.Ingress, p, q.Src, q.Dst.g, q, inConns)
			}
		} else {
			v.Ingress.Allowed, v.Ingress.Tier = true, "default"
			v.Ingress.Reason = "the destination is an address outside the cluster's pods: no policy applies to its ingress here"
		}
	}
	v.Egress.Conns, v.Ingress.Conns = egConns.String(), inConns.String()
	v.Conns = egConns.Intersect(inConns)
	v.AllowedConns = v.Conns.String()
	if q.Port > 0 {
		v.Allowed = v.Egress.Allowed && v.Ingress.Allowed
	} else {
		v.Allowed = !v.Conns.IsEmpty()
	}
	if q.Src.g != nil && q.Src.g.hostNetwork || q.Dst.g != nil && q.Dst.g.hostNetwork {
		v.Notes = append(v.Notes, "a hostNetwork pod takes part: policies neither select it nor match it as a pod peer")
	}
	if a.sem.NamedPortCollisions {
		v.Notes = append(v.Notes, a.collisionNotes(v)...)
	}
	return v
}

// explain fills one side's verdict for the query's port (or, without one,
// for every connection the side allows), mirroring run's order.
func (a *Analyzer) explain(s *Side, p *program, peer Peer, dst *group, q Query, conns Conns) {
	subject := s.Subject
	if p == nil {
		s.Allowed, s.Tier = true, "default"
		s.Reason = fmt.Sprintf("no policy selects %s for %s", subject, s.Direction)
		return
	}
	match := a.matcher(peer)
	contains := func(c Conns) bool {
		if q.Port == 0 {
			return !c.IsEmpty()
		}
		return c.Contains(q.Proto, q.Port)
	}
	what := "the connection"
	if q.Port > 0 {
		what = q.Proto.String() + "/" + fmt.Sprint(q.Port)
	}
	open := AllConns()
	var decided Conns
	passed := false
	for _, r := range p.admin {
		if !match(r) {
			continue
		}
		c := r.ports.resolve(dst).Intersect(open)
		open = open.Subtract(c)
		if r.action != pass {
			decided = decided.Union(c)
		}
		if !contains(c) {
			continue
		}
		ref := refOf(r)
		ref.Conns = c.String()
		switch r.action {
		case allow:
			s.Rules = append(s.Rules, ref)
			if q.Port > 0 {
				s.Allowed, s.Tier = true, "admin"
				s.Reason = fmt.Sprintf("%s allows %s (admin tier: final)", ref, what)
				return
			}
		case deny:
			s.Rules = append(s.Rules, ref)
			if q.Port > 0 {
				s.Allowed, s.Tier = false, "admin"
				s.Reason = fmt.Sprintf("%s denies %s (admin tier: final)", ref, what)
				return
			}
		case pass:
			s.Rules = append(s.Rules, ref)
			passed = true
			if q.Port > 0 {
				goto nextTier
			}
		}
	}
nextTier:
	open = AllConns().Subtract(decided)
	if len(p.isolating) > 0 {
		s.Tier = "networkpolicy"
		for _, pol := range p.isolating {
			s.Isolating = append(s.Isolating, policyRef(pol, dirOf(s.Direction)))
		}
		var allowing []RuleRef
		for _, r := range p.np {
			c := r.ports.resolve(dst)
			switch {
			case match(r) && contains(c.Intersect(open)):
				ref := refOf(r)
				ref.Conns = c.Intersect(open).String()
				allowing = append(allowing, ref)
			case match(r):
				ref := refOf(r)
				ref.Conns, ref.Miss = c.String(), "port"
				s.Nearly = append(s.Nearly, ref)
			case contains(c):
				ref := refOf(r)
				ref.Conns, ref.Miss = c.String(), "peer"
				s.Nearly = append(s.Nearly, ref)
			}
		}
		s.Rules = append(s.Rules, allowing...)
		names := make([]string, len(p.isolating))
		for i, pol := range p.isolating {
			names[i] = pol.String()
		}
		if q.Port > 0 {
			s.Allowed = len(allowing) > 0
		} else {
			s.Allowed = !conns.IsEmpty()
		}
		prefix := ""
		if passed {
			prefix = "passed on by the admin tier; "
		}
		switch {
		case len(allowing) > 0:
			s.Reason = fmt.Sprintf("%s%s is selected by %s; %d rule(s) allow %s", prefix, subject, strings.Join(names, ", "), len(allowing), what)
		default:
			s.Reason = fmt.Sprintf("%s%s is isolated for %s by %s and no rule of them allows %s from this peer",
				prefix, subject, s.Direction, strings.Join(names, ", "), what)
			if s.Direction == "egress" {
				s.Reason = strings.Replace(s.Reason, "from this peer", "to this peer", 1)
			}
		}
		return
	}
	for _, r := range p.baseline {
		if !match(r) {
			continue
		}
		c := r.ports.resolve(dst).Intersect(open)
		open = open.Subtract(c)
		if !contains(c) {
			continue
		}
		ref := refOf(r)
		ref.Conns = c.String()
		s.Rules = append(s.Rules, ref)
		if q.Port > 0 {
			s.Tier = "baseline"
			switch r.action {
			case deny:
				s.Allowed = false
				s.Reason = fmt.Sprintf("no NetworkPolicy selects %s for %s; %s denies %s", subject, s.Direction, ref, what)
			case pass:
				s.Allowed, s.Tier = true, "default"
				s.Reason = fmt.Sprintf("no NetworkPolicy selects %s for %s; %s passes %s to the default, allow", subject, s.Direction, ref, what)
			default:
				s.Allowed = true
				s.Reason = fmt.Sprintf("no NetworkPolicy selects %s for %s; %s allows %s", subject, s.Direction, ref, what)
			}
			return
		}
	}
	if q.Port == 0 {
		s.Allowed = !conns.IsEmpty()
		s.Tier = "mixed"
		s.Reason = fmt.Sprintf("%s allowed by the rules listed (and the default, allow, for what no rule matches)", conns)
		if len(s.Rules) == 0 {
			s.Tier = "default"
			s.Reason = fmt.Sprintf("no rule that applies to %s for %s matches this peer: the default allows it", subject, s.Direction)
		}
		return
	}
	s.Allowed = true
	s.Tier = "default"
	if passed {
		s.Reason = fmt.Sprintf("passed on by the admin tier; no NetworkPolicy selects %s for %s and no baseline rule matches: the default allows it", subject, s.Direction)
		return
	}
	s.Reason = fmt.Sprintf("no NetworkPolicy selects %s for %s and no admin or baseline rule matches %s: the default allows it", subject, s.Direction, what)
}

func dirOf(s string) direction {
	if s == "ingress" {
		return ingress
	}
	return egress
}

// collisionNotes warns, on Cilium, when a deciding rule names a port that
// maps to different numbers on different pods (cilium/cilium#30003).
func (a *Analyzer) collisionNotes(v *Verdict) []string {
	var out []string
	for _, s := range []Side{v.Egress, v.Ingress} {
		for _, ref := range s.Rules {
			for _, pol := range a.policies {
				if pol.kind != ref.Kind || pol.ns != ref.Namespace || pol.name != ref.Name || ref.Index < 0 {
					continue
				}
				for _, r := range pol.rules[dirOf(ref.Direction)] {
					if r.index != ref.Index {
						continue
					}
					for _, n := range r.ports.named {
						if nums := a.portNumbers(n.name, namedPortDestinations(pol, r)); len(nums) > 1 {
							out = append(out, fmt.Sprintf("%s names port %q, which maps to %s on different pods: Cilium may enforce it wrongly "+
								"(cilium/cilium#30003; use numbers, network-policy.md §5 delta 3)", ref, n.name, strings.Join(nums, " and ")))
						}
					}
				}
			}
		}
	}
	return out
}

// namedPortDestinations are the pods a rule's named ports resolve at: the
// subject's for ingress, the peers' for egress.
func namedPortDestinations(pol *policy, r *rule) func(*group) bool {
	if r.dir == egress {
		return func(g *group) bool { return r.groups.has(g.idx) }
	}
	return pol.selects
}

func (a *Analyzer) portNumbers(name string, in func(*group) bool) []string {
	seen := map[string]bool{}
	var out []string
	for _, g := range a.groups {
		if !in(g) {
			continue
		}
		for _, cp := range g.ports {
			if cp.Name == name {
				k := fmt.Sprint(cp.ContainerPort)
				if !seen[k] {
					seen[k] = true
					out = append(out, k)
				}
				break
			}
		}
	}
	return out
}

// warnCollisions reports, on Cilium, every enforced rule naming a port that
// maps to different numbers on different pods (cilium/cilium#30003).
func (a *Analyzer) warnCollisions() {
	for _, pol := range a.policies {
		if !a.enforced(pol) {
			continue
		}
		for _, rules := range pol.rules {
			for _, r := range rules {
				for _, n := range r.ports.named {
					if nums := a.portNumbers(n.name, namedPortDestinations(pol, r)); len(nums) > 1 {
						a.warnf(pol.loc, pol.String()+r.path()+n.name, "%s: %s: port %q is %s on different pods; Cilium may enforce "+
							"such a name wrongly (cilium/cilium#30003): use numbers (network-policy.md §5 delta 3)",
							pol, r.path(), n.name, strings.Join(nums, " and "))
					}
				}
			}
		}
	}
}
