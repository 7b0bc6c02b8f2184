package serve

import (
	"sync"
	"sync/atomic"
)

// The answer cache. A view's answer is a pure function of the topology and
// the question: the engine is read-only once built, and a reload builds a
// new generation with an empty cache. So the packed answer to a question is
// kept and replayed with the next asker's ID — the hot path then costs a
// map lookup and a copy, not an engine walk, a message build and a pack.
// (The engine memoises what servers answer, but not the CoreDNS step a pod's
// question starts with, nor the wire form.)

// maxCacheEntries bounds a view's cache. Past it the cache starts again
// empty: memory stays flat whatever names clients make up, and a working set
// of that many questions (a 1,000-spoke estate's endpoint names from every
// search candidate, A and AAAA, is ~100,000) refills in a few seconds.
const maxCacheEntries = 200_000

// cacheKey is what the answer's bytes depend on, beyond ID, RD and CD.
type cacheKey struct {
	name  string // as asked: its letter case is echoed
	qtype uint16
	edns  uint8 // ednsVariant
}

// entry is one cached answer.
type entry struct {
	wire  []byte // packed, ID 0, RD and CD clear; nil: say nothing (drop mode)
	rcode int
}

// answerCache is a view's cache for one generation.
type answerCache struct {
	m     sync.Map // cacheKey → *entry
	n     atomic.Int64
	limit int64 // 0: maxCacheEntries
}

func (c *answerCache) get(k cacheKey) *entry {
	if e, ok := c.m.Load(k); ok {
		return e.(*entry)
	}
	return nil
}

func (c *answerCache) put(k cacheKey, e *entry) {
	if _, loaded := c.m.LoadOrStore(k, e); loaded {
		return
	}
	limit := c.limit
	if limit == 0 {
		limit = maxCacheEntries
	}
	if c.n.Add(1) > limit {
		c.m.Clear()
		c.n.Store(0)
	}
}
