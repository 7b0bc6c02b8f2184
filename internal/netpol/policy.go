package netpol

import (
	"fmt"
	"sort"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	policyv1alpha1 "sigs.k8s.io/network-policy-api/apis/v1alpha1"
	policyv1alpha2 "sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/aksnet/aksnet/internal/model"
)

type (
	networkingPeer = networkingv1.NetworkPolicyPeer
	networkingPort = networkingv1.NetworkPolicyPort
)

// direction is ingress or egress.
type direction uint8

const (
	ingress direction = iota
	egress
)

func (d direction) String() string {
	if d == ingress {
		return "ingress"
	}
	return "egress"
}

// action is what a rule does with the traffic it matches. NetworkPolicy
// rules only allow; the cluster-scoped kinds also deny and pass.
type action uint8

const (
	allow action = iota
	deny
	pass
)

// PolicyKind names the kinds of policy aksnet evaluates.
type PolicyKind string

const (
	KindNetworkPolicy              PolicyKind = "NetworkPolicy"
	KindAdminNetworkPolicy         PolicyKind = "AdminNetworkPolicy"
	KindBaselineAdminNetworkPolicy PolicyKind = "BaselineAdminNetworkPolicy"
	KindClusterNetworkPolicy       PolicyKind = "ClusterNetworkPolicy"
)

// tier orders evaluation: admin, then NetworkPolicy, then baseline, then the
// default (allow). network-policy-api v1alpha2 ClusterNetworkPolicySpec.Tier
// documents the order; v1alpha1 ANP and BANP fill the admin and baseline
// tiers (apis/v1alpha1 adminnetworkpolicy_types.go).
type tier uint8

const (
	tierAdmin tier = iota
	tierNetworkPolicy
	tierBaseline
)

type policy struct {
	kind     PolicyKind
	ns, name string
	loc      model.Location
	tier     tier
	priority int32
	// The subject: pods in subjNSName (NetworkPolicy) or in namespaces
	// matching subjNS, whose labels match subjPods.
	subjNSName string
	subjNS     labels.Selector
	subjPods   labels.Selector
	affects    [2]bool
	rules      [2][]*rule
	// inert are rules of a direction the policy does not affect (a
	// NetworkPolicy's policyTypes leave it out): they decide nothing, but
	// their ipBlocks still cut the map's address ranges, as netpol-analyzer
	// cuts them.
	inert [2][]*rule
}

// enforced reports whether the engine applies the policy's kind.
func (a *Analyzer) enforced(p *policy) bool {
	switch {
	case !a.sem.Enforced:
		return false
	case p.kind == KindClusterNetworkPolicy:
		return a.sem.ClusterNetworkPolicies
	case p.kind == KindNetworkPolicy:
		return true
	}
	return a.sem.AdminPolicies
}

func (p *policy) String() string {
	if p.ns != "" {
		return string(p.kind) + " " + p.ns + "/" + p.name
	}
	return string(p.kind) + " " + p.name
}

type rule struct {
	peers  []string // the peers as written, for explanations
	pol    *policy
	dir    direction
	index  int
	name   string
	action action
	any    bool // matches every peer, pods and addresses (a NetworkPolicy rule without from/to)
	pods   []podPeer
	nets   []int // indices of Analyzer.nets
	ports  portSpec
	groups bitset // the groups the rule's peers match, filled by resolve
}

// podPeer matches pods in namespace nsName, or in namespaces matching nsSel,
// whose labels match podSel (nil: all).
type podPeer struct {
	nsName string
	nsSel  labels.Selector
	podSel labels.Selector
}

// portSpec is a rule's ports: numbers, and names the destination pod
// resolves.
type portSpec struct {
	all   bool
	nums  Conns
	named []namedPort
}

type namedPort struct {
	proto    Protocol
	anyProto bool // admin policies take the container port's protocol
	name     string
}

// resolve returns the connections the spec allows to dst (nil: an address,
// where names resolve to nothing).
func (ps *portSpec) resolve(dst *group) Conns {
	if ps.all {
		return AllConns()
	}
	c := ps.nums
	if dst == nil {
		return c
	}
	for _, n := range ps.named {
		// The first container port of that name, as netpol-analyzer's
		// ConvertPodNamedPort and kube-proxy read it.
		for _, cp := range dst.ports {
			if cp.Name != n.name {
				continue
			}
			proto, ok := ParseProtocol(string(cp.Protocol))
			if cp.Protocol == "" {
				proto, ok = TCP, true
			}
			if ok && (n.anyProto || proto == n.proto) {
				c = c.Union(ConnsOf(proto, cp.ContainerPort, cp.ContainerPort))
			}
			break
		}
	}
	return c
}

type compiler struct {
	a      *Analyzer
	errs   *model.ErrorList
	netIdx map[string]int
	partly map[partlyKey]bool
}

type partlyKey struct {
	r   *rule
	net int
}

func (c *compiler) errf(loc model.Location, format string, args ...any) *model.Error {
	e := model.Errorf(loc, format, args...)
	c.errs.Add(e)
	return e
}

