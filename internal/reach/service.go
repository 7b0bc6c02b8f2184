package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/aksnet/aksnet/internal/model"
)

// Annotations of the Azure cloud provider (aks-constraints.md §3.1;
// AKSD:internal-lb, AKSD:static-ip).
const (
	annInternal       = "service.beta.kubernetes.io/azure-load-balancer-internal"
	annInternalSubnet = "service.beta.kubernetes.io/azure-load-balancer-internal-subnet"
	annIPv4           = "service.beta.kubernetes.io/azure-load-balancer-ipv4"
)

// frontendIPs are the addresses a LoadBalancer Service's frontend is known
// to have offline: its recorded status, the ipv4 annotation, or the
// deprecated spec.loadBalancerIP.
func frontendIPs(s *model.Service) []netip.Addr {
	var out []netip.Addr
	add := func(v string) {
		if a, err := netip.ParseAddr(strings.TrimSpace(v)); err == nil && !containsAddrs(out, a) {
			out = append(out, a)
		}
	}
	for _, in := range s.Status.LoadBalancer.Ingress {
		add(in.IP)
	}
	for _, v := range strings.Split(s.Annotations[annIPv4], ",") {
		add(v)
	}
	add(s.Spec.LoadBalancerIP)
	return out
}

func containsAddrs(as []netip.Addr, a netip.Addr) bool {
	for _, b := range as {
		if a == b {
			return true
		}
	}
	return false
}

// serviceByName maps the name the DNS engine answered for,
// SVC.NS.svc.ZONE., to the source cluster's Service.
func (q *query) serviceByName(name string) (*model.Cluster, *model.Service) {
	c := q.src.cluster
	if c == nil || c.Objects == nil || q.v.Kind != model.VantagePod {
		return nil, nil
	}
	parts := strings.Split(strings.TrimSuffix(name, "."), ".")
	if len(parts) < 4 || parts[2] != "svc" {
		return nil, nil
	}
	return c, c.Objects.Service(parts[1], parts[0])
}

// serviceByIP finds the Service with a ClusterIP, the manifests' or the one
// aksnet assumes (model.Cluster.ServiceClusterIPs, as the DNS engine).
func serviceByIP(c *model.Cluster, ip netip.Addr) *model.Service {
	for s, ips := range c.ServiceClusterIPs() {
		if slices.Contains(ips.IPs, ip) {
			return s
		}
	}
	return nil
}

// servicePort finds the Service port the query names.
func (q *query) servicePort(s *model.Service) (corev1.ServicePort, bool) {
	for _, p := range s.Spec.Ports {
		proto := strings.ToLower(string(p.Protocol))
		if proto == "" {
			proto = "tcp"
		}
		if int(p.Port) == q.t.Port && proto == q.t.Proto {
			return p, true
		}
	}
	return corev1.ServicePort{}, false
}

// backends are the workloads a Service selects, with the analyzer's peer
// of the first.
func (q *query) backends(c *model.Cluster, s *model.Service) ([]*model.Workload, error) {
	if len(s.Spec.Selector) == 0 {
		return nil, nil
	}
	sel := labels.SelectorFromSet(s.Spec.Selector)
	var out []*model.Workload
	for _, w := range c.Objects.Workloads {
		if w.Namespace == s.Namespace && sel.Matches(labels.Set(w.Template.Labels)) {
			out = append(out, w)
		}
	}
	return out, nil
}

// targetPort resolves a Service port's targetPort on a workload: a number,
// or a container port's name (kubernetes Service spec.ports.targetPort).
func targetPort(p corev1.ServicePort, w *model.Workload) (int, bool) {
	switch {
	case p.TargetPort.Type == intstr.Int && p.TargetPort.IntVal != 0:
		return int(p.TargetPort.IntVal), true
	case p.TargetPort.Type == intstr.String && p.TargetPort.StrVal != "":
		for _, ct := range w.Template.Spec.Containers {
			for _, cp := range ct.Ports {
				if cp.Name == p.TargetPort.StrVal {
					return int(cp.ContainerPort), true
				}
			}
		}
		return 0, false
	}
	return int(p.Port), true
}

