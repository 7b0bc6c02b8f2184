package dns

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

// The kubernetes plugin of CoreDNS (coredns.go) is checked against the cases
// of CoreDNS's own tests of that plugin, coredns/coredns plugin/kubernetes @
// 4b26cced32717eac6dd725e308d7415c8b9db147 (2026-08-20):
//
//   - handler_test.go: commonDnsTestCases and dnsTestCases (TestServeDNS),
//     nsTestCases (TestServeNamespaceDNS), notSyncedTestCases
//     (TestNotSyncedServeDNS), multiclusterDnsTestCases, over the fixture
//     APIConnServeTest;
//   - over the same fixture: handler_pod_disabled_test.go
//     podModeDisabledCases, handler_pod_insecure_test.go
//     podModeInsecureCases, handler_pod_verified_test.go
//     podModeVerifiedCases, handler_case_test.go dnsPreserveCaseCases,
//     handler_ignore_emptyservice_test.go dnsEmptyServiceTestCases,
//     kubernetes_apex_test.go kubeApexCases;
//   - reverse_test.go TestReverse, over its fixture APIConnReverseTest.
//
// Each upstream test builds the plugin in Go (New, then options); here each
// group is a cluster whose coredns-custom adds a server block for the
// plugin's zones with the same options, and whose manifests are the
// fixture's Namespaces and Services. The queries go to CoreDNS.Resolve, as
// newCoreDNS builds it for the cluster.
//
// Ported: every case the model can express, with the upstream answer
// (owner, TTL, type, data, in any order as test.SortAndCheck compares) and,
// for negative answers, the SOA of the authority section. Not compared,
// because a Reply does not carry them: the additional section (CoreDNS's A
// and AAAA for SRV targets and NS), the TC bit, and the SOA's serial and
// record TTL (CoreDNS's test helper compares only the SOA's TTL and MNAME).
//
// Case: aksnet canonicalises every name to lower case before the engine
// (Question is canonical, message.go; `aksnet resolve` calls
// model.CanonicalName). The mixed-case queries of handler_case_test.go are
// therefore ported as the engine receives them: lower-cased, with lower-case
// answers. They show that matching ignores case (kubernetes-dns.md §1.0); the
// 0x20 preservation they check — CoreDNS echoing the query's spelling in
// owner names, in the SOA's zone and in SRV targets (handler.go "maintain
// case of original query") — is not modelled, since aksnet puts no message on
// a wire; a DNS front end would have to restore the question's spelling.
//
// Not ported, by reason:
//
//   - Endpoints. The model has Services, not Endpoints or EndpointSlices, so
//     a headless service has no addresses and no endpoint has a hostname
//     (aksnet answers NXDOMAIN for them, as CoreDNS does for a headless
//     service without ready endpoints): commonDnsTestCases "A Service
//     (Headless)" hdls1 A, "A Service (Headless and Portless)" hdlsprtls A,
//     "AAAA Service (Headless)" hdls1 AAAA; dnsTestCases "SRV Service
//     (Headless)", hdls1 A, "AAAA" 5678-abcd--2.hdls1, "AAAA Endpoint"
//     5678-abcd--1.hdls1, "An Endpoint with no port" 172-0-0-20.hdlsprtls,
//     "An Endpoint ip" 172-0-0-2.hdls1, "A Endpoint ip" 172-0-0-3.hdls1, "An
//     Endpoint by name" dup-name.hdls1; reverse_test.go's endpoint PTRs
//     100.0.0.10 (ep1a), the three ip6.arpa names (ep1b, ip6svc1ex,
//     ip6svc1in) and 99.0.0.10 (double-ep, two services).
//   - ignore empty_service, which needs to know that a service has no ready
//     endpoints: dnsEmptyServiceTestCases "A Service" svcempty A (NXDOMAIN
//     upstream; aksnet, not knowing endpoints, answers as if every service
//     had them).
//   - Pods' addresses, which pods verified checks: podModeVerifiedCases
//     10-240-0-1.podns.pod A (a pod with that address exists upstream). The
//     verified cases that expect no pod are ported.
//   - API sync state: notSyncedTestCases (SERVFAIL before the caches sync);
//     aksnet's CoreDNS is always synced.
//   - Multicluster zones (ServiceImports, cluster IDs): all of
//     multiclusterDnsTestCases, and commonDnsTestCases rerun in a
//     multicluster zone by TestMultiClusterServeDNS.
//
// Adapted:
//
//   - kubeApexCases "cluster.local. NS": upstream, CoreDNS's address is not
//     an endpoint of any service, so the name server is ns.dns.cluster.local.
//     (glue 127.0.0.1). In AKS CoreDNS's pods are the endpoints of
//     kube-system/kube-dns, which ns.go then names (kubernetes-dns.md §1.6);
//     the expected record is that one.
//   - The fixture's kube-system/kubedns service (10.0.0.10, no case queries
//     it) is not declared: every aksnet cluster has kube-system/kube-dns at
//     its DNS service IP, here 10.0.0.10.
//   - The fixture's ClusterIPs 10.0.0.1–10.0.0.10 are in the cluster's
//     serviceCidr, 10.0.0.0/16, whose first address also goes to
//     default/kubernetes (as svc1's and svcempty's already coincide
//     upstream). The model has one service CIDR, IPv4, so the IPv6
//     ClusterIPs (svc6, svc-dual-stack) lie outside it; aksnet takes
//     manifests' ClusterIPs as written.

