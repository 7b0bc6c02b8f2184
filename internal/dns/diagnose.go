package dns

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/aksnet/aksnet/internal/model"
)

// Expectation is the answer the topology implies for a name from a
// vantage, and why.
type Expectation struct {
	Addrs []netip.Addr
	Why   string
	Loc   model.Location
}

// Expect returns what name should resolve to from v, when the topology says:
// a private endpoint's names give its private IP from every network that
// reaches the endpoint (azure-aws-dns.md §1.7: "link the same zones to all
// spokes and hub VNets that contain clients"); from the internet, the
// resource's public address. ok is false when the topology implies nothing.
func (e *Engine) Expect(v model.Vantage, name string) (Expectation, bool) {
	name, err := model.CanonicalName(name)
	if err != nil {
		return Expectation{}, false
	}
	for _, pe := range e.t.Azure.PrivateEndpoints {
		r := pe.Resource.Target
		if r == nil || !slices.Contains(endpointNames(pe), name) {
			continue
		}
		if v.Kind == model.VantageInternet {
			return Expectation{}, false // the public chain is what it is
		}
		src, err := e.addrOf(nodeFor(v))
		if err != nil {
			return Expectation{}, false
		}
		if ok, _ := e.nets.path(src, pe.IP); !ok {
			return Expectation{}, false // the vantage cannot reach the endpoint: no claim
		}
		return Expectation{Addrs: []netip.Addr{pe.IP}, Loc: pe.Loc,
			Why: fmt.Sprintf("%s is the name of private endpoint %s (%s), which %s reaches", name, pe.Name, pe.IP, v)}, true
	}
	return Expectation{}, false
}

// endpointNames are the names clients use for a private endpoint: the
// resource's public names and their privatelink forms.
func endpointNames(pe *model.PrivateEndpoint) []string {
	r := pe.Resource.Target
	var out []string
	for _, s := range publicSuffixes(r, pe.Subresource) {
		out = append(out, strings.ToLower(r.Name)+"."+s)
	}
	for _, z := range pe.DNSZoneGroup {
		if z.Target != nil {
			for _, rec := range endpointRecords(pe, z.Target.Name) {
				out = append(out, rec.owner)
			}
		}
	}
	return out
}

// nodeFor is the vantage whose address a vantage's traffic leaves from.
func nodeFor(v model.Vantage) model.Vantage {
	if v.Kind == model.VantagePod {
		return model.Vantage{Kind: model.VantageNode, Cluster: v.Cluster}
	}
	return v
}

// Diagnosis says how an answer differs from what the topology implies, why,
// and which changes make it right — each verified by resolving again on a
// copy of the topology with the change applied.
type Diagnosis struct {
	Vantage  string
	Name     string
	Expected Expectation
	Got      []netip.Addr
	GotErr   string
	Kind     string // "public address leak", "NXDOMAIN", "timeout", "loop", "wrong private address"
	Cause    string
	CauseLoc model.Location
	Fixes    []Fix
}

// Fix is a change to the topology that makes the answer right.
type Fix struct {
	Description string
	Loc         model.Location // where to make it
	Snippet     string         // the YAML to add
	apply       func(t *model.Topology) bool
}

// Reload returns a fresh copy of the topology the engine was built from,
// for trying fixes without touching the original.
type Reload func() (*model.Topology, error)

// Diagnose compares what v gets for name with what the topology implies. It
// returns nil when they agree or the topology implies nothing.
func (e *Engine) Diagnose(v model.Vantage, name string, reload Reload) (*Diagnosis, error) {
	want, ok := e.Expect(v, name)
	if !ok {
		return nil, nil
	}
	tr := &Trace{}
	res, err := e.Lookup(v, name, FamilyV4, tr)
	if err != nil {
		return nil, err
	}
	if sameAddrs(res.Addrs, want.Addrs) {
		return nil, nil
	}
	d := &Diagnosis{Vantage: v.String(), Name: name, Expected: want, Got: res.Addrs, GotErr: string(res.Err)}
	d.Kind = e.classify(res, tr)
	d.Cause, d.CauseLoc = e.cause(tr, name)
	for _, f := range e.candidateFixes(tr, v, name) {
		if e.verify(f, v, name, want, reload) {
			d.Fixes = append(d.Fixes, f)
		}
	}
	return d, nil
}

