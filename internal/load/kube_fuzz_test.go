package load

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aksnet/aksnet/internal/model"
)

// FuzzManifests feeds arbitrary bytes to the Kubernetes importer, as a
// manifest file and as a CoreDNS file. Whatever the input it must not
// panic, every error must name the file, every object must be located in
// it, and the objects must fold into a cluster without panicking.
//
// Seeds: the committed corpus in testdata/fuzz/FuzzManifests, plus every
// manifest of the test data and of the example estates.
func FuzzManifests(f *testing.F) {
	for _, pattern := range []string{"testdata/manifests/*/*", "../../examples/*/k8s/*"} {
		files, _ := filepath.Glob(pattern)
		for _, p := range files {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.yaml"
		objs := &model.KubeObjects{}
		errs := Manifests(name, data, objs)
		if e := CoreDNSFile("k8s/fuzz.server", data, objs); e != nil {
			errs = append(errs, e)
		}
		if e := CoreDNSFile("k8s/Corefile", data, objs); e != nil {
			errs = append(errs, e)
		}
		errs = append(errs, duplicateObjects(objs)...)
		for _, e := range errs {
			if e.Loc.File == "" || e.Msg == "" {
				t.Fatalf("error without a file or a message: %+v", e)
			}
		}
		located := func(l model.Location) {
			if l.File == "" {
				t.Fatalf("object without a location")
			}
		}
		for _, w := range objs.Workloads {
			located(w.Loc)
		}
		for _, s := range objs.Services {
			located(s.Loc)
		}
		for _, s := range objs.EndpointSlices {
			located(s.Loc)
		}
		for _, s := range objs.Skipped {
			located(s.Loc)
		}
		c := &model.Cluster{Name: "fuzz"}
		_ = attach(c, objs)
		for _, i := range objs.Ingresses {
			_ = i.Hostnames()
		}
	})
}
