package ipam

import (
	"math/bits"
	"net/netip"
	"slices"
)

// span is an inclusive range of IPv4 addresses as integers. The planner
// works on IPv4 only: AKS pod and service CIDRs and Azure subnet sizing are
// IPv4 questions (an IPv6 subnet is always a /64, aks-constraints.md §1.4),
// so IPv6 prefixes are skipped wherever a set is built.
type span struct{ lo, hi uint32 }

// set is a sorted list of disjoint, non-adjacent spans: a set of IPv4
// addresses with cheap overlap tests and free-block search.
type set []span

func v4(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func addrOf(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// spanOf returns the addresses of an IPv4 prefix; ok is false for IPv6 or
// an invalid prefix.
func spanOf(p netip.Prefix) (s span, ok bool) {
	if !p.IsValid() || !p.Addr().Unmap().Is4() {
		return span{}, false
	}
	p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()).Masked()
	lo := v4(p.Addr())
	return span{lo, lo | hostMask(p.Bits())}, true
}

// hostMask is the host part of a /bits IPv4 prefix.
func hostMask(bits int) uint32 {
	if bits <= 0 {
		return ^uint32(0)
	}
	return ^uint32(0) >> uint(bits)
}

// builder collects spans and sorts and merges them once.
type builder []span

func (b *builder) prefix(p netip.Prefix) {
	if s, ok := spanOf(p); ok {
		*b = append(*b, s)
	}
}

func (b *builder) prefixes(ps []netip.Prefix) {
	for _, p := range ps {
		b.prefix(p)
	}
}

func (b builder) set() set {
	s := set(b)
	slices.SortFunc(s, func(x, y span) int {
		switch {
		case x.lo < y.lo:
			return -1
		case x.lo > y.lo:
			return 1
		}
		return 0
	})
	out := s[:0]
	for _, x := range s {
		if n := len(out); n > 0 && (x.lo <= out[n-1].hi || out[n-1].hi != ^uint32(0) && x.lo == out[n-1].hi+1) {
			out[n-1].hi = max(out[n-1].hi, x.hi)
			continue
		}
		out = append(out, x)
	}
	return out
}

func setOf(ps ...netip.Prefix) set {
	var b builder
	b.prefixes(ps)
	return b.set()
}

// first returns the index of the first span that ends at or after v.
func (s set) first(v uint32) int {
	i, _ := slices.BinarySearchFunc(s, v, func(x span, v uint32) int {
		if x.hi < v {
			return -1
		}
		return 1
	})
	return i
}

// overlaps reports whether any address of x is in s.
func (s set) overlaps(x span) bool {
	i := s.first(x.lo)
	return i < len(s) && s[i].lo <= x.hi
}

// overlapsPrefix is overlaps for a prefix; IPv6 never overlaps.
func (s set) overlapsPrefix(p netip.Prefix) bool {
	x, ok := spanOf(p)
	return ok && s.overlaps(x)
}

// with returns s plus x (a new set; s is not modified).
func (s set) with(x span) set {
	out := make(set, 0, len(s)+1)
	i := s.first(x.lo)
	out = append(out, s[:i]...)
	for ; i < len(s) && (s[i].lo <= x.hi || x.hi != ^uint32(0) && s[i].lo == x.hi+1); i++ {
		x.lo, x.hi = min(x.lo, s[i].lo), max(x.hi, s[i].hi)
	}
	if n := len(out); n > 0 && out[n-1].hi != ^uint32(0) && out[n-1].hi+1 == x.lo {
		out[n-1].hi = x.hi
	} else {
		out = append(out, x)
	}
	return append(out, s[i:]...)
}

// freeIn calls f for each maximal free span inside w, given the sets to
// avoid, in address order. It walks all sets together without building
// their union.
func freeIn(w span, avoid []set, f func(span) bool) {
	idx := make([]int, len(avoid))
	for k, s := range avoid {
		idx[k] = s.first(w.lo)
	}
	cur := w.lo
	for {
		// The next blocked span at or after cur, across every set.
		next, found := span{}, false
		for k, s := range avoid {
			for idx[k] < len(s) && s[idx[k]].hi < cur {
				idx[k]++
			}
			if idx[k] < len(s) {
				x := s[idx[k]]
				if !found || x.lo < next.lo {
					next, found = x, true
				}
			}
		}
		if !found || next.lo > w.hi {
			f(span{cur, w.hi})
			return
		}
		if next.lo > cur && !f(span{cur, next.lo - 1}) {
			return
		}
		// Skip past every blocked span that touches this point.
		end := next.hi
		for again := true; again; {
			again = false
			for k, s := range avoid {
				for idx[k] < len(s) && s[idx[k]].lo <= end+1 && end != ^uint32(0) {
					if s[idx[k]].hi > end {
						end = s[idx[k]].hi
						again = true
					}
					idx[k]++
				}
			}
		}
		if end >= w.hi {
			return
		}
		cur = end + 1
	}
}

// alignedIn returns the first address in x where a block of size 2^hostBits
// starts aligned, and whether the block fits in x.
func alignedIn(x span, hostBits int) (uint32, bool) {
	if hostBits >= 32 {
		return 0, x.lo == 0 && x.hi == ^uint32(0)
	}
	size := uint32(1) << uint(hostBits)
	start := (x.lo + size - 1) &^ (size - 1)
	if start < x.lo { // wrapped past the top
		return 0, false
	}
	return start, start+size-1 <= x.hi && start+size-1 >= start
}

// largestBlock is the prefix length of the largest aligned block inside x.
func largestBlock(x span) (start uint32, bitsLen int) {
	for hb := 32; hb >= 0; hb-- {
		if s, ok := alignedIn(x, hb); ok {
			return s, 32 - hb
		}
	}
	return x.lo, 32
}

// fitResult is a free block, or why there is none.
type fitResult struct {
	Prefix netip.Prefix
	// Largest is the largest free aligned block found in the space searched
	// (invalid when nothing at all is free), for the failure reason.
	Largest netip.Prefix
	Free    uint64 // free addresses in the space searched
}

// fit finds a free, aligned /prefixLen block inside the spaces of within,
// avoiding every set of avoid.
//
// With bestFit, among the free spans that can hold one it takes the
// smallest (a small gap between subnets is used before a large free range
// is cut), the lowest address on ties, and the lowest aligned block in it:
// how subnets are placed in a VNet. Without, it takes the first block in
// the order of within: how pod and service CIDRs are placed in private
// space, preferring 10.0.0.0/8.
func fit(prefixLen int, within []netip.Prefix, avoid []set, bestFit bool) fitResult {
	var (
		best      span
		bestStart uint32
		found     bool
		res       fitResult
		largest   = -1
	)
	hb := 32 - prefixLen
	for _, wp := range within {
		ws, ok := spanOf(wp)
		if !ok {
			continue
		}
		freeIn(ws, avoid, func(x span) bool {
			res.Free += uint64(x.hi-x.lo) + 1
			if st, b := largestBlock(x); largest < 0 || b < largest {
				largest = b
				res.Largest = netip.PrefixFrom(addrOf(st), b)
			}
			if s, ok := alignedIn(x, hb); ok {
				if !found || bestFit && x.hi-x.lo < best.hi-best.lo {
					best, bestStart, found = x, s, true
				}
			}
			return true
		})
		if found && !bestFit {
			break
		}
	}
	if found {
		res.Prefix = netip.PrefixFrom(addrOf(bestStart), prefixLen)
	}
	return res
}

// ceilLog2 is the smallest k with 2^k ≥ n (0 for n ≤ 1).
func ceilLog2(n int) int {
	if n <= 1 {
		return 0
	}
	return bits.Len(uint(n - 1))
}
