package load_test

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

var update = flag.Bool("update", false, "rewrite the '# want:' lines of testdata/broken with the errors the loader gives now (review the diff before committing)")

// loadFile loads a topology from the operating system's files, turning a
// panic into a test failure so that one bad input cannot hide the others.
func loadFile(t *testing.T, path string) (topo *model.Topology, errs model.ErrorList, ok bool) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("load.Bytes(%s) panicked: %v\n%s", path, r, debug.Stack())
			ok = false
		}
	}()
	topo, errs = load.Bytes(load.OSFiles{}, path, data)
	return topo, errs, true
}

func TestValidTopologiesLoadClean(t *testing.T) {
	files, err := filepath.Glob("testdata/valid/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no valid topologies: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			topo, errs, ok := loadFile(t, path)
			if !ok {
				return
			}
			for _, e := range errs {
				t.Errorf("unexpected error: %v", e)
			}
			if topo == nil {
				t.Fatal("no topology")
			}
		})
	}
}

func mustLoad(t *testing.T, path string) *model.Topology {
	t.Helper()
	topo, errs, ok := loadFile(t, path)
	if !ok {
		t.FailNow()
	}
	if len(errs) > 0 {
		t.Fatalf("%s: %v", path, errs)
	}
	return topo
}

// TestMinimal checks that loading resolves names into pointers and parses
// values, on the small complete estate every broken case is a variant of.
func TestMinimal(t *testing.T) {
	const path = "testdata/valid/minimal.yaml"
	topo := mustLoad(t, path)

	if topo.APIVersion != model.APIVersion || topo.Kind != "Topology" || topo.Metadata.Name != "minimal" {
		t.Errorf("header = %q %q %q", topo.APIVersion, topo.Kind, topo.Metadata.Name)
	}
	if got, want := topo.Loc, (model.Location{File: path, Line: 5, Column: 1}); got != want {
		t.Errorf("topology Loc = %v, want %v", got, want)
	}

	hub := model.Lookup[model.VNet](topo, "hub")
	spoke := model.Lookup[model.VNet](topo, "spoke")
	if hub == nil || spoke == nil {
		t.Fatalf("vnets not indexed: hub=%v spoke=%v", hub, spoke)
	}
	if got, want := hub.Loc, (model.Location{File: path, Line: 13, Column: 7}); got != want {
		t.Errorf("hub Loc = %v, want %v", got, want)
	}
	if got := hub.AddressSpace; len(got) != 1 || got[0] != netip.MustParsePrefix("10.0.0.0/16") {
		t.Errorf("hub address space = %v", got)
	}
	if got := spoke.DNSServers; len(got) != 1 || got[0] != netip.MustParseAddr("10.0.1.4") {
		t.Errorf("spoke DNS servers = %v", got)
	}

	// Peerings, both ways.
	if p := hub.Peerings[0]; p.Remote.Target != spoke || p.From != hub || !p.AllowGatewayTransit || !p.VirtualNetworkAccess() {
		t.Errorf("hub peering = %+v", p)
	}
	if p := spoke.Peerings[0]; p.Remote.Target != hub || !p.UseRemoteGateways {
		t.Errorf("spoke peering = %+v", p)
	}
	if got, want := spoke.Peerings[0].Remote.Loc, (model.Location{File: path, Line: 44, Column: 23}); got != want {
		t.Errorf("spoke peering remoteVnet Loc = %v, want %v", got, want)
	}

	// Subnets know their VNet and their route table.
	aks := model.Lookup[model.Subnet](topo, "spoke/aks")
	if aks == nil || aks.VNet != spoke || aks.ID() != "spoke/aks" {
		t.Fatalf("spoke/aks = %+v", aks)
	}
	rt := model.Lookup[model.RouteTable](topo, "spoke-egress")
	if aks.RouteTable.Target != rt || rt == nil {
		t.Errorf("spoke/aks route table = %v, want %v", aks.RouteTable.Target, rt)
	}
	if r := rt.Routes[0]; r.NextHopType != model.NextHopVirtualAppliance || r.NextHopIP != netip.MustParseAddr("10.0.2.10") {
		t.Errorf("route = %+v", r)
	}

	// The private endpoint, its subnet, resource and zone.
	pe := model.Lookup[model.PrivateEndpoint](topo, "pe-pg-orders")
	if pe == nil {
		t.Fatal("private endpoint not indexed")
	}
	if pe.Subnet.Target == nil || pe.Subnet.Target.VNet.Name != "spoke" || pe.Subnet.Target.Name != "endpoints" {
		t.Errorf("PE subnet = %+v", pe.Subnet)
	}
	pg := model.Lookup[model.PaaSResource](topo, "pg-orders")
	if pe.Resource.Target != pg || pg.Type != "Microsoft.DBforPostgreSQL/flexibleServers" || pg.PublicNetworkAccess != "Disabled" {
		t.Errorf("PE resource = %+v", pe.Resource.Target)
	}
	zone := model.Lookup[model.PrivateDNSZone](topo, "privatelink.postgres.database.azure.com")
	if zone == nil || model.Lookup[model.PrivateDNSZone](topo, "rg-hub/privatelink.postgres.database.azure.com") != zone {
		t.Fatalf("zone not indexed by both keys")
	}
	if len(pe.DNSZoneGroup) != 1 || pe.DNSZoneGroup[0].Target != zone {
		t.Errorf("PE zone group = %+v", pe.DNSZoneGroup)
	}

	// Records are parsed, links resolved.
	rec := zone.Records[0]
	if rec.Type != model.TypeA || rec.TTL != 10 || len(rec.Data) != 1 || rec.Data[0].Addr != netip.MustParseAddr("10.1.4.4") {
		t.Errorf("record = %+v", rec)
	}
	if rec.FQDN(zone.Name) != "pg-orders.privatelink.postgres.database.azure.com" {
		t.Errorf("record FQDN = %q", rec.FQDN(zone.Name))
	}
	if len(zone.Links) != 2 || zone.Links[0].VNet.Target != hub || zone.Links[1].VNet.Target != spoke || zone.Links[1].Zone != zone {
		t.Errorf("zone links = %+v", zone.Links)
	}

	// The custom DNS VM.
	vm := model.Lookup[model.VM](topo, "dns1")
	if vm == nil || vm.DNS == nil || vm.Subnet.Target != model.Lookup[model.Subnet](topo, "hub/shared") {
		t.Fatalf("vm dns1 = %+v", vm)
	}
	if f := vm.DNS.ConditionalForwarders[0]; f.Domain != "corp.contoso.com" || f.Targets[0].AddrPort != netip.MustParseAddrPort("192.168.10.4:53") {
		t.Errorf("conditional forwarder = %+v", f)
	}
	if got := vm.DNS.Forwarders; len(got) != 1 || got[0].Addr() != netip.MustParseAddr("168.63.129.16") || got[0].Port() != 53 {
		t.Errorf("forwarders = %v", got)
	}

	// The DNS Private Resolver and its ruleset.
	res := model.Lookup[model.DNSResolver](topo, "hub-resolver")
	in := model.Lookup[model.InboundEndpoint](topo, "hub-resolver/inbound")
	out := model.Lookup[model.OutboundEndpoint](topo, "hub-resolver/outbound")
	if res == nil || in == nil || out == nil || res.VNet.Target != hub || in.Resolver != res || in.Subnet.Target.Delegation != "Microsoft.Network/dnsResolvers" {
		t.Fatalf("resolver = %+v, inbound = %+v, outbound = %+v", res, in, out)
	}
	rs := model.Lookup[model.ForwardingRuleset](topo, "hub-rules")
	if rs == nil || rs.OutboundEndpoints[0].Target != out || len(rs.Links) != 2 || rs.Links[1].Target != spoke {
		t.Fatalf("ruleset = %+v", rs)
	}
	// Domains are canonical: the trailing dot is gone; ports default to 53.
	if r := rs.Rules[0]; r.Domain != "private.aws.internal" || !r.Enabled() || r.Targets[0].AddrPort != netip.MustParseAddrPort("172.16.1.10:53") {
		t.Errorf("rule = %+v", r)
	}

	// The AKS cluster.
	c := model.Lookup[model.Cluster](topo, "aks1")
	if c == nil || c.VNet() != spoke {
		t.Fatalf("cluster = %+v", c)
	}
	p := c.NodePools[0]
	if p.Cluster != c || p.Subnet.Target != aks || p.Count != 3 || p.MaxCount != 6 || p.MaxPods != 110 || p.OSType != "Linux" {
		t.Errorf("node pool = %+v", p)
	}
	if n, err := p.Surge(); n != 2 || err != nil { // 33% of maxCount 6, rounded up
		t.Errorf("surge = %d, %v; want 2", n, err)
	}
	if !c.APIServer.Private || c.APIServer.ZoneMode() != "system" || c.EffectiveDNSServiceIP() != netip.MustParseAddr("10.100.0.10") {
		t.Errorf("api server = %+v", c.APIServer)
	}
	if got := c.CoreDNSCustom["corp.server"]; !strings.Contains(got, "forward . 10.0.1.4") {
		t.Errorf("corednsCustom = %q", c.CoreDNSCustom)
	}
	if c.Objects == nil {
		t.Error("cluster objects not initialised")
	}

	// AWS.
	vpc := model.Lookup[model.VPC](topo, "aws-prod")
	if vpc == nil || vpc.ResolverIP() != netip.MustParseAddr("172.16.0.2") || !vpc.DNSSupport() || vpc.DHCPOptions.DomainNameServers[0] != "AmazonProvidedDNS" {
		t.Fatalf("vpc = %+v", vpc)
	}
	hz := model.Lookup[model.HostedZone](topo, "private.aws.internal")
	if hz == nil || hz.VPCs[0].Target != vpc || hz.Records[0].Data[0].Addr != netip.MustParseAddr("172.16.1.20") {
		t.Errorf("hosted zone = %+v", hz)
	}
	ep := model.Lookup[model.ResolverEndpoint](topo, "from-azure")
	if ep == nil || ep.IPs[0].Subnet.Target != model.Lookup[model.AWSSubnet](topo, "aws-prod/private-a") {
		t.Errorf("resolver endpoint = %+v", ep)
	}

	// On-prem and the VPN.
	site := model.Lookup[model.Site](topo, "dc1")
	host := model.Lookup[model.Host](topo, "dc1/dns")
	if site == nil || host == nil || host.Site != site || host.DNS.Zones[0].Records[0].Data[0].Addr != netip.MustParseAddr("192.168.20.10") {
		t.Fatalf("site = %+v, host = %+v", site, host)
	}
	gw := model.Lookup[model.VNetGateway](topo, "hub-vpn")
	if gw == nil || gw.VNet.Target != hub {
		t.Fatalf("gateway = %+v", gw)
	}
	if conn := topo.Connections[0]; conn.Gateway.Target != gw || conn.Remote.Scheme != "site" || conn.Remote.Site.Target != site || !slices.Equal(conn.Remote.Prefixes(), site.AddressSpace) {
		t.Errorf("connection to dc1 = %+v", conn)
	}
	if conn := topo.Connections[1]; conn.Remote.Scheme != "vpc" || conn.Remote.VPC.Target != vpc {
		t.Errorf("connection to aws = %+v", conn)
	}
}

