package netpol_test

import (
	"testing"

	"github.com/aksnet/aksnet/internal/netpol"
)

// Each case is a Kubernetes NetworkPolicy v1 rule and the truth table the
// API's documentation implies (k8s.io/api networking/v1 types.go, quoted
// where the case depends on a sentence of it). Unless a case says
// otherwise, the engine is Cilium, whose ipBlocks match no pod.
var npCases = []struct {
	name     string
	policies string
	engine   netpol.Engine
	version  string
	proto    netpol.Protocol
	port     int32
	table    string
}{
	{
		name:  "no policy: every pod reaches every pod (default allow)",
		proto: netpol.TCP, port: 80,
		table: allPods + `
x/a  -   .   .   .   .   .
x/b  .   -   .   .   .   .
y/a  .   .   -   .   .   .
y/b  .   .   .   -   .   .
z/a  .   .   .   .   -   .
z/b  .   .   .   .   .   -`,
	},
	{
		name: "default deny ingress isolates every pod of x for ingress only",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`,
		proto: netpol.TCP, port: 80,
		table: allPods + `
x/a  -   X   .   .   .   .
x/b  X   -   .   .   .   .
y/a  X   X   -   .   .   .
y/b  X   X   .   -   .   .
z/a  X   X   .   .   -   .
z/b  X   X   .   .   .   -`,
	},
	{
		name: "default deny egress isolates every pod of x for egress only",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Egress]
`,
		proto: netpol.TCP, port: 80,
		table: allPods + `
x/a  -   X   X   X   X   X
x/b  X   -   X   X   X   X
y/a  .   .   -   .   .   .
y/b  .   .   .   -   .   .
z/a  .   .   .   .   -   .
z/b  .   .   .   .   .   -`,
	},
	{
		name: "without policyTypes a policy affects ingress, and egress only when it has egress rules",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-ingress, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
`,
		proto: netpol.TCP, port: 80,
		table: allPods + `
x/a  -   .   .   .   .   .
x/b  X   -   .   .   .   .
y/a  X   .   -   .   .   .
y/b  X   .   .   -   .   .
z/a  X   .   .   .   -   .
z/b  X   .   .   .   .   -`,
	},
	{
		name: "policyTypes [Egress] leaves ingress rules without effect",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-only, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  ingress:
  - from: [{podSelector: {matchLabels: {pod: b}}}]
  egress:
  - to: [{namespaceSelector: {matchLabels: {ns: "y"}}}]
`,
		proto: netpol.TCP, port: 80,
		table: allPods + `
x/a  -   X   .   .   X   X
x/b  .   -   .   .   .   .
y/a  .   .   -   .   .   .
y/b  .   .   .   -   .   .
z/a  .   .   .   .   -   .
z/b  .   .   .   .   .   -`,
	},
	{
		name: "a podSelector alone selects pods of the policy's namespace",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-b, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from: [{podSelector: {matchLabels: {pod: b}}}]
`,
		proto: netpol.TCP, port: 80,
		table: `
     x/a
x/b  .
y/a  X
y/b  X
z/b  X`,
	},
	{
		name: "a namespaceSelector alone selects every pod of the matching namespaces",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-y, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {ns: "y"}}}]
`,
		proto: netpol.TCP, port: 80,
		table: `
     x/a
x/b  X
y/a  .
y/b  .
z/a  X`,
	},
	{
		name: "namespaceSelector and podSelector in one peer: pods matching both",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-y-b, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {ns: "y"}}
      podSelector: {matchLabels: {pod: b}}
`,
		proto: netpol.TCP, port: 80,
		table: `
     x/a
x/b  X
y/a  X
y/b  .
z/b  X`,
	},
	{
		name: "two peers of one rule: either matches",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-y-or-b, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {ns: "y"}}
    - podSelector: {matchLabels: {pod: b}}
`,
		proto: netpol.TCP, port: 80,
		table: `
     x/a
x/b  .
y/a  .
y/b  .
z/a  X
z/b  X`,
	},
	{
		name: "namespaceSelector {} selects every pod of every namespace",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-cluster, namespace: x}
spec:
  podSelector: {}
  ingress:
  - from: [{namespaceSelector: {}}]
`,
		proto: netpol.TCP, port: 80,
		table: `
     x/a x/b
