// Package kb is aksnet's knowledge base: platform facts kept as embedded data
// or constants, each with the public source it was taken from, so that the
// simulator's rules can be audited against the vendor documents.
//
// Sources are cited per fact. Citations of the form "aks-constraints.md §1.1"
// refer to the project's shared reference notes; their tags name the primary
// documents: AKSD:<file> = MicrosoftDocs/azure-aks-docs articles/aks/<file>.md
// (commit fb060abe, 2026-08-21), AZD:<path> = MicrosoftDocs/azure-docs.
package kb
