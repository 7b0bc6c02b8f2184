package check

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

// The arithmetic of the rules against the worked examples of the sources
// (aks-constraints.md §1.5, §2.3 and §6 "Suggested planner cross-checks"),
// at the boundaries: one node less passes, one more fails.

// checkFiles loads a topology (t.yaml, with any manifests) from memory and
// runs the named rules at now.
func checkFiles(t *testing.T, now time.Time, files map[string]string, ids ...string) []Finding {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	topo, errs := load.Topology(load.FSFiles{FS: fsys}, "t.yaml")
	if len(errs) > 0 {
		t.Fatalf("the test topology does not load:\n%v\n%s", errs, files["t.yaml"])
	}
	rules, err := Select(ids)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(topo, Options{Rules: rules, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings
}

func checkYAML(t *testing.T, topology string, ids ...string) []Finding {
	t.Helper()
	return checkFiles(t, exampleNow, map[string]string{"t.yaml": topology}, ids...)
}

// clusterYAML is one VNet with a node subnet and a cluster; network and
// pools are written under the cluster.
func clusterYAML(subnet, network, pools string) string {
	return fmt.Sprintf(`apiVersion: aksnet.dev/v1alpha1
kind: Topology
metadata: {name: t, defaultRegion: westeurope}
azure:
  vnets:
    - name: spoke
      addressSpace: [10.1.0.0/16, 10.200.0.0/16]
      subnets:
        - {name: nodes, addressPrefix: %s}
  aksClusters:
    - name: aks
      serviceCidr: 10.100.0.0/16
      dnsServiceIp: 10.100.0.10
%s      nodePools:
%s`, subnet, network, pools)
}

func messages(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s %s: %s\n", f.Rule.ID, f.Severity, f.Message)
	}
	return b.String()
}

func TestSubnetCapacityVectors(t *testing.T) {
	legacy := "      networkPlugin: azure\n"
	kubenet := "      networkPlugin: kubenet\n      podCidr: 10.240.0.0/14\n"
	for _, c := range []struct {
		name, subnet, network, pool string
		need                        int // 0: fits
	}{
		// "50 nodes, P=30, S=1 → (51)+(51·30)=1,581 → /21 or larger"
		{"50 nodes P30 in /21", "10.1.0.0/21", legacy, "{name: p, subnet: spoke/nodes, count: 50, maxPods: 30}", 0},
		{"50 nodes P30 in /22", "10.1.0.0/22", legacy, "{name: p, subnet: spoke/nodes, count: 50, maxPods: 30}", 1581},
		// "50 nodes + 10 scale-out, S=1, P=30 → 1,891 → /21"
		{"60 max P30 in /22", "10.1.0.0/22", legacy, "{name: p, subnet: spoke/nodes, count: 50, minCount: 50, maxCount: 60, maxPods: 30}", 1891},
		{"60 max P30 in /21", "10.1.0.0/21", legacy, "{name: p, subnet: spoke/nodes, count: 50, minCount: 50, maxCount: 60, maxPods: 30}", 0},
		// "/24 subnet, legacy CNI, P=30: 8 nodes (8·31=248 ≤ 251)" — with
		// the default surge of 1, seven nodes; without surge, eight.
		{"/24 legacy 7+1", "10.1.0.0/24", legacy, "{name: p, subnet: spoke/nodes, count: 7}", 0},
		{"/24 legacy 8+1", "10.1.0.0/24", legacy, "{name: p, subnet: spoke/nodes, count: 8}", 279},
		{"/24 legacy 8+0", "10.1.0.0/24", legacy, "{name: p, subnet: spoke/nodes, count: 8, maxSurge: \"0\"}", 0},
		// "/24 subnet, kubenet: 251 nodes"
		{"/24 kubenet 250+1", "10.1.0.0/24", kubenet, "{name: p, subnet: spoke/nodes, count: 250}", 0},
		{"/24 kubenet 251+1", "10.1.0.0/24", kubenet, "{name: p, subnet: spoke/nodes, count: 251}", 252},
		// Overlay: one address per node; a percentage surge rounds up
		// (33% of 20 is 7).
		{"overlay 20+7 in /27", "10.1.0.0/27", "", "{name: p, subnet: spoke/nodes, count: 20, maxSurge: \"33%\"}", 0},
		{"overlay 21+7 in /27", "10.1.0.0/27", "", "{name: p, subnet: spoke/nodes, count: 21, maxSurge: \"33%\"}", 28},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := checkYAML(t, clusterYAML(c.subnet, c.network, "        - "+c.pool+"\n"), "NET011")
			switch {
			case c.need == 0 && len(fs) > 0:
				t.Errorf("unexpected finding:\n%s", messages(fs))
			case c.need > 0 && (len(fs) != 1 || !strings.Contains(fs[0].Message, fmt.Sprintf("needs %d ", c.need))):
				t.Errorf("want one finding that needs %d, got:\n%s", c.need, messages(fs))
			}
		})
	}
}

