package ipam

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/gen"
	"github.com/aksnet/aksnet/internal/kb"
	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func TestSet(t *testing.T) {
	s := setOf(pfx("10.0.1.0/24"), pfx("10.0.0.0/24"), pfx("10.0.0.128/25"), pfx("10.0.3.0/24"), pfx("fd00::/64"))
	want := set{{v4(netip.MustParseAddr("10.0.0.0")), v4(netip.MustParseAddr("10.0.1.255"))}, {v4(netip.MustParseAddr("10.0.3.0")), v4(netip.MustParseAddr("10.0.3.255"))}}
	if fmt.Sprint(s) != fmt.Sprint(want) {
		t.Fatalf("set = %v, want adjacent and overlapping prefixes merged, IPv6 dropped: %v", s, want)
	}
	for _, c := range []struct {
		p    string
		want bool
	}{{"10.0.2.0/24", false}, {"10.0.2.255/32", false}, {"10.0.1.255/32", true}, {"10.0.0.0/8", true}, {"10.0.4.0/22", false}, {"fd00::/8", false}} {
		if got := s.overlapsPrefix(pfx(c.p)); got != c.want {
			t.Errorf("overlaps(%s) = %v, want %v", c.p, got, c.want)
		}
	}
	s = s.with(span{v4(netip.MustParseAddr("10.0.2.0")), v4(netip.MustParseAddr("10.0.2.255"))})
	if len(s) != 1 || s[0].hi != v4(netip.MustParseAddr("10.0.3.255")) {
		t.Errorf("adding the gap: %v, want one span 10.0.0.0–10.0.3.255", s)
	}
	all := setOf(pfx("0.0.0.0/0"))
	if len(all) != 1 || all[0].lo != 0 || all[0].hi != ^uint32(0) || !all.overlapsPrefix(pfx("255.255.255.255/32")) {
		t.Errorf("0.0.0.0/0 = %v", all)
	}
}

func TestFit(t *testing.T) {
	within := []netip.Prefix{pfx("10.0.0.0/16")}
	// Blocked: 10.0.0.0–10.0.7.255, 10.0.12.0–10.0.19.255 (two sets that
	// overlap), 10.0.21.0 onwards; free: 10.0.8.0/22 and 10.0.20.0/24.
	a := setOf(pfx("10.0.0.0/21"), pfx("10.0.12.0/22"), pfx("10.0.21.0/24"), pfx("10.0.22.0/23"), pfx("10.0.24.0/21"), pfx("10.0.32.0/19"))
	b := setOf(pfx("10.0.14.0/23"), pfx("10.0.16.0/22"), pfx("10.0.32.0/19"), pfx("10.0.64.0/18"), pfx("10.0.128.0/17"))
	avoid := []set{a, b}
	var free []string
	w, _ := spanOf(within[0])
	freeIn(w, avoid, func(x span) bool {
		free = append(free, fmt.Sprintf("%s-%s", addrOf(x.lo), addrOf(x.hi)))
		return true
	})
	if got := strings.Join(free, " "); got != "10.0.8.0-10.0.11.255 10.0.20.0-10.0.20.255" {
		t.Fatalf("free spans %q", got)
	}
	if got := fit(24, within, avoid, true).Prefix; got != pfx("10.0.20.0/24") {
		t.Errorf("best fit /24 = %s, want the small gap 10.0.20.0/24", got)
	}
	if got := fit(24, within, avoid, false).Prefix; got != pfx("10.0.8.0/24") {
		t.Errorf("first fit /24 = %s, want 10.0.8.0/24", got)
	}
	if got := fit(22, within, avoid, true).Prefix; got != pfx("10.0.8.0/22") {
		t.Errorf("best fit /22 = %s, want the only gap that holds it, 10.0.8.0/22", got)
	}
	res := fit(21, within, avoid, true)
	if res.Prefix.IsValid() || res.Largest != pfx("10.0.8.0/22") || res.Free != 1024+256 {
		t.Errorf("fit /21 = %+v; want none, largest free 10.0.8.0/22, 1,280 free", res)
	}
	// Alignment: a free span 10.0.1.128–10.0.3.127 holds no aligned /23.
	res = fit(23, []netip.Prefix{pfx("10.0.0.0/21")}, []set{setOf(pfx("10.0.0.0/24"), pfx("10.0.1.0/25"), pfx("10.0.3.128/25"), pfx("10.0.4.0/22"))}, true)
	if res.Prefix.IsValid() || res.Largest != pfx("10.0.2.0/24") {
		t.Errorf("unaligned /23 = %+v; want none, largest 10.0.2.0/24", res)
	}
}

