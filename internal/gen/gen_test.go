package gen

import (
	"bytes"
	"fmt"
	"maps"
	"net/netip"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

// loadEstate generates p and loads it from memory, failing on any error.
func loadEstate(t testing.TB, p Params) (*model.Topology, map[string][]byte) {
	t.Helper()
	m, err := Generate(p)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", p, err)
	}
	top, errs := load.Bytes(Files(m), TopologyFile, m[TopologyFile])
	for i, e := range errs {
		if i == 20 {
			t.Fatalf("… %d errors in all", len(errs))
		}
		t.Error(e)
	}
	if len(errs) > 0 {
		t.FailNow()
	}
	return top, m
}

type counts struct {
	spokes, endpoints, resources, clusters, namespaces, services, workloads int
}

func countOf(top *model.Topology) counts {
	c := counts{
		spokes:    len(top.Azure.VNets) - 1,
		endpoints: len(top.Azure.PrivateEndpoints),
		resources: len(top.Azure.Resources),
		clusters:  len(top.Azure.Clusters),
	}
	for _, cl := range top.Azure.Clusters {
		if cl.Objects != nil {
			c.namespaces += len(cl.Objects.Namespaces)
			c.services += len(cl.Objects.Services)
			c.workloads += len(cl.Objects.Workloads)
		}
	}
	return c
}

// checkLimits verifies the Azure limits the generator promises to honour and
// that every endpoint's name resolves, through its zone group, from its VNet.
func checkLimits(t *testing.T, top *model.Topology) {
	t.Helper()
	rulesetOf := map[string]string{}
	perOutbound := map[string]int{}
	for _, rs := range top.Azure.ForwardingRulesets {
		if n := len(rs.Links); n > rulesetLinks {
			t.Errorf("ruleset %s has %d VNet links, above %d", rs.Name, n, rulesetLinks)
		}
		for _, l := range rs.Links {
			if prev, ok := rulesetOf[l.Name]; ok {
				t.Errorf("vnet %s is linked to rulesets %s and %s", l.Name, prev, rs.Name)
			}
			rulesetOf[l.Name] = rs.Name
		}
		for _, o := range rs.OutboundEndpoints {
			perOutbound[o.Name]++
		}
	}
	for o, n := range perOutbound {
		if n > rulesetsPerOutbound {
			t.Errorf("outbound endpoint %s serves %d rulesets, above %d", o, n, rulesetsPerOutbound)
		}
	}
	for _, r := range top.Azure.DNSResolvers {
		if len(r.OutboundEndpoints) > maxOutbound {
			t.Errorf("resolver %s has %d outbound endpoints", r.Name, len(r.OutboundEndpoints))
		}
	}
	type key struct{ vnet, zone string }
	zoneOf := map[key]*model.PrivateDNSZone{}
	zoneNames := map[string]bool{}
	for _, z := range top.Azure.PrivateDNSZones {
		zoneNames[z.Name] = true
		if n := len(z.Links); n > zoneLinks {
			t.Errorf("zone %s/%s has %d VNet links, above %d", z.ResourceGroup, z.Name, n, zoneLinks)
		}
		for _, l := range z.Links {
			k := key{l.VNet.Name, z.Name}
			if prev := zoneOf[k]; prev != nil {
				t.Errorf("vnet %s is linked to two zones %s (%s and %s)", l.VNet.Name, z.Name, prev.ResourceGroup, z.ResourceGroup)
			}
			zoneOf[k] = z
		}
	}
	for _, v := range top.Azure.VNets {
		if _, ok := rulesetOf[v.Name]; !ok {
			t.Errorf("vnet %s is linked to no ruleset", v.Name)
		}
		for name := range zoneNames {
			if zoneOf[key{v.Name, name}] == nil {
				t.Errorf("vnet %s is not linked to a zone %s", v.Name, name)
			}
		}
	}
	for _, pe := range top.Azure.PrivateEndpoints {
		if len(pe.DNSZoneGroup) != 1 {
			t.Fatalf("endpoint %s: %d zones in its group", pe.Name, len(pe.DNSZoneGroup))
		}
		z := pe.DNSZoneGroup[0].Target
		v := pe.Subnet.Target.VNet
		if zoneOf[key{v.Name, z.Name}] != z {
			t.Errorf("endpoint %s: zone %s/%s of its group is not the one vnet %s is linked to", pe.Name, z.ResourceGroup, z.Name, v.Name)
		}
		// The zone group implies the A record; none is written out.
		if len(z.Records) != 0 {
			t.Errorf("zone %s/%s: %d explicit records; the zone group implies them", z.ResourceGroup, z.Name, len(z.Records))
		}
	}
}

