package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/examples"
	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

// globals are the flags every command shares.
type globals struct {
	file string
}

func newRootCmd() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "aksnet",
		Short: "An offline twin of an AKS estate's private network",
		Long: `aksnet models an AKS estate's private network — VNets, peering, private DNS
zones and links, DNS Private Resolvers, custom DNS servers, CoreDNS, VPNs to
on-prem and AWS — and answers questions about it before anything is deployed.

Without -f it uses the embedded Contoso estate (examples/contoso), which has
one deliberate mistake to find.`,
		Example: `  # Summarise the embedded example estate
  aksnet show

  # Summarise your own topology
  aksnet show -f topology.yaml`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVarP(&g.file, "file", "f", "", "topology file (default: the embedded Contoso estate)")
	root.AddCommand(newVersionCmd(), newShowCmd(g), newVantagesCmd(g), newKBCmd(), newSchemaCmd(), newGenerateCmd(), newResolveCmd(g))
	// cobra's completion command, with an example like every other.
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Example = `  # Bash, for the current shell
  source <(aksnet completion bash)`
		}
	}
	return root
}

// load reads the topology named by -f, or the embedded default. Every load
// error is printed with its location; any error stops the command with exit
// code 2, since an engine must not run on a partial model.
func (g *globals) load(stderr io.Writer) (*model.Topology, error) {
	var (
		t    *model.Topology
		errs model.ErrorList
	)
	if g.file == "" {
		t, errs = load.Topology(load.FSFiles{FS: examples.FS}, examples.Default)
	} else {
		t, errs = load.Topology(load.OSFiles{}, g.file)
	}
	if len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintln(stderr, e)
		}
		return nil, &exitError{code: 2, msg: fmt.Sprintf("aksnet: %d error(s) in the topology; nothing was evaluated", len(errs))}
	}
	return t, nil
}

// source names the topology for headers.
func (g *globals) source() string {
	if g.file == "" {
		return "embedded examples/" + examples.Default
	}
	return g.file
}
