package serve

import (
	"bytes"
	"encoding/binary"
	"log/slog"
	"sync"
	"testing"

	"github.com/miekg/dns"

	"github.com/aksnet/aksnet/internal/model"
)

var (
	fuzzOnce     sync.Once
	fuzzHandlers [4]*handler // by the query ID's low bits: TCP, drop mode
	fuzzErr      error
)

// fuzzSetup builds the handlers once per process: the embedded estate seen
// from a pod, over UDP and TCP, answering timeouts with SERVFAIL or
// silence.
func fuzzSetup() {
	v, err := model.ParseVantage("pod:aks-prod/bunny/bunny")
	if err != nil {
		fuzzErr = err
		return
	}
	s := &Server{opts: Options{Views: []View{{Name: "fuzz", Vantage: v, Down: []string{"hub-to-aws"}}}},
		metrics: newMetrics(), log: slog.New(slog.DiscardHandler)}
	t, err := loadContoso()
	if err != nil {
		fuzzErr = err
		return
	}
	g, err := s.build(t, 1)
	if err != nil {
		fuzzErr = err
		return
	}
	vm := s.metrics.view("fuzz")
	for i := range fuzzHandlers {
		mode := TimeoutServFail
		if i&2 != 0 {
			mode = TimeoutDrop
		}
		fuzzHandlers[i] = &handler{view: "fuzz", tcp: i&1 != 0, mode: mode, udpSize: DefaultUDPSize,
			state: func() *viewState { return g.views[0] }, metrics: vm, log: s.log}
	}
}

// FuzzHandler feeds raw packets to what the server runs on each: the
// header check (acceptQuery), miekg/dns's unpacking, then the handler. It
// must never panic, and every answer must be a well-formed response to the
// query — its ID, opcode and question, within the UDP size limit — and the
// same bytes when asked again (the cached path equals the computed one).
func FuzzHandler(f *testing.F) {
	for _, q := range []*dns.Msg{
		query("kv-contoso-prod.vault.azure.net.", dns.TypeA),
		query("relay.private.aws.internal.", dns.TypeA), // times out: the tunnel is down
		query("API.backend.svc.cluster.local.", dns.TypeAAAA),
		query("_http._tcp.api.backend.svc.cluster.local.", dns.TypeSRV),
		query("cluster.local.", dns.TypeSOA),
		query(".", dns.TypeNS),
	} {
		q.SetEdns0(4096, true)
		b, _ := q.Pack()
		f.Add(b)
	}
	fuzzOnce.Do(fuzzSetup)
	if fuzzErr != nil {
		f.Fatal(fuzzErr)
	}
	accept := acceptQuery(fuzzHandlers[0].metrics)
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 12 {
			return // miekg/dns drops these unread
		}
		h := dns.Header{
			Id: binary.BigEndian.Uint16(b), Bits: binary.BigEndian.Uint16(b[2:]),
			Qdcount: binary.BigEndian.Uint16(b[4:]), Ancount: binary.BigEndian.Uint16(b[6:]),
			Nscount: binary.BigEndian.Uint16(b[8:]), Arcount: binary.BigEndian.Uint16(b[10:]),
		}
		if accept(h) != dns.MsgAccept {
			return // miekg/dns ignores or rejects it with a bare header
		}
		req := new(dns.Msg)
		if err := req.Unpack(b); err != nil {
			return // miekg/dns answers FORMERR
		}
		hd := fuzzHandlers[h.Id&3]
		first := hd.respond(req)
		firstWire := bytes.Clone(first.wire)
		again := hd.respond(req)
		if !bytes.Equal(firstWire, again.wire) || first.rcode != again.rcode {
			t.Fatalf("asked twice, answered differently:\n%x\n%x", firstWire, again.wire)
		}
		if first.wire == nil {
			if first.rcode != rcodeDropped || hd.mode != TimeoutDrop {
				t.Fatalf("silence with rcode %d in mode %s", first.rcode, hd.mode)
			}
			return
		}
		r := new(dns.Msg)
		if err := r.Unpack(firstWire); err != nil {
			t.Fatalf("the answer does not unpack: %v\n%x", err, firstWire)
		}
		if !r.Response || r.Id != req.Id || r.Opcode != req.Opcode {
			t.Fatalf("answer header %v; query %v", r.MsgHdr, req.MsgHdr)
		}
		if len(req.Question) == 1 && (len(r.Question) != 1 || r.Question[0] != req.Question[0]) {
			t.Fatalf("answer question %v; query %v", r.Question, req.Question)
		}
		opt, _ := requestOPT(req)
		if limit := hd.limit(opt); len(firstWire) > limit {
			t.Fatalf("%d bytes for a limit of %d", len(firstWire), limit)
		}
		if r.Truncated && hd.tcp {
			t.Fatal("TC over TCP")
		}
		if r.Rcode != first.rcode {
			t.Fatalf("rcode %d on the wire, %d counted", r.Rcode, first.rcode)
		}
	})
}
