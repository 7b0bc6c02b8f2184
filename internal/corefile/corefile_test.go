package corefile

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/model"
)

var (
	clusterLoc = model.Location{File: "topology.yaml", Line: 10, Column: 5}
	keyLoc     = func(line int) model.Location { return model.Location{File: "topology.yaml", Line: line, Column: 9} }
)

// loadAKS loads the AKS default Corefile with coredns-custom data; each key
// is located on its own line of topology.yaml (20, 21, … in sorted order).
func loadAKS(t *testing.T, custom map[string]string) (*Config, model.ErrorList) {
	t.Helper()
	locs := map[string]model.Location{}
	i := 0
	for _, k := range sortedKeys(custom) {
		locs[k] = keyLoc(20 + i)
		i++
	}
	return Load(AKSDefault(), custom, locs, clusterLoc)
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func mustLoadAKS(t *testing.T, custom map[string]string) *Config {
	t.Helper()
	cfg, errs := loadAKS(t, custom)
	if len(errs) > 0 {
		t.Fatalf("Load: %v", errs)
	}
	return cfg
}

func names(ps []Plugin) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name())
	}
	return out
}

func server(t *testing.T, cfg *Config, zone string) *Server {
	t.Helper()
	for _, s := range cfg.Servers {
		for _, z := range s.Zones {
			if z == zone {
				return s
			}
		}
	}
	t.Fatalf("no server block for %q in %d servers", zone, len(cfg.Servers))
	return nil
}

func plugin[T Plugin](t *testing.T, s *Server, n int) T {
	t.Helper()
	var seen int
	for _, p := range s.Plugins {
		if x, ok := p.(T); ok {
			if seen == n {
				return x
			}
			seen++
		}
	}
	var zero T
	t.Fatalf("server %q: no plugin %T #%d in %v", s.Zones, zero, n, names(s.Plugins))
	return zero
}

// TestAKSDefault: the AKS default Corefile (kubernetes-dns.md §3.1) is one
// .:53 server whose plugins run in plugin.cfg order, not file order
// (kubernetes-dns.md §3.2 (a), §3.3: rewrite < cache < template < hosts <
// kubernetes < loop < forward).
func TestAKSDefault(t *testing.T) {
	cfg := mustLoadAKS(t, nil)
	if len(cfg.Servers) != 1 {
		t.Fatalf("servers = %d, want 1", len(cfg.Servers))
	}
	s := cfg.Servers[0]
	if !reflect.DeepEqual(s.Zones, []string{""}) || s.Port != "53" || s.Transport != "dns" || s.Key != "" || s.Loc != clusterLoc {
		t.Errorf("server = %q port %s %s key %q loc %v", s.Zones, s.Port, s.Transport, s.Key, s.Loc)
	}
	want := []string{"reload", "ready", "health", "prometheus", "errors", "loadbalance", "cache", "template", "template", "kubernetes", "loop", "forward"}
	if got := names(s.Plugins); !reflect.DeepEqual(got, want) {
		t.Errorf("plugins = %v\nwant      %v", got, want)
	}
	for i := 1; i < len(s.Plugins); i++ {
		if Order(s.Plugins[i-1].Name()) > Order(s.Plugins[i].Name()) {
			t.Errorf("%s before %s", s.Plugins[i-1].Name(), s.Plugins[i].Name())
		}
	}
	if len(cfg.Warnings) > 0 {
		t.Errorf("warnings: %v", cfg.Warnings)
	}

	k := plugin[*Kubernetes](t, s, 0)
	if !reflect.DeepEqual(k.Zones, []string{"cluster.local", "in-addr.arpa", "ip6.arpa"}) || k.PodsMode != "insecure" ||
		!reflect.DeepEqual(k.Fallthrough, []string{"in-addr.arpa", "ip6.arpa"}) || k.TTL != 30 || k.Line != 7 {
		t.Errorf("kubernetes = %+v", k)
	}
	f := plugin[*Forward](t, s, 0)
	if f.From != "" || !reflect.DeepEqual(f.To, []string{"/etc/resolv.conf"}) || f.Policy != "random" || f.MaxFails != 2 {
		t.Errorf("forward = %+v", f)
	}
	c := plugin[*Cache](t, s, 0)
	if c.TTL != 30 || c.SuccessTTL != 30 || c.DenialTTL != 30 || !reflect.DeepEqual(c.Zones, []string{""}) {
		t.Errorf("cache = %+v", c)
	}
	g1, g2 := plugin[*Template](t, s, 0), plugin[*Template](t, s, 1)
	if g1.Class != "ANY" || g1.Type != "ANY" || !reflect.DeepEqual(g1.Zones, []string{"internal.cloudapp.net"}) ||
		g1.RCode != "NXDOMAIN" || g1.Fallthrough == nil || len(g1.Fallthrough) != 0 || len(g1.Match) != 1 {
		t.Errorf("internal.cloudapp.net guard = %+v", g1)
	}
	if !reflect.DeepEqual(g2.Zones, []string{"reddog.microsoft.com"}) || g2.RCode != "NXDOMAIN" || g2.Fallthrough != nil ||
		len(g2.Regexps) != 1 || g2.Regexps[0].String() != ".*" {
		t.Errorf("reddog guard = %+v", g2)
	}
}

