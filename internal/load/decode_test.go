package load_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

const header = "apiVersion: aksnet.dev/v1alpha1\nkind: Topology\nmetadata:\n  name: t\n" // lines 1-4

// decodeErrors runs load.Bytes on data and returns its errors as strings,
// failing the test on a panic.
func decodeErrors(t *testing.T, data string) (*model.Topology, []string) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("load.Bytes panicked: %v", r)
		}
	}()
	topo, errs := load.Bytes(load.OSFiles{}, "t.yaml", []byte(data))
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return topo, out
}

func assertErrors(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestDecodeEmpty(t *testing.T) {
	const want = "t.yaml: the file is empty (start with apiVersion: aksnet.dev/v1alpha1, kind: Topology and metadata.name; see docs/topology.md)"
	for _, data := range []string{"", "\n", "  \n\t\n"} {
		topo, errs := decodeErrors(t, data)
		if topo != nil {
			t.Errorf("%q: got a topology", data)
		}
		assertErrors(t, errs, want)
	}
}

// TestDecodeSyntaxErrorLine: a YAML syntax error names the line that breaks
// the document. yaml.v3 reports the line of the enclosing construct (and a
// line 0 it then omits) for many errors; the loader must do better.
func TestDecodeSyntaxErrorLine(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		line       int
	}{
		{"indented key", "a: 1\nb:\n  c: 2\n   d: 3\n", 4},
		{"unclosed flow list", "a: 1\nb:\n  c: [1, 2\n  d: 3\ne: 4\n", 3},
		{"key in a list", "a: 1\nb:\n  - x: 1\n  y: 2\n", 4},
		{"tab indentation", "a: 1\nb:\n  c: 1\n\td: 2\n", 4},
		{"line 1", "a: b: c\n", 1},
		{"unknown alias", "a: &x 1\nb: *y\n", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := load.Decode("t.yaml", []byte(tc.data))
			if len(errs) != 1 {
				t.Fatalf("errors = %v, want one", errs)
			}
			e := errs[0]
			if !strings.HasPrefix(e.Msg, "YAML syntax: ") {
				t.Errorf("message = %q", e.Msg)
			}
			if e.Loc.Line != tc.line {
				t.Errorf("%v: line %d, want %d", e, e.Loc.Line, tc.line)
			}
		})
	}
}

func TestDecodeNotAMapping(t *testing.T) {
	for data, want := range map[string]string{
		"just a string\n": "t.yaml:1:1: a topology is a mapping of fields, got a value (start with apiVersion: aksnet.dev/v1alpha1)",
		"- a\n- b\n":      "t.yaml:1:1: a topology is a mapping of fields, got a list (start with apiVersion: aksnet.dev/v1alpha1)",
	} {
		_, errs := decodeErrors(t, data)
		assertErrors(t, errs, want)
	}
}

func TestDecodeDoesNotLink(t *testing.T) {
	topo, errs := load.Decode("t.yaml", []byte(header+"azure:\n  vnets:\n    - name: a\n      addressSpace: [10.0.0.0/16]\n      peerings: [{remoteVnet: nowhere}]\n"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	p := topo.Azure.VNets[0].Peerings[0]
	if p.Remote.Name != "nowhere" || p.Remote.Target != nil || p.From != nil {
		t.Errorf("peering = %+v", p)
	}
	if want := (model.Location{File: "t.yaml", Line: 9, Column: 31}); p.Remote.Loc != want {
		t.Errorf("remoteVnet Loc = %v, want %v", p.Remote.Loc, want)
	}
}

// TestDecodeAliasBomb: a "billion laughs" document, here merge keys that
// each merge ten copies of the level below, is refused quickly with one
// error instead of being expanded.
func TestDecodeAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: aksnet.dev/v1alpha1\nkind: Topology\n")
	b.WriteString("l0: &l0 {name: t}\n")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&b, "l%d: &l%d {<<: [*l%[3]d, *l%[3]d, *l%[3]d, *l%[3]d, *l%[3]d, *l%[3]d, *l%[3]d, *l%[3]d, *l%[3]d, *l%[3]d]}\n", i, i, i-1)
	}
	b.WriteString("metadata:\n  <<: *l8\n")
	start := time.Now()
	_, errs := decodeErrors(t, b.String())
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	var bomb []string
	for _, e := range errs {
		if strings.Contains(e, "alias expansions") {
			bomb = append(bomb, e)
		}
	}
	if len(bomb) != 1 || len(errs) > 20 {
		t.Errorf("got %d errors, %d about alias expansions; want one about them and a few others (the unknown fields l0…l8)", len(errs), len(bomb))
		for _, e := range errs[:min(len(errs), 12)] {
			t.Log(e)
		}
	}
}

