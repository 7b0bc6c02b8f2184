package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/internal/corefile"
	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

func newImportCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Read an estate from Terraform or Kubernetes manifests and write it as a topology file",
		Long: `import reads what a team already has — Terraform plans and state, Kubernetes
manifests — and writes the topology file aksnet would read from them, so it
can be reviewed and completed by hand. Every command also reads Terraform
directly (--terraform) and Kubernetes manifests (--k8s); import shows what they
make of them. docs/import.md lists what is read.`,
		Example: `  # A plan, as terraform show -json prints it, to a topology file
  terraform show -json tfplan > plan.json
  aksnet import terraform plan.json -o topology.yaml

  # What the manifests of a folder hold, attached to a cluster of the plan
  aksnet import k8s k8s/ --cluster aks-prod --terraform plan.json`,
	}
	cmd.AddCommand(newImportTerraformCmd(g), newImportK8sCmd(g))
	return cmd
}

// writeFlags are the flags of the import commands that write a topology.
type writeFlags struct {
	output string
	force  bool
}

func (w *writeFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&w.output, "output", "o", "", "write the topology to this file instead of standard output")
	cmd.Flags().BoolVar(&w.force, "force", false, "overwrite the output file if it exists")
}

func newImportTerraformCmd(g *globals) *cobra.Command {
	var w writeFlags
	cmd := &cobra.Command{
		Use:   "terraform FILE...",
		Short: "Write the topology that Terraform plans or state describe",
		Long: `import terraform reads terraform show -json output (of a plan file or of the
state) or raw terraform.tfstate files, and writes the topology they describe.
Several files are imported together, so a spoke's state may name the hub of
another. With -f, the topology file completes the import (on-prem sites,
VPN connections, Kubernetes manifests…), and the written file holds both.

What aksnet does not model, what references lead nowhere, and the addresses
Azure assigns only at apply time, which aksnet assumes, are printed as
warnings with their Terraform addresses; each written element carries its
address as a comment. It never overwrites a file without --force.`,
		Example: `  # A plan of new resources: IDs known only after apply are linked through
  # the configuration's references, across modules
  aksnet import terraform plan.json -o topology.yaml

  # A hub's and a spoke's state, completed by what Terraform cannot know
  aksnet import terraform hub.tfstate spoke.json -f onprem.yaml -o estate.yaml --force`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			g.terraform = append(append([]string{}, args...), g.terraform...)
			return runImport(cmd, g, w, nil)
		},
	}
	w.add(cmd)
	return cmd
}

