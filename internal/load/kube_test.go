package load_test

import (
	"fmt"
	"maps"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

// manifests decodes data as the file name, failing the test on a panic.
func manifests(t *testing.T, name, data string) (*model.KubeObjects, model.ErrorList) {
	t.Helper()
	objs := &model.KubeObjects{}
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("load.Manifests panicked: %v", r)
		}
	}()
	return objs, load.Manifests(name, []byte(data), objs)
}

func manifestFile(t *testing.T, path string) (*model.KubeObjects, model.ErrorList) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return manifests(t, path, string(data))
}

// wl describes a workload in one line.
func wl(w *model.Workload) string {
	if w == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%s %s/%s ×%d labels %v at %v", w.Kind, w.Namespace, w.Name, w.Replicas, w.Template.Labels, w.Loc)
}

// at reports whether l is the given line of file; the column is not
// asserted, as objects are located by their document or item.
func at(l model.Location, file string, line int) bool { return l.File == file && l.Line == line }

func TestManifestsMultiDocument(t *testing.T) {
	const path = "testdata/manifests/app/web.yaml"
	objs, errs := manifestFile(t, path)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if len(objs.Workloads) != 1 || len(objs.Services) != 1 || len(objs.NetworkPolicies) != 1 || len(objs.Skipped) != 0 {
		t.Fatalf("got %d workloads, %d services, %d policies, %d skipped; want 1, 1, 1, 0",
			len(objs.Workloads), len(objs.Services), len(objs.NetworkPolicies), len(objs.Skipped))
	}

	// A Deployment becomes a workload: its pod template and replicas.
	w := objs.Workloads[0]
	if w.Kind != "Deployment" || w.Namespace != "shop" || w.Name != "web" || w.Replicas != 3 {
		t.Errorf("workload = %s %s/%s ×%d", w.Kind, w.Namespace, w.Name, w.Replicas)
	}
	if want := map[string]string{"app": "web", "tier": "front"}; !maps.Equal(w.Template.Labels, want) {
		t.Errorf("template labels = %v, want %v", w.Template.Labels, want)
	}
	if len(w.Template.Spec.Containers) != 1 || w.Template.Spec.Containers[0].Image != "nginx:1.27" {
		t.Errorf("template spec = %+v", w.Template.Spec)
	}
	if got := objs.Workload("shop", "web"); got != w {
		t.Errorf("Workload(shop, web) = %v", got)
	}
	// Every object is located at its document's first line; the separator,
	// comment-only documents and leading comments are counted.
	if !at(w.Loc, path, 3) {
		t.Errorf("deployment Loc = %v, want line 3", w.Loc)
	}

	s := objs.Services[0]
	if s.Namespace != "shop" || s.Name != "web" || s.Spec.Ports[0].Port != 80 || s.Spec.Ports[0].TargetPort.IntValue() != 8080 || s.Spec.Selector["app"] != "web" {
		t.Errorf("service = %+v", s.Service)
	}
	if !at(s.Loc, path, 26) {
		t.Errorf("service Loc = %v, want line 26", s.Loc)
	}
	if objs.Service("shop", "web") != s {
		t.Error("Service(shop, web) not found")
	}

	np := objs.NetworkPolicies[0]
	if np.Namespace != "shop" || np.Name != "web-ingress" || np.Spec.PodSelector.MatchLabels["app"] != "web" || len(np.Spec.Ingress) != 1 {
		t.Errorf("network policy = %+v", np.NetworkPolicy)
	}
	if !at(np.Loc, path, 37) {
		t.Errorf("policy Loc = %v, want line 37", np.Loc)
	}
}

func TestManifestsJSONList(t *testing.T) {
	const path = "testdata/manifests/app/db-client.json"
	objs, errs := manifestFile(t, path)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if len(objs.Workloads) != 1 || len(objs.Skipped) != 1 {
		t.Fatalf("got %d workloads and %d skipped, want 1 and 1", len(objs.Workloads), len(objs.Skipped))
	}
	w := objs.Workloads[0]
	if w.Kind != "Pod" || w.Namespace != "shop" || w.Name != "psql" || w.Replicas != 1 || w.Template.Labels["app"] != "psql" {
		t.Errorf("pod = %s", wl(w))
	}
	// A kind aksnet does not model (a CRD) is kept, by name, as skipped.
	sk := objs.Skipped[0]
	if sk.APIVersion != "cilium.io/v2" || sk.Kind != "CiliumNetworkPolicy" || sk.Namespace != "shop" || sk.Name != "allow-dns" {
		t.Errorf("skipped = %+v", sk)
	}
	t.Run("item locations", func(t *testing.T) {
		// Each item of a List is declared at its own line, not at the List's.
		if !at(w.Loc, path, 5) {
			t.Errorf("pod Loc = %v, want line 5", w.Loc)
		}
		if !at(sk.Loc, path, 11) {
			t.Errorf("skipped Loc = %v, want line 11", sk.Loc)
		}
	})
}