// k8sHandlerFixture is APIConnServeTest (handler_test.go): namespaces exist
// except pod-nons and nsnoexist (GetNamespaceByName), with the services of
// svcIndex. Namespaces are declared for those the cases query.
const k8sHandlerFixture = `apiVersion: v1
kind: Namespace
metadata: {name: testns}
---
apiVersion: v1
kind: Namespace
metadata: {name: podns}
---
apiVersion: v1
kind: Namespace
metadata: {name: svcns}
---
apiVersion: v1
kind: Service
metadata: {name: svc1, namespace: testns}
spec:
  type: ClusterIP
  clusterIP: 10.0.0.1
  ports: [{name: http, protocol: TCP, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: svcempty, namespace: testns}
spec:
  type: ClusterIP
  clusterIP: 10.0.0.1
  ports: [{name: http, protocol: TCP, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: svc6, namespace: testns}
spec:
  type: ClusterIP
  clusterIP: "1234:abcd::1"
  ipFamilies: [IPv6]
  ports: [{name: http, protocol: TCP, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: hdls1, namespace: testns}
spec:
  clusterIP: None
---
apiVersion: v1
kind: Service
metadata: {name: external, namespace: testns}
spec:
  type: ExternalName
  externalName: ext.interwebs.test
  ports: [{name: http, protocol: TCP, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: external-to-service, namespace: testns}
spec:
  type: ExternalName
  externalName: svc1.testns.svc.cluster.local.
  ports: [{name: http, protocol: TCP, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: hdlsprtls, namespace: testns}
spec:
  clusterIP: None
---
apiVersion: v1
kind: Service
metadata: {name: svc1, namespace: unexposedns}
spec:
  type: ClusterIP
  clusterIP: 10.0.0.2
  ports: [{name: http, protocol: TCP, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: svc-dual-stack, namespace: testns}
spec:
  type: ClusterIP
  clusterIP: 10.0.0.3
  clusterIPs: [10.0.0.3, "10::3"]
  ipFamilies: [IPv4, IPv6]
  ipFamilyPolicy: RequireDualStack
  ports: [{name: http, protocol: TCP, port: 80}]
`

// k8sReverseFixture is APIConnReverseTest (reverse_test.go): svc1.testns at
// 192.168.1.100. Its endpoints are not modelled.
const k8sReverseFixture = `apiVersion: v1
kind: Service
metadata: {name: svc1, namespace: testns}
spec:
  type: ClusterIP
  clusterIP: 192.168.1.100
  ports: [{name: http, protocol: TCP, port: 80}]
`

// k8sExtra holds services for the cases derived from CoreDNS's source.
const k8sExtra = `apiVersion: v1
kind: Service
metadata: {name: ext-ip, namespace: testns}
spec:
  type: ExternalName
  externalName: 192.0.2.1
---
apiVersion: v1
kind: Service
metadata: {name: ext-dangling, namespace: testns}
spec:
  type: ExternalName
  externalName: nosuch.testns.svc.cluster.local
---
apiVersion: v1
kind: Service
metadata: {name: ext-nx, namespace: testns}
spec:
  type: ExternalName
  externalName: nx.interwebs.test
---
apiVersion: v1
kind: Service
metadata: {name: multi, namespace: testns}
spec:
  type: ClusterIP
  clusterIP: 10.0.0.4
  ports:
    - {name: http, protocol: TCP, port: 80}
    - {name: dns, protocol: UDP, port: 53}
    - {protocol: TCP, port: 8080}
`

const k8sTopology = `apiVersion: aksnet.dev/v1alpha1
kind: Topology
metadata:
  name: coredns-k8s
azure:
  vnets:
    - name: vnet
      addressSpace: [10.1.0.0/16]
      subnets:
        - name: aks
          addressPrefix: 10.1.0.0/22
  aksClusters:
    - name: k8s
      serviceCidr: %s
      dnsServiceIp: %s
      nodePools:
        - name: system
          subnet: vnet/aks
          count: 1
%s      kubernetes:
        manifests: [%s]
`

var k8sFiles = fstest.MapFS{
	"handler/objects.yaml": {Data: []byte(k8sHandlerFixture)},
	"reverse/objects.yaml": {Data: []byte(k8sReverseFixture)},
	"extra/handler.yaml":   {Data: []byte(k8sHandlerFixture)},
	"extra/extra.yaml":     {Data: []byte(k8sExtra)},
}

