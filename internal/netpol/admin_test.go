package netpol_test

import (
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/netpol"
)

// The cluster-scoped tiers, after network-policy-api's API docs: admin
// rules (by priority, then in order) decide first, Allow and Deny finally,
// Pass handing over to NetworkPolicy; NetworkPolicy decides for the pods it
// selects; the baseline decides for the others; then the default allows.
// Calico is the AKS engine that implements them.
var adminCases = []struct {
	name     string
	policies string
	proto    netpol.Protocol
	port     int32
	table    string
}{
	{
		name: "an admin Deny beats a NetworkPolicy that allows",
		policies: `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: deny-from-y}
spec:
  priority: 10
  subject: {namespaces: {matchLabels: {ns: x}}}
  ingress:
  - name: deny-y
    action: Deny
    from: [{namespaces: {matchLabels: {ns: "y"}}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all, namespace: x}
spec:
  podSelector: {}
  ingress: [{}]
`,
		proto: netpol.TCP, port: 80,
		table: `
     x/a x/b
y/a  X   X
z/a  .   .
x/b  .   -`,
	},
	{
		name: "an admin Allow beats a NetworkPolicy that denies",
		policies: `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: allow-monitoring}
spec:
  priority: 10
  subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {pod: a}}}}
  ingress:
  - action: Allow
    from: [{pods: {namespaceSelector: {matchLabels: {ns: z}}, podSelector: {matchLabels: {pod: b}}}}]
    ports: [{portNumber: {protocol: TCP, port: 80}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`,
		proto: netpol.TCP, port: 80,
		table: `
     x/a x/b
z/b  .   X
z/a  X   X`,
	},
	{
		name: "Pass hands over to the NetworkPolicy tier, then to the baseline",
		policies: `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: pass-z}
spec:
  priority: 5
  subject: {namespaces: {}}
  ingress:
  - action: Pass
    from: [{namespaces: {matchLabels: {ns: z}}}]
  - action: Allow
    from: [{namespaces: {}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: x-a-from-z-b, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {ns: z}}, podSelector: {matchLabels: {pod: b}}}]
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {}}
  ingress:
  - action: Deny
    from: [{namespaces: {matchLabels: {ns: z}}}]
`,
		proto: netpol.TCP, port: 80,
		// z is passed: x/a's NetworkPolicy admits z/b only; x/b, y/* have
		// none, so the baseline denies z. Others are allowed by the second
		// admin rule.
		table: `
     x/a x/b y/a
z/a  X   X   X
z/b  .   X   X
y/b  .   .   .`,
	},
	{
		name: "a lower priority number decides first",
		policies: `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: late-allow}
spec:
  priority: 50
  subject: {namespaces: {matchLabels: {ns: x}}}
  ingress:
  - action: Allow
    from: [{namespaces: {}}]
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: early-deny}
spec:
  priority: 1
  subject: {namespaces: {matchLabels: {ns: x}}}
  ingress:
  - action: Deny
    from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {pod: b}}}}]
`,
		proto: netpol.TCP, port: 80,
		table: `
     x/a
y/a  .
y/b  X
z/b  X`,
	},
	{
		name: "rules of one policy decide in order; ports narrow a rule",
		policies: `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: ordered}
spec:
  priority: 10
  subject: {namespaces: {matchLabels: {ns: x}}}
  egress:
  - action: Allow
    to: [{namespaces: {matchLabels: {ns: "y"}}}]
    ports: [{portRange: {protocol: TCP, start: 80, end: 81}}]
  - action: Deny
    to: [{namespaces: {}}]
`,
		proto: netpol.TCP, port: 81,
		table: `
     y/a z/a x/b
x/a  .   X   X
y/a  -   .   .`,
	},
	{
		name: "the baseline decides only for pods no NetworkPolicy selects",
		policies: `apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {}}
  ingress:
  - action: Deny
    from: [{namespaces: {}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: x-a-from-y, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {ns: "y"}}}]
`,
		proto: netpol.TCP, port: 80,
		table: `
        x/a x/b z/a
y/a     .   X   X
z/b     X   X   X
8.8.8.8 X   .   .`,
	},
	{
		name: "a named port of an admin rule takes the container port's protocol",
		policies: `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: named}
spec:
  priority: 10
  subject: {namespaces: {matchLabels: {ns: x}}}
  ingress:
  - action: Deny
    from: [{namespaces: {}}]
    ports: [{namedPort: serve-80-udp}]
`,
		proto: netpol.UDP, port: 80,
		table: `
     x/a
y/a  X`,
	},
	{
		name: "admin networks: egress to addresses",
		policies: `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: no-public-dns}
spec:
  priority: 10
  subject: {namespaces: {}}
  egress:
  - action: Deny
    to: [{networks: [8.8.8.8/32, 8.8.4.4/32]}]
    ports: [{portNumber: {protocol: UDP, port: 53}}]
`,
		proto: netpol.UDP, port: 53,
		table: `
     8.8.8.8 8.8.4.4 1.1.1.1
x/a  X       X       .`,
	},
	{
		name: "ClusterNetworkPolicy: the Admin tier Accepts and Denies, the Baseline tier after NetworkPolicy",
		policies: `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: admin}
spec:
  tier: Admin
  priority: 10
  subject: {namespaces: {matchLabels: {ns: x}}}
  ingress:
  - action: Accept
    from: [{namespaces: {matchLabels: {ns: z}}}]
    protocols: [{tcp: {destinationPort: {number: 80}}}]
  - action: Pass
    from: [{namespaces: {matchLabels: {ns: "y"}}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: baseline}
spec:
  tier: Baseline
  priority: 10
  subject: {namespaces: {}}
  ingress:
  - action: Deny
    from: [{namespaces: {matchLabels: {ns: "y"}}}]
`,
		proto: netpol.TCP, port: 80,
		// z is accepted by the admin tier despite x/a's deny; y is passed:
		// x/a's NetworkPolicy denies it, x/b has none and the baseline
		// denies it; z/a has none either.
		table: `
     x/a x/b z/a
z/b  .   .   .
y/a  X   X   X
x/b  X   -   .`,
	},
}

func TestAdminTiersTruthTables(t *testing.T) {
	for _, c := range adminCases {
		t.Run(c.name, func(t *testing.T) {
			a := analyze(t, c.policies, netpol.Options{Engine: netpol.Calico})
			checkTable(t, a, c.proto, c.port, c.table)
		})
	}
}

// NPM and Cilium implement no cluster-scoped policy: they are reported and
// left out, and NetworkPolicy alone decides.
func TestAdminPoliciesNotEnforced(t *testing.T) {
	policies := adminCases[0].policies
	for _, e := range []netpol.Engine{netpol.NPM, netpol.Cilium} {
		a := analyze(t, policies, netpol.Options{Engine: e})
		checkTable(t, a, netpol.TCP, 80, `
     x/a
y/a  .`)
		found := false
		for _, w := range a.Warnings() {
			if strings.Contains(w.Msg, "does not implement AdminNetworkPolicy") && strings.Contains(w.Msg, "1 are not evaluated") {
				found = true
			}
		}
		if !found {
			t.Errorf("engine %s: warnings %v do not say the AdminNetworkPolicy is not evaluated", e, a.Warnings())
		}
	}
}
