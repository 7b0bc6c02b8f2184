package corefile

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aksnet/aksnet/internal/model"
)

// Test cases ported from CoreDNS's own setup tests (coredns/coredns @
// 4b26cced, plugin/<name>/setup_test.go and friends). CoreDNS feeds the
// directive text to caddy.NewTestController; here it is wrapped in a server
// block and run through Load. The function each table comes from is named
// on the test; deviations are commented on the case.

// inBlock loads `keys { body }` and returns its only server's plugins.
func inBlock(keys, body string) ([]Plugin, model.ErrorList) {
	cfg, errs := Load(keys+" {\n"+body+"\n}\n", nil, nil, model.Location{File: "t"})
	if len(cfg.Servers) == 0 {
		return nil, errs
	}
	return cfg.Servers[0].Plugins, errs
}

func only[T Plugin](ps []Plugin) T {
	var zero T
	for _, p := range ps {
		if x, ok := p.(T); ok {
			return x
		}
	}
	return zero
}

// Ported from plugin/forward/setup_test.go TestSetup (and the multi-forward
// case, allowed since CoreDNS 1.9.4).
func TestForwardSetup(t *testing.T) {
	for _, tc := range []struct {
		input     string
		shouldErr bool
		from      string
		to        []string
		maxFails  uint32
		forceTCP  bool
		preferUDP bool
		errPart   string
	}{
		{"forward . 127.0.0.1", false, "", []string{"127.0.0.1:53"}, 2, false, false, ""},
		{"forward . 127.0.0.1 {\nhealth_check 0.5s domain example.org\n}\n", false, "", nil, 2, false, false, ""},
		{"forward . 127.0.0.1 {\nexcept miek.nl\n}\n", false, "", nil, 2, false, false, ""},
		{"forward . 127.0.0.1 {\nmax_fails 3\n}\n", false, "", nil, 3, false, false, ""},
		{"forward . 127.0.0.1 {\nforce_tcp\n}\n", false, "", nil, 2, true, false, ""},
		{"forward . 127.0.0.1 {\nprefer_udp\n}\n", false, "", nil, 2, false, true, ""},
		{"forward . 127.0.0.1 {\nforce_tcp\nprefer_udp\n}\n", false, "", nil, 2, true, true, ""},
		{"forward . 127.0.0.1:53", false, "", []string{"127.0.0.1:53"}, 2, false, false, ""},
		{"forward . 127.0.0.1:8080", false, "", []string{"127.0.0.1:8080"}, 2, false, false, ""},
		{"forward . [::1]:53", false, "", []string{"[::1]:53"}, 2, false, false, ""},
		{"forward . [2003::1]:53", false, "", []string{"[2003::1]:53"}, 2, false, false, ""},
		{"forward . 127.0.0.1 \n", false, "", nil, 2, false, false, ""},
		{"forward 10.9.3.0/18 127.0.0.1", false, "0.9.10.in-addr.arpa", nil, 2, false, false, ""},
		{"forward . ::1\n\t\tforward com ::2", false, "", []string{"[::1]:53"}, 2, false, false, ""},
		{"forward . tls://[2400:3200::1%dns.alidns.com]:853 {\ntls\n}\n", false, "", []string{"tls://[2400:3200::1]:853"}, 2, false, false, ""},
		{"forward . https://127.0.0.1 \n", false, "", []string{"https://127.0.0.1:443"}, 2, false, false, ""},
		// negative
		{"forward . https://1.1.1.1/ \n", true, "", nil, 0, false, false, "paths are not allowed in HTTPS upstream addresses"},
		// CoreDNS ≥1.14 tries to resolve a hostname ("failed to resolve");
		// aksnet does not model hostname upstreams.
		{"forward . a27.0.0.1", true, "", nil, 0, false, false, "not an IP address or file"},
		{"forward . 127.0.0.1 {\nblaatl\n}\n", true, "", nil, 0, false, false, "unknown property"},
		{"forward . 127.0.0.1 {\nhealth_check 0.5s domain\n}\n", true, "", nil, 0, false, false, "Wrong argument count or unexpected line ending after 'domain'"},
		{"forward xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx 127.0.0.1 \n", true, "", nil, 0, false, false, "unable to normalize 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'"},
		// plugin/forward/setup_test.go TestSourceAddress
		{"forward . 127.0.0.1 {\nsource_address not-an-ip\n}\n", true, "", nil, 0, false, false, "invalid IP address"},
		{"forward . 127.0.0.1 {\nsource_address \n}\n", true, "", nil, 0, false, false, "Wrong argument count or unexpected line ending after 'source_address'"},
		// aksnet: only /etc/resolv.conf is a file in the CoreDNS pod
		{"forward . /etc/resolv.conf 10.0.0.1 10.0.0.1:53", false, "", []string{"/etc/resolv.conf", "10.0.0.1:53"}, 2, false, false, ""},
		{"forward . 1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4 5.5.5.5 6.6.6.6 7.7.7.7 8.8.8.8 9.9.9.9 10.10.10.10 11.11.11.11 12.12.12.12 13.13.13.13 14.14.14.14 15.15.15.15 16.16.16.16", true, "", nil, 0, false, false, "more than 15 TOs configured: 16"},
	} {
		ps, errs := inBlock(".", tc.input)
		if tc.shouldErr {
			if len(errs) == 0 || !strings.Contains(errs[0].Msg, tc.errPart) {
				t.Errorf("%q: errors %v, want %q", tc.input, errs, tc.errPart)
			}
			continue
		}
		if len(errs) > 0 {
			t.Errorf("%q: %v", tc.input, errs)
			continue
		}
		f := only[*Forward](ps)
		if f.From != tc.from || f.MaxFails != tc.maxFails || f.ForceTCP != tc.forceTCP || f.PreferUDP != tc.preferUDP ||
			(tc.to != nil && !reflect.DeepEqual(f.To, tc.to)) {
			t.Errorf("%q: forward = %+v", tc.input, f)
		}
	}
	ps, _ := inBlock(".", "forward . ::1\nforward com ::2")
	if len(ps) != 2 || ps[1].(*Forward).From != "com" {
		t.Errorf("two forwards: %v", names(ps))
	}
	ps, _ = inBlock(".", "forward . 127.0.0.1 {\nexcept miek.nl example.org 10.0.0.0/8\n}")
	if got := only[*Forward](ps).Except; !reflect.DeepEqual(got, []string{"miek.nl", "example.org", "10.in-addr.arpa"}) {
		t.Errorf("except = %q", got)
	}
}

