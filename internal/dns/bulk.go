package dns

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/aksnet/aksnet/internal/model"
)

// Bulk resolves every name from every vantage, untraced, on all cores, and
// hands each result to visit, which must be safe for concurrent use. It is
// what a whole-estate check asks: the answers are those of Lookup, without
// trace, explanations or the list of queries (StubResult.Sent counts them).
// Vantages are shared out whole, so one worker's lookups from a vantage
// reuse its resolv.conf and the answers its servers have memoised.
func (e *Engine) Bulk(vs []model.Vantage, names []string, family Family, visit func(vantage, name int, res StubResult)) error {
	var (
		next    atomic.Int64
		wg      sync.WaitGroup
		errOnce sync.Once
		err     error
	)
	for range min(runtime.GOMAXPROCS(0), len(vs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				vi := int(next.Add(1) - 1)
				if vi >= len(vs) {
					return
				}
				for ni, name := range names {
					res, lerr := e.Lookup(vs[vi], name, family, nil)
					if lerr != nil {
						errOnce.Do(func() { err = lerr })
						break // the vantage itself is wrong: every name would fail alike
					}
					visit(vi, ni, res)
				}
			}
		}()
	}
	wg.Wait()
	return err
}
