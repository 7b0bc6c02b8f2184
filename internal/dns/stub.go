package dns

// The stub resolver: what a process's getaddrinfo does with a resolv.conf —
// which candidate names it asks, in which order, of which servers, how long
// it waits, and when it gives up — per libc (glibc, musl) or the Go pure
// resolver. It is a pure function over an Exchange callback; the caller
// models the servers and the network.
//
// Sources (kubernetes-dns.md §2.2–2.5 and §7.2–7.5 give the summary; the
// behaviour here is read from the code they cite, at these versions):
//
//	glibc (bminor/glibc 04e750e, 2.42.9000, 2026-01):
//	  resolv/res_query.c   __res_context_search, __res_context_query
//	  resolv/res_send.c    __res_context_send, send_dg, send_vc, nameserver_offset
//	  resolv/res_init.c    option parsing and limits (RES_MAXNDOTS 15,
//	                       RES_MAXRETRANS 30, RES_MAXRETRY 5, MAXNS 3)
//	  resolv/nss_dns/dns-host.c  _nss_dns_gethostbyname4_r, gaih_getanswer
//	  nss/getaddrinfo.c    get_nss_addresses (h_errno → EAI_*)
//	musl (bminor/musl v1.2.5+, 86373b4 2025-05):
//	  src/network/lookup_name.c  name_from_dns_search, name_from_dns
//	  src/network/res_msend.c    __res_msend_rc
//	  src/network/resolvconf.c   __get_resolv_conf
//	Go (go1.26 src/net):
//	  dnsclient_unix.go  nameList, tryOneName, checkHeader, skipToAnswer,
//	                     goLookupIPCNAMEOrder
//	  dnsconfig_unix.go  resolv.conf parsing and limits
//
// Not modelled: /etc/hosts and nsswitch.conf (every lookup goes to DNS),
// HOSTALIASES, RFC 6724 address sorting (Addrs are A then AAAA as
// answered), TC-bit fallback to TCP (Reply has no TC bit), glibc's
// "lame referral" rule and Go's errLameReferral (Reply has no RA bit; the
// engine's servers are recursive), ICMP port-unreachable (ECONNREFUSED makes
// glibc give up at once; here a server that does not answer is a Timeout).

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aksnet/aksnet/internal/model"
)

// Exchange sends one question to one nameserver and returns its reply;
// RCode Timeout means nothing came back (the caller models reachability).
type Exchange func(server netip.Addr, q Question) Reply

// Family is what the application asks for (the ai_family hint).
type Family int

const (
	FamilyUnspec Family = iota // AF_UNSPEC: A and AAAA
	FamilyV4                   // AF_INET: A only
	FamilyV6                   // AF_INET6: AAAA only
)

func (f Family) String() string {
	switch f {
	case FamilyV4:
		return "AF_INET"
	case FamilyV6:
		return "AF_INET6"
	}
	return "AF_UNSPEC"
}

// StubError is getaddrinfo's error, by its glibc/musl name; "" is success.
type StubError string

const (
	EAINoName StubError = "EAI_NONAME" // the name does not exist
	EAINoData StubError = "EAI_NODATA" // the name exists, without addresses
	EAIAgain  StubError = "EAI_AGAIN"  // temporary failure: timeout, SERVFAIL
	EAIFail   StubError = "EAI_FAIL"   // permanent failure
)

// StubRTT is the round trip aksnet gives every answered query: answers are
// not instantaneous, so sequential sends (single-request, one search
// candidate after another) show in At and Elapsed. A lost query costs the
// resolver's timeout instead.
const StubRTT = time.Millisecond

// StubQuery is one query a stub put on the wire.
type StubQuery struct {
	Server   netip.Addr
	Question Question
	Reply    Reply
	Attempt  int           // 1-based: how many times this question has gone to this server
	At       time.Duration // simulated time the query was sent, from the start of the lookup
}

// StubResult is the outcome of a lookup.
type StubResult struct {
	Name    string        // the candidate name that answered (fully qualified, canonical), "" on failure
	Addrs   []netip.Addr  // A then AAAA addresses, as returned
	Answer  []RR          // the answer records of the deciding replies (CNAME chain included)
	Err     StubError     // "" on success
	Sent    int           // how many queries went on the wire
	Queries []StubQuery   // every query on the wire, in order (traced lookups only)
	Elapsed time.Duration // simulated time until the lookup returned (timeouts accumulate)
	Why     []string      // one line per decision, prefixed by the resolver
}

// Lookup resolves name (as the application passed it, maybe with a trailing
// dot) the way rc.Resolver's getaddrinfo does (glibc when unset):
// kubernetes-dns.md §2.2 (glibc), §2.3 (musl), §2.4 (Go), §7.2–7.5. Names
// are asked in canonical form (lower case). rc is not modified.
func Lookup(rc *model.ResolvConf, name string, family Family, ex Exchange) StubResult {
	return lookup(rc, name, family, ex, true)
}