const smallEstate = `apiVersion: aksnet.dev/v1alpha1
kind: Topology
metadata: {name: fit}
azure:
  vnets:
    - name: spoke
      addressSpace: [10.1.0.0/16]
      subnets:
        - {name: aks, addressPrefix: 10.1.0.0/24}
        - {name: pe, addressPrefix: 10.1.2.0/26}
      peerings: [{remoteVnet: hub}]
    - name: hub
      addressSpace: [10.0.0.0/16]
      subnets:
        - {name: GatewaySubnet, addressPrefix: 10.0.0.0/27}
      peerings: [{remoteVnet: spoke, allowGatewayTransit: true}]
  gateways:
    - {name: gw, type: Vpn, vnet: hub}
  privateEndpoints:
    - {name: pe1, subnet: spoke/pe, resource: kv, subresource: vault, privateIp: 10.1.2.4}
  resources:
    - {name: kv, type: Microsoft.KeyVault/vaults}
  aksClusters:
    - name: legacy
      networkPlugin: azure
      serviceCidr: 10.1.128.0/20
      dnsServiceIp: 10.1.128.10
      apiServer: {private: true}
      nodePools:
        - {name: sys, subnet: spoke/aks, count: 3, maxCount: 10, maxPods: 30}
    - name: other
      networkPlugin: azure
      networkPluginMode: overlay
      podCidr: 10.1.64.0/18
      serviceCidr: 172.16.0.0/16
      dnsServiceIp: 172.16.0.10
      nodePools:
        - {name: sys, subnet: spoke/aks, count: 2, maxSurge: "0"}
onPrem:
  sites:
    - {name: dc, addressSpace: [10.1.4.0/22]}
connections:
  - {name: vpn, type: vpn, gateway: gw, remote: "site:dc", remotePrefixes: [10.1.8.0/21]}
`

func loadTopology(t testing.TB, text string) *model.Topology {
	t.Helper()
	top, errs := load.Bytes(gen.Files{}, "t.yaml", []byte(text))
	if len(errs) > 0 {
		t.Fatalf("load: %v", errs)
	}
	return top
}

