package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
	"github.com/aksnet/aksnet/internal/netpol"
)

type policyFlags struct {
	k8s      []string
	cluster  string
	engine   string
	output   string
	from, to string
	diff     string
	podCIDRs []string
	hostPods bool
}

func newPolicyCmd(g *globals) *cobra.Command {
	f := &policyFlags{}
	cmd := &cobra.Command{
		Use:   "policy [-f FILE | --k8s PATH] [--cluster NAME]",
		Short: "Evaluate NetworkPolicies: the connectivity map, one connection, or a diff",
		Long: `policy evaluates a cluster's Kubernetes NetworkPolicies — and its
AdminNetworkPolicies, BaselineAdminNetworkPolicy and ClusterNetworkPolicies
where the engine enforces them — as the cluster's policy engine would.

Without --from/--to it prints the connectivity map: every workload to every
other, and the address ranges the policies name to and from each workload,
with the connections allowed (pairs with none are left out).

With --from NS/POD --to NS/POD[:PORT[/PROTO]] it answers one connection and
names the policies and rules that decide it on each side: the source's
egress and the destination's ingress. An address may stand for either end.

With --diff OTHER it compares the map with the one of OTHER: a topology file
when the input is a topology (-f), manifests when it is --k8s.

The cluster comes from the topology (-f, or the embedded estate); --k8s
reads a folder or file of manifests instead, with no topology. The engine
(npm, calico, cilium or none) defaults to the cluster's networkPolicy; with
--k8s, to cilium. docs/policy.md describes how the engines differ.`,
		Example: `  # The connectivity map of the embedded estate's cluster
  aksnet policy

  # Can the web frontend reach the API on 8080? Which rules decide?
  aksnet policy --from frontend/web --to backend/api:8080/TCP

  # A folder of manifests, as Calico would enforce them, as Mermaid
  aksnet policy --k8s ./manifests --engine calico -o mermaid

  # What a change to the policies changes
  aksnet policy --k8s ./manifests --diff ./manifests-next`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPolicy(cmd, g, f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.k8s, "k8s", nil, "Kubernetes manifests (a file or a folder, read recursively; repeatable) instead of a topology")
	fl.StringVar(&f.cluster, "cluster", "", "the topology's cluster (default: the one with manifests)")
	fl.StringVar(&f.engine, "engine", "", "policy engine: npm, calico, cilium or none (default: the cluster's networkPolicy; cilium with --k8s)")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text, json, csv, md, dot or mermaid")
	fl.StringVar(&f.from, "from", "", "source: NAMESPACE/NAME (a workload or a pod) or an IPv4 address")
	fl.StringVar(&f.to, "to", "", "destination: NAMESPACE/NAME or an address, with :PORT[/PROTO] to ask about one port")
	fl.StringVar(&f.diff, "diff", "", "compare with OTHER: a topology file (with -f) or manifests (with --k8s)")
	fl.StringArrayVar(&f.podCIDRs, "pod-cidr", nil, "with --k8s: where pods take addresses (repeatable); matters to engines whose ipBlocks match pods")
	fl.BoolVar(&f.hostPods, "hostnetwork-pods", false, "treat hostNetwork pods as ordinary pods, as an engine that tells their traffic apart would (default: they are the node's traffic)")
	return cmd
}

func usageErr(format string, args ...any) error {
	return &exitError{code: 2, msg: "aksnet policy: " + fmt.Sprintf(format, args...)}
}

// policyInput is what one side of the command analyses.
type policyInput struct {
	source  string // what was read, for headers
	cluster *model.Cluster
	objs    *model.KubeObjects
	opts    netpol.Options
	reason  string // where the engine came from
}

func runPolicy(cmd *cobra.Command, g *globals, f *policyFlags) error {
	stderr := cmd.ErrOrStderr()
	switch f.output {
	case "text", "json", "csv", "md", "dot", "mermaid":
	default:
		return usageErr("unknown output format %q (use text, json, csv, md, dot or mermaid)", f.output)
	}
	if len(f.k8s) > 0 && g.file != "" {
		return usageErr("give either -f (a topology) or --k8s (manifests), not both")
	}
	if len(f.k8s) > 0 && f.cluster != "" {
		return usageErr("--cluster names a topology's cluster; --k8s reads manifests without one")
	}
	if (f.from == "") != (f.to == "") {
		return usageErr("--from and --to go together")
	}
	if f.diff != "" && f.from != "" {
		return usageErr("--diff compares maps; it does not combine with --from/--to")
	}
	var engine netpol.Engine
	if f.engine != "" {
		e, err := netpol.ParseEngine(f.engine)
		if err != nil {
			return usageErr("%v", err)
		}
		engine = e
	}
	in, err := readPolicyInput(cmd, g, f, f.k8s, g.file)
	if err != nil {
		return err
	}
	if engine != "" {
		in.opts.Engine, in.reason = engine, "--engine"
	}
	in.opts.HostNetworkAsPods = f.hostPods
	printSkipped(stderr, in)
	a, errs := netpol.New(in.objs, in.opts)
	if len(errs) > 0 {
		return inputErrors(stderr, errs, in.source)
	}
	out := bufio.NewWriterSize(cmd.OutOrStdout(), 1<<16)
	defer out.Flush()
	switch {
	case f.from != "":
		err = policyQuery(out, a, in, f)
	case f.diff != "":
		var other *policyInput
		if len(f.k8s) > 0 {
			other, err = readPolicyInput(cmd, g, f, []string{f.diff}, "")
		} else {
			other, err = readPolicyInput(cmd, g, f, nil, f.diff)
		}
		if err != nil {
			return err
		}
		other.opts.Engine = in.opts.Engine
		other.opts.HostNetworkAsPods = f.hostPods
		b, errs := netpol.New(other.objs, other.opts)
		if len(errs) > 0 {
			return inputErrors(stderr, errs, other.source)
		}
		printPolicyWarnings(stderr, b.Warnings())
		err = policyDiff(out, in, other, netpol.Diff(a, b), f.output)
	default:
		err = policyMap(out, a, in, f.output)
	}
	printPolicyWarnings(stderr, a.Warnings())
	return err
}

func inputErrors(stderr io.Writer, errs model.ErrorList, source string) error {
	for _, e := range errs {
		fmt.Fprintln(stderr, e)
	}
	return &exitError{code: 2, msg: fmt.Sprintf("aksnet policy: %d error(s) in the policies of %s; nothing was evaluated", len(errs), source)}
}

// printSkipped says which objects the analysis ignored, by kind: aksnet
// never drops input silently.
func printSkipped(w io.Writer, in *policyInput) {
	counts := map[string]int{}
	var kinds []string
	for _, s := range in.objs.Skipped {
		if counts[s.Kind] == 0 {
			kinds = append(kinds, s.Kind)
		}
		counts[s.Kind]++
	}
	if len(kinds) == 0 {
		return
	}
	sort.Strings(kinds)
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%s (%d)", k, counts[k])
	}
	fmt.Fprintf(w, "warning: %s: ignored %d object(s) of kinds aksnet does not model: %s\n", in.source, len(in.objs.Skipped), strings.Join(parts, ", "))
}

