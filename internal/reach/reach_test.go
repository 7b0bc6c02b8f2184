package reach_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/dns"
	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
	"github.com/aksnet/aksnet/internal/reach"
)

func loadTopology(t testing.TB, path string) *model.Topology {
	t.Helper()
	top, errs := load.Topology(load.OSFiles{}, path)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", path, errs)
	}
	return top
}

// engine builds a reach engine over a topology with the DNS engine as its
// resolver, as the command does.
func engine(t testing.TB, top *model.Topology) *reach.Engine {
	t.Helper()
	e := dnsEngine(t, top)
	return reach.NewEngine(top, e.Networks(), func(v model.Vantage, name string) (reach.Resolution, error) {
		res, err := e.Lookup(v, name, dns.FamilyV4, nil)
		if err != nil {
			return reach.Resolution{}, err
		}
		return reach.Resolution{Addrs: res.Addrs, Name: res.Name, Failure: string(res.Err)}, nil
	})
}

func ask(t testing.TB, e *reach.Engine, from, to string) *reach.Answer {
	t.Helper()
	v, err := model.ParseVantage(from)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := reach.ParseTarget(to)
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.Reach(v, tg)
	if err != nil {
		t.Fatalf("%s → %s: %v", from, to, err)
	}
	return a
}

// blocker returns the blocking hop's text, "" when reachable.
func blocker(a *reach.Answer) string {
	for _, h := range a.Hops {
		if h.Verdict == "block" {
			return h.Step + ": " + h.What
		}
	}
	return ""
}

func dump(a *reach.Answer) string {
	var b strings.Builder
	for _, h := range a.Hops {
		b.WriteString("  " + h.Verdict + " " + h.Step + " " + h.What + " (" + h.Loc.String() + ")\n")
	}
	return b.String()
}

// TestRoutesTruthTable: each row is a source subnet (one per next hop
// type), a destination, the answer and the words of the deciding hop.
func TestRoutesTruthTable(t *testing.T) {
	e := engine(t, loadTopology(t, "testdata/routes.topology.yaml"))
	for _, c := range []struct {
		from, to string
		ok       bool
		decides  string
	}{
		// Same VNet: the VnetLocal system route.
		{"vm:a-direct", "10.1.1.4:80", true, ""},
		// Peered with the hub: the VNetPeering system route.
		{"vm:a-direct", "10.0.2.4:80", true, ""},
		// Spoke to spoke without a route: peering is not transitive; the
		// private range's system route is removed (the VNet's space is
		// inside 10.0.0.0/8), so the default route sends it to the
		// internet, which does not route private addresses.
		{"vm:a-direct", "10.2.0.4:80", false, "the internet does not route"},
		// UDR to an appliance with IP forwarding, then peering into
		// spoke-b, whose peering to the hub allows forwarded traffic.
		{"vm:a-nva", "10.2.0.4:80", true, ""},
		// The same into spoke-c, whose peering does not: dropped.
		{"vm:a-nva", "10.3.0.4:80", false, "does not allow forwarded traffic"},
		// A longer UDR wins: 10.0.0.0/16 VnetLocal beats 10.0.0.0/8, but
		// the hub is not in spoke-a: VnetLocal cannot deliver it.
		{"vm:a-nva", "10.0.2.4:80", false, "is not in vnet spoke-a"},
		// Next hop None drops.
		{"vm:a-none", "10.2.0.4:80", false, "→ None"},
		// Next hop Internet for a private address drops.
		{"vm:a-internet", "10.2.0.4:80", false, "which the internet does not route"},
		// An appliance without IP forwarding drops (rule 36).
		{"vm:a-noforward", "10.2.0.4:80", false, "IP forwarding is off"},
		// Nothing at the next hop address.
		{"vm:a-nothing", "10.2.0.4:80", false, "nothing at 10.0.1.99 forwards"},
		// Public addresses through the system default route.
		{"vm:a-direct", "203.0.113.9:443", true, ""},
	} {
		a := ask(t, e, c.from, c.to)
		got := blocker(a)
		if a.Reachable != c.ok || c.decides != "" && !strings.Contains(got, c.decides) {
			t.Errorf("%s → %s: reachable %v (want %v), decided by %q (want %q)\n%s", c.from, c.to, a.Reachable, c.ok, got, c.decides, dump(a))
		}
	}
}

