package dns

import (
	"fmt"
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
