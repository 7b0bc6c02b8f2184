package examples_test

import (
	"io/fs"
	"path"
	"testing"

	"github.com/aksnet/aksnet/examples"
	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

// Every example topology loads without a single error, with its manifests.
func TestExamplesLoad(t *testing.T) {
	n := 0
	err := fs.WalkDir(examples.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Base(p) != "topology.yaml" {
			return err
		}
		n++
		topo, errs := load.Topology(load.FSFiles{FS: examples.FS}, p)
		if len(errs) > 0 {
			t.Errorf("%s:\n%v", p, errs)
			return nil
		}
		for _, v := range topo.Vantages() {
			if _, err := topo.ResolvConf(v); err != nil {
				t.Errorf("%s: vantage %s: %v", p, v, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no example topology found")
	}
}

// The Contoso estate is the seeds' system; its README documents one
// deliberate mistake, which must stay what the README says.
func TestContosoIsTheDocumentedEstate(t *testing.T) {
	topo, errs := load.Topology(load.FSFiles{FS: examples.FS}, examples.Default)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	// The mistake: the Key Vault zone is linked to the spoke only, while the
	// spoke resolves through the hub resolver.
	kv := model.Lookup[model.PrivateDNSZone](topo, "privatelink.vaultcore.azure.net")
	if kv == nil || len(kv.Links) != 1 || kv.Links[0].VNet.Name != "spoke-aks" {
		t.Errorf("the Key Vault zone's links changed; update examples/contoso/README.md: %+v", kv)
	}
	spoke := model.Lookup[model.VNet](topo, "spoke-aks")
	inbound := model.Lookup[model.InboundEndpoint](topo, "dnspr-hub/inbound")
	if spoke == nil || inbound == nil || len(spoke.DNSServers) != 1 || spoke.DNSServers[0] != inbound.IP {
		t.Errorf("spoke-aks must use the hub resolver's inbound endpoint as its DNS server")
	}
	// The other private endpoint zones are linked to both VNets.
	for _, name := range []string{"privatelink.postgres.database.azure.com", "privatelink.blob.core.windows.net", "privatelink.azurecr.io", "privatelink.westeurope.azmk8s.io"} {
		z := model.Lookup[model.PrivateDNSZone](topo, name)
		if z == nil || len(z.Links) != 2 {
			t.Errorf("zone %s: want links to hub and spoke-aks", name)
		}
	}
	// Every system the seeds mention is there.
	for kind, ok := range map[string]bool{
		"bunny workload":   topo.Azure.Clusters[0].Objects.Workload("bunny", "bunny") != nil,
		"relay record":     len(topo.AWS.HostedZones) == 1 && topo.AWS.HostedZones[0].Name == "private.aws.internal",
		"on-prem site":     model.Lookup[model.Site](topo, "dc1") != nil,
		"VPN to AWS":       model.Lookup[model.Connection](topo, "hub-to-aws") != nil,
		"firewall":         model.Lookup[model.Firewall](topo, "fw-hub") != nil,
		"private cluster":  topo.Azure.Clusters[0].APIServer.Private,
		"deny-all + allow": len(topo.Azure.Clusters[0].Objects.NetworkPolicies) == 2,
		"4 PaaS endpoints": len(topo.Azure.PrivateEndpoints) == 4,
	} {
		if !ok {
			t.Errorf("missing: %s", kind)
		}
	}
}
