package ipam

import (
	"fmt"
	"net/netip"
	"sort"

	"github.com/aksnet/aksnet/internal/kb"
	"github.com/aksnet/aksnet/internal/model"
)

// Plan is the address plan of one cluster.
type Plan struct {
	Cluster   string     `json:"cluster"`
	Mode      kb.CNIMode `json:"mode"`
	ModeTitle string     `json:"modeTitle"`
	Pools     []PoolPlan `json:"pools"`
	Ranges    []*Range   `json:"ranges"`
	SNAT      *SNAT      `json:"snat"`
	Problems  []string   `json:"problems"`
	Notes     []string   `json:"notes"`
}

// PoolPlan is a pool with the planner's effective figures.
type PoolPlan struct {
	Name string `json:"name"`
	// Nodes is the count planned for: the autoscaler maximum when set.
	Nodes     int    `json:"nodes"`
	Surge     int    `json:"surge"`
	SurgeSpec string `json:"surgeSpec"`
	MaxPods   int    `json:"maxPods"`
	// MaxPodsDefault says MaxPods is the mode's default, not the pool's.
	MaxPodsDefault bool   `json:"maxPodsDefault"`
	OS             string `json:"os"`
}

// Kind is what a range is.
type Kind string

const (
	NodeSubnet  Kind = "node subnet"
	PodSubnet   Kind = "pod subnet"
	PodCIDR     Kind = "pod CIDR"
	ServiceCIDR Kind = "service CIDR"
)

// Range is one address range the cluster needs: what it must hold, the
// formula term by term, the smallest prefix, and the headroom of the
// existing (or smallest) prefix.
type Range struct {
	Kind Kind `json:"kind"`
	// Name is the existing subnet (VNET/SUBNET), empty for a new one.
	Name string `json:"name,omitempty"`
	// Unit is what Need counts: "addresses", "nodes" (a /24 each, pod CIDR)
	// or "blocks" (/28, static block pod subnet).
	Unit  string `json:"unit"`
	Terms []Term `json:"terms"`
	// Need is the sum of the terms: at maximum nodes plus upgrade surge.
	// NeedSteady is the same without surge.
	Need       int `json:"need"`
	NeedSteady int `json:"needWithoutSurge"`
	// Reserved is what the range loses whatever its size: Azure's 5
	// addresses of a subnet, the network and broadcast addresses of a
	// service CIDR, 2 /28 blocks of a static block pod subnet.
	Reserved int `json:"reserved"`
	// Total is Need + Reserved: the figure some sources publish (the seed's
	// "10×30 + 10 + 5 = 315").
	Total int `json:"total"`
	// Smallest is the longest prefix that holds Need; Capacity what it
	// holds, in Unit.
	Smallest         int `json:"smallestPrefix"`
	SmallestCapacity int `json:"smallestCapacity"`
	// Existing is the range in place (or given), with what it holds.
	Existing         netip.Prefix `json:"existing,omitzero"`
	ExistingDefault  bool         `json:"existingIsDefault,omitempty"`
	ExistingCapacity int          `json:"existingCapacity,omitempty"`
	// Free is what stays free at max nodes + surge in the existing prefix,
	// or else in the smallest; negative when it does not fit.
	Free     int        `json:"free"`
	Headroom []Headroom `json:"headroom"`
	// Conflicts are overlaps of an existing pod or service CIDR with what
	// the cluster reaches (also listed in Plan.Problems).
	Conflicts []string `json:"conflicts,omitempty"`
	// Fit is a free prefix --fit proposes, or FitError why there is none.
	Fit      netip.Prefix `json:"fit,omitzero"`
	FitError string       `json:"fitError,omitempty"`
	Source   string       `json:"source"`
}

// Term is one addend of a range's formula.
type Term struct {
	Label string `json:"label"`
	Expr  string `json:"expr,omitempty"`
	Value int    `json:"value"`
}

// Headroom is how much more fits in a range: for a node pool, more nodes
// (and their pods) with and without an upgrade's surge; for a service CIDR,
// more Services.
type Headroom struct {
	Pool             string `json:"pool,omitempty"`
	MoreNodes        int    `json:"moreNodes"`
	MoreNodesUpgrade int    `json:"moreNodesDuringUpgrade"`
	MorePods         int    `json:"morePods"`
	MoreServices     int    `json:"moreServices,omitempty"`
	// LimitedBy says what stops growth first: "addresses", or a platform
	// limit.
	LimitedBy string `json:"limitedBy"`
}

// Options of a plan.
type Options struct {
	// Fit proposes a free prefix for every range.
	Fit bool
}

