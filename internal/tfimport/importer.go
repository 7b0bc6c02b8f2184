package tfimport

import (
	"fmt"
	"net/netip"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/aksnet/aksnet/internal/model"
)

// Element kinds, as model elements name themselves (Element.Kind), plus the
// Terraform-only things references pass through.
const (
	kindVNet       = "vnet"
	kindSubnet     = "subnet"
	kindRouteTable = "route table"
	kindNSG        = "network security group"
	kindGateway    = "gateway"
	kindFirewall   = "firewall"
	kindVM         = "vm"
	kindZone       = "private DNS zone"
	kindEndpoint   = "private endpoint"
	kindResource   = "resource"
	kindResolver   = "DNS resolver"
	kindInbound    = "inbound endpoint"
	kindOutbound   = "outbound endpoint"
	kindRuleset    = "forwarding ruleset"
	kindRule       = "forwarding rule"
	kindCluster    = "cluster"
	kindVPC        = "vpc"
	kindAWSSubnet  = "aws subnet"
	kindInstance   = "instance"
	kindHostedZone = "private hosted zone"
	kindPublicZone = "public zone"
	kindR53Inbound = "resolver endpoint"
	kindR53Rule    = "resolver rule"
	kindSite       = "site"
	kindConnection = "connection"
	// Terraform resources that are not elements but that elements name.
	kindNIC         = "network interface"
	kindFWPolicy    = "firewall policy"
	kindPublicIP    = "public IP"
	kindDHCPOptions = "DHCP options"
	kindCustomerGW  = "customer gateway"
	kindAWSVPNGW    = "VPN gateway"
)

// node is what a resource became: an element of the model (or a thing
// elements name), with the name references use.
type node struct {
	res      *resource
	kind     string
	name     string
	elem     any
	rg       string
	external bool // declared by a topology file, not by the Terraform input
}

func (n *node) describe() string {
	if n.res != nil {
		return n.res.addr
	}
	return n.kind + " " + n.name
}

// Options tune an import.
type Options struct {
	// Declared reports whether a topology file that completes the import
	// declares an element of a kind (model Element.Kind) under a name. A
	// reference to an ID the Terraform input lacks then names that element
	// instead of being dropped.
	Declared func(kind, name string) bool
}

// File is one Terraform file to import.
type File struct {
	Name string
	Data []byte
}

// Result is an import.
type Result struct {
	// Topology is the estate, not linked: model.Link and Validate (or
	// load.Overlay first) come next.
	Topology *model.Topology
	// Warnings are what was not imported, and what was assumed, each at
	// the Terraform address it concerns.
	Warnings model.ErrorList
	Files    []FileSummary
}

// FileSummary describes one imported file.
type FileSummary struct {
	Name, Format, TerraformVersion string
	Resources                      int // resource instances read
	Imported                       int // of which something was made
}

