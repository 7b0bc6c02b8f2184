// Private endpoint DNS zones (Azure Commercial cloud).
//
// Source: https://learn.microsoft.com/azure/private-link/private-endpoint-dns
// (MicrosoftDocs/azure-docs articles/private-link/private-endpoint-dns.md,
// page updated 2026-05-07), sections "AI + Machine Learning" … "Web".
//
// data/azure-privatelink-zones.tsv is a byte copy of the project's
// shared/reference/azure-privatelink-zones.tsv (a test checks this): the doc's
// 94 table rows exploded to 104 rows, one per subresource (groupId), with
// multi-valued cells ", "-separated and the doc's placeholders and duplicate
// rows kept. The doc's footnotes are not in the data:
//  1. ACR's {regionName}.data.privatelink.azurecr.io is not to be deployed as
//     a separate zone; its records go into privatelink.azurecr.io.
//  2. IoT Hub's privatelink.servicebus.windows.net serves the built-in
//     Event Hub endpoint.
//  3. Web Apps' scm.privatelink.azurewebsites.net likewise lives in
//     privatelink.azurewebsites.net.

package kb

import (
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
)

//go:embed data/azure-privatelink-zones.tsv
var privateLinkTSV []byte

// PrivateLinkZone is one row of the doc's table for one subresource.
type PrivateLinkZone struct {
	Service      string // doc's service name, e.g. "Azure Key Vault"
	ResourceType string // ARM type as spelled in the doc, e.g. "Microsoft.KeyVault/vaults"
	Subresource  string // groupId as spelled in the doc, e.g. "vault"
	// PrivateZones are the recommended private DNS zone names as in the doc;
	// they may hold placeholders such as {regionName} (see Expand).
	PrivateZones []string
	// PublicForwarders are the public DNS zones that on-premises or custom DNS
	// servers conditionally forward to Azure DNS.
	PublicForwarders []string
}

const tsvHeader = "service\tresource_type\tsubresource\tprivate_zone\tpublic_forwarders"

// parsePrivateLinkTSV parses the reference TSV. It is strict (exact header,
// five non-empty fields, no blank list items) so that a hand edit of the data
// file that breaks the format fails loudly instead of dropping rows.
func parsePrivateLinkTSV(data []byte) ([]PrivateLinkZone, error) {
	text, ok := strings.CutSuffix(string(data), "\n")
	if !ok {
		return nil, fmt.Errorf("missing final newline")
	}
	lines := strings.Split(text, "\n")
	if lines[0] != tsvHeader {
		return nil, fmt.Errorf("line 1: header is %q, want %q", lines[0], tsvHeader)
	}
	rows := make([]PrivateLinkZone, 0, len(lines)-1)
	for i, line := range lines[1:] {
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("line %d: %d fields, want 5", i+2, len(f))
		}
		for j, v := range f {
			if v == "" || strings.TrimSpace(v) != v {
				return nil, fmt.Errorf("line %d: field %d is empty or padded: %q", i+2, j+1, v)
			}
		}
		zones, err := splitList(f[3])
		if err != nil {
			return nil, fmt.Errorf("line %d: private_zone: %v", i+2, err)
		}
		fwd, err := splitList(f[4])
		if err != nil {
			return nil, fmt.Errorf("line %d: public_forwarders: %v", i+2, err)
		}
		rows = append(rows, PrivateLinkZone{
			Service: f[0], ResourceType: f[1], Subresource: f[2],
			PrivateZones: zones, PublicForwarders: fwd,
		})
	}
	return rows, nil
}

func splitList(s string) ([]string, error) {
	items := strings.Split(s, ", ")
	for _, it := range items {
		if it == "" || strings.ContainsAny(it, " ,") {
			return nil, fmt.Errorf("malformed list %q", s)
		}
	}
	return items, nil
}