func newImportK8sCmd(g *globals) *cobra.Command {
	var w writeFlags
	cmd := &cobra.Command{
		Use:   "k8s PATH...",
		Short: "Attach Kubernetes manifests to a cluster and summarise what they hold",
		Long: `import k8s reads Kubernetes manifests — files or folders of multi-document
YAML, JSON, kind: List — and Corefiles or coredns-custom key files
(NAME.server, NAME.override), attaches them to the cluster named by --cluster
(the estate's only cluster by default), and prints what aksnet read: objects
by kind, Ingress and ExternalDNS hostnames, coredns-custom keys, and every
object of a kind it does not model, listed as skipped. With -o it writes the
topology with the cluster's manifests listed, relative to the written file.`,
		Example: `  # The manifests of a cluster of your topology
  aksnet import k8s k8s/ --cluster aks-prod -f topology.yaml

  # Attached to a cluster of a plan, written out
  aksnet import k8s k8s/ --cluster aks-prod --terraform plan.json -o topology.yaml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			g.k8s = append(append([]string{}, args...), g.k8s...)
			return runImport(cmd, g, w, summariseKubernetes)
		},
	}
	w.add(cmd)
	return cmd
}

// runImport loads the estate and writes it (to -o or standard output), or,
// for import k8s without -o, only summarises it.
func runImport(cmd *cobra.Command, g *globals, w writeFlags, summary func(io.Writer, io.Writer, *model.Topology, *globals) error) error {
	name := cmd.CommandPath()
	if w.output != "" && g.file == "" && len(g.terraform) == 0 {
		return &exitError{code: 2, msg: fmt.Sprintf("%s: -o writes the estate with its manifests, and the embedded one's cannot be named from a file; give the estate with -f or --terraform", name)}
	}
	if w.output != "" && !w.force {
		if _, err := os.Stat(w.output); err == nil {
			return &exitError{code: 2, msg: fmt.Sprintf("%s: %s already exists; nothing was written (use --force to overwrite)", name, w.output)}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return &exitError{code: 2, msg: fmt.Sprintf("%s: %s: %v", name, w.output, err)}
		}
	}
	t, err := g.load(cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	for _, f := range g.imported {
		fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s of Terraform %s: %d resource instances, %d imported\n", f.Name, f.Format, orUnknown(f.TerraformVersion), f.Resources, f.Imported)
	}
	if summary != nil {
		if err := summary(cmd.OutOrStdout(), cmd.ErrOrStderr(), t, g); err != nil {
			return err
		}
		if w.output == "" {
			return nil
		}
	}
	dest := w.output
	if err := rebaseManifests(t, g, dest); err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("%s: %v", name, err)}
	}
	out, err := load.Encode(t, header(g))
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("%s: %v", name, err)}
	}
	if dest == "" {
		_, err := cmd.OutOrStdout().Write(out)
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("%s: %v", name, err)}
	}
	if err := os.WriteFile(dest, out, 0o644); err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("%s: %v", name, err)}
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s\n", dest)
	return nil
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown version)"
	}
	return s
}

// header is the comment that opens a written topology.
func header(g *globals) string {
	var from []string
	from = append(from, g.terraform...)
	if g.file != "" {
		from = append(from, g.file)
	}
	from = append(from, g.k8s...)
	return "Written by aksnet import from " + strings.Join(from, ", ") + ".\n" +
		"Comments name the Terraform address each element comes from.\n" +
		"Reference: docs/topology.md; how it was read: docs/import.md."
}

// rebaseManifests makes the cluster's manifest paths — the topology file's,
// relative to it, and --k8s's, relative to the working folder — relative to
// the file written (or to the working folder, for standard output).
func rebaseManifests(t *model.Topology, g *globals, dest string) error {
	destDir := "."
	if dest != "" {
		destDir = filepath.Dir(dest)
	}
	rel := func(p string) (string, error) {
		abs, err := filepath.Abs(p)
		if err != nil {
			return "", err
		}
		base, err := filepath.Abs(destDir)
		if err != nil {
			return "", err
		}
		r, err := filepath.Rel(base, abs)
		if err != nil {
			return abs, nil
		}
		return filepath.ToSlash(r), nil
	}
	for _, c := range t.Azure.Clusters {
		var ms []string
		for _, m := range c.Kubernetes.Manifests {
			p := m
			if !filepath.IsAbs(m) && g.file != "" {
				p = filepath.Join(filepath.Dir(g.file), m)
			}
			r, err := rel(p)
			if err != nil {
				return err
			}
			ms = append(ms, r)
		}
		if attachedTo(t, g) == c {
			for _, k := range g.k8s {
				r, err := rel(k)
				if err != nil {
					return err
				}
				ms = append(ms, r)
			}
		}
		c.Kubernetes.Manifests = ms
	}
	return nil
}

// attachedTo is the cluster --k8s manifests went to.
func attachedTo(t *model.Topology, g *globals) *model.Cluster {
	if len(g.k8s) == 0 {
		return nil
	}
	if g.cluster != "" {
		return model.Lookup[model.Cluster](t, g.cluster)
	}
	if len(t.Azure.Clusters) == 1 {
		return t.Azure.Clusters[0]
	}
	return nil
}

// summariseKubernetes prints what the cluster's manifests hold, and checks
// the CoreDNS configuration they make: a Corefile CoreDNS would refuse is
// an error, as CoreDNS's pods would not start.
func summariseKubernetes(w, stderr io.Writer, t *model.Topology, g *globals) error {
	c := attachedTo(t, g)
	if c == nil || c.Objects == nil {
		return nil
	}
	cfg, errs := corefile.Load(corefile.AKSDefault(), c.CoreDNSCustom, c.CoreDNSCustomLoc, c.Loc)
	if len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintln(stderr, e)
		}
		return &exitError{code: 2, msg: fmt.Sprintf("aksnet: %d error(s) in the CoreDNS configuration of cluster %s", len(errs), c.Name)}
	}
	printWarnings(stderr, cfg.Warnings)
	o := c.Objects
	fmt.Fprintf(w, "Cluster %s\n", c.Name)
	kinds := map[string]int{}
	for _, wl := range o.Workloads {
		kinds[wl.Kind]++
	}
	counts := []struct {
		what string
		n    int
	}{{"Namespaces", len(o.Namespaces)}, {"Services", len(o.Services)}, {"Endpoints", len(o.Endpoints)},
		{"EndpointSlices", len(o.EndpointSlices)}, {"NetworkPolicies", len(o.NetworkPolicies)}, {"Ingresses", len(o.Ingresses)}}
	for _, k := range sortedKeys(kinds) {
		counts = append(counts, struct {
			what string
			n    int
		}{k + " (pods)", kinds[k]})
	}
	for _, c := range counts {
		if c.n > 0 {
			fmt.Fprintf(w, "  %-22s %d\n", c.what, c.n)
		}
	}
	for _, in := range o.Ingresses {
		if hs := in.Hostnames(); len(hs) > 0 {
			fmt.Fprintf(w, "  Ingress %s/%s: %s\n", in.Namespace, in.Name, strings.Join(hs, ", "))
		}
	}
	for _, s := range o.Services {
		if hs := model.ExternalDNSHostnames(s.Annotations); len(hs) > 0 {
			fmt.Fprintf(w, "  Service %s/%s (ExternalDNS): %s\n", s.Namespace, s.Name, strings.Join(hs, ", "))
		}
	}
	if len(c.CoreDNSCustom) > 0 {
		fmt.Fprintf(w, "  coredns-custom keys: %s\n", strings.Join(sortedKeys(c.CoreDNSCustom), ", "))
		var blocks []string
		for _, s := range cfg.Servers {
			var zs []string
			for _, z := range s.Zones {
				zs = append(zs, z+".")
			}
			blocks = append(blocks, strings.Join(zs, " ")+":"+s.Port)
		}
		fmt.Fprintf(w, "  CoreDNS server blocks: %s\n", strings.Join(blocks, ", "))
	}
	if len(o.Skipped) > 0 {
		fmt.Fprintf(w, "Skipped (%d, kinds aksnet does not model):\n", len(o.Skipped))
		byKind := map[string]int{}
		for _, s := range o.Skipped {
			byKind[s.Kind]++
		}
		for _, k := range sortedKeys(byKind) {
			fmt.Fprintf(w, "  %-22s %d\n", k, byKind[k])
		}
		for _, s := range o.Skipped {
			name := s.Name
			if s.Namespace != "" {
				name = s.Namespace + "/" + s.Name
			}
			fmt.Fprintf(w, "  %s %s %s (%s)\n", s.Loc, s.Kind, name, s.APIVersion)
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
