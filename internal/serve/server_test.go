package serve

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	aksdns "github.com/aksnet/aksnet/internal/dns"
)

// failing is an answerer whose engine cannot answer (a vantage gone).
type failing struct{}

func (failing) Answer(aksdns.Question) (aksdns.Reply, error) {
	return aksdns.Reply{}, errors.New("vantage gone")
}

// Every response code the server gives, over UDP and over TCP, from the
// views of testdata/serve.topology.yaml.
func TestRcodes(t *testing.T) {
	ws1 := view(t, "host:dc1/ws1")
	dark := view(t, "host:dark/ws2")
	darkDrop := view(t, "host:dark/ws2")
	darkDrop.TimeoutMode = TimeoutDrop
	down := view(t, "host:dc1/ws1")
	down.Down = []string{"172.20.0.53"}
	broken := view(t, "host:dc1/dns1")
	s := start(t, Options{
		Views: []View{ws1, dark, darkDrop, down, broken},
		wrap: func(v View, a Answerer) Answerer {
			if v.Vantage.Name == "dns1" {
				return failing{}
			}
			return a
		},
	})
	addr := s.Addrs()

	soa := func(zone string) func(*testing.T, *dns.Msg) {
		return func(t *testing.T, m *dns.Msg) {
			if len(m.Ns) != 1 {
				t.Fatalf("authority %v; want the SOA of %s", m.Ns, zone)
			}
			s, ok := m.Ns[0].(*dns.SOA)
			if !ok || s.Hdr.Name != zone {
				t.Fatalf("authority %v; want the SOA of %s", m.Ns[0], zone)
			}
		}
	}
	edns := func(version uint8, opts int) func(*dns.Msg) {
		return func(m *dns.Msg) {
			for range opts {
				o := &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT}}
				o.SetUDPSize(4096)
				o.SetVersion(version)
				m.Extra = append(m.Extra, o)
			}
		}
	}
	cases := []struct {
		name   string
		view   int
		q      string
		qtype  uint16
		class  uint16
		tweak  func(*dns.Msg)
		rcode  int // -1: no answer at all
		answer []string
		check  func(*testing.T, *dns.Msg)
	}{
		{name: "A", q: "www.corp.example.", qtype: dns.TypeA, rcode: dns.RcodeSuccess, answer: []string{"www.corp.example.\t120\tIN\tA\t172.20.1.10"},
			check: func(t *testing.T, m *dns.Msg) {
				if !m.Authoritative || !m.RecursionAvailable || !m.RecursionDesired {
					t.Errorf("flags aa=%v ra=%v rd=%v; want all set (an authoritative zone on a recursive server, RD echoed)", m.Authoritative, m.RecursionAvailable, m.RecursionDesired)
				}
			}},
		{name: "letter case kept", q: "WwW.CORP.example.", qtype: dns.TypeA, rcode: dns.RcodeSuccess, answer: []string{"WwW.CORP.example.\t120\tIN\tA\t172.20.1.10"},
			check: func(t *testing.T, m *dns.Msg) {
				if m.Question[0].Name != "WwW.CORP.example." {
					t.Errorf("question %q; want the client's case", m.Question[0].Name)
				}
			}},
		{name: "CNAME chain", q: "Alias.corp.example.", qtype: dns.TypeA, rcode: dns.RcodeSuccess,
			answer: []string{"Alias.corp.example.\t30\tIN\tCNAME\twww.corp.example.", "www.corp.example.\t120\tIN\tA\t172.20.1.10"}},
		{name: "TXT", q: "www.corp.example.", qtype: dns.TypeTXT, rcode: dns.RcodeSuccess, answer: []string{"www.corp.example.\t60\tIN\tTXT\t\"v=spf1 -all\""}},
		{name: "TXT with quotes and a backslash", q: "quoted.corp.example.", qtype: dns.TypeTXT, rcode: dns.RcodeSuccess, answer: []string{`quoted.corp.example.	3600	IN	TXT	"say \"hi\" \\ bye"`}},
		{name: "TXT longer than 255 bytes in two strings", q: "long.corp.example.", qtype: dns.TypeTXT, rcode: dns.RcodeSuccess,
			answer: []string{"long.corp.example.\t3600\tIN\tTXT\t\"" + strings.Repeat("x", 255) + "\" \"" + strings.Repeat("x", 45) + "\""}},
		{name: "MX at the apex", q: "corp.example.", qtype: dns.TypeMX, rcode: dns.RcodeSuccess, answer: []string{"corp.example.\t600\tIN\tMX\t10 mail.corp.example."}},
		{name: "SRV", q: "_ldap._tcp.corp.example.", qtype: dns.TypeSRV, rcode: dns.RcodeSuccess, answer: []string{"_ldap._tcp.corp.example.\t3600\tIN\tSRV\t0 5 389 dc.corp.example."}},
		{name: "AAAA", q: "v6.corp.example.", qtype: dns.TypeAAAA, rcode: dns.RcodeSuccess, answer: []string{"v6.corp.example.\t3600\tIN\tAAAA\tfd00::10"}},
		{name: "NODATA with SOA", q: "www.corp.example.", qtype: dns.TypeAAAA, rcode: dns.RcodeSuccess, check: soa("corp.example.")},
		{name: "NXDOMAIN with SOA, in the client's case", q: "nope.CORP.example.", qtype: dns.TypeA, rcode: dns.RcodeNameError, check: soa("CORP.example.")},
		{name: "class CH refused", q: "version.bind.", qtype: dns.TypeTXT, class: dns.ClassCHAOS, rcode: dns.RcodeRefused},
		{name: "class ANY refused", q: "www.corp.example.", qtype: dns.TypeA, class: dns.ClassANY, rcode: dns.RcodeRefused},
		{name: "root refused", q: ".", qtype: dns.TypeNS, rcode: dns.RcodeRefused},
		{name: "name the model cannot hold refused", q: "a\\032b.corp.example.", qtype: dns.TypeA, rcode: dns.RcodeRefused},
		{name: "zone transfer refused", q: "corp.example.", qtype: dns.TypeAXFR, rcode: dns.RcodeRefused},
		{name: "qtype OPT is a FORMERR", q: "corp.example.", qtype: dns.TypeOPT, rcode: dns.RcodeFormatError},
		{name: "two OPT records are a FORMERR", q: "www.corp.example.", qtype: dns.TypeA, tweak: edns(0, 2), rcode: dns.RcodeFormatError},
		{name: "EDNS version 1 is BADVERS", q: "www.corp.example.", qtype: dns.TypeA, tweak: edns(1, 1), rcode: dns.RcodeBadVers,
			check: func(t *testing.T, m *dns.Msg) {
				if m.IsEdns0() == nil {
					t.Error("BADVERS without an OPT record")
				}
			}},
		{name: "NOTIFY not implemented", q: "corp.example.", qtype: dns.TypeSOA, tweak: func(m *dns.Msg) { m.Opcode = dns.OpcodeNotify }, rcode: dns.RcodeNotImplemented},
		{name: "UPDATE not implemented", q: "corp.example.", qtype: dns.TypeSOA, tweak: func(m *dns.Msg) { m.Opcode = dns.OpcodeUpdate }, rcode: dns.RcodeNotImplemented},
		{name: "no question is a FORMERR", tweak: func(m *dns.Msg) { m.Question = nil }, rcode: dns.RcodeFormatError},
		{name: "two questions are a FORMERR", q: "www.corp.example.", qtype: dns.TypeA,
			tweak: func(m *dns.Msg) { m.Question = append(m.Question, m.Question[0]) }, rcode: dns.RcodeFormatError},
		{name: "timeout as SERVFAIL", view: 1, q: "www.corp.example.", qtype: dns.TypeA, rcode: dns.RcodeServerFailure},
		{name: "timeout dropped", view: 2, q: "www.corp.example.", qtype: dns.TypeA, rcode: -1},
		{name: "server down in the view", view: 3, q: "www.corp.example.", qtype: dns.TypeA, rcode: dns.RcodeServerFailure},
		{name: "engine error is SERVFAIL", view: 4, q: "www.corp.example.", qtype: dns.TypeA, rcode: dns.RcodeServerFailure},
	}
	for _, proto := range []string{"udp", "tcp"} {
		for _, c := range cases {
			t.Run(proto+"/"+c.name, func(t *testing.T) {
				m := query(c.q, c.qtype)
				if c.class != 0 {
					m.Question[0].Qclass = c.class
				}
				if c.tweak != nil {
					c.tweak(m)
				}
				if c.rcode == -1 {
					cl := &dns.Client{Net: proto, Timeout: 300 * time.Millisecond}
					if r, _, err := cl.Exchange(m, addr[c.view]); err == nil {
						t.Fatalf("got %v; want no answer", r)
					}
					return
				}
				r, err := ask(t, proto, addr[c.view], m)
				if err != nil {
					t.Fatal(err)
				}
				if r.Id != m.Id || !r.Response {
					t.Errorf("id %d response %v; want id %d and QR", r.Id, r.Response, m.Id)
				}
				if r.Rcode != c.rcode {
					t.Fatalf("rcode %s; want %s\n%v", dns.RcodeToString[r.Rcode], dns.RcodeToString[c.rcode], r)
				}
				var got []string
				for _, rr := range r.Answer {
					got = append(got, rr.String())
				}
				if c.answer != nil && !slices.Equal(got, c.answer) {
					t.Errorf("answer\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.answer, "\n"))
				}
				if c.answer == nil && len(got) > 0 {
					t.Errorf("answer %v; want none", got)
				}
				if c.check != nil {
					c.check(t, r)
				}
			})
		}
	}
}

