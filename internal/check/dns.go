package check

import (
	"fmt"
	"net/netip"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/aksnet/aksnet/internal/dns"
	"github.com/aksnet/aksnet/internal/kb"
	"github.com/aksnet/aksnet/internal/model"
	"github.com/aksnet/aksnet/internal/reach"
)

// The DNS family (DNS0xx): what the resolution engine (internal/dns)
// computes for the estate's vantages, and the configurations the reference
// names as DNS pitfalls (azure-aws-dns.md; seed 000). Rules that judge an
// answer never re-implement resolution: they ask ctx.DNS(), the engine
// built once per run. The others read the model for a shape the reference
// documents as broken.

func init() {
	register(
		&Rule{
			ID: "DNS001", Title: "A private endpoint's name does not resolve to its private IP", Severity: Error,
			Source: "azure-aws-dns.md §1.1 (only linked VNets see a zone), §1.7 (\"link the same zones to all spokes and hub VNets that contain clients\"), §1.8 (custom DNS servers must forward to 168.63.129.16), §2, §4; seed 000",
			What:   "From a network that reaches a private endpoint — a cluster's pods and nodes, a VM, an on-premises host — the endpoint's name resolves to something other than its private IP: the public address, NXDOMAIN, a timeout, a loop or a stale record. aksnet resolves the name from every such vantage with the resolution engine.",
			Why:    "Clients then connect to the public endpoint (refused when public network access is disabled) or fail to resolve at all; the fault shows only after deployment, one nslookup at a time.",
			Fix:    "Follow the finding's fix: each one was applied to a copy of the topology and the name resolved again (aksnet resolve NAME --from VANTAGE shows the whole path).",
			Check:  checkEndpointResolution,
		},
		&Rule{
			ID: "DNS002", Title: "A private DNS zone is linked only to VNets whose clients never ask Azure DNS", Severity: Warning,
			Source: "azure-aws-dns.md §1.1 (a VNet whose DNS servers are custom does not query 168.63.129.16 itself), §1.7; seed 000 (\"VNet Link on the wrong VNet\")",
			What:   "A private DNS zone holding records has links, but every linked VNet uses custom DNS servers (a DNS Private Resolver or a DNS VM elsewhere) and holds no DNS server that asks Azure DNS from it: nothing ever reads the zone.",
			Why:    "Only Azure DNS queried from a linked VNet sees a zone. A link on a VNet whose machines ask another VNet's resolver is the seed's \"link on the wrong VNet\": the resolver's own VNet must be linked.",
			Fix:    "Link the zone to the VNet whose Azure DNS answers the clients: the DNS Private Resolver's or the forwarding DNS server's VNet (usually the hub).",
			Check:  checkUselessLinks,
		},
		&Rule{
			ID: "DNS003", Title: "A custom DNS server never asks Azure DNS", Severity: Warning,
			Source: "azure-aws-dns.md §1.1 (\"A custom DNS VM must conditional-forward the zone to 168.63.129.16\"), §1.8",
			What:   "A VNet's DNS servers setting names a custom DNS server (a VM) that has no forwarder to 168.63.129.16 or to a DNS Private Resolver inbound endpoint, while the estate has private DNS zones.",
			Why:    "A custom DNS server replaces Azure DNS for the VNet's machines; private zones are seen only through 168.63.129.16 from a linked VNet. Without a forwarder there, every privatelink name resolves publicly.",
			Fix:    "Add a conditional forwarder for the privatelink zones (or a default forwarder) to 168.63.129.16 — the server's VNet must be linked to the zones — or to a DNS Private Resolver inbound endpoint.",
			Check:  checkCustomServerForwarding,
		},
		&Rule{
			ID: "DNS004", Title: "A private zone is named like a public zone and hides its records", Severity: Warning,
			Source: "azure-aws-dns.md §1.2 (a linked zone is authoritative: a name it lacks is NXDOMAIN), §4 (use the privatelink zone, not the public one)",
			What:   "A private DNS zone is named after a public zone the estate uses (a PaaS service's public suffix such as blob.core.windows.net, or a declared public zone) instead of its privatelink. form.",
			Why:    "A linked zone answers every name under it: names it lacks are NXDOMAIN in the linked VNets, so every other resource of that service (and the public records) disappears there.",
			Fix:    "Name the zone privatelink.<suffix> as the privatelink table says, and let the public CNAME lead into it.",
			Check:  checkPublicNamedZones,
		},
		&Rule{
			ID: "DNS005", Title: "A forwarding rule on a public name bypasses a linked privatelink zone", Severity: Warning,
			Source: "azure-aws-dns.md §2 (a rule on a parent or public name captures the public name; the linked privatelink zone is never consulted), §9.1 (MicrosoftDocs/azure-docs issue #100273)",
			What:   "A DNS forwarding ruleset linked to a VNet has a rule for a public name (e.g. blob.core.windows.net) whose privatelink zone is linked to that same VNet.",
			Why:    "The rule captures the public name before Azure DNS follows the public CNAME into the privatelink zone, so the linked zone is never read and the target's answer (usually public) wins.",
			Fix:    "Remove or disable the rule, or scope it to the privatelink zone and target a DNS Private Resolver inbound endpoint.",
			Check:  checkRuleBypassesZone,
		},
		&Rule{
			ID: "DNS006", Title: "A ruleset forwards to the inbound endpoint of a VNet it is linked to", Severity: Error,
			Source: "azure-aws-dns.md §2 (\"Loop hazard - don't link a ruleset whose rule targets an inbound endpoint to the VNet hosting that inbound endpoint\")",
			What:   "A forwarding rule targets a DNS Private Resolver inbound endpoint, and the ruleset is linked to the VNet that hosts that endpoint.",
			Why:    "The inbound endpoint answers as Azure DNS of its VNet, which applies the same ruleset again: the query loops until it fails (SERVFAIL).",
			Fix:    "Unlink the ruleset from the inbound endpoint's VNet, or target another server.",
			Check:  checkRulesetLoop,
		},
		&Rule{
			ID: "DNS007", Title: "Two private zones of the same name are linked to one VNet", Severity: Error,
			Source: "azure-aws-dns.md §1.3 (a VNet can be linked to only one zone of a given name)",
			What:   "A VNet is linked to two private DNS zones with the same name (in different resource groups).",
			Why:    "Azure refuses the second link: one VNet sees one zone per name. Estates that split zones per region or team hit this when hub VNets are linked to both copies.",
			Fix:    "Keep one zone per name for the VNet and move the records into it.",
			Check:  checkDuplicateZoneLinks,
		},
		&Rule{
			ID: "DNS008", Title: "A VNet has more than one auto-registration zone", Severity: Error,
			Source: "azure-aws-dns.md §1.4 (a VNet can be linked to only one private zone with auto-registration enabled)",
			What:   "Two or more links from private DNS zones to one VNet have registrationEnabled.",
			Why:    "Azure allows one registration zone per VNet and refuses the second link.",
			Fix:    "Enable registration on one link only; link the other zones for resolution.",
			Check:  checkRegistrationZones,
		},
		&Rule{
			ID: "DNS009", Title: "A private endpoint's A record is missing or differs from its address", Severity: Error,
			Source: "azure-aws-dns.md §1.7 (the DNS zone group writes and updates the endpoint's records; without one they are managed by hand)",
			What:   "A private endpoint has no DNS zone group and no zone holds a record for its privatelink name, or a zone holds a record for it with another address (a stale record).",
			Why:    "Without the record the linked zone answers NXDOMAIN for the name; with a stale one clients connect to an address that no longer is the endpoint.",
			Fix:    "Give the endpoint a DNS zone group naming its privatelink zone (Azure then keeps the record), or correct the record.",
			Check:  checkEndpointRecords,
		},
		&Rule{
			ID: "DNS010", Title: "A private endpoint's zone group names the wrong zone for its subresource", Severity: Error,
			Source: "azure-aws-dns.md §4; Microsoft's private endpoint DNS zone table (internal/kb, all rows)",
			What:   "A private endpoint's DNS zone group names a zone that the privatelink table does not give for the endpoint's resource type and subresource.",
			Why:    "Clients follow the public CNAME to the privatelink name the table gives; a record in another zone is never found.",
			Fix:    "Name the zone the table gives for the subresource (aksnet kb privatelink lists them).",
			Check:  checkZoneGroupZones,
		},
		&Rule{
			ID: "DNS011", Title: "A private cluster's API server name does not resolve from where it is administered", Severity: Error,
			Source: "aks-rules.md rule 21; azure-aws-dns.md §6 (the system zone is linked to the cluster's VNet only); aks-constraints.md §2.1",
			What:   "The API server name of a private cluster does not resolve to its private IP from the cluster's nodes or from VMs in VNets peered with the cluster's.",
			Why:    "kubectl and the nodes then fail to reach the API server; only az aks command invoke still works.",
			Fix:    "Link the cluster's private DNS zone to the administering VNets, or forward its zone to 168.63.129.16 in a linked VNet or to a DNS Private Resolver.",
			Check:  checkAPIServerResolution,
		},
		&Rule{
			ID: "DNS012", Title: "External names cost several queries from pods (ndots:5)", Severity: Info,
			Source: "kubernetes-dns.md §2.1 (ClusterFirst: ndots:5 and the cluster's search list), §2.2",
			What:   "A pod resolves an external name its workload uses (a private endpoint's name in its environment) through the whole search list first: several queries on the wire per lookup.",
			Why:    "Every lookup of a name with fewer than five dots walks the search list, multiplying CoreDNS and upstream load and latency.",
			Fix:    "Use the fully qualified name with a trailing dot, or set dnsConfig options ndots:2 on the workload.",
			Check:  checkNdotsCost,
		},
	)
}