func printPolicyWarnings(w io.Writer, ws []netpol.Warning) {
	for _, x := range ws {
		fmt.Fprintln(w, "warning:", x)
	}
}

// readPolicyInput reads manifests (k8s) or a topology's cluster (file; ""
// is the -f flag's choice, the embedded estate when it is empty too).
func readPolicyInput(cmd *cobra.Command, g *globals, f *policyFlags, k8s []string, file string) (*policyInput, error) {
	stderr := cmd.ErrOrStderr()
	if len(k8s) > 0 {
		in := &policyInput{source: strings.Join(k8s, ", "), objs: &model.KubeObjects{}, reason: "the default without a cluster (--engine to choose)"}
		in.opts.Engine = netpol.Cilium
		var errs model.ErrorList
		files := load.OSFiles{}
		for _, p := range k8s {
			list, err := files.List(p)
			if err != nil {
				errs.Add(model.Errorf(model.Location{File: p}, "cannot read: %v", describeErr(err)).WithHint("--k8s takes a manifest file or a folder of them"))
				continue
			}
			if len(list) == 0 {
				errs.Add(model.Errorf(model.Location{File: p}, "holds no .yaml, .yml or .json file"))
			}
			for _, name := range list {
				data, err := os.ReadFile(name)
				if err != nil {
					errs.Add(model.Errorf(model.Location{File: name}, "cannot read: %v", describeErr(err)))
					continue
				}
				errs = append(errs, load.Manifests(name, data, in.objs)...)
			}
		}
		if len(errs) > 0 {
			for _, e := range errs {
				fmt.Fprintln(stderr, e)
			}
			return nil, &exitError{code: 2, msg: fmt.Sprintf("aksnet policy: %d error(s) in the manifests; nothing was evaluated", len(errs))}
		}
		for _, p := range f.podCIDRs {
			pr, err := netip.ParsePrefix(p)
			if err != nil {
				return nil, usageErr("--pod-cidr %q is not a CIDR", p)
			}
			in.opts.PodRanges = append(in.opts.PodRanges, pr)
		}
		return in, nil
	}
	if len(f.podCIDRs) > 0 {
		return nil, usageErr("--pod-cidr is for --k8s; a topology gives its cluster's pod CIDR")
	}
	saved := g.file
	g.file = file
	if file == "" {
		g.file = saved
	}
	t, err := g.load(stderr)
	source := g.source()
	g.file = saved
	if err != nil {
		return nil, err
	}
	var withObjs []*model.Cluster
	for _, c := range t.Azure.Clusters {
		if c.Objects != nil {
			withObjs = append(withObjs, c)
		}
	}
	var c *model.Cluster
	switch {
	case f.cluster != "":
		var names []string
		for _, x := range t.Azure.Clusters {
			names = append(names, x.Name)
			if x.Name == f.cluster {
				c = x
			}
		}
		if c == nil {
			return nil, usageErr("%s has no cluster %q (clusters: %s)", source, f.cluster, strings.Join(names, ", "))
		}
	case len(withObjs) == 1:
		c = withObjs[0]
	case len(withObjs) == 0:
		return nil, usageErr("no cluster of %s lists Kubernetes manifests (kubernetes.manifests), so there are no policies to evaluate", source)
	default:
		var names []string
		for _, x := range withObjs {
			names = append(names, x.Name)
		}
		return nil, usageErr("%s has %d clusters with manifests; choose one with --cluster (%s)", source, len(withObjs), strings.Join(names, ", "))
	}
	objs := c.Objects
	if objs == nil {
		objs = &model.KubeObjects{}
	}
	opts, reason := netpol.OptionsFor(c)
	return &policyInput{source: source, cluster: c, objs: objs, opts: opts, reason: reason}, nil
}