// Import reads Terraform files and maps them into one topology. The error
// list holds what makes a file unreadable; a file that reads is imported,
// with warnings for what it holds that aksnet does not model.
func Import(files []File, opts Options) (*Result, model.ErrorList) {
	im := &importer{opts: opts, byID: map[string]*node{}, byARM: map[string]*node{},
		names: map[string]map[string]*node{}, byConf: map[*input]map[string][]*resource{},
		children: map[*input]map[string][]any{}, unsupported: map[string][]*resource{},
		used: map[*node]map[netip.Addr]bool{}}
	var errs model.ErrorList
	for _, f := range files {
		in, err := read(f.Name, f.Data)
		if err != nil {
			errs.Add(err)
			continue
		}
		im.inputs = append(im.inputs, in)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	t := &model.Topology{APIVersion: model.APIVersion, Kind: "Topology"}
	t.Metadata.Name = estateName(files)
	t.Metadata.Description = "Imported from Terraform by aksnet: " + fileNames(files)
	im.t = t
	im.run()
	res := &Result{Topology: t, Warnings: im.warns}
	for _, in := range im.inputs {
		s := FileSummary{Name: in.file, Format: in.format, TerraformVersion: in.tfVersion, Resources: len(in.resources)}
		for _, r := range in.resources {
			if len(r.nodes) > 0 {
				s.Imported++
			}
		}
		res.Files = append(res.Files, s)
	}
	return res, nil
}

func fileNames(files []File) string {
	var n []string
	for _, f := range files {
		n = append(n, f.Name)
	}
	return strings.Join(n, ", ")
}

// estateName names the estate after its first file's folder, or its name
// when it is in the current folder.
func estateName(files []File) string {
	if len(files) == 0 {
		return "terraform"
	}
	p := strings.ReplaceAll(files[0].Name, "\\", "/")
	dir, base := path.Split(p)
	if d := path.Base(path.Clean(dir)); dir != "" && d != "." && d != ".." && d != "/" {
		return sanitize(d)
	}
	return sanitize(strings.TrimSuffix(base, path.Ext(base)))
}

type importer struct {
	opts   Options
	inputs []*input
	t      *model.Topology
	warns  model.ErrorList

	byID  map[string]*node // lower-cased ID (Azure IDs, AWS IDs) → element
	byARM map[string]*node // armKey → element, for IDs unknown until apply
	names map[string]map[string]*node

	byConf   map[*input]map[string][]*resource // module instance + "|" + configAddr → instances
	children map[*input]map[string][]any       // module instance + "|" + call name → instance keys

	unsupported map[string][]*resource
	depth       int // of nested reference resolution
	deferred    [phaseCount][]func()
	zoneNames   []zoneName
	pending     []pendingIP
	used        map[*node]map[netip.Addr]bool // subnet → addresses taken
}

// phase orders the mapping: what others attach to comes first.
type handler struct {
	phase int
	fn    func(*importer, *resource)
}

const (
	phaseNetworks   = iota // VNets, VPCs, route tables, NSGs, zones, sites
	phaseSubnets           // subnets, routes, rules, records, VPC CIDRs
	phaseAttach            // associations, peerings, links, resolvers, PaaS, NICs, gateways, clusters
	phaseDependents        // resolver endpoints, node pools, private endpoints, VMs, connections
	phaseRulesets          // rulesets, AWS rule associations
	phaseRules             // forwarding rules, ruleset links
	phaseCount
)

func (im *importer) run() {
	var all []*resource
	for _, in := range im.inputs {
		conf := map[string][]*resource{}
		kids := map[string][]any{}
		seen := map[string]bool{}
		for _, r := range in.resources {
			k := r.module + "|" + r.configAddr()
			conf[k] = append(conf[k], r)
			for i := range r.modules {
				parent := formatModulePath(r.modules[:i]) + "|" + r.modules[i].name
				if inst := parent + formatKey(r.modules[i].key); !seen[inst] {
					seen[inst] = true
					kids[parent] = append(kids[parent], r.modules[i].key)
				}
			}
		}
		im.byConf[in], im.children[in] = conf, kids
		all = append(all, in.resources...)
		if len(in.deleted) > 0 {
			im.warns.Add(model.Errorf(model.Location{File: in.file, TFAddress: in.deleted[0]},
				"the plan destroys %d resource(s), which are not imported: %s", len(in.deleted), strings.Join(in.deleted, ", ")))
		}
	}
	// Managed resources first within a phase, so that a data source that
	// reads one of them (same ID) becomes an alias of it.
	managedIDs := map[string]bool{}
	for _, r := range all {
		if id := r.str("id"); r.mode == "managed" && id != "" {
			managedIDs[strings.ToLower(id)] = true
		}
	}
	for p := 0; p < phaseCount; p++ {
		for _, managed := range []bool{true, false} {
			for _, r := range all {
				if (r.mode == "managed") != managed {
					continue
				}
				h, ok := im.handlerOf(r)
				if !ok {
					if p == 0 && r.mode == "managed" {
						t := r.typ
						if t == "azapi_resource" {
							t += " of type " + azapiType(r)
						}
						im.unsupported[t] = append(im.unsupported[t], r)
					}
					continue
				}
				if h.phase != p {
					continue
				}
				if r.mode == "data" {
					if id := strings.ToLower(r.str("id")); id != "" {
						if n := im.byID[id]; n != nil {
							r.nodes = []*node{n} // another view of an element already imported
							continue
						}
						if managedIDs[id] {
							continue
						}
					}
				}
				h.fn(im, r)
			}
		}
		// Work that had to wait for this phase's elements (an inline
		// subnet's NSG, which may be declared after its VNet).
		for i := 0; i < len(im.deferred[p]); i++ {
			im.deferred[p][i]()
		}
	}
	im.allocate()
	im.settleZoneNames()
	im.reportUnsupported()
	im.warns.Sort()
}

// zoneName is a reference to a private zone, named once every zone is known.
type zoneName struct {
	set func(string)
	n   *node
}

// settleZoneNames names each referenced zone by its name, or by
// RESOURCEGROUP/NAME when two imported zones share the name (the model's
// keys for zones, PrivateDNSZone.Keys).
func (im *importer) settleZoneNames() {
	count := map[string]int{}
	for _, z := range im.t.Azure.PrivateDNSZones {
		count[z.Name]++
	}
	for _, zn := range im.zoneNames {
		if !zn.n.external && count[zn.n.name] > 1 && zn.n.rg != "" {
			zn.set(zn.n.rg + "/" + zn.n.name)
		} else {
			zn.set(zn.n.name)
		}
	}
}

// handlerOf returns how a resource is mapped.
func (im *importer) handlerOf(r *resource) (handler, bool) {
	if r.typ == "azapi_resource" {
		return azapiHandler(r)
	}
	h, ok := handlers[r.typ]
	if ok && r.mode == "data" && !h.dataToo {
		return handler{}, false
	}
	return h.handler, ok
}

type registered struct {
	handler
	dataToo bool // data sources of the type are imported too
}

func (im *importer) reportUnsupported() {
	types := make([]string, 0, len(im.unsupported))
	for t := range im.unsupported {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		rs := im.unsupported[t]
		var addrs []string
		for _, r := range rs {
			addrs = append(addrs, r.addr)
		}
		im.warns.Add(model.Errorf(rs[0].loc(), "resource type %s is not modelled by aksnet; %d instance(s) not imported: %s", t, len(rs), strings.Join(addrs, ", ")))
	}
}

// later runs fn at the end of phase p.
func (im *importer) later(p int, fn func()) { im.deferred[p] = append(im.deferred[p], fn) }

// warn records a warning about r.
func (im *importer) warn(r *resource, format string, args ...any) *model.Error {
	e := model.Errorf(r.loc(), format, args...)
	im.warns.Add(e)
	return e
}

// skip records that r is not imported, and why.
func (im *importer) skip(r *resource, format string, args ...any) *model.Error {
	return im.warn(r, "not imported: "+format, args...)
}

// elemOf returns the element n stands for as a *T. When it is not one —
// n comes from a topology file given with -f, not from Terraform — r's
// element cannot be attached to it: that is reported (kind names n for the
// message, todo says what to do instead) and ok is false.
func elemOf[T any](im *importer, r *resource, n *node, kind, todo string) (*T, bool) {
	e, ok := n.elem.(*T)
	if !ok {
		im.skip(r, "%s %s is declared in a topology file; %s", kind, n.name, todo)
	}
	return e, ok
}

// unresolved records a reference of r that led nowhere; what is the
// attribute, consequence what follows for the element.
func (im *importer) unresolved(r *resource, attr string, x resolved, consequence string) {
	im.warn(r, "%s: %s; %s", attr, x.problem, consequence).
		WithHint("import the Terraform of what it refers to as well (--terraform may be repeated), or declare it in a topology file given with -f")
}

// noted records a link that was guessed.
func (im *importer) noted(r *resource, attr string, x resolved) {
	if x.guessed != "" {
		im.warn(r, "%s: %s", attr, x.guessed)
	}
}

// add registers an element made from r.
func (im *importer) add(r *resource, kind, name, rg string, elem any, id string, arm string, armNames ...string) *node {
	n := &node{res: r, kind: kind, name: name, elem: elem, rg: rg}
	r.nodes = append(r.nodes, n)
	if id != "" {
		im.byID[strings.ToLower(strings.TrimSuffix(id, "/"))] = n
	}
	if arm != "" && len(armNames) > 0 && !slices.Contains(armNames, "") {
		im.byARM[armKey(arm, rg, armNames...)] = n
	}
	return n
}

// unique returns name, or a variant when an element of the same kind has
// it already: NAME.RESOURCEGROUP when the resource groups differ, else
// NAME-2, NAME-3… Azure names are unique per resource group and type, the
// model's per topology.
func (im *importer) unique(r *resource, kind, name, rg string) string {
	m := im.names[kind]
	if m == nil {
		m = map[string]*node{}
		im.names[kind] = m
	}
	if prev, taken := m[name]; taken {
		alt := ""
		if rg != "" && !strings.EqualFold(rg, prev.rg) {
			alt = name + "." + rg
		}
		for i := 2; alt == "" || m[alt] != nil; i++ {
			alt = fmt.Sprintf("%s-%d", name, i)
		}
		im.warn(r, "a %s named %q is already imported from %s; this one is named %q", kind, name, prev.describe(), alt)
		name = alt
	}
	m[name] = &node{res: r, rg: rg}
	return name
}

var nonName = regexp.MustCompile(`[^a-z0-9-]+`)

// sanitize makes a name from free text: lower case letters, digits and '-'.
func sanitize(s string) string {
	s = strings.Trim(nonName.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if s == "" {
		return "unnamed"
	}
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "-")
	}
	return s
}

