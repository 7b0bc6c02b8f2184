// Package equiv checks that a Terraform plan, completed by a topology file,
// is the estate the same topology file describes: the same model, and the
// same findings from aksnet check. It is a package of its own so that the
// importer's tests and fuzzing do not build the check engines.
package equiv_test

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
	"github.com/aksnet/aksnet/internal/tfimport"
)

// declared is the form of a linked topology that two loads of one estate
// must agree on: every declared field, no locations (json:"-").
func declared(t *testing.T, topo *model.Topology) []byte {
	t.Helper()
	b, err := json.MarshalIndent(topo, "", " ")
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
			return fmt.Sprintf("line %d, after\n%s\n- %s\n+ %s", i+1, strings.Join(la[lo:i], "\n"), x, y)
		}
	}
	return "(equal)"
}

var (
	tfPlace   = regexp.MustCompile(`(\.\./)*testdata/hubspoke/plan\.json: [A-Za-z0-9_.\[\]"-]+`)
	yamlPlace = regexp.MustCompile(`[A-Za-z0-9_./-]+\.yaml:[0-9]+(:[0-9]+)?`)
)

// TestOverlayMakesContoso: the plan completed by a topology file with what
// Terraform cannot know is the embedded Contoso estate, and aksnet check
// finds the same things in both — located at Terraform addresses in one,
// at lines of topology.yaml in the other.
func TestOverlayMakesContoso(t *testing.T) {
	est, errs := tfimport.Load(load.OSFiles{}, tfimport.Sources{Terraform: []string{"../testdata/hubspoke/plan.json"}, Topology: "../testdata/hubspoke/overlay.yaml"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	contoso, errs := load.Topology(load.FSFiles{FS: examples.FS}, examples.Default)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
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
	a, b := declared(t, contoso), declared(t, est.Topology)
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
	// Contoso's deliberate mistake (examples/contoso/README.md): pods get
	// Key Vault's public address. Found from the plan as from the file.
	mistake := false
	for _, f := range compare("as written") {
		if strings.Contains(f.Message, "kv-contoso-prod.vault.azure.net") {
			mistake = true
		}
	}
	if !mistake {
		t.Error("the Key Vault mistake is not found from the plan")
	}
	// The same mistake made in both — the cluster's service CIDR on the
	// spoke's own range — is found in both, and in the import it points
	// at the Terraform address to change.
	for _, topo := range []*model.Topology{est.Topology, contoso} {
		c := model.Lookup[model.Cluster](topo, "aks-prod")
		c.ServiceCIDR = netip.MustParsePrefix("10.1.0.0/16")
		c.DNSServiceIP = netip.MustParseAddr("10.1.0.10")
	}
	tfFindings := compare("service CIDR overlapping the spoke")
	overlap := 0
	for _, f := range tfFindings {
		if strings.Contains(f.Message, "service CIDR 10.1.0.0/16") {
			overlap++
			if f.Loc.TFAddress != "module.spoke.azurerm_kubernetes_cluster.aks" {
				t.Errorf("finding %s %q is not located at the cluster's Terraform address: %v", f.Rule.ID, f.Message, f.Loc)
			}
		}
		// Whatever the rule, a finding points at a Terraform address or
		// at a line of a file the overlay brought (manifests, itself).
		if f.Loc.TFAddress == "" && f.Loc.Line == 0 {
			t.Errorf("finding %s %q has no usable location: %v", f.Rule.ID, f.Message, f.Loc)
		}
	}
	if overlap == 0 {
		t.Fatalf("no finding for a service CIDR that overlaps the cluster's VNet: %+v", tfFindings)
	}
}