// privateLinkRows parses the embedded data once. The data is compiled into
// the binary, so a parse error is a programming error (a bad edit of
// data/azure-privatelink-zones.tsv), not an input error: panic.
var privateLinkRows = sync.OnceValue(func() []PrivateLinkZone {
	rows, err := parsePrivateLinkTSV(privateLinkTSV)
	if err != nil {
		panic("kb: embedded data/azure-privatelink-zones.tsv is malformed: " + err.Error())
	}
	return rows
})

// privateLinkIndex maps lower-case "type\x00subresource" and "type" to row
// numbers, so lookups over a large estate cost a map access, not a scan.
type privateLinkIndex struct {
	bySub  map[string][]int
	byType map[string][]int
}

var privateLinkIdx = sync.OnceValue(func() privateLinkIndex {
	ix := privateLinkIndex{bySub: map[string][]int{}, byType: map[string][]int{}}
	for i, r := range privateLinkRows() {
		t := strings.ToLower(r.ResourceType)
		k := t + "\x00" + strings.ToLower(r.Subresource)
		ix.bySub[k] = append(ix.bySub[k], i)
		ix.byType[t] = append(ix.byType[t], i)
	}
	return ix
})

// HasPrivateLink reports whether the table has a row for the resource type
// and subresource, without copying rows.
func HasPrivateLink(resourceType, subresource string) bool {
	return len(privateLinkIdx().bySub[strings.ToLower(resourceType)+"\x00"+strings.ToLower(subresource)]) > 0
}

// KnownResourceType reports whether the table has any row for the type.
func KnownResourceType(resourceType string) bool {
	return len(privateLinkIdx().byType[strings.ToLower(resourceType)]) > 0
}

// clone copies a row so callers cannot modify the shared table.
func (z PrivateLinkZone) clone() PrivateLinkZone {
	z.PrivateZones = slices.Clone(z.PrivateZones)
	z.PublicForwarders = slices.Clone(z.PublicForwarders)
	return z
}

// PrivateLinkZones returns all 104 rows in doc order (a fresh copy).
func PrivateLinkZones() []PrivateLinkZone {
	rows := privateLinkRows()
	out := make([]PrivateLinkZone, len(rows))
	for i, r := range rows {
		out[i] = r.clone()
	}
	return out
}

// LookupPrivateLink returns every row for a resource type and subresource,
// compared case-insensitively (ARM treats both case-insensitively, and the
// doc itself mixes cases, e.g. Microsoft.Kusto/Clusters). More than one row
// can match: the doc lists Microsoft.ServiceBus/namespaces "namespace" twice
// (identical rows) and Microsoft.Cache/RedisEnterprise "redisEnterprise" for
// both Redis Enterprise and Azure Managed Redis with different zones. Rows
// are returned in doc order; nil if none match.
func LookupPrivateLink(resourceType, subresource string) []PrivateLinkZone {
	var out []PrivateLinkZone
	rows := privateLinkRows()
	for _, i := range privateLinkIdx().bySub[strings.ToLower(resourceType)+"\x00"+strings.ToLower(subresource)] {
		out = append(out, rows[i].clone())
	}
	return out
}

// SubresourcesOf lists the distinct subresources the doc gives for a resource
// type (matched case-insensitively), in doc order, for "did you mean"
// messages; nil for an unknown type.
func SubresourcesOf(resourceType string) []string {
	var out []string
	rows := privateLinkRows()
	for _, i := range privateLinkIdx().byType[strings.ToLower(resourceType)] {
		if !slices.Contains(out, rows[i].Subresource) {
			out = append(out, rows[i].Subresource)
		}
	}
	return out
}