func TestSmallEstate(t *testing.T) {
	p := Params{Spokes: 7, EndpointsPerSpoke: 9, Clusters: 3, ServicesPerCluster: 5, Seed: 42}
	top, m := loadEstate(t, p)
	want := counts{spokes: 7, endpoints: 63, resources: 63, clusters: 3, namespaces: 3 * 3, services: 15, workloads: 15}
	if got := countOf(top); got != want {
		t.Errorf("counts = %+v, want %+v", got, want)
	}
	if len(m) != 1+p.Clusters {
		t.Errorf("%d files, want the topology and %d manifests", len(m), p.Clusters)
	}
	checkLimits(t, top)

	// Every cluster is private, Azure CNI Overlay with Cilium, in its spoke.
	for i, c := range top.Azure.Clusters {
		if !c.APIServer.Private || c.NetworkPluginMode != "overlay" || c.NetworkDataplane != "cilium" || c.NetworkPolicy != "cilium" {
			t.Errorf("cluster %s: %+v", c.Name, c)
		}
		if v := c.VNet(); v == nil || v != top.Azure.VNets[i+1] {
			t.Errorf("cluster %s is not in spoke %d", c.Name, i+1)
		}
		for _, s := range c.Objects.Services {
			if s.Spec.Type != "ClusterIP" || !c.EffectiveServiceCIDR().Contains(mustAddr(t, s.Spec.ClusterIP)) {
				t.Errorf("cluster %s: service %s/%s is %s %s", c.Name, s.Namespace, s.Name, s.Spec.Type, s.Spec.ClusterIP)
			}
			if c.Objects.Workload(s.Namespace, s.Name) == nil {
				t.Errorf("cluster %s: service %s/%s has no deployment", c.Name, s.Namespace, s.Name)
			}
		}
	}
	// Spokes route everything through the firewall.
	for _, v := range top.Azure.VNets[1:] {
		rt := v.Subnets[0].RouteTable.Target
		if rt == nil || len(rt.Routes) != 1 || rt.Routes[0].NextHopIP != top.Azure.Firewalls[0].IP {
			t.Errorf("vnet %s: node subnet route table %v", v.Name, rt)
		}
		if p := v.Peerings[0]; !p.UseRemoteGateways || p.Remote.Target != top.Azure.VNets[0] {
			t.Errorf("vnet %s: peering %+v", v.Name, p)
		}
	}
	if n := len(top.Azure.VNets[0].Peerings); n != p.Spokes {
		t.Errorf("hub has %d peerings, want %d", n, p.Spokes)
	}
}

func mustAddr(t *testing.T, s string) netip.Addr {
	t.Helper()
	a, err := netip.ParseAddr(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return a
}

func TestNoServices(t *testing.T) {
	top, m := loadEstate(t, Params{Spokes: 3, EndpointsPerSpoke: 2, Clusters: 2, Seed: 1})
	if len(m) != 1 {
		t.Errorf("%d files, want only the topology", len(m))
	}
	if got, want := countOf(top), (counts{spokes: 3, endpoints: 6, resources: 6, clusters: 2}); got != want {
		t.Errorf("counts = %+v, want %+v", got, want)
	}
}

func TestEmptyEstate(t *testing.T) {
	top, _ := loadEstate(t, Params{})
	if got := countOf(top); got != (counts{}) {
		t.Errorf("counts = %+v, want only the hub", got)
	}
}

// TestSplitLimits crosses the 500-link ruleset and 1,000-link zone limits.
func TestSplitLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("large estate")
	}
	for _, spokes := range []int{999, 1000, 1499, MaxSpokes} {
		top, _ := loadEstate(t, Params{Spokes: spokes, EndpointsPerSpoke: 1, Clusters: 1, ServicesPerCluster: 1, Seed: 3})
		checkLimits(t, top)
		vnets := spokes + 1
		if got, want := len(top.Azure.ForwardingRulesets), (vnets+499)/500; got != want {
			t.Errorf("%d spokes: %d rulesets, want %d", spokes, got, want)
		}
		if got, want := len(top.Azure.PrivateDNSZones), 4*((vnets+999)/1000); got != want {
			t.Errorf("%d spokes: %d zones, want %d", spokes, got, want)
		}
	}
}

