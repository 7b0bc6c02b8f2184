package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/internal/ipam"
	"github.com/aksnet/aksnet/internal/kb"
	"github.com/aksnet/aksnet/internal/model"
)

// planFlags are the flags of aksnet plan. The shape flags describe a
// cluster on the command line; without them the topology's clusters are
// planned.
type planFlags struct {
	plugin, surge, podSubnetMode                           string
	nodes, maxNodes, maxPods                               int
	internalLBs, privateEndpoints, services                int
	outboundIPs, outboundPorts                             int
	windows                                                bool
	subnet, podSubnet, podCIDR, serviceCIDR, vnet, cluster string
	fit                                                    bool
	output                                                 string
}

// planShapeFlags describe a cluster; any of them switches plan to flags mode.
var planShapeFlags = []string{"plugin", "nodes", "max-nodes", "surge", "max-pods", "pod-subnet-mode", "internal-lbs",
	"private-endpoints", "windows", "services", "outbound-ips", "outbound-ports", "subnet", "pod-subnet", "pod-cidr", "service-cidr"}

// planPlugins maps --plugin to a CNI mode, in the order help lists them.
var planPlugins = []struct {
	name string
	mode kb.CNIMode
}{
	{"kubenet", kb.Kubenet},
	{"azure", kb.AzureNodeSubnet},
	{"azure-podsubnet", kb.AzurePodSubnetDynamic},
	{"overlay", kb.Overlay},
	{"cilium-overlay", kb.CiliumOverlay},
	{"cilium-podsubnet", kb.CiliumPodSubnet},
	{"cilium-nodesubnet", kb.CiliumNodeSubnet},
}

func planPluginNames() string {
	var s []string
	for _, p := range planPlugins {
		s = append(s, p.name)
	}
	return strings.Join(s, "|")
}

func newPlanCmd(g *globals) *cobra.Command {
	f := &planFlags{}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Plan a cluster's addresses: node subnet, pod subnet or CIDR, service CIDR, SNAT, with headroom",
		Long: `plan sizes every address range of an AKS cluster for its maximum nodes plus
upgrade surge: the node subnet, the pod subnet or pod CIDR, and the service
CIDR, each with its formula term by term, the smallest prefix that holds it
(after Azure's 5 reserved addresses of a subnet), and the headroom of the
range in place — how many more nodes and pods fit, outside and during an
upgrade. It also checks the load balancer's SNAT ports against the same
node counts.

The cluster comes from flags (--plugin, --nodes …) or from the topology:
one with --cluster, every cluster without. --fit proposes, for every range,
a free prefix of the smallest size that overlaps nothing the cluster
reaches: the VNet's subnets, peered VNets, on-prem and VPN ranges, the
cluster's own CIDRs and every prefix proposed before it in the same run.
To place a cluster described by flags, name its VNet with --vnet NAME (a
VNet of the topology) or give an address space with --vnet CIDR.

Exit codes: 0 everything fits, 1 something does not (listed under
Problems), 2 bad input. docs/plan.md gives the formulas and their sources.`,
		Example: `  # Microsoft's worked example: 50 nodes, 30 pods each, one surge node → 1,581 → /21
  aksnet plan --plugin azure --nodes 50 --max-pods 30

  # An autoscaled overlay cluster with 33% surge, placed in a VNet of the topology
  aksnet plan -f topology.yaml --plugin overlay --nodes 10 --max-nodes 40 --surge 33% --vnet spoke-aks --fit

  # Every cluster of a topology, with a free prefix for each range, as JSON
  aksnet plan -f topology.yaml --fit -o json

  # One cluster of the embedded example
  aksnet plan --cluster aks-prod`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPlan(cmd, g, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.plugin, "plugin", "", "network plugin: "+planPluginNames()+" (default overlay, as az aks create)")
	fl.IntVar(&f.nodes, "nodes", 0, "node count")
	fl.IntVar(&f.maxNodes, "max-nodes", 0, "autoscaler maximum (default --nodes)")
	fl.StringVar(&f.surge, "surge", "1", "upgrade surge: a node count (1) or a percentage (33%)")
	fl.IntVar(&f.maxPods, "max-pods", 0, "pods per node, 10–250 (default: the plugin's)")
	fl.StringVar(&f.podSubnetMode, "pod-subnet-mode", "", "pod subnet allocation: dynamic (default) or static (block)")
	fl.IntVar(&f.internalLBs, "internal-lbs", 0, "internal load balancer frontends in the node subnet")
	fl.IntVar(&f.privateEndpoints, "private-endpoints", 0, "private endpoints (and other NICs) in the node subnet")
	fl.BoolVar(&f.windows, "windows", false, "the node pool runs Windows")
	fl.IntVar(&f.services, "services", 0, "Services with a ClusterIP, besides kubernetes and kube-dns")
	fl.IntVar(&f.outboundIPs, "outbound-ips", 1, "load balancer outbound IPs")
	fl.IntVar(&f.outboundPorts, "outbound-ports", 0, "allocated SNAT ports per node, a multiple of 8 (0: Azure's automatic allocation)")
	fl.StringVar(&f.subnet, "subnet", "", "an existing node subnet's prefix, to see its headroom")
	fl.StringVar(&f.podSubnet, "pod-subnet", "", "an existing pod subnet's prefix (pod subnet plugins)")
	fl.StringVar(&f.podCIDR, "pod-cidr", "", "pod CIDR (kubenet, overlay; default 10.244.0.0/16)")
	fl.StringVar(&f.serviceCIDR, "service-cidr", "", "service CIDR (default 10.0.0.0/16)")
	fl.StringVar(&f.vnet, "vnet", "", "where a cluster described by flags goes: a VNet of the topology, or an address space (CIDR)")
	fl.StringVar(&f.cluster, "cluster", "", "plan only this cluster of the topology")
	fl.BoolVar(&f.fit, "fit", false, "propose a free prefix for every range")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text or json")
	return cmd
}

