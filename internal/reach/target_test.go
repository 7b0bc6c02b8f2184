package reach

import (
	"strings"
	"testing"
)

func TestParseTarget(t *testing.T) {
	for _, c := range []struct {
		in, want, err string
	}{
		{"api.backend:8080", "api.backend:8080/tcp", ""},
		{"10.1.4.4:5432/TCP", "10.1.4.4:5432/tcp", ""},
		{"[fd00::1]:53/udp", "fd00::1:53/udp", ""},
		{"service:frontend/web:80", "service:frontend/web:80/tcp", ""},
		{"service:aks-prod/frontend/web:80/sctp", "service:aks-prod/frontend/web:80/sctp", ""},
		{"api.backend", "", "write NAME_OR_IP:PORT"},
		{"api.backend:0", "", "not a number from 1 to 65535"},
		{"api.backend:http", "", "not a number from 1 to 65535"},
		{"api.backend:80/icmp", "", `protocol "icmp" is not tcp, udp or sctp`},
		{"service:web:80", "", "a service is service:NAMESPACE/NAME"},
	} {
		got, err := ParseTarget(c.in)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%q: error %v, want %q", c.in, err, c.err)
		case c.err == "" && err != nil:
			t.Errorf("%q: %v", c.in, err)
		case c.err == "" && got.String() != c.want:
			t.Errorf("%q: %s, want %s", c.in, got, c.want)
		}
	}
}
