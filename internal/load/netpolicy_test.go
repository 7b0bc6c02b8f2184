package load_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/aksnet/aksnet/internal/load"
)

// The cluster-scoped policies of sigs.k8s.io/network-policy-api decode into
// their own lists, each located at its document.
func TestManifestsAdminPolicies(t *testing.T) {
	const doc = `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata:
  name: deny-monitoring
spec:
  priority: 10
  subject:
    namespaces: {}
  ingress:
  - name: deny
    action: Deny
    from:
    - namespaces:
        matchLabels: {team: monitoring}
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata:
  name: default
spec:
  subject:
    namespaces: {}
  egress:
  - action: Deny
    to:
    - networks: [0.0.0.0/0]
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata:
  name: accept-dns
spec:
  tier: Admin
  priority: 5
  subject:
    namespaces: {}
  egress:
  - action: Accept
    to:
    - pods:
        namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
        podSelector: {matchLabels: {k8s-app: kube-dns}}
    protocols:
    - udp: {destinationPort: {number: 53}}
`
	objs, errs := manifests(t, "p.yaml", doc)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if len(objs.AdminNetworkPolicies) != 1 || len(objs.BaselineAdminNetworkPolicies) != 1 || len(objs.ClusterNetworkPolicies) != 1 || len(objs.Skipped) != 0 {
		t.Fatalf("got %d ANP, %d BANP, %d CNP, %d skipped; want 1, 1, 1, 0", len(objs.AdminNetworkPolicies),
			len(objs.BaselineAdminNetworkPolicies), len(objs.ClusterNetworkPolicies), len(objs.Skipped))
	}
	anp := objs.AdminNetworkPolicies[0]
	if anp.Name != "deny-monitoring" || anp.Spec.Priority != 10 || string(anp.Spec.Ingress[0].Action) != "Deny" || !at(anp.Loc, "p.yaml", 1) {
		t.Errorf("ANP = %s priority %d at %v", anp.Name, anp.Spec.Priority, anp.Loc)
	}
	if b := objs.BaselineAdminNetworkPolicies[0]; string(b.Spec.Egress[0].To[0].Networks[0]) != "0.0.0.0/0" || !at(b.Loc, "p.yaml", 16) {
		t.Errorf("BANP networks %v at %v", b.Spec.Egress[0].To[0].Networks, b.Loc)
	}
	if c := objs.ClusterNetworkPolicies[0]; string(c.Spec.Tier) != "Admin" || c.Spec.Egress[0].Protocols[0].UDP.DestinationPort.Number != 53 || !at(c.Loc, "p.yaml", 28) {
		t.Errorf("CNP tier %s at %v", c.Spec.Tier, c.Loc)
	}
}

// A misspelt field of an admin policy is refused at its line, as kubectl
// would refuse it.
func TestManifestsAdminPolicyUnknownField(t *testing.T) {
	const doc = `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata:
  name: p
spec:
  priorty: 10
  subject:
    namespaces: {}
`
	_, errs := manifests(t, "p.yaml", doc)
	if len(errs) != 1 || !at(errs[0].Loc, "p.yaml", 6) || !strings.Contains(errs[0].Msg, `unknown field "spec.priorty"`) {
		t.Fatalf("errors = %v; want one unknown field at p.yaml:6", errs)
	}
}

// A typed list, as the API server returns it, is unpacked item by item; a
// Pod keeps the addresses its status records.
func TestManifestsTypedList(t *testing.T) {
	const doc = `kind: PodList
apiVersion: v1
items:
- metadata:
    name: a
    namespace: x
    labels: {app: a}
  spec:
    containers: [{name: c, image: i}]
  status:
    podIP: 10.244.1.5
    podIPs: [{ip: 10.244.1.5}]
- metadata:
    name: b
  spec:
    containers: [{name: c, image: i}]
`
	objs, errs := manifests(t, "pods.yaml", doc)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if len(objs.Workloads) != 2 || len(objs.Skipped) != 0 {
		t.Fatalf("got %d workloads, %d skipped; want 2, 0", len(objs.Workloads), len(objs.Skipped))
	}
	a, b := objs.Workloads[0], objs.Workloads[1]
	if a.Kind != "Pod" || a.Namespace != "x" || a.Template.Labels["app"] != "a" || !at(a.Loc, "pods.yaml", 4) ||
		len(a.PodIPs) != 1 || a.PodIPs[0] != "10.244.1.5" {
		t.Errorf("first pod: %s IPs %v", wl(a), a.PodIPs)
	}
	if b.Namespace != "default" || len(b.PodIPs) != 0 || !at(b.Loc, "pods.yaml", 13) {
		t.Errorf("second pod: %s IPs %v", wl(b), b.PodIPs)
	}
}

// minimalTopologyWithManifests is a cluster whose objects are under k8s/.
const minimalTopologyWithManifests = `apiVersion: aksnet.dev/v1alpha1
kind: Topology
metadata: {name: x}
azure:
  vnets:
    - name: v
      addressSpace: [10.0.0.0/16]
      subnets: [{name: s, addressPrefix: 10.0.0.0/24}]
  aksClusters:
    - name: c
      nodePools: [{name: p, subnet: v/s, count: 1}]
      kubernetes:
        manifests: [k8s]
`

// Two admin policies of one name would replace each other in a cluster.
func TestDuplicateAdminPolicy(t *testing.T) {
	const anp = `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: same}
spec:
  priority: 1
  subject: {namespaces: {}}
`
	fsys := fstest.MapFS{
		"t.yaml":     {Data: []byte(minimalTopologyWithManifests)},
		"k8s/a.yaml": {Data: []byte(anp)},
		"k8s/b.yaml": {Data: []byte(anp)},
	}
	_, errs := load.Topology(load.FSFiles{FS: fsys}, "t.yaml")
	found := false
	for _, e := range errs {
		if strings.Contains(e.Msg, "AdminNetworkPolicy /same is declared twice") && e.Loc.File == "k8s/b.yaml" {
			found = true
		}
	}
	if !found {
		t.Fatalf("errors = %v; want the second AdminNetworkPolicy reported", errs)
	}
}