func planUsage(format string, args ...any) error {
	return &exitError{code: 2, msg: "aksnet plan: " + fmt.Sprintf(format, args...)}
}

func runPlan(cmd *cobra.Command, g *globals, f *planFlags) error {
	if f.output != "text" && f.output != "json" {
		return planUsage("-o %q: choose text or json", f.output)
	}
	var shape []string
	for _, name := range planShapeFlags {
		if cmd.Flags().Changed(name) {
			shape = append(shape, "--"+name)
		}
	}
	var (
		plans  []*ipam.Plan
		source string
	)
	if len(shape) > 0 {
		if f.cluster != "" {
			return planUsage("%s describes a new cluster and cannot be combined with --cluster: drop --cluster, or change the cluster in the topology", shape[0])
		}
		in, t, err := planFlagsInput(cmd, g, f)
		if err != nil {
			return err
		}
		p, err := ipam.New(t).Plan(in, ipam.Options{Fit: f.fit})
		if err != nil {
			return planUsage("%v", err)
		}
		plans, source = []*ipam.Plan{p}, "flags"
	} else {
		if f.vnet != "" {
			return planUsage("--vnet places a cluster described by flags: add --plugin and --nodes, or drop --vnet to plan the topology's clusters")
		}
		t, err := g.load(cmd.ErrOrStderr())
		if err != nil {
			return err
		}
		source = g.source()
		clusters := t.Azure.Clusters
		if f.cluster != "" {
			c := model.Lookup[model.Cluster](t, f.cluster)
			if c == nil {
				var names []string
				for _, c := range t.Azure.Clusters {
					names = append(names, c.Name)
				}
				hint := "the topology declares none"
				if len(names) > 0 {
					hint = "its clusters: " + strings.Join(names, ", ")
					if m := model.Closest(f.cluster, names); m != "" {
						hint = fmt.Sprintf("did you mean %q?", m)
					}
				}
				return planUsage("no cluster %q in %s (%s)", f.cluster, source, hint)
			}
			clusters = []*model.Cluster{c}
		}
		pl := ipam.New(t)
		for _, c := range clusters {
			in, err := pl.Input(c)
			if err != nil {
				plans = append(plans, &ipam.Plan{Cluster: c.Name, Problems: []string{err.Error()}})
				continue
			}
			p, err := pl.Plan(in, ipam.Options{Fit: f.fit})
			if err != nil {
				p = &ipam.Plan{Cluster: c.Name, Problems: []string{err.Error()}}
			}
			plans = append(plans, p)
		}
		if len(clusters) == 0 && f.output == "text" {
			fmt.Fprintf(cmd.OutOrStdout(), "%s declares no AKS cluster; describe one with flags, e.g. aksnet plan --plugin overlay --nodes 10\n", source)
			return nil
		}
	}
	w := cmd.OutOrStdout()
	if f.output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if plans == nil {
			plans = []*ipam.Plan{}
		}
		if err := enc.Encode(plans); err != nil {
			return err
		}
	} else {
		for i, p := range plans {
			if i > 0 {
				fmt.Fprintln(w)
			}
			planText(w, p, source, f.fit)
		}
	}
	n := 0
	for _, p := range plans {
		n += len(p.Problems)
	}
	switch {
	case n == 1:
		return &exitError{code: 1, msg: "aksnet plan: 1 problem (listed under Problems)"}
	case n > 1:
		return &exitError{code: 1, msg: fmt.Sprintf("aksnet plan: %d problems (listed under Problems)", n)}
	}
	return nil
}

