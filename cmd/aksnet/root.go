package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/examples"
	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
	"github.com/aksnet/aksnet/internal/tfimport"
)

// globals are the flags every command shares.
type globals struct {
	file string
	// terraform are plan or state files (--terraform, repeatable); with -f
	// the topology file completes them (docs/import.md).
	terraform []string
	// k8s are Kubernetes manifest files or folders (--k8s, repeatable),
	// attached to the cluster named by cluster (--cluster).
	k8s     []string
	cluster string
	// imported describes the Terraform files of the last load.
	imported []tfimport.FileSummary
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
	root.PersistentFlags().StringArrayVar(&g.terraform, "terraform", nil, "Terraform plan or state to read the estate from (terraform show -json output, or a terraform.tfstate); repeatable; -f completes it")
	root.PersistentFlags().StringArrayVar(&g.k8s, "k8s", nil, "Kubernetes manifests (a file or a folder, Corefiles too) of the cluster named by --cluster; repeatable")
	root.PersistentFlags().StringVar(&g.cluster, "cluster", "", "the AKS cluster --k8s manifests belong to (default: the estate's only cluster)")
	root.AddCommand(newVersionCmd(), newShowCmd(g), newVantagesCmd(g), newKBCmd(), newSchemaCmd(), newGenerateCmd(), newResolveCmd(g), newPlanCmd(g), newCheckCmd(g), newPolicyCmd(g), newServeCmd(g), newImportCmd(g), newReachCmd(g))
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

// load reads the estate: the Terraform files of --terraform, completed by
// the topology file of -f (docs/import.md), or the topology file of -f, or
// the embedded default; then the --k8s manifests. Every load error is
// printed with its location, and so is every import warning (what was not
// imported, what was assumed); any error stops the command with exit code
// 2, since an engine must not run on a partial model.
func (g *globals) load(stderr io.Writer) (*model.Topology, error) {
	var (
		t    *model.Topology
		errs model.ErrorList
	)
	switch {
	case len(g.terraform) > 0:
		est, e := tfimport.Load(load.OSFiles{}, tfimport.Sources{Topology: g.file, Terraform: g.terraform, Kubernetes: g.k8s, Cluster: g.cluster})
		errs = e
		if est != nil {
			t, g.imported = est.Topology, est.Files
			printWarnings(stderr, est.Warnings)
		}
	case g.file == "":
		t, errs = load.Topology(load.FSFiles{FS: examples.FS}, examples.Default)
	default:
		t, errs = load.Topology(load.OSFiles{}, g.file)
	}
	if len(errs) == 0 && len(g.terraform) == 0 {
		errs = tfimport.AttachKubernetes(load.OSFiles{}, t, g.k8s, g.cluster)
	}
	if len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintln(stderr, e)
		}
		return nil, &exitError{code: 2, msg: fmt.Sprintf("aksnet: %d error(s) in the topology; nothing was evaluated", len(errs))}
	}
	return t, nil
}

// printWarnings prints import warnings as compilers do: LOCATION: warning: MESSAGE.
func printWarnings(w io.Writer, warns model.ErrorList) {
	for _, e := range warns {
		msg := e.Msg
		if e.Hint != "" {
			msg += " (" + e.Hint + ")"
		}
		fmt.Fprintf(w, "%s: warning: %s\n", e.Loc, msg)
	}
}

// source names the topology for headers.
func (g *globals) source() string {
	switch {
	case len(g.terraform) > 0 && g.file != "":
		return strings.Join(g.terraform, ", ") + " with " + g.file
	case len(g.terraform) > 0:
		return strings.Join(g.terraform, ", ")
	case g.file == "":
		return "embedded examples/" + examples.Default
	}
	return g.file
}
