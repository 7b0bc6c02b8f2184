package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/internal/gen"
)

func newGenerateCmd() *cobra.Command {
	p := gen.Params{Seed: 1}
	var force bool
	cmd := &cobra.Command{
		Use:   "generate DIR",
		Short: "Write a synthetic hub-and-spoke estate, for trying aksnet at scale",
		Long: `generate writes DIR/topology.yaml and DIR/k8s/*.yaml: a hub with a firewall,
a VPN gateway and a DNS Private Resolver, N spokes peered to it, private
endpoints (PostgreSQL, Key Vault, blob, ACR) with their zones, private AKS
clusters with workloads, an on-prem site and an AWS VPC. The same parameters
give the same files. It never overwrites existing files without --force.`,
		Example: `  # The benchmark estate: 1,000 spokes, 10,000 private endpoints, 100 clusters
  aksnet generate /tmp/estate --spokes 1000 --endpoints-per-spoke 10 --clusters 100 --services 10
  aksnet show -f /tmp/estate/topology.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			files, err := gen.Generate(p)
			if err != nil {
				return &exitError{code: 2, msg: "aksnet generate: " + err.Error()}
			}
			if !force {
				var existing []string
				for name := range files {
					target := filepath.Join(dir, filepath.FromSlash(name))
					if _, err := os.Stat(target); err == nil {
						existing = append(existing, target)
					} else if !errors.Is(err, fs.ErrNotExist) {
						return &exitError{code: 2, msg: fmt.Sprintf("aksnet generate: %s: %v", target, err)}
					}
				}
				if len(existing) > 0 {
					slices.Sort(existing)
					return &exitError{code: 2, msg: fmt.Sprintf("aksnet generate: %s already exists (and %d more); nothing was written (use --force to overwrite)", existing[0], len(existing)-1)}
				}
			}
			if err := gen.WriteDir(p, dir); err != nil {
				return &exitError{code: 2, msg: "aksnet generate: " + err.Error()}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d files to %s (%d spokes, %d private endpoints, %d clusters)\n",
				len(files), dir, p.Spokes, p.Spokes*p.EndpointsPerSpoke, p.Clusters)
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&p.Spokes, "spokes", 10, "spoke VNets peered to the hub")
	f.IntVar(&p.EndpointsPerSpoke, "endpoints-per-spoke", 4, "private endpoints in each spoke")
	f.IntVar(&p.Clusters, "clusters", 2, "AKS clusters, one per spoke from the first")
	f.IntVar(&p.ServicesPerCluster, "services", 3, "Services (each with a Deployment) per cluster")
	f.Int64Var(&p.Seed, "seed", 1, "seed of the names and sizes that vary")
	f.BoolVar(&force, "force", false, "overwrite existing files")
	return cmd
}