type pool struct {
	Pool
	nodes, surge, maxPods int
	defaulted             bool
}

// Plan computes the address plan of a cluster. It returns an error only
// for input Check refuses; what does not fit is in Plan.Problems.
func (pl *Planner) Plan(in Input, opt Options) (*Plan, error) {
	if err := in.Check(); err != nil {
		return nil, err
	}
	props, _ := kb.CNI(in.Mode)
	out := &Plan{Cluster: in.Name, Mode: in.Mode, ModeTitle: props.Title, Problems: []string{}, Notes: []string{}}
	if in.static() && in.Mode == kb.CiliumPodSubnet {
		out.ModeTitle += ", static block allocation"
	}
	out.Problems = append(out.Problems, in.Incompatible()...)

	pools := make([]pool, len(in.Pools))
	for i, p := range in.Pools {
		q := pool{Pool: p, nodes: max(p.Nodes, p.MaxNodes), maxPods: p.MaxPods}
		q.surge, _ = surgeNodes(p.MaxSurge, q.nodes)
		if q.maxPods == 0 {
			q.maxPods, q.defaulted = props.DefaultMaxPods, true
			if q.maxPods == 0 { // static block: no default; plan with the docs' ideal smallest value
				q.maxPods = 31
			}
		}
		pools[i] = q
		spec := p.MaxSurge
		if spec == "" {
			spec = "1"
		}
		os := "Linux"
		if p.Windows {
			os = "Windows"
		}
		out.Pools = append(out.Pools, PoolPlan{Name: p.Name, Nodes: q.nodes, Surge: q.surge, SurgeSpec: spec, MaxPods: q.maxPods, MaxPodsDefault: q.defaulted, OS: os})
		pl.poolNotes(out, &in, props, q)
	}
	pl.clusterNotes(out, &in, props, pools)

	// Node subnets, one range per subnet the pools use (nil: a new one).
	for _, g := range groupBy(pools, func(p pool) *model.Subnet { return p.Subnet }) {
		out.Ranges = append(out.Ranges, pl.nodeSubnet(&in, props, pools, g))
	}
	switch {
	case props.PodCIDR:
		out.Ranges = append(out.Ranges, pl.podCIDR(&in, props, pools))
	case props.PodSubnet:
		for _, g := range groupBy(pools, func(p pool) *model.Subnet { return p.PodSubnet }) {
			out.Ranges = append(out.Ranges, pl.podSubnet(&in, props, pools, g))
		}
	}
	out.Ranges = append(out.Ranges, pl.serviceCIDR(&in))
	for _, r := range out.Ranges {
		if r.Free < 0 {
			out.Problems = append(out.Problems, shortOf(r))
		}
	}
	pl.conflicts(out, &in)
	if opt.Fit {
		pl.fitAll(out, &in)
	}
	out.SNAT = planSNAT(&in, pools)
	out.Problems = append(out.Problems, out.SNAT.Problems...)
	out.Notes = append(out.Notes, out.SNAT.Notes...)
	return out, nil
}

// group is the indexes of the pools sharing a subnet.
type group struct {
	subnet *model.Subnet
	pools  []int
}

func groupBy(pools []pool, key func(pool) *model.Subnet) []group {
	var out []group
	at := map[*model.Subnet]int{}
	for i, p := range pools {
		k := key(p)
		j, ok := at[k]
		if !ok {
			j = len(out)
			at[k] = j
			out = append(out, group{subnet: k})
		}
		out[j].pools = append(out[j].pools, i)
	}
	return out
}

func subnetName(s *model.Subnet) string {
	switch {
	case s == nil:
		return ""
	case s.VNet != nil:
		return s.ID()
	}
	return s.Name
}

// sizing is a range being built: per-node costs by pool, fixed terms.
type sizing struct {
	r     *Range
	costs []int // per pool of the group
	idx   []int
}