// lookup is Lookup; why false skips the explanations (StubResult.Why) and
// the list of queries (StubResult.Queries; Sent still counts them), which
// cost more than the resolution on the engine's untraced path.
func lookup(rc *model.ResolvConf, name string, family Family, ex Exchange, why bool) StubResult {
	s := &stub{family: family, ex: ex, quiet: !why}
	if why {
		s.sent = map[stubKey]int{}
	}
	s.configure(rc)
	if a, err := netip.ParseAddr(name); err == nil {
		// glibc text_to_binary_address, musl name_from_numeric, Go's
		// ParseIP: a literal never reaches DNS.
		if family == FamilyUnspec || (family == FamilyV4) == a.Is4() {
			s.whyf("%s is an IP literal: no DNS query", name)
			s.res.Name, s.res.Addrs = a.String(), []netip.Addr{a}
		} else {
			s.whyf("%s is an IP literal of the other family: no DNS query", name)
			s.res.Err = EAINoName
		}
		return s.res
	}
	base, err := model.CanonicalName(name)
	if err == nil && strings.HasSuffix(name, "..") {
		err = fmt.Errorf("DNS name %q ends in two dots", name)
	}
	if err != nil {
		// glibc: res_mkquery fails → NO_RECOVERY → EAI_NONAME; musl
		// __lookup_name/name_from_dns_search return EAI_NONAME; Go's
		// isDomainName check gives "no such host".
		s.whyf("%v: not a valid name, no DNS query", err)
		s.res.Err = EAINoName
		return s.res
	}
	switch s.kind {
	case model.ResolverMusl:
		s.musl(name, base)
	case model.ResolverGo:
		s.goLookup(name, base)
	default:
		s.glibc(name, base)
	}
	s.res.Elapsed = s.now
	return s.res
}

// stubConf is the resolv.conf as the chosen resolver reads it.
type stubConf struct {
	servers        []netip.Addr
	search         []string
	ndots          int
	timeout        time.Duration
	attempts       int
	rotate         bool
	singleRequest  bool // glibc RES_SNGLKUP; Go singleRequest
	singleReopen   bool // glibc RES_SNGLKUPREOP
	useVC          bool
	noAAAA         bool // glibc RES_NOAAAA (2.36+)
	noTLDQuery     bool // glibc RES_NOTLDQUERY
	strictErrors   bool // glibc RES_STRICTERR
	timeoutSeconds int
}

type stubKey struct {
	server netip.Addr
	q      Question
}

type stub struct {
	quiet  bool // no explanations
	kind   model.Resolver
	family Family
	ex     Exchange
	conf   stubConf
	now    time.Duration
	res    StubResult
	sent   map[stubKey]int
	// rotation is the next rotate offset: glibc's nameserver_offset counts
	// res_send calls, Go's serverOffset counts tryOneName calls; both start
	// at 0 here (glibc seeds its counter at random: not modelled).
	rotation int
	// glibc: the rcode of the last reply written to the first answer
	// buffer (hp->rcode in __res_context_search), and the RES_F_SNGLKUP /
	// RES_F_SNGLKUPREOP flags send_dg sets in the resolver state when an
	// answer goes missing; they stay set for the rest of the lookup.
	hpRCode       RCode
	learnedSingle bool
	learnedReopen bool
	// then says what a failed glibc exchange leads to (nextStep).
	then string
}

// nextStep names what follows exchange (try, shift) of tries × n.
func nextStep(try, tries, shift, n int) string {
	switch {
	case shift < n-1:
		return "next server"
	case try < tries-1:
		return "next try"
	}
	return "no try left"
}

func (s *stub) whyf(format string, args ...any) {
	if !s.quiet {
		s.res.Why = append(s.res.Why, fmt.Sprintf(format, args...))
	}
}

