package netpol_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/model"
	"github.com/aksnet/aksnet/internal/netpol"
)

const explainPolicies = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {ns: z}}}]
    ports: [{port: 81}]
  - from: [{namespaceSelector: {matchLabels: {ns: "y"}}}]
    ports: [{port: 80}]
`

// A single answer names, on each side, the policies and rules that decide,
// with their place.
func TestCheckNamesTheDecidingRules(t *testing.T) {
	a := analyze(t, explainPolicies, netpol.Options{})

	v := a.Check(netpol.Query{Src: peer(t, a, "y/b"), Dst: peer(t, a, "x/a"), Proto: netpol.TCP, Port: 80})
	if !v.Allowed || v.Ingress.Tier != "networkpolicy" || len(v.Ingress.Rules) != 1 {
		t.Fatalf("y/b → x/a TCP/80: %+v", v.Ingress)
	}
	r := v.Ingress.Rules[0]
	if r.Kind != netpol.KindNetworkPolicy || r.Namespace != "x" || r.Name != "web" || r.Index != 1 || r.Direction != "ingress" ||
		r.Loc != (model.Location{File: "policies.yaml", Line: 8, Column: 1}) {
		t.Errorf("deciding rule = %+v; want NetworkPolicy x/web spec.ingress[1] at policies.yaml:8", r)
	}
	if got := r.String(); got != "NetworkPolicy x/web spec.ingress[1]" {
		t.Errorf("rule = %q", got)
	}
	if v.Egress.Tier != "default" || !v.Egress.Allowed {
		t.Errorf("egress of y/b: %+v; want allowed by default", v.Egress)
	}

	// Denied: both selecting policies are named, and the rule that allows
	// the port from elsewhere and the one that allows this peer elsewhere
	// are offered as near misses.
	v = a.Check(netpol.Query{Src: peer(t, a, "y/b"), Dst: peer(t, a, "x/a"), Proto: netpol.TCP, Port: 81})
	if v.Allowed || v.Ingress.Allowed {
		t.Fatalf("y/b → x/a TCP/81 allowed: %+v", v.Ingress)
	}
	var isolating []string
	for _, p := range v.Ingress.Isolating {
		isolating = append(isolating, p.String())
	}
	if strings.Join(isolating, ", ") != "NetworkPolicy x/deny, NetworkPolicy x/web" {
		t.Errorf("isolating = %v", isolating)
	}
	if len(v.Ingress.Nearly) != 2 || v.Ingress.Nearly[0].Index != 0 || v.Ingress.Nearly[1].Index != 1 {
		t.Errorf("nearly = %+v; want both rules of x/web", v.Ingress.Nearly)
	}
	if !strings.Contains(v.Ingress.Reason, "isolated for ingress by NetworkPolicy x/deny, NetworkPolicy x/web") {
		t.Errorf("reason = %q", v.Ingress.Reason)
	}

	// Without a port: every connection the pair may open.
	v = a.Check(netpol.Query{Src: peer(t, a, "z/a"), Dst: peer(t, a, "x/a")})
	if !v.Allowed || v.Conns.String() != "TCP 81" || v.Conn != "" {
		t.Errorf("z/a → x/a: allowed=%v conns=%s", v.Allowed, v.Conns)
	}
}

func TestCheckAdminTiers(t *testing.T) {
	a := analyze(t, adminCases[2].policies, netpol.Options{Engine: netpol.Calico})
	// z/b → x/a: passed by the admin tier, then allowed by x's NetworkPolicy.
	v := a.Check(netpol.Query{Src: peer(t, a, "z/b"), Dst: peer(t, a, "x/a"), Proto: netpol.TCP, Port: 80})
	if !v.Allowed || len(v.Ingress.Rules) != 2 || v.Ingress.Rules[0].Action != "Pass" || v.Ingress.Rules[1].Name != "x-a-from-z-b" ||
		!strings.HasPrefix(v.Ingress.Reason, "passed on by the admin tier") {
		t.Errorf("z/b → x/a: %+v", v.Ingress)
	}
	// z/a → y/a: passed, then denied by the baseline.
	v = a.Check(netpol.Query{Src: peer(t, a, "z/a"), Dst: peer(t, a, "y/a"), Proto: netpol.TCP, Port: 80})
	if v.Allowed || v.Ingress.Tier != "baseline" || v.Ingress.Rules[len(v.Ingress.Rules)-1].Kind != netpol.KindBaselineAdminNetworkPolicy {
		t.Errorf("z/a → y/a: %+v", v.Ingress)
	}
	// y/b → x/b: the admin Allow decides.
	v = a.Check(netpol.Query{Src: peer(t, a, "y/b"), Dst: peer(t, a, "x/b"), Proto: netpol.TCP, Port: 80})
	if !v.Allowed || v.Ingress.Tier != "admin" || v.Ingress.Rules[0].Index != 1 || v.Ingress.Rules[0].Name != "pass-z" {
		t.Errorf("y/b → x/b: %+v", v.Ingress)
	}
}

// The engine differences the Analyzer answers beyond ipBlocks and endPort.
func TestEngineSemantics(t *testing.T) {
	const denyAll = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`
	node := netip.MustParseAddr("10.224.0.4")
	cases := []struct {
		engine              netpol.Engine
		ownNode, viaService bool
	}{
		// NPM lets a pod reach its own node and applies no ingress policy
		// through a LoadBalancer with externalTrafficPolicy Cluster.
		{netpol.NPM, true, true},
		// Cilium does neither; Calico is modelled as policy as written.
		{netpol.Cilium, false, false},
		{netpol.Calico, false, false},
	}
	for _, c := range cases {
		a := analyze(t, denyAll, netpol.Options{Engine: c.engine})
		xa := peer(t, a, "x/a")
		v := a.Check(netpol.Query{Src: xa, Dst: a.OwnNodePeer(node), Proto: netpol.TCP, Port: 10250})
		if v.Allowed != c.ownNode {
			t.Errorf("%s: x/a → its node: allowed=%v, want %v (%s)", c.engine, v.Allowed, c.ownNode, v.Egress.Reason)
		}
		v = a.Check(netpol.Query{Src: a.AddrPeer(netip.MustParseAddr("203.0.113.9")), Dst: xa, Proto: netpol.TCP, Port: 80, ViaService: true})
		if v.Allowed != c.viaService {
			t.Errorf("%s: internet → x/a via a LoadBalancer: allowed=%v, want %v (%s)", c.engine, v.Allowed, c.viaService, v.Ingress.Reason)
		}
	}
}

