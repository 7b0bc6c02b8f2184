package load_test

import (
	"bytes"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/aksnet/aksnet/examples"
	"github.com/aksnet/aksnet/internal/gen"
	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

// modelJSON is the declared form of a linked topology, without locations:
// what two loads of one estate must agree on.
func modelJSON(t *testing.T, topo *model.Topology) []byte {
	t.Helper()
	b, err := json.MarshalIndent(topo, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEncodeRoundTrip: a topology written by Encode loads back into the
// same model, for the embedded estate and a generated one with every kind
// of element the generator makes.
func TestEncodeRoundTrip(t *testing.T) {
	files := load.FSFiles{FS: examples.FS}
	contoso, errs := load.Topology(files, examples.Default)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	m, err := gen.Generate(gen.Params{Spokes: 3, EndpointsPerSpoke: 4, Clusters: 2, ServicesPerCluster: 1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	generated, errs := load.Bytes(gen.Files(m), gen.TopologyFile, m[gen.TopologyFile])
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for name, topo := range map[string]*model.Topology{"contoso": contoso, "generated": generated} {
		t.Run(name, func(t *testing.T) {
			out, err := load.Encode(topo, "written by the test")
			if err != nil {
				t.Fatal(err)
			}
			// The manifests are not part of the model's declared form;
			// the written file lists the same paths, which do not exist
			// here, so it is compared without them.
			back, errs := load.Bytes(noManifests{}, "written.yaml", out)
			var rest model.ErrorList
			for _, e := range errs {
				if !bytes.Contains([]byte(e.Msg), []byte("manifests")) {
					rest = append(rest, e)
				}
			}
			if len(rest) > 0 {
				t.Fatalf("written topology does not load: %v\n%s", rest, out)
			}
			if a, b := modelJSON(t, topo), modelJSON(t, back); !bytes.Equal(a, b) {
				t.Errorf("round trip changed the model:\n%s", firstDiff(a, b))
			}
			again, err := load.Encode(back, "written by the test")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, again) {
				t.Errorf("writing the loaded file again gives another text:\n%s", firstDiff(out, again))
			}
		})
	}
}

type noManifests struct{ load.OSFiles }

func (noManifests) List(name string) ([]string, error) { return nil, nil }

// firstDiff shows the first differing line of two texts, with context.
func firstDiff(a, b []byte) string {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y []byte
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if !bytes.Equal(x, y) {
			return "line " + strconv.Itoa(i+1) + ":\n- " + string(x) + "\n+ " + string(y)
		}
	}
	return "(equal)"
}

// TestEncodeKeepsManifestsDeclarations: a cluster whose coredns-custom keys
// come partly from its manifests is written with only its own keys inline —
// the manifests the file lists bring the others — so it loads back the same.
func TestEncodeKeepsManifestsDeclarations(t *testing.T) {
	const path = "testdata/valid/with-manifests.yaml"
	topo, errs := load.Topology(load.OSFiles{}, path)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	c := topo.Azure.Clusters[0]
	if c.CoreDNSCustom["aws.server"] == "" || c.CoreDNSCustom["corp.server"] == "" {
		t.Fatalf("the test data changed: corednsCustom = %v", c.CoreDNSCustom)
	}
	out, err := load.Encode(topo, "")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("aws.server")) || !bytes.Contains(out, []byte("corp.server")) {
		t.Errorf("written:\n%s", out)
	}
	back, errs := load.Bytes(load.OSFiles{}, "testdata/valid/written.yaml", out)
	if len(errs) > 0 {
		t.Fatalf("the written file does not load: %v\n%s", errs, out)
	}
	if a, b := modelJSON(t, topo), modelJSON(t, back); !bytes.Equal(a, b) {
		t.Errorf("round trip changed the model:\n%s", firstDiff(a, b))
	}
	if n, m := len(c.Objects.Workloads), len(back.Azure.Clusters[0].Objects.Workloads); n != m || n == 0 {
		t.Errorf("workloads: %d before, %d after", n, m)
	}
}