// k8sCoreDNS builds the CoreDNS of a cluster with the manifests of folder
// and, when server is set, that server block in its coredns-custom.
func k8sCoreDNS(t *testing.T, folder, serviceCIDR, dnsIP, server string) *CoreDNS {
	t.Helper()
	custom := ""
	if server != "" {
		custom = "      corednsCustom:\n        test.server: |\n"
		for _, l := range strings.Split(strings.TrimSpace(server), "\n") {
			custom += "          " + l + "\n"
		}
	}
	data := fmt.Sprintf(k8sTopology, serviceCIDR, dnsIP, custom, folder)
	topo, errs := load.Bytes(load.FSFiles{FS: k8sFiles}, "topology.yaml", []byte(data))
	if len(errs) > 0 {
		t.Fatalf("%v\n%s", errs, data)
	}
	d, errs := newCoreDNS(topo, topo.Azure.Clusters[0], netip.Addr{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return d
}

// k8sUpstream answers CoreDNS's forwards: the internet as the upstream
// tests' Upstub has it.
func k8sUpstream() *Upstream {
	return &Upstream{Forward: func(_ netip.Addr, _ []model.AddrPort, q Question, tr *Trace) Reply {
		if q.Name == "ext.interwebs.test" && q.Type == model.TypeA {
			return Reply{RCode: NoError, Answer: []RR{{Name: q.Name, Type: model.TypeA, TTL: 5, Data: model.RData{Addr: netip.MustParseAddr("1.2.3.4")}}}}
		}
		return Reply{RCode: NXDomain}
	}}
}

type k8sCase struct {
	from   string // where the case comes from: file, list, its comment
	qname  string // as the upstream test writes it
	qtype  Type
	rcode  RCode
	answer []string // "owner. TTL IN TYPE data", in any order
	ns     string   // the authority's SOA, without serial and TTL; "" none
}

// The SOA CoreDNS puts in the authority section of negative answers
// (plugin/backend_lookup.go SOA): ns.dns.<zone>, hostmaster.<zone>, 7200
// 1800 86400, minimum the plugin's TTL.
func k8sSOA(zone string, ttl int) string {
	return fmt.Sprintf("%s. IN SOA ns.dns.%s. hostmaster.%s. 7200 1800 86400 %d", zone, zone, zone, ttl)
}

var soaCL = k8sSOA("cluster.local", 5)

// handler_test.go commonDnsTestCases and dnsTestCases, as TestServeDNS runs
// them: New([]string{"cluster.local."}), Namespaces {"testns"}, pods
// disabled, TTL 5.
var k8sServeDNSCases = []k8sCase{
	{from: "commonDnsTestCases: A Service", qname: "svc1.testns.svc.cluster.local.", qtype: "A", rcode: NoError,
		answer: []string{"svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"}},
	{from: "commonDnsTestCases: svcempty A", qname: "svcempty.testns.svc.cluster.local.", qtype: "A", rcode: NoError,
		answer: []string{"svcempty.testns.svc.cluster.local. 5 IN A 10.0.0.1"}},
	{from: "commonDnsTestCases: svc1 SRV", qname: "svc1.testns.svc.cluster.local.", qtype: "SRV", rcode: NoError,
		answer: []string{"svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local."}},
	{from: "commonDnsTestCases: svcempty SRV", qname: "svcempty.testns.svc.cluster.local.", qtype: "SRV", rcode: NoError,
		answer: []string{"svcempty.testns.svc.cluster.local. 5 IN SRV 0 100 80 svcempty.testns.svc.cluster.local."}},
	{from: "commonDnsTestCases: svc6 SRV", qname: "svc6.testns.svc.cluster.local.", qtype: "SRV", rcode: NoError,
		answer: []string{"svc6.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc6.testns.svc.cluster.local."}},
	{from: "commonDnsTestCases: SRV Service", qname: "_http._tcp.svc1.testns.svc.cluster.local.", qtype: "SRV", rcode: NoError,
		answer: []string{"_http._tcp.svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local."}},
	{from: "commonDnsTestCases: SRV Service svcempty", qname: "_http._tcp.svcempty.testns.svc.cluster.local.", qtype: "SRV", rcode: NoError,
		answer: []string{"_http._tcp.svcempty.testns.svc.cluster.local. 5 IN SRV 0 100 80 svcempty.testns.svc.cluster.local."}},
	{from: "commonDnsTestCases: AAAA Service (with an existing A record, but no AAAA record)", qname: "svc1.testns.svc.cluster.local.", qtype: "AAAA", rcode: NoError,
		ns: soaCL},
	{from: "commonDnsTestCases: AAAA Service (non-existing service)", qname: "svc0.testns.svc.cluster.local.", qtype: "AAAA", rcode: NXDomain,
		ns: soaCL},
	{from: "commonDnsTestCases: A Service (non-existing service)", qname: "svc0.testns.svc.cluster.local.", qtype: "A", rcode: NXDomain,
		ns: soaCL},
	{from: "commonDnsTestCases: A Service (non-existing namespace)", qname: "svc0.svc-nons.svc.cluster.local.", qtype: "A", rcode: NXDomain,
		ns: soaCL},
	{from: "commonDnsTestCases: TXT Schema", qname: "dns-version.cluster.local.", qtype: "TXT", rcode: NoError,
		answer: []string{"dns-version.cluster.local. 28800 IN TXT 1.1.0"}},
	{from: "commonDnsTestCases: A TXT record does not exist but another record for the same FQDN does", qname: "svc1.testns.svc.cluster.local.", qtype: "TXT", rcode: NoError,
		ns: soaCL},
	{from: "commonDnsTestCases: A TXT record does not exist and neither does another record for the same FQDN", qname: "svc0.svc-nons.svc.cluster.local.", qtype: "TXT", rcode: NXDomain,
		ns: soaCL},
	{from: "commonDnsTestCases: A Service (Headless) does not exist", qname: "bogusendpoint.hdls1.testns.svc.cluster.local.", qtype: "A", rcode: NXDomain,
		ns: soaCL},
	{from: "commonDnsTestCases: A Service does not exist", qname: "bogusendpoint.svc0.testns.svc.cluster.local.", qtype: "A", rcode: NXDomain,
		ns: soaCL},
	{from: "commonDnsTestCases: AAAA Service", qname: "svc6.testns.svc.cluster.local.", qtype: "AAAA", rcode: NoError,
		answer: []string{"svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1"}},
	{from: "commonDnsTestCases: SRV (svc6)", qname: "_http._tcp.svc6.testns.svc.cluster.local.", qtype: "SRV", rcode: NoError,
		answer: []string{"_http._tcp.svc6.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc6.testns.svc.cluster.local."}},
	{from: "commonDnsTestCases: svc.cluster.local. A (empty non-terminal)", qname: "svc.cluster.local.", qtype: "A", rcode: NoError,
		ns: soaCL},
	{from: "commonDnsTestCases: pod.cluster.local. A (empty non-terminal)", qname: "pod.cluster.local.", qtype: "A", rcode: NoError,
		ns: soaCL},
	{from: "commonDnsTestCases: testns.svc.cluster.local. A (empty non-terminal)", qname: "testns.svc.cluster.local.", qtype: "A", rcode: NoError,
		ns: soaCL},
	{from: "commonDnsTestCases: NS query for qname != zone (existing domain)", qname: "svc.cluster.local.", qtype: "NS", rcode: NoError,
		ns: soaCL},
	{from: "commonDnsTestCases: NS query for qname != zone (existing domain)", qname: "testns.svc.cluster.local.", qtype: "NS", rcode: NoError,
		ns: soaCL},
	{from: "commonDnsTestCases: NS query for qname != zone (non existing domain)", qname: "foo.cluster.local.", qtype: "NS", rcode: NXDomain,
		ns: soaCL},
	{from: "commonDnsTestCases: NS query for qname != zone (non existing domain)", qname: "foo.svc.cluster.local.", qtype: "NS", rcode: NXDomain,
		ns: soaCL},
	{from: "commonDnsTestCases: Dual Stack ClusterIP Services (A)", qname: "svc-dual-stack.testns.svc.cluster.local.", qtype: "A", rcode: NoError,
		answer: []string{"svc-dual-stack.testns.svc.cluster.local. 5 IN A 10.0.0.3"}},
	{from: "commonDnsTestCases: Dual Stack ClusterIP Services (AAAA)", qname: "svc-dual-stack.testns.svc.cluster.local.", qtype: "AAAA", rcode: NoError,
		answer: []string{"svc-dual-stack.testns.svc.cluster.local. 5 IN AAAA 10::3"}},
	{from: "commonDnsTestCases: Dual Stack ClusterIP Services (SRV)", qname: "svc-dual-stack.testns.svc.cluster.local.", qtype: "SRV", rcode: NoError,
		answer: []string{"svc-dual-stack.testns.svc.cluster.local. 5 IN SRV 0 50 80 svc-dual-stack.testns.svc.cluster.local."}},
	{from: "commonDnsTestCases: svc1 SOA", qname: "svc1.testns.svc.cluster.local.", qtype: "SOA", rcode: NoError,
		ns: soaCL},
	{from: "commonDnsTestCases: A query for a subdomain of an external service should not resolve to the external service", qname: "endpoint.external.testns.svc.cluster.local.", qtype: "CNAME", rcode: NXDomain,
		ns: soaCL},
	{from: "commonDnsTestCases: A query for a subdomain of a subdomain of an external service should not resolve to the external service", qname: "subdomain.subdomain.external.testns.svc.cluster.local.", qtype: "CNAME", rcode: NXDomain,
		ns: soaCL},
	{from: "dnsTestCases: CNAME External", qname: "external.testns.svc.cluster.local.", qtype: "CNAME", rcode: NoError,
		answer: []string{"external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test."}},
	{from: "dnsTestCases: CNAME External Truncated Lookup (the TC bit is not modelled)", qname: "external.testns.svc.cluster.local.", qtype: "A", rcode: NoError,
		answer: []string{"ext.interwebs.test. 5 IN A 1.2.3.4", "external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test."}},
	{from: "dnsTestCases: CNAME External To Internal Service", qname: "external-to-service.testns.svc.cluster.local", qtype: "A", rcode: NoError,
		answer: []string{"external-to-service.testns.svc.cluster.local. 5 IN CNAME svc1.testns.svc.cluster.local.", "svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"}},
}

// handler_test.go nsTestCases (TestServeNamespaceDNS: no namespaces option).
// Upstream writes the SOA as "300 … 30" but does not check it (the test
// ignores SortAndCheck's error); CoreDNS's is the plugin's TTL, 5.
var k8sNamespaceCases = []k8sCase{
	{from: `nsTestCases: A Service for an "exposed" namespace that "does exist"`, qname: "svc1.testns.svc.cluster.local.", qtype: "A", rcode: NoError,
		answer: []string{"svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"}},
	{from: `nsTestCases: A service for an "exposed" namespace that "doesn't exist"`, qname: "svc1.nsnoexist.svc.cluster.local.", qtype: "A", rcode: NXDomain,
		ns: soaCL},
}

// handler_pod_disabled_test.go podModeDisabledCases.
var k8sPodDisabledCases = []k8sCase{
	{from: "podModeDisabledCases: 10-240-0-1.podns.pod", qname: "10-240-0-1.podns.pod.cluster.local.", qtype: "A", rcode: NXDomain, ns: soaCL},
	{from: "podModeDisabledCases: 172-0-0-2.podns.pod", qname: "172-0-0-2.podns.pod.cluster.local.", qtype: "A", rcode: NXDomain, ns: soaCL},
}

// handler_pod_insecure_test.go podModeInsecureCases. Upstream writes the
// SOA's minimum as 30; its helper compares only the SOA's TTL and MNAME, and
// the plugin's TTL (the minimum) is the default 5.
var k8sPodInsecureCases = []k8sCase{
	{from: "podModeInsecureCases: 10-240-0-1.podns.pod A", qname: "10-240-0-1.podns.pod.cluster.local.", qtype: "A", rcode: NoError,
		answer: []string{"10-240-0-1.podns.pod.cluster.local. 5 IN A 10.240.0.1"}},
	{from: "podModeInsecureCases: 172-0-0-2.podns.pod A", qname: "172-0-0-2.podns.pod.cluster.local.", qtype: "A", rcode: NoError,
		answer: []string{"172-0-0-2.podns.pod.cluster.local. 5 IN A 172.0.0.2"}},
	{from: "podModeInsecureCases: blah.podns.pod A", qname: "blah.podns.pod.cluster.local.", qtype: "A", rcode: NXDomain, ns: soaCL},
	{from: "podModeInsecureCases: blah.podns.pod AAAA", qname: "blah.podns.pod.cluster.local.", qtype: "AAAA", rcode: NXDomain, ns: soaCL},
	{from: "podModeInsecureCases: blah.podns.pod HINFO", qname: "blah.podns.pod.cluster.local.", qtype: "HINFO", rcode: NXDomain, ns: soaCL},
	{from: "podModeInsecureCases: blah.pod-nons.pod A", qname: "blah.pod-nons.pod.cluster.local.", qtype: "A", rcode: NXDomain, ns: soaCL},
	{from: "podModeInsecureCases: podns.pod A", qname: "podns.pod.cluster.local.", qtype: "A", rcode: NoError, ns: soaCL},
}

// handler_pod_verified_test.go podModeVerifiedCases, but its first (a pod
// with address 10.240.0.1 exists in podns): pods' addresses are not in the
// model.
var k8sPodVerifiedCases = []k8sCase{
	{from: "podModeVerifiedCases: podns.pod A", qname: "podns.pod.cluster.local.", qtype: "A", rcode: NoError, ns: soaCL},
	{from: "podModeVerifiedCases: svcns.svc A", qname: "svcns.svc.cluster.local.", qtype: "A", rcode: NoError, ns: soaCL},
	{from: "podModeVerifiedCases: pod-nons.pod A", qname: "pod-nons.pod.cluster.local.", qtype: "A", rcode: NXDomain, ns: soaCL},
	{from: "podModeVerifiedCases: 172-0-0-2.podns.pod A (no such pod)", qname: "172-0-0-2.podns.pod.cluster.local.", qtype: "A", rcode: NXDomain, ns: soaCL},
}

// handler_case_test.go dnsPreserveCaseCases (TestPreserveCase: ignore
// empty_service), lower-cased: see the file's comment.
var k8sCaseCases = []k8sCase{
	{from: "dnsPreserveCaseCases: Negative response", qname: "not-a-service.testns.svc.ClUsTeR.lOcAl.", qtype: "A", rcode: NXDomain, ns: soaCL},
	{from: "dnsPreserveCaseCases: A Service", qname: "SvC1.TeStNs.SvC.cLuStEr.LoCaL.", qtype: "A", rcode: NoError,
		answer: []string{"svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"}},
	{from: "dnsPreserveCaseCases: SRV Service", qname: "_HtTp._TcP.sVc1.TeStNs.SvC.cLuStEr.LoCaL.", qtype: "SRV", rcode: NoError,
		answer: []string{"_http._tcp.svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local."}},
	{from: "dnsPreserveCaseCases: Cluster.local. SOA", qname: "Cluster.local.", qtype: "SOA", rcode: NoError,
		answer: []string{"cluster.local. 5 IN SOA ns.dns.cluster.local."}},
}

// handler_ignore_emptyservice_test.go dnsEmptyServiceTestCases, but its
// first (svcempty has no endpoints, so ignore empty_service makes it
// NXDOMAIN): endpoints are not in the model.
var k8sEmptyServiceCases = []k8sCase{
	{from: "dnsEmptyServiceTestCases: CNAME to external", qname: "external.testns.svc.cluster.local.", qtype: "CNAME", rcode: NoError,
		answer: []string{"external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test."}},
}

// kubernetes_apex_test.go kubeApexCases. The SOA answer holds only the
// MNAME (model.RData has no SOA fields; public.go does the same).
var k8sApexCases = []k8sCase{
	{from: "kubeApexCases: SOA", qname: "cluster.local.", qtype: "SOA", rcode: NoError,
		answer: []string{"cluster.local. 5 IN SOA ns.dns.cluster.local."}},
	{from: "kubeApexCases: HINFO", qname: "cluster.local.", qtype: "HINFO", rcode: NoError, ns: soaCL},
	{from: "kubeApexCases: NS (adapted: the name server is kube-dns, see above)", qname: "cluster.local.", qtype: "NS", rcode: NoError,
		answer: []string{"cluster.local. 5 IN NS kube-dns.kube-system.svc.cluster.local."}},
	{from: "kubeApexCases: A", qname: "cluster.local.", qtype: "A", rcode: NoError, ns: soaCL},
	{from: "kubeApexCases: AAAA", qname: "cluster.local.", qtype: "AAAA", rcode: NoError, ns: soaCL},
	{from: "kubeApexCases: SRV", qname: "cluster.local.", qtype: "SRV", rcode: NoError, ns: soaCL},
}

// reverse_test.go TestReverse, but the endpoint PTRs (see above).
var k8sReverseCases = []k8sCase{
	{from: "TestReverse: 100.1.168.192.in-addr.arpa. PTR (a ClusterIP)", qname: "100.1.168.192.in-addr.arpa.", qtype: "PTR", rcode: NoError,
		answer: []string{"100.1.168.192.in-addr.arpa. 5 IN PTR svc1.testns.svc.cluster.local."}},
	{from: "TestReverse: 101.0.0.10.in-addr.arpa. PTR", qname: "101.0.0.10.in-addr.arpa.", qtype: "PTR", rcode: NXDomain,
		ns: k8sSOA("0.10.in-addr.arpa", 5)},
	{from: "TestReverse: example.org.cluster.local. PTR", qname: "example.org.cluster.local.", qtype: "PTR", rcode: NXDomain, ns: soaCL},
	{from: "TestReverse: svc1.testns.svc.cluster.local. PTR", qname: "svc1.testns.svc.cluster.local.", qtype: "PTR", rcode: NoError, ns: soaCL},
	{from: "TestReverse: svc1.testns.svc.0.10.in-addr.arpa. A", qname: "svc1.testns.svc.0.10.in-addr.arpa.", qtype: "A", rcode: NXDomain,
		ns: k8sSOA("0.10.in-addr.arpa", 5)},
	{from: "TestReverse: 100.0.0.10.cluster.local. PTR", qname: "100.0.0.10.cluster.local.", qtype: "PTR", rcode: NXDomain, ns: soaCL},
}

// Cases that are not upstream test cases: CoreDNS's behaviour read from its
// source (plugin/kubernetes @ 4b26cced), for what the ported cases leave out.
var k8sSourceCases = []k8sCase{
	{from: "handler.go: SOA below the apex is NODATA, even for a name that does not exist", qname: "svc0.testns.svc.cluster.local.", qtype: "SOA", rcode: NoError, ns: soaCL},
	{from: "kubernetes.go Services: TXT on an empty non-terminal is NXDOMAIN (no record of another type)", qname: "svc.cluster.local.", qtype: "TXT", rcode: NXDomain, ns: soaCL},
	{from: "kubernetes.go Services: TXT at the apex is NXDOMAIN", qname: "cluster.local.", qtype: "TXT", rcode: NXDomain, ns: soaCL},
	{from: "kubernetes.go Services: SRV drops ExternalName records: NODATA", qname: "external.testns.svc.cluster.local.", qtype: "SRV", rcode: NoError, ns: soaCL},
	{from: "kubernetes.go findServices: a port name matches A queries too", qname: "_http._tcp.svc1.testns.svc.cluster.local.", qtype: "A", rcode: NoError,
		answer: []string{"_http._tcp.svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"}},
	{from: "kubernetes.go findServices: no such port", qname: "_https._tcp.svc1.testns.svc.cluster.local.", qtype: "SRV", rcode: NXDomain, ns: soaCL},
	{from: "kubernetes.go findServices: the bare name's SRV covers every port, unnamed ones too, weight 100/3", qname: "multi.testns.svc.cluster.local.", qtype: "SRV", rcode: NoError,
		answer: []string{
			"multi.testns.svc.cluster.local. 5 IN SRV 0 33 80 multi.testns.svc.cluster.local.",
			"multi.testns.svc.cluster.local. 5 IN SRV 0 33 53 multi.testns.svc.cluster.local.",
			"multi.testns.svc.cluster.local. 5 IN SRV 0 33 8080 multi.testns.svc.cluster.local.",
		}},
	{from: "kubernetes.go findServices: protocol matters", qname: "_dns._tcp.multi.testns.svc.cluster.local.", qtype: "SRV", rcode: NXDomain, ns: soaCL},
	{from: "kubernetes.go findServices: an ExternalName to an address is not served", qname: "ext-ip.testns.svc.cluster.local.", qtype: "A", rcode: NXDomain, ns: soaCL},
	{from: "backend_lookup.go A: an in-zone ExternalName target that does not exist drops the CNAME: NODATA", qname: "ext-dangling.testns.svc.cluster.local.", qtype: "A", rcode: NoError, ns: soaCL},
	{from: "backend_lookup.go A: an out-of-zone target's NXDOMAIN still answers NOERROR with the CNAME", qname: "ext-nx.testns.svc.cluster.local.", qtype: "A", rcode: NoError,
		answer: []string{"ext-nx.testns.svc.cluster.local. 5 IN CNAME nx.interwebs.test."}},
	{from: "kubernetes.go Services isDefaultNS, ns.go: ns.dns.<zone> is the kube-dns ClusterIP", qname: "ns.dns.cluster.local.", qtype: "A", rcode: NoError,
		answer: []string{"ns.dns.cluster.local. 5 IN A 10.0.0.10"}},
	{from: "kubernetes.go findPods: pods disabled makes <ns>.pod NXDOMAIN", qname: "podns.pod.cluster.local.", qtype: "A", rcode: NXDomain, ns: soaCL},
	{from: "namespace.go: the namespaces option hides a namespace", qname: "svc1.unexposedns.svc.cluster.local.", qtype: "A", rcode: NXDomain, ns: soaCL},
	{from: "parse.go: more labels than port, protocol, service, namespace", qname: "a.b.c.svc1.testns.svc.cluster.local.", qtype: "A", rcode: NXDomain, ns: soaCL},
	{from: "kube-apiserver: default/kubernetes has port https/TCP 443", qname: "_https._tcp.kubernetes.default.svc.cluster.local.", qtype: "SRV", rcode: NoError,
		answer: []string{"_https._tcp.kubernetes.default.svc.cluster.local. 5 IN SRV 0 100 443 kubernetes.default.svc.cluster.local."}},
}

// k8sInsecureSourceCases: from findPods' source, with pods insecure.
var k8sInsecureSourceCases = []k8sCase{
	{from: "kubernetes.go findPods: labels left of the pod label are ignored", qname: "x.10-240-0-1.podns.pod.cluster.local.", qtype: "A", rcode: NoError,
		answer: []string{"x.10-240-0-1.podns.pod.cluster.local. 5 IN A 10.240.0.1"}},
	{from: "kubernetes.go findPods: an IPv6 pod name", qname: "1234-abcd--1.podns.pod.cluster.local.", qtype: "AAAA", rcode: NoError,
		answer: []string{"1234-abcd--1.podns.pod.cluster.local. 5 IN AAAA 1234:abcd::1"}},
	{from: "kubernetes.go findPods: an IPv4 pod has no AAAA: NODATA", qname: "10-240-0-1.podns.pod.cluster.local.", qtype: "AAAA", rcode: NoError, ns: soaCL},
}

// k8sAKSCases run on the AKS default Corefile alone: ttl 30, pods insecure,
// fallthrough in-addr.arpa ip6.arpa (kubernetes-dns.md §3.1).
var k8sAKSCases = []k8sCase{
	{from: "AKS Corefile: ttl 30", qname: "svc1.testns.svc.cluster.local.", qtype: "A", rcode: NoError,
		answer: []string{"svc1.testns.svc.cluster.local. 30 IN A 10.0.0.1"}},
	{from: "AKS Corefile: ttl 30 is the SOA minimum", qname: "svc0.testns.svc.cluster.local.", qtype: "A", rcode: NXDomain, ns: k8sSOA("cluster.local", 30)},
	{from: "AKS Corefile: pods insecure", qname: "10-240-0-1.podns.pod.cluster.local.", qtype: "A", rcode: NoError,
		answer: []string{"10-240-0-1.podns.pod.cluster.local. 30 IN A 10.240.0.1"}},
	{from: "AKS Corefile: a ClusterIP's PTR", qname: "3.0.0.10.in-addr.arpa.", qtype: "PTR", rcode: NoError,
		answer: []string{"3.0.0.10.in-addr.arpa. 30 IN PTR svc-dual-stack.testns.svc.cluster.local."}},
	{from: "AKS Corefile: a dual-stack service's IPv6 ClusterIP's PTR", qname: "3.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.ip6.arpa.", qtype: "PTR", rcode: NoError,
		answer: []string{"3.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.ip6.arpa. 30 IN PTR svc-dual-stack.testns.svc.cluster.local."}},
	{from: "AKS Corefile: another address's PTR falls through to forward", qname: "99.0.0.10.in-addr.arpa.", qtype: "PTR", rcode: NXDomain},
}

func TestK8sCoreDNSHandlerCases(t *testing.T) {
	const (
		cidr  = "10.0.0.0/16"
		dnsIP = "10.0.0.10"
	)
	groups := []struct {
		test, folder, cidr, dnsIP, server string
		cases                             []k8sCase
	}{
		{"handler_test.go TestServeDNS", "handler", cidr, dnsIP, `
cluster.local:53 {
    kubernetes cluster.local {
        namespaces testns
    }
}`, k8sServeDNSCases},
		{"handler_test.go TestServeNamespaceDNS", "handler", cidr, dnsIP, `
cluster.local:53 {
    kubernetes cluster.local
}`, k8sNamespaceCases},
		{"handler_pod_disabled_test.go TestServeDNSModeDisabled", "handler", cidr, dnsIP, `
cluster.local:53 {
    kubernetes cluster.local {
        pods disabled
    }
}`, k8sPodDisabledCases},
		{"handler_pod_insecure_test.go TestServeDNSModeInsecure", "handler", cidr, dnsIP, `
cluster.local:53 {
    kubernetes cluster.local {
        pods insecure
    }
}`, k8sPodInsecureCases},
		{"handler_pod_verified_test.go TestServeDNSModeVerified", "handler", cidr, dnsIP, `
cluster.local:53 {
    kubernetes cluster.local {
        pods verified
    }
}`, k8sPodVerifiedCases},
		{"handler_case_test.go TestPreserveCase", "handler", cidr, dnsIP, `
cluster.local:53 {
    kubernetes cluster.local {
        ignore empty_service
    }
}`, k8sCaseCases},
		{"handler_ignore_emptyservice_test.go TestServeDNSEmptyService", "handler", cidr, dnsIP, `
cluster.local:53 {
    kubernetes cluster.local {
        ignore empty_service
    }
}`, k8sEmptyServiceCases},
		{"kubernetes_apex_test.go TestServeDNSApex", "handler", cidr, dnsIP, `
cluster.local:53 {
    kubernetes cluster.local
}`, k8sApexCases},
		{"reverse_test.go TestReverse", "reverse", "192.168.0.0/16", "192.168.0.10", `
cluster.local:53 0.10.in-addr.arpa:53 168.192.in-addr.arpa:53 0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa:53 0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa:53 {
    kubernetes cluster.local 0.10.in-addr.arpa 168.192.in-addr.arpa 0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa 0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa
}`, k8sReverseCases},
		{"CoreDNS source (not an upstream test)", "extra", cidr, dnsIP, `
cluster.local:53 {
    kubernetes cluster.local {
        namespaces testns default
    }
}`, k8sSourceCases},
		{"CoreDNS source, pods insecure (not an upstream test)", "extra", cidr, dnsIP, `
cluster.local:53 {
    kubernetes cluster.local {
        pods insecure
    }
}`, k8sInsecureSourceCases},
		{"the AKS default Corefile", "handler", cidr, dnsIP, "", k8sAKSCases},
	}
	n := 0
	for _, g := range groups {
		d := k8sCoreDNS(t, g.folder, g.cidr, g.dnsIP, g.server)
		for _, tc := range g.cases {
			n++
			t.Run(g.test+"/"+tc.from+"/"+tc.qname+" "+string(tc.qtype), func(t *testing.T) {
				name, err := model.CanonicalName(tc.qname)
				if err != nil {
					t.Fatal(err)
				}
				tr := &Trace{}
				r := d.Resolve(Question{Name: name, Type: tc.qtype}, k8sUpstream(), tr)
				if msg := checkK8sReply(r, tc); msg != "" {
					t.Errorf("%s\ntrace:\n%s", msg, tr)
				}
				if !strings.Contains(tr.String(), "kubernetes: ") {
					t.Errorf("the trace does not name the kubernetes plugin:\n%s", tr)
				}
			})
		}
	}
	t.Logf("%d cases", n)
}

func checkK8sReply(r Reply, tc k8sCase) string {
	var b strings.Builder
	if r.RCode != tc.rcode {
		fmt.Fprintf(&b, "rcode %s, want %s\n", r.RCode, tc.rcode)
	}
	// Forwarded answers are not the plugin's: only the plugin's set AA.
	if tc.ns != "" || len(tc.answer) > 0 {
		if !r.Authoritative {
			b.WriteString("not authoritative\n")
		}
	}
	got := make([]string, len(r.Answer))
	for i, rr := range r.Answer {
		got[i] = k8sRR(rr)
	}
	want := slices.Clone(tc.answer)
	// A CNAME comes before the records of its target (test.CNAMEOrder).
	for i, rr := range r.Answer {
		if rr.Type == model.TypeCNAME {
			for _, before := range r.Answer[:i] {
				if before.Name == rr.Data.Target {
					fmt.Fprintf(&b, "the CNAME %s comes after its target's records\n", got[i])
				}
			}
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		fmt.Fprintf(&b, "answer\n  %s\nwant\n  %s\n", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	soa := ""
	if r.SOA != nil {
		s := r.SOA
		soa = fmt.Sprintf("%s. IN SOA %s. %s. %d %d %d %d", s.Zone, s.MName, s.RName, s.Refresh, s.Retry, s.Expire, s.MinTTL)
	}
	if soa != tc.ns {
		fmt.Fprintf(&b, "authority %q, want %q\n", soa, tc.ns)
	}
	return b.String()
}

// k8sRR writes a record as CoreDNS's tests do: owner. TTL IN TYPE data.
func k8sRR(rr RR) string {
	data := ""
	switch rr.Type {
	case model.TypeA, model.TypeAAAA:
		data = rr.Data.Addr.String()
	case model.TypeCNAME, model.TypePTR, TypeNS, TypeSOA:
		data = rr.Data.Target + "."
	case model.TypeSRV:
		data = fmt.Sprintf("%d %d %d %s.", rr.Data.Priority, rr.Data.Weight, rr.Data.Port, rr.Data.Target)
	case model.TypeTXT:
		data = rr.Data.Text
	}
	return fmt.Sprintf("%s. %d IN %s %s", rr.Name, rr.TTL, rr.Type, data)
}