func TestEstate1000(t *testing.T) {
	if testing.Short() {
		t.Skip("large estate")
	}
	top, m := loadEstate(t, Estate1000)
	c := countOf(top)
	if c.spokes != 1000 || c.endpoints != 10000 || c.resources != 10000 || c.clusters != 100 || c.services != 1000 || c.workloads != 1000 {
		t.Errorf("counts = %+v", c)
	}
	checkLimits(t, top)
	t.Logf("%d files, %.1f MB of YAML", len(m), float64(size(m))/1e6)
}

func TestDeterministic(t *testing.T) {
	p := Params{Spokes: 20, EndpointsPerSpoke: 5, Clusters: 4, ServicesPerCluster: 7, Seed: 9}
	a, err := Generate(p)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(p)
	if !maps.EqualFunc(a, b, bytes.Equal) {
		t.Error("two Generate calls with equal Params differ")
	}
	p.Seed++
	c, _ := Generate(p)
	if maps.EqualFunc(a, c, bytes.Equal) {
		t.Error("a different seed gives the same estate")
	}
}

func TestParamsErrors(t *testing.T) {
	for _, p := range []Params{
		{Spokes: -1},
		{Spokes: MaxSpokes + 1},
		{Spokes: 1, EndpointsPerSpoke: MaxEndpointsPerSpoke + 1},
		{Spokes: 2, Clusters: 3},
		{Spokes: 1, Clusters: 1, ServicesPerCluster: MaxServicesPerCluster + 1},
	} {
		if _, err := Generate(p); err == nil {
			t.Errorf("Generate(%+v) succeeded", p)
		}
	}
	// The largest endpoint subnet use still loads.
	loadEstate(t, Params{Spokes: 4, EndpointsPerSpoke: MaxEndpointsPerSpoke})
}

func TestWriteDir(t *testing.T) {
	dir := t.TempDir()
	p := Params{Spokes: 3, EndpointsPerSpoke: 4, Clusters: 2, ServicesPerCluster: 3, Seed: 5}
	if err := WriteDir(p, dir); err != nil {
		t.Fatal(err)
	}
	top, errs := load.Topology(load.OSFiles{}, filepath.Join(dir, TopologyFile))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if got := countOf(top); got.services != 6 || got.endpoints != 12 {
		t.Errorf("counts = %+v", got)
	}
}

func TestFiles(t *testing.T) {
	f := Files{"topology.yaml": nil, "k8s/a.yaml": nil, "k8s/b.json": nil, "k8s/README": nil, "k8sx/c.yaml": nil}
	if got, _ := f.List("k8s"); len(got) != 2 || got[0] != "k8s/a.yaml" || got[1] != "k8s/b.json" {
		t.Errorf("List(k8s) = %q", got)
	}
	if got, _ := f.List("./k8s/a.yaml"); len(got) != 1 || got[0] != "k8s/a.yaml" {
		t.Errorf("List(./k8s/a.yaml) = %q", got)
	}
	if _, err := f.List("nope"); err == nil {
		t.Error("List(nope) succeeded")
	}
	if _, err := f.ReadFile("k8s/c.yaml"); err == nil {
		t.Error("ReadFile of a missing file succeeded")
	}
	if got := f.Join("topology.yaml", "k8s/a.yaml"); got != "k8s/a.yaml" {
		t.Errorf("Join = %q", got)
	}
	if got := f.Join("dir/topology.yaml", "../k8s/a.yaml"); got != "k8s/a.yaml" {
		t.Errorf("Join = %q", got)
	}
}

func size(m map[string][]byte) int {
	n := 0
	for _, b := range m {
		n += len(b)
	}
	return n
}

func BenchmarkGenerateEstate1000(b *testing.B) {
	var m map[string][]byte
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if m, err = Generate(Estate1000); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size(m))/1e6, "MB")
}

func BenchmarkLoadEstate1000(b *testing.B) {
	m, err := Generate(Estate1000)
	if err != nil {
		b.Fatal(err)
	}
	files, data := Files(m), m[TopologyFile]
	// GOGC=400 is what the aksnet command runs with (cmd/aksnet tuneGC).
	for _, gc := range []int{100, 400} {
		b.Run(fmt.Sprintf("GOGC=%d", gc), func(b *testing.B) {
			defer debug.SetGCPercent(debug.SetGCPercent(gc))
			b.ReportAllocs()
			b.SetBytes(int64(size(m)))
			for b.Loop() {
				if _, errs := load.Bytes(files, TopologyFile, data); len(errs) > 0 {
					b.Fatal(errs)
				}
			}
			b.ReportMetric(float64(size(m))/1e6, "MB")
		})
	}
}
