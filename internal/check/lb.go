package check

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/aksnet/aksnet/internal/model"
)

// The LB family: load balancers. Rules 16 (Basic LB), 19 and 23 (Standard
// only), 28–33 of aks-rules.md, details in aks-constraints.md §3.

func init() {
	register(
		&Rule{
			ID: "LB001", Title: "The cluster uses the Basic load balancer", Severity: Error,
			Source: "aks-rules.md rules 16, 19, 23; aks-constraints.md §1.2, §2.1, §2.3 (AKSD:includes/basic-load-balancer-retirement.md, AKSD:private-clusters, AKSD:egress-outboundtype, AKSD:egress-udr)",
			What:   "loadBalancerSku basic.",
			Why:    "The Basic load balancer is no longer supported since 2025-09-30 (AKSD:includes/basic-load-balancer-retirement.md). Every outbound type needs a Standard load balancer (AKSD:egress-outboundtype; AKSD:egress-udr), and so do private clusters (AKSD:private-clusters), authorized IP ranges and Private Link Services.",
			Fix:    "Set loadBalancerSku: standard (the default).",
			Check:  checkBasicLB,
		},
		&Rule{
			ID: "LB002", Title: "An internal load balancer's static IP cannot be assigned", Severity: Error,
			Source: "aks-rules.md rule 28; aks-constraints.md §3.2 item 4 (AKSD:internal-lb)",
			What:   "An internal LoadBalancer Service asks for a static frontend address (azure-load-balancer-ipv4/-ipv6 or spec.loadBalancerIP) that is not an IP address, lies outside the subnet the frontend comes from (the cluster's first node pool subnet, or azure-load-balancer-internal-subnet), is one Azure reserves, is already used by something else, or lies in the cluster's service CIDR.",
			Why:    "The internal static IP must be available in the target subnet: outside it, Azure-reserved (the first four addresses and the last), already assigned, or inside the service CIDR, the frontend is never created and EXTERNAL-IP stays <pending> (AKSD:internal-lb).",
			Fix:    "Choose a free address of the target subnet, outside the service CIDR, or omit the static IP and let Azure pick one.",
			Check:  checkILBStaticIP,
		},
		&Rule{
			ID: "LB003", Title: "azure-load-balancer-internal-subnet names no subnet of the cluster's VNet", Severity: Error,
			Source: "aks-rules.md rule 29; aks-constraints.md §3.1, §3.2 item 5 (AKSD:internal-lb)",
			What:   "A Service's service.beta.kubernetes.io/azure-load-balancer-internal-subnet annotation names a subnet that the cluster's VNet does not have.",
			Why:    "The annotation takes the name of a subnet \"in the same VNet as the cluster\" (AKSD:internal-lb); otherwise the frontend is never created and the Service stays <pending>.",
			Fix:    "Write the name (alone, not VNET/SUBNET) of a subnet of the cluster's VNet.",
			Check:  checkILBSubnet,
		},
		&Rule{
			ID: "LB004", Title: "A public load balancer asks for an address it cannot have", Severity: Error,
			Source: "aks-rules.md rule 30; aks-constraints.md §3.2 items 1 and 10 (AKSD:static-ip, AKSD:egress-outboundtype)",
			What:   "A public LoadBalancer Service (no azure-load-balancer-internal) asks for a static address that is private, or that belongs to another resource of the estate (a firewall, a VM, a PaaS service).",
			Why:    "A public frontend takes an existing public IP resource of the node resource group (or of azure-load-balancer-resource-group); a private address or another resource's address is \"not found\" and the Service stays <pending> (AKSD:static-ip). Reusing an address of the cluster's outbound path is warned against (AKSD:egress-outboundtype).",
			Fix:    "Create a Standard public IP for the Service (in the node resource group, or name its group with azure-load-balancer-resource-group) and use its address; for a private address, make the Service internal.",
			Check:  checkPublicStaticIP,
		},
		&Rule{
			ID: "LB005", Title: "More than 300 LoadBalancer Services in a cluster", Severity: Error,
			Source: "aks-rules.md rule 31; aks-constraints.md §1.1, §3.2 item 8 (AZD:includes/container-service-limits.md)",
			What:   "A cluster's manifests declare more than 300 Services of type LoadBalancer.",
			Why:    "AKS supports 300 load-balanced Kubernetes Services per cluster on the Standard load balancer (AZD:includes/container-service-limits.md); the ones beyond stay <pending>.",
			Fix:    "Put Services behind an ingress controller or Gateway, or share frontends, to stay within 300.",
			Check:  checkLBServiceCount,
		},
		&Rule{
			ID: "LB006", Title: "A Private Link Service is configured in a way AKS refuses", Severity: Error,
			Source: "aks-rules.md rule 32; aks-constraints.md §3.1 PLS constraints, §3.2 item 9 (AKSD:internal-lb, AKSD:concepts-network-azure-cni-pod-subnet)",
			What:   "A Service with azure-pls-create: \"true\" asks for a NAT IP count outside 1–8, for NAT addresses that are not IPv4, more than the count, or outside the PLS subnet, names a PLS subnet outside the cluster's VNet, or runs in a cluster with a static block pod subnet.",
			Why:    "A Private Link Service takes 1 to 8 NAT IP configurations, IPv4 only, in a subnet of the backend's VNet (AKSD:internal-lb); static block pod subnets do not support PLS (AKSD:concepts-network-azure-cni-pod-subnet). The PLS is not created.",
			Fix:    "Ask for 1–8 IPv4 NAT addresses inside a subnet of the cluster's VNet, and keep PLS Services out of clusters with static block allocation.",
			Check:  checkPLS,
		},
		&Rule{
			ID: "LB007", Title: "An IPv6 LoadBalancer Service without externalTrafficPolicy Local", Severity: Error,
			Source: "aks-rules.md rule 33; aks-constraints.md §1.1 Dual-stack bullet, §3.1 (AKSD:azure-cni-overlay)",
			What:   "A LoadBalancer Service that gets an IPv6 frontend (ipFamilies with IPv6, the azure-load-balancer-ipv6 annotation, or a dual-stack ipFamilyPolicy in a dual-stack cluster) whose externalTrafficPolicy is not Local.",
			Why:    "IPv6 LoadBalancer Services need externalTrafficPolicy: Local (AKSD:azure-cni-overlay): the load balancer probes from a link-local address, which only works with Local, so with Cluster the probe fails and no traffic is sent.",
			Fix:    "Set externalTrafficPolicy: Local on the Service.",
			Check:  checkIPv6TrafficPolicy,
		},
	)
}

