package gen

import (
	"fmt"
	"strings"
)

// NetpolParams size a generated cluster of pods and NetworkPolicies.
type NetpolParams struct {
	Namespaces       int
	PodsPerNamespace int
	// PoliciesPerNamespace is at most 10: the policy kinds below, in order.
	PoliciesPerNamespace int
}

// NetpolBenchParams is the network-policy benchmark of issue 8: 1,000 pods
// in 50 namespaces with 500 policies.
var NetpolBenchParams = NetpolParams{Namespaces: 50, PodsPerNamespace: 20, PoliciesPerNamespace: 10}

// NetpolBench returns the manifests of NetpolBenchParams.
func NetpolBench() map[string][]byte { return Netpol(NetpolBenchParams) }

// netpolApps are the five applications of every namespace: pods of one app
// share labels, so the cluster has 10 label sets per namespace (two versions
// of each app), not one per pod. The "http" port has two numbers, as real
// clusters do.
var netpolApps = []struct {
	name, role string
	ports      [][3]string // name, protocol, number
}{
	{"web", "frontend", [][3]string{{"http", "TCP", "8080"}, {"metrics", "TCP", "9090"}}},
	{"api", "backend", [][3]string{{"http", "TCP", "8000"}, {"grpc", "TCP", "50051"}}},
	{"db", "data", [][3]string{{"pg", "TCP", "5432"}}},
	{"cache", "data", [][3]string{{"redis", "TCP", "6379"}}},
	{"worker", "backend", [][3]string{{"metrics", "TCP", "9090"}, {"dns", "UDP", "53"}}},
}

// Netpol writes namespaces.yaml, pods.yaml and policies.yaml: Pods (no
// controllers, so every pod is a workload of its own, the worst case for a
// per-workload analyzer) and NetworkPolicies mixing every rule form —
// default deny, pod and namespace selectors alone and combined, named and
// numbered ports, endPort, ipBlock with except, UDP and SCTP. The output is a
// pure function of p.
func Netpol(p NetpolParams) map[string][]byte {
	var ns, pods, pols strings.Builder
	tiers := []string{"frontend", "backend", "data"}
	for i := 0; i < p.Namespaces; i++ {
		name := fmt.Sprintf("ns-%02d", i)
		fmt.Fprintf(&ns, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n  labels:\n    team: team-%d\n    tier: %s\n---\n",
			name, i%5, tiers[i%3])
		for j := 0; j < p.PodsPerNamespace; j++ {
			app := netpolApps[j%len(netpolApps)]
			version := 1 + (j/len(netpolApps))%2
			fmt.Fprintf(&pods, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s-%d\n  namespace: %s\n  labels:\n    app: %s\n    role: %s\n    version: v%d\nspec:\n  containers:\n  - name: main\n    image: registry.example/%s:%d\n    ports:\n",
				app.name, j, name, app.name, app.role, version, app.name, version)
			for _, port := range app.ports {
				fmt.Fprintf(&pods, "    - name: %s\n      protocol: %s\n      containerPort: %s\n", port[0], port[1], port[2])
			}
			pods.WriteString("---\n")
		}
		next := fmt.Sprintf("ns-%02d", (i+1)%p.Namespaces)
		for k := 0; k < p.PoliciesPerNamespace && k < len(netpolPolicies); k++ {
			pols.WriteString(fmt.Sprintf(netpolPolicies[k], name, next, i%5, 10+i%200))
			pols.WriteString("---\n")
		}
	}
	return map[string][]byte{
		"namespaces.yaml": []byte(ns.String()),
		"pods.yaml":       []byte(pods.String()),
		"policies.yaml":   []byte(pols.String()),
	}
}

// netpolPolicies are the ten policies of a namespace; each is a format
// taking the namespace, the next namespace, the team number and a number
// for addresses. %[1]s etc. select them.
var netpolPolicies = []string{
	// 0: default deny of ingress.
	`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress, namespace: %[1]s}
spec:
  podSelector: {}
  policyTypes: [Ingress]
# %[2]s %[3]d %[4]d
`,
	// 1: egress isolation of the backends, DNS allowed anywhere.
	`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend-egress-dns, namespace: %[1]s}
spec:
  podSelector: {matchLabels: {role: backend}}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector: {}
    ports:
    - {protocol: UDP, port: 53}
    - {protocol: TCP, port: 53}
# %[2]s %[3]d %[4]d
`,
	// 2: the web tier takes its own namespace's traffic on the named port.
	`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-namespace, namespace: %[1]s}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from:
    - podSelector: {}
    ports:
    - {port: http}
# %[2]s %[3]d %[4]d
`,
	// 3: the API takes the web pods of the same team's namespaces.
	`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-team-web, namespace: %[1]s}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: team-%[3]d}}
      podSelector: {matchLabels: {role: frontend}}
    ports:
    - {port: http}
    - {port: 50051}
# %[2]s %[4]d
`,
	// 4: the databases take the API and workers, on a port and a range.
	`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-backends, namespace: %[1]s}
spec:
  podSelector: {matchExpressions: [{key: app, operator: In, values: [db, cache]}]}
  ingress:
  - from:
    - podSelector: {matchLabels: {role: backend}}
    ports:
    - {protocol: TCP, port: 5432}
    - {protocol: TCP, port: 6000, endPort: 6400}
  - from:
    - podSelector: {matchLabels: {app: api, version: v2}}
    ports:
    - {port: redis}
# %[2]s %[3]d %[4]d
`,
	// 5: the API may call data tiers of any namespace labelled data.
	`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-to-data, namespace: %[1]s}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector: {matchLabels: {tier: data}}
      podSelector: {matchLabels: {role: data}}
  - to:
    - podSelector: {matchLabels: {role: data}}
# %[2]s %[3]d %[4]d
`,
	// 6: the workers reach the private networks but one, on HTTPS.
	`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: worker-to-private, namespace: %[1]s}
spec:
  podSelector: {matchLabels: {app: worker}}
  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/8
        except: [10.%[4]d.0.0/16]
    ports:
    - {protocol: TCP, port: 443}
  - to:
    - podSelector: {}
# %[2]s %[3]d
`,
	// 7: the web tier takes an office range.
	`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-office, namespace: %[1]s}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from:
    - ipBlock: {cidr: 192.168.%[4]d.0/24}
    ports:
    - {protocol: TCP, port: 80}
    - {protocol: TCP, port: 8080}
# %[2]s %[3]d
`,
	// 8: the next namespace's caches take this namespace's v1 workers.
	`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cache-from-previous, namespace: %[2]s}
spec:
  podSelector: {matchLabels: {app: cache}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: %[1]s}}
      podSelector: {matchLabels: {app: worker, version: v1}}
    ports:
    - {port: redis}
# %[3]d %[4]d
`,
	// 9: the workers take DNS and SCTP from anywhere in the cluster.
	`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: worker-from-cluster, namespace: %[1]s}
spec:
  podSelector: {matchLabels: {app: worker}}
  ingress:
  - from:
    - namespaceSelector: {}
    ports:
    - {protocol: UDP, port: dns}
    - {protocol: SCTP, port: 9000}
# %[2]s %[3]d %[4]d
`,
}
