package tfimport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

// declared is the form of a linked topology that two loads of one estate
// must agree on: every declared field, no locations (json:"-"), with the
// metadata left out when asked (an import names the estate after its file).
func declared(t *testing.T, topo *model.Topology, withMetadata bool) []byte {
	t.Helper()
	c := *topo
	if !withMetadata {
		c.Metadata = model.Metadata{}
	}
	b, err := json.MarshalIndent(&c, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// diff shows the first differing line of two texts, with its neighbours.
func diff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			lo := max(0, i-6)
			ctx := strings.Join(la[lo:i], "\n")
			return fmt.Sprintf("line %d, after\n%s\n- %s\n+ %s", i+1, ctx, x, y)
		}
	}
	return "(equal)"
}

func loadEstate(t *testing.T, src Sources) *Estate {
	t.Helper()
	est, errs := Load(load.OSFiles{}, src)
	if len(errs) > 0 {
		t.Fatalf("load %+v:\n%v", src, errs)
	}
	return est
}

func loadTopology(t *testing.T, files load.Files, name string) *model.Topology {
	t.Helper()
	topo, errs := load.Topology(files, name)
	if len(errs) > 0 {
		t.Fatalf("load %s:\n%v", name, errs)
	}
	return topo
}

// TestHubSpokeEquivalent: the plan of a private-AKS hub-spoke estate, whose
// IDs are all known only after apply, imports to the model of the same
// estate written as a topology file — every link found through the
// configuration's references, across modules.
func TestHubSpokeEquivalent(t *testing.T) {
	est := loadEstate(t, Sources{Terraform: []string{"testdata/hubspoke/plan.json"}})
	want := loadTopology(t, load.OSFiles{}, "testdata/hubspoke/topology.yaml")
	if a, b := declared(t, want, false), declared(t, est.Topology, false); !bytes.Equal(a, b) {
		t.Errorf("the import differs from topology.yaml:\n%s", diff(a, b))
	}
	// Links found through references are not guesses: the only warnings
	// are the addresses Azure assigns at apply time.
	for _, w := range est.Warnings {
		if !strings.Contains(w.Msg, "the private IP is known only after apply; assumed") {
			t.Errorf("unexpected warning: %v", w)
		}
	}
	if len(est.Warnings) != 5 {
		t.Errorf("%d warnings, want 5 (the firewall's and the four endpoints' addresses): %v", len(est.Warnings), est.Warnings)
	}
	// Every element is located at its Terraform address.
	hub := model.Lookup[model.VNet](est.Topology, "hub")
	if hub == nil || hub.Loc.TFAddress != "module.hub.azapi_resource.vnet" || hub.Loc.File != "testdata/hubspoke/plan.json" {
		t.Errorf("hub Loc = %+v", hub)
	}
	pe := model.Lookup[model.PrivateEndpoint](est.Topology, "pe-kv-contoso-prod")
	if pe == nil || pe.Loc.TFAddress != "module.spoke.module.pe_kv.azurerm_private_endpoint.this" {
		t.Errorf("endpoint Loc = %+v", pe)
	}
}