// dnsVantages are the vantages DNS rules resolve from: every cluster's
// pods (one workload each) and nodes, one VM per VNet and DNS setting,
// every AWS instance and on-premises host.
func dnsVantages(t *model.Topology) []model.Vantage {
	var out []model.Vantage
	for _, c := range t.Azure.Clusters {
		pod := model.Vantage{Kind: model.VantagePod, Cluster: c.Name, Namespace: "default"}
		if c.Objects != nil && len(c.Objects.Workloads) > 0 {
			w := c.Objects.Workloads[0]
			pod.Namespace, pod.Pod = w.Namespace, w.Name
		}
		out = append(out, pod, model.Vantage{Kind: model.VantageNode, Cluster: c.Name})
	}
	seen := map[string]bool{}
	for _, vm := range t.Azure.VMs {
		if vm.Subnet.Target == nil {
			continue
		}
		key := fmt.Sprint(vm.Subnet.Target.VNet.Name, vm.DNSServers)
		if !seen[key] {
			seen[key] = true
			out = append(out, model.Vantage{Kind: model.VantageVM, Name: vm.Name})
		}
	}
	for _, i := range t.AWS.Instances {
		out = append(out, model.Vantage{Kind: model.VantageVM, Name: i.Name})
	}
	for _, s := range t.OnPrem.Sites {
		for _, h := range s.Hosts {
			out = append(out, model.Vantage{Kind: model.VantageHost, Site: s.Name, Name: h.Name})
		}
	}
	return out
}

