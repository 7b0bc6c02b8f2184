package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/internal/dns"
	"github.com/aksnet/aksnet/internal/kb"
	"github.com/aksnet/aksnet/internal/model"
)

func newShowCmd(g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Print a readable summary of a topology",
		Long: `show loads a topology, checks that it is coherent (every reference resolves,
every address lies in its subnet, nothing overlaps that must not) and prints a
summary of what it declares: networks, DNS, endpoints, clusters and vantages.`,
		Example: `  # The embedded Contoso estate
  aksnet show

  # Your topology, as JSON
  aksnet show -f topology.yaml -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, err := g.load(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			switch output {
			case "text":
				showText(cmd.OutOrStdout(), t, g.source())
				return nil
			case "json":
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(t)
			}
			return &exitError{code: 2, msg: fmt.Sprintf("aksnet show: -o %q: choose text or json", output)}
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}

func showText(w io.Writer, t *model.Topology, source string) {
	fmt.Fprintf(w, "Topology %s (%s)\n", t.Metadata.Name, source)
	if t.Metadata.Description != "" {
		fmt.Fprintf(w, "  %s\n", t.Metadata.Description)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	section := func(title string, n int) bool {
		if n == 0 {
			return false
		}
		tw.Flush()
		fmt.Fprintf(w, "\n%s (%d)\n", title, n)
		return true
	}
	az := &t.Azure
	if section("VNets", len(az.VNets)) {
		for _, v := range az.VNets {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%d subnets\t%s\n", v.Name, prefixes(v.AddressSpace), vnetDNS(t, v), len(v.Subnets), peerings(v))
			fmt.Fprintf(tw, "    \tVM names under %s\n", model.InternalCloudappSuffix(v))
		}
	}
	if section("Private DNS zones", len(az.PrivateDNSZones)) {
		for _, z := range az.PrivateDNSZones {
			var links []string
			for _, l := range z.Links {
				s := l.VNet.Name
				if l.RegistrationEnabled {
					s += " (registration)"
				}
				if l.ResolutionPolicy == model.ResolutionNxDomainRedirect {
					s += " (fallback to internet)"
				}
				links = append(links, s)
			}
			fmt.Fprintf(tw, "  %s\t%d records\tlinked to: %s\n", z.Name, len(z.Records), orNone(links))
		}
	}
	if section("Private endpoints", len(az.PrivateEndpoints)) {
		for _, pe := range az.PrivateEndpoints {
			var zones []string
			for _, z := range pe.DNSZoneGroup {
				zones = append(zones, z.Name)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s/%s\tin %s\tzone group: %s\n", pe.Name, pe.IP, pe.Resource.Name, pe.Subresource, pe.Subnet.Name, orNone(zones))
		}
	}
	if section("PaaS resources", len(az.Resources)) {
		for _, r := range az.Resources {
			access := string(r.PublicNetworkAccess)
			if access == "" {
				access = "Enabled"
			}
			fmt.Fprintf(tw, "  %s\t%s\tpublic access %s\t%s\n", r.Name, r.Type, access, strings.Join(publicNames(r), ", "))
		}
	}
	if section("DNS Private Resolvers", len(az.DNSResolvers)) {
		for _, r := range az.DNSResolvers {
			var in []string
			for _, e := range r.InboundEndpoints {
				in = append(in, e.Name+" "+e.IP.String())
			}
			fmt.Fprintf(tw, "  %s\tin %s\tinbound: %s\t%d outbound\n", r.Name, r.VNet.Name, orNone(in), len(r.OutboundEndpoints))
		}
	}
	if section("Forwarding rulesets", len(az.ForwardingRulesets)) {
		for _, rs := range az.ForwardingRulesets {
			var links []string
			for _, l := range rs.Links {
				links = append(links, l.Name)
			}
			fmt.Fprintf(tw, "  %s\tlinked to: %s\n", rs.Name, orNone(links))
			for _, r := range rs.Rules {
				state := ""
				if !r.Enabled() {
					state = " (disabled)"
				}
				fmt.Fprintf(tw, "    %s\t%s. → %s%s\n", r.Name, r.Domain, addrPorts(r.Targets), state)
			}
		}
	}
	var dnsServers []string
	for _, vm := range az.VMs {
		if vm.DNS != nil {
			dnsServers = append(dnsServers, fmt.Sprintf("vm %s %s", vm.Name, vm.IP))
		}
	}
	for _, s := range t.OnPrem.Sites {
		for _, h := range s.Hosts {
			if h.DNS != nil {
				dnsServers = append(dnsServers, fmt.Sprintf("host %s/%s %s", s.Name, h.Name, h.IP))
			}
		}
	}
	for _, i := range t.AWS.Instances {
		if i.DNS != nil {
			dnsServers = append(dnsServers, fmt.Sprintf("instance %s %s", i.Name, i.IP))
		}
	}
	if section("Custom DNS servers", len(dnsServers)) {
		for _, s := range dnsServers {
			fmt.Fprintf(tw, "  %s\n", s)
		}
	}
	if section("AKS clusters", len(az.Clusters)) {
		for _, c := range az.Clusters {
			fmt.Fprintf(tw, "  %s\t%s\tpolicy %s\t%s\n", c.Name, cniTitle(c), orDefault(string(c.NetworkPolicy), "none"), apiServer(c))
			pods := "pods from the VNet"
			if p := c.EffectivePodCIDR(); p.IsValid() {
				pods = "pods " + p.String()
			}
			fmt.Fprintf(tw, "    \t%s, services %s, DNS %s, outbound %s\n", pods, c.EffectiveServiceCIDR(), c.EffectiveDNSServiceIP(), orDefault(string(c.OutboundType), "loadBalancer"))
			if private, public := dns.APIServerNames(c); private != "" || public != "" {
				fmt.Fprintf(tw, "    \tAPI server: %s\n", strings.Join(nonEmpty(private, public), ", "))
			}
			for _, p := range c.NodePools {
				max := ""
				if p.MaxCount > 0 {
					max = fmt.Sprintf("..%d", p.MaxCount)
				}
				surge, _ := p.Surge()
				fmt.Fprintf(tw, "    pool %s\t%d%s nodes (+%d surge), maxPods %s, %s\tin %s\n", p.Name, p.Count, max, surge, maxPods(p), orDefault(string(p.OSType), "Linux"), p.Subnet.Name)
			}
			if o := c.Objects; o != nil {
				fmt.Fprintf(tw, "    objects\t%d namespaces, %d workloads, %d services, %d network policies, %d ingresses", len(o.Namespaces), len(o.Workloads), len(o.Services), len(o.NetworkPolicies), len(o.Ingresses))
				if len(o.Skipped) > 0 {
					fmt.Fprintf(tw, "; %d skipped (%s)", len(o.Skipped), skippedKinds(o.Skipped))
				}
				fmt.Fprintln(tw)
			}
		}
	}
	if section("AWS VPCs", len(t.AWS.VPCs)) {
		for _, v := range t.AWS.VPCs {
			fmt.Fprintf(tw, "  %s\t%s\tAmazon DNS %s\t%d subnets\n", v.Name, prefixes(v.CIDRs), v.ResolverIP(), len(v.Subnets))
		}
		for _, z := range t.AWS.HostedZones {
			var vpcs []string
			for _, v := range z.VPCs {
				vpcs = append(vpcs, v.Name)
			}
			fmt.Fprintf(tw, "  private hosted zone %s\t%d records\tassociated with: %s\n", z.Name, len(z.Records), strings.Join(vpcs, ", "))
		}
		for _, r := range t.AWS.ResolverRules {
			fmt.Fprintf(tw, "  resolver rule %s\t%s %s → %s\n", r.Name, r.Type, r.Domain, addrPorts(r.Targets))
		}
	}
	if section("On-prem sites", len(t.OnPrem.Sites)) {
		for _, s := range t.OnPrem.Sites {
			fmt.Fprintf(tw, "  %s\t%s\tDNS %s\t%d hosts\n", s.Name, prefixes(s.AddressSpace), orNone(addrs(s.DNSServers)), len(s.Hosts))
		}
	}
	if section("Connections", len(t.Connections)) {
		for _, c := range t.Connections {
			fmt.Fprintf(tw, "  %s\t%s\t%s ↔ %s:%s\n", c.Name, c.Type, c.Gateway.Name, c.Remote.Scheme, remoteName(c.Remote))
		}
	}
	vs := t.Vantages()
	if section("Vantages", len(vs)) {
		for _, v := range vs {
			rc, err := t.ResolvConf(v)
			if err != nil {
				fmt.Fprintf(tw, "  %s\t%v\n", v, err)
				continue
			}
			ns := orNone(addrs(rc.Nameservers))
			if v.Kind == model.VantageInternet {
				ns = "public recursive resolver"
			}
			fmt.Fprintf(tw, "  %s\tnameserver %s\tndots %d\n", v, ns, rc.Ndots)
		}
	}
	tw.Flush()
}

func vnetDNS(t *model.Topology, v *model.VNet) string {
	if len(v.DNSServers) == 0 {
		return "DNS: Azure-provided"
	}
	var names []string
	for _, a := range v.DNSServers {
		names = append(names, describeAddr(t, a))
	}
	return "DNS: " + strings.Join(names, ", ")
}

// describeAddr names what owns an address, for readers of the summary.
func describeAddr(t *model.Topology, a netip.Addr) string {
	for _, r := range t.Azure.DNSResolvers {
		for _, e := range r.InboundEndpoints {
			if e.IP == a {
				return fmt.Sprintf("%s (%s/%s)", a, r.Name, e.Name)
			}
		}
	}
	for _, vm := range t.Azure.VMs {
		if vm.IP == a {
			return fmt.Sprintf("%s (vm %s)", a, vm.Name)
		}
	}
	for _, f := range t.Azure.Firewalls {
		if f.IP == a {
			return fmt.Sprintf("%s (firewall %s)", a, f.Name)
		}
	}
	if a == model.AzureDNS {
		return a.String() + " (Azure DNS)"
	}
	return a.String()
}

func peerings(v *model.VNet) string {
	var ps []string
	for _, p := range v.Peerings {
		state := "initiated"
		if r := p.Remote.Target; r != nil {
			for _, back := range r.Peerings {
				if back.Remote.Target == v {
					state = "connected"
				}
			}
		}
		ps = append(ps, fmt.Sprintf("%s (%s)", p.Remote.Name, state))
	}
	if len(ps) == 0 {
		return "no peerings"
	}
	return "peered: " + strings.Join(ps, ", ")
}

func cniTitle(c *model.Cluster) string {
	hasPodSubnet := false
	for _, p := range c.NodePools {
		if p.PodSubnet.IsSet() {
			hasPodSubnet = true
		}
	}
	alloc := ""
	if len(c.NodePools) > 0 {
		alloc = string(c.NodePools[0].PodIPAllocationMode)
	}
	mode, err := kb.ModeOf(string(c.NetworkPlugin), string(c.NetworkPluginMode), string(c.NetworkDataplane), hasPodSubnet, alloc)
	if err != nil {
		return "invalid network profile: " + err.Error()
	}
	p, _ := kb.CNI(mode)
	return p.Title
}

func maxPods(p *model.NodePool) string {
	if p.MaxPods > 0 {
		return fmt.Sprint(p.MaxPods)
	}
	return "default"
}

func apiServer(c *model.Cluster) string {
	a := c.APIServer
	if !a.Private {
		return "public API server"
	}
	s := "private API server, zone " + a.ZoneMode()
	if a.CustomZone != nil {
		s += " " + a.CustomZone.Name
	}
	return s
}

func publicNames(r *model.PaaSResource) []string {
	var out []string
	seen := map[string]bool{}
	for _, sub := range kb.SubresourcesOf(r.Type) {
		for _, row := range kb.LookupPrivateLink(r.Type, sub) {
			fw, err := row.Forwarders(kb.Placeholders{RegionName: r.Region, Region: r.Region})
			if err != nil || len(fw) == 0 {
				continue
			}
			n := r.Name + "." + fw[0]
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
		break // the first subresource names the resource's main endpoint
	}
	return out
}

func skippedKinds(s []*model.SkippedObject) string {
	count := map[string]int{}
	var kinds []string
	for _, o := range s {
		if count[o.Kind] == 0 {
			kinds = append(kinds, o.Kind)
		}
		count[o.Kind]++
	}
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", count[k], k))
	}
	return strings.Join(parts, ", ")
}

func remoteName(r model.NetworkRef) string {
	if r.Scheme == "site" {
		return r.Site.Name
	}
	return r.VPC.Name
}

func prefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

func addrs(as []netip.Addr) []string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return s
}

func addrPorts(as []model.AddrPort) string {
	s := make([]string, len(as))
	for i, a := range as {
		b, _ := a.MarshalText()
		s[i] = string(b)
	}
	return strings.Join(s, ", ")
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