x/b  .   -
y/a  .   .
z/b  .   .
192.168.1.1 X X`,
	},
	{
		name: "matchExpressions: NotIn and DoesNotExist",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: exprs, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from:
    - namespaceSelector: {matchExpressions: [{key: ns, operator: NotIn, values: ["y"]}]}
      podSelector: {matchExpressions: [{key: tier, operator: DoesNotExist}]}
`,
		proto: netpol.TCP, port: 80,
		table: `
     x/a
x/b  .
y/a  X
y/b  X
z/a  .`,
	},
	{
		name: "rules are additive, within a policy and across policies",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-x-b, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from: [{podSelector: {matchLabels: {pod: b}}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-z, namespace: x}
spec:
  podSelector: {}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {ns: z}}}]
    ports: [{port: 81}]
  - from: [{namespaceSelector: {matchLabels: {ns: z}}}]
    ports: [{port: 80}]
`,
		proto: netpol.TCP, port: 80,
		table: `
     x/a x/b
x/a  -   X
x/b  .   -
y/a  X   X
z/a  .   .
z/b  .   .`,
	},
	{
		name: "a pod-to-pod connection needs the source's egress and the destination's ingress",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: x-egress-to-y-a, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {ns: "y"}}, podSelector: {matchLabels: {pod: a}}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: y-a-ingress-from-z, namespace: "y"}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {ns: z}}}]
`,
		proto: netpol.TCP, port: 80,
		table: allPods + `
x/a  -   X   X   X   X   X
x/b  X   -   X   X   X   X
y/a  .   .   -   .   .   .
y/b  .   .   X   -   .   .
z/a  .   .   .   .   -   .
z/b  .   .   .   .   .   -`,
	},
	{
		name: "an ingress rule without from admits every source, pods and addresses",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: any, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - ports: [{port: 80}]
`,
		proto: netpol.TCP, port: 80,
		table: `
            x/a
y/b         .
8.8.8.8     .`,
	},
	{
		name: "ingress: [] with policyTypes Ingress admits nothing",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: none, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress: []
`,
		proto: netpol.TCP, port: 80,
		table: `
            x/a x/b
x/b         X   -
8.8.8.8     X   .`,
	},
	{
		name: "ipBlock with except: addresses in cidr but not in except",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: office, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from:
    - ipBlock: {cidr: 192.168.0.0/16, except: [192.168.1.0/24]}
`,
		proto: netpol.TCP, port: 80,
		table: `
              x/a
192.168.2.5   .
192.168.0.0   .
192.168.255.255 .
192.168.1.5   X
192.169.0.1   X
10.0.2.1      X`,
	},
	{
		name: "ipBlock egress to addresses",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-ipblock, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]
    ports: [{protocol: TCP, port: 443}]
`,
		proto: netpol.TCP, port: 443,
		table: `
     8.8.8.8 10.1.1.1 y/a
x/a  .       X        X
x/b  .       .        .`,
	},
	{
		name: "Cilium: an ipBlock never matches a pod, even one whose address it covers",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-y-range, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from: [{ipBlock: {cidr: 10.0.2.0/24}}]
`,
		engine: netpol.Cilium,
		proto:  netpol.TCP, port: 80,
		table: `
          x/a
y/a       X
y/b       X
z/a       X
10.0.2.99 .`,
	},
	{
		name: "NPM: an ipBlock matches the pods whose addresses it covers",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-y-range, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from: [{ipBlock: {cidr: 10.0.2.0/24}}]
`,
		engine: netpol.NPM,
		proto:  netpol.TCP, port: 80,
		table: `
          x/a
y/a       .
y/b       .
z/a       X
10.0.2.99 .`,
	},
	{
		name: "Calico: an ipBlock matches pods, and except carves them out",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-pods-but-y-b, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.2.2/32]}}]
`,
		engine: netpol.Calico,
		proto:  netpol.TCP, port: 80,
		table: `
     x/a
x/b  .
y/a  .
y/b  X
z/b  .`,
	},
	{
		name: "a numbered port: that port of that protocol only (protocol defaults to TCP)",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: port-81, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - ports: [{port: 81}]
`,
		proto: netpol.TCP, port: 81,
		table: `
     x/a
y/a  .`,
	},
	{
		name: "a named port resolves at the destination pod, with the rule's protocol",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: named, namespace: x}
spec:
  podSelector: {}
  ingress:
  - ports: [{port: serve-81-tcp}]
`,
		proto: netpol.TCP, port: 81,
		table: `
     x/a x/b
