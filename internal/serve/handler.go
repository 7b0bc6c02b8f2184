package serve

import (
	"context"
	"encoding/binary"
	"log/slog"
	"sync"
	"time"

	"github.com/miekg/dns"

	aksdns "github.com/aksnet/aksnet/internal/dns"
	"github.com/aksnet/aksnet/internal/model"
)

// Answerer is what a view asks: one vantage's first nameserver. The server
// depends on nothing else of the engine, so the handler can be tested with
// a fake.
type Answerer interface {
	// Answer answers one question as dig would get it from the vantage's
	// first nameserver. The question's name is canonical
	// (model.CanonicalName). RCode Timeout means nothing answered.
	Answer(q aksdns.Question) (aksdns.Reply, error)
}

// engineAnswerer is the engine as one vantage sees it.
type engineAnswerer struct {
	e *aksdns.Engine
	v model.Vantage
}

// Answer asks untraced: the engine memoises untraced answers and is safe
// for concurrent use.
func (a engineAnswerer) Answer(q aksdns.Question) (aksdns.Reply, error) {
	return a.e.Query(a.v, q, nil)
}

// TimeoutMode is what a view answers when the simulated chain times out
// (a server down, a tunnel cut): SERVFAIL, as a recursive resolver that gave
// up says, or nothing, so that the client itself times out.
type TimeoutMode int

const (
	// TimeoutDefault takes the server's mode (Options.TimeoutMode).
	TimeoutDefault TimeoutMode = iota
	TimeoutServFail
	TimeoutDrop
)

// ParseTimeoutMode parses "servfail" or "drop"; "" is TimeoutDefault.
func ParseTimeoutMode(s string) (TimeoutMode, bool) {
	switch s {
	case "":
		return TimeoutDefault, true
	case "servfail":
		return TimeoutServFail, true
	case "drop":
		return TimeoutDrop, true
	}
	return 0, false
}

func (m TimeoutMode) String() string {
	if m == TimeoutDrop {
		return "drop"
	}
	return "servfail"
}

// DefaultUDPSize is the EDNS0 buffer size the server advertises and the
// largest UDP answer it sends: 1232 bytes, the DNS Flag Day 2020 value, which
// fits the IPv6 minimum MTU without fragmentation.
const DefaultUDPSize = 1232

// rcodeDropped is the metrics label of a query left unanswered on purpose.
const rcodeDropped = -1

// handler answers the queries of one view on one transport.
type handler struct {
	view    string
	tcp     bool
	mode    TimeoutMode
	udpSize uint16
	state   func() *viewState // the current generation's state of the view
	metrics *viewMetrics
	log     *slog.Logger
}

// result is one query's outcome, for the writer and the metrics.
type result struct {
	wire  []byte // nil: say nothing
	rcode int    // wire RCODE, or rcodeDropped
	qtype uint16
	pool  bool // wire came from bufPool
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// ServeDNS implements dns.Handler.
func (h *handler) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	start := time.Now()
	res := h.respond(req)
	if res.wire != nil {
		if _, err := w.Write(res.wire); err != nil && h.log.Enabled(context.Background(), slog.LevelDebug) {
			h.log.Debug("write failed", "view", h.view, "remote", w.RemoteAddr().String(), "err", err)
		}
		if res.pool {
			b := res.wire[:0]
			bufPool.Put(&b)
		}
	}
	h.metrics.observe(res.rcode, res.qtype, time.Since(start))
}

// respond computes the answer to one accepted, unpacked query. It never
// panics on what a client sends: every path ends in an answer or, for a
// simulated timeout in drop mode, in silence.
func (h *handler) respond(req *dns.Msg) result {
	if len(req.Question) != 1 {
		// acceptQuery lets only one-question messages through; a caller
		// that bypasses it still gets a FORMERR, not a panic.
		return h.fail(req, nil, dns.RcodeFormatError, 0)
	}
	q := req.Question[0]
	opt, ok := requestOPT(req)
	if !ok {
		// RFC 6891 §6.1.1: more than one OPT, or an OPT not owned by the
		// root, is a FORMERR.
		return h.fail(req, nil, dns.RcodeFormatError, q.Qtype)
	}
	if opt != nil && opt.Version() != 0 {
		// RFC 6891 §6.1.3: only version 0 exists.
		return h.fail(req, opt, dns.RcodeBadVers, q.Qtype)
	}
	if q.Qclass != dns.ClassINET {
		// The estate's zones are all class IN; CHAOS (version.bind) and
		// the rest are not served.
		return h.fail(req, opt, dns.RcodeRefused, q.Qtype)
	}
	switch q.Qtype {
	case dns.TypeOPT, dns.TypeTSIG, dns.TypeTKEY, dns.TypeNone:
		// Pseudo-types are not questions (RFC 6891 §6.1.1, RFC 8945).
		return h.fail(req, opt, dns.RcodeFormatError, q.Qtype)
	case dns.TypeAXFR, dns.TypeIXFR:
		// The twin answers as a recursive resolver does; zone transfers
		// are not part of what a client in the estate gets.
		return h.fail(req, opt, dns.RcodeRefused, q.Qtype)
	}
	limit := h.limit(opt)
	st := h.state()
	key := cacheKey{name: q.Name, qtype: q.Qtype, edns: ednsVariant(opt)}
	if e := st.cache.get(key); e != nil {
		if e.wire == nil {
			return result{rcode: e.rcode, qtype: q.Qtype}
		}
		if len(e.wire) <= limit {
			return h.fromCache(req, e)
		}
		return h.truncated(req, e, limit)
	}
	e := h.compute(st, req, q, opt)
	st.cache.put(key, e)
	if e.wire == nil {
		return result{rcode: e.rcode, qtype: q.Qtype}
	}
	if len(e.wire) <= limit {
		return h.fromCache(req, e)
	}
	return h.truncated(req, e, limit)
}