func checkBasicLB(ctx *Context, r *Reporter) {
	for _, c := range ctx.T.Azure.Clusters {
		if c.LoadBalancerSKU != "basic" {
			continue
		}
		needs := []string{"every outbound type"}
		if c.APIServer.Private {
			needs = append(needs, "private clusters")
		}
		if len(c.APIServer.AuthorizedIPRanges) > 0 {
			needs = append(needs, "authorized IP ranges")
		}
		r.Report(c.Loc, fmt.Sprintf("cluster %s uses the Basic load balancer, retired on 2025-09-30; %s need the Standard one", c.Name, strings.Join(needs, " and ")), "",
			"set loadBalancerSku: standard")
	}
}

func checkILBStaticIP(ctx *Context, r *Reporter) {
	x := ctx.index()
	for _, ci := range x.clusters {
		for _, l := range ci.lbs {
			if !l.internal {
				continue
			}
			s := l.s
			name := fmt.Sprintf("Service %s/%s", s.Namespace, s.Name)
			for _, v := range l.badStatic {
				r.Report(s.Loc, fmt.Sprintf("%s: static IP %q is not an IP address", name, v), "", "write an IPv4 or IPv6 address")
			}
			sub := l.subnet
			if sub == nil {
				continue // LB003 reports the unknown subnet
			}
			for _, ip := range l.static {
				if ip.Is4() != sub.Prefix.Addr().Is4() {
					continue // the other family's frontend is not from this subnet
				}
				switch {
				case !sub.Prefix.Contains(ip):
					r.Report(s.Loc, fmt.Sprintf("%s: internal static IP %s is outside subnet %s (%s), where the frontend is created", name, ip, sub.ID(), sub.Prefix), "",
						"choose a free address in "+sub.Prefix.String())
				case model.AzureReserved(sub.Prefix, ip):
					r.Report(s.Loc, fmt.Sprintf("%s: internal static IP %s is reserved by Azure in subnet %s (%s)", name, ip, sub.ID(), sub.Prefix), "",
						"Azure keeps the first four addresses and the last; choose another")
				case x.owners[sub.VNet][ip].what != "":
					o := x.owners[sub.VNet][ip]
					r.Report(s.Loc, fmt.Sprintf("%s: internal static IP %s is already used by %s (declared at %s)", name, ip, o.what, o.loc), "",
						"choose a free address in "+sub.Prefix.String())
				}
				if svc := ci.c.EffectiveServiceCIDR(); svc.Contains(ip) {
					r.Report(s.Loc, fmt.Sprintf("%s: internal static IP %s is inside the cluster's %s", name, ip, describeServiceCIDR(ci.c)), "",
						"choose an address of the subnet outside the service CIDR")
				}
			}
		}
	}
}