// policies compiles every policy of the cluster; the engine decides which
// apply.
func (c *compiler) policies(objs *model.KubeObjects) {
	a := c.a
	seen := map[string]model.Location{}
	dup := func(kind, ns, name string, loc model.Location) bool {
		k := kind + "/" + ns + "/" + name
		if prev, ok := seen[k]; ok {
			c.errf(loc, "%s %s is declared twice (first at %s)", kind, strings.TrimPrefix(ns+"/"+name, "/"), prev).
				WithHint("the second would replace the first; rename or remove one")
			return true
		}
		seen[k] = loc
		return false
	}
	for _, p := range objs.NetworkPolicies {
		if !dup("NetworkPolicy", p.Namespace, p.Name, p.Loc) {
			a.policies = append(a.policies, c.networkPolicy(p))
		}
	}
	for _, p := range objs.AdminNetworkPolicies {
		if !dup("AdminNetworkPolicy", "", p.Name, p.Loc) {
			a.policies = append(a.policies, c.adminPolicy(p))
		}
	}
	for _, p := range objs.BaselineAdminNetworkPolicies {
		if dup("BaselineAdminNetworkPolicy", "", p.Name, p.Loc) {
			continue
		}
		if p.Name != "default" {
			// CEL rule of the CRD: "Only one baseline admin network policy
			// with metadata.name="default" can be created in the cluster".
			c.errf(p.Loc, "BaselineAdminNetworkPolicy %s: the only BaselineAdminNetworkPolicy a cluster accepts is named \"default\"", p.Name).
				WithHint("rename it to default")
			continue
		}
		// Being named "default", a second one is a duplicate (above).
		a.policies = append(a.policies, c.baselinePolicy(p))
	}
	for _, p := range objs.ClusterNetworkPolicies {
		if !dup("ClusterNetworkPolicy", "", p.Name, p.Loc) {
			a.policies = append(a.policies, c.clusterPolicy(p))
		}
	}
	if !a.sem.Enforced {
		if n := len(a.policies); n > 0 {
			a.warnf(model.Location{}, "", "engine none: the cluster enforces none of its %d policies; every connection is allowed "+
				"(AKS networkPolicy none stores NetworkPolicies but nothing applies them; choose azure, calico or cilium)", n)
		}
		return
	}
	var notANP, notCNP int
	for _, p := range a.policies {
		switch p.kind {
		case KindAdminNetworkPolicy, KindBaselineAdminNetworkPolicy:
			if !a.sem.AdminPolicies {
				notANP++
			}
		case KindClusterNetworkPolicy:
			if !a.sem.ClusterNetworkPolicies {
				notCNP++
			}
		}
	}
	if notANP > 0 {
		a.warnf(model.Location{}, "", "engine %s does not implement AdminNetworkPolicy or BaselineAdminNetworkPolicy: %d are not evaluated "+
			"(of the AKS engines only Calico implements them; network-policy.md §4)", a.sem.Engine, notANP)
	}
	if notCNP > 0 {
		a.warnf(model.Location{}, "", "engine %s does not implement ClusterNetworkPolicy: %d are not evaluated "+
			"(of the AKS engines only Calico, from v3.32, implements it; network-policy.md §4)", a.sem.Engine, notCNP)
	}
}

// selector compiles a label selector; nil stays nil.
func (c *compiler) selector(s *metav1.LabelSelector, loc model.Location, what, path string) labels.Selector {
	if s == nil {
		return nil
	}
	sel, err := metav1.LabelSelectorAsSelector(s)
	if err != nil {
		c.errf(loc, "%s: %s: %v", what, path, err).
			WithHint("operators are In, NotIn (with values), Exists and DoesNotExist (without)")
		return labels.Nothing()
	}
	return sel
}

// net registers a set of addresses named by a peer and returns its index.
func (c *compiler) net(set ipSet, cuts []IPRange, text string) int {
	k := fmt.Sprint(set, cuts)
	if i, ok := c.netIdx[k]; ok {
		return i
	}
	i := len(c.a.nets)
	c.a.nets = append(c.a.nets, &netInfo{set: set, text: text, cuts: cuts})
	c.netIdx[k] = i
	return i
}