func TestPlanTopology(t *testing.T) {
	top := loadTopology(t, smallEstate)
	pl := New(top)
	legacy := model.Lookup[model.Cluster](top, "legacy")
	in, err := pl.Input(legacy)
	if err != nil {
		t.Fatal(err)
	}
	p, err := pl.Plan(in, Options{Fit: true})
	if err != nil {
		t.Fatal(err)
	}
	r := rangeOf(t, p, NodeSubnet)
	// (10 + 1) × 31 = 341, the API server's endpoint, and the other
	// cluster's 2 overlay nodes sharing the subnet.
	if r.Need != 341+1+2 || r.Name != "spoke/aks" {
		t.Errorf("node subnet %s needs %d (terms %+v), want 344", r.Name, r.Need, r.Terms)
	}
	// The /24 is short, and the service CIDR lies inside the VNet, which
	// AKS forbids (aks-rules.md rule 3).
	if len(p.Problems) != 2 || !strings.Contains(p.Problems[0], "spoke/aks") || !strings.Contains(p.Problems[1], "service CIDR 10.1.128.0/20 overlaps the cluster's VNet spoke") {
		t.Errorf("problems %q, want the /24 to be short and the service CIDR inside the VNet", p.Problems)
	}
	// The free /23 must avoid the subnets (10.1.0.0/24, 10.1.2.0/26), the
	// on-prem site (10.1.4.0/22), the VPN prefix (10.1.8.0/21) and both
	// clusters' ranges (10.1.64.0/18 pods, 10.1.128.0/20 services): the
	// smallest free span holding a /23 is 10.1.16.0–10.1.63.255.
	if r.Fit != pfx("10.1.16.0/23") {
		t.Errorf("fit %s (%s), want 10.1.16.0/23", r.Fit, r.FitError)
	}
	svc := rangeOf(t, p, ServiceCIDR)
	if !svc.Fit.IsValid() || setOf(pfx("10.0.0.0/15"), pfx("10.1.64.0/18"), pfx("10.1.128.0/20"), r.Fit).overlapsPrefix(svc.Fit) {
		t.Errorf("service CIDR fit %s overlaps the estate or a proposal", svc.Fit)
	}

	// The other cluster's pod CIDR lies inside the VNet: a conflict.
	in, _ = pl.Input(model.Lookup[model.Cluster](top, "other"))
	p, _ = pl.Plan(in, Options{Fit: true})
	pod := rangeOf(t, p, PodCIDR)
	if len(pod.Conflicts) != 1 || !strings.Contains(pod.Conflicts[0], "VNet spoke") {
		t.Errorf("pod CIDR conflicts %q, want the overlap with the cluster's VNet", pod.Conflicts)
	}
	// Proposals of one run never overlap: the node subnet proposed now is
	// clear of the one proposed for legacy.
	if n := rangeOf(t, p, NodeSubnet); n.Fit.Overlaps(r.Fit) || !n.Fit.IsValid() {
		t.Errorf("second proposal %s overlaps the first %s", n.Fit, r.Fit)
	}
}

func TestFitFailure(t *testing.T) {
	top := loadTopology(t, strings.Replace(smallEstate, "addressSpace: [10.1.0.0/16]", "addressSpace: [10.1.0.0/22]", 1))
	pl := New(top)
	in, _ := pl.Input(model.Lookup[model.Cluster](top, "legacy"))
	p, _ := pl.Plan(in, Options{Fit: true})
	r := rangeOf(t, p, NodeSubnet)
	if r.Fit.IsValid() || !strings.Contains(r.FitError, "no free /23 in VNet spoke (10.1.0.0/22)") ||
		!strings.Contains(r.FitError, "704 addresses are free, the largest free block is 10.1.1.0/24") || !strings.Contains(r.FitError, "add an address range to the VNet (10.1.16.0/23 overlaps nothing") {
		t.Errorf("fit %s, error %q; want the reason, the largest free block and a range to add", r.Fit, r.FitError)
	}
}