// flagsInput builds the planner's input from the shape flags, refusing
// what no cluster could be. It loads the topology only for --vnet NAME.
func planFlagsInput(cmd *cobra.Command, g *globals, f *planFlags) (ipam.Input, *model.Topology, error) {
	in := ipam.Input{Name: "(flags)"}
	plugin := f.plugin
	if plugin == "" {
		plugin = "overlay"
	}
	for _, p := range planPlugins {
		if p.name == plugin {
			in.Mode = p.mode
		}
	}
	if in.Mode == "" {
		return in, nil, planUsage("--plugin %q: choose one of %s", f.plugin, strings.ReplaceAll(planPluginNames(), "|", ", "))
	}
	props, _ := kb.CNI(in.Mode)
	switch f.podSubnetMode {
	case "", "dynamic":
	case "static":
		switch in.Mode {
		case kb.AzurePodSubnetDynamic:
			in.Mode = kb.AzurePodSubnetStatic
		case kb.CiliumPodSubnet:
			in.StaticBlock = true
		}
	default:
		return in, nil, planUsage("--pod-subnet-mode %q: choose dynamic or static", f.podSubnetMode)
	}
	if f.podSubnetMode != "" && !props.PodSubnet {
		return in, nil, planUsage("--pod-subnet-mode applies to azure-podsubnet and cilium-podsubnet, not %s", plugin)
	}
	if f.podSubnet != "" && !props.PodSubnet {
		return in, nil, planUsage("--pod-subnet applies to azure-podsubnet and cilium-podsubnet; %s takes pod IPs from %s", plugin, planPodSource(props))
	}
	if f.podCIDR != "" && !props.PodCIDR {
		return in, nil, planUsage("--pod-cidr applies to kubenet, overlay and cilium-overlay; %s takes pod IPs from %s", plugin, planPodSource(props))
	}
	if !cmd.Flags().Changed("nodes") {
		return in, nil, planUsage("give --nodes N (and --max-nodes for an autoscaled pool)")
	}
	if f.nodes < 1 {
		return in, nil, planUsage("--nodes %d: a cluster needs at least one node", f.nodes)
	}
	if cmd.Flags().Changed("max-nodes") && f.maxNodes < f.nodes {
		return in, nil, planUsage("--max-nodes %d is below --nodes %d: the autoscaler's maximum is at least the node count", f.maxNodes, f.nodes)
	}
	if f.nodes > kb.MaxNodesPerPool || f.maxNodes > kb.MaxNodesPerPool {
		return in, nil, planUsage("--nodes and --max-nodes: a node pool has at most %s nodes (AKS limit)", planNum(kb.MaxNodesPerPool))
	}
	if f.maxPods != 0 && (f.maxPods < 10 || f.maxPods > 250) || cmd.Flags().Changed("max-pods") && f.maxPods == 0 {
		return in, nil, planUsage("--max-pods %d: AKS allows 10 to 250 pods per node", f.maxPods)
	}
	if _, err := (&model.NodePool{Count: f.nodes, MaxSurge: f.surge}).Surge(); err != nil {
		return in, nil, planUsage("--surge %q: give a node count (1) or a percentage from 0%% to 100%% (33%%)", f.surge)
	}
	if f.windows && !props.Windows {
		return in, nil, planUsage("--windows: %s has no Windows node pools (aks-constraints.md §1.1): use --plugin overlay or azure", props.Title)
	}
	if f.podSubnetMode == "static" && f.maxPods == 0 {
		return in, nil, planUsage("--pod-subnet-mode static has no default max pods: give --max-pods, ideally 16k−1 (31, 47, 63 …), which wastes no address of its /28 blocks")
	}
	if f.outboundPorts%8 != 0 {
		return in, nil, planUsage("--outbound-ports %d: AKS requires a multiple of 8 (%d or %d)", f.outboundPorts, f.outboundPorts/8*8, (f.outboundPorts/8+1)*8)
	}
	pool := ipam.Pool{Name: "pool1", Nodes: f.nodes, MaxNodes: f.maxNodes, MaxSurge: f.surge, MaxPods: f.maxPods, Windows: f.windows}
	var err error
	if pool.Subnet, err = planSubnet("--subnet", f.subnet); err != nil {
		return in, nil, err
	}
	if pool.PodSubnet, err = planSubnet("--pod-subnet", f.podSubnet); err != nil {
		return in, nil, err
	}
	in.Pools = []ipam.Pool{pool}
	if in.PodCIDR, err = planPrefix("--pod-cidr", f.podCIDR); err != nil {
		return in, nil, err
	}
	if in.ServiceCIDR, err = planPrefix("--service-cidr", f.serviceCIDR); err != nil {
		return in, nil, err
	}
	in.InternalLBs, in.PrivateEndpoints, in.Services = f.internalLBs, f.privateEndpoints, f.services
	in.OutboundIPs, in.OutboundPorts = f.outboundIPs, f.outboundPorts
	if cmd.Flags().Changed("outbound-ips") && f.outboundIPs < 1 {
		return in, nil, planUsage("--outbound-ips %d: AKS manages 1 to 100 outbound IPs", f.outboundIPs)
	}
	if err := in.Check(); err != nil {
		return in, nil, planUsage("%v", err)
	}
	if bad := in.Incompatible(); len(bad) > 0 { // every case is refused above; a backstop
		return in, nil, planUsage("%s", bad[0])
	}
	var t *model.Topology
	switch {
	case f.vnet == "":
		if f.fit {
			return in, nil, planUsage("--fit needs an address space to search: add --vnet NAME (a VNet of the topology) or --vnet CIDR")
		}
		if g.file != "" {
			return in, nil, planUsage("-f is read to place a cluster described by flags with --vnet NAME, or to plan the topology's clusters without the flags: add --vnet or drop %s", planFirstShape(cmd))
		}
	default:
		if p, err := netip.ParsePrefix(f.vnet); err == nil {
			if p != p.Masked() {
				return in, nil, planUsage("--vnet %s has host bits set (did you mean %s?)", p, p.Masked())
			}
			if g.file != "" {
				return in, nil, planUsage("--vnet %s is an address space of its own, which ignores -f: drop -f, or give --vnet the name of a VNet of %s", p, g.file)
			}
			in.AddressSpace = []netip.Prefix{p}
			break
		}
		if t, err = g.load(cmd.ErrOrStderr()); err != nil {
			return in, nil, err
		}
		v := model.Lookup[model.VNet](t, f.vnet)
		if v == nil {
			var names []string
			for _, v := range t.Azure.VNets {
				names = append(names, v.Name)
			}
			hint := ""
			if m := model.Closest(f.vnet, names); m != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", m)
			}
			return in, nil, planUsage("--vnet %q is neither a VNet of %s%s nor a CIDR", f.vnet, g.source(), hint)
		}
		in.VNet = v
		in.Name = "(flags), in VNet " + v.Name
	}
	return in, t, nil
}