// TestAKSGuards: which names the internal.cloudapp.net guard answers
// NXDOMAIN. Examples from coredns-custom.md ("aks12345.myvnetid.myregion…"
// 6 labels is forwarded, "mcr.microsoft.com.myvnetid.myregion…" 8 labels is
// not), Azure/AKS PR #4601 (allowed / not allowed) and the AKS CoreDNS
// integration test (test.aks-nodes.guid.cx.internal.cloudapp.net. NXDOMAIN).
func TestAKSGuards(t *testing.T) {
	s := mustLoadAKS(t, nil).Servers[0]
	guard := plugin[*Template](t, s, 0)
	for _, tc := range []struct {
		name  string
		block bool
	}{
		{"aks12345.myvnetid.myregion.internal.cloudapp.net", false},
		{"mcr.microsoft.com.myvnetid.myregion.internal.cloudapp.net", true},
		{"aks-agentpool-xxxx-vmssxxxxxx.xxxxxx.xx.internal.cloudapp.net", false},
		{"test.aks-agentpool-xxxx-vmssxxxxxx.xxxxxx.xx.internal.cloudapp.net", true},
		{"test.aks-nodes.guid.cx.internal.cloudapp.net.", true},
		{"Test.AKS-nodes.guid.cx.Internal.CloudApp.net", true},
		{"internal.cloudapp.net", false},
	} {
		if got := guard.MatchName(tc.name) >= 0; got != tc.block {
			t.Errorf("guard matches %s = %v, want %v", tc.name, got, tc.block)
		}
	}
	reddog := plugin[*Template](t, s, 1)
	if reddog.MatchName("reddog.microsoft.com") != 0 || !InZone("x.reddog.microsoft.com", reddog.Zones[0]) {
		t.Error("reddog guard does not match")
	}
}