func (s *stub) configure(rc *model.ResolvConf) {
	s.kind = rc.Resolver
	switch s.kind {
	case model.ResolverGlibc, model.ResolverMusl, model.ResolverGo:
	case "":
		s.kind = model.ResolverGlibc
	default:
		s.whyf("unknown resolver %q: glibc assumed", rc.Resolver)
		s.kind = model.ResolverGlibc
	}
	c := stubConf{ndots: rc.Ndots, timeoutSeconds: rc.Timeout, attempts: rc.Attempts}
	if c.timeoutSeconds <= 0 {
		c.timeoutSeconds = 5 // RES_TIMEOUT; musl and Go default to 5 too
	}
	if c.attempts <= 0 {
		c.attempts = 2 // RES_DFLRETRY; musl and Go default to 2 too
	}
	// Options are read after the ndots/timeout/attempts the file's
	// options line starts with (ResolvConf.String), so a repeated one
	// wins. Others (edns0, trust-ad, no-reload…) change nothing here.
	for _, o := range rc.Options {
		name, val, _ := strings.Cut(o, ":")
		n, numErr := strconv.Atoi(val)
		switch name {
		case "ndots":
			if numErr == nil {
				c.ndots = n
			}
		case "timeout":
			if numErr == nil {
				c.timeoutSeconds = n
			}
		case "attempts":
			if numErr == nil {
				c.attempts = n
			}
		case "rotate":
			c.rotate = true
		case "single-request":
			c.singleRequest = true
		case "single-request-reopen":
			c.singleRequest, c.singleReopen = true, true
		case "use-vc", "usevc", "tcp":
			c.useVC = true
		case "no-aaaa":
			c.noAAAA = true
		case "no-tld-query", "no_tld_query":
			c.noTLDQuery = true
		case "strict-error":
			c.strictErrors = true
		}
	}
	c.ndots = max(c.ndots, 0)
	c.servers = slices.Clone(rc.Nameservers)
	c.search = slices.Clone(rc.Search)
	switch s.kind {
	case model.ResolverGlibc:
		// res_init.c: values above the maxima are clamped; MAXNS 3.
		c.ndots = min(c.ndots, 15)
		c.timeoutSeconds = min(max(c.timeoutSeconds, 1), 30)
		c.attempts = min(max(c.attempts, 1), 5)
		if c.useVC {
			s.whyf("glibc: use-vc: queries go over TCP, one try per server (res_send.c __res_context_send)")
		}
	case model.ResolverMusl:
		// resolvconf.c: ndots ≤ 15, attempts ≤ 10, timeout ≤ 60; musl
		// knows no other option (kubernetes-dns.md §2.3).
		c.ndots = min(c.ndots, 15)
		c.timeoutSeconds = min(max(c.timeoutSeconds, 1), 60)
		c.attempts = min(max(c.attempts, 1), 10)
		var unknown []string
		for _, o := range []struct {
			on   bool
			name string
		}{{c.rotate, "rotate"}, {c.singleRequest && !c.singleReopen, "single-request"}, {c.singleReopen, "single-request-reopen"},
			{c.useVC, "use-vc"}, {c.noAAAA, "no-aaaa"}, {c.noTLDQuery, "no-tld-query"}, {c.strictErrors, "strict-error"}} {
			if o.on {
				unknown = append(unknown, o.name)
			}
		}
		if len(unknown) > 0 {
			s.whyf("musl ignores options %s (resolvconf.c reads only ndots, attempts, timeout)", strings.Join(unknown, ", "))
		}
		c.rotate, c.singleRequest, c.singleReopen, c.useVC, c.noAAAA, c.noTLDQuery, c.strictErrors = false, false, false, false, false, false, false
		// resolvconf.c reads lines into a 256-byte buffer and skips any
		// line that does not fit (kubernetes-dns.md §2.3).
		if line := "search " + strings.Join(c.search, " ") + "\n"; len(c.search) > 0 && len(line) > 255 {
			s.whyf("musl: the search line is %d characters, longer than its 255-character line buffer: the line is skipped, no search domains", len(line))
			c.search = nil
		}
	case model.ResolverGo:
		// dnsconfig_unix.go: ndots ≤ 15, timeout and attempts ≥ 1, no
		// upper bound; "." search entries dropped; use-vc/usevc/tcp,
		// rotate, single-request(-reopen) honoured.
		c.ndots = min(c.ndots, 15)
		c.timeoutSeconds = max(c.timeoutSeconds, 1)
		c.attempts = max(c.attempts, 1)
		c.noAAAA, c.noTLDQuery, c.strictErrors = false, false, false
		c.search = slices.DeleteFunc(c.search, func(d string) bool { return d == "" || d == "." })
		if c.useVC {
			s.whyf("go: use-vc: queries go over TCP (dnsclient_unix.go exchange)")
		}
	}
	c.timeout = time.Duration(c.timeoutSeconds) * time.Second
	if len(c.servers) > 3 {
		s.whyf("%s uses only the first 3 of %d nameservers (MAXNS)", s.kind, len(c.servers))
		c.servers = c.servers[:3]
	}
	if len(c.servers) == 0 {
		// res_init.c and resolvconf.c fall back to 127.0.0.1; Go's
		// defaultNS is 127.0.0.1 and ::1.
		c.servers = []netip.Addr{netip.MustParseAddr("127.0.0.1")}
		if s.kind == model.ResolverGo {
			c.servers = append(c.servers, netip.MustParseAddr("::1"))
		}
		s.whyf("%s: no nameserver in resolv.conf: it asks %s", s.kind, joinAddrs(c.servers))
	}
	s.conf = c
}

func joinAddrs(as []netip.Addr) string {
	var ss []string
	for _, a := range as {
		ss = append(ss, a.String())
	}
	return strings.Join(ss, ", ")
}

// questions are the questions asked per candidate name, in send order.
func (s *stub) questions(name string) []Question {
	switch {
	case s.family == FamilyV4:
		return []Question{{name, model.TypeA}}
	case s.family == FamilyV6:
		return []Question{{name, model.TypeAAAA}}
	case s.conf.noAAAA:
		return []Question{{name, model.TypeA}}
	}
	return []Question{{name, model.TypeA}, {name, model.TypeAAAA}}
}

// send puts one question on the wire at time at.
func (s *stub) send(server netip.Addr, q Question, at time.Duration) Reply {
	r := s.ex(server, q)
	s.res.Sent++
	if !s.quiet {
		k := stubKey{server, q}
		s.sent[k]++
		s.res.Queries = append(s.res.Queries, StubQuery{Server: server, Question: q, Reply: r, Attempt: s.sent[k], At: at})
	}
	return r
}

// succeed records a success: the addresses of the replies, A then AAAA.
func (s *stub) succeed(name string, replies []Reply) {
	s.res.Name = name
	s.res.Answer, s.res.Addrs = nil, nil
	for _, t := range []Type{model.TypeA, model.TypeAAAA} {
		for _, r := range replies {
			for _, rr := range r.Answer {
				if rr.Type == t {
					s.res.Addrs = append(s.res.Addrs, rr.Data.Addr)
				}
			}
		}
	}
	for _, r := range replies {
		s.res.Answer = append(s.res.Answer, r.Answer...)
	}
}

func (s *stub) fail(e StubError, replies []Reply) {
	s.res.Err = e
	s.res.Name, s.res.Addrs = "", nil
	s.res.Answer = nil
	for _, r := range replies {
		s.res.Answer = append(s.res.Answer, r.Answer...)
	}
}

func isErrRCode(r RCode) bool { return r == ServFail || r == NotImp || r == Refused }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ---------------------------------------------------------------- glibc

// hErrno is glibc's h_errno (netdb.h values).
type hErrno int

const (
	hHostNotFound hErrno = 1 // HOST_NOT_FOUND: NXDOMAIN
	hTryAgain     hErrno = 2 // TRY_AGAIN: no answer, or SERVFAIL
	hNoRecovery   hErrno = 3 // NO_RECOVERY: FORMERR, NOTIMP, REFUSED, bad name
	hNoData       hErrno = 4 // NO_DATA: NOERROR without answers
)

func (h hErrno) String() string {
	switch h {
	case hHostNotFound:
		return "HOST_NOT_FOUND"
	case hTryAgain:
		return "TRY_AGAIN"
	case hNoRecovery:
		return "NO_RECOVERY"
	case hNoData:
		return "NO_DATA"
	}
	return "NETDB_SUCCESS"
}