func TestManifestsYAMLList(t *testing.T) {
	const data = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: a}
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: deny-all, namespace: shop}
    spec:
      podSelector: {}
      policyTypes: [Ingress, Egress]
`
	objs, errs := manifests(t, "list.yaml", data)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if len(objs.Services) != 1 || objs.Services[0].Namespace != "default" || objs.Services[0].Name != "a" {
		t.Errorf("services = %+v", objs.Services)
	}
	if len(objs.NetworkPolicies) != 1 || objs.NetworkPolicies[0].Name != "deny-all" || len(objs.NetworkPolicies[0].Spec.PolicyTypes) != 2 {
		t.Errorf("policies = %+v", objs.NetworkPolicies)
	}
}

func TestManifestsKinds(t *testing.T) {
	const data = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec: {containers: [{name: w, image: busybox}]}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: coredns-custom
  namespace: kube-system
data:
  corp.server: |
    corp.contoso.com:53 {
        forward . 192.168.10.4
    }
--- # a separator may carry a comment
apiVersion: v1
kind: ConfigMap
metadata:
  name: coredns-custom
  namespace: default
data:
  key: value
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup, namespace: shop}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: backup}}
        spec:
          restartPolicy: Never
          containers: [{name: b, image: busybox}]
`
	const file = "kinds.yaml"
	objs, errs := manifests(t, file, data)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}

	// A namespace carries the label the API server sets on every namespace.
	if len(objs.Namespaces) != 1 || objs.Namespaces[0].Labels["kubernetes.io/metadata.name"] != "shop" {
		t.Errorf("namespaces = %+v", objs.Namespaces)
	}
	if ns := objs.Namespace("other"); ns.Name != "other" || ns.Labels["kubernetes.io/metadata.name"] != "other" {
		t.Errorf("implied namespace = %+v", ns)
	}

	// Defaults: namespace "default", one replica.
	if w := objs.Workload("default", "worker"); w == nil || w.Replicas != 1 || !at(w.Loc, file, 6) {
		t.Errorf("worker = %s", wl(w))
	}
	if w := objs.Workload("shop", "db"); w == nil || w.Kind != "StatefulSet" || w.Replicas != 2 || w.Template.Labels["app"] != "db" {
		t.Errorf("db = %s", wl(w))
	}
	if w := objs.Workload("shop", "backup"); w == nil || w.Kind != "CronJob" || w.Template.Labels["app"] != "backup" {
		t.Errorf("backup = %s", wl(w))
	}

	// Only kube-system/coredns-custom is CoreDNS configuration.
	if len(objs.CoreDNSCustom) != 1 || !at(objs.CoreDNSCustom[0].Loc, file, 16) || !strings.Contains(objs.CoreDNSCustom[0].Data["corp.server"], "forward . 192.168.10.4") {
		t.Errorf("coredns-custom = %+v", objs.CoreDNSCustom)
	}
	if len(objs.Skipped) != 1 || objs.Skipped[0].Namespace != "default" || objs.Skipped[0].Name != "coredns-custom" || !at(objs.Skipped[0].Loc, file, 27) {
		t.Errorf("skipped = %+v", objs.Skipped)
	}
}

