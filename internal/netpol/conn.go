package netpol

import (
	"strconv"
	"strings"
)

// Protocol is a transport protocol a policy can name. Kubernetes
// NetworkPolicy knows exactly three (NetworkPolicyPort.protocol: "TCP, UDP,
// or SCTP; defaults to TCP", k8s.io/api networking/v1 types.go).
type Protocol uint8

const (
	TCP Protocol = iota
	UDP
	SCTP
	numProtocols
)

// protocolOrder lists the protocols in the order their names sort, the order
// a connection set is printed in.
var protocolOrder = [numProtocols]Protocol{SCTP, TCP, UDP}

func (p Protocol) String() string {
	switch p {
	case TCP:
		return "TCP"
	case UDP:
		return "UDP"
	case SCTP:
		return "SCTP"
	}
	return "protocol(" + strconv.Itoa(int(p)) + ")"
}

// ParseProtocol reads TCP, UDP or SCTP in any case.
func ParseProtocol(s string) (Protocol, bool) {
	switch strings.ToUpper(s) {
	case "TCP":
		return TCP, true
	case "UDP":
		return UDP, true
	case "SCTP":
		return SCTP, true
	}
	return 0, false
}

// MinPort and MaxPort bound the ports a policy can name.
const (
	MinPort = 1
	MaxPort = 65535
)

// PortRange is an inclusive range of ports.
type PortRange struct{ Lo, Hi int32 }

// Ports is a set of ports: sorted, disjoint, non-adjacent ranges. The nil
// set is empty.
type Ports []PortRange

var allPorts = Ports{{MinPort, MaxPort}}

// portsOf returns the set holding lo..hi, clipped to the valid ports.
func portsOf(lo, hi int32) Ports {
	lo, hi = max(lo, MinPort), min(hi, MaxPort)
	if lo > hi {
		return nil
	}
	return Ports{{lo, hi}}
}

func (p Ports) contains(port int32) bool {
	for _, r := range p {
		if port < r.Lo {
			return false
		}
		if port <= r.Hi {
			return true
		}
	}
	return false
}

func (p Ports) isAll() bool { return len(p) == 1 && p[0] == PortRange{MinPort, MaxPort} }

func (p Ports) equal(q Ports) bool {
	if len(p) != len(q) {
		return false
	}
	for i := range p {
		if p[i] != q[i] {
			return false
		}
	}
	return true
}

func (p Ports) union(q Ports) Ports {
	switch {
	case len(q) == 0:
		return p
	case len(p) == 0:
		return q
	case p.isAll() || q.isAll():
		return allPorts
	}
	out := make(Ports, 0, len(p)+len(q))
	i, j := 0, 0
	for i < len(p) || j < len(q) {
		var r PortRange
		if j >= len(q) || (i < len(p) && p[i].Lo <= q[j].Lo) {
			r, i = p[i], i+1
		} else {
			r, j = q[j], j+1
		}
		if n := len(out); n > 0 && r.Lo <= out[n-1].Hi+1 {
			out[n-1].Hi = max(out[n-1].Hi, r.Hi)
			continue
		}
		out = append(out, r)
	}
	return out
}

func (p Ports) intersect(q Ports) Ports {
	switch {
	case len(p) == 0 || len(q) == 0:
		return nil
	case p.isAll():
		return q
	case q.isAll():
		return p
	}
	var out Ports
	i, j := 0, 0
	for i < len(p) && j < len(q) {
		lo, hi := max(p[i].Lo, q[j].Lo), min(p[i].Hi, q[j].Hi)
		if lo <= hi {
			out = append(out, PortRange{lo, hi})
		}
		if p[i].Hi < q[j].Hi {
			i++
		} else {
			j++
		}
	}
	return out
}

func (p Ports) complement() Ports {
	var out Ports
	next := int32(MinPort)
	for _, r := range p {
		if r.Lo > next {
			out = append(out, PortRange{next, r.Lo - 1})
		}
		next = r.Hi + 1
	}
	if next <= MaxPort {
		out = append(out, PortRange{next, MaxPort})
	}
	return out
}

func (p Ports) subtract(q Ports) Ports {
	if len(p) == 0 || len(q) == 0 {
		return p
	}
	return p.intersect(q.complement())
}

// String renders the set as netpol-analyzer does: 80,443,8000-8080.
func (p Ports) String() string {
	var b strings.Builder
	for i, r := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(r.Lo)))
		if r.Hi != r.Lo {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(int(r.Hi)))
		}
	}
	return b.String()
}

