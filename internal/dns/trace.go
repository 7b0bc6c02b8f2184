package dns

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/aksnet/aksnet/internal/model"
)

// Hop is one step of a resolution: a query on the wire, or a decision a
// server took while answering one (a zone, a link, a rule, a record).
type Hop struct {
	Depth    int    // nesting: a forward or a CNAME re-resolution is one deeper
	Server   string // who answered: "Azure DNS in vnet hub", "CoreDNS of aks-prod"
	Question Question
	RCode    RCode
	// Decided says what decided the answer, in words, with where it was
	// declared.
	Decided string
	Loc     model.Location
	// Fact is what the decision rests on, as topology elements, when it is
	// one a change to the topology could alter: diagnosis reads it to
	// propose fixes. nil for the other hops.
	Fact *Fact
}

// Fact names the topology elements behind a decision.
type Fact struct {
	Kind FactKind
	VNet *model.VNet // Azure DNS: whose view decided
	Zone *model.PrivateDNSZone
	Rule *model.ForwardingRule
	// Server is a custom DNS server's configuration, Addr where it listens.
	Server *model.DNSServer
	Addr   netip.Addr
}

// FactKind is the kind of decision a Fact records.
type FactKind int

const (
	// FactPublic: Azure DNS found no linked zone or rule and asked public DNS.
	FactPublic FactKind = iota + 1
	// FactZoneAnswer: a linked private zone answered from its records.
	FactZoneAnswer
	// FactZoneLacks: a linked private zone lacks the name: NXDOMAIN.
	FactZoneLacks
	// FactRule: a forwarding ruleset's rule forwarded the name.
	FactRule
	// FactCustomUpstream: a custom DNS server sent the name on by a
	// conditional forwarder, its default forwarders or recursion.
	FactCustomUpstream
)

// fact attaches f to the last hop.
func (t *Trace) fact(f Fact) {
	if t != nil && len(t.Hops) > 0 {
		t.Hops[len(t.Hops)-1].Fact = &f
	}
}

// Trace collects hops. A nil *Trace records nothing: the hot path passes nil.
type Trace struct {
	Hops  []Hop
	depth int
}

func (t *Trace) add(server string, q Question, rc RCode, loc model.Location, format string, args ...any) {
	if t == nil {
		return
	}
	t.Hops = append(t.Hops, Hop{Depth: t.depth, Server: server, Question: q, RCode: rc, Decided: fmt.Sprintf(format, args...), Loc: loc})
}

// open adds a hop whose outcome is known only later (a query whose answer
// comes from the servers behind it); close sets it.
func (t *Trace) open(server string, q Question, how string) int {
	if t == nil {
		return -1
	}
	t.add(server, q, NoError, model.Location{}, "%s", how)
	return len(t.Hops) - 1
}

func (t *Trace) close(i int, rc RCode) {
	if t != nil && i >= 0 {
		t.Hops[i].RCode = rc
	}
}

func (t *Trace) in()  { t.step(1) }
func (t *Trace) out() { t.step(-1) }

func (t *Trace) step(d int) {
	if t != nil {
		t.depth += d
	}
}

// String renders the trace one hop a line, indented by depth.
func (t *Trace) String() string {
	if t == nil {
		return ""
	}
	var b strings.Builder
	for _, h := range t.Hops {
		fmt.Fprintf(&b, "%s%s: %s → %s: %s", strings.Repeat("  ", h.Depth), h.Server, h.Question, h.RCode, h.Decided)
		if !h.Loc.IsZero() {
			fmt.Fprintf(&b, " (%s)", h.Loc)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