func sameAddrs(a, b []netip.Addr) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func (e *Engine) classify(res StubResult, tr *Trace) string {
	switch {
	case strings.Contains(tr.String(), "forwarding loop"), strings.Contains(tr.String(), "CNAME loop"):
		return "loop"
	case res.Err == EAIAgain:
		return "timeout"
	case len(res.Addrs) == 0:
		return "NXDOMAIN"
	}
	for _, a := range res.Addrs {
		if !a.IsPrivate() {
			return "public address leak"
		}
	}
	return "wrong private address"
}

// cause finds the decisive hop: the server that sent a privatelink name to
// public DNS, or the linked zone that lacked the record.
func (e *Engine) cause(tr *Trace, name string) (string, model.Location) {
	for _, h := range tr.Hops {
		if strings.HasPrefix(h.Server, "Azure DNS in vnet ") && strings.Contains(h.Question.Name, ".privatelink.") &&
			strings.Contains(h.Decided, "no linked zone or rule matches") {
			vnet := strings.TrimPrefix(h.Server, "Azure DNS in vnet ")
			zone := h.Question.Name[strings.Index(h.Question.Name, ".privatelink.")+1:]
			loc := model.Location{}
			if z := e.zoneNamed(zone); z != nil {
				loc = z.Loc
			}
			return fmt.Sprintf("the query for %s reached Azure DNS in vnet %s, and zone %s is not linked to vnet %s, so the public chain answered", h.Question.Name, vnet, zone, vnet), loc
		}
		if strings.Contains(h.Decided, "a linked zone is authoritative") {
			return "a linked zone lacks the record: " + h.Decided, h.Loc
		}
		if h.RCode == Timeout {
			return h.Server + ": " + h.Decided, h.Loc
		}
	}
	return "the answer differs; the path shows every decision", model.Location{}
}

func (e *Engine) zoneNamed(name string) *model.PrivateDNSZone {
	for _, z := range e.t.Azure.PrivateDNSZones {
		if z.Name == name {
			return z
		}
	}
	return nil
}

// candidateFixes proposes changes from the trace: link the privatelink zone
// to every VNet whose Azure DNS answered the privatelink name publicly.
func (e *Engine) candidateFixes(tr *Trace, v model.Vantage, name string) []Fix {
	var out []Fix
	seen := map[string]bool{}
	for _, h := range tr.Hops {
		if !strings.HasPrefix(h.Server, "Azure DNS in vnet ") || !strings.Contains(h.Question.Name, ".privatelink.") ||
			!strings.Contains(h.Decided, "no linked zone or rule matches") {
			continue
		}
		vnet := strings.TrimPrefix(h.Server, "Azure DNS in vnet ")
		zoneName := h.Question.Name[strings.Index(h.Question.Name, ".privatelink.")+1:]
		for _, z := range e.t.Azure.PrivateDNSZones {
			if z.Name != zoneName || seen[z.Keys()[0]+vnet] {
				continue
			}
			seen[z.Keys()[0]+vnet] = true
			key := z.Keys()[0]
			out = append(out, Fix{
				Description: fmt.Sprintf("link zone %s to vnet %s", key, vnet),
				Loc:         z.Loc,
				Snippet:     fmt.Sprintf("links:\n  - {name: %s, vnet: %s}", vnet, vnet),
				apply: func(t *model.Topology) bool {
					tz := model.Lookup[model.PrivateDNSZone](t, key)
					tv := model.Lookup[model.VNet](t, vnet)
					if tz == nil || tv == nil {
						return false
					}
					tz.Links = append(tz.Links, &model.VNetLink{Name: vnet, VNet: model.Ref[model.VNet]{Name: vnet, Target: tv}, Zone: tz})
					return true
				},
			})
		}
	}
	return out
}

// verify applies f to a fresh copy and resolves again.
func (e *Engine) verify(f Fix, v model.Vantage, name string, want Expectation, reload Reload) bool {
	if reload == nil {
		return false
	}
	t, err := reload()
	if err != nil || !f.apply(t) {
		return false
	}
	var downAddrs []netip.Addr
	for a := range e.down {
		downAddrs = append(downAddrs, a)
	}
	var downConns []string
	for c := range e.nets.down {
		downConns = append(downConns, c)
	}
	e2, errs := New(t, downAddrs, downConns)
	if len(errs) > 0 {
		return false
	}
	res, err := e2.Lookup(v, name, FamilyV4, nil)
	return err == nil && sameAddrs(res.Addrs, want.Addrs)
}
