package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/internal/dns"
	"github.com/aksnet/aksnet/internal/model"
)

func newResolveCmd(g *globals) *cobra.Command {
	var (
		froms  []string
		qtype  string
		downs  []string
		output string
	)
	cmd := &cobra.Command{
		Use:   "resolve NAME --from VANTAGE",
		Short: "Resolve a name from a vantage as the real chain would, showing every hop",
		Long: `resolve computes what a process at the vantage gets for NAME: its resolv.conf
and libc (glibc, musl or Go, with ndots and the search list), CoreDNS for pods,
then every DNS server on the way — Azure DNS with the VNet's linked private
zones and ruleset, DNS Private Resolver endpoints, custom DNS servers, Route 53
— across peering and VPN, down to public DNS. It prints the answer, the queries
the stub put on the wire, and the trace of what decided each one.

Without --type, the name is resolved as getaddrinfo does (A and AAAA). With
--type A or AAAA only that family is asked; other types are sent once, as dig
would, to the vantage's first nameserver.

--down takes a connection name (the tunnel is cut) or a DNS server's IP (it
never answers); it may be repeated.

When the topology implies another answer (a private endpoint's name must
give its private IP from every network that reaches it), resolve says so,
names the cause, and lists the fixes it verified by resolving again on a
copy of the topology with each applied.`,
		Example: `  # bunny → relay across the VPN (seed 002)
  aksnet resolve relay.private.aws.internal --from pod:aks-prod/bunny/bunny

  # The same with the tunnel down
  aksnet resolve relay.private.aws.internal --from pod:aks-prod/bunny/bunny --down hub-to-aws

  # Split horizon: one name from a pod, on-prem and the internet
  aksnet resolve pg-contoso-prod.postgres.database.azure.com --from pod:aks-prod/backend/api --from host:dc1/ws1 --from internet`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(froms) == 0 {
				return &exitError{code: 2, msg: "aksnet resolve: --from VANTAGE is required (see aksnet vantages)"}
			}
			t, err := g.load(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			var downAddrs []netip.Addr
			var downConns []string
			for _, d := range downs {
				if a, err := netip.ParseAddr(d); err == nil {
					downAddrs = append(downAddrs, a)
					continue
				}
				if model.Lookup[model.Connection](t, d) == nil {
					return &exitError{code: 2, msg: fmt.Sprintf("aksnet resolve: --down %q is neither a connection of the topology nor an IP address", d)}
				}
				downConns = append(downConns, d)
			}
			e, errs := dns.New(t, downAddrs, downConns)
			if len(errs) > 0 {
				for _, e := range errs {
					fmt.Fprintln(cmd.ErrOrStderr(), e)
				}
				return &exitError{code: 2, msg: "aksnet resolve: the topology's DNS configuration has errors"}
			}
			name, err := model.CanonicalName(args[0])
			if err != nil {
				return &exitError{code: 2, msg: "aksnet resolve: " + err.Error()}
			}
			var results []resolveResult
			for _, f := range froms {
				v, err := model.ParseVantage(f)
				if err != nil {
					return &exitError{code: 2, msg: "aksnet resolve: " + err.Error()}
				}
				r, err := resolveOne(e, v, args[0], name, qtype)
				if err != nil {
					return &exitError{code: 2, msg: "aksnet resolve: " + err.Error()}
				}
				reload := func() (*model.Topology, error) { return g.load(io.Discard) }
				if d, err := e.Diagnose(v, args[0], reload); err == nil && d != nil {
					r.Diagnosis = diagnosisJSON(d)
				}
				results = append(results, r)
			}
			switch output {
			case "text":
				for i, r := range results {
					if i > 0 {
						fmt.Fprintln(cmd.OutOrStdout())
					}
					r.text(cmd.OutOrStdout())
				}
				return nil
			case "json":
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(results)
			}
			return &exitError{code: 2, msg: fmt.Sprintf("aksnet resolve: -o %q: choose text or json", output)}
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&froms, "from", nil, "vantage to ask from (repeatable): pod:CLUSTER/NS[/POD], node:CLUSTER, vm:NAME, host:SITE[/NAME], internet")
	f.StringVar(&qtype, "type", "", "record type: A, AAAA, CNAME, SRV, TXT, PTR, MX (default: A and AAAA, as getaddrinfo)")
	f.StringArrayVar(&downs, "down", nil, "a connection or DNS server IP to treat as failed (repeatable)")
	f.StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}

// resolveResult is what resolve prints for one vantage; its JSON form is
// the -o json output.
type resolveResult struct {
	Vantage string      `json:"vantage"`
	Name    string      `json:"name"`
	Answer  []jsonRR    `json:"answer"`
	Addrs   []string    `json:"addresses"`
	Error   string      `json:"error,omitempty"`
	Queries []jsonQuery `json:"queries"`
	Elapsed string      `json:"elapsed"`
	Trace   []jsonHop   `json:"trace"`
	// Diagnosis is set when the answer differs from what the topology
	// implies.
	Diagnosis *jsonDiagnosis `json:"diagnosis,omitempty"`
}

type jsonDiagnosis struct {
	Kind     string    `json:"kind"`
	Expected []string  `json:"expected"`
	Why      string    `json:"why"`
	Cause    string    `json:"cause"`
	Location string    `json:"location,omitempty"`
	Fixes    []jsonFix `json:"fixes"`
}

type jsonFix struct {
	Description string `json:"description"`
	Location    string `json:"location,omitempty"`
	Snippet     string `json:"snippet"`
}

func diagnosisJSON(d *dns.Diagnosis) *jsonDiagnosis {
	out := &jsonDiagnosis{Kind: d.Kind, Why: d.Expected.Why, Cause: d.Cause, Fixes: []jsonFix{}}
	for _, a := range d.Expected.Addrs {
		out.Expected = append(out.Expected, a.String())
	}
	if !d.CauseLoc.IsZero() {
		out.Location = d.CauseLoc.String()
	}
	for _, f := range d.Fixes {
		fx := jsonFix{Description: f.Description, Snippet: f.Snippet}
		if !f.Loc.IsZero() {
			fx.Location = f.Loc.String()
		}
		out.Fixes = append(out.Fixes, fx)
	}
	return out
}

type jsonRR struct {
	Name string `json:"name"`
	TTL  uint32 `json:"ttl"`
	Type string `json:"type"`
	Data string `json:"data"`
}

type jsonQuery struct {
	Server string `json:"server"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	RCode  string `json:"rcode"`
	At     string `json:"at"`
}

type jsonHop struct {
	Depth    int    `json:"depth"`
	Server   string `json:"server"`
	Question string `json:"question"`
	RCode    string `json:"rcode"`
	Decided  string `json:"decided"`
	Location string `json:"location,omitempty"`
}

func resolveOne(e *dns.Engine, v model.Vantage, asked, name, qtype string) (resolveResult, error) {
	tr := &dns.Trace{}
	out := resolveResult{Vantage: v.String(), Name: asked}
	family := dns.FamilyUnspec
	switch strings.ToUpper(qtype) {
	case "":
	case "A":
		family = dns.FamilyV4
	case "AAAA":
		family = dns.FamilyV6
	case "CNAME", "SRV", "TXT", "PTR", "MX":
		r, err := e.Query(v, dns.Question{Name: name, Type: model.RecordType(strings.ToUpper(qtype))}, tr)
		if err != nil {
			return out, err
		}
		out.Answer = rrs(r.Answer)
		if r.RCode != dns.NoError {
			out.Error = r.RCode.String()
		}
		out.Trace = hops(tr)
		return out, nil
	default:
		return out, fmt.Errorf("--type %q: choose A, AAAA, CNAME, SRV, TXT, PTR or MX", qtype)
	}
	res, err := e.Lookup(v, asked, family, tr)
	if err != nil {
		return out, err
	}
	out.Answer = rrs(res.Answer)
	for _, a := range res.Addrs {
		out.Addrs = append(out.Addrs, a.String())
	}
	out.Error = string(res.Err)
	for _, q := range res.Queries {
		out.Queries = append(out.Queries, jsonQuery{Server: q.Server.String(), Name: q.Question.Name, Type: string(q.Question.Type), RCode: q.Reply.RCode.String(), At: q.At.String()})
	}
	out.Elapsed = res.Elapsed.String()
	out.Trace = hops(tr)
	return out, nil
}

func rrs(in []dns.RR) []jsonRR {
	out := []jsonRR{}
	for _, rr := range in {
		out = append(out, jsonRR{Name: rr.Name + ".", TTL: rr.TTL, Type: string(rr.Type), Data: rdata(rr)})
	}
	return out
}

func rdata(rr dns.RR) string {
	d := rr.Data
	switch rr.Type {
	case model.TypeA, model.TypeAAAA:
		return d.Addr.String()
	case model.TypeMX:
		return fmt.Sprintf("%d %s.", d.Priority, d.Target)
	case model.TypeSRV:
		return fmt.Sprintf("%d %d %d %s.", d.Priority, d.Weight, d.Port, d.Target)
	case model.TypeTXT:
		return fmt.Sprintf("%q", d.Text)
	}
	return d.Target + "."
}

func hops(tr *dns.Trace) []jsonHop {
	var out []jsonHop
	for _, h := range tr.Hops {
		loc := ""
		if !h.Loc.IsZero() {
			loc = h.Loc.String()
		}
		out = append(out, jsonHop{Depth: h.Depth, Server: h.Server, Question: h.Question.String(), RCode: h.RCode.String(), Decided: h.Decided, Location: loc})
	}
	return out
}

func (r resolveResult) text(w io.Writer) {
	fmt.Fprintf(w, ";; %s from %s\n", r.Name, r.Vantage)
	status := "NOERROR"
	if r.Error != "" {
		status = r.Error
	}
	fmt.Fprintf(w, ";; status: %s", status)
	if len(r.Addrs) > 0 {
		fmt.Fprintf(w, ", addresses: %s", strings.Join(r.Addrs, ", "))
	}
	fmt.Fprintln(w)
	if len(r.Answer) > 0 {
		fmt.Fprintln(w, "\n;; ANSWER SECTION:")
		for _, rr := range r.Answer {
			fmt.Fprintf(w, "%s\t%d\tIN\t%s\t%s\n", rr.Name, rr.TTL, rr.Type, rr.Data)
		}
	}
	if len(r.Queries) > 0 {
		fmt.Fprintf(w, "\n;; ON THE WIRE: %d queries, %s\n", len(r.Queries), r.Elapsed)
		for _, q := range r.Queries {
			fmt.Fprintf(w, "  %-8s → %-15s %s. %s  %s\n", q.At, q.Server, q.Name, q.Type, q.RCode)
		}
	}
	if d := r.Diagnosis; d != nil {
		fmt.Fprintf(w, "\n;; DIAGNOSIS: %s — expected %s\n", d.Kind, strings.Join(d.Expected, ", "))
		fmt.Fprintf(w, ";;   why: %s\n", d.Why)
		fmt.Fprintf(w, ";;   cause: %s", d.Cause)
		if d.Location != "" {
			fmt.Fprintf(w, " (%s)", d.Location)
		}
		fmt.Fprintln(w)
		if len(d.Fixes) == 0 {
			fmt.Fprintln(w, ";;   no fix aksnet proposes made the answer right")
		}
		for _, f := range d.Fixes {
			fmt.Fprintf(w, ";;   verified fix: %s", f.Description)
			if f.Location != "" {
				fmt.Fprintf(w, " (at %s)", f.Location)
			}
			fmt.Fprintln(w)
			for _, l := range strings.Split(f.Snippet, "\n") {
				fmt.Fprintf(w, ";;       %s\n", l)
			}
		}
	}
	fmt.Fprintln(w, "\n;; PATH:")
	for _, h := range r.Trace {
		fmt.Fprintf(w, "  %s%s: %s → %s: %s", strings.Repeat("  ", h.Depth), h.Server, h.Question, h.RCode, h.Decided)
		if h.Location != "" {
			fmt.Fprintf(w, " (%s)", h.Location)
		}
		fmt.Fprintln(w)
	}
}