// TestDecodeAliasExpansionLimit: aliases that do expand into elements are
// counted, and the count is bounded with a single error.
func TestDecodeAliasExpansionLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("onPrem:\n  sites:\n    - name: s\n      addressSpace: [10.0.0.0/8]\n      searchDomains: [&d corp.contoso.com")
	for i := 0; i < 10050; i++ {
		b.WriteString(", *d")
	}
	b.WriteString("]\n")
	_, errs := decodeErrors(t, b.String())
	assertErrors(t, errs, "t.yaml:9:40044: more than 10000 alias expansions (write the repeated part out, or use fewer nested aliases)")
}

func TestDecodeMergeKeys(t *testing.T) {
	const data = header + `defaults: &pool
  count: 2
  maxPods: 50
  subnet: spoke/aks
azure:
  vnets:
    - name: spoke
      addressSpace: [10.1.0.0/16]
      subnets: [{name: aks, addressPrefix: 10.1.0.0/22}]
  aksClusters:
    - name: aks1
      nodePools:
        - <<: *pool
          name: system
        - <<: *pool
          name: user
          count: 5
`
	topo, errs := decodeErrors(t, data)
	// The anchor's holder is not a topology field.
	assertErrors(t, errs, `t.yaml:5:1: unknown field "defaults" in the topology (known fields: apiVersion, kind, metadata, azure, aws, onPrem, connections, internet)`)
	if topo == nil {
		t.Fatal("no topology")
	}
	pools := topo.Azure.Clusters[0].NodePools
	if pools[0].Count != 2 || pools[0].MaxPods != 50 || pools[0].Subnet.Name != "spoke/aks" || pools[0].Name != "system" {
		t.Errorf("system pool = %+v", pools[0])
	}
	if pools[1].Count != 5 || pools[1].MaxPods != 50 || pools[1].Name != "user" {
		t.Errorf("user pool = %+v (explicit keys override merged ones)", pools[1])
	}
}

// TestDecodeMergeList: with a list of merged mappings, the first mapping
// that has a key wins (YAML merge key semantics); a key present in two
// merged mappings is not a duplicate.
func TestDecodeMergeList(t *testing.T) {
	const data = `apiVersion: aksnet.dev/v1alpha1
kind: Topology
base: &base {name: base, description: from base}
override: &override {name: override}
metadata:
  <<: [*override, *base]
`
	topo, errs := decodeErrors(t, data)
	assertErrors(t, errs,
		`t.yaml:3:1: unknown field "base" in the topology (known fields: apiVersion, kind, metadata, azure, aws, onPrem, connections, internet)`,
		`t.yaml:4:1: unknown field "override" in the topology (known fields: apiVersion, kind, metadata, azure, aws, onPrem, connections, internet)`,
	)
	if topo.Metadata.Name != "override" || topo.Metadata.Description != "from base" {
		t.Errorf("metadata = %+v", topo.Metadata)
	}
}

