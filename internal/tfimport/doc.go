// Package tfimport reads an estate from Terraform: `terraform show -json`
// output for plans and for state (hashicorp/terraform-json), and raw
// terraform.tfstate files (format version 4). It maps the azurerm (v3, v4
// and v5 attribute names), azapi (Microsoft.Network types) and aws
// resources aksnet models into a model.Topology, which then goes through
// model.Link and model.Validate like a topology file. docs/import.md lists
// what is read.
//
// The work is a pipeline, one file per step:
//
//   - input.go recognises the file; plan.go and rawstate.go read it into
//     resource instances (address, type, values, what is unknown until
//     apply); address.go parses Terraform addresses, values.go reads
//     values of any shape without panicking;
//   - config.go indexes a plan's configuration, refs.go resolves references:
//     by ID when the value is known (azureid.go takes Azure IDs apart),
//     else by following the configuration's expression references —
//     through module calls, variables and outputs — to the resource they
//     name;
//   - importer.go drives the mapping in phases (networks before what
//     attaches to them), names elements, and assigns the addresses Azure
//     and AWS would allocate dynamically; azurerm_*.go, azapi.go and aws.go
//     map each provider's types, with the builders they share in build.go;
//   - estate.go combines Terraform files, a topology file that completes
//     them (load.Overlay) and Kubernetes manifests into one linked model.
//
// Nothing is dropped silently: an unsupported resource type, a reference
// that leads nowhere, a value assumed because it is unknown until apply,
// each is a warning located at the Terraform address it concerns. Every
// imported element's Loc is its Terraform address, so findings point at it.
package tfimport
