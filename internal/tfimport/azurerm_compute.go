package tfimport

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/aksnet/aksnet/internal/model"
)

// azurerm compute and connectivity: network interfaces and the VMs that use
// them (addresses, DNS servers, IP forwarding), virtual network gateways,
// local network gateways (on-prem sites, or an AWS VPC when their address
// space is one), gateway connections, Azure Firewalls and their policies'
// DNS settings, public IPs.

func init() {
	register("azurerm_network_interface", phaseAttach, true, (*importer).azNIC)
	for _, t := range []string{"azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine", "azurerm_virtual_machine"} {
		register(t, phaseDependents, true, (*importer).azVM)
	}
	register("azurerm_virtual_network_gateway", phaseAttach, true, (*importer).azGateway)
	register("azurerm_local_network_gateway", phaseDependents, true, (*importer).azLocalGateway)
	register("azurerm_virtual_network_gateway_connection", phaseRulesets, false, (*importer).azConnection)
	register("azurerm_firewall", phaseAttach, true, (*importer).azFirewall)
	register("azurerm_firewall_policy", phaseNetworks, true, (*importer).azFirewallPolicy)
	register("azurerm_public_ip", phaseNetworks, true, (*importer).azPublicIP)
}

// nic is a network interface, until a VM takes it.
type nic struct {
	subnet     *node
	ip         string
	dns        []netip.Addr
	forwarding bool
	publicIP   value
	vm         *model.VM
}

func (im *importer) azNIC(r *resource) {
	cfgs := r.blocks("ip_configuration")
	primary := 0
	for i, b := range cfgs {
		if p, _ := boolean(b["primary"]); p {
			primary = i
		}
	}
	sub := im.subnetOf(r, r.attr("ip_configuration", primary, "subnet_id"), "ip_configuration.subnet_id", "the network interface is not imported")
	if sub == nil {
		return
	}
	n := &nic{subnet: sub, ip: str(at(cfgs, primary, "private_ip_address")), publicIP: r.attr("ip_configuration", primary, "public_ip_address_id")}
	if strings.EqualFold(str(at(cfgs, primary, "private_ip_address_allocation")), "Dynamic") && r.attr("ip_configuration", primary, "private_ip_address").unknown {
		n.ip = ""
	}
	if len(cfgs) > 1 {
		im.warn(r, "the network interface has %d IP configurations; aksnet models the primary one", len(cfgs))
	}
	n.dns = im.addrsOf(r, "dns_servers", r.strs("dns_servers"))
	n.forwarding, _ = r.boolean("ip_forwarding_enabled")
	if v3, ok := r.boolean("enable_ip_forwarding"); ok && v3 {
		n.forwarding = true
	}
	im.add(r, kindNIC, r.str("name"), r.str("resource_group_name"), n, r.str("id"), armNIC, r.str("name"))
	im.later(phaseRules, func() {
		if n.vm == nil {
			im.warn(r, "network interface %s is attached to no imported VM; it is not imported", r.str("name"))
		}
	})
}

func (im *importer) azVM(r *resource) {
	name, _ := im.nameOf(r, "name")
	x := im.refs(r.attr("network_interface_ids"), kindNIC)
	var n *node
	if p := r.attr("primary_network_interface_id"); p.v != nil || p.unknown {
		n = im.ref(p, kindNIC).one()
	}
	if n == nil && len(x.nodes) > 0 {
		n = x.nodes[0]
	}
	if n == nil {
		if x.problem == "" {
			x.problem = "it names no network interface"
		}
		im.unresolved(r, "network_interface_ids", x, "the VM is not imported")
		return
	}
	im.noted(r, "network_interface_ids", x)
	nc, ok := n.elem.(*nic)
	if !ok || nc.vm != nil {
		im.skip(r, "its network interface %s is not importable or belongs to another VM", n.describe())
		return
	}
	vm := &model.VM{Name: im.unique(r, kindVM, name, r.str("resource_group_name")), Subnet: model.Ref[model.Subnet]{Name: nc.subnet.name, Loc: r.loc()},
		DNSServers: nc.dns, IPForwarding: nc.forwarding, Loc: r.loc()}
	nc.vm = vm
	if pip := im.ref(nc.publicIP, kindPublicIP).one(); pip != nil {
		if a, ok := pip.elem.(netip.Addr); ok {
			vm.PublicIP = a
		}
	}
	im.t.Azure.VMs = append(im.t.Azure.VMs, vm)
	im.add(r, kindVM, vm.Name, r.str("resource_group_name"), vm, r.str("id"), armVM, name)
	ip := nc.ip
	if ip == "" {
		ip = r.str("private_ip_address") // computed on azurerm_*_virtual_machine
	}
	im.assignIP(r, nc.subnet, ip, "VM "+vm.Name, func(a netip.Addr) { vm.IP = a })
}