func TestEngineOf(t *testing.T) {
	cases := []struct {
		policy, dataplane string
		want              netpol.Engine
	}{
		{"azure", "", netpol.NPM},
		{"calico", "", netpol.Calico},
		{"cilium", "cilium", netpol.Cilium},
		{"", "cilium", netpol.Cilium},
		{"", "", netpol.None},
		{"none", "", netpol.None},
	}
	for _, c := range cases {
		cl := &model.Cluster{Name: "c", NetworkPolicy: model.PolicyEngine(c.policy), NetworkDataplane: model.NetworkDataplane(c.dataplane)}
		if got, _ := netpol.EngineOf(cl); got != c.want {
			t.Errorf("networkPolicy %q dataplane %q: engine %s, want %s", c.policy, c.dataplane, got, c.want)
		}
	}
	if s := netpol.SemanticsOf(netpol.Cilium, "1.31"); s.EndPort {
		t.Error("Cilium on Kubernetes 1.31 (Cilium 1.16) supports endPort")
	}
	if s := netpol.SemanticsOf(netpol.Cilium, "1.32"); !s.EndPort {
		t.Error("Cilium on Kubernetes 1.32 (Cilium 1.17) lacks endPort")
	}
	for _, in := range []string{"npm", "azure", "Calico", "cilium", "none"} {
		if _, err := netpol.ParseEngine(in); err != nil {
			t.Errorf("ParseEngine(%q): %v", in, err)
		}
	}
	if _, err := netpol.ParseEngine("antrea"); err == nil || !strings.Contains(err.Error(), "npm, calico, cilium or none") {
		t.Errorf("ParseEngine(antrea) = %v", err)
	}
}

// Where pods take addresses decides whether an ipBlock matches them on NPM
// and Calico; unknown addresses are assumed not to match, and said so.
func TestIPBlockWithUnknownPodAddresses(t *testing.T) {
	const doc = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: x}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: c, image: i}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-pods, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from: [{ipBlock: {cidr: 10.244.0.0/16}}]
`
	// The pod CIDR inside the block: the Deployment's pods match.
	a := analyze(t, doc, netpol.Options{Engine: netpol.NPM, PodRanges: []netip.Prefix{netip.MustParsePrefix("10.244.0.0/16")}})
	if v := a.Check(netpol.Query{Src: peer(t, a, "x/api"), Dst: peer(t, a, "x/a"), Proto: netpol.TCP, Port: 80}); !v.Allowed {
		t.Errorf("pod CIDR in the block: denied (%s)", v.Ingress.Reason)
	}
	// Unknown: not matched, with a warning naming the rule.
	a = analyze(t, doc, netpol.Options{Engine: netpol.NPM})
	if v := a.Check(netpol.Query{Src: peer(t, a, "x/api"), Dst: peer(t, a, "x/a"), Proto: netpol.TCP, Port: 80}); v.Allowed {
		t.Error("unknown pod addresses: allowed")
	}
	found := false
	for _, w := range a.Warnings() {
		if strings.Contains(w.Msg, "NetworkPolicy x/from-pods: spec.ingress[0]") && strings.Contains(w.Msg, "undetermined") {
			found = true
		}
	}
	if !found {
		t.Errorf("no warning about the undetermined ipBlock: %v", a.Warnings())
	}
}

// hostNetwork pods are the node's traffic: no policy selects them unless
// HostNetworkAsPods asks for the other reading.
func TestHostNetworkPods(t *testing.T) {
	const doc = `apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: x, labels: {pod: a}}
