package schema

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

var update = flag.Bool("update", false, "rewrite docs/schema/topology.schema.json and the generated regions of docs/topology.md")

const (
	schemaFile   = "../../docs/schema/topology.schema.json"
	docFile      = "../../docs/topology.md"
	examplesDir  = "../../examples"
	validDir     = "../../internal/load/testdata/valid"
	brokenDir    = "../../internal/load/testdata/broken"
	minimalValid = `apiVersion: aksnet.dev/v1alpha1
kind: Topology
metadata:
  name: t
`
)

// compiled is the schema as the trusted validator reads it.
func compiled(t *testing.T) *sjs.Schema {
	t.Helper()
	data, err := JSON()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := sjs.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := sjs.NewCompiler()
	if err := c.AddResource(ID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(ID)
	if err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
	return s
}

// validate checks a YAML document against the schema, as an editor would
// after converting it to JSON. The conversion refuses duplicate keys, as
// editors do. It reads YAML 1.1 scalars, though: yes, no, on and off become
// booleans, where the loader and the YAML language server (YAML 1.2) see
// strings; a fixture about them cannot carry "# schema: reject".
func validate(s *sjs.Schema, data []byte) error {
	j, err := sigsyaml.YAMLToJSONStrict(data)
	if err != nil {
		return fmt.Errorf("YAML to JSON: %w", err)
	}
	v, err := sjs.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		return err
	}
	return s.Validate(v)
}

// need skips a test whose fixtures do not exist yet, except in CI, where
// their absence is a failure.
func need(t *testing.T, what string, files []string) {
	t.Helper()
	if len(files) > 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("no %s found", what)
	}
	t.Skipf("no %s found (yet)", what)
}

func TestSchemaCompiles(t *testing.T) {
	compiled(t)
	data, err := JSON()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m["$schema"] != "https://json-schema.org/draft/2020-12/schema" || m["$id"] != ID || m["title"] != Title {
		t.Errorf("$schema, $id, title = %v, %v, %v", m["$schema"], m["$id"], m["title"])
	}
	// $defs names are plain identifiers: a generic type's reflect name
	// ("Ref[github.com/…]") would make "#/$defs/…" a broken JSON pointer.
	defs, _ := m["$defs"].(map[string]any)
	if len(defs) == 0 {
		t.Fatal("no $defs")
	}
	ident := regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	for name := range defs {
		if !ident.MatchString(name) {
			t.Errorf("$defs name %q is not a plain identifier", name)
		}
	}
	for _, gone := range []string{"Topology", "Location", "KubeObjects"} {
		if _, ok := defs[gone]; ok {
			t.Errorf("$defs has %s", gone)
		}
	}
	if strings.Contains(string(data), "Ref[") || strings.Contains(string(data), `"Loc"`) {
		t.Error("schema mentions Ref[…] or a Loc field")
	}
	// Strict like the loader: every object closes its properties.
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if v["type"] == "object" && v["properties"] != nil && v["additionalProperties"] != false {
				t.Errorf("%s: object without additionalProperties: false", path)
			}
			for k, x := range v {
				walk(path+"/"+k, x)
			}
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s/%d", path, i), x)
			}
		}
	}
	walk("#", m)
}

func TestCleanName(t *testing.T) {
	if got := cleanName(reflect.TypeFor[model.Ref[model.Subnet]]()); got != "SubnetRef" {
		t.Errorf("cleanName(Ref[Subnet]) = %q", got)
	}
	if got := cleanName(reflect.TypeFor[model.VNet]()); got != "VNet" {
		t.Errorf("cleanName(VNet) = %q", got)
	}
}

// The schema has exactly the loader's fields, flattened and named as in YAML.
func TestPropertiesAreTheLoadersFields(t *testing.T) {
	root, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	top := reflect.TypeFor[model.Topology]()
	order, _ := structure(top)
	for _, ty := range order {
		s := root
		if ty != top {
			s = root.Definitions[ty.Name()]
		}
		if s == nil {
			t.Errorf("%s: no definition", ty.Name())
			continue
		}
		var want, got []string
		for _, f := range fieldsOf(ty) {
			want = append(want, f.YAML)
		}
		for p := s.Properties.Oldest(); p != nil; p = p.Next() {
			got = append(got, p.Key)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: properties %v, loader fields %v", ty.Name(), got, want)
		}
		var req []string
		for _, f := range fieldsOf(ty) {
			if hasOption(f.Field, "required") {
				req = append(req, f.YAML)
			}
		}
		if strings.Join(s.Required, ",") != strings.Join(req, ",") {
			t.Errorf("%s: required %v, tags say %v", ty.Name(), s.Required, req)
		}
	}
	// The inlined zone's fields are the private zone's own.
	pz := root.Definitions["PrivateDNSZone"]
	if _, ok := pz.Properties.Get("records"); !ok || !contains(pz.Required, "name") {
		t.Errorf("PrivateDNSZone does not flatten Zone: required %v", pz.Required)
	}
}