// Other users of a node subnet count: a private endpoint with a second IP
// configuration takes two addresses.
func TestSubnetCapacityCountsEndpoints(t *testing.T) {
	topo := func(members string) string {
		return `apiVersion: aksnet.dev/v1alpha1
kind: Topology
metadata: {name: t, defaultRegion: westeurope}
azure:
  vnets:
    - name: spoke
      addressSpace: [10.1.0.0/16]
      subnets:
        - {name: nodes, addressPrefix: 10.1.0.0/29}
  resources:
    - {name: acrx, type: Microsoft.ContainerRegistry/registries}
  privateEndpoints:
    - name: pe-acr
      subnet: spoke/nodes
      resource: acrx
      subresource: registry
      privateIp: 10.1.0.4
` + members + `  aksClusters:
    - name: aks
      serviceCidr: 10.100.0.0/16
      dnsServiceIp: 10.100.0.10
      nodePools:
        - {name: p, subnet: spoke/nodes, count: 1, maxSurge: "0", maxPods: 30}
`
	}
	// A /29 has 3 usable addresses: one node and the endpoint fit…
	if fs := checkYAML(t, topo(""), "NET011"); len(fs) > 0 {
		t.Errorf("one node and one endpoint in a /29:\n%s", messages(fs))
	}
	// One node and an endpoint with a second IP configuration fill it…
	data := "      members:\n        - {name: registry_data_westeurope, privateIp: 10.1.0.5}\n"
	if fs := checkYAML(t, topo(data), "NET011"); len(fs) > 0 {
		t.Errorf("one node and a two-address endpoint in a /29:\n%s", messages(fs))
	}
	// …and a second node does not fit.
	more := strings.Replace(topo(data), "count: 1,", "count: 2,", 1)
	if fs := checkYAML(t, more, "NET011"); len(fs) != 1 || !strings.Contains(fs[0].Message, "needs 4 ") {
		t.Errorf("two nodes and a two-address endpoint in a /29: want needs 4, got:\n%s", messages(fs))
	}
}

func TestPodCIDRCapacity(t *testing.T) {
	// "Overlay pod CIDR /16 → 256 nodes"
	pool := func(n int) string {
		return fmt.Sprintf("        - {name: p, subnet: spoke/nodes, count: %d, maxSurge: \"0\"}\n", n)
	}
	network := "      podCidr: 192.168.0.0/16\n"
	if fs := checkYAML(t, clusterYAML("10.1.0.0/22", network, pool(256)), "NET009"); len(fs) > 0 {
		t.Errorf("256 nodes in a /16:\n%s", messages(fs))
	}
	fs := checkYAML(t, clusterYAML("10.1.0.0/22", network, pool(256)+"        - {name: q, subnet: spoke/nodes, count: 1, maxSurge: \"0\"}\n"), "NET009")
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "holds 256 nodes") || !strings.Contains(fs[0].Message, "reach 257") {
		t.Errorf("257 nodes in a /16:\n%s", messages(fs))
	}
	// A pod CIDR longer than /24 holds no node at all.
	fs = checkYAML(t, clusterYAML("10.1.0.0/22", "      podCidr: 192.168.0.0/25\n", pool(1)), "NET009")
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "holds 0 nodes") {
		t.Errorf("a /25 pod CIDR:\n%s", messages(fs))
	}
}

