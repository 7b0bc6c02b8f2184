package load

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/aksnet/aksnet/internal/model"
)

// FuzzTopology feeds arbitrary bytes to the loader. Whatever the input, it
// must not panic, every error must name the file, and a load without errors
// must have every reference resolved.
//
// Seeds: the committed corpus in testdata/fuzz/FuzzTopology, plus every
// example estate and every valid and broken test topology.
func FuzzTopology(f *testing.F) {
	for _, pattern := range []string{"../../examples/*/topology.yaml", "testdata/valid/*.yaml", "testdata/broken/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, p := range files {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	// A manifest folder the fuzzed topology may include.
	mem := fstest.MapFS{
		"k8s/app.yaml": {Data: []byte("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: app\nspec:\n  ports: [{port: 80}]\n")},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "topology.yaml"
		topo, errs := Bytes(FSFiles{FS: mem}, name, data)
		for _, e := range errs {
			if e.Loc.File == "" {
				t.Fatalf("error without a file: %v", e)
			}
			if e.Msg == "" {
				t.Fatalf("error without a message at %v", e.Loc)
			}
		}
		if len(errs) == 0 {
			if topo == nil {
				t.Fatal("no errors and no topology")
			}
			assertResolved(t, topo)
		}
	})
}

// assertResolved checks that every written reference of a loaded topology
// points somewhere.
func assertResolved(t *testing.T, topo *model.Topology) {
	t.Helper()
	for _, v := range topo.Azure.VNets {
		for _, s := range v.Subnets {
			if s.RouteTable.IsSet() && s.RouteTable.Target == nil {
				t.Fatalf("subnet %s: route table %q unresolved", s.ID(), s.RouteTable.Name)
			}
		}
		for _, p := range v.Peerings {
			if p.Remote.Target == nil {
				t.Fatalf("vnet %s: peering remote %q unresolved", v.Name, p.Remote.Name)
			}
		}
	}
	for _, pe := range topo.Azure.PrivateEndpoints {
		if pe.Subnet.Target == nil || pe.Resource.Target == nil {
			t.Fatalf("private endpoint %s unresolved", pe.Name)
		}
		for _, z := range pe.DNSZoneGroup {
			if z.Target == nil {
				t.Fatalf("private endpoint %s: zone %q unresolved", pe.Name, z.Name)
			}
		}
	}
	for _, c := range topo.Azure.Clusters {
		if c.Objects == nil {
			t.Fatalf("cluster %s: objects not loaded", c.Name)
		}
		for _, p := range c.NodePools {
			if p.Subnet.Target == nil {
				t.Fatalf("cluster %s pool %s: subnet unresolved", c.Name, p.Name)
			}
		}
	}
	for _, c := range topo.Connections {
		if c.Gateway.Target == nil || c.Remote.Prefixes() == nil {
			t.Fatalf("connection %s unresolved", c.Name)
		}
	}
	// Vantages of a loaded topology must all derive, or fail with an error.
	for _, v := range topo.Vantages() {
		_, _ = topo.ResolvConf(v)
	}
}
