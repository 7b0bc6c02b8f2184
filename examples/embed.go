// Package examples holds the topologies users can read; the Contoso estate
// is embedded in the binary and used when no -f is given.
package examples

import "embed"

// FS holds the example estates.
//
//go:embed contoso
var FS embed.FS

// Default is the path of the embedded default topology inside FS.
const Default = "contoso/topology.yaml"