// TestNSGTruthTable: priority order, first match decides, ports and
// ranges, protocols, service tags and the default rules.
func TestNSGTruthTable(t *testing.T) {
	e := engine(t, loadTopology(t, "testdata/routes.topology.yaml"))
	for _, c := range []struct {
		from, to string
		ok       bool
		rule     string
	}{
		{"vm:a-direct", "10.1.6.4:22", false, "deny-ssh, priority 100"},
		// 200 allows 80 before 300 denies it.
		{"vm:a-direct", "10.1.6.4:80", true, "allow-web, priority 200"},
		{"vm:a-direct", "10.1.6.4:8050", true, "allow-web, priority 200"},
		{"vm:a-direct", "10.1.6.4:8101", false, "deny-vnet, priority 4000"},
		// UDP from the hub matches no allow before deny-vnet.
		{"vm:plain", "10.1.6.4:53/udp", false, "deny-vnet, priority 4000"},
	} {
		a := ask(t, e, c.from, c.to)
		var got string
		for _, h := range a.Hops {
			if h.Step == "nsg" {
				got = h.What
			}
		}
		if a.Reachable != c.ok || !strings.Contains(got, c.rule) {
			t.Errorf("%s → %s: reachable %v (want %v), NSG hop %q (want %q)\n%s", c.from, c.to, a.Reachable, c.ok, got, c.rule, dump(a))
		}
	}
}

// TestEvalNSGDefaults checks the default rules directly: VirtualNetwork
// in, AzureLoadBalancer in, everything else denied.
func TestEvalNSGDefaults(t *testing.T) {
	top := loadTopology(t, "testdata/routes.topology.yaml")
	ns := reach.New(top, nil)
	nsg := &model.NSG{Name: "empty"}
	v := model.Lookup[model.VNet](top, "spoke-a")
	dst := netip.MustParseAddr("10.1.0.10")
	for _, c := range []struct {
		src  string
		dir  model.Direction
		ok   bool
		rule string
	}{
		{"10.0.2.4", "Inbound", true, "AllowVnetInBound"}, // peered hub
		{"10.3.0.4", "Inbound", false, "DenyAllInBound"},  // not peered with spoke-a
		{"168.63.129.16", "Inbound", true, "AllowAzureLoadBalancerInBound"},
		{"203.0.113.5", "Inbound", false, "DenyAllInBound"},
	} {
		got := ns.EvalNSG(nsg, v, c.dir, netip.MustParseAddr(c.src), dst, "tcp", 443)
		if got.Allowed != c.ok || got.Rule != c.rule || !got.Default {
			t.Errorf("%s %s: %+v, want allowed %v by %s", c.dir, c.src, got, c.ok, c.rule)
		}
	}
	out := ns.EvalNSG(nsg, v, "Outbound", dst, netip.MustParseAddr("203.0.113.5"), "tcp", 443)
	if !out.Allowed || out.Rule != "AllowInternetOutBound" {
		t.Errorf("outbound to the internet: %+v", out)
	}
}

// TestRouteSelection: longest prefix, then user > gateway > system.
func TestRouteSelection(t *testing.T) {
	top := loadTopology(t, "testdata/routes.topology.yaml")
	ns := reach.New(top, nil)
	sub := model.Lookup[model.Subnet](top, "spoke-a/via-nva")
	for _, c := range []struct {
		dst    string
		hop    model.NextHopType
		source string
		prefix string
	}{
		{"10.0.5.5", model.NextHopVnetLocal, "user", "10.0.0.0/16"},
		{"10.2.0.4", model.NextHopVirtualAppliance, "user", "10.0.0.0/8"},
		{"10.1.0.4", model.NextHopVnetLocal, "system", "10.1.0.0/16"},
		{"8.8.8.8", model.NextHopInternet, "system", "0.0.0.0/0"},
		{"192.168.1.1", model.NextHopNone, "system", "192.168.0.0/16"},
	} {
		r, ok := ns.RouteFor(sub, netip.MustParseAddr(c.dst))
		if !ok || r.NextHop != c.hop || r.Source != c.source || r.Prefix.String() != c.prefix {
			t.Errorf("%s: %+v, want %s %s %s", c.dst, r, c.prefix, c.hop, c.source)
		}
	}
}

func dnsEngine(t testing.TB, top *model.Topology) *dns.Engine {
	t.Helper()
	e, errs := dns.New(top, nil, nil)
	if len(errs) > 0 {
		t.Fatalf("dns: %v", errs)
	}
	return e
}

// TestAuthorizedIPRanges: a public API server admits the egress addresses
// in its authorized ranges only (aks-rules.md rule 22).
func TestAuthorizedIPRanges(t *testing.T) {
	e := engine(t, loadTopology(t, "testdata/routes.topology.yaml"))
	for _, c := range []struct {
		from    string
		ok      bool
		decides string
	}{
		{"vm:pub-ok", true, ""},
		{"vm:pub-other", false, "egress address 198.51.100.7 is not in them"},
		{"vm:plain", false, "the client's public address is not known"},
		{"internet", false, "accepts only 203.0.113.0/24"},
	} {
		a := ask(t, e, c.from, "20.50.0.10:443")
		got := blocker(a)
		if a.Reachable != c.ok || c.decides != "" && !strings.Contains(got, c.decides) {
			t.Errorf("%s: reachable %v (want %v), decided by %q (want %q)\n%s", c.from, a.Reachable, c.ok, got, c.decides, dump(a))
		}
	}
}
