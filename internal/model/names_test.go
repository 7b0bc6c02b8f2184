package model_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/model"
)

func TestCanonicalName(t *testing.T) {
	label63 := strings.Repeat("a", 63)
	// 4 labels of 63 and the dots: 255; trimmed to exactly 253 below.
	name253 := strings.Join([]string{label63, label63, label63, strings.Repeat("b", 61)}, ".")
	for _, tc := range []struct {
		in, want string
		err      string // substring of the error; "" for success
	}{
		{in: "Example.COM.", want: "example.com"},
		{in: "privatelink.postgres.database.azure.com", want: "privatelink.postgres.database.azure.com"},
		{in: "_sip._tcp.contoso.com", want: "_sip._tcp.contoso.com"},
		{in: "*.apps.contoso.com", want: "*.apps.contoso.com"},
		{in: "xn--bcher-kva.example", want: "xn--bcher-kva.example"},
		{in: "localhost", want: "localhost"},
		{in: label63 + ".com", want: label63 + ".com"},
		{in: name253, want: name253},
		{in: name253 + ".", want: name253},
		{in: "", err: "empty DNS name"},
		{in: ".", err: "empty DNS name"},
		{in: "a..b", err: `DNS name "a..b" has an empty label`},
		{in: ".a", err: "empty label"},
		{in: "a.b..", err: "empty label"}, // only one trailing dot is stripped
		{in: label63 + "a.com", err: "label longer than 63 characters"},
		{in: name253 + "b", err: "longer than 253 characters"},
		{in: "my host.contoso.com", err: `has the character ' '`},
		{in: "db!.contoso.com", err: `has the character '!'`},
		{in: "10.0.0.4/24", err: `has the character '/'`},
	} {
		got, err := model.CanonicalName(tc.in)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("CanonicalName(%q): unexpected error %v", tc.in, err)
		case tc.err == "" && got != tc.want:
			t.Errorf("CanonicalName(%q) = %q, want %q", tc.in, got, tc.want)
		case tc.err != "" && err == nil:
			t.Errorf("CanonicalName(%q) = %q, want an error containing %q", tc.in, got, tc.err)
		case tc.err != "" && !strings.Contains(err.Error(), tc.err):
			t.Errorf("CanonicalName(%q) error %q does not contain %q", tc.in, err, tc.err)
		}
	}
}