func TestDecodeNullOptional(t *testing.T) {
	const data = header + `azure:
  vnets:
    - name: hub
      addressSpace: [10.0.0.0/16]
      subnets: [{name: s, addressPrefix: 10.0.0.0/24}]
      peerings: ~
  vms:
    - name: vm1
      subnet: hub/s
      privateIp: 10.0.0.4
      dns: ~
aws:
  vpcs:
    - name: v
      cidrBlocks: [172.16.0.0/16]
      dhcpOptions:
`
	topo, errs := decodeErrors(t, data)
	assertErrors(t, errs)
	if topo.Azure.VMs[0].DNS != nil || topo.AWS.VPCs[0].DHCPOptions != nil || topo.Azure.VNets[0].Peerings != nil {
		t.Errorf("null optional fields were filled")
	}

	// A null string is empty, not the text "~" or "null".
	topo, errs = decodeErrors(t, header+"  description: ~\n  defaultRegion: null\n")
	assertErrors(t, errs)
	if topo.Metadata.Description != "" || topo.Metadata.DefaultRegion != "" {
		t.Errorf("description = %q, defaultRegion = %q; want both empty", topo.Metadata.Description, topo.Metadata.DefaultRegion)
	}
}

func TestDecodeBounds(t *testing.T) {
	const data = header + `azure:
  vnets:
    - name: hub
      addressSpace: []
  privateDnsZones:
    - name: contoso.internal
      records:
        - {name: a, type: A, ttl: -1, values: [10.0.0.4]}
        - {name: b, type: A, values: []}
  aksClusters:
    - name: aks1
      nodePools: []
`
	_, errs := decodeErrors(t, data)
	assertErrors(t, errs,
		"t.yaml:8:21: azure.vnets[0].addressSpace: number of items 0 is below the minimum 1",
		"t.yaml:12:35: azure.privateDnsZones[0].records[0].ttl: value -1 is below the minimum 1",
		"t.yaml:13:38: azure.privateDnsZones[0].records[1].values: number of items 0 is below the minimum 1",
		"t.yaml:16:18: azure.aksClusters[0].nodePools: number of items 0 is below the minimum 1",
	)
}

func TestDecodeScalars(t *testing.T) {
	const data = header + `azure:
  vnets:
    - name: hub
      addressSpace: [10.0.0.0/16]
      subnets:
        - name: s
          addressPrefix: 10.0.0.0/24
          natGateway: "true"
  privateDnsZones:
    - name: contoso.internal
      records:
        - {name: a, type: A, ttl: 3.5, values: [10.0.0.4]}
        - {name: b, type: A, ttl: 99999999999999999999, values: [10.0.0.5]}
        - {name: c, type: A, ttl: 0x10, values: [10.0.0.6]}
  aksClusters:
    - name: aks1
      corednsCustom:
        a.server: x
        a.server: y
      nodePools:
        - {name: p, subnet: hub/s, count: 1, vmSize: 8}
`
	topo, errs := decodeErrors(t, data)
	assertErrors(t, errs,
		`t.yaml:12:23: azure.vnets[0].subnets[0].natGateway: expected true or false, got "true" (write true without quotes: a quoted value is a string)`,
		`t.yaml:16:35: azure.privateDnsZones[0].records[0].ttl: expected a whole number, got "3.5"`,
		`t.yaml:17:35: azure.privateDnsZones[0].records[1].ttl: expected a whole number, got "99999999999999999999"`,
		`t.yaml:23:9: azure.aksClusters[0].corednsCustom: duplicate key "a.server"`,
	)
	if topo.Azure.PrivateDNSZones[0].Records[2].TTL != 16 {
		t.Errorf("ttl 0x10 = %d, want 16", topo.Azure.PrivateDNSZones[0].Records[2].TTL)
	}
	// A number where a string is expected is its text.
	if got := topo.Azure.Clusters[0].NodePools[0].VMSize; got != "8" {
		t.Errorf("vmSize = %q", got)
	}
}