func (c *compiler) networkPolicy(p *model.NetworkPolicy) *policy {
	what := "NetworkPolicy " + p.Namespace + "/" + p.Name
	pol := &policy{kind: KindNetworkPolicy, ns: p.Namespace, name: p.Name, loc: p.Loc, tier: tierNetworkPolicy, subjNSName: p.Namespace}
	pol.subjPods = c.selector(&p.Spec.PodSelector, p.Loc, what, "spec.podSelector")
	// "If this field is not specified, it will default based on the
	// existence of ingress or egress rules; policies that contain an egress
	// section are assumed to affect egress, and all policies (whether or not
	// they contain an ingress section) are assumed to affect ingress."
	// (k8s.io/api networking/v1 NetworkPolicySpec.PolicyTypes)
	if len(p.Spec.PolicyTypes) == 0 {
		pol.affects[ingress] = true
		pol.affects[egress] = len(p.Spec.Egress) > 0
	}
	for i, t := range p.Spec.PolicyTypes {
		switch t {
		case "Ingress":
			pol.affects[ingress] = true
		case "Egress":
			pol.affects[egress] = true
		default:
			c.errf(p.Loc, "%s: spec.policyTypes[%d]: %q is not a policy type", what, i, t).WithHint("use Ingress or Egress")
		}
	}
	for i, r := range p.Spec.Ingress {
		ru := &rule{pol: pol, dir: ingress, index: i, action: allow}
		path := fmt.Sprintf("spec.ingress[%d]", i)
		c.npPeers(ru, r.From, p.Loc, what, path+".from")
		ru.ports = c.npPorts(r.Ports, p.Loc, what, path+".ports")
		if pol.affects[ingress] {
			pol.rules[ingress] = append(pol.rules[ingress], ru)
		} else {
			pol.inert[ingress] = append(pol.inert[ingress], ru)
		}
	}
	for i, r := range p.Spec.Egress {
		ru := &rule{pol: pol, dir: egress, index: i, action: allow}
		path := fmt.Sprintf("spec.egress[%d]", i)
		c.npPeers(ru, r.To, p.Loc, what, path+".to")
		ru.ports = c.npPorts(r.Ports, p.Loc, what, path+".ports")
		if pol.affects[egress] {
			pol.rules[egress] = append(pol.rules[egress], ru)
		} else {
			pol.inert[egress] = append(pol.inert[egress], ru)
		}
	}
	return pol
}

// npPeers compiles a NetworkPolicy rule's from or to. "If this field is empty
// or missing, this rule matches all sources (traffic not restricted by
// source)" (NetworkPolicyIngressRule.From; To alike).
func (c *compiler) npPeers(ru *rule, peers []networkingPeer, loc model.Location, what, path string) {
	if len(peers) == 0 {
		ru.any = true
		ru.peers = []string{"any peer"}
		return
	}
	for j, peer := range peers {
		at := fmt.Sprintf("%s[%d]", path, j)
		switch {
		case peer.IPBlock != nil && (peer.PodSelector != nil || peer.NamespaceSelector != nil):
			// "If this field is set then neither of the other fields can be."
			// (NetworkPolicyPeer.IPBlock)
			c.errf(loc, "%s: %s: ipBlock cannot be combined with podSelector or namespaceSelector", what, at).
				WithHint("split it into two peers")
		case peer.IPBlock != nil:
			c.ipBlock(ru, peer.IPBlock.CIDR, peer.IPBlock.Except, loc, what, at+".ipBlock")
		case peer.PodSelector == nil && peer.NamespaceSelector == nil:
			c.errf(loc, "%s: %s: a peer needs podSelector, namespaceSelector or ipBlock", what, at).
				WithHint("to match every pod in every namespace write namespaceSelector: {}")
		default:
			pp := podPeer{
				nsSel:  c.selector(peer.NamespaceSelector, loc, what, at+".namespaceSelector"),
				podSel: c.selector(peer.PodSelector, loc, what, at+".podSelector"),
			}
			if peer.NamespaceSelector == nil {
				// A podSelector alone selects pods in the policy's namespace
				// (NetworkPolicyPeer.PodSelector).
				pp.nsName = ru.pol.ns
			}
			ru.pods = append(ru.pods, pp)
			ru.peers = append(ru.peers, pp.String())
		}
	}
}

func (c *compiler) ipBlock(ru *rule, cidr string, except []string, loc model.Location, what, at string) {
	r, v6, err := parseCIDR(cidr)
	if err != nil {
		c.errf(loc, "%s: %s.cidr: %q is not a CIDR", what, at, cidr).WithHint("write an address and a prefix length, e.g. 10.0.0.0/8")
		return
	}
	if v6 {
		c.a.warnf(loc, "", "%s: %s: IPv6 block %s is not evaluated (aksnet evaluates IPv4 only)", what, at, cidr)
		return
	}
	set := ipSet{r}
	for k, e := range except {
		er, ev6, err := parseCIDR(e)
		switch {
		case err != nil:
			c.errf(loc, "%s: %s.except[%d]: %q is not a CIDR", what, at, k, e).WithHint("write an address and a prefix length")
			continue
		case ev6 || er.Lo < r.Lo || er.Hi > r.Hi:
			// API validation: except values "will be rejected if they are
			// outside the cidr range" (networking/v1 IPBlock.Except).
			c.errf(loc, "%s: %s.except[%d]: %s is outside cidr %s", what, at, k, e, cidr).WithHint("an except range must lie inside cidr")
			continue
		}
		set = set.minus(er)
	}
	text := cidr
	if len(except) > 0 {
		text += " except " + strings.Join(except, ",")
	}
	ru.nets = append(ru.nets, c.net(set, set, text))
	ru.peers = append(ru.peers, text)
}