func (im *importer) azPublicIP(r *resource) {
	if a, err := netip.ParseAddr(r.str("ip_address")); err == nil {
		im.add(r, kindPublicIP, r.str("name"), r.str("resource_group_name"), a, r.str("id"), armPublicIP, r.str("name"))
		return
	}
	// Known only after apply: nothing to model, but references to it are
	// not dangling.
	im.add(r, kindPublicIP, r.str("name"), r.str("resource_group_name"), nil, r.str("id"), armPublicIP, r.str("name"))
}

func (im *importer) azGateway(r *resource) {
	name, _ := im.nameOf(r, "name")
	typ, ok := enumOf[model.GatewayType](r.str("type"))
	if !ok {
		im.skip(r, "gateway type %q is not Vpn or ExpressRoute", r.str("type"))
		return
	}
	sub := im.subnetOf(r, r.attr("ip_configuration", 0, "subnet_id"), "ip_configuration.subnet_id", "the gateway is not imported")
	if sub == nil {
		return
	}
	s, ok := elemOf[model.Subnet](im, r, sub, "its subnet", "declare the gateway there")
	if !ok {
		return
	}
	rg := r.str("resource_group_name")
	g := &model.VNetGateway{Name: im.unique(r, kindGateway, name, rg), Type: typ, VNet: model.Ref[model.VNet]{Name: s.VNet.Name, Loc: r.loc()}, Loc: r.loc()}
	if ip := r.str("ip_configuration", 0, "private_ip_address"); ip != "" {
		if a, err := netip.ParseAddr(ip); err == nil {
			g.IP = a
			im.useIP(sub, a)
		}
	}
	im.t.Azure.Gateways = append(im.t.Azure.Gateways, g)
	im.add(r, kindGateway, g.Name, rg, g, r.str("id"), armGateway, name)
}

// azLocalGateway makes the network behind a local network gateway: the
// AWS VPC whose CIDRs hold its address space, or else an on-prem site.
func (im *importer) azLocalGateway(r *resource) {
	name, _ := im.nameOf(r, "name")
	rg := r.str("resource_group_name")
	space := im.prefixesOf(r, "address_space", r.strs("address_space"))
	if len(space) == 0 {
		im.skip(r, "local network gateway %s has no address space (BGP only); declare the site behind it in a topology file given with -f", name)
		return
	}
	for _, v := range im.t.AWS.VPCs {
		if within(space, v.CIDRs) {
			n := &node{res: r, kind: kindVPC, name: v.Name, elem: v, rg: rg}
			r.nodes = append(r.nodes, n)
			im.byID[strings.ToLower(r.str("id"))] = n
			im.byARM[armKey(armLocalGateway, rg, name)] = n
			return
		}
	}
	site := &model.Site{Name: im.unique(r, kindSite, name, rg), AddressSpace: space, Loc: r.loc()}
	im.t.OnPrem.Sites = append(im.t.OnPrem.Sites, site)
	im.add(r, kindSite, site.Name, rg, site, r.str("id"), armLocalGateway, name)
}

// within reports whether every prefix of a lies in one of b.
func within(a, b []netip.Prefix) bool {
	for _, p := range a {
		if !slices.ContainsFunc(b, func(q netip.Prefix) bool { return q.Bits() <= p.Bits() && q.Contains(p.Addr()) }) {
			return false
		}
	}
	return len(a) > 0
}

