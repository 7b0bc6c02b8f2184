// Package dns is aksnet's resolution engine: given a vantage and a name, it
// computes what the real chain returns — stub resolver, CoreDNS, Azure DNS
// with private zones and rulesets, custom DNS servers, Route 53, public DNS —
// and records every query on the wire with what decided it.
//
// Messages here are the engine's own small types, not miekg/dns messages:
// the model and the engine never depend on a wire format; the server
// (internal/serve) translates.
package dns

import (
	"fmt"
	"net/netip"

	"github.com/aksnet/aksnet/internal/model"
)

// Type is a query or record type.
type Type = model.RecordType

// Types beyond those a zone in the estate may hold.
const (
	TypeSOA Type = "SOA"
	TypeNS  Type = "NS"
)

// Question is one question on the wire. Names are canonical: lower case, no
// trailing dot (model.CanonicalName).
type Question struct {
	Name string
	Type Type
}

func (q Question) String() string { return q.Name + ". " + string(q.Type) }

// RCode is a response code, or Timeout when no response came back.
type RCode int

const (
	NoError  RCode = 0
	FormErr  RCode = 1
	ServFail RCode = 2
	NXDomain RCode = 3
	NotImp   RCode = 4
	Refused  RCode = 5
	// Timeout is not an RCODE: the asker heard nothing (an unreachable or
	// down server, a dropped packet).
	Timeout RCode = -1
)

func (r RCode) String() string {
	switch r {
	case NoError:
		return "NOERROR"
	case FormErr:
		return "FORMERR"
	case ServFail:
		return "SERVFAIL"
	case NXDomain:
		return "NXDOMAIN"
	case NotImp:
		return "NOTIMP"
	case Refused:
		return "REFUSED"
	case Timeout:
		return "TIMEOUT"
	}
	return fmt.Sprintf("RCODE%d", int(r))
}

// RR is one resource record of an answer.
type RR struct {
	Name string
	Type Type
	TTL  uint32
	Data model.RData
}

// SOA data of a negative answer's authority section.
type SOA struct {
	Zone    string
	MName   string
	RName   string
	Serial  uint32
	Refresh uint32
	Retry   uint32
	Expire  uint32
	MinTTL  uint32
}

// Reply is what a server answers to one question.
type Reply struct {
	RCode  RCode
	Answer []RR // in order; a CNAME chain comes first, then the final records
	// SOA is set on NXDOMAIN and NODATA from an authority (negative caching,
	// RFC 2308).
	SOA *SOA
	// Authoritative is the AA bit.
	Authoritative bool
}

// NoData reports an empty NOERROR answer: the name exists, the type does not.
func (r Reply) NoData() bool { return r.RCode == NoError && len(r.Answer) == 0 }

// Addrs returns the A and AAAA addresses of the answer, in order.
func (r Reply) Addrs() []netip.Addr {
	var out []netip.Addr
	for _, rr := range r.Answer {
		if rr.Type == model.TypeA || rr.Type == model.TypeAAAA {
			out = append(out, rr.Data.Addr)
		}
	}
	return out
}