// npPorts compiles a NetworkPolicy rule's ports. "If this field is empty or
// missing, this rule matches all ports" (NetworkPolicyIngressRule.Ports).
func (c *compiler) npPorts(ports []networkingPort, loc model.Location, what, path string) portSpec {
	if len(ports) == 0 {
		return portSpec{all: true}
	}
	var ps portSpec
	for k, pp := range ports {
		at := fmt.Sprintf("%s[%d]", path, k)
		proto := TCP // "If not specified, this field defaults to TCP."
		if pp.Protocol != nil {
			var ok bool
			if proto, ok = ParseProtocol(string(*pp.Protocol)); !ok || string(*pp.Protocol) != strings.ToUpper(string(*pp.Protocol)) {
				c.errf(loc, "%s: %s.protocol: %q is not a protocol", what, at, *pp.Protocol).WithHint("use TCP, UDP or SCTP")
				continue
			}
		}
		switch {
		case pp.Port == nil:
			if pp.EndPort != nil {
				c.errf(loc, "%s: %s: endPort needs port", what, at).WithHint("set port to the first port of the range")
				continue
			}
			// "If this field is not provided, this matches all port names
			// and numbers." (NetworkPolicyPort.Port)
			ps.nums = ps.nums.Union(ConnsOf(proto, MinPort, MaxPort))
		case pp.Port.Type == intstr.String:
			if msgs := validation.IsValidPortName(pp.Port.StrVal); len(msgs) > 0 {
				c.errf(loc, "%s: %s.port: %q is not a port number or name: %s", what, at, pp.Port.StrVal, strings.Join(msgs, "; ")).
					WithHint("write a number without quotes, or a container port's name")
				continue
			}
			if pp.EndPort != nil {
				// "The endPort must be equal or greater than port" and is
				// numeric; a named port has no range (NetworkPolicyPort.EndPort).
				c.errf(loc, "%s: %s: endPort cannot follow a named port", what, at).WithHint("use port numbers for a range")
				continue
			}
			ps.named = append(ps.named, namedPort{proto: proto, name: pp.Port.StrVal})
		default:
			lo, hi := pp.Port.IntVal, pp.Port.IntVal
			if lo < MinPort || lo > MaxPort {
				c.errf(loc, "%s: %s.port: %d is not a port", what, at, lo).WithHint("ports are 1 to 65535")
				continue
			}
			if pp.EndPort != nil {
				hi = *pp.EndPort
				if hi < lo || hi > MaxPort {
					c.errf(loc, "%s: %s.endPort: %d must lie between port %d and 65535", what, at, hi, lo).WithHint("endPort is the last port of the range")
					continue
				}
				if !c.a.sem.EndPort {
					c.a.warnf(loc, "", "%s: %s: endPort %d is ignored: Cilium before 1.17 (AKS up to Kubernetes 1.31) "+
						"does not support endPort, so only port %d is taken (network-policy.md §5 delta 1)", what, at, hi, lo)
					hi = lo
				}
			}
			ps.nums = ps.nums.Union(ConnsOf(proto, lo, hi))
		}
	}
	return ps
}

// checkPriority validates a cluster-scoped policy's priority: "a value from 0
// to 1000" (v1alpha1 AdminNetworkPolicySpec.Priority; v1alpha2 alike).
func (c *compiler) checkPriority(pr int32, loc model.Location, what string) {
	if pr < 0 || pr > 1000 {
		c.errf(loc, "%s: spec.priority %d is out of range", what, pr).WithHint("priorities run from 0 (first) to 1000")
	}
}

// subject compiles the subject of a cluster-scoped policy: exactly one of
// namespaces or pods.
func (c *compiler) subject(pol *policy, namespaces *metav1.LabelSelector, pods *policyv1alpha1.NamespacedPod, loc model.Location, what string) {
	switch {
	case (namespaces == nil) == (pods == nil):
		c.errf(loc, "%s: spec.subject must set exactly one of namespaces and pods", what).
			WithHint("namespaces: {} selects every pod")
		pol.subjNS, pol.subjPods = labels.Nothing(), labels.Nothing()
	case namespaces != nil:
		pol.subjNS = c.selector(namespaces, loc, what, "spec.subject.namespaces")
		pol.subjPods = labels.Everything()
	default:
		pol.subjNS = c.selector(&pods.NamespaceSelector, loc, what, "spec.subject.pods.namespaceSelector")
		pol.subjPods = c.selector(&pods.PodSelector, loc, what, "spec.subject.pods.podSelector")
	}
}

