package serve

import (
	"net"
	"strings"

	"github.com/miekg/dns"

	aksdns "github.com/aksnet/aksnet/internal/dns"
	"github.com/aksnet/aksnet/internal/model"
)

// toRR writes one of the engine's records as a miekg/dns record; owner
// gives the owner name its letter case. Records of a type the wire form
// here does not know are left out (the engine answers only the types
// below).
func toRR(rr aksdns.RR, owner func(string) string) dns.RR {
	h := dns.RR_Header{Name: owner(rr.Name), Class: dns.ClassINET, Ttl: rr.TTL}
	d := rr.Data
	switch rr.Type {
	case model.TypeA:
		if !d.Addr.Is4() {
			return nil
		}
		h.Rrtype = dns.TypeA
		b := d.Addr.As4()
		return &dns.A{Hdr: h, A: net.IP(b[:])}
	case model.TypeAAAA:
		if !d.Addr.Is6() {
			return nil
		}
		h.Rrtype = dns.TypeAAAA
		b := d.Addr.As16()
		return &dns.AAAA{Hdr: h, AAAA: net.IP(b[:])}
	case model.TypeCNAME:
		h.Rrtype = dns.TypeCNAME
		return &dns.CNAME{Hdr: h, Target: fqdn(d.Target)}
	case model.TypePTR:
		h.Rrtype = dns.TypePTR
		return &dns.PTR{Hdr: h, Ptr: fqdn(d.Target)}
	case aksdns.TypeNS:
		h.Rrtype = dns.TypeNS
		return &dns.NS{Hdr: h, Ns: fqdn(d.Target)}
	case model.TypeMX:
		h.Rrtype = dns.TypeMX
		return &dns.MX{Hdr: h, Preference: d.Priority, Mx: fqdn(d.Target)}
	case model.TypeSRV:
		h.Rrtype = dns.TypeSRV
		return &dns.SRV{Hdr: h, Priority: d.Priority, Weight: d.Weight, Port: d.Port, Target: fqdn(d.Target)}
	case model.TypeTXT:
		h.Rrtype = dns.TypeTXT
		return &dns.TXT{Hdr: h, Txt: txtStrings(d.Text)}
	case aksdns.TypeSOA:
		// The engine's SOA answer carries the primary server only; the
		// rest are the values CoreDNS and Azure DNS use, the minimum
		// being the record's TTL.
		h.Rrtype = dns.TypeSOA
		mbox := "hostmaster." + h.Name
		if h.Name == "." {
			mbox = "hostmaster."
		}
		return &dns.SOA{Hdr: h, Ns: fqdn(d.Target), Mbox: mbox, Serial: 1, Refresh: 3600, Retry: 300, Expire: 2419200, Minttl: rr.TTL}
	}
	return nil
}

// txtStrings splits a TXT value into character-strings of at most 255
// bytes (RFC 1035 §3.3.14), escaped as miekg/dns expects its presentation
// form: a backslash, a quote and bytes outside printable ASCII.
func txtStrings(text string) []string {
	var out []string
	for {
		n := min(len(text), 255)
		out = append(out, escapeTXT(text[:n]))
		text = text[n:]
		if text == "" {
			return out
		}
	}
}

func escapeTXT(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '\\' || c == '"' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' || c == '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < ' ' || c > '~':
			b.WriteByte('\\')
			b.WriteByte('0' + c/100)
			b.WriteByte('0' + c/10%10)
			b.WriteByte('0' + c%10)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