func hasOption(f reflect.StructField, opt string) bool {
	for _, o := range strings.Split(f.Tag.Get("jsonschema"), ",") {
		if k, _, _ := strings.Cut(o, "="); k == opt {
			return true
		}
	}
	return false
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestEveryFieldDescribed(t *testing.T) {
	root, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	top := reflect.TypeFor[model.Topology]()
	order, _ := structure(top)
	for _, ty := range order {
		s := root
		if ty != top {
			s = root.Definitions[ty.Name()]
		}
		for p := s.Properties.Oldest(); p != nil; p = p.Next() {
			if p.Value.Description == "" {
				t.Errorf("%s.%s has no description: add jsonschema_description to the model (or, for now, an entry to extra.go)", ty.Name(), p.Key)
			}
		}
	}
}

// The tables of extra.go hold only what the tags do not say.
func TestExtraTablesNotStale(t *testing.T) {
	byKey := map[string]field{}
	order, _ := structure(reflect.TypeFor[model.Topology]())
	for _, ty := range order {
		for _, f := range fieldsOf(ty) {
			byKey[f.key()] = f
		}
	}
	for k, d := range defaults {
		f, ok := byKey[k]
		switch {
		case !ok:
			t.Errorf("extra.go: defaults[%q]: no such field", k)
		case hasOption(f.Field, "default"):
			t.Errorf("extra.go: defaults[%q]: the model now has a default= tag; remove the entry", k)
		case hasOption(f.Field, "required"):
			t.Errorf("extra.go: defaults[%q]: a required field has no default", k)
		case (d.Value == nil) == (d.Text == ""):
			t.Errorf("extra.go: defaults[%q]: set exactly one of Value and Text", k)
		}
	}
}

// Tag options that neither the loader nor the schema generator would read are
// typos that silently drop a constraint.
func TestTagOptions(t *testing.T) {
	known := map[string]reflect.Kind{
		"required": reflect.Invalid, "minimum": reflect.Int, "maximum": reflect.Int,
		"minItems": reflect.Slice, "maxItems": reflect.Slice, "pattern": reflect.String, "enum": reflect.String,
		"default": reflect.Invalid,
	}
	order, _ := structure(reflect.TypeFor[model.Topology]())
	for _, ty := range order {
		for _, f := range fieldsOf(ty) {
			tag := f.Field.Tag.Get("jsonschema")
			if tag == "" {
				continue
			}
			for _, o := range strings.Split(tag, ",") {
				k, _, _ := strings.Cut(o, "=")
				kind, ok := known[k]
				if !ok {
					t.Errorf("%s: jsonschema option %q is unknown", f.key(), o)
					continue
				}
				if kind != reflect.Invalid && f.Field.Type.Kind() != kind {
					t.Errorf("%s: jsonschema option %q does not apply to a %s", f.key(), k, f.Field.Type)
				}
			}
		}
	}
}

// The golden copy of the schema, for editors (yaml-language-server's
// `# yaml-language-server: $schema=…` or a schema association).
func TestGolden(t *testing.T) {
	got, err := JSON()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(schemaFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(schemaFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/schema -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go test ./internal/schema -update", schemaFile)
	}
}

func TestPatterns(t *testing.T) {
	ip := regexp.MustCompile(IPPattern)
	cidr := regexp.MustCompile(CIDRPattern)
	ap := regexp.MustCompile(AddrPortPattern)
	nr := regexp.MustCompile(NetworkRefPattern)
	// Whatever the loader reads, the pattern matches.
	for _, s := range []string{"10.0.0.4", "0.0.0.0", "255.255.255.255", "168.63.129.16", "::", "::1",
		"fd00::4", "2001:db8:0:0:0:0:0:1", "::ffff:10.0.0.1", "FD00:ABCD::1", "1:2:3:4:5:6:7::"} {
		if _, err := netip.ParseAddr(s); err != nil {
			t.Fatalf("bad sample %s", s)
		}
		if !ip.MatchString(s) || !ap.MatchString(s) {
			t.Errorf("IP %q does not match", s)
		}
		for _, bits := range []int{0, 8, 24, 32} {
			p := fmt.Sprintf("%s/%d", s, bits)
			if _, err := netip.ParsePrefix(p); err == nil && !cidr.MatchString(p) {
				t.Errorf("CIDR %q does not match", p)
			}
		}
	}
	for _, s := range []string{"fd00::/8", "2001:db8::/32", "::/0", "fd00::/128", "10.0.0.0/8"} {
		if !cidr.MatchString(s) {
			t.Errorf("CIDR %q does not match", s)
		}
	}
	for _, s := range []string{"10.0.0.4:53", "10.0.0.4:5353", "[fd00::1]:53", "[::1]:0"} {
		if _, err := netip.ParseAddrPort(s); err != nil {
			t.Fatalf("bad sample %s", s)
		}
		if !ap.MatchString(s) {
			t.Errorf("addr:port %q does not match", s)
		}
	}
	// What the loader refuses, the pattern refuses where a pattern can.
	for _, s := range []string{"", "10.0.0", "10.0.0.256", "010.0.0.1", "10.0.0.1/32", "host", "fe80::1%eth0", " 10.0.0.1", "10.0.0.1 "} {
		if ip.MatchString(s) {
			t.Errorf("IP pattern matches %q", s)
		}
	}
	for _, s := range []string{"10.0.0.0", "10.0.0.0/33", "10.0.0.0/08", "10.0.0/24", "10.0.0.0/", "::/129", "10.0.0.0/8/8"} {
		if cidr.MatchString(s) {
			t.Errorf("CIDR pattern matches %q", s)
		}
	}
	for _, s := range []string{"10.0.0.4:", "10.0.0.4:dns", "[10.0.0.4]:53", "[::1]", "::1:53:"} {
		if _, err := netip.ParseAddrPort(s); err == nil {
			continue
		}
		if _, err := netip.ParseAddr(s); err == nil {
			continue
		}
		if ap.MatchString(s) && s != "::1:53:" {
			t.Errorf("addr:port pattern matches %q", s)
		}
	}
	for s, ok := range map[string]bool{"site:dc1": true, "vpc:aws-prod": true, "dc1": false, "site:": false, "vnet:hub": false} {
		if nr.MatchString(s) != ok {
			t.Errorf("network ref %q: match %v", s, !ok)
		}
	}
}

// Small documents the schema must refuse, each with the loader's verdict:
// where they differ, the comment says why.
var brokenDocs = []struct {
	name, yaml    string
	loaderAccepts bool
}{
	{"unknown top-level field", minimalValid + "azur: {}\n", false},
	{"unknown nested field", minimalValid + "azure:\n  vnets:\n    - name: hub\n      adressSpace: [10.0.0.0/16]\n", false},
	{"misspelt required field", minimalValid + "azure:\n  vnets:\n    - name: hub\n      addressSpaces: [10.0.0.0/16]\n", false},
	{"missing apiVersion", "kind: Topology\nmetadata:\n  name: t\n", false},
	{"missing metadata", "apiVersion: aksnet.dev/v1alpha1\nkind: Topology\n", false},
	{"missing metadata.name", "apiVersion: aksnet.dev/v1alpha1\nkind: Topology\nmetadata:\n  description: x\n", false},
	{"missing required in list item", minimalValid + "azure:\n  vnets:\n    - name: hub\n", false},
	{"wrong apiVersion", "apiVersion: aksnet.dev/v1\nkind: Topology\nmetadata:\n  name: t\n", false},
	{"wrong kind", "apiVersion: aksnet.dev/v1alpha1\nkind: Estate\nmetadata:\n  name: t\n", false},
	{"string for integer", minimalValid + nsg("priority: high"), false},
	{"quoted integer", minimalValid + nsg(`priority: "100"`), false},
	{"integer below minimum", minimalValid + nsg("priority: 99"), false},
	{"integer above maximum", minimalValid + nsg("priority: 4097"), false},
	{"string for boolean", minimalValid + "azure:\n  vnets:\n    - name: hub\n      addressSpace: [10.0.0.0/16]\n      subnets:\n        - name: a\n          addressPrefix: 10.0.0.0/24\n          natGateway: \"true\"\n", false},
	{"scalar for list", minimalValid + "azure:\n  vnets:\n    - name: hub\n      addressSpace: 10.0.0.0/16\n", false},
	{"list for mapping", "apiVersion: aksnet.dev/v1alpha1\nkind: Topology\nmetadata:\n  - name: t\n", false},
	{"mapping for string", "apiVersion: aksnet.dev/v1alpha1\nkind: Topology\nmetadata:\n  name: {first: t}\n", false},
	{"bad enum", minimalValid + route("nextHopType: Appliance"), false},
	{"enum in the wrong case", minimalValid + route("nextHopType: virtualAppliance\n          nextHopIpAddress: 10.0.0.4"), false},
	{"CIDR length out of range", minimalValid + "azure:\n  vnets:\n    - name: hub\n      addressSpace: [10.0.0.0/33]\n", false},
	{"CIDR without length", minimalValid + "azure:\n  vnets:\n    - name: hub\n      addressSpace: [10.0.0.0]\n", false},
	{"CIDR with three octets", minimalValid + "azure:\n  vnets:\n    - name: hub\n      addressSpace: [10.0.0/24]\n", false},
	{"IP out of range", minimalValid + "onPrem:\n  sites:\n    - name: dc1\n      addressSpace: [10.0.0.0/8]\n      hosts:\n        - name: h\n          ip: 10.0.0.256\n", false},
	{"CIDR for IP", minimalValid + "onPrem:\n  sites:\n    - name: dc1\n      addressSpace: [10.0.0.0/8]\n      hosts:\n        - name: h\n          ip: 10.0.0.4/32\n", false},
	{"minItems of a CIDR list", minimalValid + "azure:\n  vnets:\n    - name: hub\n      addressSpace: []\n", false},
	{"minItems of node pools", minimalValid + "azure:\n  aksClusters:\n    - name: aks\n      nodePools: []\n", false},
	{"maxItems", minimalValid + "azure:\n  forwardingRulesets:\n    - name: r\n      outboundEndpoints: [a/b, a/c, a/d]\n", false},
	{"remote without scheme", minimalValid + "connections:\n  - name: c\n    type: vpn\n    gateway: gw\n    remote: dc1\n", false},
	{"remote with unknown scheme", minimalValid + "connections:\n  - name: c\n    type: vpn\n    gateway: gw\n    remote: vnet:hub\n", false},
	{"bad forwarder target", minimalValid + "onPrem:\n  sites:\n    - name: dc1\n      addressSpace: [10.0.0.0/8]\n      hosts:\n        - name: h\n          ip: 10.0.0.4\n          dns:\n            forwarders: [\"10.0.0.1:dns\"]\n", false},
	{"maxSurge pattern", minimalValid + pool("maxSurge: one"), false},
	{"duplicate field", minimalValid + "azure:\n  vnets:\n    - name: hub\n      name: spoke\n      addressSpace: [10.0.0.0/16]\n", false},
	{"empty reference", minimalValid + "azure:\n  gateways:\n    - name: gw\n      type: Vpn\n      vnet: \"\"\n", false},
	{"empty optional reference", minimalValid + "azure:\n  vnets:\n    - name: hub\n      addressSpace: [10.0.0.0/16]\n      subnets: [{name: a, addressPrefix: 10.0.0.0/24, routeTable: \"\"}]\n", false},
}

func nsg(line string) string {
	return "azure:\n  networkSecurityGroups:\n    - name: nsg\n      rules:\n        - name: r\n          " + line +
		"\n          direction: Inbound\n          access: Allow\n          protocol: Tcp\n          sourceAddressPrefixes: ['*']\n          destinationAddressPrefixes: ['*']\n          destinationPortRanges: ['443']\n"
}

func route(line string) string {
	return "azure:\n  routeTables:\n    - name: rt\n      routes:\n        - name: r\n          addressPrefix: 0.0.0.0/0\n          " + line + "\n"
}

func pool(line string) string {
	return "azure:\n  vnets:\n    - name: v\n      addressSpace: [10.0.0.0/16]\n      subnets:\n        - name: aks\n          addressPrefix: 10.0.0.0/22\n" +
		"  aksClusters:\n    - name: aks\n      nodePools:\n        - name: system\n          subnet: v/aks\n          count: 3\n          " + line + "\n"
}

// Documents the schema must accept, which the loader loads without error.
var validDocs = []struct{ name, yaml string }{
	{"minimal", minimalValid},
	{"empty sections", minimalValid + "azure: {}\naws: {}\nonPrem: {}\ninternet: {}\nconnections: []\n"},
	// The loader reads any scalar's text into a string field, so numbers
	// need no quotes.
	{"numbers in string fields", minimalValid + strings.Replace(nsg("priority: 100"), "['443']", "[443, 8000-8100]", 1) +
		strings.TrimPrefix(pool("maxSurge: 1\n          vmSize: Standard_D4s_v5"), "azure:\n")},
	{"IPv6 and ports", minimalValid + "onPrem:\n  sites:\n    - name: dc1\n      addressSpace: [10.0.0.0/8, 'fd00::/8']\n      dnsServers: ['fd00::53']\n" +
		"      hosts:\n        - name: h\n          ip: 10.0.0.4\n          dns:\n            forwarders: ['10.0.0.1', '10.0.0.2:5353', 'fd00::1', '[fd00::2]:53']\n"},
	{"flow style and anchors", minimalValid + "azure:\n  vnets:\n    - {name: hub, addressSpace: [10.0.0.0/16], subnets: [{name: a, addressPrefix: 10.0.0.0/24}]}\n"},
}

func TestInlineDocuments(t *testing.T) {
	s := compiled(t)
	for _, d := range validDocs {
		if err := validate(s, []byte(d.yaml)); err != nil {
			t.Errorf("valid %q: schema refuses it: %v", d.name, err)
		}
		if _, errs := load.Bytes(load.FSFiles{FS: fstest.MapFS{}}, "t.yaml", []byte(d.yaml)); len(errs) > 0 {
			t.Errorf("valid %q: loader refuses it: %v", d.name, errs)
		}
	}
	for _, d := range brokenDocs {
		if err := validate(s, []byte(d.yaml)); err == nil {
			t.Errorf("broken %q: schema accepts it", d.name)
		}
		_, errs := load.Bytes(load.FSFiles{FS: fstest.MapFS{}}, "t.yaml", []byte(d.yaml))
		if d.loaderAccepts {
			// Only reference errors may remain (the document is otherwise
			// minimal): the decoder itself let it through.
			if _, derrs := load.Decode("t.yaml", []byte(d.yaml)); len(derrs) > 0 {
				t.Errorf("broken %q: the loader now refuses it (%v): set loaderAccepts false", d.name, derrs)
			}
		} else if len(errs) == 0 {
			t.Errorf("broken %q: the loader accepts it but the schema refuses it", d.name)
		}
	}
}

func yamlFiles(t *testing.T, dir string, match func(name string) bool) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && match(d.Name()) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestExamples(t *testing.T) {
	files := yamlFiles(t, examplesDir, func(n string) bool {
		return n == "topology.yaml" || strings.HasSuffix(n, ".topology.yaml")
	})
	need(t, "topology files under examples/", files)
	s := compiled(t)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate(s, data); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestValidFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(validDir, "*.yaml"))
	need(t, "valid loader fixtures", files)
	s := compiled(t)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate(s, data); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

var schemaVerdict = regexp.MustCompile(`^#\s*schema:\s*(\S+)\s*$`)

// verdict reads "# schema: reject" or "# schema: accept" from the comment
// block that opens a file (blank lines may precede it); "" when there is none.
func verdict(data []byte) (string, error) {
	started := false
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			if started {
				break
			}
			continue
		}
		if !strings.HasPrefix(line, "#") {
			break
		}
		started = true
		if m := schemaVerdict.FindStringSubmatch(line); m != nil {
			if m[1] != "reject" && m[1] != "accept" {
				return "", fmt.Errorf("%q: write # schema: reject or # schema: accept", line)
			}
			return m[1], nil
		}
	}
	return "", nil
}