// adminPeer compiles one peer of a cluster-scoped policy rule: exactly one
// field set, as the CRD validates (MinProperties=MaxProperties=1).
func (c *compiler) adminPeer(ru *rule, namespaces *metav1.LabelSelector, pods *policyv1alpha1.NamespacedPod,
	nodes *metav1.LabelSelector, networks []string, domains int, loc model.Location, what, at string) {
	n := 0
	for _, set := range []bool{namespaces != nil, pods != nil, nodes != nil, networks != nil, domains > 0} {
		if set {
			n++
		}
	}
	if n != 1 {
		c.errf(loc, "%s: %s: a peer sets exactly one of namespaces, pods%s", what, at, map[bool]string{true: ", nodes, networks or domainNames", false: ""}[ru.dir == egress]).
			WithHint("write one peer per entry")
		return
	}
	switch {
	case namespaces != nil:
		pp := podPeer{nsSel: c.selector(namespaces, loc, what, at+".namespaces"), podSel: labels.Everything()}
		ru.pods = append(ru.pods, pp)
		ru.peers = append(ru.peers, pp.String())
	case pods != nil:
		pp := podPeer{nsSel: c.selector(&pods.NamespaceSelector, loc, what, at+".pods.namespaceSelector"),
			podSel: c.selector(&pods.PodSelector, loc, what, at+".pods.podSelector")}
		ru.pods = append(ru.pods, pp)
		ru.peers = append(ru.peers, pp.String())
	case nodes != nil:
		c.a.warnf(loc, "", "%s: %s: nodes peers are not evaluated (aksnet does not model node addresses here); the peer matches nothing", what, at)
	case domains > 0:
		c.a.warnf(loc, "", "%s: %s: domainNames peers are not evaluated (resolving them is the DNS engine's work); the peer matches nothing", what, at)
	default:
		var set ipSet
		var cuts []IPRange
		var texts []string
		for k, cidr := range networks {
			r, v6, err := parseCIDR(cidr)
			switch {
			case err != nil:
				c.errf(loc, "%s: %s.networks[%d]: %q is not a CIDR", what, at, k, cidr).WithHint("write an address and a prefix length")
				continue
			case v6:
				c.a.warnf(loc, "", "%s: %s.networks[%d]: IPv6 network %s is not evaluated (aksnet evaluates IPv4 only)", what, at, k, cidr)
				continue
			}
			set = set.union(ipSet{r})
			cuts = append(cuts, r)
			texts = append(texts, cidr)
		}
		if len(set) > 0 {
			ru.nets = append(ru.nets, c.net(set, cuts, strings.Join(texts, ",")))
			ru.peers = append(ru.peers, strings.Join(texts, ","))
		}
	}
}

func (c *compiler) adminAction(s string, loc model.Location, what, at string, allowPass bool) action {
	switch s {
	case "Allow", "Accept":
		return allow
	case "Deny":
		return deny
	case "Pass":
		if allowPass {
			return pass
		}
	}
	valid := "Allow, Deny or Pass"
	if !allowPass {
		valid = "Allow or Deny"
	}
	c.errf(loc, "%s: %s.action: %q is not an action", what, at, s).WithHint("use %s", valid)
	return deny
}

// adminPorts compiles v1alpha1 ports; nil means every port ("If Ports is not
// set then the rule does not filter traffic via port", AdminNetworkPolicyIngressRule.Ports).
func (c *compiler) adminPorts(ports *[]policyv1alpha1.AdminNetworkPolicyPort, loc model.Location, what, at string) portSpec {
	if ports == nil {
		return portSpec{all: true}
	}
	var ps portSpec
	for k, p := range *ports {
		pat := fmt.Sprintf("%s.ports[%d]", at, k)
		n := 0
		for _, set := range []bool{p.PortNumber != nil, p.NamedPort != nil, p.PortRange != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			c.errf(loc, "%s: %s must set exactly one of portNumber, namedPort and portRange", what, pat).WithHint("write one port per entry")
			continue
		}
		switch {
		case p.PortNumber != nil:
			proto, ok := c.adminProto(string(p.PortNumber.Protocol), loc, what, pat+".portNumber")
			if ok && c.checkPort(p.PortNumber.Port, loc, what, pat+".portNumber.port") {
				ps.nums = ps.nums.Union(ConnsOf(proto, p.PortNumber.Port, p.PortNumber.Port))
			}
		case p.NamedPort != nil:
			ps.named = append(ps.named, namedPort{anyProto: true, name: *p.NamedPort})
		default:
			proto, ok := c.adminProto(string(p.PortRange.Protocol), loc, what, pat+".portRange")
			lo, hi := p.PortRange.Start, p.PortRange.End
			if !ok || !c.checkPort(lo, loc, what, pat+".portRange.start") || !c.checkPort(hi, loc, what, pat+".portRange.end") {
				continue
			}
			if hi < lo {
				c.errf(loc, "%s: %s.portRange: end %d is below start %d", what, pat, hi, lo).WithHint("start is the first port, end the last")
				continue
			}
			ps.nums = ps.nums.Union(ConnsOf(proto, lo, hi))
		}
	}
	return ps
}

func (c *compiler) adminProto(s string, loc model.Location, what, at string) (Protocol, bool) {
	if s == "" {
		return TCP, true // "Protocol is the network protocol (TCP, UDP, or SCTP) ... Default: TCP"
	}
	p, ok := ParseProtocol(s)
	if !ok || s != strings.ToUpper(s) {
		c.errf(loc, "%s: %s.protocol: %q is not a protocol", what, at, s).WithHint("use TCP, UDP or SCTP")
		return 0, false
	}
	return p, true
}

func (c *compiler) checkPort(p int32, loc model.Location, what, at string) bool {
	if p < MinPort || p > MaxPort {
		c.errf(loc, "%s: %s: %d is not a port", what, at, p).WithHint("ports are 1 to 65535")
		return false
	}
	return true
}

