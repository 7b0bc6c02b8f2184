package corefile

// aksDefault is the Corefile of the AKS-managed kube-system/coredns
// ConfigMap since the v20241025 release.
//
// Sources (kubernetes-dns.md §3.1, §3.2):
//   - the block up to `loadbalance`, `import custom/*.override` inside `.:53`
//     and `import custom/*.server` at top level: `kubectl get cm -n
//     kube-system coredns -o yaml` dumps of AKS clusters (VijayRod/demo
//     container-storage/logs/dns-k8s-coredns_cm.md, 2023), and
//     MicrosoftDocs/azure-aks-docs articles/aks/coredns-custom.md ("your
//     names in the data section must end in .server or .override. This
//     naming convention is defined in the default AKS CoreDNS ConfigMap");
//   - the two template guards: Azure/AKS PR #4601 (release notes 2024-10-25,
//     CHANGELOG: "This release adds the below plugin blocks to coredns
//     corefile by default", `template ANY ANY reddog.microsoft.com { rcode
//     NXDOMAIN }` and `template ANY ANY internal.cloudapp.net { match … rcode
//     NXDOMAIN fallthrough }`) and coredns-custom.md ("As of the v20241025
//     AKS release … This block is implemented in the default server block");
//     the release notes render the regex without its backslashes, so its
//     exact text, and the guards' place after the .override import, come
//     from post-2024 `kubectl describe cm coredns` dumps of AKS clusters and
//     from the same two blocks in AKS's LocalDNS Corefile templates
//     (Azure/AgentBaker).
//
// The regex needs four or more labels before internal.cloudapp.net, i.e.
// seven or more labels in all: coredns-custom.md "Any query for a subdomain
// of internal.cloudapp.net that has seven or more labels".
const aksDefault = `.:53 {
    errors
    ready
    health {
      lameduck 5s
    }
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
      ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
    import custom/*.override
    template ANY ANY internal.cloudapp.net {
      match "^(?:[^.]+\.){4,}internal\.cloudapp\.net\.$"
      rcode NXDOMAIN
      fallthrough
    }
    template ANY ANY reddog.microsoft.com {
      rcode NXDOMAIN
    }
}
import custom/*.server
`

// AKSDefault returns the Corefile AKS installs in kube-system/coredns (the
// ConfigMap users cannot change; customisation goes through coredns-custom).
func AKSDefault() string { return aksDefault }
