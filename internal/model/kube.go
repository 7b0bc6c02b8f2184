package model

import (
	"net/netip"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1alpha1 "sigs.k8s.io/network-policy-api/apis/v1alpha1"
	policyv1alpha2 "sigs.k8s.io/network-policy-api/apis/v1alpha2"
)

// KubeObjects are the Kubernetes objects of one cluster, as the API types of
// k8s.io/api, each with the place it was declared.
type KubeObjects struct {
	Namespaces      []*Namespace
	Services        []*Service
	Workloads       []*Workload
	NetworkPolicies []*NetworkPolicy
	// AdminNetworkPolicies, BaselineAdminNetworkPolicies (v1alpha1) and
	// ClusterNetworkPolicies (v1alpha2) are the cluster-scoped policies of
	// sigs.k8s.io/network-policy-api.
	AdminNetworkPolicies         []*AdminNetworkPolicy
	BaselineAdminNetworkPolicies []*BaselineAdminNetworkPolicy
	ClusterNetworkPolicies       []*ClusterNetworkPolicy
	Ingresses                    []*Ingress
	// Endpoints and EndpointSlices are the addresses behind Services: what
	// a headless Service's names resolve to, and the backends of a Service
	// without a selector.
	Endpoints      []*Endpoints
	EndpointSlices []*EndpointSlice
	// CoreDNSCustom are kube-system/coredns-custom ConfigMaps from the
	// manifests; their data is merged into Cluster.CoreDNSCustom.
	CoreDNSCustom []*ConfigMap
	// Skipped counts the objects of kinds aksnet does not model, by kind, so a
	// report can say what it ignored instead of dropping it silently.
	Skipped []*SkippedObject
}

// Namespace is a namespace with its labels.
type Namespace struct {
	*corev1.Namespace
	Loc Location
}

// Service is a Service.
type Service struct {
	*corev1.Service
	Loc Location
}

// NetworkPolicy is a networking.k8s.io/v1 NetworkPolicy.
type NetworkPolicy struct {
	*networkingv1.NetworkPolicy
	Loc Location
}

// AdminNetworkPolicy is a policy.networking.k8s.io/v1alpha1 AdminNetworkPolicy.
type AdminNetworkPolicy struct {
	*policyv1alpha1.AdminNetworkPolicy
	Loc Location
}

// BaselineAdminNetworkPolicy is a policy.networking.k8s.io/v1alpha1
// BaselineAdminNetworkPolicy (a singleton named "default").
type BaselineAdminNetworkPolicy struct {
	*policyv1alpha1.BaselineAdminNetworkPolicy
	Loc Location
}

// ClusterNetworkPolicy is a policy.networking.k8s.io/v1alpha2
// ClusterNetworkPolicy, the successor of both kinds above.
type ClusterNetworkPolicy struct {
	*policyv1alpha2.ClusterNetworkPolicy
	Loc Location
}

// ConfigMap is a ConfigMap the model reads (coredns-custom).
type ConfigMap struct {
	*corev1.ConfigMap
	Loc Location
}

// Ingress is a networking.k8s.io/v1 Ingress.
type Ingress struct {
	*networkingv1.Ingress
	Loc Location
}

// Endpoints is a v1 Endpoints object. The API is deprecated since
// Kubernetes 1.33 in favour of EndpointSlices, but manifests still carry it.
type Endpoints struct {
	*corev1.Endpoints
	Loc Location
}

// EndpointSlice is a discovery.k8s.io/v1 EndpointSlice; the label
// kubernetes.io/service-name names its Service.
type EndpointSlice struct {
	*discoveryv1.EndpointSlice
	Loc Location
}

// ExternalDNSHostnameAnnotation is the annotation ExternalDNS publishes a
// Service's or an Ingress's names from: a comma-separated list of FQDNs
// (kubernetes-sigs/external-dns docs/annotations/annotations.md, "external-dns.alpha.kubernetes.io/hostname").
const ExternalDNSHostnameAnnotation = "external-dns.alpha.kubernetes.io/hostname"

// ExternalDNSHostnames returns the names of an object's ExternalDNS
// hostname annotation, trimmed and lower-cased, without a trailing dot.
func ExternalDNSHostnames(annotations map[string]string) []string {
	var out []string
	for _, h := range strings.Split(annotations[ExternalDNSHostnameAnnotation], ",") {
		h = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(h), "."))
		if h != "" && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

