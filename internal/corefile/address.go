package corefile

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/miekg/dns"
)

// Zone names in this package are canonical: lower case, without the
// trailing dot, "" for the root. CoreDNS itself keeps them fully qualified
// ("example.org."); Canonical converts.

// Canonical returns a domain name in the package's canonical form: lower
// case, no trailing dot, "" for the root ".".
func Canonical(name string) string {
	// Names on the engine's hot path are canonical already: check before
	// copying.
	for i := 0; i < len(name); i++ {
		if c := name[i]; 'A' <= c && c <= 'Z' || c >= 0x80 {
			return strings.TrimSuffix(strings.ToLower(name), ".")
		}
	}
	return strings.TrimSuffix(name, ".")
}

// InZone reports whether name (any case, with or without the trailing dot)
// is zone or below it; every name is in the root zone "".
func InZone(name, zone string) bool {
	name, zone = Canonical(name), Canonical(zone)
	return zone == "" || name == zone || strings.HasSuffix(name, "."+zone)
}

// FallsThrough reports whether a plugin with this fallthrough setting passes
// a query for name on to the next plugin (coredns plugin/pkg/fall F.Through):
// nil never, an empty list always, otherwise when name is in one of the
// zones.
func FallsThrough(zones []string, name string) bool {
	if zones == nil {
		return false
	}
	if len(zones) == 0 {
		return true
	}
	name = Canonical(name)
	for _, z := range zones {
		// Zones are canonical already (Load canonicalises them).
		if z == "" || name == z || strings.HasSuffix(name, z) && name[len(name)-len(z)-1] == '.' {
			return true
		}
	}
	return false
}

// Transports a server block key may start with and their default ports
// (coredns plugin/pkg/parse/transport.go, plugin/pkg/transport).
var transportPorts = []struct{ scheme, port string }{
	{"tls", "853"},
	{"dns", "53"},
	{"quic", "853"},
	{"grpc", "443"},
	{"https3", "443"},
	{"https", "443"},
	{"unix", ""},
}

// splitTransport strips a scheme:// prefix; no prefix is "dns"
// (coredns plugin/pkg/parse.Transport).
func splitTransport(s string) (trans, rest string) {
	for _, t := range transportPorts {
		if after, ok := strings.CutPrefix(s, t.scheme+"://"); ok {
			return t.scheme, after
		}
	}
	return "dns", s
}

func defaultPort(trans string) string {
	for _, t := range transportPorts {
		if t.scheme == trans {
			return t.port
		}
	}
	return "53"
}

// splitHostPort splits a key such as "example.org:53" or "10.0.0.0/24" into
// its zones and port. A reverse CIDR expands to the in-addr.arpa or ip6.arpa
// zones covering it, several when the mask is not on an octet (nibble)
// boundary. Port of coredns plugin/normalize.go SplitHostPort and
// plugin/pkg/cidr Split/Reverse. The zones are fully qualified.
func splitHostPort(s string) (hosts []string, port string, err error) {
	colon := strings.LastIndex(s, ":")
	if colon == len(s)-1 {
		return nil, "", fmt.Errorf("expecting data after last colon: %q", s)
	}
	if colon != -1 {
		if p, err := strconv.Atoi(s[colon+1:]); err == nil {
			port = strconv.Itoa(p)
			s = s[:colon]
		}
	}
	if len(s) > 255 {
		return nil, "", fmt.Errorf("specified zone is too long: %d > 255", len(s))
	}
	if _, ok := dns.IsDomainName(s); !ok {
		return nil, "", fmt.Errorf("zone is not a valid domain name: %s", s)
	}
	p, perr := netip.ParsePrefix(s)
	if perr != nil || !strings.Contains(s, "/") {
		return []string{s}, port, nil
	}
	if s[0] == ':' || (s[0] == '0' && strings.Contains(s, ":")) {
		return nil, "", fmt.Errorf("invalid CIDR %s", s)
	}
	return reverseZones(p.Masked()), port, nil
}

// reverseZones returns the reverse zones of p, split on octet (IPv4) or
// nibble (IPv6) boundaries.
func reverseZones(p netip.Prefix) []string {
	size, suffix := 8, "in-addr.arpa."
	if p.Addr().Is6() {
		size, suffix = 4, "ip6.arpa."
	}
	bits := p.Bits()
	m := (bits + size - 1) / size * size
	n := 1 << (m - bits)
	digits := digitsOf(p.Addr(), size)[:m/size]
	zones := make([]string, 0, n)
	for i := range n {
		d := append([]int(nil), digits...)
		if len(d) > 0 {
			d[len(d)-1] += i
		}
		var b strings.Builder
		for j := len(d) - 1; j >= 0; j-- {
			if size == 8 {
				b.WriteString(strconv.Itoa(d[j]))
			} else {
				b.WriteString(strconv.FormatInt(int64(d[j]), 16))
			}
			b.WriteByte('.')
		}
		b.WriteString(suffix)
		zones = append(zones, b.String())
	}
	return zones
}

// digitsOf returns an address's octets (size 8) or nibbles (size 4).
func digitsOf(a netip.Addr, size int) []int {
	var out []int
	for _, b := range a.AsSlice() {
		if size == 8 {
			out = append(out, int(b))
		} else {
			out = append(out, int(b>>4), int(b&0xf))
		}
	}
	return out
}

// fqdnLower is coredns plugin.Name.Normalize: lower case, fully qualified.
func fqdnLower(s string) string { return strings.ToLower(dns.Fqdn(s)) }

// hostZones is coredns plugin.Host.NormalizeExact in canonical form: the
// zones of a plugin argument such as "example.org", "dns://example.org:53"
// or "10.0.0.0/8"; nil when it is not a valid zone.
func hostZones(s string) []string {
	_, s = splitTransport(s)
	hosts, _, err := splitHostPort(s)
	if err != nil {
		return nil
	}
	for i := range hosts {
		hosts[i] = Canonical(fqdnLower(hosts[i]))
	}
	return hosts
}

// originsFromArgsOrServerBlock is coredns plugin.OriginsFromArgsOrServerBlock:
// the zones given as arguments, else the server block's zones. Invalid
// arguments are dropped silently, as CoreDNS does.
func originsFromArgsOrServerBlock(args, blockZones []string) []string {
	if len(args) == 0 {
		return append([]string(nil), blockZones...)
	}
	out := []string{}
	for _, a := range args {
		out = append(out, hostZones(a)...)
	}
	return out
}

// fallZones is coredns fall.F.SetZonesFromArgs: no argument means every
// zone (an empty, non-nil list here, ["."] in CoreDNS). Arguments that are
// all invalid leave CoreDNS with an empty zone list that never matches: nil.
func fallZones(args []string) []string {
	if len(args) == 0 {
		return []string{}
	}
	var out []string
	for _, a := range args {
		out = append(out, hostZones(a)...)
	}
	for _, z := range out {
		if z == "" { // "fallthrough ." is every zone too
			return []string{}
		}
	}
	return out
}

// isReverse reports a reverse zone (coredns plugin/pkg/dnsutil IsReverse).
func isReverse(zone string) bool {
	return InZone(zone, "in-addr.arpa") || InZone(zone, "ip6.arpa")
}
