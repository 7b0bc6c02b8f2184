package corefile

// directives is CoreDNS's plugin.cfg: the directives a Corefile may use, in
// the order their handlers run for a query. The position in a server block
// does not matter; this order does (kubernetes-dns.md §3.2 (a), §3.3).
//
// Source: coredns/coredns plugin.cfg @ 4b26cced (2026-08-20), the same list
// core/dnsserver/zdirectives.go is generated from. Older CoreDNS releases
// (AKS ships v1.9.4, v1.11.3, Azure/AKS PR #4601) lack a few of the newer
// entries (proxyproto, quic, https3, multisocket, …) but keep the relative
// order of the rest.
var directives = []string{
	"root",
	"metadata",
	"geoip",
	"cancel",
	"proxyproto",
	"quic",
	"grpc_server",
	"https",
	"https3",
	"timeouts",
	"multisocket",
	"reload",
	"nsid",
	"bufsize",
	"bind",
	"debug",
	"trace",
	"ready",
	"health",
	"pprof",
	"shed",
	"prometheus",
	"errors",
	"log",
	"dnstap",
	"local",
	"dns64",
	"any",
	"chaos",
	"loadbalance",
	"tsig",
	"rewrite",
	"autopath",
	"acl",
	"cache",
	"header",
	"dnssec",
	"tls",
	"minimal",
	"template",
	"transfer",
	"hosts",
	"route53",
	"azure",
	"clouddns",
	"k8s_external",
	"kubernetes",
	"file",
	"auto",
	"secondary",
	"etcd",
	"loop",
	"forward",
	"grpc",
	"erratic",
	"whoami",
	"on",
	"sign",
	"view",
	"nomad",
}

var order = func() map[string]int {
	m := make(map[string]int, len(directives))
	for i, d := range directives {
		m[d] = i
	}
	return m
}()

// Directives returns the directives CoreDNS knows, in execution order
// (plugin.cfg).
func Directives() []string { return append([]string(nil), directives...) }

// Order returns a directive's position in the execution order, or -1 for a
// directive CoreDNS does not know.
func Order(directive string) int {
	if i, ok := order[directive]; ok {
		return i
	}
	return -1
}

// once are the directives whose setup returns plugin.ErrOnce ("this plugin
// can only be used once per Server Block") for a second use in one block:
// CoreDNS refuses to start. Source: coredns/coredns plugin/*/setup.go @
// 4b26cced (`return …, plugin.ErrOnce`); their READMEs say "This plugin can
// only be used once per Server Block".
var once = map[string]bool{
	"cache":      true,
	"dnssec":     true,
	"errors":     true,
	"grpc":       true,
	"hosts":      true,
	"kubernetes": true,
	"loop":       true,
	"prometheus": true,
	"nsid":       true,
	"pprof":      true,
	"ready":      true,
	"shed":       true,
	"tsig":       true,
	"view":       true,
}

// firstOnly are directives whose README says "once per Server Block" but
// whose setup reads only the first use and silently ignores the others
// (plugin/reload/setup.go, plugin/root/root.go).
var firstOnly = map[string]bool{
	"reload": true,
	"root":   true,
}

// noHandler are directives that configure the server (listeners, health
// endpoints, reloading) without adding a handler to the plugin chain: their
// setup never calls AddPlugin (coredns/coredns plugin/*/setup.go @ 4b26cced).
// A server block with nothing but these answers REFUSED
// (core/dnsserver/server.go ServeDNS: "zone defined, but has not got any
// plugins").
var noHandler = map[string]bool{
	"root":        true,
	"proxyproto":  true,
	"quic":        true,
	"grpc_server": true,
	"https":       true,
	"https3":      true,
	"timeouts":    true,
	"multisocket": true,
	"reload":      true,
	"bind":        true,
	"debug":       true,
	"ready":       true,
	"health":      true,
	"pprof":       true,
	"tls":         true,
	"sign":        true,
	"on":          true,
}

// IsHandler reports whether a directive adds a handler to the plugin chain,
// that is whether it takes part in answering queries at all.
func IsHandler(directive string) bool { return Order(directive) >= 0 && !noHandler[directive] }
