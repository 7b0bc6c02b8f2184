package serve

import (
	"net"
	"testing"

	"github.com/miekg/dns"
)

// discard is a ResponseWriter that drops the answer: the handler's own cost,
// without sockets.
type discard struct{ dns.ResponseWriter }

func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) RemoteAddr() net.Addr        { return &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5353} }

// BenchmarkHandler is the handler's cost per query, from an unpacked query
// to the bytes written and the metrics counted: a cached answer (the
// server's steady state) and one computed by the engine (the cache emptied
// before each query), from a pod of the embedded estate.
func BenchmarkHandler(b *testing.B) {
	fuzzOnce.Do(fuzzSetup)
	if fuzzErr != nil {
		b.Fatal(fuzzErr)
	}
	h := fuzzHandlers[0]
	q := query("kv-contoso-prod.vault.azure.net.backend.svc.cluster.local.", dns.TypeA)
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			h.ServeDNS(discard{}, q)
		}
	})
	b.Run("engine", func(b *testing.B) {
		b.ReportAllocs()
		c := h.state().cache
		for b.Loop() {
			c.m.Clear()
			h.ServeDNS(discard{}, q)
		}
	})
}
