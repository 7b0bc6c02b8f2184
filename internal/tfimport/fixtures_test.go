package tfimport

import (
	"bytes"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

// sharedFixtures is the project's folder of public Terraform fixtures
// (../shared/fixtures/terraform, terraform-inputs.md §3). Outside CI a
// checkout without it skips these tests; in CI (CI=true) its absence is a
// failure, so that the tests cannot pass by not running.
func sharedFixtures(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "fixtures", "terraform")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and the shared fixtures are missing: %v", err)
		}
		t.Skipf("no shared fixtures (%v); they are required when CI=true", err)
	}
	return dir
}

// warned reports whether a warning is located at addr and says what.
func warned(est *Estate, addr, what string) bool {
	for _, w := range est.Warnings {
		if w.Loc.TFAddress == addr && strings.Contains(w.Error(), what) {
			return true
		}
	}
	return false
}

func prefixes(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

// zoneRecords renders a zone's record sets as "NAME TYPE TTL VALUE,VALUE".
func zoneRecords(z *model.Zone) []string {
	var out []string
	for _, r := range z.Records {
		out = append(out, r.Name+" "+string(r.Type)+" "+strconv.Itoa(r.TTL)+" "+strings.Join(r.Values, ","))
	}
	return out
}

// sharedExpectations says, for every shared fixture, what its import must
// hold. A fixture added to the folder without an entry here fails
// TestSharedFixtures.
var sharedExpectations = map[string]func(t *testing.T, est *Estate){
	"driftctl/aws_route53_record/terraform.tfstate": func(t *testing.T, est *Estate) {
		zs := est.Topology.Internet.Zones
		if len(zs) != 1 || zs[0].Name != "elie.ski" {
			t.Fatalf("public zones = %+v", zs)
		}
		if got := zoneRecords(zs[0]); !slices.Equal(got, []string{"test A 300 1.2.3.4"}) {
			t.Errorf("records = %v", got)
		}
		if !warned(est, "aws_route53_record.ns", "NS records are not modelled") {
			t.Errorf("the NS record is not reported: %v", est.Warnings)
		}
	},
	"driftctl/aws_route53_record_multiples/terraform.tfstate": func(t *testing.T, est *Estate) {
		zs := est.Topology.Internet.Zones
		if len(zs) != 2 || zs[0].Name != "foo-0.com" || zs[1].Name != "foo-1.com" {
			t.Fatalf("public zones = %+v", zs)
		}
		for _, z := range zs {
			want := []string{"test0 A 300 1.2.3.4", "test1 A 300 1.2.3.4", "test2 A 300 1.2.3.4", "test3 A 300 1.2.3.4"}
			if got := zoneRecords(z); !slices.Equal(got, want) {
				t.Errorf("%s records = %v", z.Name, got)
			}
		}
		// count instances keep their keys in their locations.
		if at := zs[0].Records[2].Loc.TFAddress; at != "aws_route53_record.test[2]" {
			t.Errorf("record Loc = %q", at)
		}
		if !warned(est, "aws_route53_record.ns", "NS records") {
			t.Errorf("the NS record is not reported: %v", est.Warnings)
		}
	},
	"driftctl/aws_route53_zone/terraform.tfstate": func(t *testing.T, est *Estate) {
		zs := est.Topology.Internet.Zones
		if len(zs) != 1 || zs[0].Name != "elie.ski" || len(zs[0].Records) != 0 || zs[0].Loc.TFAddress != "aws_route53_zone.elie_ski" {
			t.Fatalf("public zones = %+v", zs)
		}
		if len(est.Topology.AWS.HostedZones) != 0 {
			t.Errorf("a public zone was imported as private: %+v", est.Topology.AWS.HostedZones)
		}
	},
	"driftctl/aws_subnet/terraform.tfstate": func(t *testing.T, est *Estate) {
		// The VPCs are not in this state: every subnet is reported, none
		// is dropped silently.
		if n := len(est.Topology.AWS.VPCs); n != 0 {
			t.Errorf("%d VPCs", n)
		}
		for _, addr := range []string{"aws_default_subnet.default-a", "aws_default_subnet.default-b", "aws_default_subnet.default-c",
			"aws_subnet.subnet1", "aws_subnet.subnet2", "aws_subnet.subnet3"} {
			if !warned(est, addr, "is not in the Terraform input; the subnet is not imported") {
				t.Errorf("%s is not reported: %v", addr, est.Warnings)
			}
		}
	},
	"driftctl/aws_vpc/terraform.tfstate": func(t *testing.T, est *Estate) {
		vs := est.Topology.AWS.VPCs
		if len(vs) != 2 {
			t.Fatalf("VPCs = %+v", vs)
		}
		def, vpc := vs[0], vs[1]
		if def.Name != "default" || !slices.Equal(def.CIDRs, prefixes("172.31.0.0/16")) || !def.EnableDNSHostnames || !def.DNSSupport() || def.Region != "us-east-1" {
			t.Errorf("default VPC = %+v", def)
		}
		if vpc.Name != "vpc" || !slices.Equal(vpc.CIDRs, prefixes("10.0.0.0/16")) || vpc.EnableDNSHostnames || vpc.Loc.TFAddress != "aws_vpc.vpc" {
			t.Errorf("vpc = %+v", vpc)
		}
	},
	"driftctl/azurerm_lb/terraform.tfstate": func(t *testing.T, est *Estate) {
		if !warned(est, "azurerm_lb.example", "resource type azurerm_lb is not modelled") {
			t.Errorf("the load balancer is not reported: %v", est.Warnings)
		}
	},
	"driftctl/azurerm_network_security_group/terraform.tfstate": func(t *testing.T, est *Estate) {
		ns := est.Topology.Azure.NetworkSecurityGroups
		if len(ns) != 2 || ns[0].Name != "acceptanceTestSecurityGroup1" || ns[1].Name != "acceptanceTestSecurityGroup2" || len(ns[1].Rules) != 0 {
			t.Fatalf("NSGs = %+v", ns)
		}
		if len(ns[0].Rules) != 1 {
			t.Fatalf("rules = %+v", ns[0].Rules)
		}
		r := ns[0].Rules[0]
		if r.Name != "test123" || r.Priority != 100 || r.Direction != "Inbound" || r.Access != "Allow" || r.Protocol != "Tcp" ||
			!slices.Equal(r.SourcePrefixes, []string{"*"}) || !slices.Equal(r.DestinationPorts, []string{"*"}) {
			t.Errorf("rule = %+v", r)
		}
		if !warned(est, "azurerm_resource_group.example", "azurerm_resource_group is not modelled") {
			t.Errorf("the resource group is not reported: %v", est.Warnings)
		}
	},
	"driftctl/azurerm_private_dns_a_record/terraform.tfstate": func(t *testing.T, est *Estate) {
		recordsFixture(t, est, "azurerm_private_dns_a_record.othertestrecord", []string{"othertest A 300 10.0.180.20", "test A 300 10.0.180.17,10.0.180.20"})
	},
	"driftctl/azurerm_private_dns_aaaa_record/terraform.tfstate": func(t *testing.T, est *Estate) {
		// Addresses in their canonical form (RFC 5952), as the model compares them.
		recordsFixture(t, est, "azurerm_private_dns_aaaa_record.othertestaaaa", []string{
			"othertest AAAA 300 fd5d:70bc:930e:d008::7334,fd5d:70bc:930e:d008::7335",
			"test AAAA 300 fd5d:70bc:930e:d008::7334,fd5d:70bc:930e:d008::7335"})
	},
	"driftctl/azurerm_private_dns_cname_record/terraform.tfstate": func(t *testing.T, est *Estate) {
		recordsFixture(t, est, "azurerm_private_dns_cname_record.othertestcname", []string{"othertest CNAME 300 othertest.com", "test CNAME 300 test.com"})
	},
	"driftctl/azurerm_private_dns_mx_record/terraform.tfstate": func(t *testing.T, est *Estate) {
		recordsFixture(t, est, "azurerm_private_dns_mx_record.othertestmx", []string{
			"othertestmx MX 300 20 backupmx.thisisatestusingtf.com,10 mx.thisisatestusingtf.com",
			"testmx MX 300 30 bkpmx.thisisatestusingtf.com"})
	},
	"driftctl/azurerm_private_dns_ptr_record/terraform.tfstate": func(t *testing.T, est *Estate) {
		recordsFixture(t, est, "azurerm_private_dns_ptr_record.othertestptr", []string{
			"othertestptr PTR 300 ptr1.thisisatestusingtf.com,ptr2.thisisatestusingtf.com",
			"testptr PTR 300 ptr3.thisisatestusingtf.com"})
	},
	"driftctl/azurerm_private_dns_srv_record/terraform.tfstate": func(t *testing.T, est *Estate) {
		recordsFixture(t, est, "azurerm_private_dns_srv_record.othertestptr", []string{
			"othertestptr SRV 300 10 10 8080 srv2.thisisatestusingtf.com,1 5 8080 srv1.thisisatestusingtf.com",
			"testptr SRV 300 20 15 8080 srv3.thisisatestusingtf.com"})
	},
	"driftctl/azurerm_private_dns_txt_record/terraform.tfstate": func(t *testing.T, est *Estate) {
		recordsFixture(t, est, "azurerm_private_dns_txt_record.othertesttxt", []string{
			"othertesttxt TXT 300 this is value line 1,this is value line 2",
			"testtxt TXT 300 this is value line 3"})
	},
	"driftctl/azurerm_private_dns_zone/terraform.tfstate": func(t *testing.T, est *Estate) {
		zs := est.Topology.Azure.PrivateDNSZones
		if len(zs) != 1 || zs[0].Name != "thisisatestusingtf.com" || zs[0].ResourceGroup != "martin-dev" || zs[0].Loc.TFAddress != "azurerm_private_dns_zone.examplezone" {
			t.Fatalf("zones = %+v", zs)
		}
		if len(est.Warnings) != 0 {
			t.Errorf("warnings: %v", est.Warnings)
		}
	},
	"terraform-compliance/test_issue-158/plan.out.json": func(t *testing.T, est *Estate) {
		// terraform-aws-modules/vpc: count instances in a registry
		// module, subnets linked through local.vpc_id, which the plan does
		// not show.
		vs := est.Topology.AWS.VPCs
		if len(vs) != 1 || vs[0].Name != "my-vpc" || !slices.Equal(vs[0].CIDRs, prefixes("10.0.0.0/16")) || vs[0].Loc.TFAddress != "module.vpc.aws_vpc.this[0]" {
			t.Fatalf("VPCs = %+v", vs)
		}
		var subnets []string
		for _, s := range vs[0].Subnets {
			subnets = append(subnets, s.Name+" "+s.CIDR.String()+" "+s.AvailabilityZone)
		}
		want := []string{"my-vpc-private-eu-west-1a 10.0.1.0/24 eu-west-1a", "my-vpc-private-eu-west-1b 10.0.2.0/24 eu-west-1b",
			"my-vpc-private-eu-west-1c 10.0.3.0/24 eu-west-1c", "my-vpc-public-eu-west-1a 10.0.101.0/24 eu-west-1a",
			"my-vpc-public-eu-west-1b 10.0.102.0/24 eu-west-1b", "my-vpc-public-eu-west-1c 10.0.103.0/24 eu-west-1c"}
		if !slices.Equal(subnets, want) {
			t.Errorf("subnets = %v", subnets)
		}
		if !warned(est, "module.vpc.aws_subnet.public[1]", "local.vpc_id") {
			t.Errorf("the guessed link is not reported: %v", est.Warnings)
		}
		if !warned(est, "module.vpc.aws_nat_gateway.this[0]", "aws_nat_gateway is not modelled by aksnet; 3 instance(s) not imported") {
			t.Errorf("NAT gateways are not reported: %v", est.Warnings)
		}
	},
	"terraform-compliance/test_issue-249/plan.out.json": func(t *testing.T, est *Estate) {
		// Data sources read while planning (prior_state) describe the
		// estate too; five modules read the same VPC and zones.
		topo := est.Topology
		if len(topo.AWS.VPCs) != 1 || topo.AWS.VPCs[0].Name != "us-east-1-mybu-sandbox-vpc" || !slices.Equal(topo.AWS.VPCs[0].CIDRs, prefixes("10.107.56.0/21")) {
			t.Fatalf("VPCs = %+v", topo.AWS.VPCs)
		}
		if hz := topo.AWS.HostedZones; len(hz) != 1 || hz[0].Name != "mybusandbox.aws.mycompany.com" || len(hz[0].VPCs) != 1 || hz[0].VPCs[0].Target != topo.AWS.VPCs[0] {
			t.Errorf("private zones = %+v", hz)
		}
		if z := topo.Internet.Zones; len(z) != 1 || z[0].Name != "mybusandbox.aws.mycompany.com" {
			t.Errorf("public zones = %+v", z)
		}
		if !warned(est, "module.alb.aws_route53_record.route53", "alias records") {
			t.Errorf("the alias record is not reported: %v", est.Warnings)
		}
	},
	"terraform-compliance/test_issue-294/plan.out.json": func(t *testing.T, est *Estate) {
		topo := est.Topology
		v := model.Lookup[model.VNet](topo, "tfctagcheck-network")
		if v == nil || v.ResourceGroup != "tfctagcheck-rg" || v.Region != "northeurope" || len(v.Subnets) != 1 || v.Subnets[0].Prefix != netip.MustParsePrefix("10.0.2.0/24") {
			t.Fatalf("vnet = %+v", v)
		}
		// VMs in modules, whose NICs reach the subnet through var.vnet_subnet_id.
		var vms []string
		for _, vm := range topo.Azure.VMs {
			vms = append(vms, vm.Name+" "+vm.Subnet.Name+" "+vm.IP.String())
		}
		if !slices.Equal(vms, []string{"myvm-vmLinux-0 tfctagcheck-network/internal 10.0.2.4", "mywinvm-vmWindows-0 tfctagcheck-network/internal 10.0.2.5"}) {
			t.Errorf("VMs = %v", vms)
		}
		if !warned(est, "module.windowsservers-pass.azurerm_virtual_machine.vm-windows[0]", "assumed 10.0.2.5") {
			t.Errorf("the assumed address is not reported: %v", est.Warnings)
		}
		if n := model.Lookup[model.NSG](topo, "mywinvm-nsg"); n == nil || len(n.Rules) != 1 || n.Rules[0].DestinationPorts[0] != "3389" {
			t.Errorf("nsg = %+v", n)
		}
	},
	"terraform-compliance/test_issue-427/plan.out.json": func(t *testing.T, est *Estate) {
		if z := est.Topology.Internet.Zones; len(z) != 1 || z[0].Name != "misayu.cl" || len(z[0].Records) != 0 {
			t.Errorf("public zones = %+v", z)
		}
		if !warned(est, "aws_route53_record.sayu_cert_validation_record[0]", "known only after apply") ||
			!warned(est, "aws_route53_record.domains_alias[1]", "alias records") {
			t.Errorf("records not reported: %v", est.Warnings)
		}
	},
	"terraform-compliance/test_non_created_module_resource_parameter/plan.out.json": func(t *testing.T, est *Estate) {
		if z := est.Topology.Internet.Zones; len(z) != 1 || z[0].Name != "cc.aws.cmclabs.io" {
			t.Errorf("public zones = %+v", z)
		}
		if !warned(est, `module.apigw_test_1.module.acm_cert_regional[0].aws_route53_record.cert_validation["testapi.cc.aws.cmclabs.io"]`, "known only after apply") {
			t.Errorf("the for_each record in a counted module is not reported: %v", est.Warnings)
		}
	},
	"terraform-compliance/test_pull_330/plan.out.json": func(t *testing.T, est *Estate) {
		vs := est.Topology.AWS.VPCs
		if len(vs) != 1 || vs[0].Name != "Test" || len(vs[0].Subnets) != 1 || vs[0].Subnets[0].CIDR != netip.MustParsePrefix("10.0.1.0/24") {
			t.Fatalf("VPCs = %+v", vs)
		}
		if !warned(est, "aws_vpn_gateway.main", "aws_vpn_gateway is not modelled") || !warned(est, "aws_customer_gateway.main", "not modelled") {
			t.Errorf("VPN pieces are not reported: %v", est.Warnings)
		}
	},
}

// recordsFixture checks a driftctl record-set fixture: a state with record
// sets of a zone it does not declare, which is imported from them.
func recordsFixture(t *testing.T, est *Estate, first string, want []string) {
	t.Helper()
	zs := est.Topology.Azure.PrivateDNSZones
	if len(zs) != 1 || zs[0].Name != "thisisatestusingtf.com" || zs[0].ResourceGroup != "martin-dev" {
		t.Fatalf("zones = %+v", zs)
	}
	if got := zoneRecords(&zs[0].Zone); !slices.Equal(got, want) {
		t.Errorf("records = %v, want %v", got, want)
	}
	if !warned(est, first, "is not in the Terraform input; it is imported from this reference") {
		t.Errorf("the inferred zone is not reported: %v", est.Warnings)
	}
}

// TestSharedFixtures imports every public fixture and checks the model it
// gives, then that the topology written from it loads back identically.
func TestSharedFixtures(t *testing.T) {
	dir := sharedFixtures(t)
	var found []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".tfstate") || strings.HasSuffix(p, ".json")) {
			rel, _ := filepath.Rel(dir, p)
			found = append(found, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) == 0 {
		t.Fatal("no fixtures found")
	}
	for _, rel := range found {
		t.Run(rel, func(t *testing.T) {
			expect := sharedExpectations[rel]
			if expect == nil {
				t.Fatalf("no expectation for %s: add one to sharedExpectations", rel)
			}
			est := loadEstate(t, Sources{Terraform: []string{filepath.Join(dir, rel)}})
			expect(t, est)
			roundTrip(t, est.Topology)
		})
	}
}

// roundTrip writes a topology and loads it back: the same model.
func roundTrip(t *testing.T, topo *model.Topology) {
	t.Helper()
	out, err := load.Encode(topo, "round trip")
	if err != nil {
		t.Fatal(err)
	}
	back, errs := load.Bytes(load.OSFiles{}, "roundtrip.yaml", out)
	if len(errs) > 0 {
		t.Fatalf("the written topology does not load: %v\n%s", errs, out)
	}
	if a, b := declared(t, topo, true), declared(t, back, true); !bytes.Equal(a, b) {
		t.Errorf("the written topology loads differently:\n%s", diff(a, b))
	}
}

func TestHubSpokeRoundTrip(t *testing.T) {
	roundTrip(t, loadEstate(t, Sources{Terraform: []string{"testdata/hubspoke/plan.json"}}).Topology)
}