// An answer too large for the client's UDP buffer is truncated with TC set
// and fits the buffer; the same question over TCP gets every record. A
// client that retries over TCP on TC (miekg's, dig) gets the whole answer.
func TestTruncationAndTCPFallback(t *testing.T) {
	s := start(t, Options{Views: []View{view(t, "host:dc1/ws1")}})
	addr := s.Addrs()[0]
	withEDNS := func(m *dns.Msg, size uint16) *dns.Msg { m.SetEdns0(size, false); return m }
	cases := []struct {
		name    string
		m       *dns.Msg
		proto   string
		tc      bool
		limit   int
		answers int
	}{
		{"60 records over plain UDP: 512 bytes", query("many.corp.example.", dns.TypeA), "udp", true, 512, -1},
		{"60 records with EDNS 1232: whole", withEDNS(query("many.corp.example.", dns.TypeA), 1232), "udp", false, 1232, 60},
		{"EDNS size below 512 counts as 512", withEDNS(query("many.corp.example.", dns.TypeA), 100), "udp", true, 512, -1},
		{"120 records, client offers 4096, server's 1232 caps", withEDNS(query("huge.corp.example.", dns.TypeA), 4096), "udp", true, 1232, -1},
		{"120 records over TCP", query("huge.corp.example.", dns.TypeA), "tcp", false, 65535, 120},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The raw reply, to measure its size.
			b, err := c.m.Pack()
			if err != nil {
				t.Fatal(err)
			}
			var out []byte
			if c.proto == "udp" {
				out = raw(t, addr, b, 2*time.Second)
			} else {
				out = rawTCP(t, addr, b, 2*time.Second)
			}
			if out == nil {
				t.Fatal("no answer")
			}
			if len(out) > c.limit {
				t.Errorf("%d bytes; want at most %d", len(out), c.limit)
			}
			r := new(dns.Msg)
			if err := r.Unpack(out); err != nil {
				t.Fatal(err)
			}
			if r.Truncated != c.tc {
				t.Errorf("TC=%v; want %v", r.Truncated, c.tc)
			}
			if c.answers >= 0 && len(r.Answer) != c.answers {
				t.Errorf("%d answers; want %d", len(r.Answer), c.answers)
			}
			total := 60
			if strings.HasPrefix(c.m.Question[0].Name, "huge") {
				total = 120
			}
			if c.tc && (len(r.Answer) == 0 || len(r.Answer) >= total) {
				t.Errorf("%d answers in a truncated reply; want as many of the %d as fit", len(r.Answer), total)
			}
		})
	}
	t.Run("client retries over TCP", func(t *testing.T) {
		m := query("huge.corp.example.", dns.TypeA)
		r, err := ask(t, "udp", addr, m)
		if err != nil || !r.Truncated {
			t.Fatalf("UDP: %v, TC=%v; want TC", err, r != nil && r.Truncated)
		}
		r, err = ask(t, "tcp", addr, m)
		if err != nil || r.Truncated || len(r.Answer) != 120 {
			t.Fatalf("TCP retry: %v; want 120 answers without TC", err)
		}
	})
}