// TestCustomExamples are the coredns-custom examples of
// MicrosoftDocs/azure-aks-docs articles/aks/coredns-custom.md.
func TestCustomExamples(t *testing.T) {
	t.Run("custom domain puglife.server", func(t *testing.T) {
		cfg := mustLoadAKS(t, map[string]string{"puglife.server": `puglife.local:53 {
    errors
    cache 30
    forward . 192.11.0.1  # this is my test/dev DNS server
}
`})
		if len(cfg.Servers) != 2 {
			t.Fatalf("servers = %d", len(cfg.Servers))
		}
		s := cfg.Servers[1]
		if !reflect.DeepEqual(s.Zones, []string{"puglife.local"}) || s.Key != "puglife.server" || s.Line != 1 || s.Loc != keyLoc(20) {
			t.Errorf("server = %+v", s)
		}
		if got := names(s.Plugins); !reflect.DeepEqual(got, []string{"errors", "cache", "forward"}) {
			t.Errorf("plugins = %v", got)
		}
		f := plugin[*Forward](t, s, 0)
		if f.From != "" || !reflect.DeepEqual(f.To, []string{"192.11.0.1:53"}) || f.Key != "puglife.server" || f.Line != 4 {
			t.Errorf("forward = %+v", f)
		}
		if c := plugin[*Cache](t, s, 0); !reflect.DeepEqual(c.Zones, []string{"puglife.local"}) {
			t.Errorf("cache zones = %q", c.Zones)
		}
	})

	t.Run("stub domains test.server", func(t *testing.T) {
		cfg := mustLoadAKS(t, map[string]string{"test.server": `abc.com:53 {
 errors
 cache 30
 forward . 1.2.3.4
}
my.cluster.local:53 {
    errors
    cache 30
    forward . 2.3.4.5
}
`})
		if got := plugin[*Forward](t, server(t, cfg, "abc.com"), 0).To; !reflect.DeepEqual(got, []string{"1.2.3.4:53"}) {
			t.Errorf("abc.com forward = %v", got)
		}
		my := server(t, cfg, "my.cluster.local")
		if my.Line != 6 || plugin[*Forward](t, my, 0).To[0] != "2.3.4.5:53" {
			t.Errorf("my.cluster.local = %+v", my)
		}
		// my.cluster.local is more specific than the kubernetes plugin's
		// cluster.local in the root block.
		if cfg.ServerFor("svc.my.cluster.local", "53") != my {
			t.Error("ServerFor(svc.my.cluster.local) is not the stub domain")
		}
	})

	t.Run("hosts test.override", func(t *testing.T) {
		cfg := mustLoadAKS(t, map[string]string{"test.override": `      hosts { 
          10.0.0.1 example1.org
          10.0.0.2 example2.org
          10.0.0.3 example3.org
          fallthrough
      }
`})
		s := cfg.Servers[0]
		h := plugin[*Hosts](t, s, 0)
		want := map[string][]netip.Addr{
			"example1.org": {netip.MustParseAddr("10.0.0.1")},
			"example2.org": {netip.MustParseAddr("10.0.0.2")},
			"example3.org": {netip.MustParseAddr("10.0.0.3")},
		}
		if !reflect.DeepEqual(h.Entries, want) || h.Fallthrough == nil || len(h.Fallthrough) != 0 || h.File != "/etc/hosts" {
			t.Errorf("hosts = %+v", h)
		}
		if h.Key != "test.override" || h.Line != 1 || h.Loc != keyLoc(20) {
			t.Errorf("hosts source = %+v", h.Source)
		}
		// imported last, but runs before kubernetes and forward
		got := names(s.Plugins)
		if i, k := index(got, "hosts"), index(got, "kubernetes"); i < 0 || i > k || i < index(got, "template") {
			t.Errorf("plugins = %v", got)
		}
	})

	t.Run("rewrite test.server", func(t *testing.T) {
		cfg := mustLoadAKS(t, map[string]string{"test.server": `contoso.com:53 {
log
errors
rewrite stop {
  name regex (.*)\.contoso\.com {1}.default.svc.cluster.local
  answer name (.*)\.default\.svc\.cluster\.local {1}.contoso.com
}
forward . /etc/resolv.conf # you can redirect this to a specific DNS server such as 10.0.0.10, but that server must be able to resolve the rewritten domain name
}
`})
		s := server(t, cfg, "contoso.com")
		if got := names(s.Plugins); !reflect.DeepEqual(got, []string{"errors", "log", "rewrite", "forward"}) {
			t.Errorf("plugins = %v", got)
		}
		r := plugin[*Rewrite](t, s, 0)
		if r.Continue || r.Field != "name" || r.MatchType != "regex" || r.From != `(.*)\.contoso\.com` ||
			r.To != "{1}.default.svc.cluster.local." || len(r.Answers) != 1 || r.Answers[0].Kind != "name" ||
			r.Answers[0].To != "{1}.contoso.com." || r.Line != 4 {
			t.Errorf("rewrite = %+v", r)
		}
		if got, ok := r.RewriteName("Web.Contoso.com"); !ok || got != "web.default.svc.cluster.local." {
			t.Errorf("RewriteName = %q %v", got, ok)
		}
	})

	t.Run("custom forward server", func(t *testing.T) {
		cfg := mustLoadAKS(t, map[string]string{"test.server": `contoso.com:53 {
    forward foo.com 1.1.1.1
}
`})
		f := plugin[*Forward](t, server(t, cfg, "contoso.com"), 0)
		if f.From != "foo.com" || f.To[0] != "1.1.1.1:53" {
			t.Errorf("forward = %+v", f)
		}
	})

	t.Run("log.override", func(t *testing.T) {
		cfg := mustLoadAKS(t, map[string]string{"log.override": "      log\n"})
		got := names(cfg.Servers[0].Plugins)
		if i := index(got, "log"); i != index(got, "errors")+1 {
			t.Errorf("plugins = %v: log should run right after errors", got)
		}
		if o := plugin[*Other](t, cfg.Servers[0], 5); o.Directive != "log" || o.Key != "log.override" {
			t.Errorf("log = %+v", o)
		}
	})

	t.Run("undo the guards override-block.server", func(t *testing.T) {
		cfg := mustLoadAKS(t, map[string]string{"override-block.server": `internal.cloudapp.net:53 {
    errors
    cache 30
    forward . /etc/resolv.conf
}
reddog.microsoft.com:53 {
    errors
    cache 30
    forward . /etc/resolv.conf
}
`})
		for _, q := range []string{"mcr.microsoft.com.myvnetid.myregion.internal.cloudapp.net", "reddog.microsoft.com"} {
			s := cfg.ServerFor(q, "53")
			if s == nil || s.Key != "override-block.server" {
				t.Fatalf("ServerFor(%s) = %+v", q, s)
			}
			for _, p := range s.Plugins {
				if p.Name() == "template" {
					t.Errorf("%s still reaches a template", q)
				}
			}
		}
	})
}

