package reach

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/aksnet/aksnet/internal/gen"
	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

// linearOf is the definition Of's index must agree with: the first declared
// VNet, then VPC, then site whose address space holds a.
func linearOf(t *model.Topology, a netip.Addr) Network {
	for _, v := range t.Azure.VNets {
		for _, p := range v.AddressSpace {
			if p.Contains(a) {
				return Network{VNet: v}
			}
		}
	}
	for _, v := range t.AWS.VPCs {
		for _, p := range v.CIDRs {
			if p.Contains(a) {
				return Network{VPC: v}
			}
		}
	}
	for _, s := range t.OnPrem.Sites {
		for _, p := range s.AddressSpace {
			if p.Contains(a) {
				return Network{Site: s}
			}
		}
	}
	return Network{}
}

func TestOfAgreesWithScan(t *testing.T) {
	files, err := gen.Generate(gen.Params{Spokes: 40, EndpointsPerSpoke: 2, Clusters: 3, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	topo, errs := load.Topology(gen.Files(files), "topology.yaml")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	// Two unpeered VNets may overlap: the first declared wins.
	dup := &model.VNet{Name: "overlap", AddressSpace: []netip.Prefix{netip.MustParsePrefix("10.64.0.0/24")}}
	topo.Azure.VNets = append(topo.Azure.VNets, dup)
	ns := New(topo, nil)
	r := rand.New(rand.NewPCG(1, 2))
	probes := []netip.Addr{netip.MustParseAddr("10.64.0.5"), netip.MustParseAddr("8.8.8.8"), netip.MustParseAddr("192.168.1.10"), netip.MustParseAddr("::1")}
	for range 20000 {
		// Mostly inside the plan's ranges (10.x, 192.168.x), some outside.
		b := [4]byte{10, byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256))}
		switch r.IntN(4) {
		case 0:
			b[0], b[1] = 192, 168
		case 1:
			b[0] = byte(r.IntN(256))
		}
		probes = append(probes, netip.AddrFrom4(b))
	}
	hits := 0
	for _, a := range probes {
		got, want := ns.Of(a), linearOf(topo, a)
		if got != want {
			t.Fatalf("Of(%s) = %s, want %s", a, got, want)
		}
		if !got.IsZero() {
			hits++
		}
	}
	if hits < 1000 {
		t.Fatalf("only %d probes landed in a network: the test would not notice a broken index", hits)
	}
	if got := ns.Of(netip.MustParseAddr("10.64.0.5")); got.VNet == dup {
		t.Fatal("the later, overlapping VNet won")
	}
}

func TestPathDownConnection(t *testing.T) {
	topo, errs := load.Topology(load.OSFiles{}, "../../examples/contoso/topology.yaml")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(topo.Connections) == 0 {
		t.Fatal("contoso has no connection to cut")
	}
	c := topo.Connections[0]
	site := c.Remote.Prefixes()
	if len(site) == 0 || c.Gateway.Target == nil {
		t.Fatal("connection without remote prefixes or gateway")
	}
	hub := c.Gateway.Target.VNet.Target
	src := hub.AddressSpace[0].Addr().Next()
	dst := site[0].Addr().Next()
	if ok, how := New(topo, nil).Path(src, dst); !ok {
		t.Fatalf("up: %s", how)
	}
	if ok, how := New(topo, []string{c.Name}).Path(src, dst); ok {
		t.Fatalf("down: still %s", how)
	}
}
