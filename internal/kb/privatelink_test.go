package kb

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

// sharedTSV is the reference copy the embedded data must match byte for byte.
const sharedTSV = "../../../shared/reference/azure-privatelink-zones.tsv"

func TestEmbeddedTSVMatchesSharedReference(t *testing.T) {
	want, err := os.ReadFile(sharedTSV)
	if errors.Is(err, os.ErrNotExist) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing in CI", sharedTSV)
		}
		t.Skipf("%s not present; skipping byte comparison", sharedTSV)
	}
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(privateLinkTSV, want) {
		t.Fatalf("internal/kb/data/azure-privatelink-zones.tsv differs from %s: copy it again (cp, not an editor)", sharedTSV)
	}
}

func TestPrivateLinkZonesCount(t *testing.T) {
	rows := PrivateLinkZones()
	if len(rows) != 104 {
		t.Fatalf("got %d rows, want 104 (shared/reference/README.md)", len(rows))
	}
	// Doc order: first and last rows of the table.
	if rows[0].Subresource != "amlworkspace" || rows[103].Subresource != "webpubsub" {
		t.Errorf("order: first %q, last %q", rows[0].Subresource, rows[103].Subresource)
	}
	// azure-aws-dns.md §3: "92 distinct private-zone strings".
	distinct := map[string]bool{}
	for _, r := range rows {
		for _, z := range r.PrivateZones {
			distinct[z] = true
		}
	}
	if len(distinct) != 92 {
		t.Errorf("%d distinct private zone strings, want 92", len(distinct))
	}
}

func TestPrivateLinkZonesReturnsCopies(t *testing.T) {
	PrivateLinkZones()[0].PrivateZones[0] = "mutated"
	LookupPrivateLink("Microsoft.KeyVault/vaults", "vault")[0].PrivateZones[0] = "mutated"
	if got := PrivateLinkZones()[0].PrivateZones[0]; got != "privatelink.api.azureml.ms" {
		t.Errorf("shared table was modified: %q", got)
	}
	if got := LookupPrivateLink("Microsoft.KeyVault/vaults", "vault")[0].PrivateZones[0]; got != "privatelink.vaultcore.azure.net" {
		t.Errorf("shared table was modified: %q", got)
	}
}

func TestLookupPrivateLink(t *testing.T) {
	tests := []struct {
		typ, sub   string
		service    string
		zones, fwd []string
	}{
		{"Microsoft.DBforPostgreSQL/flexibleServers", "postgresqlServer", "Azure Database for PostgreSQL - Flexible server",
			[]string{"privatelink.postgres.database.azure.com"}, []string{"postgres.database.azure.com"}},
		{"Microsoft.KeyVault/vaults", "vault", "Azure Key Vault",
			[]string{"privatelink.vaultcore.azure.net"}, []string{"vault.azure.net", "vaultcore.azure.net"}},
		{"Microsoft.Storage/storageAccounts", "blob", "Storage account",
			[]string{"privatelink.blob.core.windows.net"}, []string{"blob.core.windows.net"}},
		{"Microsoft.ContainerRegistry/registries", "registry", "Azure Container Registry",
			[]string{"privatelink.azurecr.io", "{regionName}.data.privatelink.azurecr.io"}, []string{"azurecr.io", "{regionName}.data.azurecr.io"}},
		{"Microsoft.ContainerService/managedClusters", "management", "Azure Kubernetes Service - Kubernetes API",
			[]string{"privatelink.{regionName}.azmk8s.io", "{subzone}.privatelink.{regionName}.azmk8s.io"}, []string{"{regionName}.azmk8s.io"}},
		// Case-insensitive: doc spells it Microsoft.Kusto/Clusters.
		{"microsoft.kusto/clusters", "CLUSTER", "Azure Data Explorer",
			[]string{"privatelink.{regionName}.kusto.windows.net", "privatelink.blob.core.windows.net", "privatelink.queue.core.windows.net", "privatelink.table.core.windows.net"},
			[]string{"{regionName}.kusto.windows.net", "blob.core.windows.net", "queue.core.windows.net", "table.core.windows.net"}},
		{"MICROSOFT.KEYVAULT/VAULTS", "Vault", "Azure Key Vault",
			[]string{"privatelink.vaultcore.azure.net"}, []string{"vault.azure.net", "vaultcore.azure.net"}},
	}
	for _, tt := range tests {
		got := LookupPrivateLink(tt.typ, tt.sub)
		if len(got) != 1 {
			t.Errorf("%s %s: %d rows, want 1", tt.typ, tt.sub, len(got))
			continue
		}
		r := got[0]
		if r.Service != tt.service || !slices.Equal(r.PrivateZones, tt.zones) || !slices.Equal(r.PublicForwarders, tt.fwd) {
			t.Errorf("%s %s: got %+v", tt.typ, tt.sub, r)
		}
	}
	if got := LookupPrivateLink("Microsoft.DBforPostgreSQL/flexibleServers", "postgresql"); got != nil {
		t.Errorf("wrong subresource matched: %+v", got)
	}
	if got := LookupPrivateLink("Microsoft.Nope/things", "x"); got != nil {
		t.Errorf("unknown type matched: %+v", got)
	}
}

