package dns

import (
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

func reloadContoso() (*model.Topology, error) {
	t, errs := load.Topology(load.OSFiles{}, "../../examples/contoso/topology.yaml")
	return t, errs.Err()
}

// Contoso's deliberate mistake is diagnosed, and the one fix that works —
// linking the vault zone to the hub, whose Azure DNS the resolver uses — is
// proposed after it has been verified.
func TestDiagnoseContosoMistake(t *testing.T) {
	topo := loadContoso(t)
	e, _ := New(topo, nil, nil)
	for _, from := range []string{"pod:aks-prod/backend/api", "node:aks-prod", "vm:jumpbox"} {
		v, _ := model.ParseVantage(from)
		d, err := e.Diagnose(v, "kv-contoso-prod.vault.azure.net", reloadContoso)
		if err != nil || d == nil {
			t.Fatalf("%s: no diagnosis (%v)", from, err)
		}
		if d.Kind != "public address leak" || d.Expected.Addrs[0].String() != "10.1.4.5" {
			t.Errorf("%s: kind %q expected %v", from, d.Kind, d.Expected.Addrs)
		}
		if !strings.Contains(d.Cause, "zone privatelink.vaultcore.azure.net is not linked to vnet hub") {
			t.Errorf("%s: cause %q", from, d.Cause)
		}
		if len(d.Fixes) != 1 || d.Fixes[0].Description != "link zone rg-dns/privatelink.vaultcore.azure.net to vnet hub" {
			t.Errorf("%s: fixes %+v", from, d.Fixes)
		}
	}
	// A name that resolves right has no diagnosis.
	d, err := e.Diagnose(model.Vantage{Kind: model.VantageVM, Name: "jumpbox"}, "pg-contoso-prod.postgres.database.azure.com", reloadContoso)
	if err != nil || d != nil {
		t.Errorf("pg: %+v %v", d, err)
	}
}

// A fix that does not make the answer right is not proposed: linking the
// zone to the spoke again changes nothing for a resolver in the hub.
func TestDiagnoseOnlyVerifiedFixes(t *testing.T) {
	topo := loadContoso(t)
	e, _ := New(topo, nil, nil)
	f := Fix{Description: "link to the spoke", apply: func(t *model.Topology) bool { return true }}
	v, _ := model.ParseVantage("node:aks-prod")
	want, _ := e.Expect(v, "kv-contoso-prod.vault.azure.net")
	if e.verify(f, v, "kv-contoso-prod.vault.azure.net", want, reloadContoso) {
		t.Fatal("a no-op fix verified")
	}
}