func index(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// TestImports: `import` globbing of the coredns-custom keys (coredns
// plugin/import/README.md; coredns/caddy caddyfile/parse.go doImport).
func TestImports(t *testing.T) {
	t.Run("sorted keys, only matching suffixes", func(t *testing.T) {
		cfg, errs := loadAKS(t, map[string]string{
			"b.server":        "b.com {\n  forward . 10.0.0.2\n}\n",
			"a.server":        "a.com {\n  forward . 10.0.0.1\n}\n",
			"c.server.bak":    "c.com {\n  forward . 10.0.0.3\n}\n",
			"z.override":      "log\n",
			"y.override":      "rewrite name exact a.example b.example\n",
			"x.override.save": "bogus\n",
		})
		var zones []string
		for _, s := range cfg.Servers {
			zones = append(zones, s.Zones...)
		}
		if !reflect.DeepEqual(zones, []string{"", "a.com", "b.com"}) {
			t.Errorf("zones = %q", zones)
		}
		root := cfg.Servers[0]
		if index(names(root.Plugins), "log") < 0 || index(names(root.Plugins), "rewrite") < 0 {
			t.Errorf("root plugins = %v", names(root.Plugins))
		}
		if len(errs) != 2 || !strings.Contains(errs[0].Msg, `"c.server.bak" must end in .server or .override`) ||
			errs[0].Loc != keyLoc(22) || !strings.Contains(errs[1].Msg, `"x.override.save"`) {
			t.Errorf("errs = %v", errs)
		}
	})
	t.Run("empty globs are fine", func(t *testing.T) {
		if _, errs := loadAKS(t, map[string]string{}); len(errs) > 0 {
			t.Error(errs)
		}
	})
	t.Run("literal import of a missing file", func(t *testing.T) {
		_, errs := Load(".:53 {\n  import custom/missing.override\n}\n", nil, nil, clusterLoc)
		if len(errs) != 1 || !strings.Contains(errs[0].Msg, "File to import not found: custom/missing.override (line 2 of the Corefile)") {
			t.Errorf("errs = %v", errs)
		}
	})
	t.Run("two wildcards", func(t *testing.T) {
		_, errs := Load(".:53 {\n  import custom/*.*\n}\n", nil, nil, clusterLoc)
		if len(errs) != 1 || !strings.Contains(errs[0].Msg, "may only contain one wildcard") {
			t.Errorf("errs = %v", errs)
		}
	})
	t.Run("absolute path", func(t *testing.T) {
		cfg, errs := Load(".:53 {\n  forward . /etc/resolv.conf\n}\nimport /etc/coredns/custom/*.server\n",
			map[string]string{"a.server": "a.com {\n whoami\n}\n"}, nil, clusterLoc)
		if len(errs) > 0 || len(cfg.Servers) != 2 {
			t.Errorf("servers = %d, errs = %v", len(cfg.Servers), errs)
		}
	})
	t.Run("a key importing itself", func(t *testing.T) {
		_, errs := loadAKS(t, map[string]string{"loop.server": "import /etc/coredns/custom/loop.server\n"})
		if len(errs) != 1 || !strings.Contains(errs[0].Msg, "maximum file import depth") || errs[0].Loc != keyLoc(20) {
			t.Errorf("errs = %v", errs)
		}
	})
	t.Run("a .override closing the default block", func(t *testing.T) {
		// Balanced, so CoreDNS takes it: the rest of the default block
		// (the guards) lands in the new block.
		cfg, errs := loadAKS(t, map[string]string{"hack.override": "}\nhack.local:53 {\n  forward . 10.9.9.9\n"})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		h := server(t, cfg, "hack.local")
		if got := names(h.Plugins); !reflect.DeepEqual(got, []string{"template", "template", "forward"}) {
			t.Errorf("hack.local plugins = %v", got)
		}
	})
}

// TestErrors: every problem is reported, located at the coredns-custom key
// that holds it (the cluster for the Corefile), with the line inside the
// key in the message.
func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		custom map[string]string
		want   []string // substrings, one per error, in order
		loc    []model.Location
	}{
		{
			name:   "cache again via .override (ErrOnce, README: once per Server Block)",
			custom: map[string]string{"cache.override": "cache 300\n"},
			want:   []string{"cache: this plugin can only be used once per server block (line 1 of key cache.override)"},
			loc:    []model.Location{keyLoc(20)},
		},
		{
			name:   "kubernetes again via .override",
			custom: map[string]string{"k.override": "\n\nkubernetes example.local\n"},
			want:   []string{"kubernetes: this plugin can only be used once per server block (line 3 of key k.override)"},
		},
		{
			name:   "hosts in two .override keys",
			custom: map[string]string{"a.override": "hosts {\n 10.0.0.1 a.example\n fallthrough\n}\n", "b.override": "hosts {\n 10.0.0.2 b.example\n fallthrough\n}\n"},
			want:   []string{"hosts: this plugin can only be used once per server block (line 1 of key b.override)"},
			loc:    []model.Location{keyLoc(21)},
		},
		{
			name:   "the default .:53 again in a .server key",
			custom: map[string]string{"root.server": ".:53 {\n  forward . 8.8.8.8\n}\n"},
			want:   []string{"cannot serve dns://.:53 - it is already defined (line 1 of key root.server)"},
		},
		{
			name:   "the same zone in two .server keys",
			custom: map[string]string{"a.server": "example.com {\n forward . 10.0.0.1\n}\n", "b.server": "\nexample.com:53 {\n forward . 10.0.0.2\n}\n"},
			want:   []string{"cannot serve dns://example.com.:53 - it is already defined (line 2 of key b.server)"},
		},
		{
			name:   "unknown directive",
			custom: map[string]string{"aws.server": "aws.example:53 {\n  errors\n  forwrd . 10.0.0.1\n}\n"},
			want:   []string{"Unknown directive 'forwrd' (line 3 of key aws.server)"},
		},
		{
			name:   "server block in a .override key",
			custom: map[string]string{"stub.override": "stub.example:53 {\n  forward . 10.0.0.1\n}\n"},
			want:   []string{"Unknown directive 'stub.example:53' (line 1 of key stub.override)"},
		},
		{
			name:   "unbalanced braces",
			custom: map[string]string{"a.override": "hosts {\n 10.0.0.1 a.example\n", "b.server": "b.example {\n forward . bogus\n}\n"},
			want:   []string{"coredns-custom key a.override has 1 '{' but 0 '}'", `forward: not an IP address or file "bogus" (line 2 of key b.server)`},
			loc:    []model.Location{keyLoc(20), keyLoc(21)},
		},
		{
			name:   "syntax error drops the key, the others are still checked",
			custom: map[string]string{"a.server": "a.example {\n  log }\n{\n}\n", "b.server": "b.example {\n  cache 0\n}\n"},
			want:   []string{"Unexpected '}' because no matching opening brace (line 2 of key a.server)", "cache: cache TTL can not be zero or negative: 0 (line 2 of key b.server)"},
		},
		{
			name:   "bad key name",
			custom: map[string]string{"custom.conf": "log\n"},
			want:   []string{`coredns-custom key "custom.conf" must end in .server or .override`},
		},
		{
			name:   "forward to a hostname and a bad option",
			custom: map[string]string{"f.server": "f.example {\n  forward . dns.example.com\n  forward sub.f.example 10.0.0.1 {\n    policy fastest\n  }\n}\n"},
			want:   []string{`forward: not an IP address or file "dns.example.com" (line 2 of key f.server)`, "forward: unknown policy 'fastest' (line 4 of key f.server)"},
		},
		{
			name:   "bad template regex",
			custom: map[string]string{"t.server": "t.example {\n  template IN A {\n    match \"([a-z\"\n  }\n}\n"},
			want:   []string{"template: could not parse regex: ([a-z, error parsing regexp: missing closing ]: `[a-z`"},
		},
		{
			name:   "kubernetes ttl out of range in a .server block",
			custom: map[string]string{"k.server": "k.example {\n  kubernetes k.example {\n    ttl 7200\n  }\n}\n"},
			want:   []string{"kubernetes: ttl must be in range [0, 3600]: 7200 (line 3 of key k.server)"},
		},
		{
			name:   "errors twice",
			custom: map[string]string{"e.override": "errors\n"},
			want:   []string{"errors: this plugin can only be used once per server block"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := loadAKS(t, tc.custom)
			if len(errs) != len(tc.want) {
				t.Fatalf("errors = %d, want %d:\n%v", len(errs), len(tc.want), errs)
			}
			for i, w := range tc.want {
				if !strings.Contains(errs[i].Error(), w) {
					t.Errorf("error %d = %q\nwant it to contain %q", i, errs[i].Error(), w)
				}
				if i < len(tc.loc) && errs[i].Loc != tc.loc[i] {
					t.Errorf("error %d at %v, want %v", i, errs[i].Loc, tc.loc[i])
				}
			}
		})
	}
}