// Ported from plugin/hosts/setup_test.go TestHostsParse,
// TestHostsInlineParse and TestHostsParseFallthroughUnsupported.
func TestHostsSetup(t *testing.T) {
	for _, tc := range []struct {
		input     string
		shouldErr bool
		path      string
		origins   []string // CoreDNS tests have no server block keys: nil there, "" here
		fall      []string
	}{
		{"hosts\n", false, "/etc/hosts", []string{""}, nil},
		{"hosts /tmp", false, "/tmp", []string{""}, nil},
		{"hosts /etc/hosts miek.nl.", false, "/etc/hosts", []string{"miek.nl"}, nil},
		{"hosts /etc/hosts miek.nl. pun.gent.", false, "/etc/hosts", []string{"miek.nl", "pun.gent"}, nil},
		{"hosts {\n\t\t\t\tfallthrough\n\t\t\t}", false, "/etc/hosts", []string{""}, []string{}},
		{"hosts /tmp {\n\t\t\t\tfallthrough\n\t\t\t}", false, "/tmp", []string{""}, []string{}},
		{"hosts /etc/hosts miek.nl. {\n\t\t\t\tfallthrough\n\t\t\t}", false, "/etc/hosts", []string{"miek.nl"}, []string{}},
		{"hosts /etc/hosts miek.nl 10.0.0.9/8 {\n\t\t\t\tfallthrough\n\t\t\t}", false, "/etc/hosts", []string{"miek.nl", "10.in-addr.arpa"}, []string{}},
		{"hosts /etc/hosts {\n\t\t\t\tfallthrough\n\t\t\t}\n\t\t\thosts /etc/hosts {\n\t\t\t\tfallthrough\n\t\t\t}", true, "", nil, nil},
	} {
		ps, errs := inBlock(".", tc.input)
		if tc.shouldErr != (len(errs) > 0) {
			t.Errorf("%q: errors %v", tc.input, errs)
			continue
		}
		if tc.shouldErr {
			continue
		}
		h := only[*Hosts](ps)
		if h.File != tc.path || !reflect.DeepEqual(h.Zones, tc.origins) || !reflect.DeepEqual(h.Fallthrough, tc.fall) {
			t.Errorf("%q: hosts = %+v", tc.input, h)
		}
	}

	for _, tc := range []struct {
		input     string
		shouldErr bool
		entries   map[string][]netip.Addr
		fall      []string
	}{
		{"hosts highly_unlikely_to_exist_hosts_file example.org {\n  10.0.0.1 example.org\n  fallthrough\n}", false,
			map[string][]netip.Addr{"example.org": {netip.MustParseAddr("10.0.0.1")}}, []string{}},
		{"hosts highly_unlikely_to_exist_hosts_file example.org {\n  10.0.0.1 example.org\n}", false,
			map[string][]netip.Addr{"example.org": {netip.MustParseAddr("10.0.0.1")}}, nil},
		{"hosts highly_unlikely_to_exist_hosts_file example.org {\n  fallthrough\n  10.0.0.1 example.org\n}", true, nil, nil},
	} {
		ps, errs := inBlock(".", tc.input)
		if tc.shouldErr != (len(errs) > 0) {
			t.Errorf("%q: errors %v", tc.input, errs)
			continue
		}
		if tc.shouldErr {
			continue
		}
		h := only[*Hosts](ps)
		if !reflect.DeepEqual(h.Entries, tc.entries) || !reflect.DeepEqual(h.Fallthrough, tc.fall) {
			t.Errorf("%q: hosts = %+v", tc.input, h)
		}
	}

	for _, tc := range []struct {
		input     string
		shouldErr bool
	}{
		{"hosts {\n fallthrough\n fallthrough_unsupported\n}", false},
		{"hosts {\n fallthrough_unsupported\n fallthrough example.org\n}", false},
		{"hosts {\n fallthrough_unsupported\n}", true},
		{"hosts {\n fallthrough\n fallthrough_unsupported example.org\n}", true},
	} {
		ps, errs := inBlock(".", tc.input)
		if tc.shouldErr != (len(errs) > 0) {
			t.Errorf("%q: errors %v", tc.input, errs)
		} else if !tc.shouldErr && !only[*Hosts](ps).FallthroughUnsupported {
			t.Errorf("%q: fallthrough_unsupported not set", tc.input)
		}
	}

	// hostsfile.go parse: names are normalised, IPv6 and wildcards kept,
	// names outside the plugin's zones dropped.
	ps, errs := inBlock("example.org", "hosts {\n 10.0.0.1 A.Example.Org. b.example.org\n fdfc:a744:27b5:3b0e::1 a.example.org\n 10.0.0.2 *.example.org\n 10.0.0.3 other.net\n ttl 60\n no_reverse\n}")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	h := only[*Hosts](ps)
	want := map[string][]netip.Addr{
		"a.example.org": {netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("fdfc:a744:27b5:3b0e::1")},
		"b.example.org": {netip.MustParseAddr("10.0.0.1")},
		"*.example.org": {netip.MustParseAddr("10.0.0.2")},
	}
	if !reflect.DeepEqual(h.Entries, want) || h.TTL != 60 || h.Reverse {
		t.Errorf("hosts = %+v", h)
	}
}