func checkILBSubnet(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		if ci.vnet == nil {
			continue
		}
		for _, l := range ci.lbs {
			if l.subnetName == "" || l.subnet != nil {
				continue
			}
			var names []string
			for _, s := range ci.vnet.Subnets {
				names = append(names, s.Name)
			}
			fix := "name one of the subnets of vnet " + ci.vnet.Name + ": " + strings.Join(names, ", ")
			if _, after, ok := strings.Cut(l.subnetName, "/"); ok {
				fix = fmt.Sprintf("the annotation takes the subnet's name alone, e.g. %q", after)
			} else if c := model.Closest(l.subnetName, names); c != "" {
				fix = fmt.Sprintf("did you mean %q?", c)
			}
			r.Report(l.s.Loc, fmt.Sprintf("Service %s/%s: azure-load-balancer-internal-subnet %q is not a subnet of vnet %s, the VNet of cluster %s",
				l.s.Namespace, l.s.Name, l.subnetName, ci.vnet.Name, ci.c.Name), "", fix)
		}
	}
}

// sharedAddressSpace is RFC 6598's 100.64.0.0/10, private in Azure's
// sense (AZD:virtual-networks-faq) though netip does not call it private.
var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")

func checkPublicStaticIP(ctx *Context, r *Reporter) {
	t := ctx.T
	others := map[netip.Addr]string{}
	for _, f := range t.Azure.Firewalls {
		for _, ip := range f.PublicIPs {
			others[ip] = "firewall " + f.Name
		}
	}
	for _, vm := range t.Azure.VMs {
		if vm.PublicIP.IsValid() {
			others[vm.PublicIP] = "vm " + vm.Name
		}
	}
	for _, res := range t.Azure.Resources {
		if res.PublicIP.IsValid() {
			others[res.PublicIP] = "resource " + res.Name
		}
	}
	for _, c := range t.Azure.Clusters {
		if c.APIServer.PublicIP.IsValid() {
			others[c.APIServer.PublicIP] = "the API server of cluster " + c.Name
		}
	}
	for _, ci := range ctx.index().clusters {
		for _, l := range ci.lbs {
			if l.internal {
				continue
			}
			name := fmt.Sprintf("Service %s/%s", l.s.Namespace, l.s.Name)
			for _, ip := range l.static {
				switch {
				case ip.IsPrivate() || sharedAddressSpace.Contains(ip) || ip.IsLoopback() || ip.IsLinkLocalUnicast():
					r.Report(l.s.Loc, fmt.Sprintf("%s is a public load balancer but asks for the private address %s", name, ip), "",
						"add the annotation service.beta.kubernetes.io/azure-load-balancer-internal: \"true\", or use a public IP resource's address")
				case others[ip] != "":
					r.Report(l.s.Loc, fmt.Sprintf("%s asks for %s, the public address of %s", name, ip, others[ip]), "",
						"create a public IP for the Service and use its address")
				}
			}
		}
	}
}

// maxLBServices is the Standard load balancer's limit of load-balanced
// Services per cluster (AZD:includes/container-service-limits.md).
const maxLBServices = 300

func checkLBServiceCount(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		if n := len(ci.lbs); n > maxLBServices {
			r.Report(ci.c.Loc, fmt.Sprintf("cluster %s declares %d Services of type LoadBalancer; AKS supports %d", ci.c.Name, n, maxLBServices), "",
				"route Services through an ingress controller or Gateway")
		}
	}
}

