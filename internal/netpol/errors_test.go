package netpol_test

import (
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
	"github.com/aksnet/aksnet/internal/netpol"
)

// Policies the API server would refuse are errors at their object's line,
// naming the field and what to do; none panics.
func TestInvalidPolicies(t *testing.T) {
	cases := []struct {
		name, doc, want, hint string
	}{
		{"ipBlock with a selector", `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  ingress:
  - from:
    - ipBlock: {cidr: 10.0.0.0/8}
      podSelector: {}
`, "NetworkPolicy x/p: spec.ingress[0].from[0]: ipBlock cannot be combined with podSelector or namespaceSelector", "split it into two peers"},
		{"empty peer", `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  egress:
  - to: [{}]
`, "spec.egress[0].to[0]: a peer needs podSelector, namespaceSelector or ipBlock", "namespaceSelector: {}"},
		{"bad cidr", `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0/8}}]
`, `spec.ingress[0].from[0].ipBlock.cidr: "10.0.0/8" is not a CIDR`, "e.g. 10.0.0.0/8"},
		{"except outside cidr", `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.1.0.0/24]}}]
`, "except[0]: 10.1.0.0/24 is outside cidr 10.0.0.0/16", "inside cidr"},
		{"endPort below port", `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  ingress:
  - ports: [{port: 90, endPort: 80}]
`, "spec.ingress[0].ports[0].endPort: 80 must lie between port 90 and 65535", "last port"},
		{"endPort with a named port", `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  ingress:
  - ports: [{port: http, endPort: 80}]
`, "endPort cannot follow a named port", "numbers"},
		{"quoted number as a port", `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  ingress:
  - ports: [{port: "80"}]
`, `spec.ingress[0].ports[0].port: "80" is not a port number or name`, "without quotes"},
		{"protocol", `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  ingress:
  - ports: [{protocol: ICMP}]
`, `protocol: "ICMP" is not a protocol`, "TCP, UDP or SCTP"},
		{"selector operator", `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec:
  podSelector: {matchExpressions: [{key: app, operator: Exists, values: [a]}]}
`, "NetworkPolicy x/p: spec.podSelector:", "Exists and DoesNotExist (without)"},
		{"policy type", `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingres]
`, `spec.policyTypes[0]: "Ingres" is not a policy type`, "Ingress or Egress"},
		{"priority", `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: p}
spec:
  priority: 1001
  subject: {namespaces: {}}
`, "AdminNetworkPolicy p: spec.priority 1001 is out of range", "0 (first) to 1000"},
		{"subject", `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: p}
spec:
  priority: 1
  subject: {}
`, "spec.subject must set exactly one of namespaces and pods", "namespaces: {}"},
		{"action", `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: p}
spec:
  priority: 1
  subject: {namespaces: {}}
  ingress:
  - action: Drop
    from: [{namespaces: {}}]
`, `spec.ingress[0].action: "Drop" is not an action`, "Allow, Deny or Pass"},
		{"baseline Pass", `apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {}}
  egress:
  - action: Pass
    to: [{namespaces: {}}]
`, `spec.egress[0].action: "Pass" is not an action`, "Allow or Deny"},
		{"baseline name", `apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: baseline}
spec:
  subject: {namespaces: {}}
`, `the only BaselineAdminNetworkPolicy a cluster accepts is named "default"`, "rename it"},
		{"peer with two fields", `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: p}
spec:
  priority: 1
  subject: {namespaces: {}}
  egress:
  - action: Deny
    to: [{namespaces: {}, networks: [10.0.0.0/8]}]
`, "spec.egress[0].to[0]: a peer sets exactly one of namespaces, pods, nodes, networks or domainNames", "one peer per entry"},
		{"rule without peers", `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: p}
spec:
  priority: 1
  subject: {namespaces: {}}
  ingress:
  - action: Deny
    from: []
`, "spec.ingress[0].from is empty", "at least one peer"},
		{"v1alpha2 Allow", `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: p}
spec:
  tier: Admin
  priority: 1
  subject: {namespaces: {}}
  ingress:
  - action: Allow
    from: [{namespaces: {}}]
`, `"Allow" is not an action`, "renamed Allow to Accept"},
		{"tier", `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: p}
spec:
  tier: Developer
  priority: 1
  subject: {namespaces: {}}
`, `spec.tier "Developer" is not a tier`, "Admin or Baseline"},
		{"port range", `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: p}
spec:
  tier: Baseline
  priority: 1
  subject: {namespaces: {}}
  egress:
  - action: Deny
    to: [{namespaces: {}}]
    protocols: [{tcp: {destinationPort: {range: {start: 90, end: 90}}}}]
`, "start 90 must be less than end 90", "use number"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			objs := &model.KubeObjects{}
			if errs := load.Manifests("p.yaml", []byte(c.doc), objs); len(errs) > 0 {
				t.Fatalf("load: %v", errs)
			}
			_, errs := netpol.New(objs, netpol.Options{Engine: netpol.Calico})
			if len(errs) != 1 {
				t.Fatalf("errors = %v; want one", errs)
			}
			e := errs[0]
			if e.Loc.File != "p.yaml" || e.Loc.Line != 1 || !strings.Contains(e.Msg, c.want) || !strings.Contains(e.Hint, c.hint) {
				t.Errorf("error = %q at %v (hint %q)\nwant %q at p.yaml:1 with a hint containing %q", e.Msg, e.Loc, e.Hint, c.want, c.hint)
			}
		})
	}
}

// Two policies of one name in one namespace would replace each other.
func TestDuplicatePolicy(t *testing.T) {
	const doc = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec: {podSelector: {}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec: {podSelector: {}}
`
	objs := &model.KubeObjects{}
	if errs := load.Manifests("p.yaml", []byte(doc), objs); len(errs) > 0 {
		t.Fatal(errs)
	}
	_, errs := netpol.New(objs, netpol.Options{})
	if len(errs) != 1 || errs[0].Loc.Line != 6 || !strings.Contains(errs[0].Msg, "NetworkPolicy x/p is declared twice (first at p.yaml:1") {
		t.Fatalf("errors = %v; want the second declaration, at line 6", errs)
	}
}