// Ported from plugin/kubernetes/setup_test.go TestKubernetesParse.
func TestKubernetesSetup(t *testing.T) {
	for _, tc := range []struct {
		input      string
		errPart    string // "" for no error
		zones      int
		namespaces int
		labels     string
		podsMode   string
		fall       []string
		startup    time.Duration
	}{
		{"kubernetes coredns.local", "", 1, 0, "", "disabled", nil, 5 * time.Second},
		{"kubernetes coredns.local test.local", "", 2, 0, "", "disabled", nil, 5 * time.Second},
		{"kubernetes coredns.local {\n}", "", 1, 0, "", "disabled", nil, 5 * time.Second},
		{"kubernetes coredns.local {\n\tendpoint http://localhost:9090 http://localhost:9091\n}", "", 1, 0, "", "disabled", nil, 5 * time.Second},
		{"kubernetes coredns.local {\n\tnamespaces demo\n}", "", 1, 1, "", "disabled", nil, 5 * time.Second},
		{"kubernetes coredns.local {\n\tnamespaces demo test\n}", "", 1, 2, "", "disabled", nil, 5 * time.Second},
		{"kubernetes coredns.local {\n    labels environment=prod\n}", "", 1, 0, "environment=prod", "disabled", nil, 5 * time.Second},
		{"kubernetes coredns.local {\n    labels environment in (production, staging, qa),application=nginx\n}", "", 1, 0, "application=nginx,environment in (production,qa,staging)", "disabled", nil, 5 * time.Second},
		{"kubernetes coredns.local {\n    namespace_labels istio-injection=enabled\n}", "", 1, 0, "", "disabled", nil, 5 * time.Second},
		{"kubernetes coredns.local {\n    namespaces foo bar\n    namespace_labels istio-injection=enabled\n}", "namespaces and namespace_labels cannot both be set", 0, 0, "", "", nil, 0},
		{"kubernetes coredns.local test.local {\n\tendpoint http://localhost:8080\n\tnamespaces demo test\n    labels environment in (production, staging, qa),application=nginx\n    fallthrough\n}", "", 2, 2, "application=nginx,environment in (production,qa,staging)", "disabled", []string{}, 5 * time.Second},
		{"kubernetes coredns.local {\n    endpoint\n}", "rong argument count or unexpected line ending", 0, 0, "", "", nil, 0},
		{"kubernetes coredns.local {\n\tnamespaces\n}", "rong argument count or unexpected line ending", 0, 0, "", "", nil, 0},
		{"kubernetes coredns.local {\n    labels\n}", "rong argument count or unexpected line ending", 0, 0, "", "", nil, 0},
		{"kubernetes coredns.local {\n    labels environment in (production, qa\n}", "unable to parse label selector", 0, 0, "", "", nil, 0},
		{"kubernetes coredns.local {\n\tpods disabled\n}", "", 1, 0, "", "disabled", nil, 5 * time.Second},
		{"kubernetes coredns.local {\n\tpods insecure\n}", "", 1, 0, "", "insecure", nil, 5 * time.Second},
		{"kubernetes coredns.local {\n\tpods verified\n}", "", 1, 0, "", "verified", nil, 5 * time.Second},
		{"kubernetes coredns.local {\n\tpods giant_seed\n}", "rong value for pods", 0, 0, "", "", nil, 0},
		{"kubernetes coredns.local {\n\tfallthrough ip6.arpa inaddr.arpa foo.com\n}", "", 1, 0, "", "disabled", []string{"ip6.arpa", "inaddr.arpa", "foo.com"}, 5 * time.Second},
		{"kubernetes coredns.local\nkubernetes cluster.local", "this plugin can only be used once", 0, 0, "", "", nil, 0},
		{"kubernetes coredns.local {\n\tkubeconfig\n}", "Wrong argument count or unexpected line ending after", 0, 0, "", "", nil, 0},
		{"kubernetes coredns.local {\n\tkubeconfig file context extraarg\n}", "Wrong argument count or unexpected line ending after", 0, 0, "", "", nil, 0},
		{"kubernetes coredns.local {\n\tkubeconfig file\n}", "", 1, 0, "", "disabled", nil, 5 * time.Second},
		{"kubernetes coredns.local {\n\tkubeconfig file context\n}", "", 1, 0, "", "disabled", nil, 5 * time.Second},
		{"kubernetes coredns.local {\n        kubeconfig file context\n        startup_timeout 1s\n}", "", 1, 0, "", "disabled", nil, time.Second},
		// ParseStanza: only reverse zones
		{"kubernetes in-addr.arpa ip6.arpa", "non-reverse zone name must be used", 0, 0, "", "", nil, 0},
		// TestKubernetesParseNoEndpoints / zonal
		{"kubernetes coredns.local {\n\tnoendpoints\n\tzonal\n}", "zonal requires the endpoint cache", 0, 0, "", "", nil, 0},
	} {
		ps, errs := inBlock(".", tc.input)
		if tc.errPart != "" {
			if len(errs) == 0 || !strings.Contains(errs[0].Msg, tc.errPart) {
				t.Errorf("%q: errors %v, want %q", tc.input, errs, tc.errPart)
			}
			continue
		}
		if len(errs) > 0 {
			t.Errorf("%q: %v", tc.input, errs)
			continue
		}
		k := only[*Kubernetes](ps)
		labels := ""
		if k.Labels != nil {
			labels = k.Labels.String()
		}
		if len(k.Zones) != tc.zones || len(k.Namespaces) != tc.namespaces || labels != tc.labels || k.PodsMode != tc.podsMode ||
			!reflect.DeepEqual(k.Fallthrough, tc.fall) || k.StartupTimeout != tc.startup || k.TTL != 5 {
			t.Errorf("%q: kubernetes = %+v (labels %q)", tc.input, k, labels)
		}
	}
	// Without zones the plugin takes the server block's.
	ps, _ := inBlock("cluster.local:53 10.0.0.0/16", "kubernetes {\n ttl 0\n}")
	if k := only[*Kubernetes](ps); !reflect.DeepEqual(k.Zones, []string{"cluster.local", "0.10.in-addr.arpa"}) || k.TTL != 0 {
		t.Errorf("kubernetes = %+v", k)
	}
}