func TestSNATVectors(t *testing.T) {
	for _, c := range []struct {
		ports, ips, nodes int // nodes is N+S (count, surge 1)
		fail              bool
	}{
		{1000, 2, 128, false}, // "1,000 ports × 2 IPs → 128 nodes"
		{1000, 2, 129, true},
		{4000, 7, 112, false}, // "4,000 × 7 → 112"
		{4000, 7, 113, true},
		{8000, 1, 9, true}, // "9 nodes × 8,000 ports with 1 IP → error" (9 nodes + surge)
	} {
		network := fmt.Sprintf("      loadBalancerProfile: {allocatedOutboundPorts: %d, managedOutboundIpCount: %d}\n", c.ports, c.ips)
		pool := fmt.Sprintf("        - {name: p, subnet: spoke/nodes, count: %d}\n", c.nodes-1)
		fs := checkYAML(t, clusterYAML("10.1.0.0/22", network, pool), "AKS022")
		if (len(fs) > 0) != c.fail {
			t.Errorf("%d ports × %d IPs for %d nodes: fail %v, got:\n%s", c.ports, c.ips, c.nodes, c.fail, messages(fs))
		}
	}
	fs := checkYAML(t, clusterYAML("10.1.0.0/22", "      loadBalancerProfile: {allocatedOutboundPorts: 1001}\n", "        - {name: p, subnet: spoke/nodes, count: 3}\n"), "AKS022")
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "not a multiple of 8") || !strings.Contains(fs[0].Fix, "1000 or 1008") {
		t.Errorf("1,001 ports:\n%s", messages(fs))
	}
	// Outbound types other than loadBalancer do not use the profile.
	fs = checkYAML(t, clusterYAML("10.1.0.0/22", "      outboundType: userAssignedNATGateway\n      loadBalancerProfile: {allocatedOutboundPorts: 1001}\n", "        - {name: p, subnet: spoke/nodes, count: 3}\n"), "AKS022")
	if len(fs) > 0 {
		t.Errorf("a NAT gateway cluster's unused profile:\n%s", messages(fs))
	}
}

// Static block allocation: "P=30 → 2 blocks/node", "P=32 → 3 blocks/node";
// dynamic allocation's worst case "272 at p=250, 48 at p=30"
// (aks-constraints.md §1.5). Three nodes and one surge node each time.
func TestPodSubnetVectors(t *testing.T) {
	for _, c := range []struct {
		mode          string
		maxPods, need int
	}{
		{"StaticBlock", 30, 4 * 32}, {"StaticBlock", 31, 4 * 32}, {"StaticBlock", 32, 4 * 48}, {"StaticBlock", 47, 4 * 48},
		{"DynamicIndividual", 30, 4 * 48}, {"DynamicIndividual", 250, 4 * 272}, {"DynamicIndividual", 24, 4 * 32},
	} {
		mode, maxPods, need := c.mode, c.maxPods, c.need
		topo := fmt.Sprintf(`apiVersion: aksnet.dev/v1alpha1
kind: Topology
metadata: {name: t}
azure:
  vnets:
    - name: spoke
      addressSpace: [10.1.0.0/16]
      subnets:
        - {name: nodes, addressPrefix: 10.1.0.0/24}
        - {name: pods, addressPrefix: 10.1.1.0/28}
  aksClusters:
    - name: aks
      networkPlugin: azure
      nodePools:
        - {name: p, subnet: spoke/nodes, podSubnet: spoke/pods, podIpAllocationMode: %s, count: 3, maxPods: %d}
`, mode, maxPods)
		fs := checkYAML(t, topo, "NET012")
		if len(fs) != 1 || !strings.Contains(fs[0].Message, fmt.Sprintf("needs %d ", need)) {
			t.Errorf("%s maxPods %d: want needs %d, got:\n%s", mode, maxPods, need, messages(fs))
		}
	}
}