// Hostnames returns the names an Ingress serves and ExternalDNS publishes:
// its rules' hosts, then its hostname annotation's names (ExternalDNS's
// ingress source reads both; docs/sources/ingress.md), without repeats.
func (i *Ingress) Hostnames() []string {
	var out []string
	for _, r := range i.Spec.Rules {
		h := strings.ToLower(strings.TrimSuffix(r.Host, "."))
		if h != "" && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	for _, h := range ExternalDNSHostnames(i.Annotations) {
		if !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

// Workload is a Pod, or the pod template of a controller (Deployment,
// StatefulSet, DaemonSet, ReplicaSet, Job, CronJob): what DNS and policy
// engines need is the pods' labels and spec.
type Workload struct {
	Kind      string // Pod, Deployment, …
	Namespace string
	Name      string
	Replicas  int32
	Template  corev1.PodTemplateSpec
	// PodIPs are a Pod's status.podIPs, when its manifest records them
	// (a dump of a running cluster); empty for controllers.
	PodIPs []string
	Loc    Location
}

// SkippedObject is an object of a kind aksnet does not model.
type SkippedObject struct {
	APIVersion, Kind, Namespace, Name string
	Loc                               Location
}

// Namespace returns the namespace object named ns. Kubernetes creates
// nothing in a namespace that does not exist, but manifests often omit the
// Namespace object, so an undeclared namespace is implied, with the label
// kubernetes.io/metadata.name the API server sets on every namespace.
func (k *KubeObjects) Namespace(ns string) *Namespace {
	for _, n := range k.Namespaces {
		if n.Name == ns {
			return n
		}
	}
	obj := &corev1.Namespace{}
	obj.Name = ns
	obj.Labels = map[string]string{corev1.LabelMetadataName: ns}
	return &Namespace{Namespace: obj}
}

// Workload returns the workload (pod or controller) named name in ns.
func (k *KubeObjects) Workload(ns, name string) *Workload {
	for _, w := range k.Workloads {
		if w.Namespace == ns && w.Name == name {
			return w
		}
	}
	return nil
}

// Service returns the service named name in ns.
func (k *KubeObjects) Service(ns, name string) *Service {
	for _, s := range k.Services {
		if s.Namespace == ns && s.Name == name {
			return s
		}
	}
	return nil
}

// ClusterIPs are a Service's cluster IPs as aksnet takes them.
type ClusterIPs struct {
	IPs []netip.Addr
	// Synthetic: the manifest set none, and aksnet assumed these.
	Synthetic bool
}

// ServiceClusterIPs returns the ClusterIPs of the cluster's Services: those
// the manifests set, and for a Service that sets none, the next free address
// of the service CIDR, in namespace/name order — after the CIDR's first
// address (the kubernetes Service) and the DNS service IP
// (aks-constraints.md §1.3) — a deterministic stand-in for what the API
// server would choose. Headless and ExternalName Services are absent, and
// so is a Service left without an address when the CIDR is full. The DNS
// engine and reachability both read it, so they agree on every address.
func (c *Cluster) ServiceClusterIPs() map[*Service]ClusterIPs {
	out := map[*Service]ClusterIPs{}
	if c.Objects == nil {
		return out
	}
	cidr := c.EffectiveServiceCIDR()
	used := map[netip.Addr]bool{cidr.Masked().Addr().Next(): true, c.EffectiveDNSServiceIP(): true}
	var pending []*Service
	for _, s := range c.Objects.Services {
		ips := s.Spec.ClusterIPs
		if len(ips) == 0 && s.Spec.ClusterIP != "" {
			ips = []string{s.Spec.ClusterIP}
		}
		if s.Spec.Type == corev1.ServiceTypeExternalName || len(ips) > 0 && ips[0] == corev1.ClusterIPNone {
			continue
		}
		var addrs []netip.Addr
		for _, t := range ips {
			if a, err := netip.ParseAddr(t); err == nil {
				addrs = append(addrs, a)
				used[a] = true
			}
		}
		if len(addrs) == 0 {
			pending = append(pending, s)
			continue
		}
		out[s] = ClusterIPs{IPs: addrs}
	}
	key := func(s *Service) string { return strings.ToLower(s.Namespace) + "/" + strings.ToLower(s.Name) }
	sort.Slice(pending, func(i, j int) bool { return key(pending[i]) < key(pending[j]) })
	next := cidr.Masked().Addr().Next()
	for _, s := range pending {
		for used[next] && cidr.Contains(next) {
			next = next.Next()
		}
		if !cidr.Contains(next) {
			break
		}
		used[next] = true
		out[s] = ClusterIPs{IPs: []netip.Addr{next}, Synthetic: true}
	}
	return out
}