// TestBroken is the acceptance suite for located errors. Each file in
// testdata/broken is a valid topology with a deliberate mistake (or a few),
// and declares in its leading comment block the exact errors it must give:
//
//	# want: LINE:COL: message (hint)
//
// that is model.Error.Error() without the "FILE:" prefix. Elsewhere in a
// message the file's own path is written $FILE ("first declared at
// $FILE:12:7"); an error located in another file (an included manifest)
// keeps that file's path. The set of errors must match exactly: none
// missing, none extra. Loading must not panic.
//
// go test -run TestBroken -update rewrites the want lines with what the
// loader says now; review the diff, as a want may record the message the
// loader should give rather than the one it gives.
func TestBroken(t *testing.T) {
	files, err := filepath.Glob("testdata/broken/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 30 {
		t.Fatalf("%d broken topologies, want at least 30", len(files))
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if *update {
				data = updateWants(t, path, data)
			}
			want := wantLines(data)
			if len(want) == 0 {
				t.Fatalf("%s declares no '# want:' line", path)
			}
			_, errs, ok := loadFile(t, path)
			if !ok {
				return
			}
			var got []string
			for _, e := range errs {
				if e.Loc.File == "" {
					t.Errorf("error without a file: %v", e)
				}
				got = append(got, relative(e, path))
			}
			if missing, extra := diff(want, got); len(missing)+len(extra) > 0 {
				var b strings.Builder
				for _, m := range missing {
					fmt.Fprintf(&b, "\n  missing: %s", m)
				}
				for _, x := range extra {
					fmt.Fprintf(&b, "\n  extra:   %s", x)
				}
				t.Errorf("%s: errors differ:%s\ngot:\n  # want: %s", path, b.String(), strings.Join(got, "\n  # want: "))
			}
		})
	}
}