// TestManifestsSkippedNamed: every object aksnet does not model is reported
// with its name, whether its kind is unknown (a CRD) or known to the
// Kubernetes API but not to aksnet (a Secret).
func TestManifestsSkippedNamed(t *testing.T) {
	const data = `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: web
  namespace: shop
---
apiVersion: v1
kind: Secret
metadata:
  name: db-password
  namespace: shop
stringData:
  password: hunter2
`
	objs, errs := manifests(t, "skipped.yaml", data)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := []model.SkippedObject{
		{APIVersion: "monitoring.coreos.com/v1", Kind: "ServiceMonitor", Namespace: "shop", Name: "web", Loc: model.Location{File: "skipped.yaml", Line: 1}},
		{APIVersion: "v1", Kind: "Secret", Namespace: "shop", Name: "db-password", Loc: model.Location{File: "skipped.yaml", Line: 7}},
	}
	if len(objs.Skipped) != len(want) {
		t.Fatalf("skipped = %+v, want %+v", objs.Skipped, want)
	}
	for i, w := range want {
		got := *objs.Skipped[i]
		if !at(got.Loc, w.Loc.File, w.Loc.Line) {
			t.Errorf("skipped[%d] at %v, want line %d", i, got.Loc, w.Loc.Line)
		}
		got.Loc = w.Loc
		if got != w {
			t.Errorf("skipped[%d] = %+v, want %+v", i, got, w)
		}
	}
}

func TestManifestsEmpty(t *testing.T) {
	for _, data := range []string{"", "\n", "# only a comment\n", "---\n---\n# nothing\n---\n"} {
		objs, errs := manifests(t, "empty.yaml", data)
		if len(errs) > 0 || len(objs.Workloads)+len(objs.Services)+len(objs.Skipped) > 0 {
			t.Errorf("%q: errors %v, objects %+v", data, errs, objs)
		}
	}
}

func TestManifestsCRLF(t *testing.T) {
	data := "apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: a\r\n---\r\napiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: b\r\n"
	objs, errs := manifests(t, "crlf.yaml", data)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if len(objs.Services) != 2 || objs.Services[1].Name != "b" || !at(objs.Services[1].Loc, "crlf.yaml", 6) {
		t.Errorf("services = %+v", objs.Services)
	}
}

// TestManifestErrors checks that every problem in a manifest is located at
// the line to change.
func TestManifestErrors(t *testing.T) {
	const valid = "apiVersion: v1\nkind: Service\nmetadata:\n  name: first\n---\n" // lines 1-5
	for _, tc := range []struct {
		name     string
		data     string
		line     int    // of the single error
		column   int    // 0: not asserted
		contains string // in the message
	}{
		{
			name: "unknown field in a Deployment",
			data: valid + `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx
          imagePullPolcy: Always
`,
			line: 19, column: 11,
			contains: `Deployment shop/web: unknown field "spec.template.spec.containers[0].imagePullPolcy"`,
		},
		{
			name: "unknown field in the second container",
			data: valid + `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: nginx
    - name: b
      image: nginx
      portz: []
`,
			line: 15, column: 7,
			contains: `unknown field "spec.containers[1].portz"`,
		},
		{
			name:     "no kind",
			data:     valid + "apiVersion: v1\nmetadata:\n  name: x\n",
			line:     6,
			contains: "manifest has no apiVersion or kind",
		},
		{
			name:     "no apiVersion",
			data:     valid + "kind: Service\nmetadata:\n  name: x\n",
			line:     6,
			contains: "manifest has no apiVersion or kind",
		},
		{
			name: "unknown field in a List item",
			data: valid + `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: a}
  - apiVersion: v1
    kind: Service
    metadata: {name: b}
    spec:
      portz: []
`,
			line: 16, column: 7,
			contains: `Service b: unknown field "spec.portz"`,
		},
		{
			name: "duplicate key",
			data: valid + `apiVersion: v1
kind: Service
metadata:
  name: b
  labels:
    a: b
    a: c
`,
			line:     12,
			contains: `"a"`,
		},
		{
			name: "wrong type",
			data: valid + `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: two
`,
			line:     11,
			contains: "replicas",
		},
		{
			name: "YAML syntax error",
			data: valid + `apiVersion: v1
kind: Service
metadata:
  name: b
 labels: {}
`,
			line: 10,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := manifests(t, "m.yaml", tc.data)
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1: %v", len(errs), errs)
			}
			e := errs[0]
			if e.Loc.File != "m.yaml" || e.Loc.Line != tc.line || tc.column != 0 && e.Loc.Column != tc.column {
				t.Errorf("error at %v, want m.yaml:%d:%d: %v", e.Loc, tc.line, tc.column, e)
			}
			if !strings.Contains(e.Msg, tc.contains) {
				t.Errorf("message %q does not contain %q", e.Msg, tc.contains)
			}
			if strings.Contains(e.Error(), "\n") {
				t.Errorf("message spans lines: %q", e.Error())
			}
		})
	}
}

