package gen_test

import (
	"bytes"
	"testing"

	"github.com/aksnet/aksnet/internal/gen"
	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

// The network-policy benchmark cluster is what issue 8 asks for — 1,000
// pods in 50 namespaces with 500 policies — loads without error, and is
// the same every time.
func TestNetpolBench(t *testing.T) {
	files := gen.NetpolBench()
	objs := &model.KubeObjects{}
	for name, data := range files {
		if errs := load.Manifests(name, data, objs); len(errs) > 0 {
			t.Fatalf("%s: %v", name, errs[0])
		}
	}
	if len(objs.Workloads) != 1000 || len(objs.Namespaces) != 50 || len(objs.NetworkPolicies) != 500 || len(objs.Skipped) != 0 {
		t.Errorf("%d pods, %d namespaces, %d policies, %d skipped; want 1000, 50, 500, 0",
			len(objs.Workloads), len(objs.Namespaces), len(objs.NetworkPolicies), len(objs.Skipped))
	}
	again := gen.NetpolBench()
	for name, data := range files {
		if !bytes.Equal(data, again[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}