// Malformed packets: nothing for what cannot be a query (too short, a
// response), FORMERR for what does not parse, and the server keeps
// answering.
func TestMalformedPackets(t *testing.T) {
	s := start(t, Options{Views: []View{view(t, "host:dc1/ws1")}})
	addr := s.Addrs()[0]
	good, _ := query("www.corp.example.", dns.TypeA).Pack()
	hdr := func(id uint16, bits uint16, qd, an, ns, ar uint16) []byte {
		return []byte{byte(id >> 8), byte(id), byte(bits >> 8), byte(bits), byte(qd >> 8), byte(qd), byte(an >> 8), byte(an), byte(ns >> 8), byte(ns), byte(ar >> 8), byte(ar)}
	}
	cases := []struct {
		name  string
		b     []byte
		rcode int // -1: silence
	}{
		{"empty", nil, -1},
		{"shorter than a header", []byte{1, 2, 3, 4, 5}, -1},
		{"a response", append(hdr(7, 1<<15, 1, 0, 0, 0), good[12:]...), -1},
		{"question cut short", good[:len(good)-3], dns.RcodeFormatError},
		{"header claims a question, none follows", hdr(9, 0, 1, 0, 0, 0), dns.RcodeFormatError},
		{"label longer than the packet", append(hdr(10, 0, 1, 0, 0, 0), 63, 'a', 'b'), dns.RcodeFormatError},
		{"compression pointer loop", append(hdr(11, 0, 1, 0, 0, 0), 0xC0, 12, 0, 1, 0, 1), dns.RcodeFormatError},
		{"an answer record in a query", append(hdr(12, 0, 1, 1, 0, 0), good[12:]...), dns.RcodeFormatError},
		{"trailing garbage after the question", append(append([]byte{}, good...), 0xde, 0xad), dns.RcodeSuccess},
	}
	for _, proto := range []string{"udp", "tcp"} {
		for _, c := range cases {
			if proto == "tcp" && len(c.b) == 0 {
				continue // nothing to frame
			}
			t.Run(proto+"/"+c.name, func(t *testing.T) {
				wait := 2 * time.Second
				if c.rcode == -1 {
					wait = 300 * time.Millisecond
				}
				var out []byte
				if proto == "udp" {
					out = raw(t, addr, c.b, wait)
				} else {
					out = rawTCP(t, addr, c.b, wait)
				}
				if c.rcode == -1 {
					if out != nil {
						t.Fatalf("answered %x; want silence", out)
					}
					return
				}
				if len(out) < 12 {
					t.Fatalf("answer %x; want a DNS message", out)
				}
				if rc := int(out[3] & 0xF); rc != c.rcode {
					t.Errorf("rcode %s; want %s", dns.RcodeToString[rc], dns.RcodeToString[c.rcode])
				}
				if out[0] != c.b[0] || out[1] != c.b[1] {
					t.Errorf("id %x; want the query's %x", out[:2], c.b[:2])
				}
			})
		}
	}
	// Still serving.
	if r, err := ask(t, "udp", addr, query("www.corp.example.", dns.TypeA)); err != nil || r.Rcode != dns.RcodeSuccess {
		t.Fatalf("after the malformed packets: %v %v", r, err)
	}
}

