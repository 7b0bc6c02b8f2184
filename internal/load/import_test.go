package load_test

import (
	"net/netip"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

// The pieces the Terraform and Kubernetes importers (issue 6) add to the
// loader: EndpointSlices and Endpoints, CoreDNS files, manifests added to a
// cluster of a topology assembled elsewhere, and the overlay of a topology
// file on an import.

func TestManifestsEndpoints(t *testing.T) {
	const data = `apiVersion: v1
kind: Endpoints
metadata: {name: legacy, namespace: shop}
subsets: [{addresses: [{ip: 10.0.5.4}], ports: [{port: 5432}]}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: legacy-abc
  labels: {kubernetes.io/service-name: legacy}
addressType: IPv4
endpoints: [{addresses: [10.0.5.4], conditions: {ready: true}}]
ports: [{port: 5432}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: bad}
addressType: IPv4
endpoints: [{adresses: [10.0.5.4]}]
`
	objs, errs := manifests(t, "ep.yaml", data)
	if len(objs.Endpoints) != 1 || objs.Endpoints[0].Subsets[0].Addresses[0].IP != "10.0.5.4" || !at(objs.Endpoints[0].Loc, "ep.yaml", 1) {
		t.Errorf("endpoints = %+v", objs.Endpoints)
	}
	if len(objs.EndpointSlices) != 1 {
		t.Fatalf("slices = %+v", objs.EndpointSlices)
	}
	s := objs.EndpointSlices[0]
	if s.Namespace != "default" || s.Labels["kubernetes.io/service-name"] != "legacy" || s.Endpoints[0].Addresses[0] != "10.0.5.4" || !at(s.Loc, "ep.yaml", 6) {
		t.Errorf("slice = %+v", s)
	}
	// Decoded strictly, like every kind aksnet models.
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `unknown field "endpoints[0].adresses"`) || errs[0].Loc.Line != 19 {
		t.Errorf("errors = %v", errs)
	}
	if len(objs.Skipped) != 0 {
		t.Errorf("skipped = %+v", objs.Skipped)
	}
}