func TestLookupPrivateLinkDuplicates(t *testing.T) {
	// Same key, two services, different zones, doc order (azure-aws-dns.md §3).
	got := LookupPrivateLink("Microsoft.Cache/RedisEnterprise", "redisEnterprise")
	if len(got) != 2 {
		t.Fatalf("RedisEnterprise: %d rows, want 2", len(got))
	}
	if got[0].Service != "Azure Cache for Redis Enterprise" || got[0].PrivateZones[0] != "privatelink.redisenterprise.cache.azure.net" ||
		got[0].PublicForwarders[0] != "{cachename}.{region}.redisenterprise.cache.azure.net" {
		t.Errorf("first row: %+v", got[0])
	}
	if got[1].Service != "Azure Managed Redis" || got[1].PrivateZones[0] != "privatelink.redis.azure.net" ||
		got[1].PublicForwarders[0] != "{region}.redis.azure.net" {
		t.Errorf("second row: %+v", got[1])
	}
	// Service Bus "namespace" is listed twice, identically (Analytics and Integration).
	sb := LookupPrivateLink("Microsoft.ServiceBus/namespaces", "namespace")
	if len(sb) != 2 || sb[0].Service != sb[1].Service || !slices.Equal(sb[0].PrivateZones, sb[1].PrivateZones) {
		t.Errorf("Service Bus: %+v", sb)
	}
}

func TestSubresourcesOf(t *testing.T) {
	got := SubresourcesOf("microsoft.storage/storageaccounts")
	want := []string{"blob", "blob_secondary", "table", "table_secondary", "queue", "queue_secondary", "file", "web", "web_secondary", "dfs", "dfs_secondary"}
	if !slices.Equal(got, want) {
		t.Errorf("storage: %v", got)
	}
	// Duplicated rows yield one subresource.
	if got := SubresourcesOf("Microsoft.ServiceBus/namespaces"); !slices.Equal(got, []string{"namespace"}) {
		t.Errorf("service bus: %v", got)
	}
	if got := SubresourcesOf("Microsoft.RecoveryServices/vaults"); !slices.Equal(got, []string{"AzureBackup", "AzureBackup_secondary", "AzureSiteRecovery"}) {
		t.Errorf("recovery services: %v", got)
	}
	if got := SubresourcesOf("Microsoft.Nope/things"); got != nil {
		t.Errorf("unknown: %v", got)
	}
}

func TestResourceTypes(t *testing.T) {
	got := ResourceTypes()
	if !slices.IsSorted(got) {
		t.Error("not sorted")
	}
	seen := map[string]bool{}
	for _, typ := range got {
		k := strings.ToLower(typ)
		if seen[k] {
			t.Errorf("duplicate (case-insensitively): %s", typ)
		}
		seen[k] = true
	}
	for _, r := range PrivateLinkZones() {
		if _, ok := slices.BinarySearch(got, r.ResourceType); !ok {
			t.Errorf("missing %s", r.ResourceType)
		}
	}
	if !slices.Contains(got, "Microsoft.ContainerService/managedClusters") {
		t.Error("AKS missing")
	}
}

