package reach

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Target is what a reach query asks for: a name, an address or a
// Service (service:[CLUSTER/]NS/NAME, its load balancer frontend), a port
// and a protocol.
type Target struct {
	Host  string
	Addr  netip.Addr // set when Host is an address literal
	Port  int
	Proto string // tcp, udp or sctp
	// Service is [CLUSTER/]NS/NAME for a service: target.
	Service string
}

// ParseTarget reads NAME_OR_IP:PORT[/PROTO] or service:[CLUSTER/]NS/NAME:PORT[/PROTO].
func ParseTarget(s string) (Target, error) {
	usage := fmt.Errorf("--to %q: write NAME_OR_IP:PORT[/PROTO] (e.g. api.backend:8080, 10.1.4.4:5432/tcp) or service:NS/NAME:PORT", s)
	var t Target
	rest, proto, hasProto := strings.Cut(s, "/")
	if strings.HasPrefix(s, "service:") {
		i := strings.LastIndex(s, ":")
		if i <= len("service:") {
			return t, usage
		}
		t.Service = s[len("service:"):i]
		rest = s[i:]
		rest, proto, hasProto = strings.Cut(rest, "/")
		rest = "svc" + rest
	}
	t.Proto = "tcp"
	if hasProto {
		switch p := strings.ToLower(proto); p {
		case "tcp", "udp", "sctp":
			t.Proto = p
		default:
			return t, fmt.Errorf("--to %q: protocol %q is not tcp, udp or sctp", s, proto)
		}
	}
	i := strings.LastIndex(rest, ":")
	if i <= 0 || i == len(rest)-1 {
		return t, usage
	}
	host, port := rest[:i], rest[i+1:]
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return t, fmt.Errorf("--to %q: port %q is not a number from 1 to 65535", s, port)
	}
	t.Port = n
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if t.Service != "" {
		parts := strings.Split(t.Service, "/")
		if len(parts) < 2 || len(parts) > 3 || hasEmpty(parts) {
			return t, fmt.Errorf("--to %q: a service is service:NAMESPACE/NAME or service:CLUSTER/NAMESPACE/NAME", s)
		}
		return t, nil
	}
	t.Host = host
	if a, err := netip.ParseAddr(host); err == nil {
		t.Addr = a
	}
	return t, nil
}

func hasEmpty(p []string) bool {
	for _, s := range p {
		if s == "" {
			return true
		}
	}
	return false
}

func (t Target) String() string {
	h := t.Host
	if t.Service != "" {
		h = "service:" + t.Service
	}
	return fmt.Sprintf("%s:%d/%s", h, t.Port, t.Proto)
}