// nameOf reads r's name attribute. When it is known only after apply (a
// generated suffix) the element takes a stand-in made from its address.
func (im *importer) nameOf(r *resource, attr string) (string, bool) {
	if n := r.str(attr); n != "" {
		return n, true
	}
	stand := sanitize(strings.TrimPrefix(r.addr, "data."))
	im.warn(r, "%s is known only after apply; the element is named %q here", attr, stand)
	return stand, false
}

// location reads an Azure location attribute.
func location(r *resource) string {
	return strings.ToLower(strings.ReplaceAll(r.str("location"), " ", ""))
}

// pendingIP is an address Azure or AWS assigns at apply time.
type pendingIP struct {
	r      *resource
	subnet *node
	set    func(netip.Addr)
	what   string
}

// useIP records an address taken in a subnet.
func (im *importer) useIP(subnet *node, ip netip.Addr) {
	if subnet == nil || !ip.IsValid() {
		return
	}
	m := im.used[subnet]
	if m == nil {
		m = map[netip.Addr]bool{}
		im.used[subnet] = m
	}
	m[ip] = true
}

// assignIP sets an address now when known, or queues it for allocate.
func (im *importer) assignIP(r *resource, subnet *node, known string, what string, set func(netip.Addr)) {
	if ip, err := netip.ParseAddr(known); err == nil && known != "" {
		set(ip.Unmap())
		im.useIP(subnet, ip.Unmap())
		return
	}
	im.pending = append(im.pending, pendingIP{r: r, subnet: subnet, set: set, what: what})
}