func (c *compiler) adminPolicy(p *model.AdminNetworkPolicy) *policy {
	what := "AdminNetworkPolicy " + p.Name
	pol := &policy{kind: KindAdminNetworkPolicy, name: p.Name, loc: p.Loc, tier: tierAdmin, priority: p.Spec.Priority}
	c.checkPriority(p.Spec.Priority, p.Loc, what)
	c.subject(pol, p.Spec.Subject.Namespaces, p.Spec.Subject.Pods, p.Loc, what)
	for i, r := range p.Spec.Ingress {
		at := fmt.Sprintf("spec.ingress[%d]", i)
		ru := &rule{pol: pol, dir: ingress, index: i, name: r.Name, action: c.adminAction(string(r.Action), p.Loc, what, at, true)}
		c.needPeers(len(r.From), p.Loc, what, at+".from")
		for j, peer := range r.From {
			c.adminPeer(ru, peer.Namespaces, peer.Pods, nil, nil, 0, p.Loc, what, fmt.Sprintf("%s.from[%d]", at, j))
		}
		ru.ports = c.adminPorts(r.Ports, p.Loc, what, at)
		pol.rules[ingress] = append(pol.rules[ingress], ru)
	}
	for i, r := range p.Spec.Egress {
		at := fmt.Sprintf("spec.egress[%d]", i)
		ru := &rule{pol: pol, dir: egress, index: i, name: r.Name, action: c.adminAction(string(r.Action), p.Loc, what, at, true)}
		c.needPeers(len(r.To), p.Loc, what, at+".to")
		for j, peer := range r.To {
			c.adminPeer(ru, peer.Namespaces, peer.Pods, peer.Nodes, cidrs(peer.Networks), len(peer.DomainNames), p.Loc, what, fmt.Sprintf("%s.to[%d]", at, j))
		}
		ru.ports = c.adminPorts(r.Ports, p.Loc, what, at)
		pol.rules[egress] = append(pol.rules[egress], ru)
	}
	// "If an AdminNetworkPolicy has no ingress (egress) rules it does not
	// affect ingress (egress) traffic" — a subject is not isolated.
	pol.affects[ingress] = len(pol.rules[ingress]) > 0
	pol.affects[egress] = len(pol.rules[egress]) > 0
	return pol
}

func (c *compiler) baselinePolicy(p *model.BaselineAdminNetworkPolicy) *policy {
	what := "BaselineAdminNetworkPolicy " + p.Name
	pol := &policy{kind: KindBaselineAdminNetworkPolicy, name: p.Name, loc: p.Loc, tier: tierBaseline, priority: 1001}
	c.subject(pol, p.Spec.Subject.Namespaces, p.Spec.Subject.Pods, p.Loc, what)
	for i, r := range p.Spec.Ingress {
		at := fmt.Sprintf("spec.ingress[%d]", i)
		ru := &rule{pol: pol, dir: ingress, index: i, name: r.Name, action: c.adminAction(string(r.Action), p.Loc, what, at, false)}
		c.needPeers(len(r.From), p.Loc, what, at+".from")
		for j, peer := range r.From {
			c.adminPeer(ru, peer.Namespaces, peer.Pods, nil, nil, 0, p.Loc, what, fmt.Sprintf("%s.from[%d]", at, j))
		}
		ru.ports = c.adminPorts(r.Ports, p.Loc, what, at)
		pol.rules[ingress] = append(pol.rules[ingress], ru)
	}
	for i, r := range p.Spec.Egress {
		at := fmt.Sprintf("spec.egress[%d]", i)
		ru := &rule{pol: pol, dir: egress, index: i, name: r.Name, action: c.adminAction(string(r.Action), p.Loc, what, at, false)}
		c.needPeers(len(r.To), p.Loc, what, at+".to")
		for j, peer := range r.To {
			c.adminPeer(ru, peer.Namespaces, peer.Pods, peer.Nodes, cidrs(peer.Networks), 0, p.Loc, what, fmt.Sprintf("%s.to[%d]", at, j))
		}
		ru.ports = c.adminPorts(r.Ports, p.Loc, what, at)
		pol.rules[egress] = append(pol.rules[egress], ru)
	}
	pol.affects[ingress] = len(pol.rules[ingress]) > 0
	pol.affects[egress] = len(pol.rules[egress]) > 0
	return pol
}

func (c *compiler) needPeers(n int, loc model.Location, what, at string) {
	if n == 0 {
		// "This field must be defined and contain at least one item."
		c.errf(loc, "%s: %s is empty", what, at).WithHint("a rule names at least one peer")
	}
}

