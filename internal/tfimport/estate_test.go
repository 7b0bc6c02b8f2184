package tfimport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/examples"
	"github.com/aksnet/aksnet/internal/check"
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

var (
	tfPlace   = regexp.MustCompile(`testdata/hubspoke/plan\.json: [A-Za-z0-9_.\[\]"-]+`)
	yamlPlace = regexp.MustCompile(`[A-Za-z0-9_./-]+\.yaml:[0-9]+(:[0-9]+)?`)
)

// TestOverlayMakesContoso: the plan completed by a topology file with what
// Terraform cannot know is the embedded Contoso estate, and aksnet check
// finds the same things in both — located at Terraform addresses in one,
// at lines of topology.yaml in the other.
func TestOverlayMakesContoso(t *testing.T) {
	est := loadEstate(t, Sources{Terraform: []string{"testdata/hubspoke/plan.json"}, Topology: "testdata/hubspoke/overlay.yaml"})
	contoso := loadTopology(t, load.FSFiles{FS: examples.FS}, examples.Default)
	// The manifests are the same files, named relative to each topology.
	ours, theirs := model.Lookup[model.Cluster](est.Topology, "aks-prod"), model.Lookup[model.Cluster](contoso, "aks-prod")
	if ours == nil || theirs == nil {
		t.Fatal("no cluster aks-prod")
	}
	if got := ours.Kubernetes.Manifests; len(got) != 1 || got[0] != "../../../../examples/contoso/k8s/" {
		t.Errorf("manifests = %v", got)
	}
	saved := ours.Kubernetes.Manifests
	ours.Kubernetes.Manifests = theirs.Kubernetes.Manifests
	a, b := declared(t, contoso, true), declared(t, est.Topology, true)
	ours.Kubernetes.Manifests = saved
	if !bytes.Equal(a, b) {
		t.Fatalf("plan + overlay differs from Contoso:\n%s", diff(a, b))
	}
	c := model.Lookup[model.Cluster](est.Topology, "aks-prod")
	if c == nil || c.Objects == nil || len(c.Objects.Workloads) == 0 || len(c.Objects.Workloads) != len(model.Lookup[model.Cluster](contoso, "aks-prod").Objects.Workloads) {
		t.Fatalf("the overlay's manifests are not attached: %+v", c)
	}
	if c.Loc.TFAddress != "module.spoke.azurerm_kubernetes_cluster.aks" {
		t.Errorf("completed cluster Loc = %v, want its Terraform address", c.Loc)
	}

	findings := func(topo *model.Topology) ([]string, []check.Finding) {
		res, err := check.Run(topo, check.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range res.Findings {
			// Messages name the places of other elements: a Terraform
			// address in one, a line in the other.
			msg := tfPlace.ReplaceAllString(f.Message, "PLACE")
			msg = yamlPlace.ReplaceAllString(msg, "PLACE")
			out = append(out, fmt.Sprintf("%s %v %s", f.Rule.ID, f.Severity, msg))
		}
		return out, res.Findings
	}
	compare := func(what string) []check.Finding {
		fromTF, tfFindings := findings(est.Topology)
		fromYAML, _ := findings(contoso)
		if strings.Join(fromTF, "\n") != strings.Join(fromYAML, "\n") {
			t.Errorf("%s: check findings differ:\nterraform:\n%s\ntopology:\n%s", what, strings.Join(fromTF, "\n"), strings.Join(fromYAML, "\n"))
		}
		return tfFindings
	}
	compare("as written")
	// The same mistake made in both — the cluster's service CIDR on the
	// spoke's own range — is found in both, and in the import it points
	// at the Terraform address to change.
	for _, topo := range []*model.Topology{est.Topology, contoso} {
		c := model.Lookup[model.Cluster](topo, "aks-prod")
		c.ServiceCIDR = netip.MustParsePrefix("10.1.0.0/16")
		c.DNSServiceIP = netip.MustParseAddr("10.1.0.10")
	}
	tfFindings := compare("service CIDR overlapping the spoke")
	if len(tfFindings) == 0 {
		t.Fatal("no findings for a service CIDR that overlaps the cluster's VNet")
	}
	for _, f := range tfFindings {
		if f.Loc.TFAddress == "" {
			t.Errorf("finding %s %q is not located at a Terraform address: %v", f.Rule.ID, f.Message, f.Loc)
		}
	}
}
