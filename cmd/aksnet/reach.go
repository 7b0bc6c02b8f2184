package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/netip"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/internal/check"
	"github.com/aksnet/aksnet/internal/dns"
	"github.com/aksnet/aksnet/internal/model"
	"github.com/aksnet/aksnet/internal/reach"
)

func newReachCmd(g *globals) *cobra.Command {
	var from, to, output string
	var downs []string
	cmd := &cobra.Command{
		Use:   "reach --from VANTAGE --to NAME_OR_IP:PORT[/PROTO]",
		Short: "Say whether a vantage can open a connection to an address and port, and what decides",
		Long: `reach answers the question of nc -zv offline: can a process at the vantage open
a connection to NAME_OR_IP:PORT (tcp unless /udp or /sctp), and if not, what stops it?

It resolves the name with the DNS engine first (so a name that leaks to a
public address shows as refused when public network access is disabled),
then follows the packet: the source subnet's NSG, its effective routes
(user-defined routes by longest prefix over the gateway's and the system
routes; next hops VnetLocal, VNetPeering, VirtualAppliance, VirtualNetworkGateway,
Internet, None), appliances and peering with allowForwardedTraffic, VPN and
ExpressRoute to on-prem and AWS, the destination subnet's NSG; then a
Service's ports and backends, a LoadBalancer (internal or public,
externalTrafficPolicy), a private cluster's API server, and the network
policies of both ends. Every hop names what allowed or blocked it, with its
file:line.

--to service:[CLUSTER/]NS/NAME:PORT asks for a LoadBalancer Service's
frontend: when the design checks find why it would stay <pending>, those are
the answer.

Exit status: 0 reachable, 1 blocked, 2 usage or input error.`,
		Example: `  # Seed 003 scenario 3: bunny cannot reach the backend API
  aksnet reach --from pod:aks-prod/bunny/bunny --to api.backend:8080

  # A private endpoint whose name leaks to the public address
  aksnet reach --from pod:aks-prod/backend/api --to kv-contoso-prod.vault.azure.net:443

  # An internal LoadBalancer Service from the hub's jumpbox
  aksnet reach --from vm:jumpbox --to service:frontend/web:80`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == "" || to == "" {
				return &exitError{code: 2, msg: "aksnet reach: --from VANTAGE and --to NAME_OR_IP:PORT are both required"}
			}
			if output != "text" && output != "json" {
				return &exitError{code: 2, msg: fmt.Sprintf("aksnet reach: -o %q: choose text or json", output)}
			}
			v, err := model.ParseVantage(from)
			if err != nil {
				return &exitError{code: 2, msg: "aksnet reach: " + err.Error()}
			}
			target, err := reach.ParseTarget(to)
			if err != nil {
				return &exitError{code: 2, msg: "aksnet reach: " + err.Error()}
			}
			t, err := g.load(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			for _, d := range downs {
				if model.Lookup[model.Connection](t, d) == nil {
					return &exitError{code: 2, msg: fmt.Sprintf("aksnet reach: --down %q is not a connection of the topology", d)}
				}
			}
			e, errs := dns.New(t, nil, downs)
			if len(errs) > 0 {
				for _, e := range errs {
					fmt.Fprintln(cmd.ErrOrStderr(), e)
				}
				return &exitError{code: 2, msg: "aksnet reach: the topology's DNS configuration has errors"}
			}
			r := reach.NewEngine(t, e.Networks(), DNSResolver(e))
			r.Pending = pendingFromChecks(t)
			ans, err := r.Reach(v, target)
			if err != nil {
				return &exitError{code: 2, msg: "aksnet reach: " + err.Error()}
			}
			out := cmd.OutOrStdout()
			if output == "json" {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(ans); err != nil {
					return err
				}
			} else {
				printReach(out, ans)
			}
			if !ans.Reachable {
				return &exitError{code: 1}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "vantage: pod:CLUSTER/NS/POD, node:CLUSTER, vm:NAME, host:SITE[/NAME], internet")
	f.StringVar(&to, "to", "", "NAME_OR_IP:PORT[/PROTO], or service:[CLUSTER/]NS/NAME:PORT for a LoadBalancer's frontend")
	f.StringArrayVar(&downs, "down", nil, "a connection to treat as cut (repeatable)")
	f.StringVarP(&output, "output", "o", "text", "text or json")
	return cmd
}

// DNSResolver adapts the DNS engine to reach: an IPv4 lookup as
// getaddrinfo does from the vantage, with the diagnosis's cause on failure.
func DNSResolver(e *dns.Engine) reach.Resolver {
	return func(v model.Vantage, name string) (reach.Resolution, error) {
		res, err := e.Lookup(v, name, dns.FamilyV4, nil)
		if err != nil {
			return reach.Resolution{}, err
		}
		out := reach.Resolution{Name: res.Name}
		for _, a := range res.Addrs {
			if a.Is4() {
				out.Addrs = append(out.Addrs, a)
			}
		}
		if len(out.Addrs) == 0 {
			out.Failure = string(res.Err)
			if out.Failure == "" {
				out.Failure = "no IPv4 address"
			}
			tr := &dns.Trace{}
			if r2, err := e.Lookup(v, name, dns.FamilyV4, tr); err == nil && len(r2.Why) > 0 {
				out.Failure += ": " + r2.Why[len(r2.Why)-1]
			}
		}
		return out, nil
	}
}

// pendingFromChecks explains a LoadBalancer Service stuck <pending> with
// the design checks that find it offline (aks-rules.md rules 28–31: LB002
// to LB005), and an outbound path the cluster cannot use (AKS020).
func pendingFromChecks(t *model.Topology) reach.PendingCauses {
	var findings []check.Finding
	ran := false
	return func(c *model.Cluster, s *model.Service) []reach.Hop {
		if !ran {
			ran = true
			var rules []*check.Rule
			for _, id := range []string{"LB002", "LB003", "LB004", "LB005", "AKS020"} {
				if r := check.Lookup(id); r != nil {
					rules = append(rules, r)
				}
			}
			if res, err := check.Run(t, check.Options{Rules: rules}); err == nil {
				findings = res.Findings
			}
		}
		var hops []reach.Hop
		for _, f := range findings {
			if f.Loc != s.Loc && f.Loc != c.Loc {
				continue
			}
			what := fmt.Sprintf("stays <pending>: %s [%s]", f.Message, f.Rule.ID)
			if f.Fix != "" {
				what += "; fix: " + f.Fix
			}
			hops = append(hops, reach.Hop{Step: "service", What: what, Loc: f.Loc})
		}
		return hops
	}
}

// printReach prints an answer hop by hop.
func printReach(w io.Writer, a *reach.Answer) {
	verdict := "REACHABLE"
	if !a.Reachable {
		verdict = "BLOCKED"
	}
	to := a.To
	if a.Addr != "" {
		if ap, err := netip.ParseAddr(a.Addr); err == nil {
			to += " (" + ap.String() + ")"
		}
	}
	fmt.Fprintf(w, "%s → %s: %s\n", a.From, to, verdict)
	for _, h := range a.Hops {
		mark := map[string]string{"pass": "✓", "block": "✗", "note": "·"}[h.Verdict]
		fmt.Fprintf(w, "  %s %-9s %s", mark, h.Step, h.What)
		if !h.Loc.IsZero() {
			fmt.Fprintf(w, " (%s)", h.Loc)
		}
		fmt.Fprintln(w)
	}
	if a.Fix != "" {
		fmt.Fprintf(w, "  fix: %s\n", a.Fix)
	}
}