// eai maps h_errno the way nss/getaddrinfo.c get_nss_addresses does:
// TRY_AGAIN → EAI_AGAIN, NO_DATA → EAI_NODATA, anything else leaves no
// address and no no_data flag → EAI_NONAME. glibc's getaddrinfo never
// returns EAI_FAIL for a DNS answer: NO_RECOVERY (REFUSED, NOTIMP, FORMERR)
// ends as EAI_NONAME.
func (h hErrno) eai() StubError {
	switch h {
	case hTryAgain:
		return EAIAgain
	case hNoData:
		return EAINoData
	}
	return EAINoName
}

// glibcOutcome is __res_context_query's result for one candidate.
type glibcOutcome struct {
	name    string
	ok      bool // an answer with ancount > 0: the search stops here
	herrno  hErrno
	hpRCode RCode   // hp->rcode as __res_context_search sees it
	used    []Reply // hp, and hp2 when it is a different answer
}

// glibc is __res_context_search (resolv/res_query.c) driven by
// _nss_dns_gethostbyname4_r (AF_UNSPEC, T_QUERY_A_AND_AAAA) or
// gethostbyname3_r (AF_INET/AF_INET6, one type); kubernetes-dns.md §2.2.
func (s *stub) glibc(name, base string) {
	c := s.conf
	trailing := strings.HasSuffix(name, ".")
	dots := strings.Count(name, ".") // res_query.c counts every dot, the trailing one too
	// saved_herrno: the as-is answer when it went first. Outcomes are kept
	// by value: pointers to the loop's outcomes would put each on the heap.
	var saved, nodata, servfail, last glibcOutcome
	var hasSaved, hasNodata, hasServfail, hasLast bool
	triedAsIs := false

	if dots >= c.ndots || trailing {
		if trailing {
			s.whyf("glibc: trailing dot: only %s is asked (res_query.c __res_context_search)", base)
		} else {
			s.whyf("glibc: %d %s ≥ ndots %d: %s as is first, then the search list", dots, plural(dots, "dot", "dots"), c.ndots, base)
		}
		o := s.glibcQuery(base)
		if o.ok {
			s.glibcSucceed(o)
			return
		}
		if trailing {
			s.glibcFail(o.herrno, o, "")
			return
		}
		s.whyf("glibc: %s for %s: on to the search list", o.herrno, base)
		saved, hasSaved, triedAsIs = o, true, true
	} else {
		s.whyf("glibc: %d %s < ndots %d: search list first, then %s as is", dots, plural(dots, "dot", "dots"), c.ndots, base)
	}

	// RES_DEFNAMES (no dot) and RES_DNSRCH (dots, no trailing dot) are on
	// by default: the search list is walked.
	searched, rootOnList := false, false
	last, hasLast = saved, hasSaved
	for _, d := range c.search {
		searched = true
		cand := base + "." + d
		if d == "" || d == "." {
			rootOnList = true // "search ." asks the name itself
			cand = base
		}
		o := s.glibcQuery(cand)
		if o.ok {
			s.glibcSucceed(o)
			return
		}
		last, hasLast = o, true
		done := false
		switch o.herrno {
		case hNoData:
			if !hasNodata {
				nodata, hasNodata = o, true
			}
			s.whyf("glibc: NODATA for %s: next candidate (remembered: a wildcard of another type must not hide the name)", cand)
		case hHostNotFound:
			s.whyf("glibc: NXDOMAIN for %s: next candidate", cand)
		case hTryAgain:
			if o.hpRCode == ServFail {
				if !hasServfail {
					servfail, hasServfail = o, true
				}
				s.whyf("glibc: SERVFAIL for %s: next candidate (remembered)", cand)
				break
			}
			if o.hpRCode == NoError {
				s.whyf("glibc: no answer for %s from any server (TRY_AGAIN): the search stops", cand)
			} else {
				s.whyf("glibc: %s for %s from every server (TRY_AGAIN, not SERVFAIL): the search stops", o.hpRCode, cand)
			}
			done = true
		default:
			s.whyf("glibc: %s for %s: the search stops", o.herrno, cand)
			done = true
		}
		if done {
			break
		}
	}

	if (dots > 0 || !searched || !c.noTLDQuery) && !(triedAsIs || rootOnList) {
		if searched {
			s.whyf("glibc: the search list failed: %s as is", base)
		}
		o := s.glibcQuery(base)
		if o.ok {
			s.glibcSucceed(o)
			return
		}
		last, hasLast = o, true
	}

	// res_query.c: the as-is answer if it went first, else NO_DATA if any
	// candidate had one, else TRY_AGAIN if any SERVFAIL, else the last.
	switch {
	case hasSaved:
		s.glibcFail(saved.herrno, saved, "the as-is answer for "+base+", asked first, decides: ")
	case hasNodata:
		s.glibcFail(hNoData, nodata, nodata.name+" had NODATA: ")
	case hasServfail:
		s.glibcFail(hTryAgain, servfail, servfail.name+" had SERVFAIL: ")
	case hasLast:
		s.glibcFail(last.herrno, last, "the last answer decides: ")
	default:
		s.glibcFail(hHostNotFound, glibcOutcome{}, "no candidate: ")
	}
}

func (s *stub) glibcSucceed(o glibcOutcome) {
	s.succeed(o.name, o.used)
	if len(s.res.Addrs) == 0 {
		// gaih_getanswer_slice / getanswer_r: an answer without
		// addresses (a CNAME alone) → HOST_NOT_FOUND / NO_RECOVERY.
		s.whyf("glibc: %s answered with records but no address: the search stops there, EAI_NONAME (nss_dns gaih_getanswer)", o.name)
		s.fail(EAINoName, o.used)
		return
	}
	s.whyf("glibc: %s answered with %d %s", o.name, len(s.res.Addrs), plural(len(s.res.Addrs), "address", "addresses"))
}

