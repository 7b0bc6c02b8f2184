package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/internal/model"
)

// version is set by the release build (-ldflags "-X main.version=v1.2.3").
var version = ""

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print aksnet's version and the topology format it reads",
		Example: `  aksnet version
  # aksnet (devel) (topology apiVersion aksnet.dev/v1alpha1, go1.26.8)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, goVersion := version, ""
			if bi, ok := debug.ReadBuildInfo(); ok {
				goVersion = bi.GoVersion
				if v == "" {
					v = bi.Main.Version
				}
			}
			if v == "" {
				v = "(devel)"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "aksnet %s (topology apiVersion %s, %s)\n", v, model.APIVersion, goVersion)
			return nil
		},
	}
}