func TestDNSServiceIP(t *testing.T) {
	pool := "        - {name: p, subnet: spoke/nodes, count: 3}\n"
	for ip, want := range map[string]string{
		"10.100.0.10":    "",
		"10.100.0.1":     "first address",
		"10.100.0.0":     "network or broadcast",
		"10.100.255.255": "network or broadcast",
		"10.101.0.10":    "outside",
	} {
		y := strings.Replace(clusterYAML("10.1.0.0/22", "", pool), "dnsServiceIp: 10.100.0.10", "dnsServiceIp: "+ip, 1)
		fs := checkYAML(t, y, "NET005")
		switch {
		case want == "" && len(fs) > 0:
			t.Errorf("%s: %s", ip, messages(fs))
		case want != "" && (len(fs) != 1 || !strings.Contains(fs[0].Message, want)):
			t.Errorf("%s: want %q, got:\n%s", ip, want, messages(fs))
		}
	}
}

func TestServiceCIDRSize(t *testing.T) {
	pool := "        - {name: p, subnet: spoke/nodes, count: 3}\n"
	for cidr, want := range map[string]Severity{
		"10.128.0.0/11": Error,
		"10.128.0.0/12": Warning, // "must be smaller than /12": /12 itself is unclear
		"10.128.0.0/13": 0,
		"fd00::/107":    Error,
		"fd00::/108":    0,
	} {
		y := strings.Replace(clusterYAML("10.1.0.0/22", "", pool), "serviceCidr: 10.100.0.0/16", "serviceCidr: "+cidr, 1)
		fs := checkYAML(t, y, "NET004")
		switch {
		case want == 0 && len(fs) > 0:
			t.Errorf("%s: %s", cidr, messages(fs))
		case want != 0 && (len(fs) != 1 || fs[0].Severity != want):
			t.Errorf("%s: want one %s, got:\n%s", cidr, want, messages(fs))
		}
	}
}

// Retirements warn before the date and are errors after it.
func TestRetirementDates(t *testing.T) {
	y := clusterYAML("10.1.0.0/22", "      networkPlugin: azure\n      networkPolicy: azure\n",
		"        - {name: linux, subnet: spoke/nodes, count: 3}\n        - {name: win, subnet: spoke/nodes, count: 2, osType: Windows, maxPods: 30}\n")
	at := func(day string) map[string]Severity {
		now, _ := time.Parse("2006-01-02", day)
		out := map[string]Severity{}
		for _, f := range checkFiles(t, now, map[string]string{"t.yaml": y}, "AKS009") {
			os := "Linux"
			if strings.Contains(f.Message, "Windows") {
				os = "Windows"
			}
			out[os] = f.Severity
		}
		return out
	}
	for day, want := range map[string]map[string]Severity{
		"2026-09-29": {"Windows": Warning, "Linux": Warning},
		"2026-09-30": {"Windows": Error, "Linux": Warning},
		"2028-09-30": {"Windows": Error, "Linux": Error},
	} {
		if got := at(day); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("on %s: %v, want %v", day, got, want)
		}
	}
}