func TestIngressHostnames(t *testing.T) {
	const data = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations: {external-dns.alpha.kubernetes.io/hostname: "WWW.contoso.com., shop.contoso.com ,"}
spec:
  rules: [{host: shop.contoso.com}, {host: api.contoso.com}]
`
	objs, errs := manifests(t, "in.yaml", data)
	if len(errs) > 0 || len(objs.Ingresses) != 1 {
		t.Fatalf("errors %v, ingresses %+v", errs, objs.Ingresses)
	}
	got := strings.Join(objs.Ingresses[0].Hostnames(), " ")
	if got != "shop.contoso.com api.contoso.com www.contoso.com" {
		t.Errorf("hostnames = %q", got)
	}
}

func TestCoreDNSFiles(t *testing.T) {
	for _, tc := range []struct {
		file, data string
		key        string // the coredns-custom key it becomes; "" when skipped
		err        string
	}{
		{"k8s/aws.server", "aws.internal:53 {\n  forward . 10.50.0.10\n}\n", "aws.server", ""},
		{"k8s/log.override", "log\n", "log.override", ""},
		{"k8s/Corefile", "corp.contoso.com:53 {\n  forward . 172.20.0.53\n}\n", "Corefile.server", ""},
		// The AKS-managed Corefile: AKS resets it and aksnet models it.
		{"dump/Corefile", ".:53 {\n  errors\n  import custom/*.override\n}\nimport custom/*.server\n", "", ""},
		{"k8s/bad name.server", "x", "", `"bad name.server" cannot be a coredns-custom key: ' ' is not allowed`},
		{"k8s/bin.server", "\xff\xfe", "", "is not UTF-8 text"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			objs := &model.KubeObjects{}
			err := load.CoreDNSFile(tc.file, []byte(tc.data), objs)
			switch {
			case tc.err != "":
				if err == nil || !strings.Contains(err.Error(), tc.err) || err.Loc.File != tc.file {
					t.Errorf("error = %v, want %q", err, tc.err)
				}
			case err != nil:
				t.Errorf("error: %v", err)
			case tc.key == "":
				if len(objs.CoreDNSCustom) != 0 || len(objs.Skipped) != 1 || objs.Skipped[0].Kind != "Corefile" {
					t.Errorf("objs = %+v", objs)
				}
			default:
				if len(objs.CoreDNSCustom) != 1 || objs.CoreDNSCustom[0].Data[tc.key] != tc.data || objs.CoreDNSCustom[0].Namespace != "kube-system" ||
					objs.CoreDNSCustom[0].Loc.File != tc.file {
					t.Errorf("coredns-custom = %+v", objs.CoreDNSCustom)
				}
			}
		})
	}
}

// TestAddManifests: manifests and CoreDNS files added to a cluster join
// what it has; a key or an object given twice is an error, and each key is
// located at its file, so CoreDNS errors point there.
func TestAddManifests(t *testing.T) {
	fs := load.FSFiles{FS: fstest.MapFS{
		"k8s/app.yaml":        {Data: []byte("apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\nspec: {ports: [{port: 80}]}\n")},
		"k8s/aws.server":      {Data: []byte("aws.internal:53 {\n  forward . 10.50.0.10\n}\n")},
		"k8s/README.md":       {Data: []byte("not read")},
		"other/dup.yaml":      {Data: []byte("apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\nspec: {ports: [{port: 80}]}\n")},
		"other/aws.server":    {Data: []byte("x")},
		"other/keep.override": {Data: []byte("log\n")},
	}}
	c := &model.Cluster{Name: "aks", CoreDNSCustom: map[string]string{"corp.server": "corp:53 {}"}}
	if errs := load.AddManifests(fs, c, []string{"k8s"}); len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(c.Objects.Services) != 1 || c.CoreDNSCustom["aws.server"] == "" || c.CoreDNSCustom["corp.server"] == "" ||
		c.CoreDNSCustomLoc["aws.server"].File != "k8s/aws.server" {
		t.Fatalf("cluster = %+v, objects %+v", c, c.Objects)
	}
	errs := load.AddManifests(fs, c, []string{"other"})
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := []string{`other/aws.server:1: cluster aks: coredns-custom key "aws.server" is given twice`, "other/dup.yaml:1:1: Service shop/api is declared twice (first at k8s/app.yaml:1:1)"}
	if len(got) != 2 || !strings.HasPrefix(got[0], want[0]) || !strings.HasPrefix(got[1], want[1]) {
		t.Errorf("errors = %q\nwant prefixes %q", got, want)
	}
	if c.CoreDNSCustom["keep.override"] == "" {
		t.Errorf("the other folder's new key is not added: %v", c.CoreDNSCustom)
	}
	if errs := load.AddManifests(fs, &model.Cluster{Name: "aks"}, []string{"nope"}); len(errs) != 1 || errs[0].Error() != "nope: cannot read Kubernetes manifests for cluster aks: no such file or folder" {
		t.Errorf("errors = %v", errs)
	}
}

// imported is a topology as an importer makes it: decoded, not linked.
func imported(t *testing.T, text string) *model.Topology {
	t.Helper()
	topo, errs := load.Decode("import", []byte(text))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return topo
}

const importedTopology = `apiVersion: aksnet.dev/v1alpha1
kind: Topology
metadata: {name: imported, description: from terraform}
azure:
  vnets:
    - name: hub
      addressSpace: [10.0.0.0/16]
      subnets:
        - {name: a, addressPrefix: 10.0.1.0/24}
  privateDnsZones:
    - name: privatelink.vaultcore.azure.net
      resourceGroup: rg-dns
      records:
        - {name: kv, type: A, values: [10.0.1.4]}
  aksClusters:
    - name: aks
      networkPlugin: azure
      nodePools:
        - {name: system, subnet: hub/a, count: 3}
      corednsCustom: {a.server: "a:53 {}"}
`

// TestOverlay: the merge of docs/import.md, "Merging with a topology file".
func TestOverlay(t *testing.T) {
	const file = `apiVersion: aksnet.dev/v1alpha1
kind: Topology
metadata: {name: mine}
azure:
  vnets:
    - name: hub
      dnsServers: [10.0.1.10]
      subnets:
        - {name: a, natGateway: true}
        - {name: b, addressPrefix: 10.0.2.0/24}
    - name: spoke
  privateDnsZones:
    - name: privatelink.vaultcore.azure.net
      records:
        - {name: kv, type: A, ttl: 60}
        - {name: kv, type: TXT, values: [hello]}
  aksClusters:
    - name: aks
      kubernetes: {manifests: [k8s/]}
      corednsCustom: {b.server: "b:53 {}"}
    - name: other
onPrem:
  sites:
    - {name: dc1, addressSpace: [172.20.0.0/16]}
`
	base := imported(t, importedTopology)
	o, errs := load.DecodeOverlay("overlay.yaml", []byte(file))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if !o.Declares("vnet", "spoke") || !o.Declares("subnet", "hub/b") || !o.Declares("site", "dc1") || o.Declares("vnet", "nope") {
		t.Error("Declares does not know the file's elements")
	}
	errs = o.Apply(base)
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	// The new elements must be complete; those that complete imported
	// ones need not be.
	want := []string{
		`overlay.yaml:11:7: azure.vnets[1] is missing required field "addressSpace"`,
		`overlay.yaml:21:7: azure.aksClusters[1] is missing required field "nodePools"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	hub := base.Azure.VNets[0]
	if len(hub.DNSServers) != 1 || len(hub.AddressSpace) != 1 || len(hub.Subnets) != 2 || !hub.Subnets[0].NATGateway ||
		hub.Subnets[0].Prefix != netip.MustParsePrefix("10.0.1.0/24") || hub.Subnets[1].Name != "b" {
		t.Errorf("hub = %+v, subnets %+v %+v", hub, hub.Subnets[0], hub.Subnets[len(hub.Subnets)-1])
	}
	if hub.Loc.File != "import" {
		t.Errorf("a completed element keeps its own location: %v", hub.Loc)
	}
	z := base.Azure.PrivateDNSZones[0]
	if z.ResourceGroup != "rg-dns" || len(z.Records) != 2 || z.Records[0].TTL != 60 || z.Records[0].Values[0] != "10.0.1.4" || z.Records[1].Type != "TXT" {
		t.Errorf("zone = %+v", z)
	}
	aks := base.Azure.Clusters[0]
	if aks.NetworkPlugin != "azure" || len(aks.NodePools) != 1 || len(aks.CoreDNSCustom) != 2 || aks.Kubernetes.Manifests[0] != "k8s/" ||
		aks.Kubernetes.Loc.File != "overlay.yaml" || aks.CoreDNSCustomLoc["b.server"].File != "overlay.yaml" {
		t.Errorf("cluster = %+v", aks)
	}
	if base.Metadata.Name != "mine" || base.Metadata.Description != "from terraform" || len(base.OnPrem.Sites) != 1 {
		t.Errorf("metadata %+v, sites %+v", base.Metadata, base.OnPrem.Sites)
	}
}