func planFirstShape(cmd *cobra.Command) string {
	for _, name := range planShapeFlags {
		if cmd.Flags().Changed(name) {
			return "--" + name
		}
	}
	return "the flags"
}

func planPodSource(p kb.CNIProperties) string {
	switch {
	case p.PodCIDR:
		return "the pod CIDR"
	case p.PodSubnet:
		return "the pod subnet"
	}
	return "the node subnet"
}

func planPrefix(name, s string) (netip.Prefix, error) {
	if s == "" {
		return netip.Prefix{}, nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return p, planUsage("%s %q is not an IPv4 CIDR such as 10.1.0.0/16", name, s)
	}
	if p != p.Masked() {
		return p, planUsage("%s %s has host bits set (did you mean %s?)", name, p, p.Masked())
	}
	return p, nil
}

func planSubnet(name, s string) (*model.Subnet, error) {
	p, err := planPrefix(name, s)
	if err != nil || !p.IsValid() {
		return nil, err
	}
	if p.Bits() < kb.MaxSubnetPrefix || p.Bits() > kb.MinSubnetPrefix {
		return nil, planUsage("%s %s: Azure subnets are /%d to /%d", name, p, kb.MaxSubnetPrefix, kb.MinSubnetPrefix)
	}
	return &model.Subnet{Name: p.String(), Prefix: p}, nil
}