func (s *stub) glibcFail(h hErrno, o glibcOutcome, prefix string) {
	e := h.eai()
	s.whyf("glibc: %sh_errno %s → %s (nss/getaddrinfo.c)", prefix, h, e)
	s.fail(e, o.used)
}

// glibcQuery is __res_context_query for one candidate name.
func (s *stub) glibcQuery(cand string) glibcOutcome {
	o := glibcOutcome{name: cand}
	if len(cand) > 253 {
		// res_mkquery cannot encode it: NO_RECOVERY, no query.
		s.whyf("glibc: %s is longer than 253 characters: NO_RECOVERY without a query", cand)
		o.herrno, o.hpRCode = hNoRecovery, NoError
		return o
	}
	s.hpRCode = NoError // hp->rcode = NOERROR before every query
	hp, hp2, ok := s.glibcSend(s.questions(cand))
	o.hpRCode = s.hpRCode
	if !ok {
		o.herrno = hTryAgain // res_send failed: TRY_AGAIN
		return o
	}
	o.used = []Reply{hp}
	if hp2 != nil {
		o.used = append(o.used, *hp2)
	} else {
		hp2 = &hp
	}
	good := func(r Reply) bool { return r.RCode == NoError && len(r.Answer) > 0 }
	if good(hp) || good(*hp2) {
		o.ok = true
		return o
	}
	code := hp.RCode
	if code == NoError {
		code = hp2.RCode
	}
	switch code {
	case NXDomain:
		o.herrno = hHostNotFound
	case ServFail:
		o.herrno = hTryAgain
	case NoError:
		o.herrno = hNoData
	default:
		o.herrno = hNoRecovery
	}
	return o
}

// glibcSend is __res_context_send: for each try, for each server (from the
// rotate offset), send_dg or send_vc; a server's answer ends it.
func (s *stub) glibcSend(qs []Question) (hp Reply, hp2 *Reply, ok bool) {
	c := s.conf
	n := len(c.servers)
	offset := 0
	if c.rotate && n > 1 {
		offset = s.rotation % n
		s.rotation++
	}
	tries := c.attempts
	if c.useVC {
		tries = 1 // "Use VC; at most one attempt per server."
	}
	for try := 0; try < tries; try++ {
		for shift := 0; shift < n; shift++ {
			ns := (shift + offset) % n
			// send_dg: seconds = retrans << ns, divided by nscount
			// for ns > 0 — the server's index, not the try, as
			// glibc has had it since 2000: 5 s, 5 s for two servers;
			// 5 s, 3 s, 6 s for three.
			secs := c.timeoutSeconds << ns
			if ns > 0 {
				secs /= n
			}
			secs = max(secs, 1)
			wait := time.Duration(secs) * time.Second
			s.then = nextStep(try, tries, shift, n)
			var r dgResult
			if c.useVC {
				r = s.glibcVC(c.servers[ns], qs, wait)
			} else {
				r = s.glibcDG(c.servers[ns], qs, wait)
			}
			if !r.n && r.resp2 != 2 {
				continue // next_ns
			}
			hp = r.buf1
			if r.resp2 == 2 {
				b2 := r.buf2
				if !r.n {
					hp = b2
				} else {
					hp2 = &b2
				}
			}
			return hp, hp2, true
		}
	}
	s.whyf("glibc: no usable answer from %s after %d %s: res_send fails (TRY_AGAIN)", joinAddrs(c.servers), tries, plural(tries, "try", "tries"))
	return Reply{}, nil, false
}

// dgResult mirrors send_dg's return: resplen (n: the first buffer holds an
// answer) and *resplen2 (0 none, 1 unusable, 2 an answer in the second).
type dgResult struct {
	n          bool
	resp2      int
	buf1, buf2 Reply
}