// TestClusterManifests loads a topology whose cluster includes a folder of
// manifests: YAML, JSON, a List, a CRD, a coredns-custom ConfigMap and a
// file that is not a manifest.
func TestClusterManifests(t *testing.T) {
	check := func(t *testing.T, topo *model.Topology, dir string) {
		t.Helper()
		c := model.Lookup[model.Cluster](topo, "aks1")
		objs := c.Objects
		if objs == nil {
			t.Fatal("no objects")
		}
		if len(objs.Namespaces) != 1 || objs.Namespaces[0].Labels["team"] != "payments" || !at(objs.Namespaces[0].Loc, dir+"/namespace.yaml", 1) {
			t.Errorf("namespaces = %+v", objs.Namespaces)
		}
		if w := objs.Workload("shop", "web"); w == nil || w.Replicas != 3 || !at(w.Loc, dir+"/web.yaml", 3) {
			t.Errorf("web = %s", wl(w))
		}
		if w := objs.Workload("shop", "psql"); w == nil || w.Loc.File != dir+"/db-client.json" {
			t.Errorf("psql = %s", wl(w))
		}
		if len(objs.Services) != 1 || len(objs.NetworkPolicies) != 1 {
			t.Errorf("services %d, policies %d; want 1, 1", len(objs.Services), len(objs.NetworkPolicies))
		}
		if len(objs.Skipped) != 1 || objs.Skipped[0].Name != "allow-dns" {
			t.Errorf("skipped = %+v", objs.Skipped)
		}
		// coredns-custom from the manifests merges with the topology's.
		if len(objs.CoreDNSCustom) != 1 {
			t.Errorf("coredns-custom ConfigMaps = %d, want 1", len(objs.CoreDNSCustom))
		}
		keys := []string{}
		for k := range c.CoreDNSCustom {
			keys = append(keys, k)
		}
		if len(keys) != 2 || c.CoreDNSCustom["corp.server"] == "" || !strings.Contains(c.CoreDNSCustom["aws.server"], "private.aws.internal:53") {
			t.Errorf("corednsCustom = %q", c.CoreDNSCustom)
		}
	}
	t.Run("OSFiles", func(t *testing.T) {
		topo := mustLoad(t, "testdata/valid/with-manifests.yaml")
		check(t, topo, "testdata/manifests/app")
	})
	t.Run("FSFiles", func(t *testing.T) {
		topo, errs := load.Topology(load.FSFiles{FS: os.DirFS("testdata")}, "valid/with-manifests.yaml")
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		check(t, topo, "manifests/app")
	})
}

func TestClusterManifestsFSFilesOutsideTree(t *testing.T) {
	const topo = `apiVersion: aksnet.dev/v1alpha1
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
        manifests: [../../etc]
`
	fsys := fstest.MapFS{"estate/topology.yaml": {Data: []byte(topo)}}
	_, errs := load.Topology(load.FSFiles{FS: fsys}, "estate/topology.yaml")
	const want = `estate/topology.yaml:13:9: cluster c: manifests "../../etc": ../etc: path leaves the embedded tree (paths are relative to the topology file)`
	if len(errs) != 1 || errs[0].Error() != want {
		t.Errorf("errors = %v\nwant %s", errs, want)
	}
}

// TestManifestsYAML11Booleans: kubectl reads manifests as YAML 1.1, where
// yes, on and their kin are booleans; a manifest kubectl applies must load.
func TestManifestsYAML11Booleans(t *testing.T) {
	const data = `apiVersion: v1
kind: Pod
metadata:
  name: probe
spec:
  hostNetwork: yes
  containers:
    - name: probe
      image: busybox
      stdin: on
`
	objs, errs := manifests(t, "m.yaml", data)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if len(objs.Workloads) != 1 {
		t.Fatalf("workloads = %d, want 1", len(objs.Workloads))
	}
	spec := objs.Workloads[0].Template.Spec
	if !spec.HostNetwork || !spec.Containers[0].Stdin {
		t.Errorf("hostNetwork = %v, stdin = %v; want true, true", spec.HostNetwork, spec.Containers[0].Stdin)
	}
}
