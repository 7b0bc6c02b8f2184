package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/internal/kb"
)

func newKBCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kb",
		Short: "Print the platform facts aksnet encodes",
		Example: `  # Private DNS zones per resource type and subresource
  aksnet kb privatelink

  # Only Key Vault
  aksnet kb privatelink Microsoft.KeyVault/vaults

  # The CNI modes' properties
  aksnet kb cni`,
	}
	cmd.AddCommand(&cobra.Command{
		Use:     "privatelink [RESOURCE_TYPE]",
		Short:   "The private endpoint DNS zone table (learn.microsoft.com/azure/private-link/private-endpoint-dns)",
		Example: `  aksnet kb privatelink Microsoft.DBforPostgreSQL/flexibleServers`,
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "RESOURCE TYPE\tSUBRESOURCE\tPRIVATE ZONES\tPUBLIC NAMES")
			n := 0
			for _, z := range kb.PrivateLinkZones() {
				if len(args) == 1 && !strings.EqualFold(z.ResourceType, args[0]) {
					continue
				}
				n++
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", z.ResourceType, z.Subresource, strings.Join(z.PrivateZones, ", "), strings.Join(z.PublicForwarders, ", "))
			}
			tw.Flush()
			if n == 0 {
				return &exitError{code: 2, msg: fmt.Sprintf("aksnet kb privatelink: no resource type %q; run without an argument to list them", args[0])}
			}
			return nil
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:     "cni",
		Short:   "The AKS CNI modes: default and maximum pods, node limits, policy engines, Windows",
		Example: `  aksnet kb cni`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "MODE\tTITLE\tDEFAULT MAXPODS\tMAXPODS RANGE\tMAX NODES\tPOLICY ENGINES\tWINDOWS")
			for _, m := range kb.CNIModes() {
				p, _ := kb.CNI(m)
				def := fmt.Sprint(p.DefaultMaxPods)
				if p.DefaultMaxPods == 0 {
					def = "state it"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d–%d\t%d\t%s\t%v\n", m, p.Title, def, p.MinMaxPods, p.MaxMaxPods, p.MaxNodes, strings.Join(p.PolicyEngines, ", "), p.Windows)
			}
			return tw.Flush()
		},
	})
	return cmd
}