// glibcDG is send_dg for one server: A and AAAA together on one socket
// (sendmmsg) unless single-request; replies are read in arrival order, the
// first into the first buffer.
func (s *stub) glibcDG(server netip.Addr, qs []Question, wait time.Duration) dgResult {
	c := s.conf
	two := len(qs) == 2
	single := c.singleRequest || s.learnedSingle
	reopen := c.singleReopen || s.learnedReopen
	var res dgResult
	resplen := false // survives "goto retry", as in send_dg
	for {
		start := s.now
		finish := start + wait
		recv := [2]bool{false, !two} // recvresp2 starts set when there is no second query
		resplen2 := 0

		// handle is send_dg's POLLIN branch for reply r to query m.
		handle := func(m int, r Reply) (done bool) {
			intoFirst := (!recv[0] && !recv[1]) || !two
			if intoFirst {
				res.buf1 = r
				s.hpRCode = r.RCode
				resplen = true
			} else {
				res.buf2 = r
				resplen2 = 2
			}
			if isErrRCode(r.RCode) {
				if !c.strictErrors {
					if recv[0] || (two && recv[1]) {
						// "use the first response even if the
						// second response is an error"
						if resplen {
							s.whyf("glibc: %s for %s from %s: the other answer is used alone", r.RCode, qs[m], server)
						} else {
							s.whyf("glibc: %s for both questions from %s: %s (res_send.c send_dg)", r.RCode, server, s.then)
						}
						res.n, res.resp2 = resplen, 0
						return true
					}
					if two && !single {
						resplen = false
						recv[m] = true
						return false // wait for the other answer
					}
				}
				s.whyf("glibc: %s for %s from %s: %s (res_send.c send_dg)", r.RCode, qs[m], server, s.then)
				res.n, res.resp2 = false, 0
				return true
			}
			recv[m] = true
			if !(recv[0] && recv[1]) {
				return false
			}
			res.n, res.resp2 = resplen, resplen2
			return true
		}

		timedOut := false
		if two && !single {
			// Both at once; answers arrive one round trip later,
			// A's first.
			var rs [2]Reply
			for i, q := range qs {
				rs[i] = s.send(server, q, start)
			}
			for i := range qs {
				if rs[i].RCode == Timeout {
					continue
				}
				if handle(i, rs[i]) {
					s.now = start + StubRTT
					return res
				}
			}
			timedOut = true
		} else {
			// One at a time: the second question goes out when the
			// first answer is in.
			at := start
			for i, q := range qs {
				r := s.send(server, q, at)
				if r.RCode == Timeout {
					timedOut = true
					break
				}
				at += StubRTT
				if handle(i, r) {
					s.now = at
					return res
				}
			}
		}
		if !timedOut {
			// Unreachable: every question was answered and handled.
			s.now = start + StubRTT
			return res
		}

		// poll() returned 0 at the deadline.
		s.now = finish
		if resplen && (recv[0] || (two && recv[1])) {
			missing := qs[0]
			if recv[0] && two {
				missing = qs[1]
			}
			if !single {
				single, s.learnedSingle = true, true
				s.whyf("glibc: %s from %s answered but %s did not within %v: send_dg switches to single-request and asks %s again", qs[0].Name, server, missing.Type, wait, server)
				continue
			}
			if !reopen {
				reopen, s.learnedReopen = true, true
				s.whyf("glibc: still no %s answer from %s within %v: send_dg switches to single-request-reopen and asks again", missing.Type, server, wait)
				continue
			}
			s.whyf("glibc: no %s answer from %s within %v even with single-request-reopen: the answer received is used alone", missing.Type, server, wait)
			res.n, res.resp2 = true, 1
			return res
		}
		s.whyf("glibc: no answer for %s from %s within %v: %s", qs[0].Name, server, wait, s.then)
		res.n, res.resp2 = false, 0
		return res
	}
}

// glibcVC is send_vc: both questions over one TCP connection; whatever the
// server answers is returned, error rcodes included (send_vc does not look
// at the rcode). A server that does not answer costs the UDP timeout here;
// glibc's send_vc has no read timeout and its connect() waits for the
// kernel — not modelled.
func (s *stub) glibcVC(server netip.Addr, qs []Question, wait time.Duration) dgResult {
	start := s.now
	var rs []Reply
	lost := false
	for _, q := range qs {
		r := s.send(server, q, start)
		rs = append(rs, r)
		lost = lost || r.RCode == Timeout
	}
	if lost {
		s.now = start + wait
		s.whyf("glibc: no TCP answer from %s (modelled as %v): %s", server, wait, s.then)
		return dgResult{}
	}
	s.now = start + StubRTT
	s.hpRCode = rs[0].RCode
	res := dgResult{n: true, buf1: rs[0]}
	if len(rs) == 2 {
		res.resp2, res.buf2 = 2, rs[1]
	}
	return res
}

// ---------------------------------------------------------------- musl

// musl is name_from_dns_search (src/network/lookup_name.c, v1.2.5);
// kubernetes-dns.md §2.3.
func (s *stub) musl(name, base string) {
	c := s.conf
	trailing := strings.HasSuffix(name, ".")
	dots := strings.Count(name, ".")
	search := c.search
	switch {
	case trailing:
		s.whyf("musl: trailing dot: only %s is asked, never the search list", base)
		search = nil
	case dots >= c.ndots:
		s.whyf("musl: %d %s ≥ ndots %d: only %s is asked — musl never searches such a name, not even after a failure (name_from_dns_search)", dots, plural(dots, "dot", "dots"), c.ndots, base)
		search = nil
	default:
		s.whyf("musl: %d %s < ndots %d: search list first, then %s as is", dots, plural(dots, "dot", "dots"), c.ndots, base)
	}
	for _, d := range search {
		if len(d) >= 255-len(base) {
			s.whyf("musl: %s.%s would not fit its 256-byte buffer: skipped", base, d)
			continue
		}
		cand := base + "." + d
		if d == "" || d == "." || len(cand) > 253 {
			// res_mkquery refuses "name.." and names over 253
			// characters; name_from_dns returns 0 as for NXDOMAIN.
			s.whyf("musl: %s.%s cannot be encoded: no query, next candidate", base, d)
			continue
		}
		o := s.muslNameFromDNS(cand)
		if o.cnt > 0 {
			s.muslSucceed(cand, o)
			return
		}
		if o.err != "" {
			s.whyf("musl: %s for %s: the search stops (%s)", o.err, cand, o.why)
			s.fail(o.err, o.replies)
			return
		}
		s.whyf("musl: NXDOMAIN for %s: next candidate", cand)
	}
	o := s.muslNameFromDNS(base)
	switch {
	case o.cnt > 0:
		s.muslSucceed(base, o)
	case o.err != "":
		s.whyf("musl: %s for %s (%s)", o.err, base, o.why)
		s.fail(o.err, o.replies)
	default:
		s.whyf("musl: NXDOMAIN for %s: EAI_NONAME", base)
		s.fail(EAINoName, o.replies)
	}
}

func (s *stub) muslSucceed(name string, o muslOutcome) {
	s.succeed(name, o.replies)
	s.res.Addrs = o.addrs
	s.whyf("musl: %s answered with %d %s", name, len(o.addrs), plural(len(o.addrs), "address", "addresses"))
}

type muslOutcome struct {
	cnt     int
	err     StubError
	why     string
	addrs   []netip.Addr
	replies []Reply
}

