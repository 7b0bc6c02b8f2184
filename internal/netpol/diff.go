package netpol

import "sort"

// Change is one pair whose connections differ between two versions.
type Change struct {
	// Kind is added (none before), removed (none after) or changed.
	Kind   string `json:"change"`
	Src    string `json:"src"`
	Dst    string `json:"dst"`
	Before string `json:"before"`
	After  string `json:"after"`
	// Note says when a workload exists on one side only.
	Note string `json:"note,omitempty"`
}

// Diff compares the connectivity maps of two versions of a cluster. Both
// maps are cut at the address ranges either version names, so that a range
// means the same on both sides.
func Diff(before, after *Analyzer) []Change {
	mb := before.mapWith(after.srcCuts, after.dstCuts)
	ma := after.mapWith(before.srcCuts, before.dstCuts)
	type key struct{ src, dst string }
	rows := func(m *Map) (map[key]string, map[string]bool) {
		out := map[key]string{}
		m.Each(func(s, d *Endpoint, id ConnID) bool {
			out[key{s.String(), d.String()}] = m.ConnString(id)
			return true
		})
		ws := map[string]bool{}
		for _, e := range m.ws {
			ws[e.String()] = true
		}
		return out, ws
	}
	rb, wb := rows(mb)
	ra, wa := rows(ma)
	isRange := func(s string) bool { return !wb[s] && !wa[s] }
	note := func(k key) string {
		for _, n := range []string{k.src, k.dst} {
			switch {
			case isRange(n):
			case !wb[n]:
				return "workload " + n + " added"
			case !wa[n]:
				return "workload " + n + " removed"
			}
		}
		return ""
	}
	var out []Change
	const none = "No Connections"
	for k, b := range rb {
		switch a, ok := ra[k]; {
		case !ok:
			out = append(out, Change{Kind: "removed", Src: k.src, Dst: k.dst, Before: b, After: none, Note: note(k)})
		case a != b:
			out = append(out, Change{Kind: "changed", Src: k.src, Dst: k.dst, Before: b, After: a})
		}
	}
	for k, a := range ra {
		if _, ok := rb[k]; !ok {
			out = append(out, Change{Kind: "added", Src: k.src, Dst: k.dst, Before: none, After: a, Note: note(k)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Src != out[j].Src {
			return out[i].Src < out[j].Src
		}
		return out[i].Dst < out[j].Dst
	})
	return out
}
