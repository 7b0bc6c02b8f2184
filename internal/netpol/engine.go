package netpol

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/internal/model"
)

// Engine is the network policy engine whose semantics an analysis applies.
// AKS offers three (networkProfile.networkPolicy azure|calico|cilium) and
// none; they agree on Kubernetes NetworkPolicy v1 except where Semantics
// says (network-policy.md §5; docs/policy.md lists each difference with its
// source).
type Engine string

const (
	// NPM is Azure Network Policy Manager (networkPolicy: azure).
	NPM Engine = "npm"
	// Calico is networkPolicy: calico.
	Calico Engine = "calico"
	// Cilium is Azure CNI Powered by Cilium (networkPolicy: cilium).
	Cilium Engine = "cilium"
	// None enforces nothing: networkPolicy none (the AKS default) stores
	// NetworkPolicies without any component applying them.
	None Engine = "none"
)

// Engines lists the engines by name, for flags and errors.
var Engines = []Engine{NPM, Calico, Cilium, None}

// ParseEngine reads an engine name; "azure" is accepted for NPM, as AKS's
// networkPolicy spells it.
func ParseEngine(s string) (Engine, error) {
	switch strings.ToLower(s) {
	case "npm", "azure":
		return NPM, nil
	case "calico":
		return Calico, nil
	case "cilium":
		return Cilium, nil
	case "none":
		return None, nil
	}
	return "", fmt.Errorf("unknown policy engine %q (use npm, calico, cilium or none)", s)
}

// EngineOf returns the engine a cluster runs and why.
func EngineOf(c *model.Cluster) (Engine, string) {
	switch c.NetworkPolicy {
	case "azure":
		return NPM, fmt.Sprintf("cluster %s networkPolicy azure", c.Name)
	case "calico":
		return Calico, fmt.Sprintf("cluster %s networkPolicy calico", c.Name)
	case "cilium":
		return Cilium, fmt.Sprintf("cluster %s networkPolicy cilium", c.Name)
	}
	if c.NetworkDataplane == "cilium" {
		// With the Cilium dataplane, Cilium is the only policy engine
		// (aks-constraints.md §1.1, "Network policy: Cilium only").
		return Cilium, fmt.Sprintf("cluster %s networkDataplane cilium", c.Name)
	}
	// networkPolicy defaults to none (model.Cluster.NetworkPolicy).
	return None, fmt.Sprintf("cluster %s sets no networkPolicy (none)", c.Name)
}

// Semantics are the points where the engines differ, each a switch the
// evaluator reads. Sources are network-policy.md §5 (MicrosoftDocs
// azure-aks-docs migrate-from-npm-to-cilium-network-policy.md, the "NPM →
// Cilium semantic deltas") and §4 (network-policy-api implementations).
type Semantics struct {
	Engine Engine
	// Enforced is false for None: no policy applies.
	Enforced bool
	// IPBlockSelectsPods: an ipBlock (and an admin policy's networks peer)
	// matches pod addresses. NPM and Calico: yes. Cilium: no, not even
	// 0.0.0.0/0 (delta 2; aks-constraints.md §1.1 "Cilium").
	IPBlockSelectsPods bool
	// EndPort: whether endPort is honoured. Cilium before 1.17 does not
	// (delta 1); AKS runs Cilium 1.16 up to Kubernetes 1.31
	// (aks-constraints.md §1.1, minimum Cilium per Kubernetes version).
	EndPort bool
	// AdminPolicies: AdminNetworkPolicy and BaselineAdminNetworkPolicy
	// (v1alpha1) are enforced. Of the AKS engines only Calico implements
	// them (v3.29 onwards; network-policy-api site-src/implementations.md,
	// network-policy.md §4). Azure NPM enforces Kubernetes NetworkPolicy
	// only (§5 table); Cilium tracks ANP in an issue and added
	// ClusterNetworkPolicy in 1.20, later than any AKS version (§4).
	AdminPolicies bool
	// ClusterNetworkPolicies: v1alpha2 ClusterNetworkPolicy is enforced
	// (Calico v3.32, network-policy.md §4).
	ClusterNetworkPolicies bool
	// NodeLocalEgressAllowed: a pod may always reach its own node. NPM
	// allows it implicitly; Cilium blocks it unless a policy allows it
	// (delta 4).
	NodeLocalEgressAllowed bool
	// IngressViaServiceEnforced: ingress policy applies to traffic that
	// arrives through a LoadBalancer or NodePort Service with
	// externalTrafficPolicy Cluster. NPM does not apply it; Cilium does
	// (delta 5).
	IngressViaServiceEnforced bool
	// NamedPortCollisions: the engine may enforce a named port wrongly when
	// one name maps to different numbers on different pods (Cilium,
	// cilium/cilium#30003; delta 3). Such rules are reported.
	NamedPortCollisions bool
}

// SemanticsOf returns an engine's semantics. kubernetesVersion (e.g.
// "1.31") picks the Cilium release AKS runs; empty means a current one.
func SemanticsOf(e Engine, kubernetesVersion string) Semantics {
	s := Semantics{Engine: e, Enforced: true, EndPort: true, IngressViaServiceEnforced: true}
	switch e {
	case NPM:
		s.IPBlockSelectsPods = true
		s.NodeLocalEgressAllowed = true
		s.IngressViaServiceEnforced = false
	case Calico:
		s.IPBlockSelectsPods = true
		s.AdminPolicies = true
		s.ClusterNetworkPolicies = true
	case Cilium:
		s.NamedPortCollisions = true
		if minor, ok := kubeMinor(kubernetesVersion); ok && minor <= 31 {
			s.EndPort = false
		}
	case None:
		s.Enforced = false
	}
	return s
}

// kubeMinor reads the minor version of "1.31", "1.31.2" or "v1.31".
func kubeMinor(v string) (int, bool) {
	v = strings.TrimPrefix(v, "v")
	major, rest, ok := strings.Cut(v, ".")
	if !ok || major != "1" {
		return 0, false
	}
	minor, _, _ := strings.Cut(rest, ".")
	n, err := strconv.Atoi(minor)
	return n, err == nil
}

// OptionsFor derives a cluster's analysis options from its topology: its
// engine, its Kubernetes version, where its pods and nodes take addresses.
// reason says where the engine came from.
func OptionsFor(c *model.Cluster) (opts Options, reason string) {
	opts.Engine, reason = EngineOf(c)
	opts.KubernetesVersion = c.KubernetesVersion
	if p := c.EffectivePodCIDR(); p.IsValid() {
		// Overlay and kubenet: pods take addresses from the pod CIDR.
		opts.PodRanges = append(opts.PodRanges, p)
	}
	for _, np := range c.NodePools {
		if s := np.Subnet.Target; s != nil {
			opts.NodeRanges = append(opts.NodeRanges, s.Prefix)
		}
		if c.UsesPodCIDR() {
			continue
		}
		// Azure CNI: pods take addresses from the pod subnet, or else from
		// the node subnet.
		if s := np.PodSubnet.Target; s != nil {
			opts.PodRanges = append(opts.PodRanges, s.Prefix)
		} else if s := np.Subnet.Target; s != nil {
			opts.PodRanges = append(opts.PodRanges, s.Prefix)
		}
	}
	return opts, reason
}
