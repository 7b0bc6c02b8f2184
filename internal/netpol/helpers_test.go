package netpol_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
	"github.com/aksnet/aksnet/internal/netpol"
)

// cluster is the truth tables' world (y is quoted: YAML 1.1, which kubectl
// and aksnet read, takes a bare y for true), after the Kubernetes e2e netpol tests
// and cyclonus (network-policy.md §2–3): namespaces x, y, z labelled ns=NAME,
// pods a and b in each labelled pod=NAME, each serving TCP 80 and 81, UDP 80
// and SCTP 80 under named ports. Pods record their addresses, 10.0.N.M, so
// that engines whose ipBlocks match pods can be told apart.
var cluster = `apiVersion: v1
kind: Namespace
metadata: {name: x, labels: {ns: x}}
---
apiVersion: v1
kind: Namespace
metadata: {name: "y", labels: {ns: "y"}}
---
apiVersion: v1
kind: Namespace
metadata: {name: z, labels: {ns: z}}
` + pods

var pods = func() string {
	var b strings.Builder
	for i, ns := range []string{"x", "y", "z"} {
		for j, p := range []string{"a", "b"} {
			b.WriteString("---\napiVersion: v1\nkind: Pod\nmetadata: {name: " + p + ", namespace: \"" + ns + "\", labels: {pod: " + p + "}}\n" +
				"spec:\n  containers:\n  - name: c\n    image: agnhost\n    ports:\n" +
				"    - {name: serve-80-tcp, containerPort: 80}\n" +
				"    - {name: serve-81-tcp, containerPort: 81, protocol: TCP}\n" +
				"    - {name: serve-80-udp, containerPort: 80, protocol: UDP}\n" +
				"    - {name: serve-80-sctp, containerPort: 80, protocol: SCTP}\n" +
				"status:\n  podIP: 10.0." + string(rune('1'+i)) + "." + string(rune('1'+j)) + "\n")
		}
	}
	return b.String()
}()

// analyze loads the world plus the policies (YAML documents) and builds the
// analyzer, failing on any error.
func analyze(t *testing.T, policies string, opts netpol.Options) *netpol.Analyzer {
	t.Helper()
	objs := &model.KubeObjects{}
	if errs := load.Manifests("cluster.yaml", []byte(cluster), objs); len(errs) > 0 {
		t.Fatalf("cluster: %v", errs)
	}
	if policies != "" {
		if errs := load.Manifests("policies.yaml", []byte(policies), objs); len(errs) > 0 {
			t.Fatalf("policies: %v", errs)
		}
	}
	a, errs := netpol.New(objs, opts)
	if len(errs) > 0 {
		t.Fatalf("New: %v", errs)
	}
	return a
}

func peer(t *testing.T, a *netpol.Analyzer, ref string) netpol.Peer {
	t.Helper()
	if ip, err := netip.ParseAddr(ref); err == nil {
		return a.AddrPeer(ip)
	}
	w, err := a.Lookup(ref)
	if err != nil {
		t.Fatal(err)
	}
	return a.WorkloadPeer(w)
}

// checkTable asserts a truth table for one connection. Rows are sources,
// columns destinations; "." allowed, "X" denied, "-" not asserted (a pod to
// itself). Sources and destinations may be pods (ns/pod) or addresses.
func checkTable(t *testing.T, a *netpol.Analyzer, proto netpol.Protocol, port int32, table string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(table), "\n")
	cols := strings.Fields(lines[0])
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		if len(f) != len(cols)+1 {
			t.Fatalf("table row %q has %d cells; want %d", line, len(f)-1, len(cols))
		}
		src := peer(t, a, f[0])
		for i, cell := range f[1:] {
			if cell == "-" {
				continue
			}
			dst := peer(t, a, cols[i])
			v := a.Check(netpol.Query{Src: src, Dst: dst, Proto: proto, Port: port})
			want := cell == "."
			if v.Allowed != want {
				t.Errorf("%s → %s %s/%d: allowed=%v, want %v\n  egress: %s\n  ingress: %s", f[0], cols[i], proto, port,
					v.Allowed, want, v.Egress.Reason, v.Ingress.Reason)
			}
			// The explained verdict and the set the map uses agree.
			if got := v.Conns.Contains(proto, port); got != want {
				t.Errorf("%s → %s %s/%d: the connection set %s disagrees with the table", f[0], cols[i], proto, port, v.Conns)
			}
		}
	}
}

const allPods = `
     x/a x/b y/a y/b z/a z/b`
