package model

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// RecordType is a DNS record type that a zone in the estate may hold.
type RecordType string

const (
	TypeA     RecordType = "A"
	TypeAAAA  RecordType = "AAAA"
	TypeCNAME RecordType = "CNAME"
	TypeTXT   RecordType = "TXT"
	TypeSRV   RecordType = "SRV"
	TypePTR   RecordType = "PTR"
	TypeMX    RecordType = "MX"
)

// Enum lists the accepted values, for the loader and the JSON Schema.
func (RecordType) Enum() []string { return []string{"A", "AAAA", "CNAME", "TXT", "SRV", "PTR", "MX"} }

// Zone is a DNS zone held by some authority: an Azure private zone, a Route 53
// private hosted zone, a zone on a custom DNS server, or a public zone.
type Zone struct {
	Name    string    `yaml:"name" jsonschema:"required" jsonschema_description:"Zone name, e.g. privatelink.postgres.database.azure.com."`
	Records []*Record `yaml:"records,omitempty" jsonschema_description:"Record sets of the zone."`
	Loc     Location  `yaml:"-" json:"-"`
}

// Record is a record set: one name and type, with one or more values.
type Record struct {
	// Name is relative to the zone; "@" is the apex.
	Name string     `yaml:"name" jsonschema:"required" jsonschema_description:"Name relative to the zone; @ for the apex."`
	Type RecordType `yaml:"type" jsonschema:"required" jsonschema_description:"Record type."`
	TTL  int        `yaml:"ttl,omitempty" jsonschema:"minimum=1,maximum=2147483647" jsonschema_description:"Seconds; default 3600 (Azure private DNS default), 300 for Route 53."`
	// Values are written as in a zone file: an address for A/AAAA, a name for
	// CNAME/PTR, "10 mail.example.com" for MX, "0 5 443 host" for SRV, text for TXT.
	Values []string `yaml:"values" jsonschema:"required,minItems=1" jsonschema_description:"Zone-file values: an IP (A/AAAA), a name (CNAME/PTR), 'PREF HOST' (MX), 'PRIO WEIGHT PORT TARGET' (SRV), text (TXT)."`
	// Data is Values parsed by Link.
	Data []RData  `yaml:"-" json:"-"`
	Loc  Location `yaml:"-" json:"-"`
}

// RData is one parsed record value.
type RData struct {
	Addr     netip.Addr // A, AAAA
	Target   string     // CNAME, PTR, MX, SRV: a fully qualified name with no trailing dot
	Text     string     // TXT
	Priority uint16     // MX preference, SRV priority
	Weight   uint16     // SRV
	Port     uint16     // SRV
}

// ParseRData parses one value of a record of type t.
func ParseRData(t RecordType, s string) (RData, error) {
	s = strings.TrimSpace(s)
	switch t {
	case TypeA, TypeAAAA:
		a, err := netip.ParseAddr(s)
		if err != nil {
			return RData{}, fmt.Errorf("an %s record's value %q is not an IP address", t, s)
		}
		if a.Zone() != "" {
			return RData{}, fmt.Errorf("an %s record's value %q has a zone; write the address alone", t, s)
		}
		if t == TypeA && !a.Is4() {
			return RData{}, fmt.Errorf("an A record's value %q is not an IPv4 address (use type AAAA for IPv6)", s)
		}
		if t == TypeAAAA && !a.Is6() {
			return RData{}, fmt.Errorf("an AAAA record's value %q is not an IPv6 address (use type A for IPv4)", s)
		}
		return RData{Addr: a}, nil
	case TypeCNAME, TypePTR:
		n, err := CanonicalName(s)
		if err != nil {
			return RData{}, fmt.Errorf("a %s record's value: %v", t, err)
		}
		return RData{Target: n}, nil
	case TypeTXT:
		return RData{Text: s}, nil
	case TypeMX:
		f := strings.Fields(s)
		if len(f) != 2 {
			return RData{}, fmt.Errorf("an MX record's value %q must be 'PREFERENCE HOST', e.g. '10 mail.contoso.com'", s)
		}
		p, err := strconv.ParseUint(f[0], 10, 16)
		if err != nil {
			return RData{}, fmt.Errorf("an MX record's preference %q is not a number from 0 to 65535", f[0])
		}
		n, err := CanonicalName(f[1])
		if err != nil {
			return RData{}, fmt.Errorf("an MX record's host: %v", err)
		}
		return RData{Priority: uint16(p), Target: n}, nil
	case TypeSRV:
		f := strings.Fields(s)
		if len(f) != 4 {
			return RData{}, fmt.Errorf("an SRV record's value %q must be 'PRIORITY WEIGHT PORT TARGET', e.g. '0 5 443 api.contoso.com'", s)
		}
		var nums [3]uint16
		for i, what := range []string{"priority", "weight", "port"} {
			v, err := strconv.ParseUint(f[i], 10, 16)
			if err != nil {
				return RData{}, fmt.Errorf("an SRV record's %s %q is not a number from 0 to 65535", what, f[i])
			}
			nums[i] = uint16(v)
		}
		n, err := CanonicalName(f[3])
		if err != nil {
			return RData{}, fmt.Errorf("an SRV record's target: %v", err)
		}
		return RData{Priority: nums[0], Weight: nums[1], Port: nums[2], Target: n}, nil
	}
	return RData{}, fmt.Errorf("unknown record type %q", t)
}