// TestErrorHints: the hints point at the AKS-specific fix.
func TestErrorHints(t *testing.T) {
	_, errs := loadAKS(t, map[string]string{"cache.override": "cache 300\n", "stub.override": "stub.example:53 {\n}\n", "root.server": ".:53 {\n whoami\n}\n", "x.server": "x.example {\n  forwad . 1.1.1.1\n}\n"})
	var hints []string
	for _, e := range errs {
		hints = append(hints, e.Hint)
	}
	for _, want := range []string{"configure cache in a .server block", "put server blocks such as stub.example:53", "add plugins to it with a .override key", "did you mean forward?"} {
		found := false
		for _, h := range hints {
			found = found || strings.Contains(h, want)
		}
		if !found {
			t.Errorf("no hint contains %q: %q", want, hints)
		}
	}
}

func TestWarnings(t *testing.T) {
	cfg, errs := loadAKS(t, map[string]string{
		"h.override": "hosts {\n  example.org 10.0.0.1\n  10.0.0.2 a.example\n  fallthrough\n}\n",
		"r.override": "reload 10s\n",
		"l.server":   "log\n",
	})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := []string{
		`hosts: "example.org" is not an IP address; CoreDNS ignores the line "example.org 10.0.0.1" (line 2 of key h.override)`,
		`server block address "log" is a directive name (line 1 of key l.server)`,
		"server block for log. has no plugin that answers queries",
		"reload: only the first use in a server block counts (line 16 of the Corefile); this one is ignored (line 1 of key r.override)",
	}
	if len(cfg.Warnings) != len(want) {
		t.Fatalf("warnings:\n%v", cfg.Warnings)
	}
	for i, w := range want {
		if !strings.Contains(cfg.Warnings[i].Error(), w) {
			t.Errorf("warning %d = %q\nwant %q", i, cfg.Warnings[i].Error(), w)
		}
	}
	if h := plugin[*Hosts](t, cfg.Servers[0], 0); len(h.Entries) != 1 {
		t.Errorf("entries = %v", h.Entries)
	}
}

