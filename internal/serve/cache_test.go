package serve

import "testing"

// The cache holds at most its limit and then starts again, so memory stays
// bounded whatever names clients make up.
func TestCacheBounded(t *testing.T) {
	c := &answerCache{limit: 100}
	e := &entry{wire: []byte{1}}
	for i := range 250 {
		c.put(cacheKey{name: itoa(i) + ".example.", qtype: 1}, e)
		if n := c.n.Load(); n > 100 {
			t.Fatalf("after %d puts the cache counts %d entries; limit 100", i+1, n)
		}
	}
	held := 0
	c.m.Range(func(any, any) bool { held++; return true })
	if held == 0 || held > 100 {
		t.Fatalf("the cache holds %d entries; want 1..100", held)
	}
	// The newest entries survive, the oldest were dropped with the rest.
	if c.get(cacheKey{name: "249.example.", qtype: 1}) == nil || c.get(cacheKey{name: "0.example.", qtype: 1}) != nil {
		t.Error("want the newest entry kept and the first one dropped")
	}
	// Putting a key twice counts once.
	before := c.n.Load()
	c.put(cacheKey{name: "249.example.", qtype: 1}, e)
	if c.n.Load() != before {
		t.Error("a second put of a held key counted")
	}
}