func describeErr(err error) string {
	if os.IsNotExist(err) {
		return "no such file or folder"
	}
	return err.Error()
}

func (in *policyInput) title() string {
	if in.cluster != nil {
		return "cluster " + in.cluster.Name + " of " + in.source
	}
	return in.source
}

// parseEnd reads NS/NAME or an address, and for the destination an optional
// :PORT[/PROTO].
func parseEnd(a *netpol.Analyzer, s string, withPort bool) (netpol.Peer, netpol.Protocol, int32, error) {
	proto, port := netpol.TCP, int32(0)
	ref := s
	if withPort {
		if i := strings.LastIndexByte(s, ':'); i >= 0 && !strings.Contains(s[i:], "]") {
			ref = s[:i]
			ps := s[i+1:]
			if p, pr, ok := strings.Cut(ps, "/"); ok {
				ps = p
				var okp bool
				if proto, okp = netpol.ParseProtocol(pr); !okp {
					return netpol.Peer{}, 0, 0, fmt.Errorf("%q: protocol %q is not TCP, UDP or SCTP", s, pr)
				}
			}
			n, err := strconv.Atoi(ps)
			if err != nil || n < netpol.MinPort || n > netpol.MaxPort {
				return netpol.Peer{}, 0, 0, fmt.Errorf("%q: port %q is not a number from 1 to 65535", s, ps)
			}
			port = int32(n)
		}
	}
	if ip, err := netip.ParseAddr(ref); err == nil {
		if !ip.Is4() {
			return netpol.Peer{}, 0, 0, fmt.Errorf("%q: aksnet evaluates IPv4 only", s)
		}
		return a.AddrPeer(ip), proto, port, nil
	}
	w, err := a.Lookup(ref)
	if err != nil {
		return netpol.Peer{}, 0, 0, err
	}
	return a.WorkloadPeer(w), proto, port, nil
}