// Ported from plugin/template/setup_test.go TestSetup and TestSetupParse
// (server block keys "domain.com.:8053", "dynamic.domain.com.:8053").
func TestTemplateSetup(t *testing.T) {
	for _, tc := range []struct {
		input     string
		shouldErr bool
	}{
		{"template ANY ANY {\n\t\trcode\n\t}", true},
		{"template ANY ANY {\n\t\trcode NXDOMAIN\n\t}", false},
		{`template`, true},
		{`template X`, true},
		{`template ANY`, true},
		{`template ANY X`, true},
		{"template ANY ANY .* {\n\t\t\t\tnotavailable\n\t\t\t}", true},
		{"template ANY ANY {\n\t\t\t\tanswer\n\t\t\t}", true},
		{"template ANY ANY {\n\t\t\t\tadditional\n\t\t\t}", true},
		{"template ANY ANY {\n\t\t\t\trcode\n\t\t\t}", true},
		{"template ANY ANY {\n\t\t\t\trcode UNDEFINED\n\t\t\t}", true},
		{"template ANY ANY {\n\t\t\t\tanswer\t\"{{\"\n\t\t\t}", true},
		{"template ANY ANY {\n\t\t\t\tadditional \"{{\"\n\t\t\t}", true},
		{"template ANY ANY {\n\t\t\t\tauthority \"{{\"\n\t\t\t}", true},
		{"template ANY ANY {\n\t\t\t\tanswer \"{{ notAFunction }}\"\n\t\t\t}", true},
		{"template ANY ANY {\n\t\t\t\tanswer \"{{ parseInt }}\"\n\t\t\t\tadditional \"{{ parseInt }}\"\n\t\t\t\tauthority \"{{ parseInt }}\"\n\t\t\t}", false},
		{`template ANY ANY (?P<x>`, false},
		{"template ANY ANY {\n\n\t\t\t}", false},
		{"template ANY A example.com {\n\t\t\t\tmatch ip-(?P<a>[0-9]*)-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]com\n\t\t\t\tanswer \"{{ .Name }} A {{ .Group.a }}.{{ .Group.b }}.{{ .Group.c }}.{{ .Grup.d }}.\"\n\t\t\t\tfallthrough\n\t\t\t}", false},
		{"template ANY AAAA example.com {\n\t\t\t\tmatch ip-(?P<a>[0-9]*)-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]com\n\t\t\t\tauthority \"example.com 60 IN SOA ns.example.com hostmaster.example.com (1 60 60 60 60)\"\n\t\t\t\tfallthrough\n\t\t\t}", false},
		{"template IN ANY example.com {\n\t\t\t\tmatch \"[.](example[.]com[.]dc1[.]example[.]com[.])$\"\n\t\t\t\trcode NXDOMAIN\n\t\t\t\tauthority \"{{ index .Match 1 }} 60 IN SOA ns.{{ index .Match 1 }} hostmaster.example.com (1 60 60 60 60)\"\n\t\t\t\tfallthrough example.com\n\t\t\t}", false},
		{"template IN A example {\n\t\t\t\tmatch ^ip-10-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$\n\t\t\t\tanswer \"{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}\"\n\t\t\t}\n\t\t\ttemplate IN MX example. {\n\t\t\t\tmatch ^ip-10-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$\n\t\t\t\tanswer \"{{ .Name }} 60 IN MX 10 {{ .Name }}\"\n\t\t\t\tadditional \"{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}\"\n\t\t\t}", false},
		{"template IN A example {\n\t\t\t\tmatch ^ip0a(?P<b>[a-f0-9]{2})(?P<c>[a-f0-9]{2})(?P<d>[a-f0-9]{2})[.]example[.]$\n\t\t\t\tanswer \"{{ .Name }} 3600 IN A 10.{{ parseInt .Group.b 16 8 }}.{{ parseInt .Group.c 16 8 }}.{{ parseInt .Group.d 16 8 }}\"\n\t\t\t}", false},
		{"template IN MX example {\n\t\t\t\t\tmatch ^ip-10-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$\n\t\t\t\t\tanswer \"{{ .Name }} 60 IN MX 10 {{ .Name }}\"\n\t\t\t\t\tadditional \"{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}\"\n\t\t\t\t\tauthority  \"example. 60 IN NS ns0.example.\"\n\t\t\t\t\tauthority  \"example. 60 IN NS ns1.example.\"\n\t\t\t\t\tadditional \"ns0.example. 60 IN A 203.0.113.8\"\n\t\t\t\t\tadditional \"ns1.example. 60 IN A 198.51.100.8\"\n\t\t\t\t}", false},
		{"template ANY ANY invalid {\n\t\t\t\t\trcode NXDOMAIN\n\t\t\t\t\tauthority \"invalid. 60 {{ .Class }} SOA ns.invalid. hostmaster.invalid. (1 60 60 60 60)\"\n\t\t\t\t\tederror 21 \"Blocked according to RFC2606\"\n\t\t\t  \t}", false},
		{"template ANY ANY invalid {\n\t\t\t\t\trcode NXDOMAIN\n\t\t\t\t\tauthority \"invalid. 60 {{ .Class }} SOA ns.invalid. hostmaster.invalid. (1 60 60 60 60)\"\n\t\t\t\t\tederror invalid \"Blocked according to RFC2606\"\n\t\t\t  \t}", true},
		{"template ANY ANY invalid {\n\t\t\t\t\trcode NXDOMAIN\n\t\t\t\t\tauthority \"invalid. 60 {{ .Class }} SOA ns.invalid. hostmaster.invalid. (1 60 60 60 60)\"\n\t\t\t\t\tederror too many arguments\n\t\t\t  \t}", true},
		// aksnet: regex validation (templateParse "could not parse regex")
		{"template IN A {\n match \"([a-z\"\n}", true},
		{"template IN A {\n match ^ok$ (unclosed\n}", true},
	} {
		ps, errs := inBlock("domain.com.:8053 dynamic.domain.com.:8053", tc.input)
		if tc.shouldErr != (len(errs) > 0) {
			t.Errorf("%q: errors %v", tc.input, errs)
			continue
		}
		if !tc.shouldErr && only[*Template](ps) == nil {
			t.Errorf("%q: no template", tc.input)
		}
	}

	ps, _ := inBlock("domain.com.:8053 dynamic.domain.com.:8053", "template IN A {\n rcode REFUSED\n ederror 21\n}")
	g := only[*Template](ps)
	if !reflect.DeepEqual(g.Zones, []string{"domain.com", "dynamic.domain.com"}) || g.RCode != "REFUSED" || g.EDE != 21 ||
		g.MatchName("x.domain.com") != 0 {
		t.Errorf("template = %+v", g)
	}
	// "First matching regex wins" (README).
	ps, _ = inBlock(".", "template IN A example {\n match ^a[.] ^b[.] .*\n}")
	if g := only[*Template](ps); g.MatchName("b.example") != 1 || g.MatchName("c.example") != 2 {
		t.Errorf("MatchName: %d %d", g.MatchName("b.example"), g.MatchName("c.example"))
	}
}

