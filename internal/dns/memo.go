package dns

import (
	"sync"
	"sync/atomic"
)

// memoLimit bounds a memo: a long-running server (aksnet serve) asked ever
// new names must not grow without end. Past the limit a memo starts over;
// the whole-estate matrix (a few hundred thousand answers) stays under it.
const memoLimit = 2_000_000

// memo holds answers that depend only on their key, for the untraced hot
// path. It is safe for concurrent use; stored replies are shared and must
// not be modified.
type memo struct {
	m sync.Map
	n atomic.Int64 // entries since it last started over
}

func (m *memo) load(key any) (Reply, bool) {
	r, ok := m.m.Load(key)
	if !ok {
		return Reply{}, false
	}
	return r.(Reply), true
}

func (m *memo) store(key any, r Reply) {
	if m.n.Add(1) > memoLimit {
		m.m.Clear()
		m.n.Store(1) // the answer stored next
	}
	m.m.Store(key, r)
}