// muslNameFromDNS is name_from_dns: both questions through res_msend, then
// every answer must be NOERROR or NXDOMAIN; any NXDOMAIN means the name
// does not exist (search continues); no address means NODATA.
func (s *stub) muslNameFromDNS(cand string) muslOutcome {
	qs := s.questions(cand)
	ans := s.muslMsend(qs)
	var o muslOutcome
	for _, a := range ans {
		if a != nil {
			o.replies = append(o.replies, *a)
		}
	}
	for i, a := range ans {
		switch {
		case a == nil:
			o.err, o.why = EAIAgain, fmt.Sprintf("no accepted answer for %s within %v", qs[i], s.conf.timeout)
			return o
		case a.RCode == ServFail:
			o.err, o.why = EAIAgain, "SERVFAIL"
			return o
		case a.RCode == NXDomain:
			return o // 0: NXDOMAIN
		case a.RCode != NoError:
			o.err, o.why = EAIFail, a.RCode.String()
			return o
		}
	}
	for i, a := range ans {
		for _, rr := range a.Answer {
			if rr.Type == qs[i].Type { // dns_parse_callback keeps ctx->rrtype only
				o.addrs = append(o.addrs, rr.Data.Addr)
			}
		}
	}
	if len(o.addrs) == 0 {
		// EAI_NODATA since musl 1.2.4 (commit 85050ac5); before it
		// EAI_NONAME — the search stopped there all the same.
		o.err, o.why = EAINoData, "NOERROR without addresses"
		return o
	}
	o.cnt = len(o.addrs)
	return o
}

// muslMsend is __res_msend_rc (src/network/res_msend.c): every unanswered
// question to every server at once, again every timeout/attempts, for
// timeout in all. Only NOERROR and NXDOMAIN are accepted, the first per
// question wins; SERVFAIL is resent at once to the same server (at most
// 2×questions times per round), REFUSED and other rcodes are ignored.
func (s *stub) muslMsend(qs []Question) []*Reply {
	c := s.conf
	total := c.timeout
	interval := time.Duration(int64(c.timeoutSeconds)*1000/int64(c.attempts)) * time.Millisecond // integer ms, as mtime()
	t0 := s.now
	ans := make([]*Reply, len(qs))
	type arrival struct {
		i, j int
		r    Reply
		at   time.Duration
	}
	rounds := 0
	for k := 0; time.Duration(k)*interval < total; k++ {
		rounds++
		t1 := t0 + time.Duration(k)*interval
		if k > 0 {
			s.whyf("musl: no accepted answer after %v: every unanswered question goes to every server again", time.Duration(k)*interval)
		}
		servfailRetry := 2 * len(qs)
		var fifo []arrival
		for i, q := range qs {
			if ans[i] != nil {
				continue
			}
			for j, srv := range c.servers {
				if r := s.send(srv, q, t1); r.RCode != Timeout {
					fifo = append(fifo, arrival{i, j, r, t1 + StubRTT})
				}
			}
		}
		for len(fifo) > 0 {
			e := fifo[0]
			fifo = fifo[1:]
			if ans[e.i] != nil {
				continue // already answered: later answers are dropped
			}
			switch e.r.RCode {
			case NoError, NXDomain:
				r := e.r
				ans[e.i] = &r
				if len(c.servers) > 1 {
					s.whyf("musl: %s for %s from %s is the first accepted answer", r.RCode, qs[e.i], c.servers[e.j])
				}
				if !slices.Contains(ans, nil) {
					s.now = e.at
					return ans
				}
			case ServFail:
				if servfailRetry > 0 {
					servfailRetry--
					s.whyf("musl: SERVFAIL for %s from %s: resent at once", qs[e.i], c.servers[e.j])
					if r := s.send(c.servers[e.j], qs[e.i], e.at); r.RCode != Timeout {
						fifo = append(fifo, arrival{e.i, e.j, r, e.at + StubRTT})
					}
				} else {
					s.whyf("musl: SERVFAIL for %s from %s: ignored, waiting", qs[e.i], c.servers[e.j])
				}
			default:
				s.whyf("musl: %s for %s from %s: ignored, musl keeps waiting for NOERROR or NXDOMAIN (res_msend.c)", e.r.RCode, qs[e.i], c.servers[e.j])
			}
		}
	}
	// The last round's poll returns after a full interval.
	s.now = t0 + time.Duration(rounds)*interval
	return ans
}

// ---------------------------------------------------------------- Go

type goErrKind int

const (
	goNXDomain    goErrKind = iota // errNoSuchHost from NXDOMAIN
	goNoData                       // errNoSuchHost from skipToAnswer
	goTimeout                      // i/o timeout
	goServFail                     // errServerTemporarilyMisbehaving
	goMisbehaving                  // errServerMisbehaving: REFUSED, NOTIMP, FORMERR…
)

func (k goErrKind) String() string {
	return [...]string{"NXDOMAIN", "NODATA", "timeout", "SERVFAIL", "server misbehaving"}[k]
}

type goErr struct {
	kind   goErrKind
	name   string
	server netip.Addr
	reply  *Reply
}

func (e *goErr) String() string {
	msg := map[goErrKind]string{goNXDomain: "no such host", goNoData: "no such host", goTimeout: "i/o timeout",
		goServFail: "server misbehaving", goMisbehaving: "server misbehaving"}[e.kind]
	return fmt.Sprintf("lookup %s on %s:53: %s", e.name, e.server, msg)
}

// eai is the EAI code a getaddrinfo would give for the condition; Go itself
// returns a *net.DNSError (IsNotFound for NXDOMAIN and NODATA alike,
// IsTimeout, IsTemporary for SERVFAIL).
func (e *goErr) eai() StubError {
	switch e.kind {
	case goNXDomain:
		return EAINoName
	case goNoData:
		return EAINoData
	case goTimeout, goServFail:
		return EAIAgain
	}
	return EAIFail
}

