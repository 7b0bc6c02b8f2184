package netpol

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/aksnet/aksnet/internal/model"
)

// Options tune an analysis.
type Options struct {
	// Engine is the policy engine; see EngineOf for a cluster's.
	Engine Engine
	// KubernetesVersion ("1.31") picks the engine release where it matters
	// (Cilium's endPort support).
	KubernetesVersion string
	// PodRanges are where pods take their addresses when a manifest does
	// not record them (a cluster's pod CIDR, or its pod or node subnets).
	// Empty means unknown: any address. They matter only to engines whose
	// ipBlocks match pods.
	PodRanges []netip.Prefix
	// NodeRanges are the nodes' subnets: the addresses of hostNetwork pods.
	NodeRanges []netip.Prefix
	// HostNetworkAsPods treats hostNetwork pods as pods like any other.
	// Kubernetes leaves them undefined between two readings: an engine that
	// "can distinguish hostNetwork pod traffic from all other traffic ...
	// will apply network policy to hostNetwork pods just like it does to
	// pod-network pods"; one that cannot "ignores hostNetwork pods when
	// matching podSelector and namespaceSelector ... (This is the most common
	// implementation.)" (kubernetes/website network-policies.md, "NetworkPolicy
	// and hostNetwork pods"). The default is the common reading, which is also
	// Cilium's on AKS (aks-constraints.md §1.1); true is the other, which
	// netpol-analyzer takes.
	HostNetworkAsPods bool
}

// Warning is something an analysis assumed or could not decide, with the
// place it concerns.
type Warning struct {
	Loc model.Location
	Msg string
}

func (w Warning) String() string {
	if w.Loc.IsZero() {
		return w.Msg
	}
	return w.Loc.String() + ": " + w.Msg
}

// Analyzer answers network-policy questions about one cluster's objects. It
// is built once (New) and then only read — Map builds its tables apart — so
// it is safe for concurrent use.
//
// Pods are grouped by everything a policy can see of them — namespace, labels,
// named ports, hostNetwork and, for engines whose ipBlocks match pods, how
// their addresses fall in each policy CIDR — so that evaluation cost follows
// the distinct groups, not the pod count.
type Analyzer struct {
	sem        Semantics
	namespaces map[string]*nsInfo
	groups     []*group
	workloads  []*Workload
	byKey      map[string]*Workload // "ns/name[Kind]"
	byName     map[string][]*Workload
	byPodName  map[string]*Workload // "ns/pod" of Pods, and ns/name of controllers
	byAddr     map[uint32]*group

	nets     []*netInfo
	policies []*policy
	// programs[dir][group] are the rules that apply to a group's traffic in
	// one direction, in evaluation order.
	programs [2][]*program
	// srcCuts and dstCuts are the address ranges policies name for sources
	// (ingress rules) and destinations (egress rules): the external peers of
	// the map are the atoms they cut.
	srcCuts, dstCuts []IPRange

	warnings []Warning
	warned   map[string]bool
}

// Semantics returns the engine semantics the analyzer applies.
func (a *Analyzer) Semantics() Semantics { return a.sem }

// Warnings returns what the analysis assumed or could not decide.
func (a *Analyzer) Warnings() []Warning { return a.warnings }

func (a *Analyzer) warnf(loc model.Location, key, format string, args ...any) {
	if key != "" {
		if a.warned[key] {
			return
		}
		a.warned[key] = true
	}
	a.warnings = append(a.warnings, Warning{Loc: loc, Msg: fmt.Sprintf(format, args...)})
}

type nsInfo struct {
	name   string
	labels labels.Set
}

// group is a set of pods no policy can tell apart.
type group struct {
	idx         int
	ns          *nsInfo
	labels      labels.Set
	ports       []corev1.ContainerPort
	portSig     int32
	hostNetwork bool
	netIn       []membership // per Analyzer.nets, when ipBlocks match pods
	workloads   []*Workload
	name        string // a workload of the group, for messages
}

// Workload is what the map shows: a controller, or a Pod (pods of one
// controller, named by their owner reference, are one workload), named as
// netpol-analyzer names them: namespace/name[Kind].
type Workload struct {
	Namespace, Name, Kind string
	Loc                   model.Location
	groups                []*group
}

func (w *Workload) String() string { return w.Namespace + "/" + w.Name + "[" + w.Kind + "]" }

// netInfo is a set of addresses a peer names: an ipBlock (cidr less its
// excepts) or an admin policy's networks.
type netInfo struct {
	set  ipSet
	text string
	// cuts are the ranges as written (each network CIDR; an ipBlock less
	// its excepts), the map's address ranges are cut at.
	cuts []IPRange
}