// planText prints one plan as readable tables.
func planText(w io.Writer, p *ipam.Plan, source string, fit bool) {
	if source == "flags" {
		fmt.Fprintf(w, "Cluster described by flags%s\n", strings.TrimPrefix(p.Cluster, "(flags)"))
	} else {
		fmt.Fprintf(w, "Cluster %s (%s)\n", p.Cluster, source)
	}
	if p.ModeTitle != "" {
		fmt.Fprintf(w, "  %s\n", p.ModeTitle)
	}
	if len(p.Pools) > 0 {
		rows := [][]string{{"POOL", "NODES", "SURGE", "MAX PODS", "OS"}}
		for _, q := range p.Pools {
			mp := fmt.Sprint(q.MaxPods)
			if q.MaxPodsDefault {
				mp += " (default)"
			}
			surge := fmt.Sprint(q.Surge)
			if q.SurgeSpec != surge {
				surge += " (" + q.SurgeSpec + ")"
			}
			rows = append(rows, []string{q.Name, planNum(q.Nodes), surge, mp, q.OS})
		}
		planTable(w, "  ", rows, nil)
	}
	for _, r := range p.Ranges {
		fmt.Fprintln(w)
		planRangeText(w, r, fit)
	}
	if s := p.SNAT; s != nil {
		fmt.Fprintln(w)
		planSNATText(w, s)
	}
	list := func(title string, items []string) {
		if len(items) == 0 {
			return
		}
		fmt.Fprintf(w, "\n  %s\n", title)
		for _, it := range items {
			fmt.Fprintf(w, "    - %s\n", it)
		}
	}
	list("Problems", p.Problems)
	list("Notes", p.Notes)
}

// capacityWord names what a range's capacity counts.
func planCapacityWord(r *ipam.Range) string {
	switch {
	case r.Kind == ipam.PodCIDR:
		return "nodes"
	case r.Kind == ipam.ServiceCIDR:
		return "ClusterIPs"
	case r.Unit == "blocks":
		return "/28 blocks"
	}
	return "usable"
}

