package netpol

import (
	"encoding/binary"
	"sort"
)

// Endpoint is a row or column of the connectivity map: a workload, or a
// range of addresses outside the cluster's pods.
type Endpoint struct {
	Workload *Workload // nil for a range
	Range    IPRange
}

// String names the endpoint: namespace/name[Kind], or the range as a CIDR
// (or first-last when it is not one).
func (e *Endpoint) String() string {
	if e.Workload != nil {
		return e.Workload.String()
	}
	return e.Range.String()
}

// Map is the connectivity of every pair: each workload to each other, each
// address range a policy names to each workload and back. Pairs are
// evaluated between groups and shown between workloads.
type Map struct {
	a     *Analyzer
	ct    *connTable
	n     int      // groups
	pairs []ConnID // [src*n+dst]
	// from[atom][group]: an address range to a group; to[group][atom].
	srcAtoms, dstAtoms []IPRange
	from, to           [][]ConnID
	ws                 []*Endpoint
	srcs, dsts         []*Endpoint
}

// Map computes the connectivity map.
func (a *Analyzer) Map() *Map { return a.mapWith(nil, nil) }

// memo caches a program's result per peer class: the set of its rules that
// match the peer, and the destination's named ports.
type memo struct {
	ct   *connTable
	m    []map[string]ConnID
	keyb []byte
}

func (a *Analyzer) mapWith(extraSrc, extraDst []IPRange) *Map {
	n := len(a.groups)
	m := &Map{a: a, ct: newConnTable(), n: n, pairs: make([]ConnID, n*n)}
	memos := [2]*memo{}
	for d := range memos {
		memos[d] = &memo{ct: m.ct, m: make([]map[string]ConnID, n)}
	}
	rulesOf := [2][][]*rule{}
	for d := range rulesOf {
		rulesOf[d] = make([][]*rule, n)
		for g, p := range a.programs[d] {
			if p != nil {
				rulesOf[d][g] = p.rules()
			}
		}
	}
	// eval returns the ID of a program's verdict for a peer whose matching
	// rules are those has() says, toward destination dst.
	eval := func(d direction, subject int, has func(*rule) bool, dst *group, tag byte) ConnID {
		p := a.programs[d][subject]
		if p == nil {
			return allConns
		}
		me := memos[d]
		k := append(me.keyb[:0], tag)
		if dst != nil && d == egress {
			k = binary.LittleEndian.AppendUint32(k, uint32(dst.portSig))
		}
		var bits uint64
		nb := 0
		for _, r := range rulesOf[d][subject] {
			if has(r) {
				bits |= 1 << nb
			}
			if nb++; nb == 64 {
				k = binary.LittleEndian.AppendUint64(k, bits)
				bits, nb = 0, 0
			}
		}
		k = binary.LittleEndian.AppendUint64(k, bits)
		me.keyb = k
		if me.m[subject] == nil {
			me.m[subject] = map[string]ConnID{}
		}
		if id, ok := me.m[subject][string(k)]; ok {
			return id
		}
		id := m.ct.id(a.run(p, has, dst))
		me.m[subject][string(k)] = id
		return id
	}

	for _, s := range a.groups {
		for _, d := range a.groups {
			di, si := d.idx, s.idx
			eg := eval(egress, si, func(r *rule) bool { return r.groups.has(di) }, d, 'g')
			if eg == noConns {
				m.pairs[si*n+di] = noConns
				continue
			}
			in := eval(ingress, di, func(r *rule) bool { return r.groups.has(si) }, d, 'g')
			m.pairs[si*n+di] = m.ct.and(eg, in)
		}
	}

	m.srcAtoms = atoms(append(append([]IPRange(nil), a.srcCuts...), extraSrc...))
	m.dstAtoms = atoms(append(append([]IPRange(nil), a.dstCuts...), extraDst...))
	atomMatch := func(r *rule, at IPRange) bool {
		if r.any {
			return true
		}
		for _, ni := range r.nets {
			if a.nets[ni].set.covers(at) {
				return true
			}
		}
		return false
	}
	m.from = make([][]ConnID, len(m.srcAtoms))
	for i, at := range m.srcAtoms {
		m.from[i] = make([]ConnID, n)
		has := func(r *rule) bool { return atomMatch(r, at) }
		for _, d := range a.groups {
			m.from[i][d.idx] = eval(ingress, d.idx, has, d, 'a')
		}
	}
	m.to = make([][]ConnID, n)
	for _, s := range a.groups {
		m.to[s.idx] = make([]ConnID, len(m.dstAtoms))
		for i, at := range m.dstAtoms {
			at := at
			m.to[s.idx][i] = eval(egress, s.idx, func(r *rule) bool { return atomMatch(r, at) }, nil, 'a')
		}
	}

	for _, w := range a.workloads {
		m.ws = append(m.ws, &Endpoint{Workload: w})
	}
	for _, r := range m.srcAtoms {
		m.srcs = append(m.srcs, &Endpoint{Range: r})
	}
	m.srcs = append(m.srcs, m.ws...)
	m.dsts = append(m.dsts, m.ws...)
	for _, r := range m.dstAtoms {
		m.dsts = append(m.dsts, &Endpoint{Range: r})
	}
	return m
}