// TestServerFor: longest matching zone suffix wins, the root block is the
// fallback (kubernetes-dns.md §3.3; core/dnsserver/server.go ServeDNS).
func TestServerFor(t *testing.T) {
	cfg := mustLoadAKS(t, map[string]string{
		"a.server": "puglife.local:53 {\n  forward . 192.11.0.1\n}\nmy.cluster.local {\n  forward . 2.3.4.5\n}\n",
		"b.server": "abc.com sub.abc.com {\n  forward . 1.2.3.4\n}\nother.local:5353 {\n  forward . 10.0.0.1\n}\ndeep.sub.abc.com:53 {\n  forward . 10.0.0.2\n}\n",
	})
	for _, tc := range []struct {
		qname, port string
		zone        string // "-" for nil
	}{
		{"svc1.default.svc.cluster.local", "53", ""},
		{"my.cluster.local", "53", "my.cluster.local"},
		{"a.b.my.cluster.local.", "53", "my.cluster.local"},
		{"xmy.cluster.local", "53", ""},
		{"PugLife.Local.", "", "puglife.local"},
		{"www.abc.com", "53", "abc.com"},
		{"x.sub.abc.com", "53", "abc.com"},
		{"x.deep.sub.abc.com", "53", "deep.sub.abc.com"},
		{"other.local", "53", ""},
		{"other.local", "5353", "other.local"},
		{"x.com", "5353", "-"},
		{".", "53", ""},
		{"x.com", "54", "-"},
	} {
		s := cfg.ServerFor(tc.qname, tc.port)
		got := "-"
		if s != nil {
			got = s.Zones[0]
			if tc.zone == "abc.com" && !reflect.DeepEqual(s.Zones, []string{"abc.com", "sub.abc.com"}) {
				t.Errorf("abc.com block zones = %q", s.Zones)
			}
		}
		if got != tc.zone {
			t.Errorf("ServerFor(%q, %q) = %q, want %q", tc.qname, tc.port, got, tc.zone)
		}
	}
}