// New builds the analyzer of a cluster's objects. Errors are policies or
// objects Kubernetes would refuse (the API server validates them; aksnet
// reads manifests that never met one), each at its object with the field.
func New(objs *model.KubeObjects, opts Options) (*Analyzer, model.ErrorList) {
	if opts.Engine == "" {
		opts.Engine = Cilium
	}
	a := &Analyzer{
		sem:        SemanticsOf(opts.Engine, opts.KubernetesVersion),
		namespaces: map[string]*nsInfo{},
		byKey:      map[string]*Workload{},
		byName:     map[string][]*Workload{},
		byPodName:  map[string]*Workload{},
		byAddr:     map[uint32]*group{},
		warned:     map[string]bool{},
	}
	var errs model.ErrorList
	c := &compiler{a: a, errs: &errs, netIdx: map[string]int{}, partly: map[partlyKey]bool{}}
	for _, n := range objs.Namespaces {
		a.namespace(objs, n.Name)
	}
	c.policies(objs)
	a.buildGroups(objs, opts)
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	c.resolve()
	a.buildPrograms()
	return a, nil
}

func (a *Analyzer) namespace(objs *model.KubeObjects, name string) *nsInfo {
	if n, ok := a.namespaces[name]; ok {
		return n
	}
	n := &nsInfo{name: name, labels: labels.Set(objs.Namespace(name).Labels)}
	a.namespaces[name] = n
	return n
}

// buildGroups files every pod (a Pod, or the pods of a controller's
// template) under its workload and its group.
func (a *Analyzer) buildGroups(objs *model.KubeObjects, opts Options) {
	podRanges, nodeRanges := rangesOf(opts.PodRanges), rangesOf(opts.NodeRanges)
	groups := map[string]*group{}
	portSigs := map[string]int32{}
	netInCache := map[string][]membership{}
	wls := append([]*model.Workload(nil), objs.Workloads...)
	sort.SliceStable(wls, func(i, j int) bool {
		if wls[i].Namespace != wls[j].Namespace {
			return wls[i].Namespace < wls[j].Namespace
		}
		return wls[i].Name < wls[j].Name
	})
	for _, mw := range wls {
		ns := a.namespace(objs, mw.Namespace)
		kind, name := mw.Kind, mw.Name
		if mw.Kind == "Pod" {
			// netpol-analyzer's workload of a Pod is its controller
			// (pkg/netpol/eval/internal/k8s/pod.go: the controller owner
			// reference, unless it is a Node, as for static pods).
			for _, o := range mw.Template.OwnerReferences {
				if o.Controller != nil && *o.Controller && o.Kind != "Node" {
					kind, name = o.Kind, o.Name
					if kind == "" {
						kind = "Pod" // an owner reference without a kind, as netpol-analyzer reads it
					}
					break
				}
			}
		}
		key := ns.name + "/" + name + "[" + kind + "]"
		w := a.byKey[key]
		if w == nil {
			w = &Workload{Namespace: ns.name, Name: name, Kind: kind, Loc: mw.Loc}
			a.byKey[key] = w
			a.byName[ns.name+"/"+name] = append(a.byName[ns.name+"/"+name], w)
			a.workloads = append(a.workloads, w)
		}
		if _, ok := a.byPodName[ns.name+"/"+mw.Name]; !ok {
			a.byPodName[ns.name+"/"+mw.Name] = w
		}

		spec := mw.Template.Spec
		if opts.HostNetworkAsPods {
			spec.HostNetwork = false
		}
		var ports []corev1.ContainerPort
		for _, ctr := range spec.Containers {
			ports = append(ports, ctr.Ports...)
		}
		sig := portSignature(ports)
		if _, ok := portSigs[sig]; !ok {
			portSigs[sig] = int32(len(portSigs))
		}

		// The addresses the pods may have: recorded in the manifest, else
		// the cluster's pod (or, for hostNetwork, node) ranges, else any.
		ips := podRanges
		if spec.HostNetwork {
			ips = nodeRanges
		}
		var addrs []uint32
		if !spec.HostNetwork {
			var set ipSet
			for _, s := range mw.PodIPs {
				if ip, err := netip.ParseAddr(s); err == nil && ip.Is4() {
					u := addrToUint(ip)
					set = set.union(ipSet{{u, u}})
					addrs = append(addrs, u)
				}
			}
			if len(set) > 0 {
				ips = set
			}
		}
		if len(ips) == 0 {
			ips = allIPv4
		}
		ipKey := ipSetKey(ips)
		netIn, ok := netInCache[ipKey]
		if !ok && a.sem.IPBlockSelectsPods {
			netIn = make([]membership, len(a.nets))
			for i, n := range a.nets {
				netIn[i] = n.set.relate(ips)
			}
			netInCache[ipKey] = netIn
		}

		labelSet := labels.Set(mw.Template.Labels)
		gkey := ns.name + "\x00" + labelKey(labelSet) + "\x00" + sig
		if spec.HostNetwork {
			gkey += "\x00host"
		}
		if a.sem.IPBlockSelectsPods {
			// Addresses matter only as the policies' blocks see them.
			m := make([]byte, len(netIn))
			for i, x := range netIn {
				m[i] = byte(x)
			}
			gkey += "\x00" + string(m)
		}
		g := groups[gkey]
		if g == nil {
			g = &group{idx: len(a.groups), ns: ns, labels: labelSet, ports: ports, portSig: portSigs[sig],
				hostNetwork: spec.HostNetwork, netIn: netIn, name: w.String()}
			groups[gkey] = g
			a.groups = append(a.groups, g)
		}
		for _, u := range addrs {
			a.byAddr[u] = g
		}
		if !containsGroup(w.groups, g) {
			w.groups = append(w.groups, g)
		}
		if len(g.workloads) == 0 || g.workloads[len(g.workloads)-1] != w {
			g.workloads = append(g.workloads, w) // for naming the group
		}
		if spec.HostNetwork {
			a.warnf(mw.Loc, "hostnet/"+key, "%s uses the host network: no NetworkPolicy selects it, as subject or as a pod peer "+
				"(Kubernetes leaves hostNetwork pods undefined and most engines ignore them; Cilium on AKS applies no policy to them; "+
				"network-policy-api excludes them from subjects and pod peers)", w)
		}
	}
	sort.Slice(a.workloads, func(i, j int) bool { return workloadLess(a.workloads[i], a.workloads[j]) })
	for _, w := range a.workloads {
		if len(w.groups) > 1 {
			a.warnf(w.Loc, "", "the pods of %s differ in labels, named ports or addresses (%d variants); "+
				"the map shows the connections all of them have", w, len(w.groups))
		}
	}
}