// TestFitEstate plans every cluster of a generated estate with --fit and
// checks every proposal against the estate: inside its VNet, clear of
// every subnet, network and range, and of every other proposal.
func TestFitEstate(t *testing.T) {
	m, err := gen.Generate(gen.Params{Spokes: 40, EndpointsPerSpoke: 3, Clusters: 20, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	top, errs := load.Bytes(gen.Files(m), gen.TopologyFile, m[gen.TopologyFile])
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var taken builder
	for _, v := range top.Azure.VNets {
		taken.prefixes(v.AddressSpace)
	}
	for _, s := range top.OnPrem.Sites {
		taken.prefixes(s.AddressSpace)
	}
	for _, v := range top.AWS.VPCs {
		taken.prefixes(v.CIDRs)
	}
	estate := taken.set()
	var proposals []netip.Prefix
	pl := New(top)
	for _, c := range top.Azure.Clusters {
		in, err := pl.Input(c)
		if err != nil {
			t.Fatal(err)
		}
		p, err := pl.Plan(in, Options{Fit: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Ranges {
			if !r.Fit.IsValid() {
				t.Fatalf("%s %s: no fit: %s", c.Name, r.Kind, r.FitError)
			}
			if r.Fit.Bits() != r.Smallest {
				t.Errorf("%s %s: fit %s, want a /%d", c.Name, r.Kind, r.Fit, r.Smallest)
			}
			for _, q := range proposals {
				if q.Overlaps(r.Fit) {
					t.Errorf("%s %s: fit %s overlaps the earlier proposal %s", c.Name, r.Kind, r.Fit, q)
				}
			}
			proposals = append(proposals, r.Fit)
			switch r.Kind {
			case NodeSubnet:
				v := c.VNet()
				inside := false
				for _, s := range v.AddressSpace {
					inside = inside || s.Bits() <= r.Fit.Bits() && s.Contains(r.Fit.Addr())
				}
				if !inside {
					t.Errorf("%s: node subnet fit %s is outside VNet %s", c.Name, r.Fit, v.Name)
				}
				for _, s := range v.Subnets {
					if s.Prefix.Overlaps(r.Fit) {
						t.Errorf("%s: node subnet fit %s overlaps %s", c.Name, r.Fit, s.ID())
					}
				}
				if r.Fit.Overlaps(c.EffectivePodCIDR()) || r.Fit.Overlaps(c.EffectiveServiceCIDR()) {
					t.Errorf("%s: node subnet fit %s overlaps the cluster's own CIDRs", c.Name, r.Fit)
				}
			default:
				if estate.overlapsPrefix(r.Fit) || setOf(kb.AKSReservedRanges...).overlapsPrefix(r.Fit) || !isPrivate(r.Fit) {
					t.Errorf("%s %s: fit %s overlaps the estate or is not private", c.Name, r.Kind, r.Fit)
				}
			}
		}
	}
	if len(proposals) != 3*20 {
		t.Errorf("%d proposals, want 3 per cluster (node subnet, pod CIDR, service CIDR)", len(proposals))
	}
}

// TestSharedSubnets: clusters sharing node and pod subnets count each
// other's addresses; a cluster aksnet cannot plan (bring-your-own CNI)
// still holds its nodes' addresses; a pod subnet in two allocation modes is
// refused.
func TestSharedSubnets(t *testing.T) {
	top := loadTopology(t, `apiVersion: aksnet.dev/v1alpha1
kind: Topology
metadata: {name: shared}
azure:
  vnets:
    - name: v
      addressSpace: [10.8.0.0/16]
      subnets:
        - {name: nodes, addressPrefix: 10.8.0.0/24}
        - {name: pods, addressPrefix: 10.8.16.0/20}
  aksClusters:
    - name: a
      networkPlugin: azure
      serviceCidr: 172.16.0.0/16
      dnsServiceIp: 172.16.0.10
      nodePools:
        - {name: p, subnet: v/nodes, podSubnet: v/pods, count: 4, maxPods: 30}
    - name: b
      networkPlugin: azure
      serviceCidr: 172.16.0.0/16
      dnsServiceIp: 172.16.0.10
      nodePools:
        - {name: p, subnet: v/nodes, podSubnet: v/pods, podIpAllocationMode: StaticBlock, count: 2, maxSurge: "0", maxPods: 31}
    - name: byo
      networkPlugin: none
      nodePools:
        - {name: p, subnet: v/nodes, count: 3, maxSurge: "0"}
`)
	pl := New(top)
	if _, err := pl.Input(model.Lookup[model.Cluster](top, "byo")); err == nil || !strings.Contains(err.Error(), "not modelled") {
		t.Errorf("byo CNI: %v, want it refused", err)
	}
	in, err := pl.Input(model.Lookup[model.Cluster](top, "a"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := pl.Plan(in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Node subnet: a's 4 + 1 nodes, b's 2, byo's 3.
	if r := rangeOf(t, p, NodeSubnet); r.Need != 5+2+3 {
		t.Errorf("shared node subnet needs %d (terms %+v), want 10", r.Need, r.Terms)
	}
	// Pod subnet, dynamic for a: (4 + 1) × 48 addresses, plus b's 2 nodes
	// counted in a's unit; b allocates the subnet in static blocks, which a
	// subnet of dynamic allocation refuses.
	r := rangeOf(t, p, PodSubnet)
	if r.Need != 5*48+2*DynamicPodSubnetIPs(31) || len(r.Conflicts) != 1 || !strings.Contains(strings.Join(p.Problems, "\n"), "one allocation mode") {
		t.Errorf("pod subnet: need %d, conflicts %q, problems %q", r.Need, r.Conflicts, p.Problems)
	}
}