func planRangeText(w io.Writer, r *ipam.Range, fit bool) {
	head := strings.ToUpper(string(r.Kind[0])) + string(r.Kind[1:])
	switch {
	case r.Name != "":
		head += " " + r.Name
	case r.Existing.IsValid() && r.Kind != ipam.PodCIDR && r.Kind != ipam.ServiceCIDR:
		head += " " + r.Existing.String()
	case r.Kind == ipam.NodeSubnet || r.Kind == ipam.PodSubnet:
		head += " (new)"
	}
	fmt.Fprintf(w, "  %s\n", head)
	rows := [][]string{}
	for _, t := range r.Terms {
		rows = append(rows, []string{t.Label, t.Expr, planNum(t.Value)})
	}
	needed := map[ipam.Kind]string{
		ipam.NodeSubnet: "addresses needed at max nodes + surge", ipam.PodSubnet: "addresses needed at max nodes + surge",
		ipam.PodCIDR: "nodes needing a /24 at max + surge", ipam.ServiceCIDR: "ClusterIPs needed",
	}[r.Kind]
	if r.Unit == "blocks" {
		needed = "/28 blocks needed at max nodes + surge"
	}
	rows = append(rows, []string{"= " + needed, "", planNum(r.Need)})
	if r.Reserved > 0 {
		why := map[ipam.Kind]string{
			ipam.NodeSubnet: "reserved by Azure in every subnet", ipam.PodSubnet: "reserved by Azure in every subnet",
			ipam.ServiceCIDR: "never allocated (network, broadcast)",
		}[r.Kind]
		if r.Unit == "blocks" {
			why = "/28 blocks holding Azure's reserved addresses"
		}
		rows = append(rows, []string{fmt.Sprintf("+ %d %s", r.Reserved, why), "", planNum(r.Total)})
	}
	planTable(w, "    ", rows, []bool{false, false, true})

	word := planCapacityWord(r)
	var kv [][]string
	if r.Smallest > 0 {
		kv = append(kv, []string{"smallest prefix", fmt.Sprintf("/%d (%s %s)", r.Smallest, planNum(r.SmallestCapacity), word)})
	} else {
		kv = append(kv, []string{"smallest prefix", "none: no prefix this range may have holds it"})
	}
	if r.Existing.IsValid() {
		def := ""
		if r.ExistingDefault {
			def = "AKS default, "
		}
		state := fmt.Sprintf("%s free at max + surge", planNum(r.Free))
		if r.Free < 0 {
			state = fmt.Sprintf("short by %s at max + surge", planNum(-r.Free))
		}
		if r.Kind == ipam.ServiceCIDR {
			state = fmt.Sprintf("room for %s more Services", planNum(max(r.Free, 0)))
			if r.Free < 0 {
				state = fmt.Sprintf("short by %s", planNum(-r.Free))
			}
		}
		kv = append(kv, []string{"in place", fmt.Sprintf("%s (%s%s %s): %s", r.Existing, def, planNum(r.ExistingCapacity), word, state)})
	} else if r.Smallest > 0 {
		kv = append(kv, []string{"in a /" + fmt.Sprint(r.Smallest), fmt.Sprintf("%s free at max + surge", planNum(r.Free))})
	}
	switch {
	case r.Kind == ipam.ServiceCIDR:
	case r.Free < 0:
		kv = append(kv, []string{"headroom", "none: the range is already short"})
	default:
		for i, h := range r.Headroom {
			label := ""
			if i == 0 {
				label = "headroom"
			}
			s := fmt.Sprintf("pool %s: +%s nodes (+%s pods), +%s during an upgrade", h.Pool, planNum(h.MoreNodes), planNum(h.MorePods), planNum(h.MoreNodesUpgrade))
			if h.LimitedBy != "" {
				s += " (bound: " + h.LimitedBy + ")"
			}
			kv = append(kv, []string{label, s})
		}
	}
	if fit {
		switch {
		case r.Fit.IsValid():
			s := r.Fit.String()
			if r.Existing.IsValid() && r.Free >= 0 && len(r.Conflicts) == 0 {
				s += " (free; the range in place already fits)"
			}
			kv = append(kv, []string{"fit", s})
		case r.FitError != "":
			kv = append(kv, []string{"fit", "none: " + r.FitError})
		}
	}
	planTable(w, "    ", kv, nil)
}

func planSNATText(w io.Writer, s *ipam.SNAT) {
	if !s.Applies {
		fmt.Fprintf(w, "  SNAT: %s\n", s.Reason)
		return
	}
	ports := "automatic ports"
	if s.Ports > 0 {
		ports = planNum(s.Ports) + " ports per node"
	}
	ips := "outbound IP"
	if s.IPs != 1 {
		ips += "s"
	}
	fmt.Fprintf(w, "  SNAT (outbound type %s, %d %s, %s)\n", s.OutboundType, s.IPs, ips, ports)
	var rows [][]string
	for _, t := range s.Terms {
		rows = append(rows, []string{t.Label, t.Expr, planNum(t.Value)})
	}
	planTable(w, "    ", rows, []bool{false, false, true})
	if s.PortsPerNodeUpgrade == 0 && s.Ports == 0 {
		return
	}
	var h string
	if s.Ports == 0 {
		h = fmt.Sprintf("+%s nodes (+%s during an upgrade) before the next row of Azure's table halves every node's ports",
			planNum(max(s.MoreNodes, 0)), planNum(max(s.MoreNodesUpgrade, 0)))
	} else if s.MoreNodesUpgrade < 0 {
		h = "none: too few ports for the nodes (see Problems)"
	} else {
		h = fmt.Sprintf("+%s nodes (+%s during an upgrade)", planNum(s.MoreNodes), planNum(s.MoreNodesUpgrade))
	}
	planTable(w, "    ", [][]string{{"headroom", h}}, nil)
}

// table prints rows with columns padded to their widest cell; right[i]
// right-aligns column i. Empty trailing cells are dropped.
func planTable(w io.Writer, indent string, rows [][]string, right []bool) {
	widths := map[int]int{}
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		b.WriteString(indent)
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			if i > 0 {
				b.WriteString("  ")
			}
			if i < len(right) && right[i] {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// comma formats n with thousands separators.
func planNum(n int) string {
	if n < 0 {
		return "-" + planNum(-n)
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
