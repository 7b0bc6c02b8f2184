package netpol_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/gen"
	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
	"github.com/aksnet/aksnet/internal/netpol"
)

func mapLines(m *netpol.Map) []string {
	var out []string
	m.Each(func(s, d *netpol.Endpoint, id netpol.ConnID) bool {
		out = append(out, s.String()+" => "+d.String()+" : "+m.ConnString(id))
		return true
	})
	return out
}

// The map: address ranges cut where the policies cut them, a workload to
// itself and a range to a range left out, pairs with no connection left
// out, sources and destinations in order.
func TestMap(t *testing.T) {
	const doc = `apiVersion: v1
kind: Namespace
metadata: {name: z, labels: {ns: z}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.10.0.0/16]}}]
  egress:
  - to: [{namespaceSelector: {matchLabels: {ns: z}}, podSelector: {matchLabels: {pod: b}}}]
    ports: [{port: 80}, {protocol: UDP, port: 53}]
`
	objs := &model.KubeObjects{}
	if errs := load.Manifests("p.yaml", []byte(doc), objs); len(errs) > 0 {
		t.Fatal(errs)
	}
	// x/a and z/b alone, so the whole map fits in the test.
	objs.Workloads = []*model.Workload{workload("x", "a", "a"), workload("z", "b", "b")}
	a, errs := netpol.New(objs, netpol.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got := strings.Join(mapLines(a.Map()), "\n")
	want := strings.Join([]string{
		"10.0.0.0-10.9.255.255 => x/a[Pod] : All Connections",
		"10.0.0.0-10.9.255.255 => z/b[Pod] : All Connections",
		"10.10.0.0/16 => z/b[Pod] : All Connections",
		"10.11.0.0-10.255.255.255 => x/a[Pod] : All Connections",
		"10.11.0.0-10.255.255.255 => z/b[Pod] : All Connections",
		"0.0.0.0-9.255.255.255 => z/b[Pod] : All Connections",
		"11.0.0.0-255.255.255.255 => z/b[Pod] : All Connections",
		"x/a[Pod] => z/b[Pod] : TCP 80,UDP 53",
		"z/b[Pod] => 0.0.0.0/0 : All Connections",
	}, "\n")
	// Sources come in address order: compare as sets of lines, then the
	// order separately.
	if !sameLines(got, want) {
		t.Errorf("map:\n%s\nwant:\n%s", got, want)
	}
	lines := mapLines(a.Map())
	if !strings.HasPrefix(lines[0], "0.0.0.0-9.255.255.255") || !strings.HasPrefix(lines[len(lines)-1], "z/b[Pod] =>") {
		t.Errorf("order: first %q, last %q", lines[0], lines[len(lines)-1])
	}
}

func sameLines(a, b string) bool {
	set := map[string]int{}
	for _, l := range strings.Split(a, "\n") {
		set[l]++
	}
	for _, l := range strings.Split(b, "\n") {
		set[l]--
	}
	for _, n := range set {
		if n != 0 {
			return false
		}
	}
	return true
}

func workload(ns, name, pod string) *model.Workload {
	w := &model.Workload{Kind: "Pod", Namespace: ns, Name: name, Replicas: 1}
	w.Template.Labels = map[string]string{"pod": pod}
	return w
}

// Pods no policy can tell apart are one group: cost follows label sets.
// The generated benchmark has 1,000 pods of 500 label sets.
func TestGroupsFollowLabelSets(t *testing.T) {
	objs := &model.KubeObjects{}
	for name, data := range gen.Netpol(gen.NetpolParams{Namespaces: 5, PodsPerNamespace: 40, PoliciesPerNamespace: 10}) {
		if errs := load.Manifests(name, data, objs); len(errs) > 0 {
			t.Fatal(errs)
		}
	}
	a, errs := netpol.New(objs, netpol.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	m := a.Map()
	if len(a.Workloads()) != 200 || m.Groups() != 50 {
		t.Errorf("%d workloads in %d groups; want 200 in 50 (5 namespaces × 5 apps × 2 versions)", len(a.Workloads()), m.Groups())
	}
}

// Every cell of the map equals the single answer for that pair: the map's
// memoised evaluation and Check's explained one agree.
func TestMapAgreesWithCheck(t *testing.T) {
	objs := &model.KubeObjects{}
	for name, data := range gen.Netpol(gen.NetpolParams{Namespaces: 4, PodsPerNamespace: 10, PoliciesPerNamespace: 10}) {
		if errs := load.Manifests(name, data, objs); len(errs) > 0 {
			t.Fatal(errs)
		}
	}
	for _, e := range []netpol.Engine{netpol.Cilium, netpol.NPM} {
		a, errs := netpol.New(objs, netpol.Options{Engine: e, PodRanges: []netip.Prefix{netip.MustParsePrefix("10.244.0.0/16")}})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		m := a.Map()
		n, nonEmpty := 0, 0
		for _, s := range m.Sources() {
			for _, d := range m.Destinations() {
				if s.Workload == nil && d.Workload == nil {
					continue
				}
				sp, dp := endpointPeer(a, s), endpointPeer(a, d)
				want := a.Conns(sp, dp)
				if got := m.Conns(m.Between(s, d)); !got.Equal(want) {
					t.Errorf("%s: %s → %s: map %s, Check %s", e, s, d, got, want)
				}
				n++
				if !want.IsEmpty() {
					nonEmpty++
				}
				for _, probe := range []struct {
					proto netpol.Protocol
					port  int32
				}{{netpol.TCP, 8080}, {netpol.TCP, 443}, {netpol.UDP, 53}, {netpol.SCTP, 9000}} {
					v := a.Check(netpol.Query{Src: sp, Dst: dp, Proto: probe.proto, Port: probe.port})
					if v.Allowed != want.Contains(probe.proto, probe.port) {
						t.Errorf("%s: %s → %s %s/%d: explained %v, set %s", e, s, d, probe.proto, probe.port, v.Allowed, want)
					}
				}
			}
		}
		if nonEmpty == 0 || nonEmpty == n {
			t.Errorf("%s: %d of %d pairs connect; the generated policies should allow some and deny some", e, nonEmpty, n)
		}
	}
}

func endpointPeer(a *netpol.Analyzer, e *netpol.Endpoint) netpol.Peer {
	if e.Workload != nil {
		return a.WorkloadPeer(e.Workload)
	}
	return a.AddrPeer(netip.MustParseAddr(strings.Split(e.Range.Dashed(), "-")[0]))
}

func TestDiff(t *testing.T) {
	before := analyze(t, explainPolicies, netpol.Options{})
	after := analyze(t, strings.Replace(explainPolicies, "ports: [{port: 81}]", "ports: [{port: 81}, {port: 82}]", 1)+`---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: office, namespace: x}
spec:
  podSelector: {matchLabels: {pod: b}}
  ingress:
  - from: [{ipBlock: {cidr: 192.168.0.0/16}}]
`, netpol.Options{})
	var got []string
	for _, c := range netpol.Diff(before, after) {
		got = append(got, fmt.Sprintf("%s %s => %s: %s → %s", c.Kind, c.Src, c.Dst, c.Before, c.After))
	}
	want := []string{
		// x/b was isolated already (x/deny); now the office range reaches it.
		// Both maps are cut at the range's edges.
		"added 192.168.0.0/16 => x/b[Pod]: No Connections → All Connections",
		"changed z/a[Pod] => x/a[Pod]: TCP 81 → TCP 81-82",
		"changed z/b[Pod] => x/a[Pod]: TCP 81 → TCP 81-82",
	}
	if !sameLines(strings.Join(got, "\n"), strings.Join(want, "\n")) {
		t.Errorf("diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Pods whose addresses differ are one group unless a block the engine
// matches against pods tells them apart.
func TestGroupsAndAddresses(t *testing.T) {
	objs := &model.KubeObjects{}
	for i := 0; i < 10; i++ {
		w := workload("x", fmt.Sprintf("p%d", i), "same")
		w.PodIPs = []string{fmt.Sprintf("10.0.0.%d", i)}
		objs.Workloads = append(objs.Workloads, w)
	}
	const doc = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: low, namespace: x}
spec:
  podSelector: {}
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0/30}}]
`
	if errs := load.Manifests("p.yaml", []byte(doc), objs); len(errs) > 0 {
		t.Fatal(errs)
	}
	for e, want := range map[netpol.Engine]int{netpol.Cilium: 1, netpol.NPM: 2} {
		a, errs := netpol.New(objs, netpol.Options{Engine: e})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		if got := a.Map().Groups(); got != want {
			t.Errorf("%s: %d groups, want %d", e, got, want)
		}
	}
}
