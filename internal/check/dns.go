package check

// The DNS family (DNS0xx): what the resolution engine (internal/dns)
// computes for every vantage — a private endpoint's name resolving to its
// private IP from every network that uses it, zone links, forwarders,
// rulesets, zone groups, the private API server's name. DNS rules never
// re-implement resolution: they ask ctx.DNS(), the engine built once per
// run, and report with Reporter.Report like every other rule.
//
// The rules themselves are the second part of issue 4; they register here:
//
//	func init() { register(dnsRules...) }
var dnsRules []*Rule

func init() { register(dnsRules...) }