// ipSetKey encodes a set of addresses for grouping: pods with the same
// possible addresses relate alike to every policy's blocks.
func ipSetKey(s ipSet) string {
	b := make([]byte, 0, 8*len(s))
	for _, r := range s {
		b = append(b, byte(r.Lo>>24), byte(r.Lo>>16), byte(r.Lo>>8), byte(r.Lo), byte(r.Hi>>24), byte(r.Hi>>16), byte(r.Hi>>8), byte(r.Hi))
	}
	return string(b)
}

func containsGroup(gs []*group, g *group) bool {
	for _, x := range gs {
		if x == g {
			return true
		}
	}
	return false
}

func workloadLess(a, b *Workload) bool {
	if a.Namespace != b.Namespace {
		return a.Namespace < b.Namespace
	}
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	return a.Kind < b.Kind
}

func rangesOf(ps []netip.Prefix) ipSet {
	var s ipSet
	for _, p := range ps {
		if p.IsValid() && p.Addr().Is4() {
			s = s.union(ipSet{prefixRange(p)})
		}
	}
	return s
}

func labelKey(s labels.Set) string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(s[k])
		b.WriteByte(0)
	}
	return b.String()
}

// portSignature names a pod's named ports; pods with the same names on the
// same numbers resolve every named-port rule alike.
func portSignature(ports []corev1.ContainerPort) string {
	var parts []string
	for _, p := range ports {
		if p.Name != "" {
			parts = append(parts, fmt.Sprintf("%s/%s/%d", p.Name, p.Protocol, p.ContainerPort))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// Workloads returns every workload, sorted by namespace and name.
func (a *Analyzer) Workloads() []*Workload { return a.workloads }

// Lookup finds a workload by NS/NAME, where NAME is a workload's name (a
// controller, or a Pod's controller), a Pod's own name, or NAME[Kind].
func (a *Analyzer) Lookup(ref string) (*Workload, error) {
	ns, name, ok := strings.Cut(ref, "/")
	if !ok || ns == "" || name == "" {
		return nil, fmt.Errorf("%q: a workload is NAMESPACE/NAME", ref)
	}
	if w, ok := a.byKey[ref]; ok {
		return w, nil
	}
	if ws := a.byName[ref]; len(ws) == 1 {
		return ws[0], nil
	} else if len(ws) > 1 {
		var names []string
		for _, w := range ws {
			names = append(names, w.String())
		}
		return nil, fmt.Errorf("%q names %d workloads: %s (add the [Kind])", ref, len(ws), strings.Join(names, ", "))
	}
	if w, ok := a.byPodName[ref]; ok {
		return w, nil
	}
	return nil, fmt.Errorf("no workload %q%s", ref, a.suggest(ns, name))
}

// suggest offers the closest workload name in the namespace, or the
// namespace's workloads when few.
func (a *Analyzer) suggest(ns, name string) string {
	var in []string
	for _, w := range a.workloads {
		if w.Namespace == ns {
			in = append(in, w.Name)
		}
	}
	if len(in) == 0 {
		var nss []string
		seen := map[string]bool{}
		for _, w := range a.workloads {
			if !seen[w.Namespace] {
				seen[w.Namespace] = true
				nss = append(nss, w.Namespace)
			}
		}
		if len(nss) > 8 {
			nss = append(nss[:8], "…")
		}
		return fmt.Sprintf(" (no workload in namespace %q; namespaces: %s)", ns, strings.Join(nss, ", "))
	}
	if best := model.Closest(name, in); best != "" {
		return fmt.Sprintf(" (did you mean %s/%s?)", ns, best)
	}
	if len(in) > 8 {
		in = append(in[:8], "…")
	}
	return fmt.Sprintf(" (workloads in %s: %s)", ns, strings.Join(in, ", "))
}