func TestCiliumIPBlockExcept(t *testing.T) {
	topo := clusterYAML("10.1.0.0/22", "      networkPlugin: azure\n      networkPluginMode: overlay\n      networkDataplane: cilium\n      networkPolicy: cilium\n      podCidr: 192.168.0.0/16\n",
		"        - {name: p, subnet: spoke/nodes, count: 3}\n") + "      kubernetes:\n        manifests: [np.yaml]\n"
	policy := func(block string) string {
		return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: apps}
spec:
  podSelector: {}
  ingress:
    - from:
        - ipBlock: ` + block + "\n"
	}
	for block, want := range map[string]string{
		"{cidr: 172.20.0.0/16}": "", // on-premises only
		"{cidr: 0.0.0.0/0, except: [192.168.0.0/16, 10.1.0.0/16]}": "",
		"{cidr: 0.0.0.0/0, except: [192.168.0.0/16]}":              "subnet spoke/nodes",
		"{cidr: 192.168.4.0/24}":                                   "pod CIDR 192.168.0.0/16",
	} {
		fs := checkFiles(t, exampleNow, map[string]string{"t.yaml": topo, "np.yaml": policy(block)}, "AKS006")
		switch {
		case want == "" && len(fs) > 0:
			t.Errorf("%s: %s", block, messages(fs))
		case want != "" && (len(fs) != 1 || !strings.Contains(fs[0].Message, want) || fs[0].Loc.File != "np.yaml"):
			t.Errorf("%s: want %q in np.yaml, got:\n%s", block, want, messages(fs))
		}
	}
}

// A route that names another spoke explicitly needs that spoke's peering to
// accept forwarded traffic too; a default route does not speak for it.
func TestForwardedTrafficToOtherSpoke(t *testing.T) {
	topo := func(prefix, bForwarded string) string {
		return `apiVersion: aksnet.dev/v1alpha1
kind: Topology
metadata: {name: t}
azure:
  vnets:
    - name: hub
      addressSpace: [10.0.0.0/16]
      subnets:
        - {name: AzureFirewallSubnet, addressPrefix: 10.0.1.0/26}
      peerings:
        - {name: hub-a, remoteVnet: a}
        - {name: hub-b, remoteVnet: b}
    - name: a
      addressSpace: [10.1.0.0/16]
      subnets:
        - {name: w, addressPrefix: 10.1.0.0/24, routeTable: rt-a}
      peerings:
        - {name: a-hub, remoteVnet: hub, allowForwardedTraffic: true}
    - name: b
      addressSpace: [10.2.0.0/16]
      subnets:
        - {name: w, addressPrefix: 10.2.0.0/24}
      peerings:
        - {name: b-hub, remoteVnet: hub, allowForwardedTraffic: ` + bForwarded + `}
  routeTables:
    - name: rt-a
      routes:
        - {name: r, addressPrefix: ` + prefix + `, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}
  firewalls:
    - {name: fw, subnet: hub/AzureFirewallSubnet, privateIp: 10.0.1.4}
`
	}
	if fs := checkYAML(t, topo("10.2.0.0/16", "false"), "PEER003"); len(fs) != 1 || !strings.Contains(fs[0].Message, "to vnet b through appliance") {
		t.Errorf("a → b through the hub, b refusing forwarded traffic:\n%s", messages(fs))
	}
	for _, c := range [][2]string{{"10.2.0.0/16", "true"}, {"0.0.0.0/0", "false"}, {"10.0.5.0/24", "false"}} {
		if fs := checkYAML(t, topo(c[0], c[1]), "PEER003"); len(fs) > 0 {
			t.Errorf("route %s, b forwarded %s:\n%s", c[0], c[1], messages(fs))
		}
	}
}

func TestInternalStaticIP(t *testing.T) {
	topo := clusterYAML("10.1.0.0/22", "", "        - {name: p, subnet: spoke/nodes, count: 3}\n") + "      kubernetes:\n        manifests: [svc.yaml]\n"
	topo = strings.Replace(topo, "10.100.0.0/16", "10.200.0.0/16", 1)
	topo = strings.Replace(topo, "10.100.0.10", "10.200.0.10", 1)
	topo = strings.Replace(topo, "        - {name: nodes, addressPrefix: 10.1.0.0/22}\n",
		"        - {name: nodes, addressPrefix: 10.1.0.0/22}\n        - {name: odd, addressPrefix: 10.200.1.0/24}\n", 1)
	svc := func(ann string) string {
		return `apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: apps
  annotations:
    service.beta.kubernetes.io/azure-load-balancer-internal: "true"
` + ann + `
spec: {type: LoadBalancer, ports: [{port: 80}]}
`
	}
	ipv4 := "    service.beta.kubernetes.io/azure-load-balancer-ipv4: "
	for ann, want := range map[string]string{
		ipv4 + "10.1.0.100": "",
		ipv4 + "10.1.0.3":   "reserved by Azure",
		ipv4 + "10.1.3.255": "reserved by Azure",
		ipv4 + "10.1.8.10":  "outside subnet spoke/nodes",
		ipv4 + "banana":     "not an IP address",
		// The frontend's subnet overlaps the service CIDR.
		ipv4 + "10.200.1.10\n    service.beta.kubernetes.io/azure-load-balancer-internal-subnet: odd": "inside the cluster's service CIDR",
	} {
		fs := checkFiles(t, exampleNow, map[string]string{"t.yaml": topo, "svc.yaml": svc(ann)}, "LB002")
		switch {
		case want == "" && len(fs) > 0:
			t.Errorf("%s: %s", ann, messages(fs))
		case want != "" && (len(fs) != 1 || !strings.Contains(fs[0].Message, want)):
			t.Errorf("%s: want %q, got:\n%s", ann, want, messages(fs))
		}
	}
}

func TestGatewayNextHopExpressRoute(t *testing.T) {
	topo := `apiVersion: aksnet.dev/v1alpha1
kind: Topology
metadata: {name: t}
azure:
  vnets:
    - name: hub
      addressSpace: [10.0.0.0/16]
      subnets:
        - {name: GatewaySubnet, addressPrefix: 10.0.0.0/27}
      peerings:
        - {name: hub-spoke, remoteVnet: spoke, allowGatewayTransit: true}
    - name: spoke
      addressSpace: [10.1.0.0/16]
      subnets:
        - {name: w, addressPrefix: 10.1.0.0/24, routeTable: rt}
      peerings:
        - {name: spoke-hub, remoteVnet: hub, useRemoteGateways: true}
  routeTables:
    - name: rt
      routes:
        - {name: onprem, addressPrefix: 172.20.0.0/16, nextHopType: VirtualNetworkGateway}
  gateways:
    - {name: gw, type: TYPE, vnet: hub}
`
	if fs := checkYAML(t, strings.Replace(topo, "TYPE", "Vpn", 1), "RT007"); len(fs) > 0 {
		t.Errorf("the hub's VPN gateway, through gateway transit:\n%s", messages(fs))
	}
	if fs := checkYAML(t, strings.Replace(topo, "TYPE", "ExpressRoute", 1), "RT007"); len(fs) != 1 || !strings.Contains(fs[0].Message, "ExpressRoute") {
		t.Errorf("an ExpressRoute gateway:\n%s", messages(fs))
	}
}

// A rule that panics is reported as an internal error naming it, not a
// crash.
func TestRunRecoversFromAPanickingRule(t *testing.T) {
	bad := &Rule{ID: "NET999", Title: "t", Severity: Error, Check: func(*Context, *Reporter) {
		panic("a bug")
	}}
	_, err := Run(&model.Topology{}, Options{Rules: []*Rule{Lookup("NET001"), bad}})
	if err == nil || !strings.Contains(err.Error(), "NET999") {
		t.Fatalf("Run = %v, want an error naming NET999", err)
	}
}

// A finding without its own why takes the rule's.
func TestReporterDefaults(t *testing.T) {
	r := &Rule{ID: "NET998", Severity: Warning, Why: "the rule's why"}
	rep := &Reporter{rule: r}
	rep.Report(model.Location{File: "x", Line: 1}, "m", "", "f")
	rep.ReportAs(Error, model.Location{File: "x", Line: 2}, "m2", "own why", "f")
	if f := rep.findings[0]; f.Why != "the rule's why" || f.Severity != Warning || f.Rule != r {
		t.Errorf("default why or severity: %+v", f)
	}
	if f := rep.findings[1]; f.Why != "own why" || f.Severity != Error {
		t.Errorf("own why or severity: %+v", f)
	}
}

// Findings come out in one order whatever order the rules ran in.
func TestRunIsDeterministic(t *testing.T) {
	topo := loadExample(t, "AKS005", "fail.yaml")
	first := FindingText(runAll(t, topo).Findings)
	for range 20 {
		if got := FindingText(runAll(t, topo).Findings); got != first {
			t.Fatalf("a second run differs:\n%s\nvs\n%s", got, first)
		}
	}
}

// Every rule copes with unusual but valid topologies: an empty one, a
// bring-your-own CNI, an IPv6 service CIDR, pools scaled to zero, the
// loader's own valid examples. A panic would surface as Run's error.
func TestRulesOnUnusualTopologies(t *testing.T) {
	empty := "apiVersion: aksnet.dev/v1alpha1\nkind: Topology\nmetadata: {name: t}\n"
	pool := "        - {name: p, subnet: spoke/nodes, count: 0, minCount: 0, maxCount: 0}\n"
	for name, y := range map[string]string{
		"empty":    empty,
		"byo cni":  clusterYAML("10.1.0.0/22", "      networkPlugin: none\n      networkPolicy: cilium\n      ipFamilies: [IPv6]\n", pool),
		"ipv6 svc": strings.Replace(clusterYAML("10.1.0.0/22", "", pool), "serviceCidr: 10.100.0.0/16\n      dnsServiceIp: 10.100.0.10", "serviceCidr: fd00::/108\n      dnsServiceIp: fd00::a", 1),
		"impossible mode": clusterYAML("10.1.0.0/22", "      networkPlugin: kubenet\n      networkDataplane: cilium\n      networkPolicy: azure\n      outboundType: userDefinedRouting\n",
			"        - {name: p, subnet: spoke/nodes, podSubnet: spoke/nodes, count: 2, osType: Windows}\n"),
	} {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{"t.yaml": &fstest.MapFile{Data: []byte(y)}}
			topo, errs := load.Topology(load.FSFiles{FS: fsys}, "t.yaml")
			if len(errs) > 0 {
				t.Fatalf("does not load: %v", errs)
			}
			if _, err := Run(topo, Options{Now: exampleNow}); err != nil {
				t.Fatal(err)
			}
		})
	}
	for _, name := range []string{"minimal.yaml", "with-manifests.yaml"} {
		topo, errs := load.Topology(load.OSFiles{}, "../load/testdata/valid/"+name)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", name, errs)
		}
		if _, err := Run(topo, Options{Now: exampleNow}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// 0.0.0.0/32 in the authorized ranges stands for the cluster's own outbound
// address, so it covers the firewall's.
func TestAuthorizedRangesOwnOutboundIP(t *testing.T) {
	data, err := os.ReadFile("testdata/rules/AKS017/fail.yaml")
	if err != nil {
		t.Fatal(err)
	}
	y := strings.Replace(string(data), "authorizedIpRanges: [198.51.100.0/24]", "authorizedIpRanges: [198.51.100.0/24, 0.0.0.0/32]", 1)
	if y == string(data) {
		t.Fatal("the example's authorizedIpRanges line changed; update this test")
	}
	if fs := checkYAML(t, y, "AKS017"); len(fs) > 0 {
		t.Errorf("0.0.0.0/32:\n%s", messages(fs))
	}
}