// Ported from plugin/cache/setup_test.go TestSetup.
func TestCacheSetup(t *testing.T) {
	const (
		defCap          = 10000
		maxTTL, maxNTTL = 3600, 1800
		minTTL, minNTTL = 5, 5
	)
	for _, tc := range []struct {
		input                        string
		shouldErr                    bool
		ncap, pcap                   int
		nttl, minnttl, pttl, minpttl uint32
		prefetch                     int
	}{
		{`cache`, false, defCap, defCap, maxNTTL, minNTTL, maxTTL, minTTL, 0},
		{`cache {}`, false, defCap, defCap, maxNTTL, minNTTL, maxTTL, minTTL, 0},
		{"cache example.nl {\n\t\t\t\tsuccess 10\n\t\t\t}", false, defCap, 10, maxNTTL, minNTTL, maxTTL, minTTL, 0},
		{"cache example.nl {\n\t\t\t\tsuccess 10 1800 30\n\t\t\t}", false, defCap, 10, maxNTTL, minNTTL, 1800, 30, 0},
		{"cache example.nl {\n\t\t\t\tsuccess 10\n\t\t\t\tdenial 10 15\n\t\t\t}", false, 10, 10, 15, minNTTL, maxTTL, minTTL, 0},
		{"cache example.nl {\n\t\t\t\tsuccess 10\n\t\t\t\tdenial 10 15 2\n\t\t\t}", false, 10, 10, 15, 2, maxTTL, minTTL, 0},
		{"cache 25 example.nl {\n\t\t\t\tsuccess 10\n\t\t\t\tdenial 10 15\n\t\t\t}", false, 10, 10, 15, minNTTL, 25, minTTL, 0},
		{"cache 25 example.nl {\n\t\t\t\tsuccess 10\n\t\t\t\tdenial 10 15 5\n\t\t\t}", false, 10, 10, 15, 5, 25, minTTL, 0},
		{`cache aaa example.nl`, false, defCap, defCap, maxNTTL, minNTTL, maxTTL, minTTL, 0},
		{"cache\t{\n\t\t\t\tprefetch 10\n\t\t\t}", false, defCap, defCap, maxNTTL, minNTTL, maxTTL, minTTL, 10},
		// fails
		{"cache example.nl {\n\t\t\t\tsuccess\n\t\t\t\tdenial 10 15\n\t\t\t}", true, 0, 0, 0, 0, 0, 0, 0},
		{"cache example.nl {\n\t\t\t\tsuccess 15\n\t\t\t\tdenial aaa\n\t\t\t}", true, 0, 0, 0, 0, 0, 0, 0},
		{"cache example.nl {\n\t\t\t\tpositive 15\n\t\t\t\tnegative aaa\n\t\t\t}", true, 0, 0, 0, 0, 0, 0, 0},
		{`cache 0 example.nl`, true, 0, 0, 0, 0, 0, 0, 0},
		{`cache -1 example.nl`, true, 0, 0, 0, 0, 0, 0, 0},
		{"cache 1 example.nl {\n\t\t\t\tpositive 0\n\t\t\t}", true, 0, 0, 0, 0, 0, 0, 0},
		{"cache 1 example.nl {\n\t\t\t\tpositive 0\n\t\t\t\tprefetch -1\n\t\t\t}", true, 0, 0, 0, 0, 0, 0, 0},
		{"cache 1 example.nl {\n\t\t\t\tprefetch 0 blurp\n\t\t\t}", true, 0, 0, 0, 0, 0, 0, 0},
		{"cache\n\t\t  cache", true, 0, 0, 0, 0, 0, 0, 0},
	} {
		ps, errs := inBlock(".", tc.input)
		if tc.shouldErr != (len(errs) > 0) {
			t.Errorf("%q: errors %v", tc.input, errs)
			continue
		}
		if tc.shouldErr {
			continue
		}
		c := only[*Cache](ps)
		if c.DenialCap != tc.ncap || c.SuccessCap != tc.pcap || c.DenialTTL != tc.nttl || c.DenialMinTTL != tc.minnttl ||
			c.SuccessTTL != tc.pttl || c.SuccessMinTTL != tc.minpttl || c.Prefetch != tc.prefetch {
			t.Errorf("%q: cache = %+v", tc.input, c)
		}
	}
	// kubeadm's cache (kubernetes-dns.md §3.1)
	ps, errs := inBlock(".:53", "cache 30 {\n disable success cluster.local\n disable denial cluster.local\n}")
	if c := only[*Cache](ps); len(errs) > 0 || !reflect.DeepEqual(c.DisableSuccess, []string{"cluster.local"}) || !reflect.DeepEqual(c.DisableDenial, []string{"cluster.local"}) {
		t.Errorf("cache = %+v %v", c, errs)
	}
}