func TestParseRData(t *testing.T) {
	addr := netip.MustParseAddr
	for _, tc := range []struct {
		typ  model.RecordType
		in   string
		want model.RData
		err  string // substring of the error; "" for success
	}{
		{typ: "A", in: "10.1.4.4", want: model.RData{Addr: addr("10.1.4.4")}},
		{typ: "A", in: " 10.1.4.4 ", want: model.RData{Addr: addr("10.1.4.4")}},
		{typ: "A", in: "fd00::4", err: `"fd00::4" is not an IPv4 address (use type AAAA for IPv6)`},
		{typ: "A", in: "::ffff:10.1.4.4", err: "not an IPv4 address"},
		{typ: "A", in: "10.1.4", err: `"10.1.4" is not an IP address`},
		{typ: "A", in: "10.1.4.4/32", err: "not an IP address"},
		{typ: "A", in: "", err: "not an IP address"},
		{typ: "AAAA", in: "fd00::4", want: model.RData{Addr: addr("fd00::4")}},
		{typ: "AAAA", in: "10.1.4.4", err: "not an IPv6 address (use type A for IPv4)"},
		{typ: "AAAA", in: "fe80::1%eth0", err: "zone"}, // a record holds no interface zone
		{typ: "CNAME", in: "Pg-Orders.privatelink.postgres.database.azure.com.", want: model.RData{Target: "pg-orders.privatelink.postgres.database.azure.com"}},
		{typ: "CNAME", in: "a..b", err: "empty label"},
		{typ: "CNAME", in: "", err: "empty DNS name"},
		{typ: "PTR", in: "dns1.corp.contoso.com", want: model.RData{Target: "dns1.corp.contoso.com"}},
		{typ: "PTR", in: "10.0.0.4/x", err: "character"},
		{typ: "TXT", in: "v=spf1 -all", want: model.RData{Text: "v=spf1 -all"}},
		{typ: "MX", in: "10 Mail.Contoso.com", want: model.RData{Priority: 10, Target: "mail.contoso.com"}},
		{typ: "MX", in: "mail.contoso.com", err: "must be 'PREFERENCE HOST'"},
		{typ: "MX", in: "70000 mail.contoso.com", err: `preference "70000" is not a number from 0 to 65535`},
		{typ: "MX", in: "-1 mail.contoso.com", err: "preference"},
		{typ: "MX", in: "10 mail..contoso.com", err: "empty label"},
		{typ: "SRV", in: "0 5 443 api.contoso.com.", want: model.RData{Priority: 0, Weight: 5, Port: 443, Target: "api.contoso.com"}},
		{typ: "SRV", in: "0 5 api.contoso.com", err: "must be 'PRIORITY WEIGHT PORT TARGET'"},
		{typ: "SRV", in: "0 5 99999 api.contoso.com", err: `port "99999" is not a number`},
		{typ: "SRV", in: "x 5 443 api.contoso.com", err: `priority "x"`},
		{typ: "SRV", in: "0 x 443 api.contoso.com", err: `weight "x"`},
		{typ: "SRV", in: "0 5 443 api contoso", err: "must be 'PRIORITY WEIGHT PORT TARGET'"},
		{typ: "NS", in: "ns1.contoso.com", err: `unknown record type "NS"`},
	} {
		got, err := model.ParseRData(tc.typ, tc.in)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("ParseRData(%s, %q): unexpected error %v", tc.typ, tc.in, err)
		case tc.err == "" && got != tc.want:
			t.Errorf("ParseRData(%s, %q) = %+v, want %+v", tc.typ, tc.in, got, tc.want)
		case tc.err != "" && err == nil:
			t.Errorf("ParseRData(%s, %q) = %+v, want an error containing %q", tc.typ, tc.in, got, tc.err)
		case tc.err != "" && !strings.Contains(err.Error(), tc.err):
			t.Errorf("ParseRData(%s, %q) error %q does not contain %q", tc.typ, tc.in, err, tc.err)
		}
	}
}