// limit is the largest answer this query may get: RFC 1035's 512 bytes over
// UDP without EDNS0, the client's advertised buffer (at least 512, at most
// ours) with it, and the 16-bit length over TCP.
func (h *handler) limit(opt *dns.OPT) int {
	if h.tcp {
		return dns.MaxMsgSize
	}
	if opt == nil {
		return dns.MinMsgSize
	}
	return int(max(dns.MinMsgSize, min(opt.UDPSize(), h.udpSize)))
}

// truncated is a cached answer too large for the client's UDP buffer:
// records are dropped until it fits and TC is set, and the client retries
// over TCP (RFC 1035 §4.2.1, RFC 6891 §7).
func (h *handler) truncated(req *dns.Msg, e *entry, limit int) result {
	// The cache keeps bytes only (a third of the memory of messages);
	// this rare path unpacks them again.
	var m dns.Msg
	if err := m.Unpack(e.wire); err != nil {
		h.log.Error("cannot unpack a cached answer", "view", h.view, "err", err)
		return h.fail(req, nil, dns.RcodeServerFailure, qtypeOf(req))
	}
	m.Id = req.Id
	m.RecursionDesired = req.RecursionDesired
	m.CheckingDisabled = req.CheckingDisabled
	m.Truncate(limit)
	return h.pack(&m, qtypeOf(req))
}

// compute asks the view and packs the full answer (ID 0, RD and CD clear)
// for the cache.
func (h *handler) compute(st *viewState, req *dns.Msg, q dns.Question, opt *dns.OPT) *entry {
	canon, err := model.CanonicalName(q.Name)
	if err != nil {
		// The model holds host names only (letters, digits, '-', '_',
		// '*'): a name it cannot hold — the root, a label with other
		// bytes — cannot be asked of the engine, and is refused rather
		// than guessed at.
		return h.failEntry(req, opt, dns.RcodeRefused)
	}
	qtype, ok := dns.TypeToString[q.Qtype]
	if !ok {
		qtype = "TYPE" + itoa(int(q.Qtype))
	}
	r, err := st.answerer.Answer(aksdns.Question{Name: canon, Type: aksdns.Type(qtype)})
	if err != nil {
		h.log.Warn("the view cannot ask the engine", "view", h.view, "question", q.String(), "err", err)
		return h.failEntry(req, opt, dns.RcodeServerFailure)
	}
	if r.RCode == aksdns.Timeout {
		if h.mode == TimeoutDrop {
			return &entry{rcode: rcodeDropped}
		}
		r = aksdns.Reply{RCode: aksdns.ServFail}
	}
	return h.entryFor(h.message(templateOf(req), q, opt, r, canon))
}

func (h *handler) failEntry(req *dns.Msg, opt *dns.OPT, rcode int) *entry {
	m := h.header(templateOf(req), opt)
	m.Rcode = rcode
	return h.entryFor(m)
}

// templateOf is the request as the cache keys it: ID 0, RD and CD clear
// (fromCache sets them per query).
func templateOf(req *dns.Msg) *dns.Msg {
	t := *req
	t.Id = 0
	t.RecursionDesired = false
	t.CheckingDisabled = false
	return &t
}

// entryFor packs a template answer for the cache.
func (h *handler) entryFor(m *dns.Msg) *entry {
	res := h.pack(m, 0)
	e := &entry{rcode: res.rcode}
	if res.wire != nil {
		e.wire = append([]byte(nil), res.wire...)
		if res.pool {
			b := res.wire[:0]
			bufPool.Put(&b)
		}
	}
	return e
}

// fromCache copies a packed answer and gives it this query's ID, RD and CD.
func (h *handler) fromCache(req *dns.Msg, e *entry) result {
	bp := bufPool.Get().(*[]byte)
	b := append((*bp)[:0], e.wire...)
	binary.BigEndian.PutUint16(b, req.Id)
	if req.RecursionDesired {
		b[2] |= 0x01
	}
	if req.CheckingDisabled {
		b[3] |= 0x10
	}
	return result{wire: b, rcode: e.rcode, pool: true, qtype: qtypeOf(req)}
}

