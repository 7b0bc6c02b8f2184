package model_test

import (
	"net/netip"
	"testing"

	"github.com/aksnet/aksnet/internal/model"
)

// TestLinkReferences builds a topology in Go, as an importer would, and
// checks what Link resolves and what it reports.
func TestLinkReferences(t *testing.T) {
	at := func(line int) model.Location { return model.Location{File: "t.yaml", Line: line, Column: 7} }
	const zoneName = "privatelink.vaultcore.azure.net"
	hub := &model.VNet{Name: "hub", AddressSpace: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}, Loc: at(1),
		Subnets: []*model.Subnet{{Name: "shared", Prefix: netip.MustParsePrefix("10.0.2.0/24"), Loc: at(2)}}}
	za := &model.PrivateDNSZone{Zone: model.Zone{Name: zoneName, Loc: at(10)}, ResourceGroup: "rg-a"}
	zb := &model.PrivateDNSZone{Zone: model.Zone{Name: zoneName, Loc: at(11)}, ResourceGroup: "rg-b"}
	pe := &model.PrivateEndpoint{
		Name:   "pe-kv",
		Subnet: model.Ref[model.Subnet]{Name: "hub/shared", Loc: at(20)},
		DNSZoneGroup: []model.Ref[model.PrivateDNSZone]{
			{Name: zoneName, Loc: at(21)},           // two zones have this name
			{Name: "rg-b/" + zoneName, Loc: at(22)}, // this one is unique
		},
		Loc: at(19),
	}
	vm := &model.VM{Name: "vm1", Subnet: model.Ref[model.Subnet]{Name: "spoke/app", Loc: at(30)}, Loc: at(29)}
	topo := &model.Topology{Azure: model.Azure{
		VNets:            []*model.VNet{hub},
		PrivateDNSZones:  []*model.PrivateDNSZone{za, zb},
		PrivateEndpoints: []*model.PrivateEndpoint{pe},
		VMs:              []*model.VM{vm},
	}}
	errs := topo.Link()
	errs.Sort()
	want := []string{
		`t.yaml:21:7: private DNS zone "privatelink.vaultcore.azure.net" is ambiguous (write one of rg-a/privatelink.vaultcore.azure.net, rg-b/privatelink.vaultcore.azure.net)`,
		`t.yaml:30:7: unknown subnet "spoke/app" (declared: hub/shared)`,
	}
	if len(errs) != len(want) {
		t.Fatalf("errors:\n%v\nwant:\n%v", errs, want)
	}
	for i, w := range want {
		if errs[i].Error() != w {
			t.Errorf("error %d = %s\nwant      %s", i, errs[i], w)
		}
	}

	if pe.Subnet.Target != hub.Subnets[0] || hub.Subnets[0].VNet != hub {
		t.Errorf("PE subnet = %+v", pe.Subnet.Target)
	}
	if pe.DNSZoneGroup[0].Target != nil || pe.DNSZoneGroup[1].Target != zb {
		t.Errorf("zone group = %+v", pe.DNSZoneGroup)
	}
	// Lookup finds unique keys only.
	if model.Lookup[model.PrivateDNSZone](topo, zoneName) != nil {
		t.Error("Lookup of an ambiguous name found a zone")
	}
	if model.Lookup[model.PrivateDNSZone](topo, "rg-a/"+zoneName) != za {
		t.Error("Lookup(rg-a/…) did not find zone a")
	}
	if model.Lookup[model.VNet](topo, "spoke") != nil || model.Lookup[model.Cluster](topo, "anything") != nil {
		t.Error("Lookup found an element that does not exist")
	}
}

func TestLinkNothingOfAKind(t *testing.T) {
	// A reference to a kind the topology declares none of says so.
	c := &model.Connection{Name: "c", Gateway: model.Ref[model.VNetGateway]{Name: "gw", Loc: model.Location{File: "t.yaml", Line: 5, Column: 14}}}
	topo := &model.Topology{Connections: []*model.Connection{c}}
	errs := topo.Link()
	const want = `t.yaml:5:14: unknown gateway "gw" (the topology declares no gateway)`
	if len(errs) != 1 || errs[0].Error() != want {
		t.Errorf("errors = %v, want %s", errs, want)
	}
}

func TestLinkDuplicates(t *testing.T) {
	at := func(line int) model.Location { return model.Location{File: "t.yaml", Line: line, Column: 7} }
	topo := &model.Topology{Azure: model.Azure{
		VNets: []*model.VNet{
			{Name: "hub", Loc: at(1), Subnets: []*model.Subnet{{Name: "a", Loc: at(2)}, {Name: "a", Loc: at(3)}}},
			{Name: "hub", Loc: at(4)},
			{Name: "spoke", Loc: at(5), Subnets: []*model.Subnet{{Name: "a", Loc: at(6)}}}, // spoke/a is not hub/a
		},
	}}
	errs := topo.Link()
	errs.Sort()
	want := []string{
		`t.yaml:3:7: duplicate subnet "hub/a" (first declared at t.yaml:2:7; names must be unique)`,
		`t.yaml:4:7: duplicate vnet "hub" (first declared at t.yaml:1:7; names must be unique)`,
	}
	if len(errs) != len(want) {
		t.Fatalf("errors:\n%v\nwant:\n%v", errs, want)
	}
	for i, w := range want {
		if errs[i].Error() != w {
			t.Errorf("error %d = %s\nwant      %s", i, errs[i], w)
		}
	}
	if model.Lookup[model.Subnet](topo, "spoke/a") == nil {
		t.Error("spoke/a not indexed")
	}
}