func TestRecordFQDN(t *testing.T) {
	const zone = "privatelink.postgres.database.azure.com"
	for in, want := range map[string]string{
		"@":          zone,
		"":           zone,
		"pg-orders":  "pg-orders." + zone,
		"PG-Orders.": "pg-orders." + zone,
		"a.b":        "a.b." + zone,
	} {
		r := &model.Record{Name: in}
		if got := r.FQDN(zone); got != want {
			t.Errorf("FQDN(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClosest(t *testing.T) {
	fields := []string{"name", "resourceGroup", "region", "addressSpace", "dnsServers", "subnets", "peerings"}
	for _, tc := range []struct {
		s          string
		candidates []string
		want       string
	}{
		// Typos: a letter missing, added, changed or two swapped.
		{"adressSpace", fields, "addressSpace"},
		{"dnsServer", fields, "dnsServers"},
		{"subnetss", fields, "subnets"},
		{"regoin", fields, "region"},
		{"hbu", []string{"hub", "spoke"}, "hub"},
		{"hub/share", []string{"hub/shared", "hub/dns-inbound", "spoke/aks"}, "hub/shared"},
		{"Microsoft.DBforPostgreSQL/flexibleServer", []string{"Microsoft.DBforMySQL/flexibleServers", "Microsoft.DBforPostgreSQL/flexibleServers", "Microsoft.DBforPostgreSQL/servers"}, "Microsoft.DBforPostgreSQL/flexibleServers"},
		// Case differences cost nothing.
		{"ADDRESSSPACE", fields, "addressSpace"},
		{"linux", []string{"Linux", "Windows"}, "Linux"},
		{"virtualappliance", []string{"VirtualNetworkGateway", "VnetLocal", "Internet", "VirtualAppliance", "None"}, "VirtualAppliance"},
		// Too far: no suggestion.
		{"colour", fields, ""},
		{"sqlServer", []string{"postgresqlServer"}, ""},
		{"completely-different", []string{"hub", "spoke"}, ""},
		{"anything", nil, ""},
		// A suggestion for a short name must keep some of it: "a" is not a
		// typo of "aws", nor "zz" of "ip".
		{"a", []string{"apiVersion", "kind", "metadata", "azure", "aws", "onPrem", "connections", "internet"}, ""},
		{"zz", []string{"ip", "dns"}, ""},
		{"ip", []string{"id"}, "id"},
	} {
		if got := model.Closest(tc.s, tc.candidates); got != tc.want {
			t.Errorf("Closest(%q, %v) = %q, want %q", tc.s, tc.candidates, got, tc.want)
		}
	}
}

func TestAzureReserved(t *testing.T) {
	for _, tc := range []struct {
		prefix   string
		reserved []string
		free     []string
	}{
		{
			prefix:   "10.0.2.0/24",
			reserved: []string{"10.0.2.0", "10.0.2.1", "10.0.2.2", "10.0.2.3", "10.0.2.255"},
			free:     []string{"10.0.2.4", "10.0.2.100", "10.0.2.254", "10.0.3.0", "10.0.1.255"},
		},
		{
			prefix:   "10.0.1.16/29",
			reserved: []string{"10.0.1.16", "10.0.1.17", "10.0.1.18", "10.0.1.19", "10.0.1.23"},
			free:     []string{"10.0.1.20", "10.0.1.21", "10.0.1.22", "10.0.1.24", "10.0.1.15"},
		},
		{
			prefix:   "10.1.0.0/22",
			reserved: []string{"10.1.0.0", "10.1.0.3", "10.1.3.255"},
			free:     []string{"10.1.0.4", "10.1.0.255", "10.1.1.0", "10.1.3.254"},
		},
		{
			// Host bits in the prefix do not move the reserved addresses.
			prefix:   "10.0.2.77/24",
			reserved: []string{"10.0.2.0", "10.0.2.3", "10.0.2.255"},
			free:     []string{"10.0.2.77", "10.0.2.4"},
		},
		{
			// Azure's IPv6 subnets reserve nothing aksnet models.
			prefix: "fd00:db8::/64",
			free:   []string{"fd00:db8::", "fd00:db8::1", "fd00:db8::ffff:ffff:ffff:ffff"},
		},
	} {
		p := netip.MustParsePrefix(tc.prefix)
		for _, a := range tc.reserved {
			if !model.AzureReserved(p, netip.MustParseAddr(a)) {
				t.Errorf("AzureReserved(%s, %s) = false, want true", p, a)
			}
		}
		for _, a := range tc.free {
			if model.AzureReserved(p, netip.MustParseAddr(a)) {
				t.Errorf("AzureReserved(%s, %s) = true, want false", p, a)
			}
		}
	}
}

func TestLastAddr(t *testing.T) {
	for prefix, want := range map[string]string{
		"10.0.2.0/24":     "10.0.2.255",
		"10.0.1.16/29":    "10.0.1.23",
		"10.0.0.0/20":     "10.0.15.255",
		"10.0.0.0/8":      "10.255.255.255",
		"10.0.2.77/24":    "10.0.2.255",
		"10.0.0.4/32":     "10.0.0.4",
		"10.0.0.4/31":     "10.0.0.5",
		"0.0.0.0/0":       "255.255.255.255",
		"fd00:db8::/64":   "fd00:db8::ffff:ffff:ffff:ffff",
		"2001:db8::/127":  "2001:db8::1",
		"2001:db8::5/128": "2001:db8::5",
		"2001:db8::/52":   "2001:db8:0:fff:ffff:ffff:ffff:ffff",
		"::/0":            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	} {
		if got := model.LastAddr(netip.MustParsePrefix(prefix)); got != netip.MustParseAddr(want) {
			t.Errorf("LastAddr(%s) = %s, want %s", prefix, got, want)
		}
	}
	if got := model.LastAddr(netip.Prefix{}); got.IsValid() {
		t.Errorf("LastAddr(invalid) = %s, want the zero Addr", got)
	}
}

func TestNodePoolSurge(t *testing.T) {
	for _, tc := range []struct {
		surge           string
		count, maxCount int
		want            int
		err             string
	}{
		{surge: "", count: 3, want: 1},
		{surge: "2", count: 3, want: 2},
		{surge: "0", count: 3, want: 0},
		{surge: " 5 ", count: 3, want: 5},
		{surge: "33%", count: 3, want: 1},               // 0.99 rounds up
		{surge: "33%", count: 3, maxCount: 6, want: 2},  // the autoscaler maximum counts: 1.98 → 2
		{surge: "33%", count: 10, maxCount: 4, want: 4}, // count above maxCount: 3.3 → 4
		{surge: "50%", count: 10, want: 5},
		{surge: "1%", count: 150, want: 2},
		{surge: "100%", count: 7, want: 7},
		{surge: "0%", count: 7, want: 0},
		{surge: "33%", count: 0, want: 0},
		{surge: "150%", count: 3, err: `maxSurge "150%": a percentage must be 0% to 100%`},
		{surge: "-1%", count: 3, err: "a percentage must be 0% to 100%"},
		{surge: "%", count: 3, err: "a percentage"},
		{surge: "33 %", count: 3, err: "a percentage"},
		{surge: "1.5", count: 3, err: `maxSurge "1.5" must be a node count (1) or a percentage (33%)`},
		{surge: "-1", count: 3, err: "must be a node count"},
		{surge: "one", count: 3, err: "must be a node count"},
	} {
		p := &model.NodePool{Name: "p", MaxSurge: tc.surge, Count: tc.count, MaxCount: tc.maxCount}
		got, err := p.Surge()
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("Surge(%q, count %d, max %d) = %d, %v; want %d", tc.surge, tc.count, tc.maxCount, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("Surge(%q) = %d, %v; want an error containing %q", tc.surge, got, err, tc.err)
		}
	}
}

func TestParsePortRange(t *testing.T) {
	for _, tc := range []struct {
		in     string
		lo, hi uint16
		ok     bool
	}{
		{"443", 443, 443, true},
		{"8000-8100", 8000, 8100, true},
		{"53-53", 53, 53, true},
		{"*", 0, 65535, true},
		{"0", 0, 0, true},
		{"65535", 65535, 65535, true},
		{"65536", 0, 0, false},
		{"8100-8000", 0, 0, false},
		{"", 0, 0, false},
		{"https", 0, 0, false},
		{"80-", 0, 0, false},
		{"-80", 0, 0, false},
		{"1-2-3", 0, 0, false},
		{" 80", 0, 0, false},
		{"+80", 0, 0, false},
	} {
		lo, hi, err := model.ParsePortRange(tc.in)
		switch {
		case tc.ok && (err != nil || lo != tc.lo || hi != tc.hi):
			t.Errorf("ParsePortRange(%q) = %d, %d, %v; want %d, %d", tc.in, lo, hi, err, tc.lo, tc.hi)
		case !tc.ok && err == nil:
			t.Errorf("ParsePortRange(%q) = %d, %d; want an error", tc.in, lo, hi)
		case !tc.ok && err.Error() != `port range "`+tc.in+`" must be a port, LOW-HIGH or *`:
			t.Errorf("ParsePortRange(%q) error = %q", tc.in, err)
		}
	}
}