// toBackends applies the Service's port, its backends and their ingress
// policies. viaLB marks traffic arriving through the load balancer.
func (q *query) toBackends(c *model.Cluster, s *model.Service, viaService bool) (*Answer, error) {
	id := s.Namespace + "/" + s.Name
	p, ok := q.servicePort(s)
	if !ok {
		var ports []string
		for _, sp := range s.Spec.Ports {
			ports = append(ports, fmt.Sprintf("%d/%s", sp.Port, strings.ToLower(string(sp.Protocol))))
		}
		return q.block("service", s.Loc, "use one of the Service's ports: "+strings.Join(ports, ", "),
			"Service %s has no port %d/%s (it has %s): the connection is refused", id, q.t.Port, q.t.Proto, strings.Join(ports, ", ")), nil
	}
	ws, err := q.backends(c, s)
	if err != nil {
		return nil, err
	}
	if len(ws) == 0 {
		return q.block("service", s.Loc, "make the Service's selector match the labels of the pods that serve it",
			"Service %s selects no workload of the manifests: it has no endpoints", id), nil
	}
	w := ws[0]
	tp, ok := targetPort(p, w)
	if !ok {
		return q.block("service", s.Loc, "name a containerPort of the pods in targetPort",
			"Service %s port %d targets %q, which no container of %s/%s names", id, p.Port, p.TargetPort.StrVal, w.Namespace, w.Name), nil
	}
	q.hop("service", "pass", s.Loc, "Service %s port %d → pods of %s/%s on port %d", id, p.Port, w.Namespace, w.Name, tp)
	a, err := q.e.analyzer(c)
	if err != nil {
		return nil, err
	}
	pw, err := a.Lookup(w.Namespace + "/" + w.Name)
	if err != nil {
		return nil, err
	}
	saved := q.t.Port
	q.t.Port = tp
	ok = q.policies(a, a.WorkloadPeer(pw), viaService)
	q.t.Port = saved
	if !ok {
		return q.ans, nil
	}
	return q.arrive("pods of %s/%s", w.Namespace, w.Name), nil
}

// toClusterIP follows a pod's connection to a ClusterIP: kube-proxy or
// Cilium on the source node translates it to a backend pod, inside the
// cluster.
func (q *query) toClusterIP(c *model.Cluster, s *model.Service) (*Answer, error) {
	if q.ans.Addr == "" && q.addr.IsValid() {
		q.ans.Addr = q.addr.String()
	}
	q.hop("service", "note", s.Loc, "%s is the ClusterIP of Service %s/%s: translated to a backend pod on the source node, inside cluster %s", q.addr, s.Namespace, s.Name, c.Name)
	return q.toBackends(c, s, false)
}

// toService follows a connection to a LoadBalancer Service's frontend
// (service:[CLUSTER/]NS/NAME).
func (q *query) toService() (*Answer, error) {
	e := q.e
	parts := strings.Split(q.t.Service, "/")
	var c *model.Cluster
	if len(parts) == 3 {
		c = model.Lookup[model.Cluster](e.t, parts[0])
		if c == nil {
			return nil, fmt.Errorf("--to service:%s: no cluster %q", q.t.Service, parts[0])
		}
		parts = parts[1:]
	} else {
		switch len(e.t.Azure.Clusters) {
		case 1:
			c = e.t.Azure.Clusters[0]
		case 0:
			return nil, fmt.Errorf("--to service:%s: the topology has no cluster", q.t.Service)
		default:
			return nil, fmt.Errorf("--to service:%s: the topology has several clusters: write service:CLUSTER/%s", q.t.Service, q.t.Service)
		}
	}
	var s *model.Service
	if c.Objects != nil {
		s = c.Objects.Service(parts[0], parts[1])
	}
	if s == nil {
		return nil, fmt.Errorf("--to service:%s: cluster %s's manifests declare no Service %s/%s", q.t.Service, c.Name, parts[0], parts[1])
	}
	if s.Spec.Type != corev1.ServiceTypeLoadBalancer {
		return q.block("service", s.Loc, "set spec.type: LoadBalancer (with azure-load-balancer-internal: \"true\" for a private frontend)",
			"Service %s/%s is of type %s: it has no load balancer frontend, only a ClusterIP inside cluster %s", s.Namespace, s.Name, typeOf(s), c.Name), nil
	}
	if e.Pending != nil {
		if causes := e.Pending(c, s); len(causes) > 0 {
			q.ans.Reachable = false
			for _, h := range causes {
				h.Verdict = "block"
				q.ans.Hops = append(q.ans.Hops, h)
			}
			if q.ans.Fix == "" {
				q.ans.Fix = "fix the causes above: until then EXTERNAL-IP stays <pending> and there is nothing to connect to"
			}
			return q.ans, nil
		}
	}
	return q.throughLB(c, s)
}

func typeOf(s *model.Service) string {
	if s.Spec.Type == "" {
		return "ClusterIP"
	}
	return string(s.Spec.Type)
}