// goLookup is goLookupIPCNAMEOrder (src/net/dnsclient_unix.go, go1.26);
// kubernetes-dns.md §2.4.
func (s *stub) goLookup(name, base string) {
	c := s.conf
	rooted := strings.HasSuffix(name, ".")
	dots := strings.Count(name, ".")
	avoid := func(n string) bool { return strings.HasSuffix(n, ".onion") } // avoidDNS
	var names []string
	switch {
	case rooted:
		s.whyf("go: rooted name: only %s is asked (nameList)", base)
		if !avoid(base) {
			names = []string{base}
		}
	default:
		has := dots >= c.ndots
		if has {
			s.whyf("go: %d %s ≥ ndots %d: %s as is first, then the search list", dots, plural(dots, "dot", "dots"), c.ndots, base)
			if !avoid(base) {
				names = append(names, base)
			}
		} else {
			s.whyf("go: %d %s < ndots %d: search list first, then %s as is", dots, plural(dots, "dot", "dots"), c.ndots, base)
		}
		for _, d := range c.search {
			if f := base + "." + d; !avoid(f) && len(f) <= 253 {
				names = append(names, f)
			}
		}
		if !has && !avoid(base) {
			names = append(names, base)
		}
	}
	var lastErr *goErr
	for _, fqdn := range names {
		start := s.now
		seg := len(s.res.Queries)
		type result struct {
			q     Question
			reply *Reply
			err   *goErr
			end   time.Duration
		}
		var results []result
		at := start
		for _, q := range s.questions(fqdn) {
			if !c.singleRequest {
				at = start // one goroutine per question, all at once
			}
			r, e, end := s.goTryOneName(q, at)
			results = append(results, result{q, r, e, end})
			at = end
		}
		// Queries of parallel questions interleave by time.
		slices.SortStableFunc(s.res.Queries[seg:], func(a, b StubQuery) int { return cmp.Compare(a.At, b.At) })
		// Answers are read in arrival order.
		slices.SortStableFunc(results, func(a, b result) int { return cmp.Compare(a.end, b.end) })
		for _, r := range results {
			s.now = max(s.now, r.end)
			// "Prefer error for original name."
			if r.err != nil && (lastErr == nil || (!rooted && fqdn == base)) {
				lastErr = r.err
			}
		}
		// Addresses: every A and AAAA of the answers (goLookupIPCNAMEOrder
		// reads them whatever the question), A's answer first here.
		var good []Reply
		var addrs []netip.Addr
		for _, t := range []Type{model.TypeA, model.TypeAAAA} {
			for _, r := range results {
				if r.err == nil && r.q.Type == t {
					good = append(good, *r.reply)
					addrs = append(addrs, r.reply.Addrs()...)
				}
			}
		}
		if len(addrs) > 0 {
			s.succeed(fqdn, good)
			s.res.Addrs = addrs
			s.whyf("go: %s answered with %d %s", fqdn, len(addrs), plural(len(addrs), "address", "addresses"))
			return
		}
		var errs []string
		for _, r := range results {
			if r.err != nil {
				errs = append(errs, string(r.q.Type)+" "+r.err.kind.String())
			}
		}
		s.whyf("go: %s for %s: next candidate (any error continues the search)", strings.Join(errs, ", "), fqdn)
	}
	if lastErr == nil {
		s.whyf("go: no name to ask: no such host")
		s.fail(EAINoName, nil)
		return
	}
	var rs []Reply
	if lastErr.reply != nil {
		rs = []Reply{*lastErr.reply}
	}
	s.whyf("go: %s → %s (the error for the name as is if it failed, else the first error)", lastErr, lastErr.eai())
	s.fail(lastErr.eai(), rs)
}

// goTryOneName is tryOneName: for each attempt, for each server (from the
// rotate offset), one exchange with its own timeout; NXDOMAIN and NODATA
// end it ("trying another server won't help"), anything else tries the next
// server.
func (s *stub) goTryOneName(q Question, start time.Duration) (*Reply, *goErr, time.Duration) {
	c := s.conf
	n := len(c.servers)
	offset := 0
	if c.rotate {
		offset = s.rotation // serverOffset: one per tryOneName call
		s.rotation++
	}
	t := start
	var lastErr *goErr
	for i := 0; i < c.attempts; i++ {
		for j := 0; j < n; j++ {
			srv := c.servers[(offset+j)%n]
			r := s.send(srv, q, t)
			if r.RCode == Timeout {
				t += c.timeout
				lastErr = &goErr{kind: goTimeout, name: q.Name, server: srv}
				s.whyf("go: no answer for %s from %s within %v: %s", q, srv, c.timeout, nextStep(i, c.attempts, j, n))
				continue
			}
			t += StubRTT
			switch r.RCode {
			case NXDomain:
				return nil, &goErr{kind: goNXDomain, name: q.Name, server: srv, reply: &r}, t
			case NoError:
				for _, rr := range r.Answer {
					if rr.Type == q.Type {
						return &r, nil, t
					}
				}
				return nil, &goErr{kind: goNoData, name: q.Name, server: srv, reply: &r}, t
			case ServFail:
				lastErr = &goErr{kind: goServFail, name: q.Name, server: srv, reply: &r}
			default:
				lastErr = &goErr{kind: goMisbehaving, name: q.Name, server: srv, reply: &r}
			}
			s.whyf("go: %s for %s from %s: %s", r.RCode, q, srv, nextStep(i, c.attempts, j, n))
		}
	}
	return nil, lastErr, t
}