func TestOverlayAmbiguous(t *testing.T) {
	base := imported(t, `apiVersion: aksnet.dev/v1alpha1
kind: Topology
metadata: {name: imported}
azure:
  privateDnsZones:
    - {name: z.internal, resourceGroup: rg1}
    - {name: z.internal, resourceGroup: rg2}
`)
	o, errs := load.DecodeOverlay("overlay.yaml", []byte(`apiVersion: aksnet.dev/v1alpha1
kind: Topology
metadata: {name: x}
azure:
  privateDnsZones:
    - {name: z.internal, records: [{name: a, type: A, values: [10.0.0.4]}]}
    - {name: z.internal, resourceGroup: rg2, records: [{name: b, type: A, values: [10.0.0.5]}]}
`))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	errs = o.Apply(base)
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), `overlay.yaml:6:7: "z.internal" completes 2 imported elements: rg1/z.internal, rg2/z.internal`) {
		t.Errorf("errors = %v", errs)
	}
	if zs := base.Azure.PrivateDNSZones; len(zs[1].Records) != 1 || zs[1].Records[0].Name != "b" || len(zs[0].Records) != 0 {
		t.Errorf("zones = %+v %+v", zs[0], zs[1])
	}
}

func TestOverlayStrict(t *testing.T) {
	// Everything but the required fields below the root is decoded as
	// strictly as a topology file.
	_, errs := load.DecodeOverlay("o.yaml", []byte("apiVersion: aksnet.dev/v1alpha1\nkind: Topology\nmetadata: {name: x}\nazure:\n  vnets:\n    - {name: hub, adressSpace: [10.0.0.0/16]}\n"))
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `o.yaml:6:19: unknown field "adressSpace"`) {
		t.Errorf("errors = %v", errs)
	}
	_, errs = load.DecodeOverlay("o.yaml", []byte("metadata: {name: x}\n"))
	if len(errs) != 2 {
		t.Errorf("apiVersion and kind stay required: %v", errs)
	}
}
