package model

import (
	"fmt"
	"hash/fnv"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// VantageKind is where a question is asked from.
type VantageKind string

const (
	VantagePod      VantageKind = "pod"
	VantageNode     VantageKind = "node"
	VantageVM       VantageKind = "vm"
	VantageHost     VantageKind = "host"
	VantageInternet VantageKind = "internet"
)

// Vantage names a place a question is asked from:
//
//	pod:CLUSTER/NAMESPACE[/POD]   a pod (POD names a Pod or a controller's pods)
//	node:CLUSTER                  a node of the cluster
//	vm:NAME                       an Azure VM or an EC2 instance
//	host:SITE[/NAME]              an on-prem host
//	internet                      a client on the public internet
type Vantage struct {
	Kind      VantageKind
	Cluster   string // pod, node
	Namespace string // pod
	Pod       string // pod, optional
	Name      string // vm, host (optional)
	Site      string // host
}

// ParseVantage parses the vantage syntax above.
func ParseVantage(s string) (Vantage, error) {
	if s == "internet" {
		return Vantage{Kind: VantageInternet}, nil
	}
	kind, rest, ok := strings.Cut(s, ":")
	usage := fmt.Errorf("vantage %q: write pod:CLUSTER/NAMESPACE[/POD], node:CLUSTER, vm:NAME, host:SITE[/NAME] or internet", s)
	if !ok || rest == "" {
		return Vantage{}, usage
	}
	parts := strings.Split(rest, "/")
	for _, p := range parts {
		if p == "" {
			return Vantage{}, usage
		}
	}
	switch VantageKind(kind) {
	case VantagePod:
		if len(parts) < 2 || len(parts) > 3 {
			return Vantage{}, fmt.Errorf("vantage %q: a pod is pod:CLUSTER/NAMESPACE or pod:CLUSTER/NAMESPACE/POD", s)
		}
		v := Vantage{Kind: VantagePod, Cluster: parts[0], Namespace: parts[1]}
		if len(parts) == 3 {
			v.Pod = parts[2]
		}
		return v, nil
	case VantageNode:
		if len(parts) != 1 {
			return Vantage{}, fmt.Errorf("vantage %q: a node is node:CLUSTER", s)
		}
		return Vantage{Kind: VantageNode, Cluster: parts[0]}, nil
	case VantageVM:
		if len(parts) != 1 {
			return Vantage{}, fmt.Errorf("vantage %q: a VM is vm:NAME", s)
		}
		return Vantage{Kind: VantageVM, Name: parts[0]}, nil
	case VantageHost:
		if len(parts) > 2 {
			return Vantage{}, fmt.Errorf("vantage %q: a host is host:SITE or host:SITE/NAME", s)
		}
		v := Vantage{Kind: VantageHost, Site: parts[0]}
		if len(parts) == 2 {
			v.Name = parts[1]
		}
		return v, nil
	}
	return Vantage{}, usage
}

func (v Vantage) String() string {
	switch v.Kind {
	case VantagePod:
		s := "pod:" + v.Cluster + "/" + v.Namespace
		if v.Pod != "" {
			s += "/" + v.Pod
		}
		return s
	case VantageNode:
		return "node:" + v.Cluster
	case VantageVM:
		return "vm:" + v.Name
	case VantageHost:
		if v.Name != "" {
			return "host:" + v.Site + "/" + v.Name
		}
		return "host:" + v.Site
	}
	return string(v.Kind)
}

// Vantages lists every vantage the topology implies: each workload of each
// cluster, each cluster's nodes, each VM and instance, each on-prem host, and
// the internet.
func (t *Topology) Vantages() []Vantage {
	var out []Vantage
	for _, c := range t.Azure.Clusters {
		out = append(out, Vantage{Kind: VantageNode, Cluster: c.Name})
		if c.Objects != nil {
			for _, w := range c.Objects.Workloads {
				out = append(out, Vantage{Kind: VantagePod, Cluster: c.Name, Namespace: w.Namespace, Pod: w.Name})
			}
		}
	}
	for _, vm := range t.Azure.VMs {
		out = append(out, Vantage{Kind: VantageVM, Name: vm.Name})
	}
	for _, i := range t.AWS.Instances {
		out = append(out, Vantage{Kind: VantageVM, Name: i.Name})
	}
	for _, s := range t.OnPrem.Sites {
		for _, h := range s.Hosts {
			out = append(out, Vantage{Kind: VantageHost, Site: s.Name, Name: h.Name})
		}
	}
	return append(out, Vantage{Kind: VantageInternet})
}

// Resolver is the stub resolver implementation of a vantage; they differ in
// when they search (kubernetes-dns.md §2.2–2.4).
type Resolver string

const (
	ResolverGlibc Resolver = "glibc"
	ResolverMusl  Resolver = "musl"
	ResolverGo    Resolver = "go"
)

// ResolverAnnotation on a pod template chooses the stub resolver its image
// uses (musl for Alpine, go for static Go binaries); the default is glibc.
const ResolverAnnotation = "aksnet.dev/resolver"

// ResolvConf is a vantage's /etc/resolv.conf, with the reasons behind it.
type ResolvConf struct {
	Nameservers []netip.Addr
	Search      []string
	Ndots       int
	Timeout     int // seconds
	Attempts    int
	Options     []string // other options, verbatim (edns0, single-request, …)
	Resolver    Resolver
	// Why explains, line by line, where each part came from.
	Why []string
}

// Defaults of glibc's resolver (resolv.h: RES_TIMEOUT 5, RES_DFLRETRY 2,
// ndots 1; kubernetes-dns.md §2.2).
const (
	defaultNdots    = 1
	defaultTimeout  = 5
	defaultAttempts = 2
)

// AzureDNS is the Azure-provided DNS address, the same in every VNet
// (azure-aws-dns.md §1.1).
var AzureDNS = netip.MustParseAddr("168.63.129.16")

// ClusterDomain is the cluster DNS domain; AKS does not let users change it.
const ClusterDomain = "cluster.local"

// Kubelet's limits after merging (kubernetes-dns.md §2.1, dns.go).
const (
	maxNameservers  = 3
	maxSearchPaths  = 32
	maxSearchChars  = 2048
	maxSearchDomain = 253
)

// ResolvConf derives the resolv.conf of a vantage the way the platform
// writes it: DHCP from the NIC or VNet DNS setting for Azure machines, the
// DHCP options set for EC2, the site for on-prem hosts, and kubelet's rules
// for pods.
func (t *Topology) ResolvConf(v Vantage) (*ResolvConf, error) {
	switch v.Kind {
	case VantageNode:
		c, err := t.cluster(v.Cluster)
		if err != nil {
			return nil, err
		}
		return t.nodeResolvConf(c)
	case VantagePod:
		return t.podResolvConf(v)
	case VantageVM:
		if vm := Lookup[VM](t, v.Name); vm != nil {
			if vm.Subnet.Target == nil {
				return nil, fmt.Errorf("vm %s has no resolved subnet", vm.Name)
			}
			rc := azureResolvConf(vm.Subnet.Target.VNet, vm.DNSServers, "vm "+vm.Name, vm.Loc)
			return rc, nil
		}
		if i := Lookup[EC2Instance](t, v.Name); i != nil {
			return ec2ResolvConf(i)
		}
		return nil, t.unknown("vm", v.Name, t.vmNames())
	case VantageHost:
		return t.hostResolvConf(v)
	case VantageInternet:
		return &ResolvConf{Ndots: defaultNdots, Timeout: defaultTimeout, Attempts: defaultAttempts, Resolver: ResolverGlibc,
			Why: []string{"a client on the internet asks a public recursive resolver, which sees only public DNS"}}, nil
	}
	return nil, fmt.Errorf("unknown vantage kind %q", v.Kind)
}

func (t *Topology) cluster(name string) (*Cluster, error) {
	if c := Lookup[Cluster](t, name); c != nil {
		return c, nil
	}
	names := make([]string, 0, len(t.Azure.Clusters))
	for _, c := range t.Azure.Clusters {
		names = append(names, c.Name)
	}
	return nil, t.unknown("cluster", name, names)
}

func (t *Topology) unknown(kind, name string, names []string) error {
	sort.Strings(names)
	if c := Closest(name, names); c != "" {
		return fmt.Errorf("unknown %s %q; did you mean %q?", kind, name, c)
	}
	if len(names) == 0 {
		return fmt.Errorf("unknown %s %q: the topology has none", kind, name)
	}
	return fmt.Errorf("unknown %s %q; known: %s", kind, name, strings.Join(firstN(names, 10), ", "))
}

func (t *Topology) vmNames() []string {
	var n []string
	for _, vm := range t.Azure.VMs {
		n = append(n, vm.Name)
	}
	for _, i := range t.AWS.Instances {
		n = append(n, i.Name)
	}
	return n
}

// azureResolvConf is what Azure's DHCP hands a NIC: its own DNS servers, else
// the VNet's, else Azure DNS; with Azure DNS the search domain is the VNet's
// internal.cloudapp.net suffix, with custom servers the placeholder
// reddog.microsoft.com (azure-aws-dns.md §1.1, §1.8; kubernetes-dns.md §2.1).
func azureResolvConf(vnet *VNet, nicDNS []netip.Addr, who string, at Location) *ResolvConf {
	rc := &ResolvConf{Ndots: defaultNdots, Timeout: defaultTimeout, Attempts: defaultAttempts, Resolver: ResolverGlibc}
	switch {
	case len(nicDNS) > 0:
		rc.Nameservers = nicDNS
		rc.Why = append(rc.Why, fmt.Sprintf("nameservers: the NIC DNS servers of %s (%s), which override the VNet's", who, at))
	case len(vnet.DNSServers) > 0:
		rc.Nameservers = vnet.DNSServers
		rc.Why = append(rc.Why, fmt.Sprintf("nameservers: the DNS servers of vnet %s (%s)", vnet.Name, vnet.Loc))
	default:
		rc.Nameservers = []netip.Addr{AzureDNS}
		rc.Why = append(rc.Why, fmt.Sprintf("nameservers: Azure-provided DNS, as vnet %s sets no DNS servers", vnet.Name))
	}
	if len(rc.Nameservers) > maxNameservers {
		rc.Why = append(rc.Why, fmt.Sprintf("only the first %d of %d DNS servers are used (glibc MAXNS)", maxNameservers, len(rc.Nameservers)))
		rc.Nameservers = rc.Nameservers[:maxNameservers]
	}
	if len(rc.Nameservers) == 1 && rc.Nameservers[0] == AzureDNS {
		rc.Search = []string{InternalCloudappSuffix(vnet)}
		rc.Why = append(rc.Why, "search: the VNet's internal.cloudapp.net suffix, which Azure DNS gives (the VNet ID part is synthesised)")
	} else {
		rc.Search = []string{"reddog.microsoft.com"}
		rc.Why = append(rc.Why, "search: reddog.microsoft.com, the placeholder DHCP gives with custom DNS servers")
	}
	return rc
}

// InternalCloudappSuffix is the VM DNS suffix Azure DNS hands out,
// <vnetId>.<region>.internal.cloudapp.net. The real ID is opaque; aksnet
// derives a stable one from the VNet's name.
func InternalCloudappSuffix(v *VNet) string {
	h := fnv.New32a()
	h.Write([]byte(v.Name))
	region := v.Region
	if region == "" {
		region = "region"
	}
	return strconv.FormatUint(uint64(h.Sum32()), 36) + "." + strings.ToLower(region) + ".internal.cloudapp.net"
}

func (t *Topology) nodeResolvConf(c *Cluster) (*ResolvConf, error) {
	v := c.VNet()
	if v == nil {
		return nil, fmt.Errorf("cluster %s: its first node pool has no resolved subnet", c.Name)
	}
	rc := azureResolvConf(v, nil, "", Location{})
	rc.Why = append([]string{fmt.Sprintf("a node of cluster %s gets its DNS from DHCP in vnet %s", c.Name, v.Name)}, rc.Why...)
	return rc, nil
}

func ec2ResolvConf(i *EC2Instance) (*ResolvConf, error) {
	if i.Subnet.Target == nil {
		return nil, fmt.Errorf("instance %s has no resolved subnet", i.Name)
	}
	vpc := i.Subnet.Target.VPC
	rc := &ResolvConf{Ndots: defaultNdots, Timeout: defaultTimeout, Attempts: defaultAttempts, Resolver: ResolverGlibc}
	amazon := true
	if d := vpc.DHCPOptions; d != nil && len(d.DomainNameServers) > 0 {
		amazon = false
		for _, s := range d.DomainNameServers {
			if s == "AmazonProvidedDNS" {
				amazon = true
				continue
			}
			if a, err := netip.ParseAddr(s); err == nil {
				rc.Nameservers = append(rc.Nameservers, a)
			}
		}
	}
	if amazon {
		rc.Nameservers = append([]netip.Addr{vpc.ResolverIP()}, rc.Nameservers...)
		rc.Why = append(rc.Why, fmt.Sprintf("nameservers: the Amazon DNS server of vpc %s (its primary CIDR's base + 2)", vpc.Name))
	} else {
		rc.Why = append(rc.Why, fmt.Sprintf("nameservers: the domain-name-servers of vpc %s's DHCP options", vpc.Name))
	}
	switch {
	case vpc.DHCPOptions != nil && vpc.DHCPOptions.DomainName != "":
		rc.Search = strings.Fields(vpc.DHCPOptions.DomainName)
	case vpc.Region == "us-east-1":
		rc.Search = []string{"ec2.internal"}
	case vpc.Region != "":
		rc.Search = []string{vpc.Region + ".compute.internal"}
	}
	return rc, nil
}

func (t *Topology) hostResolvConf(v Vantage) (*ResolvConf, error) {
	s := Lookup[Site](t, v.Site)
	if s == nil {
		var names []string
		for _, s := range t.OnPrem.Sites {
			names = append(names, s.Name)
		}
		return nil, t.unknown("site", v.Site, names)
	}
	rc := &ResolvConf{Ndots: defaultNdots, Timeout: defaultTimeout, Attempts: defaultAttempts, Resolver: ResolverGlibc,
		Nameservers: s.DNSServers, Search: s.Search}
	rc.Why = append(rc.Why, fmt.Sprintf("nameservers and search: site %s (%s)", s.Name, s.Loc))
	if v.Name != "" {
		h := Lookup[Host](t, s.Name+"/"+v.Name)
		if h == nil {
			var names []string
			for _, h := range s.Hosts {
				names = append(names, h.Name)
			}
			return nil, t.unknown("host of site "+s.Name, v.Name, names)
		}
		if len(h.DNSServers) > 0 {
			rc.Nameservers = h.DNSServers
			rc.Why = append(rc.Why, fmt.Sprintf("nameservers: host %s's own (%s)", h.Name, h.Loc))
		}
	}
	if len(rc.Nameservers) == 0 {
		rc.Why = append(rc.Why, "no DNS servers: glibc falls back to 127.0.0.1, where nothing answers")
	}
	return rc, nil
}

// podResolvConf follows kubelet's GetPodDNS (pkg/kubelet/network/dns/dns.go;
// kubernetes-dns.md §2.1).
func (t *Topology) podResolvConf(v Vantage) (*ResolvConf, error) {
	c, err := t.cluster(v.Cluster)
	if err != nil {
		return nil, err
	}
	node, err := t.nodeResolvConf(c)
	if err != nil {
		return nil, err
	}
	var spec corev1.PodSpec
	var annotations map[string]string
	who := fmt.Sprintf("a pod in namespace %s", v.Namespace)
	if v.Pod != "" {
		var w *Workload
		if c.Objects != nil {
			w = c.Objects.Workload(v.Namespace, v.Pod)
		}
		if w == nil {
			var names []string
			if c.Objects != nil {
				for _, w := range c.Objects.Workloads {
					if w.Namespace == v.Namespace {
						names = append(names, w.Name)
					}
				}
			}
			return nil, t.unknown(fmt.Sprintf("pod or workload in %s/%s", c.Name, v.Namespace), v.Pod, names)
		}
		spec, annotations = w.Template.Spec, w.Template.Annotations
		who = fmt.Sprintf("%s %s/%s (%s)", w.Kind, w.Namespace, w.Name, w.Loc)
	}
	policy := spec.DNSPolicy
	if policy == "" {
		policy = corev1.DNSClusterFirst
	}
	rc := &ResolvConf{Timeout: defaultTimeout, Attempts: defaultAttempts, Resolver: ResolverGlibc}
	switch r := Resolver(annotations[ResolverAnnotation]); r {
	case ResolverMusl, ResolverGo:
		rc.Resolver = r
	}
	if policy == corev1.DNSClusterFirst && spec.HostNetwork {
		policy = corev1.DNSDefault
		rc.Why = append(rc.Why, "dnsPolicy ClusterFirst with hostNetwork falls back to Default")
	}
	switch policy {
	case corev1.DNSClusterFirst, corev1.DNSClusterFirstWithHostNet:
		rc.Nameservers = []netip.Addr{c.EffectiveDNSServiceIP()}
		rc.Search = []string{v.Namespace + ".svc." + ClusterDomain, "svc." + ClusterDomain, ClusterDomain}
		rc.Search = appendUnique(rc.Search, node.Search...)
		rc.Ndots = 5
		rc.Why = append(rc.Why, fmt.Sprintf("dnsPolicy %s for %s: nameserver is kube-dns %s; search is the cluster's, then the node's; options ndots:5", policy, who, c.EffectiveDNSServiceIP()))
	case corev1.DNSDefault:
		rc.Nameservers = node.Nameservers
		rc.Search = node.Search
		rc.Ndots = node.Ndots
		rc.Why = append(rc.Why, fmt.Sprintf("dnsPolicy Default for %s: the node's resolv.conf", who))
		rc.Why = append(rc.Why, node.Why...)
	case corev1.DNSNone:
		rc.Ndots = defaultNdots
		rc.Why = append(rc.Why, fmt.Sprintf("dnsPolicy None for %s: everything comes from dnsConfig", who))
	default:
		return nil, fmt.Errorf("%s: unknown dnsPolicy %q", who, policy)
	}
	if dc := spec.DNSConfig; dc != nil {
		for _, s := range dc.Nameservers {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("%s: dnsConfig nameserver %q is not an IP address", who, s)
			}
			if !containsAddrList(rc.Nameservers, a) {
				rc.Nameservers = append(rc.Nameservers, a)
			}
		}
		rc.Search = appendUnique(rc.Search, dc.Searches...)
		for _, o := range dc.Options {
			val := ""
			if o.Value != nil {
				val = *o.Value
			}
			if err := rc.setOption(o.Name, val); err != nil {
				return nil, fmt.Errorf("%s: dnsConfig option %s: %v", who, o.Name, err)
			}
		}
		rc.Why = append(rc.Why, "dnsConfig is merged in: nameservers and searches appended, options override by name")
	}
	if policy == corev1.DNSNone && len(rc.Nameservers) == 0 {
		return nil, fmt.Errorf("%s: dnsPolicy None needs at least one dnsConfig nameserver", who)
	}
	rc.applyLimits()
	return rc, nil
}