func (pl *Planner) nodeSubnet(in *Input, props kb.CNIProperties, pools []pool, g group) *Range {
	r := &Range{Kind: NodeSubnet, Name: subnetName(g.subnet), Unit: "addresses", Reserved: kb.AzureReservedIPsPerSubnet,
		Source: "(N+S)(P+1) for node-subnet IPAM, N+S otherwise, plus other consumers (AKSD:concepts-network-ip-address-planning; aks-rules.md rules 9, 10)"}
	sz := &sizing{r: r, idx: g.pools}
	for _, i := range g.pools {
		p := pools[i]
		c := nodeSubnetCost(props, p.maxPods)
		sz.costs = append(sz.costs, c.cost)
		r.Terms = append(r.Terms, Term{"pool " + p.Name, c.expr(p.nodes, p.surge), (p.nodes + p.surge) * c.cost})
		r.Need += (p.nodes + p.surge) * c.cost
		r.NeedSteady += p.nodes * c.cost
	}
	if g.pools[0] == 0 { // the first pool's subnet holds the cluster's other consumers
		sz.add("API server private endpoint", "", b2i(in.APIServerEndpoint), false)
		sz.add("internal load balancer frontends", "", in.InternalLBs, true)
		sz.add("private endpoints", "", in.PrivateEndpoints, true)
	}
	pl.sharedTerms(sz, in, g.subnet, pl.pools, func(c *model.Cluster, p *model.NodePool) int {
		q, mp, ok := pl.maxPodsOf(c, p)
		if !ok {
			return 1 // a cluster aksnet cannot plan still has its nodes' own addresses
		}
		return q.NodeSubnetIPsPerNode(mp)
	})
	r.Total = r.Need + r.Reserved
	if b, ok := SmallestSubnet(r.Need); ok {
		r.Smallest, r.SmallestCapacity = b, SubnetUsable(b)
	}
	if g.subnet != nil {
		r.Existing, r.ExistingCapacity = g.subnet.Prefix, SubnetUsable(g.subnet.Prefix.Bits())
	}
	pl.headroom(sz, in, props, pools)
	return r
}

// add adds a fixed term; zero terms are shown only when always (the
// formula's own terms, so a reader sees they were counted).
func (sz *sizing) add(label, expr string, v int, always bool) {
	if v == 0 && !always {
		return
	}
	sz.r.Terms = append(sz.r.Terms, Term{label, expr, v})
	sz.r.Need += v
	sz.r.NeedSteady += v
}

