package netpol

import (
	"fmt"
	"math/bits"
	"net/netip"
	"sort"
)

// IPRange is an inclusive range of IPv4 addresses, as 32-bit integers.
type IPRange struct{ Lo, Hi uint32 }

// ipSet is a set of IPv4 addresses: sorted, disjoint, non-adjacent ranges.
type ipSet []IPRange

var allIPv4 = ipSet{{0, 1<<32 - 1}}

func addrToUint(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func uintToAddr(u uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)})
}

func prefixRange(p netip.Prefix) IPRange {
	p = p.Masked()
	lo := addrToUint(p.Addr())
	return IPRange{lo, lo | uint32(uint64(1)<<(32-p.Bits())-1)}
}

// parseCIDR reads an IPv4 CIDR. IPv6 is reported apart, as aksnet evaluates
// IPv4 only (docs/policy.md).
func parseCIDR(s string) (r IPRange, v6 bool, err error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return IPRange{}, false, err
	}
	if !p.Addr().Is4() {
		return IPRange{}, true, nil
	}
	return prefixRange(p), false, nil
}

func (s ipSet) union(o ipSet) ipSet {
	all := append(append(ipSet{}, s...), o...)
	sort.Slice(all, func(i, j int) bool { return all[i].Lo < all[j].Lo })
	var out ipSet
	for _, r := range all {
		if n := len(out); n > 0 && (r.Lo <= out[n-1].Hi || out[n-1].Hi != 1<<32-1 && r.Lo == out[n-1].Hi+1) {
			out[n-1].Hi = max(out[n-1].Hi, r.Hi)
			continue
		}
		out = append(out, r)
	}
	return out
}

// minus removes r from the set.
func (s ipSet) minus(r IPRange) ipSet {
	var out ipSet
	for _, x := range s {
		if x.Hi < r.Lo || x.Lo > r.Hi {
			out = append(out, x)
			continue
		}
		if x.Lo < r.Lo {
			out = append(out, IPRange{x.Lo, r.Lo - 1})
		}
		if x.Hi > r.Hi {
			out = append(out, IPRange{r.Hi + 1, x.Hi})
		}
	}
	return out
}

// covers reports whether every address of r is in the set.
func (s ipSet) covers(r IPRange) bool {
	for _, x := range s {
		if x.Lo <= r.Lo && r.Hi <= x.Hi {
			return true
		}
	}
	return false
}

// overlaps reports whether some address of r is in the set.
func (s ipSet) overlaps(r IPRange) bool {
	for _, x := range s {
		if x.Lo <= r.Hi && r.Lo <= x.Hi {
			return true
		}
	}
	return false
}

// membership tells how a set of possible addresses relates to a CIDR set.
type membership uint8

const (
	outside membership = iota
	inside
	partly // some possible addresses are in, some are not: undetermined
)

// relate says whether all, none or part of the addresses in have lie in s.
func (s ipSet) relate(have ipSet) membership {
	in, out := false, false
	for _, r := range have {
		switch {
		case s.covers(r):
			in = true
		case s.overlaps(r):
			return partly
		default:
			out = true
		}
	}
	switch {
	case in && out:
		return partly
	case in:
		return inside
	}
	return outside
}

// String renders a range as a CIDR when it is one, else first-last.
func (r IPRange) String() string {
	if p, ok := r.prefix(); ok {
		return p.String()
	}
	return uintToAddr(r.Lo).String() + "-" + uintToAddr(r.Hi).String()
}

// Dashed renders a range as first-last, netpol-analyzer's form.
func (r IPRange) Dashed() string {
	return uintToAddr(r.Lo).String() + "-" + uintToAddr(r.Hi).String()
}

// Contains reports whether a is in the range.
func (r IPRange) Contains(a netip.Addr) bool {
	if !a.Is4() {
		return false
	}
	u := addrToUint(a)
	return r.Lo <= u && u <= r.Hi
}

func (r IPRange) prefix() (netip.Prefix, bool) {
	size := uint64(r.Hi) - uint64(r.Lo) + 1
	if size&(size-1) != 0 || uint64(r.Lo)%size != 0 {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(uintToAddr(r.Lo), 32-(bits.Len64(size)-1)), true
}

// atoms cuts the IPv4 space at the edges of the given ranges: every atom
// lies wholly inside or wholly outside each of them, so one address stands
// for its atom. This is the partition netpol-analyzer prints (its
// netset.DisjointIPBlocks over each policy's ipBlocks split into intervals,
// plus 0.0.0.0/0, yields exactly these maximal intervals of uniform
// membership).
func atoms(ranges []IPRange) []IPRange {
	cuts := map[uint64]bool{0: true, 1 << 32: true}
	for _, r := range ranges {
		cuts[uint64(r.Lo)] = true
		cuts[uint64(r.Hi)+1] = true
	}
	edges := make([]uint64, 0, len(cuts))
	for c := range cuts {
		edges = append(edges, c)
	}
	sort.Slice(edges, func(i, j int) bool { return edges[i] < edges[j] })
	out := make([]IPRange, 0, len(edges)-1)
	for i := 0; i+1 < len(edges); i++ {
		out = append(out, IPRange{uint32(edges[i]), uint32(edges[i+1] - 1)})
	}
	return out
}

// ParseIPRange reads a CIDR, an address, or first-last.
func ParseIPRange(s string) (IPRange, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		if !p.Addr().Is4() {
			return IPRange{}, fmt.Errorf("%s: only IPv4 is evaluated", s)
		}
		return prefixRange(p), nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		if !a.Is4() {
			return IPRange{}, fmt.Errorf("%s: only IPv4 is evaluated", s)
		}
		return IPRange{addrToUint(a), addrToUint(a)}, nil
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '-' {
			lo, err1 := netip.ParseAddr(s[:i])
			hi, err2 := netip.ParseAddr(s[i+1:])
			if err1 == nil && err2 == nil && lo.Is4() && hi.Is4() && !hi.Less(lo) {
				return IPRange{addrToUint(lo), addrToUint(hi)}, nil
			}
		}
	}
	return IPRange{}, fmt.Errorf("%q is not an IPv4 address, CIDR or first-last range", s)
}