y/a  .   .`,
	},
	{
		name: "an endPort extends the port to a range",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: range, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - ports: [{protocol: TCP, port: 80, endPort: 81}]
`,
		proto: netpol.TCP, port: 81,
		table: `
     x/a
y/a  .`,
	},
	{
		name: "Cilium before 1.17 (AKS Kubernetes 1.31) ignores endPort: the port alone",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: range, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - ports: [{protocol: TCP, port: 80, endPort: 81}]
`,
		engine: netpol.Cilium, version: "1.31",
		proto: netpol.TCP, port: 81,
		table: `
     x/a
y/a  X`,
	},
	{
		name: "UDP: a UDP rule admits UDP",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: udp, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - ports: [{protocol: UDP, port: 80}]
`,
		proto: netpol.UDP, port: 80,
		table: `
     x/a
y/a  .`,
	},
	{
		name: "SCTP: a named SCTP port admits SCTP",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: sctp, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - ports: [{protocol: SCTP, port: serve-80-sctp}]
`,
		proto: netpol.SCTP, port: 80,
		table: `
     x/a
y/a  .`,
	},
	{
		name: "engine none: nothing is enforced",
		policies: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`,
		engine: netpol.None,
		proto:  netpol.TCP, port: 80,
		table: `
     x/a x/b y/a
x/a  -   .   .
y/a  .   .   -`,
	},
}

func TestNetworkPolicyTruthTables(t *testing.T) {
	for _, c := range npCases {
		t.Run(c.name, func(t *testing.T) {
			a := analyze(t, c.policies, netpol.Options{Engine: c.engine, KubernetesVersion: c.version})
			checkTable(t, a, c.proto, c.port, c.table)
		})
	}
}

// The same rule admits one port and refuses its neighbours: ports are
// matched exactly, by protocol.
func TestPortsTruthTable(t *testing.T) {
	policies := `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ports, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - ports:
    - {port: 80}
    - {protocol: UDP, port: serve-80-udp}
    - {protocol: UDP, port: serve-80-tcp}
    - {protocol: SCTP, port: 1000, endPort: 1010}
`
	a := analyze(t, policies, netpol.Options{})
	src, dst := peer(t, a, "y/a"), peer(t, a, "x/a")
	for _, c := range []struct {
		proto netpol.Protocol
		port  int32
		want  bool
	}{
		{netpol.TCP, 80, true},
		{netpol.TCP, 81, false},
		{netpol.TCP, 79, false},
		{netpol.UDP, 80, true}, // serve-80-udp is UDP 80; serve-80-tcp under UDP matches nothing
		{netpol.UDP, 81, false},
		{netpol.SCTP, 80, false},
		{netpol.SCTP, 999, false},
		{netpol.SCTP, 1000, true},
		{netpol.SCTP, 1010, true},
		{netpol.SCTP, 1011, false},
	} {
		v := a.Check(netpol.Query{Src: src, Dst: dst, Proto: c.proto, Port: c.port})
		if v.Allowed != c.want {
			t.Errorf("%s/%d: allowed=%v, want %v (%s)", c.proto, c.port, v.Allowed, c.want, v.Ingress.Reason)
		}
	}
	if got, want := a.Conns(src, dst).String(), "SCTP 1000-1010,TCP 80,UDP 80"; got != want {
		t.Errorf("connections = %s, want %s", got, want)
	}
}

// Rules are additive: a connection any rule of any selecting policy allows
// is allowed, whatever the order of the rules.
func TestRulesAdditive(t *testing.T) {
	policies := `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-z-81, namespace: x}
spec:
  podSelector: {}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {ns: z}}}]
    ports: [{port: 81}]
  - from: [{namespaceSelector: {matchLabels: {ns: z}}}]
    ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-z-udp, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {ns: z}}}]
    ports: [{protocol: UDP, port: 80}]
`
	a := analyze(t, policies, netpol.Options{})
	for _, port := range []int32{80, 81} {
		checkTable(t, a, netpol.TCP, port, `
     x/a x/b
z/a  .   .
y/a  X   X`)
	}
	checkTable(t, a, netpol.UDP, 80, `
     x/a x/b
z/a  .   X`)
	if got, want := a.Conns(peer(t, a, "z/a"), peer(t, a, "x/a")).String(), "TCP 80-81,UDP 80"; got != want {
		t.Errorf("z/a → x/a: %s, want %s", got, want)
	}
}