// Broken loader fixtures say whether the schema refuses them too: a
// structural error (unknown field, wrong type, bad CIDR) is a schema error; a
// semantic one (an IP outside its subnet, a dangling name) is not.
func TestBrokenFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(brokenDir, "*.yaml"))
	need(t, "broken loader fixtures", files)
	s := compiled(t)
	marked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		v, err := verdict(data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if v == "" {
			continue
		}
		marked++
		err = validate(s, data)
		switch {
		case v == "reject" && err == nil:
			t.Errorf("%s: marked schema: reject, but the schema accepts it", f)
		case v == "accept" && err != nil:
			t.Errorf("%s: marked schema: accept, but the schema refuses it: %v", f, err)
		}
	}
	t.Logf("%d of %d broken fixtures carry a schema verdict", marked, len(files))
}

func TestVerdict(t *testing.T) {
	for in, want := range map[string]string{
		"# title\n# schema: reject\napiVersion: x\n":     "reject",
		"\n# title\n#schema:accept\n":                    "accept",
		"# title\napiVersion: x\n# schema: reject\n":     "",
		"apiVersion: x\n":                                "",
		"# title\n# want: 1:1: x\n# schema:   reject \n": "reject",
	} {
		got, err := verdict([]byte(in))
		if err != nil || got != want {
			t.Errorf("verdict(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := verdict([]byte("# schema: refuse\n")); err == nil {
		t.Error("a misspelt verdict is not reported")
	}
}