// allocate gives each address known only after apply the one the platform
// would most likely assign: the first free address of its subnet. Azure
// assigns dynamic private addresses "the next available unassigned or
// unreserved IP address in the subnet's address range"
// (learn.microsoft.com/azure/virtual-network/ip-services/private-ip-addresses,
// "Allocation method"); the first four and the last are reserved in Azure
// and AWS subnets alike (virtual-networks-faq; AWS VPC "Subnet CIDR
// blocks"). Which free address a resource gets does not change DNS
// findings; each assumption is a warning.
func (im *importer) allocate() {
	for _, p := range im.pending {
		var prefix netip.Prefix
		switch s := p.subnet.elem.(type) {
		case *model.Subnet:
			prefix = s.Prefix
		case *model.AWSSubnet:
			prefix = s.CIDR
		}
		if !prefix.IsValid() || !prefix.Addr().Is4() {
			im.warn(p.r, "%s: the private IP is known only after apply and subnet %s has no IPv4 prefix to assume one from", p.what, p.subnet.name)
			continue
		}
		base := prefix.Masked().Addr()
		ip := base.Next().Next().Next().Next()
		last := model.LastAddr(prefix)
		for ; prefix.Contains(ip) && ip != last; ip = ip.Next() {
			if !im.used[p.subnet][ip] {
				break
			}
		}
		if !prefix.Contains(ip) || ip == last {
			im.warn(p.r, "%s: the private IP is known only after apply and subnet %s (%s) has no free address left", p.what, p.subnet.name, prefix)
			continue
		}
		p.set(ip)
		im.useIP(p.subnet, ip)
		im.warn(p.r, "%s: the private IP is known only after apply; assumed %s, the first free address of subnet %s", p.what, ip, p.subnet.name)
	}
}

// handlers maps each supported Terraform resource type.
var handlers = map[string]registered{}

func register(typ string, phase int, dataToo bool, fn func(*importer, *resource)) {
	handlers[typ] = registered{handler: handler{phase: phase, fn: fn}, dataToo: dataToo}
}