// throughLB follows a connection through a LoadBalancer Service's
// frontend: internal (an address of a subnet of the cluster's VNet) or
// public; then externalTrafficPolicy decides the source the pods see.
func (q *query) throughLB(c *model.Cluster, s *model.Service) (*Answer, error) {
	id := s.Namespace + "/" + s.Name
	internal := strings.EqualFold(s.Annotations[annInternal], "true")
	ips := frontendIPs(s)
	if internal {
		sub := c.NodePools[0].Subnet.Target
		if n := s.Annotations[annInternalSubnet]; n != "" && sub != nil {
			for _, x := range sub.VNet.Subnets {
				if x.Name == n {
					sub = x
				}
			}
		}
		what := "an address Azure picks"
		if len(ips) > 0 {
			q.addr, what = ips[0], ips[0].String()
		} else {
			q.addr = sub.Prefix.Masked().Addr()
			for range 4 {
				q.addr = q.addr.Next()
			}
		}
		q.hop("service", "note", s.Loc, "Service %s is an internal LoadBalancer: frontend %s in subnet %s", id, what, sub.ID())
		if q.v.Kind == model.VantageInternet {
			return q.block("internet", s.Loc, "remove the azure-load-balancer-internal annotation for a public frontend, or connect from a network that reaches the VNet",
				"an internal LoadBalancer's frontend is a private address of vnet %s: the internet does not reach it", sub.VNet.Name), nil
		}
		if !q.l3() {
			return q.ans, nil
		}
	} else {
		what := "a public IP Azure creates"
		if len(ips) > 0 {
			what = ips[0].String()
			q.addr = ips[0]
		}
		q.hop("service", "note", s.Loc, "Service %s is a public LoadBalancer: frontend %s", id, what)
		if q.v.Kind != model.VantageInternet {
			q.hop("internet", "note", model.Location{}, "from inside the estate a public frontend is reached over the internet path")
		}
		// Replies follow the node subnet's routes: through an appliance
		// they leave from its address, and the client drops them
		// (aks-rules.md rule 26; AKSD:limit-egress-traffic).
		if sub := c.NodePools[0].Subnet.Target; sub != nil {
			if r, ok := q.e.nets.RouteFor(sub, netip.MustParseAddr("8.8.8.8")); ok && r.NextHop == model.NextHopVirtualAppliance {
				return q.block("route", r.Loc,
					"publish the Service through the firewall instead: a DNAT rule on its public IP, and a route for that IP/32 → Internet on the node subnet (aks-rules.md rule 26)",
					"replies from the nodes follow %s to the appliance %s, not back through the load balancer: asymmetric routing, the client drops them", r.Name, r.NextHopIP), nil
			}
		}
	}
	if s.Spec.ExternalTrafficPolicy == corev1.ServiceExternalTrafficPolicyLocal {
		q.hop("service", "note", s.Loc, "externalTrafficPolicy Local: only nodes running a backend receive it, and the pods see the client's address")
		return q.toBackends(c, s, false)
	}
	q.hop("service", "note", s.Loc, "externalTrafficPolicy Cluster: any node receives it and SNATs it to its own address")
	saved := q.src
	if q.src.pod && q.src.cluster == c {
		q.src.pod = false
	}
	if q.v.Kind == model.VantageInternet {
		q.src.addr = netip.MustParseAddr("198.51.100.1")
	}
	ans, err := q.toBackends(c, s, true)
	q.src = saved
	return ans, err
}

// toPublicAPI follows a connection to a public API server: its authorized
// IP ranges decide (aks-rules.md rule 22; AKSD:api-server-authorized-ip-ranges).
func (q *query) toPublicAPI(c *model.Cluster) (*Answer, error) {
	api := c.APIServer
	q.hop("apiserver", "note", api.Loc, "%s is the public endpoint of cluster %s's API server", q.addr, c.Name)
	if !q.l3() {
		return q.ans, nil
	}
	if len(api.AuthorizedIPRanges) == 0 {
		return q.arrive("the API server of cluster %s (no authorized IP ranges: every address may connect)", c.Name), nil
	}
	egress := q.egressIPs()
	for _, ip := range egress {
		if containsAddr(api.AuthorizedIPRanges, ip) {
			q.hop("apiserver", "pass", api.Loc, "egress address %s is in the authorized IP ranges", ip)
			return q.arrive("the API server of cluster %s", c.Name), nil
		}
	}
	what := "the client's public address is not known to be in them"
	if len(egress) > 0 {
		what = "egress address " + addrList(egress) + " is not in them"
	}
	return q.block("apiserver", api.Loc, "add the client's egress IP to apiServer.authorizedIpRanges",
		"the API server accepts only %s: %s", prefixList(api.AuthorizedIPRanges), what), nil
}

// egressIPs are the public addresses the source's internet traffic leaves
// from: the firewall's its default route points at, or its VM's.
func (q *query) egressIPs() []netip.Addr {
	if vm := model.Lookup[model.VM](q.e.t, q.v.Name); q.v.Kind == model.VantageVM && vm != nil && vm.PublicIP.IsValid() {
		return []netip.Addr{vm.PublicIP}
	}
	if q.src.subnet == nil {
		return nil
	}
	r, ok := q.e.nets.RouteFor(q.src.subnet, q.addr)
	if !ok || r.NextHop != model.NextHopVirtualAppliance {
		return nil
	}
	for _, f := range q.e.t.Azure.Firewalls {
		if f.IP == r.NextHopIP {
			return f.PublicIPs
		}
	}
	return nil
}

func prefixList(ps []netip.Prefix) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.String())
	}
	return strings.Join(s, ", ")
}
