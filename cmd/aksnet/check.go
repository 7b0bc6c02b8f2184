package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/internal/check"
	"github.com/aksnet/aksnet/internal/model"
)

func newCheckCmd(g *globals) *cobra.Command {
	var (
		output  string
		minSev  string
		rules   []string
		explain string
	)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check a topology against the platforms' rules and known pitfalls",
		Long: `check reports, before anything is deployed, what Azure and AKS would refuse
and what would silently break: address overlaps and sizing, network plugin
and policy engine combinations, private cluster and outbound settings, load
balancer Services, peering and routing. Each finding names its rule, where
to change the topology (file:line:column, or the Terraform address), why it
matters with its source, and how to fix it. docs/rules/README.md lists the
rules; --explain ID prints one rule's page.

Output (-o): text groups the findings by severity, one line each with an
indented why and fix; json is one document for scripts; sarif is SARIF
2.1.0, for GitHub code scanning and other viewers.

--min-severity (error, warning or info; default info) hides findings below
it. --rule runs only the rules named, by ID (NET001) or family (NET, AKS,
LB, PEER, RT, DNS); it may be repeated.

Exit status: 0 when no finding is at or above the failing severity; 1 when
one is — the failing severity is warning, or --min-severity when that is
higher (info findings never fail a run); 2 for a usage or input error (an
unknown rule or flag, a topology that does not load).`,
		Example: `  # Check the embedded Contoso estate
  aksnet check

  # Your topology, errors only, as SARIF for code scanning
  aksnet check -f topology.yaml --min-severity error -o sarif > aksnet.sarif

  # Only the addressing rules and one routing rule
  aksnet check -f topology.yaml --rule NET --rule RT006

  # What a rule checks, why, and how to fix it
  aksnet check --explain NET003`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if explain != "" {
				r := check.Lookup(explain)
				if r == nil {
					_, err := check.Select([]string{explain})
					return &exitError{code: 2, msg: "aksnet check: --explain: " + errText(err, explain)}
				}
				_, err := io.WriteString(cmd.OutOrStdout(), check.Doc(r))
				return err
			}
			minLevel, err := check.ParseSeverity(minSev)
			if err != nil {
				return &exitError{code: 2, msg: "aksnet check: --min-severity: " + err.Error()}
			}
			switch output {
			case "text", "json", "sarif":
			default:
				return &exitError{code: 2, msg: fmt.Sprintf("aksnet check: -o %q: choose text, json or sarif", output)}
			}
			selected, err := check.Select(rules)
			if err != nil {
				return &exitError{code: 2, msg: "aksnet check: --rule: " + err.Error()}
			}
			t, err := g.load(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			reload := func() (*model.Topology, error) { return g.load(io.Discard) }
			res, err := check.Run(t, check.Options{Rules: selected, Reload: reload})
			if err != nil {
				return &exitError{code: 2, msg: "aksnet check: " + err.Error()}
			}
			res.Findings = res.AtLeast(minLevel)
			subj := check.Subject{Topology: t.Metadata.Name, Source: g.source()}
			w := cmd.OutOrStdout()
			switch output {
			case "json":
				err = check.WriteJSON(w, subj, res)
			case "sarif":
				err = check.WriteSARIF(w, res)
			default:
				err = check.WriteText(w, subj, res)
			}
			if err != nil {
				return err
			}
			failing := max(minLevel, check.Warning)
			if n := len(res.AtLeast(failing)); n > 0 {
				return &exitError{code: 1, msg: fmt.Sprintf("aksnet check: %d finding(s) at or above %s", n, failing)}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "text", "output format: text, json or sarif")
	f.StringVar(&minSev, "min-severity", "info", "report findings of this severity and above: error, warning or info")
	f.StringArrayVar(&rules, "rule", nil, "run only this rule (ID such as NET001, or a family such as NET); repeatable")
	f.StringVar(&explain, "explain", "", "print the documentation of a rule (e.g. NET003) and exit")
	return cmd
}

func errText(err error, id string) string {
	if err != nil {
		return err.Error()
	}
	// A family name is a valid --rule but not a rule to explain.
	return fmt.Sprintf("%q is a family, not a rule; give a rule ID such as %s001", id, id)
}