// The server answers what the engine answers: for every question a pod of
// the embedded estate may ask (search candidates included), the records,
// RCODE and AA on the wire are the engine's Query for that vantage.
func TestAnswersAreTheEngines(t *testing.T) {
	vantages := []string{"pod:aks-prod/backend/api", "host:dc1/ws1", "vm:jumpbox", "internet"}
	var views []View
	for _, v := range vantages {
		views = append(views, view(t, v))
	}
	s := start(t, Options{Views: views, Load: loadContoso})
	tp, err := loadContoso()
	if err != nil {
		t.Fatal(err)
	}
	e, errs := aksdns.New(tp, nil, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	names := []string{
		"kv-contoso-prod.vault.azure.net", "pg-contoso-prod.postgres.database.azure.com",
		"stcontosoprod.blob.core.windows.net", "acrcontosoprod.azurecr.io", "relay.private.aws.internal",
		"api.backend.svc.cluster.local", "kv-contoso-prod.vault.azure.net.backend.svc.cluster.local",
		"www.contoso.com", "intranet.corp.contoso.com", "nothing.example", "kubernetes.default.svc.cluster.local",
	}
	types := []uint16{dns.TypeA, dns.TypeAAAA, dns.TypeCNAME, dns.TypeTXT, dns.TypeSRV, dns.TypeMX, dns.TypeSOA, dns.TypeNS}
	checked := 0
	for i, vs := range vantages {
		v := mustVantage(t, vs)
		for _, n := range names {
			for _, qt := range types {
				want, err := e.Query(v, aksdns.Question{Name: n, Type: aksdns.Type(dns.TypeToString[qt])}, nil)
				if err != nil {
					t.Fatal(err)
				}
				r, err := ask(t, "udp", s.Addrs()[i], query(n+".", qt))
				if err != nil {
					t.Fatalf("%s %s from %s: %v", n, dns.TypeToString[qt], vs, err)
				}
				wantRcode := int(want.RCode)
				if want.RCode == aksdns.Timeout {
					wantRcode = dns.RcodeServerFailure
				}
				if r.Rcode != wantRcode || r.Authoritative != want.Authoritative || len(r.Answer) != len(want.Answer) {
					t.Errorf("%s %s from %s: rcode %s aa %v %d answers; engine: %s aa %v %d answers",
						n, dns.TypeToString[qt], vs, dns.RcodeToString[r.Rcode], r.Authoritative, len(r.Answer), want.RCode, want.Authoritative, len(want.Answer))
					continue
				}
				for j, rr := range r.Answer {
					w := want.Answer[j]
					if got := rr.Header(); got.Name != w.Name+"." || got.Ttl != w.TTL || dns.TypeToString[got.Rrtype] != string(w.Type) {
						t.Errorf("%s %s from %s: record %d is %v; engine: %s %d %s", n, dns.TypeToString[qt], vs, j, rr, w.Name, w.TTL, w.Type)
					}
				}
				if want.SOA != nil && (want.RCode == aksdns.NXDomain || want.NoData()) {
					if len(r.Ns) != 1 || r.Ns[0].Header().Name != dns.Fqdn(want.SOA.Zone) {
						t.Errorf("%s %s from %s: authority %v; engine's SOA is %s's", n, dns.TypeToString[qt], vs, r.Ns, want.SOA.Zone)
					}
				}
				checked++
			}
		}
	}
	if checked != len(vantages)*len(names)*len(types) {
		t.Fatalf("checked %d", checked)
	}
	// The estate's mistake, on the wire: the vault's public address.
	r, _ := ask(t, "udp", s.Addrs()[0], query("kv-contoso-prod.vault.azure.net.", dns.TypeA))
	if got := fmt.Sprint(answerAddrs(r)); got != "[203.0.113.11]" {
		t.Errorf("vault from the pod: %s; want [203.0.113.11]", got)
	}
}

// Bad views are errors before anything listens.
func TestNewErrors(t *testing.T) {
	cases := []struct {
		name string
		v    View
		want string
	}{
		{"unknown vantage", view(t, "vm:nope"), "vm:nope"},
		{"unknown connection down", View{Listen: "127.0.0.1:0", Vantage: mustVantage(t, "host:dc1/ws1"), Down: []string{"no-such-vpn"}}, "no-such-vpn"},
		{"bad address", View{Listen: "127.0.0.1", Vantage: mustVantage(t, "host:dc1/ws1")}, "HOST:PORT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := New(Options{Views: []View{c.v}, Load: loadFile(testTopology)})
			if err == nil {
				s.Close()
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not name %q", err, c.want)
			}
		})
	}
	if _, err := New(Options{Load: loadFile(testTopology)}); err == nil {
		t.Error("no views: no error")
	}
	s := start(t, Options{Views: []View{view(t, "host:dc1/ws1")}})
	if s2, err := New(Options{Views: []View{{Listen: s.Addrs()[0], Vantage: mustVantage(t, "host:dc1/ws1")}}, Load: loadFile(testTopology)}); err == nil {
		s2.Close()
		t.Error("an address in use: no error")
	}
}