// maxVerified bounds the failures whose fixes DNS001 verifies: each
// verification reloads the topology; the others get the diagnosed cause.
const maxVerified = 8

// maxVerifiedEndpoints: on larger estates a reload costs more than the
// whole check (the 10,000-endpoint benchmark estate takes ~0.5 s to load),
// so findings name the resolve command that verifies fixes instead.
const maxVerifiedEndpoints = 500

func checkEndpointResolution(ctx *Context, r *Reporter) {
	e := ctx.DNS()
	type failure struct {
		pe   *model.PrivateEndpoint
		name string
		v    model.Vantage
	}
	var fails []failure
	names := endpointNames(ctx.T)
	remote := remoteForwardedDomains(ctx.T)
	// Endpoints live in VNets, so whether a vantage reaches one depends on
	// the endpoint's VNet only (peering, or a connection carrying the
	// vantage's own address): one path check per vantage and VNet.
	nets := e.Networks()
	peNet := make([]reach.Network, len(ctx.T.Azure.PrivateEndpoints))
	allNames := make([][]string, len(ctx.T.Azure.PrivateEndpoints)) // for vantages outside Azure
	for i, pe := range ctx.T.Azure.PrivateEndpoints {
		peNet[i] = nets.Of(pe.IP)
		allNames[i] = dns.EndpointNames(pe)
	}
	// Vantages are independent: resolve them on every core (the engine is
	// safe for concurrent use), then merge in vantage order.
	vantages := dnsVantages(ctx.T)
	perVantage := make([][]failure, len(vantages))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(vantages)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				vi := int(next.Add(1) - 1)
				if vi >= len(vantages) {
					return
				}
				v := vantages[vi]
				src, err := e.Source(v)
				if err != nil {
					continue
				}
				outside := v.Kind == model.VantageHost || v.Kind == model.VantageVM && model.Lookup[model.EC2Instance](ctx.T, v.Name) != nil
				forwarded := remote[remoteKey(ctx.T, v)]
				reaches := map[reach.Network]bool{}
				for i, pe := range ctx.T.Azure.PrivateEndpoints {
					name := names[i]
					if name == "" {
						continue
					}
					ok, seen := reaches[peNet[i]]
					if !seen {
						ok = nets.Reachable(src, pe.IP)
						reaches[peNet[i]] = ok
					}
					if !ok {
						continue
					}
					// On-premises and AWS use an endpoint when their DNS
					// forwards its names towards Azure; reaching its
					// address is not enough.
					if outside && !coveredBy(allNames[i], forwarded) {
						continue
					}
					want, ok := e.Expect(v, name)
					if !ok {
						continue
					}
					res, err := e.Lookup(v, name, dns.FamilyV4, nil)
					if err != nil || !slices.Equal(res.Addrs, want.Addrs) {
						perVantage[vi] = append(perVantage[vi], failure{pe, name, v})
					}
				}
			}
		}()
	}
	wg.Wait()
	for _, fs := range perVantage {
		fails = append(fails, fs...)
	}
	// One finding per endpoint and cause, naming every vantage it hits;
	// fixes are verified from the first (each verification reloads the
	// topology, so only the first maxVerified groups get them).
	type group struct {
		first failure
		d     *dns.Diagnosis
		from  []string
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, f := range fails {
		d, err := e.Diagnose(f.v, f.name, nil)
		if err != nil || d == nil {
			continue
		}
		key := f.pe.Name + "\x00" + d.Cause
		g := byKey[key]
		if g == nil {
			g = &group{first: f, d: d}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.from = append(g.from, f.v.String())
	}
	for i, g := range groups {
		f, d := g.first, g.d
		if i < maxVerified && ctx.Reload != nil && len(ctx.T.Azure.PrivateEndpoints) <= maxVerifiedEndpoints {
			if dv, err := e.Diagnose(f.v, f.name, ctx.Reload); err == nil && dv != nil {
				d = dv
			}
		}
		got := d.GotErr
		if len(d.Got) > 0 {
			got = addrList(d.Got)
		}
		fix := "run aksnet resolve " + f.name + " --from " + f.v.String() + " for the path and the fixes that work"
		if len(d.Fixes) > 0 {
			var fs []string
			for _, x := range d.Fixes {
				s := x.Description
				if !x.Loc.IsZero() {
					s += " (" + x.Loc.String() + ")"
				}
				fs = append(fs, s)
			}
			fix = "verified: " + strings.Join(fs, "; or ")
		}
		at := d.CauseLoc
		if at.IsZero() {
			at = f.pe.Loc
		}
		r.Report(at, fmt.Sprintf("%s resolves to %s from %s, not to private endpoint %s's %s (%s)", f.name, got, strings.Join(g.from, ", "), f.pe.Name, f.pe.IP, d.Kind),
			d.Cause+". "+r.rule.Why, fix)
	}
}

// remoteForwardedDomains are, per site and per VPC, the domains their DNS
// servers and Resolver rules forward elsewhere: how the topology says a
// network outside Azure uses an endpoint's names.
func remoteForwardedDomains(t *model.Topology) map[string][]string {
	out := map[string][]string{}
	add := func(key, d string) { out[key] = append(out[key], strings.TrimSuffix(strings.ToLower(d), ".")) }
	for _, s := range t.OnPrem.Sites {
		for _, h := range s.Hosts {
			if h.DNS != nil {
				for _, f := range h.DNS.ConditionalForwarders {
					add("site:"+s.Name, f.Domain)
				}
			}
		}
	}
	for _, i := range t.AWS.Instances {
		if i.DNS != nil && i.Subnet.Target != nil {
			for _, f := range i.DNS.ConditionalForwarders {
				add("vpc:"+i.Subnet.Target.VPC.Name, f.Domain)
			}
		}
	}
	for _, r := range t.AWS.ResolverRules {
		if r.Type == "FORWARD" {
			for _, v := range r.VPCs {
				add("vpc:"+v.Name, r.Domain)
			}
		}
	}
	return out
}

// remoteKey names the site or VPC of an outside vantage.
func remoteKey(t *model.Topology, v model.Vantage) string {
	if v.Kind == model.VantageHost {
		return "site:" + v.Site
	}
	if i := model.Lookup[model.EC2Instance](t, v.Name); i != nil && i.Subnet.Target != nil {
		return "vpc:" + i.Subnet.Target.VPC.Name
	}
	return ""
}

// coveredBy reports whether a domain in ds (not the root) holds one of
// names.
func coveredBy(names []string, ds []string) bool {
	for _, d := range ds {
		for _, n := range names {
			if d != "" && under(n, d) {
				return true
			}
		}
	}
	return false
}

func addrList(as []netip.Addr) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

// asksAzureDNS reports whether something in v asks 168.63.129.16 from v:
// a machine on the VNet's default DNS, a DNS Private Resolver inbound
// endpoint, a custom DNS server or firewall DNS proxy forwarding there, or a
// cluster's nodes.
func asksAzureDNS(t *model.Topology, v *model.VNet) bool {
	onAzure := func(servers []netip.Addr) bool {
		return len(servers) == 0 || slices.Contains(servers, model.AzureDNS)
	}
	vnetDefault := onAzure(v.DNSServers)
	for _, vm := range t.Azure.VMs {
		if s := vm.Subnet.Target; s == nil || s.VNet != v {
			continue
		}
		if vm.DNS != nil && forwardsToAzure(vm.DNS) {
			return true
		}
		if len(vm.DNSServers) > 0 && onAzure(vm.DNSServers) || len(vm.DNSServers) == 0 && vnetDefault {
			return true
		}
	}
	for _, r := range t.Azure.DNSResolvers {
		if r.VNet.Target == v && len(r.InboundEndpoints) > 0 {
			return true
		}
	}
	for _, f := range t.Azure.Firewalls {
		if f.DNSProxy && f.Subnet.Target != nil && f.Subnet.Target.VNet == v && onAzure(f.DNSServers) {
			return true
		}
	}
	for _, c := range t.Azure.Clusters {
		if len(c.NodePools) > 0 && c.NodePools[0].Subnet.Target != nil && c.NodePools[0].Subnet.Target.VNet == v && vnetDefault {
			return true
		}
	}
	return false
}

func forwardsToAzure(s *model.DNSServer) bool {
	for _, f := range s.Forwarders {
		if f.Addr() == model.AzureDNS {
			return true
		}
	}
	for _, f := range s.ConditionalForwarders {
		for _, t := range f.Targets {
			if t.Addr() == model.AzureDNS {
				return true
			}
		}
	}
	return false
}

func checkUselessLinks(ctx *Context, r *Reporter) {
	t := ctx.T
	for _, z := range t.Azure.PrivateDNSZones {
		if len(z.Links) == 0 || len(z.Records) == 0 && !zoneHasEndpoints(t, z) {
			continue
		}
		var names []string
		useful := false
		for _, l := range z.Links {
			if l.VNet.Target == nil {
				continue
			}
			names = append(names, l.VNet.Target.Name)
			useful = useful || asksAzureDNS(t, l.VNet.Target)
		}
		if !useful && len(names) > 0 {
			r.Report(z.Loc, fmt.Sprintf("zone %s is linked only to %s, where nothing asks Azure DNS: its records are read by no one", z.Keys()[0], strings.Join(names, ", ")), "",
				"link zone "+z.Keys()[0]+" to the VNet whose Azure DNS serves the clients (the DNS Private Resolver's or the forwarding DNS server's VNet)")
		}
	}
}

func zoneHasEndpoints(t *model.Topology, z *model.PrivateDNSZone) bool {
	for _, pe := range t.Azure.PrivateEndpoints {
		for _, ref := range pe.DNSZoneGroup {
			if ref.Target == z {
				return true
			}
		}
	}
	return false
}

func checkCustomServerForwarding(ctx *Context, r *Reporter) {
	t := ctx.T
	if len(t.Azure.PrivateDNSZones) == 0 {
		return
	}
	inbound := map[netip.Addr]bool{}
	for _, res := range t.Azure.DNSResolvers {
		for _, in := range res.InboundEndpoints {
			inbound[in.IP] = true
		}
	}
	used := map[netip.Addr][]string{}
	for _, v := range t.Azure.VNets {
		for _, a := range v.DNSServers {
			used[a] = append(used[a], v.Name)
		}
	}
	for _, vm := range t.Azure.VMs {
		if vm.DNS == nil || len(used[vm.IP]) == 0 || forwardsToAzure(vm.DNS) {
			continue
		}
		toResolver := false
		for _, f := range vm.DNS.Forwarders {
			toResolver = toResolver || inbound[f.Addr()]
		}
		for _, f := range vm.DNS.ConditionalForwarders {
			for _, tg := range f.Targets {
				toResolver = toResolver || inbound[tg.Addr()]
			}
		}
		if !toResolver {
			r.Report(vm.DNS.Loc, fmt.Sprintf("DNS server on vm %s (%s), the DNS server of vnet %s, forwards nothing to 168.63.129.16 or a DNS Private Resolver: private zones are invisible to its clients", vm.Name, vm.IP, strings.Join(used[vm.IP], ", ")), "", r.rule.Fix)
		}
	}
}

func checkPublicNamedZones(ctx *Context, r *Reporter) {
	public := map[string]bool{}
	for _, fs := range publicNames() { // the table's public zones
		for _, f := range fs {
			public[f] = true
		}
	}
	for _, z := range ctx.T.Internet.Zones {
		public[strings.ToLower(z.Name)] = true
	}
	for _, z := range ctx.T.Azure.PrivateDNSZones {
		if public[z.Name] && len(z.Links) > 0 {
			r.Report(z.Loc, fmt.Sprintf("private zone %s has the name of a public zone: in its linked VNets every name under it that it lacks is NXDOMAIN", z.Keys()[0]), "",
				"rename the zone privatelink."+z.Name+" (if the table gives that form) and let the public CNAME lead into it")
		}
	}
}

func checkRuleBypassesZone(ctx *Context, r *Reporter) {
	t := ctx.T
	for _, rs := range t.Azure.ForwardingRulesets {
		for _, rule := range rs.Rules {
			domain := strings.TrimSuffix(strings.ToLower(rule.Domain), ".")
			// A rule for "." forwards everything by design, usually to a
			// server that forwards privatelink zones back: DNS001 judges
			// what it resolves to.
			if !rule.Enabled() || domain == "" {
				continue
			}
			for _, l := range rs.Links {
				v := l.Target
				if v == nil {
					continue
				}
				for _, z := range t.Azure.PrivateDNSZones {
					if !linkedTo(z, v) {
						continue
					}
					for _, pub := range publicNamesOf(z.Name) {
						if !under(pub, domain) {
							continue
						}
						r.Report(rule.Loc, fmt.Sprintf("rule %s of ruleset %s forwards %s., which captures %s names before vnet %s's linked zone %s is read", rule.Name, rs.Name, domain, pub, v.Name, z.Keys()[0]), "",
							"remove or disable rule "+rule.Name+", or make it forward "+z.Name+" to a DNS Private Resolver inbound endpoint")
						break
					}
				}
			}
		}
	}
}

// publicNamesOf returns the public zones whose names CNAME into a
// privatelink zone, from the privatelink table's rows for it.
func publicNamesOf(zone string) []string { return publicNames()[strings.ToLower(zone)] }

var publicNames = sync.OnceValue(func() map[string][]string {
	out := map[string][]string{}
	for _, row := range kb.PrivateLinkZones() {
		for _, z := range row.PrivateZones {
			z = strings.ToLower(z)
			for _, f := range row.PublicForwarders {
				if f = strings.ToLower(f); !strings.Contains(f, "{") && !slices.Contains(out[z], f) {
					out[z] = append(out[z], f)
				}
			}
		}
	}
	return out
})

// under reports whether name is domain or below it ("" and "." are the
// root).
func under(name, domain string) bool {
	domain = strings.TrimSuffix(strings.ToLower(domain), ".")
	return domain == "" || name == domain || strings.HasSuffix(name, "."+domain)
}

func linkedTo(z *model.PrivateDNSZone, v *model.VNet) bool {
	for _, l := range z.Links {
		if l.VNet.Target == v {
			return true
		}
	}
	return false
}

func checkRulesetLoop(ctx *Context, r *Reporter) {
	t := ctx.T
	inboundVNet := map[netip.Addr]*model.VNet{}
	for _, res := range t.Azure.DNSResolvers {
		for _, in := range res.InboundEndpoints {
			inboundVNet[in.IP] = res.VNet.Target
		}
	}
	for _, rs := range t.Azure.ForwardingRulesets {
		for _, rule := range rs.Rules {
			if !rule.Enabled() {
				continue
			}
			for _, tg := range rule.Targets {
				v := inboundVNet[tg.Addr()]
				if v == nil {
					continue
				}
				for _, l := range rs.Links {
					if l.Target == v {
						r.Report(rule.Loc, fmt.Sprintf("rule %s of ruleset %s forwards %s. to inbound endpoint %s of vnet %s, which the ruleset is linked to: a loop", rule.Name, rs.Name, rule.Domain, tg.Addr(), v.Name), "", r.rule.Fix)
					}
				}
			}
		}
	}
}

func checkDuplicateZoneLinks(ctx *Context, r *Reporter) {
	type key struct {
		vnet *model.VNet
		name string
	}
	first := map[key]*model.PrivateDNSZone{}
	for _, z := range ctx.T.Azure.PrivateDNSZones {
		for _, l := range z.Links {
			if l.VNet.Target == nil {
				continue
			}
			k := key{l.VNet.Target, z.Name}
			if prev := first[k]; prev != nil && prev != z {
				r.Report(l.Loc, fmt.Sprintf("vnet %s is linked to zone %s and to zone %s: one VNet sees one zone per name", l.VNet.Target.Name, prev.Keys()[0], z.Keys()[0]), "", r.rule.Fix)
				continue
			}
			first[k] = z
		}
	}
}

func checkRegistrationZones(ctx *Context, r *Reporter) {
	first := map[*model.VNet]*model.PrivateDNSZone{}
	for _, z := range ctx.T.Azure.PrivateDNSZones {
		for _, l := range z.Links {
			v := l.VNet.Target
			if v == nil || !l.RegistrationEnabled {
				continue
			}
			if prev := first[v]; prev != nil {
				r.Report(l.Loc, fmt.Sprintf("vnet %s already auto-registers in zone %s; link to %s enables registration too", v.Name, prev.Keys()[0], z.Keys()[0]), "", r.rule.Fix)
				continue
			}
			first[v] = z
		}
	}
}

func checkEndpointRecords(ctx *Context, r *Reporter) {
	t := ctx.T
	for _, pe := range t.Azure.PrivateEndpoints {
		res := pe.Resource.Target
		if res == nil || len(pe.DNSZoneGroup) > 0 {
			continue
		}
		zones := expectedZones(res, pe.Subresource)
		found := false
		for _, z := range t.Azure.PrivateDNSZones {
			if !zones.match(z.Name) {
				continue
			}
			for _, rec := range z.Records {
				if rec.Type != model.TypeA || !strings.EqualFold(rec.Name, res.Name) {
					continue
				}
				found = true
				for _, d := range rec.Data {
					if d.Addr != pe.IP {
						r.Report(rec.Loc, fmt.Sprintf("zone %s maps %s to %s, but private endpoint %s is at %s: a stale record", z.Keys()[0], rec.Name, d.Addr, pe.Name, pe.IP), "",
							fmt.Sprintf("set the record to %s, or give the endpoint a DNS zone group naming %s", pe.IP, z.Keys()[0]))
					}
				}
			}
		}
		if !found && zones.any(t) {
			r.Report(pe.Loc, fmt.Sprintf("private endpoint %s has no DNS zone group and no zone holds a record for %s", pe.Name, res.Name), "",
				"add dnsZoneGroup naming the endpoint's privatelink zone, so that Azure keeps its A record")
		}
	}
}

// zoneSet matches zone names against the privatelink table's patterns for a
// resource type and subresource; a placeholder matches any labels.
type zoneSet []*regexp.Regexp

// zoneSets caches expectedZones by resource type and subresource: an
// estate has thousands of endpoints of a handful of kinds.
var zoneSets sync.Map // [2]string → zoneSet

func expectedZones(res *model.PaaSResource, subresource string) zoneSet {
	key := [2]string{res.Type, subresource}
	if zs, ok := zoneSets.Load(key); ok {
		return zs.(zoneSet)
	}
	zs := compileZones(res.Type, subresource)
	zoneSets.Store(key, zs)
	return zs
}

var placeholder = regexp.MustCompile(`\\\{[^}]*\\\}`)

func compileZones(resourceType, subresource string) zoneSet {
	var out zoneSet
	for _, row := range kb.LookupPrivateLink(resourceType, subresource) {
		for _, z := range row.PrivateZones {
			pat := regexp.QuoteMeta(strings.ToLower(z))
			pat = placeholder.ReplaceAllString(pat, `[a-z0-9.-]+`)
			out = append(out, regexp.MustCompile("^"+pat+"$"))
		}
	}
	return out
}

func (zs zoneSet) match(name string) bool {
	for _, re := range zs {
		if re.MatchString(name) {
			return true
		}
	}
	return false
}

// any reports whether the topology declares a zone the set matches.
func (zs zoneSet) any(t *model.Topology) bool {
	for _, z := range t.Azure.PrivateDNSZones {
		if zs.match(z.Name) {
			return true
		}
	}
	return false
}

func checkZoneGroupZones(ctx *Context, r *Reporter) {
	for _, pe := range ctx.T.Azure.PrivateEndpoints {
		res := pe.Resource.Target
		if res == nil || !kb.HasPrivateLink(res.Type, pe.Subresource) {
			continue
		}
		zones := expectedZones(res, pe.Subresource)
		for _, ref := range pe.DNSZoneGroup {
			if z := ref.Target; z != nil && !zones.match(z.Name) {
				var want []string
				for _, row := range kb.LookupPrivateLink(res.Type, pe.Subresource) {
					want = append(want, row.PrivateZones...)
				}
				r.Report(ref.Loc, fmt.Sprintf("private endpoint %s (%s, subresource %s) names zone %s in its zone group; the privatelink table gives %s", pe.Name, res.Type, pe.Subresource, z.Name, strings.Join(want, ", ")), "", r.rule.Fix)
			}
		}
	}
}

func checkAPIServerResolution(ctx *Context, r *Reporter) {
	t := ctx.T
	e := ctx.DNS()
	for _, c := range t.Azure.Clusters {
		a := &c.APIServer
		private, _ := dns.APIServerNames(c)
		if !a.Private || !a.PrivateIP.IsValid() || private == "" || len(c.NodePools) == 0 || c.NodePools[0].Subnet.Target == nil {
			continue
		}
		home := c.NodePools[0].Subnet.Target.VNet
		vs := []model.Vantage{{Kind: model.VantageNode, Cluster: c.Name}}
		for _, vm := range t.Azure.VMs {
			if s := vm.Subnet.Target; s != nil && vm.DNS == nil && (s.VNet == home || reach.Side(s.VNet, home) != nil) {
				vs = append(vs, model.Vantage{Kind: model.VantageVM, Name: vm.Name})
			}
		}
		for _, v := range vs {
			if !e.Reaches(v, a.PrivateIP) {
				continue
			}
			res, err := e.Lookup(v, private, dns.FamilyV4, nil)
			if err != nil || slices.Contains(res.Addrs, a.PrivateIP) {
				continue
			}
			got := string(res.Err)
			if len(res.Addrs) > 0 {
				got = addrList(res.Addrs)
			}
			at := a.Loc
			if at.IsZero() {
				at = c.Loc
			}
			r.Report(at, fmt.Sprintf("%s resolves cluster %s's API server %s to %s, not %s", v, c.Name, private, got, a.PrivateIP), "",
				"aksnet resolve "+private+" --from "+v.String()+" shows the path; link the cluster's private DNS zone to that VNet or forward the zone to a resolver that sees it")
		}
	}
}

func checkNdotsCost(ctx *Context, r *Reporter) {
	e := ctx.DNS()
	used := map[string]bool{}
	for _, n := range endpointNames(ctx.T) {
		used[n] = n != ""
	}
	for _, c := range ctx.T.Azure.Clusters {
		if c.Objects == nil {
			continue
		}
		type use struct {
			w    *model.Workload
			name string
		}
		var uses []use
		for _, w := range c.Objects.Workloads {
			for _, ct := range w.Template.Spec.Containers {
				for _, env := range ct.Env {
					n := strings.ToLower(env.Value)
					if used[n] {
						uses = append(uses, use{w, n})
					}
				}
			}
		}
		sort.SliceStable(uses, func(i, j int) bool { return uses[i].w.Name < uses[j].w.Name })
		for _, u := range uses {
			v := model.Vantage{Kind: model.VantagePod, Cluster: c.Name, Namespace: u.w.Namespace, Pod: u.w.Name}
			res, err := e.Lookup(v, u.name, dns.FamilyUnspec, nil)
			if err != nil || res.Sent <= 2 {
				continue
			}
			r.Report(u.w.Loc, fmt.Sprintf("%s/%s looks %s up with %d queries on the wire (A and AAAA per search-list candidate)", u.w.Namespace, u.w.Name, u.name, res.Sent), "", r.rule.Fix)
			break // one per cluster: the cost is the same for every such name
		}
	}
}

// endpointNames lists each private endpoint's client name, in order.
func endpointNames(t *model.Topology) []string {
	out := make([]string, len(t.Azure.PrivateEndpoints))
	for i, pe := range t.Azure.PrivateEndpoints {
		out[i] = dns.EndpointName(pe)
	}
	return out
}
