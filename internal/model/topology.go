// Package model is aksnet's typed picture of an estate: Azure and AWS
// networks, DNS authorities and servers, clusters and their Kubernetes
// objects, on-prem sites and the internet. Every engine reads it; none parses
// files. The loader fills it from YAML (or an importer from Terraform), then
// Link resolves names into pointers and Validate checks what a platform would
// refuse.
package model

// APIVersion is the topology file format this build reads.
const APIVersion = "aksnet.dev/v1alpha1"

// Topology is one estate. Its YAML form is the topology file (docs/topology.md).
type Topology struct {
	APIVersion string   `yaml:"apiVersion" jsonschema:"required,enum=aksnet.dev/v1alpha1" jsonschema_description:"Format version of this file. Only aksnet.dev/v1alpha1 exists."`
	Kind       string   `yaml:"kind" jsonschema:"required,enum=Topology" jsonschema_description:"Always Topology."`
	Metadata   Metadata `yaml:"metadata" jsonschema:"required" jsonschema_description:"Name and description of the estate."`
	Azure      Azure    `yaml:"azure,omitempty" jsonschema_description:"Azure networks, DNS, endpoints, PaaS resources and AKS clusters."`
	AWS        AWS      `yaml:"aws,omitempty" jsonschema_description:"AWS VPCs, Route 53 private hosted zones and Resolver."`
	OnPrem     OnPrem   `yaml:"onPrem,omitempty" jsonschema_description:"On-premises sites: address ranges, DNS servers and hosts."`
	// Connections carry traffic between clouds and sites: VPN and ExpressRoute.
	Connections []*Connection `yaml:"connections,omitempty" jsonschema_description:"VPN and ExpressRoute connections from an Azure gateway to an on-prem site or an AWS VPC."`
	Internet    Internet      `yaml:"internet,omitempty" jsonschema_description:"Public DNS zones declared by the estate; PaaS public names are synthesised."`

	Loc Location `yaml:"-" json:"-"`
	ix  *indexes
}

// Metadata names and describes the estate.
type Metadata struct {
	Name        string `yaml:"name" jsonschema:"required" jsonschema_description:"Name of the estate, shown in reports."`
	Description string `yaml:"description,omitempty" jsonschema_description:"Free text about the estate."`
	// DefaultRegion is used for elements that do not name their own.
	DefaultRegion string `yaml:"defaultRegion,omitempty" jsonschema_description:"Azure region for elements that do not name one (e.g. westeurope)."`
}

// Location of the whole file.
func (t *Topology) Location() Location { return t.Loc }