// Conns is a set of connections: for each protocol, the destination ports
// allowed. The zero value is empty.
type Conns struct{ p [numProtocols]Ports }

// AllConns is every protocol on every port.
func AllConns() Conns {
	var c Conns
	for i := range c.p {
		c.p[i] = allPorts
	}
	return c
}

// ConnsOf is one protocol on the ports lo..hi.
func ConnsOf(proto Protocol, lo, hi int32) Conns {
	var c Conns
	c.p[proto] = portsOf(lo, hi)
	return c
}

// Ports returns the ports of one protocol.
func (c Conns) Ports(proto Protocol) Ports { return c.p[proto] }

// IsEmpty reports whether no connection is in the set.
func (c Conns) IsEmpty() bool {
	for _, p := range c.p {
		if len(p) > 0 {
			return false
		}
	}
	return true
}

// IsAll reports whether every connection is in the set.
func (c Conns) IsAll() bool {
	for _, p := range c.p {
		if !p.isAll() {
			return false
		}
	}
	return true
}

// Contains reports whether proto/port is in the set.
func (c Conns) Contains(proto Protocol, port int32) bool { return c.p[proto].contains(port) }

// Equal reports whether both sets hold the same connections.
func (c Conns) Equal(d Conns) bool {
	for i := range c.p {
		if !c.p[i].equal(d.p[i]) {
			return false
		}
	}
	return true
}

func (c Conns) Union(d Conns) Conns {
	for i := range c.p {
		c.p[i] = c.p[i].union(d.p[i])
	}
	return c
}

func (c Conns) Intersect(d Conns) Conns {
	for i := range c.p {
		c.p[i] = c.p[i].intersect(d.p[i])
	}
	return c
}

func (c Conns) Subtract(d Conns) Conns {
	for i := range c.p {
		c.p[i] = c.p[i].subtract(d.p[i])
	}
	return c
}

// String renders the set in netpol-analyzer's words, so that its goldens
// compare line for line: "All Connections", "No Connections", or
// "SCTP 9003,TCP 1-79,81-65535,UDP 53" (protocols in name order).
func (c Conns) String() string {
	if c.IsAll() {
		return "All Connections"
	}
	if c.IsEmpty() {
		return "No Connections"
	}
	var b strings.Builder
	for _, proto := range protocolOrder {
		if len(c.p[proto]) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(proto.String())
		b.WriteByte(' ')
		b.WriteString(c.p[proto].String())
	}
	return b.String()
}

// key is a compact canonical encoding, for interning.
func (c Conns) key() string {
	var b []byte
	for i, p := range c.p {
		b = append(b, byte(i), byte(len(p)), byte(len(p)>>8))
		for _, r := range p {
			b = append(b, byte(r.Lo>>8), byte(r.Lo), byte(r.Hi>>8), byte(r.Hi))
		}
	}
	return string(b)
}

// ConnID names an interned connection set; see connTable.
type ConnID uint32

const (
	noConns  ConnID = 0
	allConns ConnID = 1
)

// connTable interns connection sets so that the all-pairs map stores one
// small integer per pair and memoises set operations: the distinct sets in a
// cluster are few, the pairs many.
type connTable struct {
	sets      []Conns
	strs      []string
	ids       map[string]ConnID
	intersect map[[2]ConnID]ConnID
}

func newConnTable() *connTable {
	t := &connTable{ids: map[string]ConnID{}, intersect: map[[2]ConnID]ConnID{}}
	t.id(Conns{})
	t.id(AllConns())
	return t
}

func (t *connTable) id(c Conns) ConnID {
	k := c.key()
	if id, ok := t.ids[k]; ok {
		return id
	}
	id := ConnID(len(t.sets))
	t.sets = append(t.sets, c)
	t.strs = append(t.strs, "")
	t.ids[k] = id
	return id
}

func (t *connTable) get(id ConnID) Conns { return t.sets[id] }

func (t *connTable) str(id ConnID) string {
	if t.strs[id] == "" {
		t.strs[id] = t.sets[id].String()
	}
	return t.strs[id]
}

func (t *connTable) and(a, b ConnID) ConnID {
	switch {
	case a == b || b == allConns:
		return a
	case a == allConns:
		return b
	case a == noConns || b == noConns:
		return noConns
	}
	if a > b {
		a, b = b, a
	}
	k := [2]ConnID{a, b}
	if id, ok := t.intersect[k]; ok {
		return id
	}
	id := t.id(t.sets[a].Intersect(t.sets[b]))
	t.intersect[k] = id
	return id
}