// sharedTerms adds what others hold in an existing subnet: declared
// addresses and other clusters' nodes (or pods) sharing it.
func (pl *Planner) sharedTerms(sz *sizing, in *Input, s *model.Subnet, by map[*model.Subnet][]poolRef, cost func(*model.Cluster, *model.NodePool) int) {
	if s == nil {
		return
	}
	if n := pl.used[s] - pl.usedBy[s][in.cluster]; n > 0 {
		sz.add("other addresses declared in the subnet", "private endpoints, VMs, other API servers …", n, false)
	}
	steady, upgrade := 0, 0
	var names []string
	for _, ref := range by[s] {
		if ref.c == in.cluster {
			continue
		}
		n := max(ref.p.Count, ref.p.MaxCount)
		surge, _ := surgeNodes(ref.p.MaxSurge, n)
		k := cost(ref.c, ref.p)
		steady += n * k
		upgrade += (n + surge) * k
		names = append(names, ref.c.Name+"/"+ref.p.Name)
	}
	if upgrade > 0 {
		sort.Strings(names)
		sz.r.Terms = append(sz.r.Terms, Term{"other clusters' node pools", fmt.Sprint(names), upgrade})
		sz.r.Need += upgrade
		sz.r.NeedSteady += steady
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// headroom fills Free and, per pool, how many more nodes fit in the
// existing prefix (or the smallest, for a new range), with and without an
// upgrade's surge, bounded by the platform's node limits.
func (pl *Planner) headroom(sz *sizing, in *Input, props kb.CNIProperties, pools []pool) {
	r := sz.r
	capacity := r.SmallestCapacity
	if r.Existing.IsValid() {
		capacity = r.ExistingCapacity
	}
	r.Free = capacity - r.Need
	if r.Smallest == 0 && !r.Existing.IsValid() {
		r.Free = -r.Need
	}
	room := "addresses"
	switch {
	case r.Kind == PodCIDR:
		room = "the pod CIDR's /24s"
	case r.Unit == "blocks":
		room = "the pod subnet's /28 blocks"
	}
	totalSteady, totalUpgrade := 0, 0
	for _, p := range pools {
		totalSteady += p.nodes
		totalUpgrade += p.nodes + p.surge
	}
	for j, i := range sz.idx {
		p, k := pools[i], sz.costs[j]
		otherSteady := r.NeedSteady - p.nodes*k
		otherUpgrade := r.Need - (p.nodes+p.surge)*k
		limit := func(m int, upgrade bool) string {
			n := p.nodes + m
			if n > kb.MaxNodesPerPool {
				return num(kb.MaxNodesPerPool) + " nodes per pool"
			}
			total := totalSteady + m
			if upgrade {
				s, _ := surgeNodes(p.MaxSurge, n)
				total = totalUpgrade - p.surge + m + s
			}
			if total > props.MaxNodes {
				if in.Mode == kb.Kubenet {
					return "kubenet's 400 nodes (route table limit)"
				}
				return num(props.MaxNodes) + " nodes per cluster"
			}
			need := otherSteady + n*k
			if upgrade {
				s, _ := surgeNodes(p.MaxSurge, n)
				need = otherUpgrade + (n+s)*k
			}
			if need > capacity {
				return room
			}
			return ""
		}
		h := Headroom{Pool: p.Name}
		h.MoreNodes = maxOK(func(m int) bool { return limit(m, false) == "" })
		h.MoreNodesUpgrade = maxOK(func(m int) bool { return limit(m, true) == "" })
		h.LimitedBy = limit(h.MoreNodesUpgrade+1, true)
		h.MoreNodes, h.MoreNodesUpgrade = max(h.MoreNodes, 0), max(h.MoreNodesUpgrade, 0)
		h.MorePods = h.MoreNodes * p.maxPods
		r.Headroom = append(r.Headroom, h)
	}
}

// maxOK is the largest m in [0, 5000] with ok(m), for a predicate that
// holds up to some point and fails after; -1 when ok(0) fails.
func maxOK(ok func(int) bool) int {
	if !ok(0) {
		return -1
	}
	lo, hi := 0, 5000 // ok(lo); the most nodes any pool can add
	if ok(hi) {
		return hi
	}
	for hi-lo > 1 {
		m := (lo + hi) / 2
		if ok(m) {
			lo = m
		} else {
			hi = m
		}
	}
	return lo
}

func (pl *Planner) podCIDR(in *Input, props kb.CNIProperties, pools []pool) *Range {
	r := &Range{Kind: PodCIDR, Unit: "nodes",
		Source: "one /24 per node, 2^(24−p) nodes (AKSD:configure-kubenet, AKSD:concepts-network-azure-cni-overlay; aks-rules.md rule 7)"}
	sz := &sizing{r: r}
	for i, p := range pools {
		c := podCIDRCost()
		sz.costs = append(sz.costs, 1)
		sz.idx = append(sz.idx, i)
		r.Terms = append(r.Terms, Term{"pool " + p.Name, c.expr(p.nodes, p.surge), p.nodes + p.surge})
		r.Need += p.nodes + p.surge
		r.NeedSteady += p.nodes
	}
	r.Total = r.Need
	r.Smallest = SmallestPodCIDR(r.Need)
	r.SmallestCapacity = PodCIDRNodes(r.Smallest)
	r.Existing, r.ExistingDefault = in.podCIDR()
	r.ExistingCapacity = PodCIDRNodes(r.Existing.Bits())
	pl.headroom(sz, in, props, pools)
	return r
}

func (pl *Planner) podSubnet(in *Input, props kb.CNIProperties, pools []pool, g group) *Range {
	r := &Range{Kind: PodSubnet, Name: subnetName(g.subnet)}
	sz := &sizing{r: r, idx: g.pools}
	static := in.static()
	if static {
		r.Unit, r.Reserved = "blocks", staticLostBlocks
		r.Source = "(N+S)·⌈(P+1)/16⌉ /28 blocks; a /p subnet yields 2^(28−p) − 2 (AKSD:concepts-network-azure-cni-pod-subnet; aks-rules.md rule 11)"
	} else {
		r.Unit, r.Reserved = "addresses", kb.AzureReservedIPsPerSubnet
		r.Source = "(N+S)·16·⌈(P+8)/16⌉: batches of 16, another when fewer than 8 are free (AKSD:concepts-network-azure-cni-pod-subnet; Azure CNS ipammath)"
	}
	for _, i := range g.pools {
		p := pools[i]
		c := dynamicCost(p.maxPods)
		if static {
			c = staticCost(p.maxPods)
		}
		sz.costs = append(sz.costs, c.cost)
		r.Terms = append(r.Terms, Term{"pool " + p.Name, c.expr(p.nodes, p.surge), (p.nodes + p.surge) * c.cost})
		r.Need += (p.nodes + p.surge) * c.cost
		r.NeedSteady += p.nodes * c.cost
	}
	// Other clusters' pools sharing the pod subnet, in this range's unit:
	// "If a subnet uses Static Block allocation mode, it cannot use Dynamic
	// IP allocation mode in a different cluster or node pool with the same
	// subnet and vice versa" (AKSD:concepts-network-azure-cni-pod-subnet).
	pl.sharedTerms(sz, in, g.subnet, pl.podPools, func(c *model.Cluster, p *model.NodePool) int {
		_, mp, ok := pl.maxPodsOf(c, p)
		if !ok || mp == 0 {
			mp = 31 // static block states no default; the docs' smallest ideal value
		}
		if (p.PodIPAllocationMode == "StaticBlock") != static {
			r.Conflicts = append(r.Conflicts, fmt.Sprintf("pod subnet %s: node pool %s/%s allocates it in the other mode; a subnet has one allocation mode (AKSD:concepts-network-azure-cni-pod-subnet)", r.Name, c.Name, p.Name))
		}
		if static {
			return BlocksPerNode(mp)
		}
		return DynamicPodSubnetIPs(mp)
	})
	r.Total = r.Need + r.Reserved
	if static {
		if b, ok := SmallestStaticPodSubnet(r.Need); ok {
			r.Smallest, r.SmallestCapacity = b, StaticBlocks(b)
		}
		if g.subnet != nil {
			r.Existing, r.ExistingCapacity = g.subnet.Prefix, StaticBlocks(g.subnet.Prefix.Bits())
		}
	} else {
		if b, ok := SmallestSubnet(r.Need); ok {
			r.Smallest, r.SmallestCapacity = b, SubnetUsable(b)
		}
		if g.subnet != nil {
			r.Existing, r.ExistingCapacity = g.subnet.Prefix, SubnetUsable(g.subnet.Prefix.Bits())
		}
	}
	pl.headroom(sz, in, props, pools)
	return r
}

func (pl *Planner) serviceCIDR(in *Input) *Range {
	r := &Range{Kind: ServiceCIDR, Unit: "addresses", Reserved: serviceRangeReserved,
		Source: "one ClusterIP per Service; 2^(32−p) − 2 allocatable (kubernetes ipallocator); smaller than /12 (AKSD:concepts-network-ip-address-planning)"}
	r.Terms = []Term{
		{"kubernetes Service (the range's first address)", "", 1},
		{"kube-dns Service (dnsServiceIP)", "", 1},
	}
	if in.Services > 0 {
		r.Terms = append(r.Terms, Term{"other Services with a ClusterIP", "", in.Services})
	}
	for _, t := range r.Terms {
		r.Need += t.Value
	}
	r.NeedSteady = r.Need
	r.Total = r.Need + r.Reserved
	if b, ok := SmallestServiceCIDR(r.Need); ok {
		r.Smallest, r.SmallestCapacity = b, ServiceCIDRUsable(b)
	}
	r.Existing, r.ExistingDefault = in.serviceCIDR()
	r.ExistingCapacity = ServiceCIDRUsable(r.Existing.Bits())
	r.Free = r.ExistingCapacity - r.Need
	r.Headroom = []Headroom{{MoreServices: max(r.Free, 0), LimitedBy: "addresses"}}
	return r
}

func shortOf(r *Range) string {
	where := "a new " + string(r.Kind)
	capacity := r.SmallestCapacity
	if r.Existing.IsValid() {
		where = fmt.Sprintf("%s %s", r.Kind, r.Existing)
		if r.Name != "" && r.Name != r.Existing.String() {
			where = fmt.Sprintf("%s %s (%s)", r.Kind, r.Name, r.Existing)
		}
		capacity = r.ExistingCapacity
	}
	if r.Smallest == 0 {
		return fmt.Sprintf("%s: %s %s are needed, more than any allowed prefix holds: split the cluster or lower max nodes or max pods", where, num(r.Need), r.Unit)
	}
	when := "at max nodes + surge"
	if r.NeedSteady > capacity {
		when = "even without an upgrade"
	} else if r.Need > r.NeedSteady {
		when = "during an upgrade (max nodes + surge)"
	}
	fix := fmt.Sprintf("a /%d holds %s", r.Smallest, num(r.SmallestCapacity))
	return fmt.Sprintf("%s holds %s %s but %s are needed %s: %s (--fit looks for a free one)", where, num(capacity), r.Unit, num(r.Need), when, fix)
}

// maxPodsOf is a topology pool's mode properties and max pods with the
// mode's default; ok is false when the cluster's mode is unknown.
func (pl *Planner) maxPodsOf(c *model.Cluster, p *model.NodePool) (kb.CNIProperties, int, bool) {
	ci := pl.clusterInfo(c)
	q, ok := kb.CNI(ci.mode)
	if ci.err != nil || !ok {
		return q, p.MaxPods, false
	}
	if p.MaxPods != 0 {
		return q, p.MaxPods, true
	}
	return q, q.DefaultMaxPods, true
}