// CanonicalName lower-cases a DNS name and strips one trailing dot, checking
// RFC 1035 lengths: the form every index of the model uses.
func CanonicalName(s string) (string, error) {
	n := strings.ToLower(strings.TrimSuffix(s, "."))
	if n == "" {
		return "", fmt.Errorf("empty DNS name")
	}
	if len(n) > 253 {
		return "", fmt.Errorf("DNS name %q is longer than 253 characters", s)
	}
	for _, label := range strings.Split(n, ".") {
		if label == "" {
			return "", fmt.Errorf("DNS name %q has an empty label", s)
		}
		if len(label) > 63 {
			return "", fmt.Errorf("DNS name %q has a label longer than 63 characters", s)
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '*') {
				return "", fmt.Errorf("DNS name %q has the character %q; use letters, digits, '-' and '_'", s, c)
			}
		}
	}
	return n, nil
}

// FQDN returns the record's owner name in canonical form.
func (r *Record) FQDN(zone string) string {
	if r.Name == "@" || r.Name == "" {
		return zone
	}
	return strings.ToLower(strings.TrimSuffix(r.Name, ".")) + "." + zone
}

// Forwarder is a conditional forward: names under Domain go to Targets.
type Forwarder struct {
	Domain  string     `yaml:"domain" jsonschema:"required" jsonschema_description:"Suffix forwarded, e.g. private.aws.internal; '.' for everything."`
	Targets []AddrPort `yaml:"targets" jsonschema:"required,minItems=1" jsonschema_description:"DNS servers to forward to, IP or IP:port, tried in order."`
	Loc     Location   `yaml:"-" json:"-"`
}

// AddrPort is a DNS server address, written "10.0.0.4" or "10.0.0.4:53".
type AddrPort struct{ netip.AddrPort }

// DecodeScalar parses an address with an optional port (default 53).
func (a *AddrPort) DecodeScalar(s string, _ Location) error {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		if ap.Addr().Zone() != "" {
			return fmt.Errorf("%q has a zone; write the address alone", s)
		}
		a.AddrPort = ap
		return nil
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return fmt.Errorf("%q is not an IP address or IP:port", s)
	}
	if ip.Zone() != "" {
		return fmt.Errorf("%q has a zone; write the address alone", s)
	}
	a.AddrPort = netip.AddrPortFrom(ip, 53)
	return nil
}

// MarshalText writes the address back, omitting the default port.
func (a AddrPort) MarshalText() ([]byte, error) {
	if a.Port() == 53 {
		return []byte(a.Addr().String()), nil
	}
	return []byte(a.AddrPort.String()), nil
}

// DNSServer is the configuration of a DNS server a VM or host runs (BIND,
// Windows DNS, dnsmasq…): zones it is authoritative for, conditional
// forwarders, and default forwarders or recursion for the rest.
type DNSServer struct {
	Zones                 []*Zone      `yaml:"zones,omitempty" jsonschema_description:"Zones this server is authoritative for."`
	ConditionalForwarders []*Forwarder `yaml:"conditionalForwarders,omitempty" jsonschema_description:"Per-domain forwarders; the most specific domain wins."`
	Forwarders            []AddrPort   `yaml:"forwarders,omitempty" jsonschema_description:"Default forwarders for every other name, tried in order (e.g. 168.63.129.16)."`
	// Recursion: with no forwarders, resolve from the root (public DNS).
	Recursion bool     `yaml:"recursion,omitempty" jsonschema_description:"With no matching forwarder, resolve public names itself from the root."`
	Loc       Location `yaml:"-" json:"-"`
}