func cidrs[T ~string](cs []T) []string {
	if cs == nil {
		return nil
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

// clusterPolicy compiles a v1alpha2 ClusterNetworkPolicy.
func (c *compiler) clusterPolicy(p *model.ClusterNetworkPolicy) *policy {
	what := "ClusterNetworkPolicy " + p.Name
	pol := &policy{kind: KindClusterNetworkPolicy, name: p.Name, loc: p.Loc, priority: p.Spec.Priority}
	switch p.Spec.Tier {
	case policyv1alpha2.AdminTier:
		pol.tier = tierAdmin
	case policyv1alpha2.BaselineTier:
		pol.tier = tierBaseline
	default:
		c.errf(p.Loc, "%s: spec.tier %q is not a tier", what, p.Spec.Tier).WithHint("use Admin or Baseline")
	}
	c.checkPriority(p.Spec.Priority, p.Loc, what)
	var pods *policyv1alpha1.NamespacedPod
	if sp := p.Spec.Subject.Pods; sp != nil {
		pods = &policyv1alpha1.NamespacedPod{NamespaceSelector: sp.NamespaceSelector, PodSelector: sp.PodSelector}
	}
	c.subject(pol, p.Spec.Subject.Namespaces, pods, p.Loc, what)
	nsPod := func(np *policyv1alpha2.NamespacedPod) *policyv1alpha1.NamespacedPod {
		if np == nil {
			return nil
		}
		return &policyv1alpha1.NamespacedPod{NamespaceSelector: np.NamespaceSelector, PodSelector: np.PodSelector}
	}
	for i, r := range p.Spec.Ingress {
		at := fmt.Sprintf("spec.ingress[%d]", i)
		ru := &rule{pol: pol, dir: ingress, index: i, name: r.Name, action: c.cnpAction(string(r.Action), p.Loc, what, at)}
		c.needPeers(len(r.From), p.Loc, what, at+".from")
		for j, peer := range r.From {
			c.adminPeer(ru, peer.Namespaces, nsPod(peer.Pods), nil, nil, 0, p.Loc, what, fmt.Sprintf("%s.from[%d]", at, j))
		}
		ru.ports = c.protocols(r.Protocols, p.Loc, what, at)
		pol.rules[ingress] = append(pol.rules[ingress], ru)
	}
	for i, r := range p.Spec.Egress {
		at := fmt.Sprintf("spec.egress[%d]", i)
		ru := &rule{pol: pol, dir: egress, index: i, name: r.Name, action: c.cnpAction(string(r.Action), p.Loc, what, at)}
		c.needPeers(len(r.To), p.Loc, what, at+".to")
		for j, peer := range r.To {
			c.adminPeer(ru, peer.Namespaces, nsPod(peer.Pods), peer.Nodes, cidrs(peer.Networks), len(peer.DomainNames), p.Loc, what, fmt.Sprintf("%s.to[%d]", at, j))
		}
		ru.ports = c.protocols(r.Protocols, p.Loc, what, at)
		pol.rules[egress] = append(pol.rules[egress], ru)
	}
	// "CNPs with no ingress rules do not affect ingress traffic."
	pol.affects[ingress] = len(pol.rules[ingress]) > 0
	pol.affects[egress] = len(pol.rules[egress]) > 0
	return pol
}

// cnpAction reads a v1alpha2 action: Accept, Deny or Pass (Allow was renamed
// Accept in v0.2.0).
func (c *compiler) cnpAction(s string, loc model.Location, what, at string) action {
	switch s {
	case "Accept":
		return allow
	case "Deny":
		return deny
	case "Pass":
		return pass
	}
	hint := "use Accept, Deny or Pass"
	if s == "Allow" {
		hint = "v1alpha2 renamed Allow to Accept"
	}
	c.errf(loc, "%s: %s.action: %q is not an action", what, at, s).WithHint("%s", hint)
	return deny
}

// protocols compiles v1alpha2 protocols; empty means every protocol and port
// ("If unspecified, protocol-specific attributes will not be used to match
// traffic").
func (c *compiler) protocols(ps []policyv1alpha2.ClusterNetworkPolicyProtocol, loc model.Location, what, at string) portSpec {
	if len(ps) == 0 {
		return portSpec{all: true}
	}
	var spec portSpec
	for k, p := range ps {
		pat := fmt.Sprintf("%s.protocols[%d]", at, k)
		n := 0
		for _, set := range []bool{p.TCP != nil, p.UDP != nil, p.SCTP != nil, p.DestinationNamedPort != ""} {
			if set {
				n++
			}
		}
		if n != 1 {
			c.errf(loc, "%s: %s must set exactly one of tcp, udp, sctp and destinationNamedPort", what, pat).WithHint("write one protocol per entry")
			continue
		}
		var proto Protocol
		var port *policyv1alpha2.Port
		switch {
		case p.TCP != nil:
			proto, port = TCP, p.TCP.DestinationPort
		case p.UDP != nil:
			proto, port = UDP, p.UDP.DestinationPort
		case p.SCTP != nil:
			proto, port = SCTP, p.SCTP.DestinationPort
		default:
			spec.named = append(spec.named, namedPort{anyProto: true, name: p.DestinationNamedPort})
			continue
		}
		switch {
		case port == nil:
			spec.nums = spec.nums.Union(ConnsOf(proto, MinPort, MaxPort))
		case port.Range != nil && port.Number != 0:
			c.errf(loc, "%s: %s.destinationPort sets both number and range", what, pat).WithHint("keep one")
		case port.Range != nil:
			lo, hi := port.Range.Start, port.Range.End
			if !c.checkPort(lo, loc, what, pat+".destinationPort.range.start") || !c.checkPort(hi, loc, what, pat+".destinationPort.range.end") {
				continue
			}
			if hi <= lo {
				// "Start port must be less than End port" (CEL rule of PortRange).
				c.errf(loc, "%s: %s.destinationPort.range: start %d must be less than end %d", what, pat, lo, hi).WithHint("for one port use number")
				continue
			}
			spec.nums = spec.nums.Union(ConnsOf(proto, lo, hi))
		default:
			if c.checkPort(port.Number, loc, what, pat+".destinationPort.number") {
				spec.nums = spec.nums.Union(ConnsOf(proto, port.Number, port.Number))
			}
		}
	}
	return spec
}

// resolve fills every rule's matched groups, now that the groups exist.
// Peers are matched namespace first: a selector is tried on the groups of
// the namespaces it admits only.
func (c *compiler) resolve() {
	a := c.a
	byNS := map[*nsInfo][]*group{}
	var nss []*nsInfo
	for _, g := range a.groups {
		if _, ok := byNS[g.ns]; !ok {
			nss = append(nss, g.ns)
		}
		byNS[g.ns] = append(byNS[g.ns], g)
	}
	for _, pol := range a.policies {
		for _, rules := range pol.rules {
			for _, ru := range rules {
				ru.groups = newBitset(len(a.groups))
				if ru.any {
					for _, g := range a.groups {
						ru.groups.set(g.idx)
					}
					continue
				}
				for _, pp := range ru.pods {
					for _, ns := range nss {
						if !pp.admits(ns) {
							continue
						}
						for _, g := range byNS[ns] {
							if !g.hostNetwork && (pp.podSel == nil || pp.podSel.Matches(g.labels)) {
								ru.groups.set(g.idx)
							}
						}
					}
				}
				if a.sem.IPBlockSelectsPods && len(ru.nets) > 0 {
					for _, g := range a.groups {
						if !ru.groups.has(g.idx) && c.netsMatch(ru, g) {
							ru.groups.set(g.idx)
						}
					}
				}
			}
		}
	}
}

// netsMatch reports whether one of the rule's blocks holds every address
// the group's pods may have (engines whose ipBlocks match pods).
func (c *compiler) netsMatch(ru *rule, g *group) bool {
	for _, n := range ru.nets {
		switch g.netIn[n] {
		case inside:
			return true
		case partly:
			// One warning per rule and block, however many groups it
			// leaves undetermined.
			k := partlyKey{ru, n}
			if c.partly[k] {
				continue
			}
			c.partly[k] = true
			net := c.a.nets[n]
			c.a.warnf(ru.pol.loc, "", "%s: %s: the addresses of %s (and pods like it) are not all known; "+
				"engine %s matches pod addresses with %s, so whether it matches them is undetermined; aksnet assumes it does not "+
				"(give the cluster's pod CIDR through a topology, or pod IPs)", ru.pol, ru.path(), g.name, c.a.sem.Engine, net.text)
		}
	}
	return false
}

// admits reports whether the peer's namespace part holds ns.
func (pp podPeer) admits(ns *nsInfo) bool {
	if pp.nsSel != nil {
		return pp.nsSel.Matches(ns.labels)
	}
	return ns.name == pp.nsName
}

func (pp podPeer) String() string {
	pods := "every pod"
	if pp.podSel != nil && !pp.podSel.Empty() {
		pods = "pods " + pp.podSel.String()
	}
	switch {
	case pp.nsSel == nil:
		return pods + " in namespace " + pp.nsName
	case pp.nsSel.Empty():
		return pods + " in every namespace"
	}
	return pods + " in namespaces " + pp.nsSel.String()
}

// selects reports whether a policy's subject holds the group's pods.
// hostNetwork pods are nobody's subject (see buildGroups).
func (p *policy) selects(g *group) bool {
	if g.hostNetwork {
		return false
	}
	if p.subjNS != nil {
		if !p.subjNS.Matches(g.ns.labels) {
			return false
		}
	} else if g.ns.name != p.subjNSName {
		return false
	}
	return p.subjPods == nil || p.subjPods.Matches(g.labels)
}

func (ru *rule) path() string { return fmt.Sprintf("spec.%s[%d]", ru.dir, ru.index) }

// ordered returns the policies of one tier in evaluation order: by priority,
// then (for equal priorities, whose order the API leaves undefined) kind and
// name, with a warning.
func (a *Analyzer) ordered(t tier) []*policy {
	var out []*policy
	for _, p := range a.policies {
		if p.tier != t || p.kind == KindNetworkPolicy || !a.enforced(p) {
			continue
		}
		out = append(out, p)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].priority != out[j].priority {
			return out[i].priority < out[j].priority
		}
		if out[i].kind != out[j].kind {
			return out[i].kind < out[j].kind
		}
		return out[i].name < out[j].name
	})
	for i := 1; i < len(out); i++ {
		if out[i].priority == out[i-1].priority && out[i].kind != KindBaselineAdminNetworkPolicy {
			a.warnf(out[i].loc, "", "%s and %s have the same priority %d: the API leaves their order undefined; "+
				"aksnet evaluates %s first", out[i-1], out[i], out[i].priority, out[i-1])
		}
	}
	return out
}