// setOption applies one resolv.conf option.
func (rc *ResolvConf) setOption(name, val string) error {
	num := func(lo, hi int) (int, error) {
		n, err := strconv.Atoi(val)
		if err != nil {
			return 0, fmt.Errorf("value %q is not a number", val)
		}
		return min(max(n, lo), hi), nil
	}
	var err error
	switch name {
	case "ndots":
		rc.Ndots, err = num(0, 15)
	case "timeout":
		rc.Timeout, err = num(1, 30)
	case "attempts":
		rc.Attempts, err = num(1, 5)
	default:
		o := name
		if val != "" {
			o += ":" + val
		}
		for i, existing := range rc.Options {
			if n, _, _ := strings.Cut(existing, ":"); n == name {
				rc.Options[i] = o
				return nil
			}
		}
		rc.Options = append(rc.Options, o)
	}
	return err
}

// applyLimits enforces kubelet's limits after the merge.
func (rc *ResolvConf) applyLimits() {
	if len(rc.Nameservers) > maxNameservers {
		rc.Why = append(rc.Why, fmt.Sprintf("kubelet keeps the first %d nameservers of %d", maxNameservers, len(rc.Nameservers)))
		rc.Nameservers = rc.Nameservers[:maxNameservers]
	}
	var kept []string
	chars := 0
	for _, s := range rc.Search {
		if len(s) > maxSearchDomain {
			rc.Why = append(rc.Why, fmt.Sprintf("kubelet drops the search domain %.20s… (longer than %d)", s, maxSearchDomain))
			continue
		}
		if len(kept) == maxSearchPaths || chars+len(s) > maxSearchChars {
			rc.Why = append(rc.Why, fmt.Sprintf("kubelet truncates the search list to %d entries / %d characters", maxSearchPaths, maxSearchChars))
			break
		}
		kept = append(kept, s)
		chars += len(s) + 1
	}
	rc.Search = kept
}