// updateWants rewrites the file's want lines with the errors it gives. The
// number of want lines moves the body, so it loads until the lines agree.
func updateWants(t *testing.T, path string, data []byte) []byte {
	t.Helper()
	lines := strings.SplitAfter(string(data), "\n")
	var desc []string
	i := 0
	for ; i < len(lines) && strings.HasPrefix(lines[i], "#"); i++ {
		if !strings.HasPrefix(lines[i], "# want: ") {
			desc = append(desc, lines[i])
		}
	}
	body := strings.Join(lines[i:], "")
	want := wantLines(data)
	for range 3 {
		text := strings.Join(desc, "")
		for _, w := range want {
			text += "# want: " + w + "\n"
		}
		text += body
		_, errs := load.Bytes(load.OSFiles{}, path, []byte(text))
		var got []string
		for _, e := range errs {
			got = append(got, relative(e, path))
		}
		if slices.Equal(got, want) {
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			return []byte(text)
		}
		want = got
	}
	t.Fatalf("%s: want lines do not settle", path)
	return nil
}

// wantLines returns the "# want: " lines of the file's leading comment block.
func wantLines(data []byte) []string {
	var want []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "#") {
			break
		}
		if w, ok := strings.CutPrefix(line, "# want: "); ok {
			want = append(want, strings.TrimSpace(w))
		}
	}
	return want
}