func checkPLS(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		static := false
		for _, p := range ci.pools {
			static = static || strings.EqualFold(string(p.p.PodIPAllocationMode), "StaticBlock")
		}
		for _, l := range ci.lbs {
			a := l.s.Annotations
			if !strings.EqualFold(a[annPLSCreate], "true") {
				continue
			}
			name := fmt.Sprintf("Service %s/%s", l.s.Namespace, l.s.Name)
			report := func(msg, fix string) { r.Report(l.s.Loc, name+": "+msg, "", fix) }
			if static {
				report(fmt.Sprintf("Private Link Service in cluster %s, whose static block pod subnet does not support it", ci.c.Name),
					"serve the Private Link Service from a cluster without static block allocation")
			}
			count := 1
			if v := strings.TrimSpace(a[annPLSIPCount]); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 || n > 8 {
					report(fmt.Sprintf("azure-pls-ip-configuration-ip-address-count %q is not a number from 1 to 8", v), "ask for 1 to 8 NAT IP configurations")
				} else {
					count = n
				}
			}
			sub := l.subnet
			if v := strings.TrimSpace(a[annPLSSubnet]); v != "" {
				sub = nil
				if ci.vnet != nil {
					for _, s := range ci.vnet.Subnets {
						if s.Name == v {
							sub = s
						}
					}
				}
				if sub == nil && ci.vnet != nil {
					report(fmt.Sprintf("azure-pls-ip-configuration-subnet %q is not a subnet of vnet %s, the cluster's VNet", v, ci.vnet.Name),
						"name a subnet of vnet "+ci.vnet.Name)
				}
			}
			ips := strings.Fields(a[annPLSIPs])
			if len(ips) > count {
				report(fmt.Sprintf("azure-pls-ip-configuration-ip-address lists %d addresses for %d IP configuration(s)", len(ips), count),
					"list at most as many addresses as azure-pls-ip-configuration-ip-address-count")
			}
			for _, v := range ips {
				ip, err := netip.ParseAddr(v)
				switch {
				case err != nil || !ip.Is4():
					report(fmt.Sprintf("Private Link Service NAT address %q is not an IPv4 address", v), "use IPv4 addresses; PLS is IPv4 only")
				case sub != nil && !sub.Prefix.Contains(ip):
					report(fmt.Sprintf("Private Link Service NAT address %s is outside subnet %s (%s)", ip, sub.ID(), sub.Prefix), "choose addresses in "+sub.Prefix.String())
				case sub != nil && model.AzureReserved(sub.Prefix, ip):
					report(fmt.Sprintf("Private Link Service NAT address %s is reserved by Azure in subnet %s", ip, sub.ID()), "choose another address of "+sub.Prefix.String())
				}
			}
		}
	}
}

// ipv6Frontend reports whether a LoadBalancer Service gets an IPv6
// frontend.
func ipv6Frontend(ci *clusterInfo, l *lbService) bool {
	s := l.s
	for _, f := range s.Spec.IPFamilies {
		if f == corev1.IPv6Protocol {
			return true
		}
	}
	if strings.TrimSpace(s.Annotations[annIPv6]) != "" {
		return true
	}
	for _, ip := range l.static {
		if ip.Is6() {
			return true
		}
	}
	if p := s.Spec.IPFamilyPolicy; p != nil && ci.c.DualStack() {
		return *p == corev1.IPFamilyPolicyPreferDualStack || *p == corev1.IPFamilyPolicyRequireDualStack
	}
	return false
}

func checkIPv6TrafficPolicy(ctx *Context, r *Reporter) {
	for _, ci := range ctx.index().clusters {
		for _, l := range ci.lbs {
			if !ipv6Frontend(ci, l) || l.s.Spec.ExternalTrafficPolicy == corev1.ServiceExternalTrafficPolicyLocal {
				continue
			}
			policy := string(l.s.Spec.ExternalTrafficPolicy)
			if policy == "" {
				policy = "Cluster (the default)"
			}
			r.Report(l.s.Loc, fmt.Sprintf("Service %s/%s has an IPv6 frontend with externalTrafficPolicy %s", l.s.Namespace, l.s.Name, policy), "",
				"set externalTrafficPolicy: Local")
		}
	}
}