func (im *importer) azConnection(r *resource) {
	name, _ := im.nameOf(r, "name")
	switch t := r.str("type"); {
	case strings.EqualFold(t, "IPsec"):
	case strings.EqualFold(t, "ExpressRoute"):
		im.skip(r, "an ExpressRoute connection's other end is a circuit, which aksnet does not model; declare the connection and the site behind it in a topology file given with -f")
		return
	default:
		im.skip(r, "connection type %q (VNet-to-VNet) is not modelled; aksnet models peerings and connections to sites and VPCs", t)
		return
	}
	gx := im.ref(r.attr("virtual_network_gateway_id"), kindGateway)
	if gx.one() == nil {
		im.unresolved(r, "virtual_network_gateway_id", gx, "the connection is not imported")
		return
	}
	lx := im.ref(r.attr("local_network_gateway_id"), kindSite, kindVPC)
	if lx.one() == nil {
		im.unresolved(r, "local_network_gateway_id", lx, "the connection is not imported")
		return
	}
	im.noted(r, "virtual_network_gateway_id", gx)
	im.noted(r, "local_network_gateway_id", lx)
	c := &model.Connection{Name: im.unique(r, kindConnection, name, r.str("resource_group_name")), Type: "vpn",
		Gateway: model.Ref[model.VNetGateway]{Name: gx.one().name, Loc: r.loc()}, Loc: r.loc()}
	remote := lx.one()
	c.Remote = model.NetworkRef{Scheme: "site", Site: model.Ref[model.Site]{Name: remote.name, Loc: r.loc()}, Loc: r.loc()}
	if remote.kind == kindVPC {
		c.Remote = model.NetworkRef{Scheme: "vpc", VPC: model.Ref[model.VPC]{Name: remote.name, Loc: r.loc()}, Loc: r.loc()}
		// The local network gateway's prefixes are what goes into the
		// tunnel; keep them when they are less than the VPC.
		if lng := remote.res; lng != nil {
			space := im.prefixesOf(lng, "address_space", lng.strs("address_space"))
			if v, ok := remote.elem.(*model.VPC); ok && !slices.Equal(space, v.CIDRs) {
				c.RemotePrefixes = space
			}
		}
	}
	im.t.Connections = append(im.t.Connections, c)
	im.add(r, kindConnection, c.Name, "", c, r.str("id"), "")
}

// firewallPolicy is what aksnet reads of a firewall policy: its DNS proxy.
type firewallPolicy struct {
	proxy   bool
	servers []netip.Addr
}

func (im *importer) azFirewallPolicy(r *resource) {
	p := &firewallPolicy{}
	p.proxy, _ = r.boolean("dns", 0, "proxy_enabled")
	p.servers = im.addrsOf(r, "dns.servers", r.strs("dns", 0, "servers"))
	im.add(r, kindFWPolicy, r.str("name"), r.str("resource_group_name"), p, r.str("id"), armFirewallPol, r.str("name"))
}

func (im *importer) azFirewall(r *resource) {
	name, _ := im.nameOf(r, "name")
	sub := im.subnetOf(r, r.attr("ip_configuration", 0, "subnet_id"), "ip_configuration.subnet_id", "the firewall is not imported")
	if sub == nil {
		return
	}
	rg := r.str("resource_group_name")
	f := &model.Firewall{Name: im.unique(r, kindFirewall, name, rg), Subnet: model.Ref[model.Subnet]{Name: sub.name, Loc: r.loc()}, Loc: r.loc()}
	// DNS proxy: on the firewall itself in v3 (dns_proxy_enabled,
	// dns_servers), in its policy's dns block otherwise.
	f.DNSProxy, _ = r.boolean("dns_proxy_enabled")
	f.DNSServers = im.addrsOf(r, "dns_servers", r.strs("dns_servers"))
	if pa := r.attr("firewall_policy_id"); pa.v != nil || pa.unknown {
		x := im.ref(pa, kindFWPolicy)
		if p, ok := x.one().elemPolicy(); ok {
			f.DNSProxy = f.DNSProxy || p.proxy
			if len(f.DNSServers) == 0 {
				f.DNSServers = p.servers
			}
		} else {
			im.unresolved(r, "firewall_policy_id", x, "its DNS proxy settings are not known")
		}
	}
	for i := range r.blocks("ip_configuration") {
		if pip := im.ref(r.attr("ip_configuration", i, "public_ip_address_id"), kindPublicIP).one(); pip != nil {
			if a, ok := pip.elem.(netip.Addr); ok {
				f.PublicIPs = append(f.PublicIPs, a)
			}
		}
	}
	im.t.Azure.Firewalls = append(im.t.Azure.Firewalls, f)
	im.add(r, kindFirewall, f.Name, rg, f, r.str("id"), armFirewall, name)
	im.assignIP(r, sub, r.str("ip_configuration", 0, "private_ip_address"), "firewall "+f.Name, func(a netip.Addr) { f.IP = a })
}

func (n *node) elemPolicy() (*firewallPolicy, bool) {
	if n == nil {
		return nil, false
	}
	p, ok := n.elem.(*firewallPolicy)
	return p, ok
}