spec:
  hostNetwork: true
  containers: [{name: c, image: i}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-a, namespace: "y"}
spec:
  podSelector: {}
  ingress:
  - from: [{namespaceSelector: {}, podSelector: {matchLabels: {pod: a}}}]
`
	a := analyze(t, doc, netpol.Options{})
	checkTable(t, a, netpol.TCP, 80, `
          x/agent y/a
z/b       .       X
x/agent   -       X
x/a       .       .`)
	a = analyze(t, doc, netpol.Options{HostNetworkAsPods: true})
	checkTable(t, a, netpol.TCP, 80, `
          x/agent y/a
z/b       X       X
x/agent   -       .`)
}

func TestLookup(t *testing.T) {
	a := analyze(t, "", netpol.Options{})
	for ref, want := range map[string]string{
		"x/a":      "x/a[Pod]",
		"x/a[Pod]": "x/a[Pod]",
	} {
		w, err := a.Lookup(ref)
		if err != nil || w.String() != want {
			t.Errorf("Lookup(%q) = %v, %v; want %s", ref, w, err, want)
		}
	}
	for ref, want := range map[string]string{
		"x/aa": `no workload "x/aa" (did you mean x/a?)`,
		"q/a":  `no workload in namespace "q"; namespaces: x, y, z`,
		"xa":   "a workload is NAMESPACE/NAME",
	} {
		if _, err := a.Lookup(ref); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Lookup(%q) error = %v; want it to contain %q", ref, err, want)
		}
	}
}

// On Cilium a named port that maps to two numbers among the pods it
// resolves at is reported (cilium/cilium#30003); one number is not.
func TestNamedPortCollisions(t *testing.T) {
	const doc = `apiVersion: v1
kind: Pod
metadata: {name: web1, namespace: x, labels: {app: web}}
spec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web2, namespace: x, labels: {app: web, v: "2"}}
spec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 8000}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: x}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - ports: [{port: http}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: pod-a, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - ports: [{port: serve-80-tcp}]
`
	warned := func(a *netpol.Analyzer, what string) bool {
		for _, w := range a.Warnings() {
			if strings.Contains(w.Msg, what) && strings.Contains(w.Msg, "cilium/cilium#30003") {
				return true
			}
		}
		return false
	}
	a := analyze(t, doc, netpol.Options{Engine: netpol.Cilium})
	if !warned(a, `NetworkPolicy x/web: spec.ingress[0]: port "http" is 8080 and 8000`) {
		t.Errorf("no collision reported for http: %v", a.Warnings())
	}
	if warned(a, "x/pod-a") {
		t.Errorf("serve-80-tcp is 80 on every pod x/pod-a selects, yet reported")
	}
	v := a.Check(netpol.Query{Src: peer(t, a, "y/a"), Dst: peer(t, a, "x/web2"), Proto: netpol.TCP, Port: 8000})
	if !v.Allowed || len(v.Notes) == 0 || !strings.Contains(strings.Join(v.Notes, " "), `names port "http"`) {
		t.Errorf("verdict %v with notes %v", v.Allowed, v.Notes)
	}
	if a = analyze(t, doc, netpol.Options{Engine: netpol.NPM}); warned(a, "x/web") {
		t.Error("NPM: collision reported")
	}
}

// The analyzer is read-only after New: answers and maps from many
// goroutines agree with one another (run with -race to check the claim).
func TestConcurrentUse(t *testing.T) {
	a := analyze(t, explainPolicies, netpol.Options{})
	want := a.Check(netpol.Query{Src: peer(t, a, "y/b"), Dst: peer(t, a, "x/a"), Proto: netpol.TCP, Port: 80}).Allowed
	rows := len(mapLines(a.Map()))
	done := make(chan bool)
	for i := 0; i < 4; i++ {
		go func() {
			ok := true
			for j := 0; j < 50; j++ {
				if a.Check(netpol.Query{Src: a.WorkloadPeer(mustLookup(a, "y/b")), Dst: a.WorkloadPeer(mustLookup(a, "x/a")), Proto: netpol.TCP, Port: 80}).Allowed != want {
					ok = false
				}
			}
			ok = ok && len(mapLines(a.Map())) == rows
			done <- ok
		}()
	}
	for i := 0; i < 4; i++ {
		if !<-done {
			t.Error("concurrent answers differ")
		}
	}
}

func mustLookup(a *netpol.Analyzer, ref string) *netpol.Workload {
	w, err := a.Lookup(ref)
	if err != nil {
		panic(err)
	}
	return w
}