// TestServerAddresses: server block keys as core/dnsserver/register.go
// normalises them (transport, default port, reverse CIDRs).
func TestServerAddresses(t *testing.T) {
	cfg, errs := Load(`Example.COM. dns://b.example:1053 tls://c.example 10.0.0.0/23 {
  whoami
}
`, nil, nil, clusterLoc)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	type sv struct {
		zones           []string
		port, transport string
	}
	var got []sv
	for _, s := range cfg.Servers {
		got = append(got, sv{s.Zones, s.Port, s.Transport})
	}
	want := []sv{
		{[]string{"example.com", "0.0.10.in-addr.arpa", "1.0.10.in-addr.arpa"}, "53", "dns"},
		{[]string{"b.example"}, "1053", "dns"},
		{[]string{"c.example"}, "853", "tls"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("servers = %+v\nwant %+v", got, want)
	}
	if &cfg.Servers[0].Plugins[0] != &cfg.Servers[1].Plugins[0] {
		t.Error("blocks split by port should share their plugins")
	}
	_, errs = Load("example.com: {\n whoami\n}\n", nil, nil, clusterLoc)
	if len(errs) != 1 || !strings.Contains(errs[0].Msg, "expecting data after last colon") {
		t.Errorf("errs = %v", errs)
	}
}

func TestReverseZones(t *testing.T) {
	for in, want := range map[string][]string{
		"10.0.0.0/8":      {"10.in-addr.arpa."},
		"10.9.3.0/18":     nil, // 64 zones, first checked below
		"192.168.1.0/24":  {"1.168.192.in-addr.arpa."},
		"172.16.0.0/15":   {"16.172.in-addr.arpa.", "17.172.in-addr.arpa."},
		"fd00::/8":        {"d.f.ip6.arpa."},
		"2001:db8::/30":   {"8.b.d.0.1.0.0.2.ip6.arpa.", "9.b.d.0.1.0.0.2.ip6.arpa.", "a.b.d.0.1.0.0.2.ip6.arpa.", "b.b.d.0.1.0.0.2.ip6.arpa."},
		"0.0.0.0/0":       {"in-addr.arpa."},
		"10.0.0.9/8":      {"10.in-addr.arpa."},
		"192.168.1.77/32": {"77.1.168.192.in-addr.arpa."},
	} {
		hosts, _, err := splitHostPort(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if want == nil {
			if len(hosts) != 64 || hosts[0] != "0.9.10.in-addr.arpa." || hosts[63] != "63.9.10.in-addr.arpa." {
				t.Errorf("%s: %d zones %v…", in, len(hosts), hosts[:2])
			}
			continue
		}
		if !reflect.DeepEqual(hosts, want) {
			t.Errorf("%s = %v, want %v", in, hosts, want)
		}
	}
}

func TestFallsThrough(t *testing.T) {
	for _, tc := range []struct {
		zones []string
		name  string
		want  bool
	}{
		{nil, "a.example", false},
		{[]string{}, "a.example", true},
		{[]string{"in-addr.arpa", "ip6.arpa"}, "1.0.0.10.in-addr.arpa.", true},
		{[]string{"in-addr.arpa", "ip6.arpa"}, "svc.cluster.local", false},
		{[]string{""}, "anything", true},
	} {
		if got := FallsThrough(tc.zones, tc.name); got != tc.want {
			t.Errorf("FallsThrough(%q, %s) = %v", tc.zones, tc.name, got)
		}
	}
}

// TestDirectiveOrder: the execution order table is plugin.cfg's.
func TestDirectiveOrder(t *testing.T) {
	chain := []string{"reload", "ready", "health", "prometheus", "errors", "log", "loadbalance", "rewrite", "autopath", "cache", "template", "hosts", "k8s_external", "kubernetes", "file", "loop", "forward"}
	for i := 1; i < len(chain); i++ {
		if Order(chain[i-1]) >= Order(chain[i]) {
			t.Errorf("%s (%d) should run before %s (%d)", chain[i-1], Order(chain[i-1]), chain[i], Order(chain[i]))
		}
	}
	if Order("proxy") != -1 || len(Directives()) != 60 {
		t.Errorf("Order(proxy) = %d, %d directives", Order("proxy"), len(Directives()))
	}
	if IsHandler("health") || IsHandler("reload") || !IsHandler("log") || IsHandler("nope") {
		t.Error("IsHandler")
	}
}

// TestKubeadmDefault: the kubeadm Corefile (kubernetes-dns.md §3.1,
// kubernetes/kubernetes cmd/kubeadm/app/phases/addons/dns/manifests.go),
// whose cache no longer caches cluster.local (PR #128359).
func TestKubeadmDefault(t *testing.T) {
	cfg, errs := Load(`.:53 {
    errors
    health { lameduck 5s }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf { max_concurrent 1000 }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
`, map[string]string{"x.server": "x.example {\n forward . nowhere\n}\n"}, nil, clusterLoc)
	if len(cfg.Servers) != 1 {
		t.Fatalf("servers = %d", len(cfg.Servers))
	}
	if len(errs) != 0 {
		t.Errorf("keys are not imported without an import directive: %v", errs)
	}
	s := cfg.Servers[0]
	if f := plugin[*Forward](t, s, 0); f.MaxConcurrent != 1000 {
		t.Errorf("forward = %+v", f)
	}
	if c := plugin[*Cache](t, s, 0); !reflect.DeepEqual(c.DisableSuccess, []string{"cluster.local"}) || !reflect.DeepEqual(c.DisableDenial, []string{"cluster.local"}) {
		t.Errorf("cache = %+v", c)
	}
	if o := plugin[*Other](t, s, 2); o.Directive != "health" || !reflect.DeepEqual(o.Block, [][]string{{"lameduck", "5s"}}) {
		t.Errorf("health = %+v", o)
	}

	// A key without a known location is reported at the cluster.
	_, errs = Load(AKSDefault(), map[string]string{"x.server": "x.example {\n forward . nowhere\n}\n"}, nil, clusterLoc)
	if len(errs) != 1 || errs[0].Loc != clusterLoc || !strings.Contains(errs[0].Msg, "(line 2 of key x.server)") {
		t.Errorf("errs = %v", errs)
	}
}