func policyQuery(out io.Writer, a *netpol.Analyzer, in *policyInput, f *policyFlags) error {
	src, _, _, err := parseEnd(a, f.from, false)
	if err != nil {
		return usageErr("--from %v", err)
	}
	dst, proto, port, err := parseEnd(a, f.to, true)
	if err != nil {
		return usageErr("--to %v", err)
	}
	v := a.Check(netpol.Query{Src: src, Dst: dst, Proto: proto, Port: port})
	switch f.output {
	case "json":
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	case "text":
	default:
		return usageErr("-o %s is for the map; a single answer prints as text or json", f.output)
	}
	what := v.Conn
	if what == "" {
		what = "any connection"
	}
	verdict := "DENIED"
	if v.Allowed {
		verdict = "ALLOWED"
	}
	fmt.Fprintf(out, "%s → %s %s: %s\n", v.Src, v.Dst, what, verdict)
	fmt.Fprintf(out, "  engine %s (%s), %s\n", v.Engine, in.reason, in.title())
	if v.Conn == "" || v.Allowed {
		fmt.Fprintf(out, "  allowed between them: %s\n", v.Conns)
	}
	for _, s := range []netpol.Side{v.Egress, v.Ingress} {
		state := "denies"
		if s.Allowed {
			state = "allows"
		}
		who := s.Subject
		if who == "" {
			who = map[string]string{"egress": v.Src, "ingress": v.Dst}[s.Direction]
		}
		fmt.Fprintf(out, "\n  %s of %s %s (%s tier)\n", s.Direction, who, state, s.Tier)
		fmt.Fprintf(out, "    %s\n", s.Reason)
		for _, r := range s.Rules {
			fmt.Fprintf(out, "    %s %s at %s: %s\n", verb(r), r, r.Loc, r.Conns)
		}
		if !s.Allowed {
			for _, r := range s.Isolating {
				fmt.Fprintf(out, "    selected by %s at %s\n", r, r.Loc)
			}
			for _, r := range s.Nearly {
				if r.Miss == "port" {
					fmt.Fprintf(out, "    nearly: %s at %s matches this peer but allows only %s\n", r, r.Loc, r.Conns)
				} else {
					fmt.Fprintf(out, "    nearly: %s at %s allows %s, but %s %s only\n", r, r.Loc, r.Conns,
						map[string]string{"ingress": "from", "egress": "to"}[s.Direction], strings.Join(r.Peers, "; "))
				}
			}
		}
	}
	for _, n := range v.Notes {
		fmt.Fprintf(out, "\n  note: %s\n", n)
	}
	return nil
}

func verb(r netpol.RuleRef) string {
	switch r.Action {
	case "Deny":
		return "denied by"
	case "Pass":
		return "passed by"
	}
	return "allowed by"
}