func qtypeOf(req *dns.Msg) uint16 {
	if len(req.Question) == 0 {
		return 0
	}
	return req.Question[0].Qtype
}

// fail answers with an RCODE and no records.
func (h *handler) fail(req *dns.Msg, opt *dns.OPT, rcode int, qtype uint16) result {
	m := h.header(req, opt)
	m.Rcode = rcode
	return h.pack(m, qtype)
}

// header starts a response: the request's ID, opcode, RD and CD, the
// question as the client wrote it (its letter case kept), RA set (the
// twin's servers are recursive), and an OPT when the client sent one.
func (h *handler) header(req *dns.Msg, opt *dns.OPT) *dns.Msg {
	m := &dns.Msg{Compress: true}
	m.Id = req.Id
	m.Response = true
	m.Opcode = req.Opcode
	m.RecursionDesired = req.RecursionDesired
	m.CheckingDisabled = req.CheckingDisabled
	m.RecursionAvailable = true
	if len(req.Question) == 1 {
		m.Question = []dns.Question{req.Question[0]}
	}
	if opt != nil {
		o := &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT}}
		o.SetUDPSize(h.udpSize)
		if opt.Do() {
			// RFC 3225 §3: the DO bit is copied into the response.
			o.SetDo()
		}
		m.Extra = []dns.RR{o}
	}
	return m
}

// message is the full response for the engine's reply.
func (h *handler) message(req *dns.Msg, q dns.Question, opt *dns.OPT, r aksdns.Reply, canon string) *dns.Msg {
	m := h.header(req, opt)
	m.Rcode = int(r.RCode)
	m.Authoritative = r.Authoritative
	owner := ownerCase(canon, q.Name)
	for _, rr := range r.Answer {
		if x := toRR(rr, owner); x != nil {
			m.Answer = append(m.Answer, x)
		}
	}
	if r.SOA != nil && (r.RCode == aksdns.NXDomain || r.NoData()) {
		// RFC 2308 §3: the SOA's TTL bounds negative caching.
		s := r.SOA
		m.Ns = []dns.RR{&dns.SOA{
			Hdr: dns.RR_Header{Name: owner(s.Zone), Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: s.MinTTL},
			Ns:  fqdn(s.MName), Mbox: fqdn(s.RName), Serial: s.Serial,
			Refresh: s.Refresh, Retry: s.Retry, Expire: s.Expire, Minttl: s.MinTTL,
		}}
	}
	return m
}

// pack packs m into a pooled buffer. A message the engine's data cannot be
// packed into (it should not happen: names come from the validated model)
// becomes a SERVFAIL rather than a crash or silence.
func (h *handler) pack(m *dns.Msg, qtype uint16) result {
	bp := bufPool.Get().(*[]byte)
	b, err := m.PackBuffer((*bp)[:cap(*bp)])
	if err != nil {
		bufPool.Put(bp)
		h.log.Error("cannot pack the answer", "view", h.view, "err", err)
		m.Answer, m.Ns = nil, nil
		m.Rcode = dns.RcodeServerFailure
		b, err = m.Pack()
		if err != nil {
			// Even the bare header does not pack (an extended RCODE
			// without OPT cannot happen here); say nothing.
			return result{rcode: dns.RcodeServerFailure, qtype: qtype}
		}
		return result{wire: b, rcode: dns.RcodeServerFailure, qtype: qtype}
	}
	return result{wire: b, rcode: m.Rcode, qtype: qtype, pool: true}
}

// requestOPT returns the query's OPT record; ok is false when the query has
// more than one or one not owned by the root.
func requestOPT(req *dns.Msg) (opt *dns.OPT, ok bool) {
	for _, rr := range req.Extra {
		o, isOPT := rr.(*dns.OPT)
		if !isOPT {
			continue
		}
		if opt != nil || o.Hdr.Name != "." {
			return nil, false
		}
		opt = o
	}
	return opt, true
}

// ednsVariant is what of the query's EDNS0 shapes the answer's bytes: an
// OPT or not, and the DO bit.
func ednsVariant(opt *dns.OPT) uint8 {
	switch {
	case opt == nil:
		return 0
	case opt.Do():
		return 2
	}
	return 1
}

// ownerCase returns how owner names are written: a name that is the
// question's name, or a suffix of it, takes the client's letter case (as
// servers that compress against the question do); others are written in
// the model's lower case.
func ownerCase(canon, asked string) func(string) string {
	asked = dns.Fqdn(asked)
	return func(n string) string {
		if n == "" {
			return "."
		}
		if n == canon {
			return asked
		}
		// The canonical name is the asked one lower-cased (same length,
		// ASCII only), so a suffix at the same offset is the same name.
		if len(n) < len(canon) && canon[len(canon)-len(n)-1] == '.' && canon[len(canon)-len(n):] == n {
			return asked[len(canon)-len(n):]
		}
		return n + "."
	}
}

func fqdn(n string) string {
	if n == "" {
		return "."
	}
	return n + "."
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}