// Sources and Destinations list the map's rows and columns: address ranges
// (the atoms the policies' ipBlocks cut, or 0.0.0.0/0) and workloads.
func (m *Map) Sources() []*Endpoint      { return m.srcs }
func (m *Map) Destinations() []*Endpoint { return m.dsts }

// Groups is the number of distinct pod groups the map evaluated.
func (m *Map) Groups() int { return m.n }

// Between returns the connections from src to dst.
func (m *Map) Between(src, dst *Endpoint) ConnID {
	switch {
	case src.Workload != nil && dst.Workload != nil:
		id := allConns
		for _, sg := range src.Workload.groups {
			for _, dg := range dst.Workload.groups {
				id = m.ct.and(id, m.pairs[sg.idx*m.n+dg.idx])
			}
		}
		return id
	case src.Workload == nil && dst.Workload != nil:
		i := sort.Search(len(m.srcAtoms), func(i int) bool { return m.srcAtoms[i].Hi >= src.Range.Lo })
		if i == len(m.srcAtoms) || m.srcAtoms[i] != src.Range {
			return m.ct.id(m.a.Conns(Peer{addr: uintToAddr(src.Range.Lo)}, m.a.WorkloadPeer(dst.Workload)))
		}
		id := allConns
		for _, dg := range dst.Workload.groups {
			id = m.ct.and(id, m.from[i][dg.idx])
		}
		return id
	case src.Workload != nil && dst.Workload == nil:
		i := sort.Search(len(m.dstAtoms), func(i int) bool { return m.dstAtoms[i].Hi >= dst.Range.Lo })
		if i == len(m.dstAtoms) || m.dstAtoms[i] != dst.Range {
			return m.ct.id(m.a.Conns(m.a.WorkloadPeer(src.Workload), Peer{addr: uintToAddr(dst.Range.Lo)}))
		}
		id := allConns
		for _, sg := range src.Workload.groups {
			id = m.ct.and(id, m.to[sg.idx][i])
		}
		return id
	}
	return allConns
}

// Conns returns the set an ID names.
func (m *Map) Conns(id ConnID) Conns { return m.ct.get(id) }

// ConnString renders the set an ID names (cached).
func (m *Map) ConnString(id ConnID) string { return m.ct.str(id) }

// Each calls fn for every pair with some connection, sources in Sources
// order, then destinations in Destinations order. A workload to itself and
// an address range to another are left out, as netpol-analyzer does. fn
// returns false to stop.
func (m *Map) Each(fn func(src, dst *Endpoint, id ConnID) bool) {
	for _, s := range m.srcs {
		for _, d := range m.dsts {
			if s == d || s.Workload == nil && d.Workload == nil {
				continue
			}
			if id := m.Between(s, d); id != noConns {
				if !fn(s, d, id) {
					return
				}
			}
		}
	}
}