// String renders the file as it would be on disk.
func (rc *ResolvConf) String() string {
	var b strings.Builder
	for _, n := range rc.Nameservers {
		fmt.Fprintf(&b, "nameserver %s\n", n)
	}
	if len(rc.Search) > 0 {
		fmt.Fprintf(&b, "search %s\n", strings.Join(rc.Search, " "))
	}
	var opts []string
	if rc.Ndots != defaultNdots {
		opts = append(opts, "ndots:"+strconv.Itoa(rc.Ndots))
	}
	if rc.Timeout != defaultTimeout {
		opts = append(opts, "timeout:"+strconv.Itoa(rc.Timeout))
	}
	if rc.Attempts != defaultAttempts {
		opts = append(opts, "attempts:"+strconv.Itoa(rc.Attempts))
	}
	opts = append(opts, rc.Options...)
	if len(opts) > 0 {
		fmt.Fprintf(&b, "options %s\n", strings.Join(opts, " "))
	}
	return b.String()
}

func appendUnique(list []string, add ...string) []string {
	for _, a := range add {
		a = strings.TrimSuffix(a, ".")
		dup := false
		for _, l := range list {
			if l == a {
				dup = true
				break
			}
		}
		if !dup {
			list = append(list, a)
		}
	}
	return list
}

func containsAddrList(list []netip.Addr, a netip.Addr) bool {
	for _, l := range list {
		if l == a {
			return true
		}
	}
	return false
}