func policyMap(out *bufio.Writer, a *netpol.Analyzer, in *policyInput, format string) error {
	m := a.Map()
	header := fmt.Sprintf("connectivity of %s: engine %s (%s); %d workloads in %d policy groups",
		in.title(), a.Semantics().Engine, in.reason, len(a.Workloads()), m.Groups())
	switch format {
	case "text":
		width := 6
		for _, e := range m.Sources() {
			width = max(width, len(e.String()))
		}
		dwidth := 11
		for _, e := range m.Destinations() {
			dwidth = max(dwidth, len(e.String()))
		}
		fmt.Fprintf(out, "# %s\n", header)
		fmt.Fprintf(out, "%-*s  %-*s  %s\n", width, "SOURCE", dwidth, "DESTINATION", "ALLOWED")
		m.Each(func(s, d *netpol.Endpoint, id netpol.ConnID) bool {
			fmt.Fprintf(out, "%-*s  %-*s  %s\n", width, s, dwidth, d, m.ConnString(id))
			return true
		})
	case "json":
		names := endpointJSON(m)
		fmt.Fprintf(out, "{\n  \"source\": %s,\n  \"engine\": %q,\n  \"connections\": [", jsonString(in.title()), a.Semantics().Engine)
		first := true
		m.Each(func(s, d *netpol.Endpoint, id netpol.ConnID) bool {
			if !first {
				out.WriteByte(',')
			}
			first = false
			fmt.Fprintf(out, "\n    {\"src\": %s, \"dst\": %s, \"conn\": %s}", names[s], names[d], jsonString(m.ConnString(id)))
			return true
		})
		fmt.Fprint(out, "\n  ],\n  \"warnings\": [")
		for i, w := range a.Warnings() {
			if i > 0 {
				out.WriteByte(',')
			}
			fmt.Fprintf(out, "\n    %s", jsonString(w.String()))
		}
		fmt.Fprint(out, "\n  ]\n}\n")
	case "csv":
		w := csv.NewWriter(out)
		_ = w.Write([]string{"src", "dst", "conn"})
		m.Each(func(s, d *netpol.Endpoint, id netpol.ConnID) bool {
			_ = w.Write([]string{s.String(), d.String(), m.ConnString(id)})
			return true
		})
		w.Flush()
		return w.Error()
	case "md":
		fmt.Fprintf(out, "| src | dst | conn |\n|-----|-----|------|\n")
		m.Each(func(s, d *netpol.Endpoint, id netpol.ConnID) bool {
			fmt.Fprintf(out, "| %s | %s | %s |\n", mdCell(s.String()), mdCell(d.String()), mdCell(m.ConnString(id)))
			return true
		})
	case "dot":
		writeDot(out, m, header)
	case "mermaid":
		writeMermaid(out, m)
	}
	return nil
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func endpointJSON(m *netpol.Map) map[*netpol.Endpoint]string {
	names := map[*netpol.Endpoint]string{}
	for _, list := range [][]*netpol.Endpoint{m.Sources(), m.Destinations()} {
		for _, e := range list {
			names[e] = jsonString(e.String())
		}
	}
	return names
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// writeDot draws the map for Graphviz: namespaces as clusters, address
// ranges apart, one edge per pair labelled with its connections.
func writeDot(out io.Writer, m *netpol.Map, header string) {
	ids := map[*netpol.Endpoint]string{}
	byNS := map[string][]*netpol.Endpoint{}
	var nss []string
	var ranges []*netpol.Endpoint
	used := map[*netpol.Endpoint]bool{}
	m.Each(func(s, d *netpol.Endpoint, id netpol.ConnID) bool {
		used[s], used[d] = true, true
		return true
	})
	rangeIDs := map[string]string{} // a range is one node as source and destination
	add := func(e *netpol.Endpoint) {
		if _, ok := ids[e]; ok || !used[e] {
			return
		}
		if e.Workload == nil {
			if id, ok := rangeIDs[e.String()]; ok {
				ids[e] = id
				return
			}
			ids[e] = fmt.Sprintf("n%d", len(ids))
			rangeIDs[e.String()] = ids[e]
			ranges = append(ranges, e)
			return
		}
		ids[e] = fmt.Sprintf("n%d", len(ids))
		ns := e.Workload.Namespace
		if _, ok := byNS[ns]; !ok {
			nss = append(nss, ns)
		}
		byNS[ns] = append(byNS[ns], e)
	}
	for _, e := range m.Sources() {
		add(e)
	}
	for _, e := range m.Destinations() {
		add(e)
	}
	sort.Strings(nss)
	fmt.Fprintf(out, "// %s\ndigraph {\n\trankdir=LR\n\tnode [shape=box]\n", header)
	for i, ns := range nss {
		fmt.Fprintf(out, "\tsubgraph cluster_%d {\n\t\tlabel=%s\n", i, jsonString(ns))
		for _, e := range byNS[ns] {
			fmt.Fprintf(out, "\t\t%s [label=%s]\n", ids[e], jsonString(e.Workload.Name+"["+e.Workload.Kind+"]"))
		}
		fmt.Fprint(out, "\t}\n")
	}
	for _, e := range ranges {
		fmt.Fprintf(out, "\t%s [label=%s shape=ellipse]\n", ids[e], jsonString(e.String()))
	}
	m.Each(func(s, d *netpol.Endpoint, id netpol.ConnID) bool {
		fmt.Fprintf(out, "\t%s -> %s [label=%s]\n", ids[s], ids[d], jsonString(m.ConnString(id)))
		return true
	})
	fmt.Fprint(out, "}\n")
}

// writeMermaid draws the map as a Mermaid flowchart.
func writeMermaid(out io.Writer, m *netpol.Map) {
	ids := map[*netpol.Endpoint]string{}
	used := map[*netpol.Endpoint]bool{}
	m.Each(func(s, d *netpol.Endpoint, id netpol.ConnID) bool {
		used[s], used[d] = true, true
		return true
	})
	fmt.Fprint(out, "flowchart LR\n")
	byNS := map[string][]*netpol.Endpoint{}
	var nss []string
	rangeIDs := map[string]string{}
	for _, list := range [][]*netpol.Endpoint{m.Sources(), m.Destinations()} {
		for _, e := range list {
			if _, ok := ids[e]; ok || !used[e] {
				continue
			}
			if e.Workload == nil {
				if id, ok := rangeIDs[e.String()]; ok {
					ids[e] = id
					continue
				}
				ids[e] = fmt.Sprintf("n%d", len(ids))
				rangeIDs[e.String()] = ids[e]
				fmt.Fprintf(out, "  %s([%q])\n", ids[e], e.String())
				continue
			}
			ids[e] = fmt.Sprintf("n%d", len(ids))
			if _, ok := byNS[e.Workload.Namespace]; !ok {
				nss = append(nss, e.Workload.Namespace)
			}
			byNS[e.Workload.Namespace] = append(byNS[e.Workload.Namespace], e)
		}
	}
	sort.Strings(nss)
	for i, ns := range nss {
		fmt.Fprintf(out, "  subgraph ns%d[%q]\n", i, ns)
		for _, e := range byNS[ns] {
			fmt.Fprintf(out, "    %s[%q]\n", ids[e], e.Workload.Name+"["+e.Workload.Kind+"]")
		}
		fmt.Fprint(out, "  end\n")
	}
	m.Each(func(s, d *netpol.Endpoint, id netpol.ConnID) bool {
		fmt.Fprintf(out, "  %s -->|%q| %s\n", ids[s], m.ConnString(id), ids[d])
		return true
	})
}

func policyDiff(out io.Writer, in, other *policyInput, changes []netpol.Change, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if changes == nil {
			changes = []netpol.Change{}
		}
		return enc.Encode(map[string]any{"from": in.title(), "to": other.title(), "changes": changes})
	case "csv":
		w := csv.NewWriter(out)
		_ = w.Write([]string{"change", "src", "dst", "before", "after", "note"})
		for _, c := range changes {
			_ = w.Write([]string{c.Kind, c.Src, c.Dst, c.Before, c.After, c.Note})
		}
		w.Flush()
		return w.Error()
	case "md":
		fmt.Fprint(out, "| change | src | dst | before | after | note |\n|---|---|---|---|---|---|\n")
		for _, c := range changes {
			fmt.Fprintf(out, "| %s | %s | %s | %s | %s | %s |\n", c.Kind, mdCell(c.Src), mdCell(c.Dst), mdCell(c.Before), mdCell(c.After), mdCell(c.Note))
		}
		return nil
	case "text":
	default:
		return usageErr("-o %s is for the map; a diff prints as text, json, csv or md", format)
	}
	fmt.Fprintf(out, "# connectivity changes from %s to %s: %d\n", in.title(), other.title(), len(changes))
	for _, c := range changes {
		note := ""
		if c.Note != "" {
			note = " (" + c.Note + ")"
		}
		fmt.Fprintf(out, "%-8s %s => %s: %s → %s%s\n", c.Kind, c.Src, c.Dst, c.Before, c.After, note)
	}
	return nil
}