// relative renders e as its want line: without the prefix naming the file,
// and with the file's path elsewhere written $FILE. Errors located in another
// file (an included manifest) keep that file's path.
func relative(e *model.Error, path string) string {
	s := e.Error()
	if e.Loc.File == path {
		s = strings.TrimPrefix(s, path)
		s = strings.TrimPrefix(s, ":")
		s = strings.TrimSpace(s)
	}
	return strings.ReplaceAll(s, path, "$FILE")
}

// diff compares two lists as multisets.
func diff(want, got []string) (missing, extra []string) {
	count := map[string]int{}
	for _, w := range want {
		count[w]++
	}
	for _, g := range got {
		if count[g] > 0 {
			count[g]--
			continue
		}
		extra = append(extra, g)
	}
	for _, w := range want {
		if count[w] > 0 {
			count[w]--
			missing = append(missing, w)
		}
	}
	return missing, extra
}

func TestTopologyMissingFile(t *testing.T) {
	topo, errs := load.Topology(load.OSFiles{}, "testdata/valid/no-such-file.yaml")
	if topo != nil {
		t.Error("got a topology from a missing file")
	}
	want := "testdata/valid/no-such-file.yaml: cannot read topology: no such file or folder"
	if len(errs) != 1 || errs[0].Error() != want {
		t.Errorf("errors = %v, want %s", errs, want)
	}
}

func TestTopologyFromFile(t *testing.T) {
	topo, errs := load.Topology(load.OSFiles{}, "testdata/valid/minimal.yaml")
	if len(errs) > 0 || topo == nil || topo.Metadata.Name != "minimal" {
		t.Fatalf("Topology = %v, %v", topo, errs)
	}
}

func TestErrorsAreSorted(t *testing.T) {
	files, _ := filepath.Glob("testdata/broken/*-three-mistakes.yaml")
	if len(files) != 1 {
		t.Fatalf("three-mistakes case: %v", files)
	}
	_, errs, ok := loadFile(t, files[0])
	if !ok {
		return
	}
	if len(errs) != 3 {
		t.Fatalf("got %d errors, want 3: %v", len(errs), errs)
	}
	if !slices.IsSortedFunc(errs, func(a, b *model.Error) int {
		if a.Loc.Line != b.Loc.Line {
			return a.Loc.Line - b.Loc.Line
		}
		return a.Loc.Column - b.Loc.Column
	}) {
		t.Errorf("errors not in file order: %v", errs)
	}
}