// ResourceTypes returns the distinct resource types of the table, sorted.
func ResourceTypes() []string {
	var out []string
	for _, r := range privateLinkRows() {
		out = append(out, r.ResourceType)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// Placeholders are the values substituted into the doc's zone and forwarder
// names. The doc's note distinguishes {regionName}, the full region name
// (e.g. "eastus"), from {regionCode}, the short geo code (e.g. "eus", "ne");
// the doc gives no table between the two, so neither is derived from the
// other here. {region} (Managed Prometheus, Redis) is a third spelling that
// the doc does not define, so it is kept separate too.
type Placeholders struct {
	RegionName  string // {regionName}, e.g. "eastus"
	RegionCode  string // {regionCode}, e.g. "eus"
	Region      string // {region}
	DNSPrefix   string // {dnsPrefix}: SQL Managed Instance DNS zone prefix
	PartitionID string // {partitionId}: Static Web Apps partition
	Subzone     string // {subzone}: AKS custom private DNS subzone
	CacheName   string // {cachename}: Redis Enterprise cache name
}

func (p Placeholders) value(name string) (string, bool) {
	switch name {
	case "regionName":
		return p.RegionName, true
	case "regionCode":
		return p.RegionCode, true
	case "region":
		return p.Region, true
	case "dnsPrefix":
		return p.DNSPrefix, true
	case "partitionId":
		return p.PartitionID, true
	case "subzone":
		return p.Subzone, true
	case "cachename":
		return p.CacheName, true
	}
	return "", false
}

// PlaceholderError reports why Expand could not expand a name.
type PlaceholderError struct {
	Name        string // the string being expanded
	Placeholder string // without braces, e.g. "regionCode"; "" for an unbalanced brace
	Unknown     bool   // Placeholder is not one Expand knows
}

func (e *PlaceholderError) Error() string {
	switch {
	case e.Unknown:
		return fmt.Sprintf("%q has unknown placeholder {%s}", e.Name, e.Placeholder)
	case e.Placeholder == "":
		return fmt.Sprintf("%q has an unbalanced brace", e.Name)
	}
	return fmt.Sprintf("%q needs {%s}", e.Name, e.Placeholder)
}

// Expand replaces {regionName}, {regionCode}, {region}, {dnsPrefix},
// {partitionId}, {subzone} and {cachename} in s (names are case-sensitive,
// as in the doc). An unknown placeholder, an empty value or an unbalanced
// brace is a *PlaceholderError naming it, e.g.
// `"privatelink.{regionCode}.backup.windowsazure.com" needs {regionCode}`.
// Values are inserted as given; Expand does not validate them as DNS labels.
func Expand(s string, p Placeholders) (string, error) {
	var b strings.Builder
	rest := s
	for {
		i := strings.IndexAny(rest, "{}")
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		j := strings.IndexByte(rest[i:], '}')
		if rest[i] == '}' || j < 0 || strings.ContainsRune(rest[i+1:i+j], '{') {
			return "", &PlaceholderError{Name: s}
		}
		name := rest[i+1 : i+j]
		v, known := p.value(name)
		if !known || v == "" {
			return "", &PlaceholderError{Name: s, Placeholder: name, Unknown: !known}
		}
		b.WriteString(rest[:i])
		b.WriteString(v)
		rest = rest[i+j+1:]
	}
}

// Zones returns the row's private zones expanded with p. Entries that need
// {subzone} are skipped when p.Subzone is empty: the AKS row lists
// privatelink.{regionName}.azmk8s.io and {subzone}.privatelink.{regionName}.azmk8s.io
// as alternative names for a custom zone, not as two zones to create.
// Errors read like `zone "privatelink.{regionCode}.backup.windowsazure.com" needs {regionCode}`.
func (z PrivateLinkZone) Zones(p Placeholders) ([]string, error) {
	return expandAll("zone", z.PrivateZones, p)
}

// Forwarders returns the row's public forwarder zones expanded with p, with
// the same {subzone} rule as Zones.
func (z PrivateLinkZone) Forwarders(p Placeholders) ([]string, error) {
	return expandAll("forwarder", z.PublicForwarders, p)
}

func expandAll(kind string, names []string, p Placeholders) ([]string, error) {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if p.Subzone == "" && strings.Contains(n, "{subzone}") {
			continue
		}
		e, err := Expand(n, p)
		if err != nil {
			return nil, fmt.Errorf("%s %w", kind, err)
		}
		out = append(out, e)
	}
	return out, nil
}
