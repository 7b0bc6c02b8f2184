package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/internal/model"
)

func newVantagesCmd(g *globals) *cobra.Command {
	var why bool
	cmd := &cobra.Command{
		Use:   "vantages [VANTAGE...]",
		Short: "List the places questions can be asked from, with their resolv.conf",
		Long: `A vantage is where a question is asked from:

  pod:CLUSTER/NAMESPACE[/POD]   a pod (POD names a Pod or a controller's pods)
  node:CLUSTER                  a node of the cluster
  vm:NAME                       an Azure VM or an EC2 instance
  host:SITE[/NAME]              an on-prem host
  internet                      a client on the public internet

Without arguments, vantages lists every vantage of the topology. With
vantages, it prints the resolv.conf each one gets, derived as the platform
writes it (kubelet's dnsPolicy rules, Azure DHCP, the VPC's DHCP options).`,
		Example: `  # Every vantage of the embedded estate
  aksnet vantages

  # The resolv.conf of the bunny pods, and why
  aksnet vantages pod:aks-prod/bunny/bunny --why`,
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := g.load(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if len(args) == 0 {
				for _, v := range t.Vantages() {
					fmt.Fprintln(out, v)
				}
				return nil
			}
			for i, a := range args {
				v, err := model.ParseVantage(a)
				if err != nil {
					return &exitError{code: 2, msg: "aksnet vantages: " + err.Error()}
				}
				rc, err := t.ResolvConf(v)
				if err != nil {
					return &exitError{code: 2, msg: "aksnet vantages: " + err.Error()}
				}
				if i > 0 {
					fmt.Fprintln(out)
				}
				fmt.Fprintf(out, "# %s (%s resolver)\n", v, rc.Resolver)
				if why {
					for _, w := range rc.Why {
						fmt.Fprintf(out, "# - %s\n", w)
					}
				}
				fmt.Fprint(out, rc)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&why, "why", false, "explain where each line comes from")
	return cmd
}