func TestExpand(t *testing.T) {
	p := Placeholders{RegionName: "eastus", RegionCode: "eus", Region: "westeurope", DNSPrefix: "abc123",
		PartitionID: "3", Subzone: "team1", CacheName: "mycache"}
	tests := []struct{ in, want string }{
		{"privatelink.{regionName}.azmk8s.io", "privatelink.eastus.azmk8s.io"},
		{"privatelink.{regionCode}.backup.windowsazure.com", "privatelink.eus.backup.windowsazure.com"},
		{"privatelink.{region}.prometheus.monitor.azure.com", "privatelink.westeurope.prometheus.monitor.azure.com"},
		{"privatelink.{dnsPrefix}.database.windows.net", "privatelink.abc123.database.windows.net"},
		{"privatelink.{partitionId}.azurestaticapps.net", "privatelink.3.azurestaticapps.net"},
		{"{subzone}.privatelink.{regionName}.azmk8s.io", "team1.privatelink.eastus.azmk8s.io"},
		{"{cachename}.{region}.redisenterprise.cache.azure.net", "mycache.westeurope.redisenterprise.cache.azure.net"},
		{"privatelink.blob.core.windows.net", "privatelink.blob.core.windows.net"},
	}
	for _, tt := range tests {
		got, err := Expand(tt.in, p)
		if err != nil || got != tt.want {
			t.Errorf("Expand(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestExpandErrors(t *testing.T) {
	p := Placeholders{RegionName: "eastus"}
	tests := []struct {
		in, msg     string
		placeholder string
		unknown     bool
	}{
		{"privatelink.{regionCode}.backup.windowsazure.com", `"privatelink.{regionCode}.backup.windowsazure.com" needs {regionCode}`, "regionCode", false},
		{"{cachename}.{region}.redisenterprise.cache.azure.net", `"{cachename}.{region}.redisenterprise.cache.azure.net" needs {cachename}`, "cachename", false},
		// Placeholders are case-sensitive, as in the doc.
		{"privatelink.{RegionName}.x", `"privatelink.{RegionName}.x" has unknown placeholder {RegionName}`, "RegionName", true},
		{"{instanceName}.x", `"{instanceName}.x" has unknown placeholder {instanceName}`, "instanceName", true},
		{"a.{}.b", `"a.{}.b" has unknown placeholder {}`, "", true},
		{"a.{regionName.b", `"a.{regionName.b" has an unbalanced brace`, "", false},
		{"a.regionName}.b", `"a.regionName}.b" has an unbalanced brace`, "", false},
		{"a.{{regionName}.b", `"a.{{regionName}.b" has an unbalanced brace`, "", false},
	}
	for _, tt := range tests {
		got, err := Expand(tt.in, p)
		var pe *PlaceholderError
		if !errors.As(err, &pe) {
			t.Errorf("Expand(%q) = %q, %v; want *PlaceholderError", tt.in, got, err)
			continue
		}
		if err.Error() != tt.msg || pe.Placeholder != tt.placeholder || pe.Unknown != tt.unknown || pe.Name != tt.in {
			t.Errorf("Expand(%q) error = %q %+v; want %q", tt.in, err, pe, tt.msg)
		}
	}
}

func TestZonesAndForwarders(t *testing.T) {
	one := func(typ, sub string) PrivateLinkZone {
		t.Helper()
		rows := LookupPrivateLink(typ, sub)
		if len(rows) != 1 {
			t.Fatalf("%s %s: %d rows", typ, sub, len(rows))
		}
		return rows[0]
	}
	aks := one("Microsoft.ContainerService/managedClusters", "management")

	// Without a subzone the {subzone} alternative is skipped, not an error.
	z, err := aks.Zones(Placeholders{RegionName: "eastus"})
	if err != nil || !slices.Equal(z, []string{"privatelink.eastus.azmk8s.io"}) {
		t.Errorf("AKS zones = %v, %v", z, err)
	}
	z, err = aks.Zones(Placeholders{RegionName: "eastus", Subzone: "team1"})
	if err != nil || !slices.Equal(z, []string{"privatelink.eastus.azmk8s.io", "team1.privatelink.eastus.azmk8s.io"}) {
		t.Errorf("AKS zones with subzone = %v, %v", z, err)
	}
	f, err := aks.Forwarders(Placeholders{RegionName: "eastus"})
	if err != nil || !slices.Equal(f, []string{"eastus.azmk8s.io"}) {
		t.Errorf("AKS forwarders = %v, %v", f, err)
	}

	// {regionName} vs {regionCode}: RegionName alone does not satisfy Backup.
	backup := one("Microsoft.RecoveryServices/vaults", "AzureBackup")
	_, err = backup.Zones(Placeholders{RegionName: "eastus"})
	if err == nil || err.Error() != `zone "privatelink.{regionCode}.backup.windowsazure.com" needs {regionCode}` {
		t.Errorf("backup zones error = %v", err)
	}
	var pe *PlaceholderError
	if !errors.As(err, &pe) || pe.Placeholder != "regionCode" {
		t.Errorf("backup error does not unwrap to *PlaceholderError: %v", err)
	}
	z, err = backup.Zones(Placeholders{RegionCode: "eus"})
	if err != nil || !slices.Equal(z, []string{"privatelink.eus.backup.windowsazure.com", "privatelink.blob.core.windows.net", "privatelink.queue.core.windows.net"}) {
		t.Errorf("backup zones = %v, %v", z, err)
	}

	// Placeholder only in the forwarder: zones need nothing, forwarders do.
	batch := one("Microsoft.Batch/batchAccounts", "batchAccount")
	if z, err := batch.Zones(Placeholders{}); err != nil || !slices.Equal(z, []string{"privatelink.batch.azure.com"}) {
		t.Errorf("batch zones = %v, %v", z, err)
	}
	if _, err := batch.Forwarders(Placeholders{}); err == nil || err.Error() != `forwarder "{regionName}.batch.azure.com" needs {regionName}` {
		t.Errorf("batch forwarders error = %v", err)
	}

	// Every row expands when all values are given, leaving no braces.
	all := Placeholders{RegionName: "eastus", RegionCode: "eus", Region: "eastus", DNSPrefix: "p", PartitionID: "1", Subzone: "s", CacheName: "c"}
	for _, r := range PrivateLinkZones() {
		z, err1 := r.Zones(all)
		f, err2 := r.Forwarders(all)
		if err1 != nil || err2 != nil || len(z) != len(r.PrivateZones) || len(f) != len(r.PublicForwarders) {
			t.Errorf("%s %s: %v %v %v %v", r.ResourceType, r.Subresource, z, f, err1, err2)
		}
		for _, n := range append(z, f...) {
			if strings.ContainsAny(n, "{}") {
				t.Errorf("%s %s: unexpanded %q", r.ResourceType, r.Subresource, n)
			}
		}
	}
}

func TestParsePrivateLinkTSVRejectsMalformed(t *testing.T) {
	h := tsvHeader + "\n"
	for name, in := range map[string]string{
		"no final newline": h + "s\tt\tsub\tz\tf",
		"bad header":       "service\tresource_type\n",
		"four fields":      h + "s\tt\tsub\tz\n",
		"empty field":      h + "s\tt\t\tz\tf\n",
		"padded field":     h + "s\tt\tsub \tz\tf\n",
		"bad list":         h + "s\tt\tsub\ta,b\tf\n",
		"empty list item":  h + "s\tt\tsub\ta, \tf\n",
		"blank line":       h + "s\tt\tsub\tz\tf\n\n",
	} {
		if _, err := parsePrivateLinkTSV([]byte(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	rows, err := parsePrivateLinkTSV([]byte(h + "s\tt\tsub\ta, b\tf\n"))
	if err != nil || len(rows) != 1 || !slices.Equal(rows[0].PrivateZones, []string{"a", "b"}) {
		t.Errorf("valid input: %+v, %v", rows, err)
	}
}
