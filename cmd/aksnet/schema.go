package main

import (
	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/internal/schema"
)

func newSchemaCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the topology file",
		Long: `schema prints the JSON Schema (draft 2020-12) of the topology file, generated
from the same definitions the loader reads, so editors can validate and
complete topology files as you type. The same schema is in
docs/schema/topology.schema.json.`,
		Example: `  # Save it and point your editor at it (VS Code with the YAML extension):
  aksnet schema > topology.schema.json
  # then start topology.yaml with:
  # yaml-language-server: $schema=./topology.schema.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := schema.JSON()
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(b)
			return err
		},
	}
}
