package corefile

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/coredns/caddy/caddyfile"
)

// TestParseMatchesCaddyfile checks the port of caddyfile/parse.go against
// the real thing: the same Corefile and keys written to disk and parsed by
// caddyfile.Parse (which imports from the file system) must give the same
// server blocks, and per directive the same tokens (text, file, line).
func TestParseMatchesCaddyfile(t *testing.T) {
	for _, tc := range []struct {
		name     string
		corefile string
		custom   map[string]string
	}{
		{"AKS default with keys", AKSDefault(), map[string]string{
			"puglife.server": "puglife.local:53 {\n    errors\n    cache 30\n    forward . 192.11.0.1  # comment\n}\n",
			"stub.server":    "abc.com:53 {\n errors\n cache 30\n forward . 1.2.3.4\n}\nmy.cluster.local:53 {\n    errors\n    forward . 2.3.4.5 {\n      policy sequential\n    }\n}\n",
			"hosts.override": "hosts { \n    10.0.0.1 example1.org\n    fallthrough\n}\n",
			"log.override":   "log\nrewrite stop {\n  name regex (.*)\\.contoso\\.com {1}.default.svc.cluster.local\n  answer name (.*)\\.default\\.svc\\.cluster\\.local {1}.contoso.com\n}\n",
		}},
		{"addresses, commas, single-server, snippets", `(common) {
    errors
    cache 30
}
a.example, b.example,
    c.example:1053 {
    import common
    forward . 10.0.0.1
}
import custom/*.server
`, map[string]string{
			"x.server": "x.example {\n import common\n template IN A {\n   answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n }\n}\n",
		}},
		{"single server without braces", "example.org\nforward . 1.1.1.1\nlog\n", nil},
		{"multiline quoted token", ".:53 {\n  template IN TXT {\n    answer \"{{ .Name }} 60 IN TXT \\\"a\nb\\\"\"\n  }\n  log\n}\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "custom"), 0o755); err != nil {
				t.Fatal(err)
			}
			coreFile := filepath.Join(dir, "Corefile")
			if err := os.WriteFile(coreFile, []byte(tc.corefile), 0o644); err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.custom {
				if err := os.WriteFile(filepath.Join(dir, "custom", k), []byte(v), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := caddyfile.Parse(coreFile, strings.NewReader(tc.corefile), Directives())
			if err != nil {
				t.Fatal(err)
			}
			fileName := func(f string) string {
				if f == "" || f == corefilePath {
					return "Corefile"
				}
				return filepath.Base(f)
			}

			fs := newVFS()
			fs.add(corefilePath, tc.corefile)
			for k, v := range tc.custom {
				fs.add(customDir+"/"+k, v)
			}
			p := newParser(fs, corefilePath)
			got, perr := p.parseAll()
			if perr != nil || len(p.unknown) > 0 {
				t.Fatalf("parse: %v %v", perr, p.unknown)
			}
			if len(got) != len(want) {
				t.Fatalf("blocks = %d, caddyfile %d", len(got), len(want))
			}
			type tok struct {
				File, Text string
				Line       int
			}
			for i := range want {
				var keys []string
				for _, k := range got[i].keys {
					keys = append(keys, k.Text)
				}
				if !reflect.DeepEqual(keys, want[i].Keys) {
					t.Errorf("block %d keys = %q, caddyfile %q", i, keys, want[i].Keys)
				}
				g, w := map[string][]tok{}, map[string][]tok{}
				for _, d := range got[i].dirs {
					for _, x := range d.toks {
						g[d.name] = append(g[d.name], tok{fileName(x.File), x.Text, x.Line})
					}
				}
				for name, toks := range want[i].Tokens {
					for _, x := range toks {
						w[name] = append(w[name], tok{fileName(x.File), x.Text, x.Line})
					}
				}
				if !reflect.DeepEqual(g, w) {
					t.Errorf("block %d tokens differ:\n got %v\nwant %v", i, g, w)
				}
			}
		})
	}
}

// TestParseErrorsMatchCaddyfile: the port fails where caddyfile.Parse
// fails, with the same message.
func TestParseErrorsMatchCaddyfile(t *testing.T) {
	for _, in := range []string{
		"a.example {\n  log }\n}\n",
		"a.example {\n  hosts {\n",
		"a.example, {\n log\n}\n",
		"a.example {\n import\n}\n",
		"a.example {\n import a b\n}\n",
		"(snip) {\n log\n}\n(snip) {\n errors\n}\n",
		"a.example {\n log\n",
	} {
		_, werr := caddyfile.Parse("Corefile", strings.NewReader(in), nil)
		fs := newVFS()
		fs.add(corefilePath, in)
		_, gerr := newParser(fs, corefilePath).parseAll()
		if werr == nil || gerr == nil {
			t.Errorf("%q: caddyfile %v, port %v", in, werr, gerr)
			continue
		}
		if !strings.HasSuffix(werr.Error(), gerr.msg) {
			t.Errorf("%q:\ncaddyfile %v\n     port %v", in, werr, gerr.msg)
		}
	}
}