// Ported from plugin/rewrite/setup_test.go TestParse, name_test.go
// TestNewNameRule, TestRewriteNamePrefixSuffix and TestRewriteNameNoRewrite.
func TestRewriteSetup(t *testing.T) {
	for _, tc := range []struct {
		input     string
		shouldErr bool
		errPart   string
	}{
		{`rewrite`, true, ""},
		{`rewrite name`, true, ""},
		{`rewrite name a.com b.com`, false, ""},
		{"rewrite stop {\n    name regex foo bar\n    answer name bar foo\n}", false, ""},
		{`rewrite stop name regex foo bar answer name bar foo`, false, ""},
		{"rewrite stop {\n    name regex foo bar\n    answer name bar foo\n    name baz\n}", true, "2 arguments required"},
		{"rewrite stop {\n    answer name bar foo\n    name regex foo bar\n}", true, "must begin with a name rule"},
		{`rewrite stop`, true, ""},
		{`rewrite continue`, true, ""},
		{`rewrite stop name regex [bad[ bar answer name bar foo`, true, ""},
		// other fields
		{`rewrite type AAAA A`, false, ""},
		{`rewrite type AAAA B`, true, "invalid type"},
		{`rewrite class CH IN`, false, ""},
		{`rewrite ttl example.com. 10-20`, false, ""},
		{`rewrite ttl regex (.*)\.example\.com 30`, false, ""},
		{`rewrite ttl example.com -`, true, "invalid TTL"},
		{`rewrite cname exact foo.com. bar.com.`, false, ""},
		{`rewrite rcode example.com SERVFAIL NXDOMAIN`, false, ""},
		{`rewrite rcode example.com SERVFAIL BOGUS`, true, "invalid replacement RCODE"},
		{`rewrite edns0 local set 0xffee abcd`, false, ""},
		{`rewrite edns0 local bogus 0xffee abcd`, true, "invalid action"},
		{`rewrite edns0 subnet set 24 56`, false, ""},
	} {
		_, errs := inBlock(".", tc.input)
		if tc.shouldErr != (len(errs) > 0) {
			t.Errorf("%q: errors %v", tc.input, errs)
		} else if tc.shouldErr && !strings.Contains(errs[0].Msg, tc.errPart) {
			t.Errorf("%q: error %v, want %q", tc.input, errs[0], tc.errPart)
		}
	}

	// TestNewNameRule (the "stop name" prefix added, as its second loop does).
	for i, tc := range []struct {
		args []string
		fail bool
	}{
		{[]string{"exact", "srv3.coredns.rocks", "srv4.coredns.rocks"}, false},
		{[]string{"srv1.coredns.rocks", "srv2.coredns.rocks"}, false},
		{[]string{"suffix", "coredns.rocks", "coredns.rocks."}, false},
		{[]string{"suffix", "coredns.rocks.", "coredns.rocks"}, false},
		{[]string{"suffix", "coredns.rocks.", "coredns.rocks."}, false},
		{[]string{"regex", "srv1.coredns.rocks", "10"}, false},
		{[]string{"regex", "(.*).coredns.rocks", "10"}, false},
		{[]string{"regex", "(.*).coredns.rocks", "{1}.coredns.rocks"}, false},
		{[]string{"regex", "(.*).coredns.rocks", "{1}.{2}.coredns.rocks"}, true},
		{[]string{"regex", "staging.mydomain.com", "aws-loadbalancer-id.us-east-1.elb.amazonaws.com"}, false},
		{[]string{"suffix", "staging.mydomain.com", "coredns.rock", "answer"}, true},
		{[]string{"suffix", "staging.mydomain.com", "coredns.rock", "answer", "name"}, true},
		{[]string{"suffix", "staging.mydomain.com", "coredns.rock", "answer", "other"}, true},
		{[]string{"suffix", "staging.mydomain.com", "coredns.rock", "answer", "auto"}, false},
		{[]string{"regex", "staging.mydomain.com", "coredns.rock", "answer", "auto"}, false},
		{[]string{"regex", "staging.mydomain.com", "coredns.rock", "answer", "name"}, true},
		{[]string{"regex", "staging.mydomain.com", "coredns.rock", "answer", "name", "coredns.rock", "staging.mydomain.com"}, false},
		{[]string{"regex", "staging.mydomain.com", "coredns.rock", "answer", "name", "(.*).coredns.rock", "{1}.{2}.staging.mydomain.com"}, true},
		{[]string{"regex", "staging.mydomain.com", "coredns.rock", "answer", "name", "(.*).coredns.rock", "{1}.staging.mydomain.com", "name", "(.*).coredns.rock", "{1}.staging.mydomain.com"}, false},
		{[]string{"regex", "staging.mydomain.com", "coredns.rock", "answer", "name", "(.*).coredns.rock", "{1}.staging.mydomain.com", "answer", "name", "(.*).coredns.rock", "{1}.staging.mydomain.com"}, false},
		{[]string{"regex", "staging.mydomain.com", "coredns.rock", "answer", "name", "(.*).coredns.rock", "{1}.staging.mydomain.com", "name", "(.*).coredns.rock"}, true},
		{[]string{"regex", "staging.mydomain.com", "coredns.rock", "answer", "name", "(.*).coredns.rock", "{1}.staging.mydomain.com", "value", "(.*).coredns.rock", "{1}.staging.mydomain.com"}, false},
		{[]string{"regex", "staging.mydomain.com", "coredns.rock", "answer", "name", "(.*).coredns.rock", "{1}.staging.mydomain.com", "answer", "value", "(.*).coredns.rock", "{1}.staging.mydomain.com"}, false},
		{[]string{"regex", "staging.mydomain.com", "coredns.rock", "answer", "name", "(.*).coredns.rock", "{1}.staging.mydomain.com", "value", "(.*).coredns.rock"}, true},
		{[]string{"suffix", "staging.mydomain.com.", "coredns.rock.", "answer", "value", "(.*).coredns.rock", "{1}.staging.mydomain.com", "value", "(.*).coredns.rock", "{1}.staging.mydomain.com"}, false},
		{[]string{"suffix", "staging.mydomain.com.", "coredns.rock.", "answer", "value", "(.*).coredns.rock", "{1}.staging.mydomain.com", "answer", "value", "(.*).coredns.rock", "{1}.staging.mydomain.com"}, false},
		{[]string{"suffix", "staging.mydomain.com.", "coredns.rock.", "answer", "value", "(.*).coredns.rock", "{1}.staging.mydomain.com", "name", "(.*).coredns.rock", "{1}.staging.mydomain.com"}, false},
		{[]string{"suffix", "staging.mydomain.com.", "coredns.rock.", "answer", "value", "(.*).coredns.rock", "{1}.staging.mydomain.com", "value", "(.*).coredns.rock"}, true},
	} {
		_, err := newRewrite(Source{}, append([]string{"stop", "name"}, tc.args...)...)
		if (err != nil) != tc.fail {
			t.Errorf("TestNewNameRule case %d %q: err = %v", i, tc.args, err)
		}
	}

	// TestRewriteNamePrefixSuffix and TestRewriteNameNoRewrite.
	for _, tc := range []struct {
		args               []string
		question, expected string
	}{
		{[]string{"prefix", "foo", "bar"}, "foo.example.com.", "bar.example.com."},
		{[]string{"prefix", "foo.", "bar."}, "foo.example.com.", "bar.example.com."},
		{[]string{"suffix", "com", "org"}, "foo.example.com.", "foo.example.org."},
		{[]string{"suffix", ".com", ".org"}, "foo.example.com.", "foo.example.org."},
		{[]string{"prefix", "foo", "bar"}, "coredns.foo.", ""},
		{[]string{"prefix", "foo", "bar."}, "coredns.foo.", ""},
		{[]string{"suffix", "com", "org"}, "com.coredns.", ""},
		{[]string{"suffix", "com", "org."}, "com.coredns.", ""},
		{[]string{"substring", "service", "svc"}, "com.coredns.", ""},
		{[]string{"substring", "service", "svc"}, "a.service.ns.", "a.svc.ns."},
		{[]string{"exact", "A.Example.com", "b.example.com"}, "a.example.com", "b.example.com."},
	} {
		r, err := newRewrite(Source{}, append([]string{"stop", "name"}, tc.args...)...)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := r.RewriteName(tc.question)
		if !ok {
			got = ""
		}
		if got != tc.expected {
			t.Errorf("%q on %s = %q, want %q", tc.args, tc.question, got, tc.expected)
		}
	}

	// A block's rules stay in file order, between loadbalance and autopath.
	ps, errs := inBlock(".", "forward . 10.0.0.1\nrewrite continue name suffix .a .b\nlog\nrewrite name exact x.b y.b\nautopath @kubernetes\nloadbalance")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if got := names(ps); !reflect.DeepEqual(got, []string{"log", "loadbalance", "rewrite", "rewrite", "autopath", "forward"}) {
		t.Errorf("order = %v", got)
	}
	if r := ps[2].(*Rewrite); !r.Continue || r.MatchType != "suffix" || r.From != ".a." {
		t.Errorf("first rule = %+v", r)
	}
}
