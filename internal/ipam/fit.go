package ipam

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/aksnet/aksnet/internal/kb"
)

// Conflicts of the cluster's own pod and service CIDRs with the networks
// it reaches (aks-rules.md rules 1, 3, 4, 6): a plan states them because a
// range that overlaps must move, which is what --fit answers.
func (pl *Planner) conflicts(out *Plan, in *Input) {
	var connected []named
	switch {
	case in.VNet != nil:
		connected = pl.vnet(in.VNet).connected
	default:
		for _, s := range in.AddressSpace {
			connected = append(connected, named{"the cluster's address space", s})
		}
		for _, x := range kb.AKSReservedRanges {
			connected = append(connected, named{"AKS-reserved range", x})
		}
	}
	podCIDR, _ := in.podCIDR()
	svcCIDR, _ := in.serviceCIDR()
	for _, r := range out.Ranges {
		var own netip.Prefix
		switch r.Kind {
		case PodCIDR:
			own = podCIDR
			if !isPrivate(own) && in.Mode != kb.Kubenet {
				r.Conflicts = append(r.Conflicts, fmt.Sprintf("pod CIDR %s is not in RFC 1918 or RFC 6598 space, which Azure CNI Overlay requires (AKSD:concepts-network-azure-cni-overlay)", own))
			}
			if own.Overlaps(svcCIDR) {
				r.Conflicts = append(r.Conflicts, fmt.Sprintf("pod CIDR %s overlaps the service CIDR %s", own, svcCIDR))
			}
		case ServiceCIDR:
			own = svcCIDR
			switch b := own.Bits(); {
			case b < 12:
				r.Conflicts = append(r.Conflicts, fmt.Sprintf("service CIDR %s is larger than AKS accepts (smaller than /12, AKSD:concepts-network-ip-address-planning)", own))
			case b == 12:
				out.Notes = append(out.Notes, fmt.Sprintf("service CIDR %s: the docs say \"smaller than /12\"; whether a /12 itself is accepted is unclear (aks-constraints.md §7)", own))
			}
		default: // subnets: what their sizing found (a pod subnet in two modes)
			out.Problems = append(out.Problems, r.Conflicts...)
			continue
		}
		for _, n := range connected {
			if n.p.Addr().Is4() && own.Overlaps(n.p) {
				r.Conflicts = append(r.Conflicts, fmt.Sprintf("%s %s overlaps %s %s", r.Kind, own, n.what, n.p))
			}
		}
		if r.Kind == ServiceCIDR && in.VNet != nil {
			for _, s := range in.VNet.Subnets {
				if own.Overlaps(s.Prefix) {
					r.Conflicts = append(r.Conflicts, fmt.Sprintf("service CIDR %s overlaps subnet %s %s: upgrades fail with ServiceCidrOverlapExistingSubnetsCidr", own, s.ID(), s.Prefix))
				}
			}
		}
		out.Problems = append(out.Problems, r.Conflicts...)
	}
}

// fitAll proposes a free prefix of the smallest size for every range: new
// subnets inside the VNet's address space, new pod and service CIDRs in
// private space clear of every range of the estate.
func (pl *Planner) fitAll(out *Plan, in *Input) {
	podCIDR, _ := in.podCIDR()
	svcCIDR, _ := in.serviceCIDR()
	var own builder
	own.prefix(svcCIDR)
	if props, _ := kb.CNI(in.Mode); props.PodCIDR {
		own.prefix(podCIDR)
	}
	ownSet := own.set()
	defer func() {
		// A range that needs a new prefix and gets none is a problem; one
		// whose range in place fits, a note.
		for _, r := range out.Ranges {
			if r.FitError == "" {
				continue
			}
			msg := fmt.Sprintf("--fit: %s: %s", r.Kind, r.FitError)
			if !r.Existing.IsValid() || r.Free < 0 || len(r.Conflicts) > 0 {
				out.Problems = append(out.Problems, msg)
			} else {
				out.Notes = append(out.Notes, msg+" (the range in place fits)")
			}
		}
	}()
	for _, r := range out.Ranges {
		if r.Smallest == 0 {
			r.FitError = fmt.Sprintf("no prefix holds %s %s", num(r.Need), r.Unit)
			continue
		}
		switch r.Kind {
		case NodeSubnet, PodSubnet:
			pl.fitSubnet(r, in, ownSet)
		case PodCIDR, ServiceCIDR:
			avoid := []set{pl.everything, pl.proposed}
			// The cluster's own ranges too, the one being replaced
			// included: a proposal never overlaps what is in place.
			var b builder
			b.prefix(svcCIDR)
			if props, _ := kb.CNI(in.Mode); props.PodCIDR {
				b.prefix(podCIDR)
			}
			b.prefixes(in.AddressSpace)
			if in.VNet != nil {
				b.prefixes(in.VNet.AddressSpace)
			}
			avoid = append(avoid, b.set())
			res := fit(r.Smallest, privateSpace, avoid, false)
			if !res.Prefix.IsValid() {
				r.FitError = fmt.Sprintf("no free /%d in RFC 1918 or RFC 6598 space clear of the estate's networks", r.Smallest)
				continue
			}
			r.Fit = res.Prefix
			pl.propose(res.Prefix)
		}
	}
}

func (pl *Planner) fitSubnet(r *Range, in *Input, own set) {
	bits := r.Smallest
	var (
		within []netip.Prefix
		avoid  []set
		where  string
	)
	switch {
	case in.VNet != nil:
		within = in.VNet.AddressSpace
		avoid = []set{pl.vnet(in.VNet).avoid, own, pl.proposed}
		where = fmt.Sprintf("VNet %s (%s)", in.VNet.Name, prefixList(within))
	case len(in.AddressSpace) > 0:
		within = in.AddressSpace
		avoid = []set{pl.outside, own, pl.proposed}
		where = prefixList(within)
	default:
		r.FitError = "no address space to fit a subnet into: plan a cluster of a topology, or give --vnet NAME or --vnet CIDR"
		return
	}
	res := fit(bits, within, avoid, true)
	if res.Prefix.IsValid() {
		r.Fit = res.Prefix
		pl.propose(res.Prefix)
		return
	}
	var msg strings.Builder
	fmt.Fprintf(&msg, "no free /%d in %s", bits, where)
	if res.Largest.IsValid() {
		fmt.Fprintf(&msg, ": %s addresses are free, the largest free block is %s", num(int(min(res.Free, 1<<31))), res.Largest)
	} else {
		msg.WriteString(": nothing in it is free")
	}
	// A range the VNet could add: clear of the whole estate and of every
	// proposal so far.
	// … and of the clusters' CIDRs the VNet must not overlap.
	extra := []set{pl.everything, pl.proposed, own}
	if in.VNet != nil {
		extra = append(extra, pl.vnet(in.VNet).avoid)
	}
	if s := fit(bits, privateSpace, extra, false); s.Prefix.IsValid() {
		fmt.Fprintf(&msg, "; add an address range to the VNet (%s overlaps nothing aksnet knows of), or lower max nodes or max pods", s.Prefix)
	} else {
		msg.WriteString("; lower max nodes or max pods")
	}
	r.FitError = msg.String()
}

func prefixList(ps []netip.Prefix) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.String())
	}
	return strings.Join(s, ", ")
}
