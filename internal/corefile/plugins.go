package corefile

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	gotmpl "text/template"
	"time"

	"github.com/coredns/caddy/caddyfile"
	"github.com/miekg/dns"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/aksnet/aksnet/internal/model"
)

// Each parser below ports the setup function of a CoreDNS plugin
// (coredns/coredns plugin/<name>/setup.go @ 4b26cced) and follows the
// syntax of its README (plugin/<name>/README.md). Options that do not
// change answers are validated and, where cheap, kept.

// Kubernetes is the kubernetes plugin (plugin/kubernetes/README.md):
// `kubernetes [ZONES...] { … }`.
type Kubernetes struct {
	Source
	// Zones it is authoritative for; the block's zones when none are given.
	Zones []string
	// PodsMode is "disabled" (the default: pod names are NXDOMAIN),
	// "insecure" or "verified".
	PodsMode string
	// Fallthrough: nil none, empty all zones, else these zones.
	Fallthrough []string
	// TTL of answers, 5 unless set (0–3600).
	TTL uint32
	// Namespaces it exposes; empty means all.
	Namespaces []string
	// Labels and NamespaceLabels are the label selectors of the Services
	// (and endpoints) and namespaces exposed; nil when not set.
	Labels, NamespaceLabels labels.Selector
	// NoEndpoints: endpoint and headless names are NXDOMAIN.
	NoEndpoints bool
	// EndpointPodNames names endpoints after their pod, not their dashed IP.
	EndpointPodNames bool
	// IgnoreEmptyService: a Service without ready endpoints is NXDOMAIN.
	IgnoreEmptyService bool
	// Multicluster zones (a subset of Zones).
	Multicluster []string
	// Zonal enables the <zone>.pin|prefer._zone names.
	Zonal bool
	// StartupTimeout before serving without synced caches (5s).
	StartupTimeout time.Duration
	// Endpoint and Kubeconfig locate the API server; empty in-cluster.
	Endpoint   []string
	Kubeconfig string
}

func (*Kubernetes) Name() string { return "kubernetes" }

// Forward is one forward plugin (plugin/forward/README.md):
// `forward FROM TO... { … }`. Several per block are allowed since CoreDNS
// 1.9.4 and run in order.
type Forward struct {
	Source
	// From is the zone forwarded, canonical ("" = every name).
	From string
	// To are the upstreams in order: "/etc/resolv.conf" (the CoreDNS pod's,
	// i.e. the node's, resolvers) or an "IP:port" address, with a "tls://"
	// or "https://" prefix for DNS over TLS or HTTPS.
	To []string
	// Except are zones below From that are not forwarded.
	Except []string
	// Policy is random (the default), round_robin or sequential.
	Policy    string
	ForceTCP  bool
	PreferUDP bool
	// MaxFails failed health checks mark an upstream down (2; 0 disables).
	MaxFails uint32
	// HealthCheck interval (0.5s).
	HealthCheck time.Duration
	// MaxConcurrent queries before REFUSED; 0 is unlimited.
	MaxConcurrent int64
	// Expire of cached connections (10s).
	Expire time.Duration
	// ReadTimeout per upstream query (2s).
	ReadTimeout time.Duration
	// Next are rcodes (upper case) that hand the query to the next plugin.
	Next []string
	// Failover are rcodes (upper case) on which the next upstream is tried.
	Failover []string
	// NextOnNoData also hands NODATA answers to the next plugin.
	NextOnNoData bool
	// FailfastAllUnhealthy answers SERVFAIL when every upstream is down.
	FailfastAllUnhealthy bool
	// MaxConnectAttempts, 0 when unset (2 × upstreams).
	MaxConnectAttempts uint32
	TLSServerName      string
}

func (*Forward) Name() string { return "forward" }

// Hosts is the hosts plugin (plugin/hosts/README.md):
// `hosts [FILE [ZONES...]] { INLINE… }`.
type Hosts struct {
	Source
	// File is the hosts file read besides the inline entries: /etc/hosts of
	// the CoreDNS container unless given. Its content is not modelled.
	File string
	// Zones it answers for; the block's zones when none are given.
	Zones []string
	// Entries are the inline entries: canonical name → addresses in order.
	// A leading "*." label is a wildcard for exactly one label.
	Entries map[string][]netip.Addr
	// Fallthrough: nil none, empty all zones, else these zones.
	Fallthrough []string
	// FallthroughUnsupported also passes other query types for known names.
	FallthroughUnsupported bool
	// TTL of answers (3600).
	TTL uint32
	// Reverse: PTR records are generated (unless no_reverse).
	Reverse bool
	// Reload period of File (5s; 0 disables).
	Reload time.Duration
}

func (*Hosts) Name() string { return "hosts" }

// Template is one template of the template plugin
// (plugin/template/README.md): `template CLASS TYPE [ZONE...] { … }`.
type Template struct {
	Source
	// Class and Type as written (IN, ANY, …; A, AAAA, ANY, …).
	Class, Type string
	// Zones it applies to; the block's zones when none are given.
	Zones []string
	// Match are the regexes as written; Regexps are they compiled, or `.*`
	// when none is given. They match the lower-case query name with its
	// trailing dot (see MatchName).
	Match   []string
	Regexps []*regexp.Regexp
	// Answer, Additional and Authority are Go templates of RRs.
	Answer, Additional, Authority []string
	// RCode is the response code, NOERROR unless set.
	RCode string
	// Fallthrough: nil none (no regex match is SERVFAIL), empty all zones,
	// else these zones.
	Fallthrough []string
	// EDE is the extended DNS error code, -1 when none; EDEReason its text.
	EDE       int
	EDEReason string
	// Vars ("NAME EXPRESSION") and Exprs are kept as written; aksnet does
	// not evaluate expr-lang expressions.
	Vars, Exprs []string
}

func (*Template) Name() string { return "template" }

// MatchName returns the index of the first of t.Regexps that matches qname,
// or -1. qname is lower-cased and fully qualified first, as CoreDNS's
// state.Name().
func (t *Template) MatchName(qname string) int {
	name := fqdnLower(qname)
	for i, r := range t.Regexps {
		if r.MatchString(name) {
			return i
		}
	}
	return -1
}

// Rewrite is one rule of the rewrite plugin (plugin/rewrite/README.md):
// `rewrite [continue|stop] FIELD [TYPE] FROM TO [answer …]`. CoreDNS runs
// all rules of a block in one handler, in file order: a matching stop rule
// ends the rewriting (the next plugin runs), a continue rule lets the
// following rules run too.
type Rewrite struct {
	Source
	// Continue is the mode; stop (false) is the default.
	Continue bool
	// Field is name, type, class, edns0, ttl, cname or rcode.
	Field string
	// MatchType is exact, prefix, suffix, substring or regex (name, ttl,
	// cname and rcode rules).
	MatchType string
	// From and To as CoreDNS keeps them. Name rules: lower case and fully
	// qualified (trailing dot) except a regex's From; To of a regex may use
	// {1}… for groups. Type and class rules: the upper-case type or class.
	// Cname rules: targets. Ttl and rcode rules: From is the name matched.
	From, To string
	// Regexp is From compiled, for regex rules.
	Regexp *regexp.Regexp
	// AnswerAuto rewrites the answer back automatically (always on for
	// exact name rules).
	AnswerAuto bool
	// Answers are the explicit `answer name|value FROM TO` rules.
	Answers []RewriteAnswer
	// TTLMin and TTLMax of a ttl rule; RCodeFrom and RCodeTo of an rcode
	// rule (upper case or numeric, as written).
	TTLMin, TTLMax     uint32
	RCodeFrom, RCodeTo string
	// Args are the rule's arguments after the field, as written.
	Args []string
}

func (*Rewrite) Name() string { return "rewrite" }

// RewriteAnswer is an `answer name|value FROM TO` response rule.
type RewriteAnswer struct {
	Kind     string // name or value
	From, To string
	Regexp   *regexp.Regexp
}

// RewriteName applies a name rule to qname (lower-cased and fully
// qualified first) and returns the new name, fully qualified, and whether
// the rule matched. Port of plugin/rewrite/name.go's Rewrite methods.
func (r *Rewrite) RewriteName(qname string) (string, bool) {
	if r.Field != "name" {
		return "", false
	}
	name := fqdnLower(qname)
	switch r.MatchType {
	case "exact":
		if name == r.From {
			return r.To, true
		}
	case "prefix":
		if after, ok := strings.CutPrefix(name, r.From); ok {
			return r.To + after, true
		}
	case "suffix":
		if before, ok := strings.CutSuffix(name, r.From); ok {
			return before + r.To, true
		}
	case "substring":
		if strings.Contains(name, r.From) {
			return strings.ReplaceAll(name, r.From, r.To), true
		}
	case "regex":
		groups := r.Regexp.FindStringSubmatch(name)
		if len(groups) == 0 {
			return "", false
		}
		s := r.To
		for i, g := range groups {
			s = strings.ReplaceAll(s, "{"+strconv.Itoa(i)+"}", g)
		}
		return s, true
	}
	return "", false
}

// Cache is the cache plugin (plugin/cache/README.md):
// `cache [TTL] [ZONES...] { … }`.
type Cache struct {
	Source
	// TTL as written on the cache line, 0 when not given.
	TTL uint32
	// Zones cached; the block's zones when none are given.
	Zones []string
	// SuccessTTL and DenialTTL cap the TTLs of cached answers (3600 and
	// 1800, or TTL); the Min… values floor them (5).
	SuccessTTL, DenialTTL       uint32
	SuccessMinTTL, DenialMinTTL uint32
	// SuccessCap and DenialCap are the capacities (10000 each).
	SuccessCap, DenialCap int
	// DisableSuccess and DisableDenial are zones not cached; nil none.
	DisableSuccess, DisableDenial []string
	// Prefetch is the hit count that triggers a prefetch, 0 for none.
	Prefetch int
	// ServeStale is how long expired entries may be served, 0 for never.
	ServeStale time.Duration
	// ServFailTTL is how long SERVFAIL is cached (5s).
	ServFailTTL time.Duration
	// KeepTTL: answers keep their original TTL.
	KeepTTL bool
}

func (*Cache) Name() string { return "cache" }

// Autopath is the autopath plugin (plugin/autopath/README.md):
// `autopath [ZONE...] RESOLV-CONF`.
type Autopath struct {
	Source
	Zones []string
	// ResolvConf is "@kubernetes" (the search path of the querying pod) or
	// a resolv.conf file.
	ResolvConf string
}

func (*Autopath) Name() string { return "autopath" }

// Other is a directive that does not change answers, or one aksnet does
// not model: errors, health, ready, prometheus, loop, reload, loadbalance,
// log, ….
type Other struct {
	Source
	Directive string
	// Args are the arguments on the directive's line.
	Args []string
	// Block are the lines of its { } block, if any.
	Block [][]string
}

func (o *Other) Name() string { return o.Directive }

// ctl reads one use of a directive, as a caddy.Controller does.
type ctl struct {
	caddyfile.Dispenser
	l     *loader
	dir   *rawDirective
	zones []string // the block's zones (c.ServerBlockKeys)
}

// setupError is an error at a token.
type setupError struct {
	src  Source
	msg  string
	hint string
}

func (e *setupError) Error() string { return e.msg }

func (c *ctl) at() Source {
	if c.Line() == 0 {
		return c.l.source(c.dir.toks[0])
	}
	return c.l.source(token{File: c.File(), Line: c.Line()})
}

func (c *ctl) errf(format string, args ...any) error {
	return &setupError{src: c.at(), msg: fmt.Sprintf(format, args...)}
}

// argErr is caddyfile Dispenser.ArgErr without the file prefix.
func (c *ctl) argErr() error {
	if c.Val() == "{" {
		return c.errf("Unexpected token '{', expecting argument")
	}
	return c.errf("Wrong argument count or unexpected line ending after '%s'", c.Val())
}

func (c *ctl) unknownProperty() error { return c.errf("unknown property '%s'", c.Val()) }

func (l *loader) parseDirective(d *rawDirective, blockZones []string) (Plugin, *model.Error) {
	c := &ctl{Dispenser: caddyfile.NewDispenserTokens(d.toks[0].File, d.toks), l: l, dir: d, zones: blockZones}
	src := l.source(d.toks[0])
	var p Plugin
	var err error
	switch d.name {
	case "kubernetes":
		p, err = parseKubernetes(c, src)
	case "forward":
		p, err = parseForward(c, src)
	case "hosts":
		p, err = parseHosts(c, src)
	case "template":
		p, err = parseTemplate(c, src)
	case "rewrite":
		p, err = parseRewrite(c, src)
	case "cache":
		p, err = parseCache(c, src)
	case "autopath":
		p, err = parseAutopath(c, src)
	default:
		p, err = parseOther(c, src)
	}
	if err == nil {
		return p, nil
	}
	var se *setupError
	if errors.As(err, &se) {
		if se.src == (Source{}) {
			se.src = src
		}
		e := se.src.errorf("%s: %s", d.name, se.msg)
		e.Hint = se.hint
		return nil, e
	}
	return nil, src.errorf("%s: %v", d.name, err)
}

// parseKubernetes ports plugin/kubernetes/setup.go ParseStanza.
func parseKubernetes(c *ctl, src Source) (Plugin, error) {
	k := &Kubernetes{Source: src, PodsMode: "disabled", TTL: 5, StartupTimeout: 5 * time.Second}
	c.Next()
	k.Zones = originsFromArgsOrServerBlock(c.RemainingArgs(), c.zones)
	primary := false
	for _, z := range k.Zones {
		if !isReverse(z) {
			primary = true
			break
		}
	}
	if !primary {
		return nil, errors.New("non-reverse zone name must be used")
	}
	var nsSel *metav1.LabelSelector
	for c.NextBlock() {
		switch c.Val() {
		case "endpoint_pod_names":
			if len(c.RemainingArgs()) > 0 {
				return nil, c.argErr()
			}
			k.EndpointPodNames = true
		case "pods":
			args := c.RemainingArgs()
			if len(args) != 1 {
				return nil, c.argErr()
			}
			switch args[0] {
			case "disabled", "insecure", "verified":
				k.PodsMode = args[0]
			default:
				return nil, c.errf("wrong value for pods: %s,  must be one of: disabled, verified, insecure", args[0])
			}
		case "namespaces":
			args := c.RemainingArgs()
			if len(args) == 0 {
				return nil, c.argErr()
			}
			for _, a := range args {
				if !slices.Contains(k.Namespaces, a) {
					k.Namespaces = append(k.Namespaces, a)
				}
			}
		case "endpoint":
			args := c.RemainingArgs()
			if len(args) == 0 {
				return nil, c.argErr()
			}
			k.Endpoint = args
		case "tls":
			if len(c.RemainingArgs()) != 3 {
				return nil, c.argErr()
			}
		case "labels", "namespace_labels":
			opt := c.Val()
			args := c.RemainingArgs()
			if len(args) == 0 {
				return nil, c.argErr()
			}
			expr := strings.Join(args, " ")
			ls, err := metav1.ParseToLabelSelector(expr)
			if err != nil {
				what := "label selector"
				if opt == "namespace_labels" {
					what = "namespace_label selector"
				}
				return nil, c.errf("unable to parse %s value: '%v': %v", what, expr, err)
			}
			sel, err := metav1.LabelSelectorAsSelector(ls)
			if err != nil {
				return nil, c.errf("unable to parse label selector value: '%v': %v", expr, err)
			}
			if opt == "labels" {
				k.Labels = sel
			} else {
				k.NamespaceLabels, nsSel = sel, ls
			}
		case "fallthrough":
			k.Fallthrough = fallZones(c.RemainingArgs())
		case "ttl":
			args := c.RemainingArgs()
			if len(args) == 0 {
				return nil, c.argErr()
			}
			t, err := strconv.Atoi(args[0])
			if err != nil {
				return nil, c.errf("ttl %q is not a number", args[0])
			}
			if t < 0 || t > 3600 {
				return nil, c.errf("ttl must be in range [0, 3600]: %d", t)
			}
			k.TTL = uint32(t)
		case "noendpoints":
			if len(c.RemainingArgs()) != 0 {
				return nil, c.argErr()
			}
			k.NoEndpoints = true
		case "zonal":
			if len(c.RemainingArgs()) != 0 {
				return nil, c.argErr()
			}
			k.Zonal = true
		case "ignore":
			if args := c.RemainingArgs(); len(args) > 0 {
				if args[0] != "empty_service" {
					return nil, c.errf("unable to parse ignore value: '%v'", args[0])
				}
				k.IgnoreEmptyService = true
			}
		case "kubeconfig":
			args := c.RemainingArgs()
			if len(args) != 1 && len(args) != 2 {
				return nil, c.argErr()
			}
			k.Kubeconfig = args[0]
		case "multicluster":
			k.Multicluster = originsFromArgsOrServerBlock(c.RemainingArgs(), nil)
		case "startup_timeout":
			args := c.RemainingArgs()
			if len(args) == 0 {
				return nil, c.argErr()
			}
			d, err := time.ParseDuration(args[0])
			if err != nil {
				return nil, c.errf("failed to parse startup_timeout: %v, %s", args[0], err)
			}
			k.StartupTimeout = d
		case "apiserver_qps":
			args := c.RemainingArgs()
			if len(args) != 1 {
				return nil, c.argErr()
			}
			if q, err := strconv.ParseFloat(args[0], 32); err != nil || q < 0 {
				return nil, c.errf("invalid apiserver_qps %q", args[0])
			}
		case "apiserver_burst", "apiserver_max_inflight":
			opt := c.Val()
			args := c.RemainingArgs()
			if len(args) != 1 {
				return nil, c.argErr()
			}
			if n, err := strconv.Atoi(args[0]); err != nil || n < 0 {
				return nil, c.errf("invalid %s %q", opt, args[0])
			}
		default:
			return nil, c.unknownProperty()
		}
	}
	if len(k.Namespaces) != 0 && nsSel != nil {
		return nil, c.errf("namespaces and namespace_labels cannot both be set")
	}
	for _, z := range k.Multicluster {
		if !slices.Contains(k.Zones, z) {
			return nil, c.errf("is not authoritative for the multicluster zone %s (authoritative zones: %v)", z, k.Zones)
		}
	}
	if k.Zonal && k.NoEndpoints {
		return nil, c.errf("zonal requires the endpoint cache; remove noendpoints")
	}
	return k, nil
}

// maxUpstreams is forward's limit of TO addresses (plugin/forward/setup.go).
const maxUpstreams = 15

// parseForward ports plugin/forward/setup.go parseStanza and parseBlock.
func parseForward(c *ctl, src Source) (Plugin, error) {
	f := &Forward{Source: src, Policy: "random", MaxFails: 2, HealthCheck: 500 * time.Millisecond,
		Expire: 10 * time.Second, ReadTimeout: 2 * time.Second}
	c.Next()
	var from string
	if !c.Args(&from) {
		return nil, c.argErr()
	}
	zones := hostZones(from)
	if len(zones) == 0 {
		return nil, fmt.Errorf("unable to normalize '%s'", from)
	}
	f.From = zones[0]
	if len(zones) > 1 {
		c.l.warns.Add(src.errorf("forward: %s expands to %d reverse zones; CoreDNS forwards only %s.", from, len(zones), zones[0]))
	}
	to := c.RemainingArgs()
	if len(to) == 0 {
		return nil, c.argErr()
	}
	var maxAge time.Duration
	for c.NextBlock() {
		if err := parseForwardOption(c, f, &maxAge); err != nil {
			return nil, err
		}
	}
	if maxAge > 0 && maxAge < f.Expire {
		return nil, fmt.Errorf("max_age (%s) must not be less than expire (%s)", maxAge, f.Expire)
	}
	if len(to) > maxUpstreams {
		return nil, fmt.Errorf("more than %d TOs configured: %d", maxUpstreams, len(to))
	}
	for _, addr := range to {
		u, err := forwardUpstream(addr)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(f.To, u) {
			f.To = append(f.To, u)
		}
	}
	return f, nil
}

// forwardUpstream classifies a TO address as plugin/pkg/parse.HostPortOrFile
// and plugin/forward/resolve.go do: an IP with an optional port, or a
// resolv.conf-style file. Only /etc/resolv.conf exists in the CoreDNS pod;
// hostnames (resolved at startup since CoreDNS v1.14, PR #7923) are not
// modelled.
func forwardUpstream(addr string) (string, error) {
	trans, host := splitTransport(addr)
	if host == "" {
		return "", fmt.Errorf("invalid address: %q", addr)
	}
	switch trans {
	case "dns", "tls", "https":
	default:
		return "", fmt.Errorf("'%s' is not supported as a destination protocol in forward: %s", trans, addr)
	}
	if trans == "https" && strings.Contains(host, "/") {
		return "", fmt.Errorf("paths are not allowed in HTTPS upstream addresses (the /dns-query path is used by default): %s", addr)
	}
	if trans != "dns" {
		host = stripServerName(host)
	}
	prefix := ""
	if trans != "dns" {
		prefix = trans + "://"
	}
	if h, port, err := net.SplitHostPort(host); err == nil {
		ip, err := netip.ParseAddr(h)
		if err != nil {
			return "", notUpstream(addr)
		}
		p, err := strconv.ParseUint(port, 10, 16)
		if err != nil {
			return "", fmt.Errorf("invalid port in %q", addr)
		}
		return prefix + netip.AddrPortFrom(ip.WithZone(""), uint16(p)).String(), nil
	}
	bare := strings.Trim(host, "[]")
	if ip, err := netip.ParseAddr(bare); err == nil {
		p, _ := strconv.ParseUint(defaultPort(trans), 10, 16)
		return prefix + netip.AddrPortFrom(ip.WithZone(""), uint16(p)).String(), nil
	}
	if host == "/etc/resolv.conf" {
		return host, nil
	}
	return "", notUpstream(addr)
}

func notUpstream(addr string) error {
	return &setupError{msg: fmt.Sprintf("not an IP address or file %q", addr),
		hint: "use an IP address (optionally IP:port) or /etc/resolv.conf, the only resolv.conf in the CoreDNS pod"}
}

// stripServerName drops a "%servername" TLS server name (forward splitZone).
func stripServerName(host string) string {
	i := strings.LastIndex(host, "%")
	if i < 0 {
		return host
	}
	out := host[:i]
	if strings.HasPrefix(out, "[") {
		out += "]"
	}
	zone := host[i+1:]
	if j := strings.LastIndex(zone, ":"); j >= 0 {
		out += zone[j:]
	}
	return out
}

func parseForwardOption(c *ctl, f *Forward, maxAge *time.Duration) error {
	duration := func(opt string, positive bool) (time.Duration, error) {
		if !c.NextArg() {
			return 0, c.argErr()
		}
		d, err := time.ParseDuration(c.Val())
		if err != nil {
			return 0, c.errf("%s: %v", opt, err)
		}
		if d < 0 || (positive && d == 0) {
			return 0, c.errf("%s must be positive: %s", opt, d)
		}
		return d, nil
	}
	rcodes := func(noError bool) ([]string, error) {
		args := c.RemainingArgs()
		if len(args) == 0 {
			return nil, c.argErr()
		}
		var out []string
		for _, a := range args {
			rc, ok := dns.StringToRcode[strings.ToUpper(a)]
			if !ok {
				return nil, c.errf("%s is not a valid rcode", a)
			}
			if !noError && rc == dns.RcodeSuccess {
				return nil, c.errf("NoError cannot be used in failover")
			}
			out = append(out, strings.ToUpper(a))
		}
		return out, nil
	}
	var err error
	switch opt := c.Val(); opt {
	case "except":
		args := c.RemainingArgs()
		if len(args) == 0 {
			return c.argErr()
		}
		for _, a := range args {
			f.Except = append(f.Except, hostZones(a)...)
		}
	case "max_fails", "max_connect_attempts":
		if !c.NextArg() {
			return c.argErr()
		}
		n, err := strconv.ParseUint(c.Val(), 10, 32)
		if err != nil {
			return c.errf("%s: %q is not a number", opt, c.Val())
		}
		if opt == "max_fails" {
			f.MaxFails = uint32(n)
		} else {
			f.MaxConnectAttempts = uint32(n)
		}
	case "health_check":
		if f.HealthCheck, err = duration(opt, false); err != nil {
			return err
		}
		for c.NextArg() {
			switch c.Val() {
			case "no_rec":
			case "domain":
				if !c.NextArg() {
					return c.argErr()
				}
				if _, ok := dns.IsDomainName(c.Val()); !ok {
					return c.errf("health_check: invalid domain name %s", c.Val())
				}
			default:
				return c.errf("health_check: unknown option %s", c.Val())
			}
		}
	case "force_tcp", "prefer_udp", "next_on_nodata":
		if c.NextArg() {
			return c.argErr()
		}
		switch opt {
		case "force_tcp":
			f.ForceTCP = true
		case "prefer_udp":
			f.PreferUDP = true
		default:
			f.NextOnNoData = true
		}
	case "failfast_all_unhealthy_upstreams":
		if len(c.RemainingArgs()) != 0 {
			return c.argErr()
		}
		f.FailfastAllUnhealthy = true
	case "tls":
		if len(c.RemainingArgs()) > 3 {
			return c.argErr()
		}
	case "tls_servername":
		if !c.NextArg() {
			return c.argErr()
		}
		f.TLSServerName = c.Val()
	case "expire":
		if f.Expire, err = duration(opt, false); err != nil {
			return err
		}
	case "max_age":
		if *maxAge, err = duration(opt, false); err != nil {
			return err
		}
	case "read_timeout":
		if f.ReadTimeout, err = duration(opt, true); err != nil {
			return err
		}
	case "max_idle_conns", "max_concurrent":
		if !c.NextArg() {
			return c.argErr()
		}
		n, err := strconv.Atoi(c.Val())
		if err != nil || n < 0 {
			return c.errf("%s: %q is not a non-negative number", opt, c.Val())
		}
		if opt == "max_concurrent" {
			f.MaxConcurrent = int64(n)
		}
	case "doh_method":
		if !c.NextArg() {
			return c.argErr()
		}
		if v := c.Val(); v != "POST" && v != "GET" {
			return c.errf("doh_method must be either POST or GET")
		}
	case "policy":
		if !c.NextArg() {
			return c.argErr()
		}
		switch p := c.Val(); p {
		case "random", "round_robin", "sequential":
			f.Policy = p
		default:
			return c.errf("unknown policy '%s'", p)
		}
	case "next":
		if f.Next, err = rcodes(true); err != nil {
			return err
		}
	case "failover":
		if f.Failover, err = rcodes(false); err != nil {
			return err
		}
	case "resolver":
		args := c.RemainingArgs()
		if len(args) == 0 {
			return c.argErr()
		}
		for _, a := range args {
			h := a
			if hh, _, err := net.SplitHostPort(a); err == nil {
				h = hh
			}
			if _, err := netip.ParseAddr(h); err != nil {
				return c.errf("resolver must be an IP address or IP:port: %q", a)
			}
		}
	case "source_address":
		if !c.NextArg() {
			return c.argErr()
		}
		if _, err := netip.ParseAddr(c.Val()); err != nil {
			return c.errf("invalid IP address: %s", c.Val())
		}
	default:
		return c.unknownProperty()
	}
	return nil
}

// parseHosts ports plugin/hosts/setup.go hostsParse and hostsfile.go parse.
func parseHosts(c *ctl, src Source) (Plugin, error) {
	h := &Hosts{Source: src, File: "/etc/hosts", TTL: 3600, Reverse: true, Reload: 5 * time.Second,
		Entries: map[string][]netip.Addr{}}
	c.Next()
	args := c.RemainingArgs()
	if len(args) >= 1 {
		h.File = args[0]
		args = args[1:]
	}
	h.Zones = originsFromArgsOrServerBlock(args, c.zones)
	type inlineLine struct {
		src    Source
		fields []string
	}
	var inline []inlineLine
	fallSet := false // CoreDNS: len(h.Fall.Zones) > 0
	for c.NextBlock() {
		switch c.Val() {
		case "fallthrough":
			a := c.RemainingArgs()
			h.Fallthrough = fallZones(a)
			fallSet = len(a) == 0 || h.Fallthrough != nil
		case "fallthrough_unsupported":
			if len(c.RemainingArgs()) != 0 {
				return nil, c.argErr()
			}
			h.FallthroughUnsupported = true
		case "no_reverse":
			h.Reverse = false
		case "ttl":
			rest := c.RemainingArgs()
			if len(rest) < 1 {
				return nil, c.errf("ttl needs a time in second")
			}
			ttl, err := strconv.Atoi(rest[0])
			if err != nil {
				return nil, c.errf("ttl needs a number of second")
			}
			if ttl <= 0 || ttl > 65535 {
				return nil, c.errf("ttl provided is invalid")
			}
			h.TTL = uint32(ttl)
		case "reload":
			rest := c.RemainingArgs()
			if len(rest) != 1 {
				return nil, c.errf("reload needs a duration (zero seconds to disable)")
			}
			d, err := time.ParseDuration(rest[0])
			if err != nil {
				return nil, c.errf("invalid duration for reload '%s'", rest[0])
			}
			if d < 0 {
				return nil, c.errf("invalid negative duration for reload '%s'", rest[0])
			}
			h.Reload = d
		default:
			if !fallSet {
				at := c.at()
				inline = append(inline, inlineLine{at, append([]string{c.Val()}, c.RemainingArgs()...)})
				continue
			}
			e := c.unknownProperty().(*setupError)
			e.hint = "inline hosts entries must come before fallthrough"
			return nil, e
		}
	}
	if h.FallthroughUnsupported && !fallSet {
		return nil, c.errf("fallthrough_unsupported requires fallthrough")
	}
	for _, line := range inline {
		if len(line.fields) < 2 {
			c.l.warns.Add(line.src.errorf("hosts: line %q has no name; CoreDNS ignores it", strings.Join(line.fields, " ")))
			continue
		}
		a := line.fields[0]
		if i := strings.Index(a, "%"); i >= 0 {
			a = a[:i]
		}
		addr, err := netip.ParseAddr(a)
		if err != nil {
			c.l.warns.Add(line.src.errorf("hosts: %q is not an IP address; CoreDNS ignores the line %q", line.fields[0], strings.Join(line.fields, " ")).
				WithHint("inline entries are hosts(5) lines: IP NAME…"))
			continue
		}
		addr = addr.Unmap()
		for _, n := range line.fields[1:] {
			name := Canonical(fqdnLower(n))
			inZones := false
			for _, z := range h.Zones {
				if InZone(name, z) {
					inZones = true
					break
				}
			}
			if !inZones {
				c.l.warns.Add(line.src.errorf("hosts: %s is outside the plugin's zones (%s); CoreDNS ignores it", n, displayZones(h.Zones)))
				continue
			}
			h.Entries[name] = append(h.Entries[name], addr)
		}
	}
	return h, nil
}

// maxRegexpLen is the template and rewrite plugins' regex limit.
const maxRegexpLen = 10000

var varNameRegexp = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// parseTemplate ports plugin/template/setup.go templateParse.
func parseTemplate(c *ctl, src Source) (Plugin, error) {
	t := &Template{Source: src, RCode: "NOERROR", EDE: -1}
	c.Next()
	if !c.NextArg() {
		return nil, c.argErr()
	}
	if _, ok := dns.StringToClass[c.Val()]; !ok {
		return nil, c.errf("invalid query class %s", c.Val())
	}
	t.Class = c.Val()
	if !c.NextArg() {
		return nil, c.argErr()
	}
	if _, ok := dns.StringToType[c.Val()]; !ok {
		return nil, c.errf("invalid RR class %s", c.Val())
	}
	t.Type = c.Val()
	t.Zones = originsFromArgsOrServerBlock(c.RemainingArgs(), c.zones)
	rrTemplates := func(section string, dst *[]string) error {
		args := c.RemainingArgs()
		if len(args) == 0 {
			return c.argErr()
		}
		for _, a := range args {
			if _, err := gotmpl.New(section).Funcs(gotmpl.FuncMap{"parseInt": strconv.ParseUint}).Parse(a); err != nil {
				return c.errf("could not compile template: %s, %v", section, err)
			}
			*dst = append(*dst, a)
		}
		return nil
	}
	for c.NextBlock() {
		switch c.Val() {
		case "match":
			args := c.RemainingArgs()
			if len(args) == 0 {
				return nil, c.argErr()
			}
			for _, re := range args {
				if len(re) > maxRegexpLen {
					return nil, c.errf("regex pattern too long: %d > %d", len(re), maxRegexpLen)
				}
				r, err := regexp.Compile(re)
				if err != nil {
					return nil, c.errf("could not parse regex: %s, %v", re, err)
				}
				t.Match = append(t.Match, re)
				t.Regexps = append(t.Regexps, r)
			}
		case "answer":
			if err := rrTemplates("answer", &t.Answer); err != nil {
				return nil, err
			}
		case "additional":
			if err := rrTemplates("additional", &t.Additional); err != nil {
				return nil, err
			}
		case "authority":
			if err := rrTemplates("authority", &t.Authority); err != nil {
				return nil, err
			}
		case "var":
			args := c.RemainingArgs()
			if len(args) < 2 {
				return nil, c.argErr()
			}
			if !varNameRegexp.MatchString(args[0]) {
				return nil, c.errf("invalid variable name %q", args[0])
			}
			t.Vars = append(t.Vars, strings.Join(args, " "))
		case "expr":
			args := c.RemainingArgs()
			if len(args) == 0 {
				return nil, c.argErr()
			}
			t.Exprs = append(t.Exprs, strings.Join(args, " "))
		case "rcode":
			if !c.NextArg() {
				return nil, c.argErr()
			}
			if _, ok := dns.StringToRcode[c.Val()]; !ok {
				return nil, c.errf("unknown rcode %s", c.Val())
			}
			t.RCode = c.Val()
		case "ederror":
			args := c.RemainingArgs()
			if len(args) != 1 && len(args) != 2 {
				return nil, c.argErr()
			}
			code, err := strconv.ParseUint(args[0], 10, 16)
			if err != nil {
				return nil, c.errf("error parsing extended DNS error code %s, %v", args[0], err)
			}
			t.EDE = int(code)
			if len(args) == 2 {
				t.EDEReason = args[1]
			}
		case "fallthrough":
			t.Fallthrough = fallZones(c.RemainingArgs())
		case "upstream":
			c.RemainingArgs() // deprecated, ignored
		default:
			return nil, c.argErr()
		}
	}
	if len(t.Regexps) == 0 {
		t.Regexps = []*regexp.Regexp{regexp.MustCompile(".*")}
	}
	return t, nil
}

// parseRewrite ports plugin/rewrite/setup.go rewriteParse and
// rewrite.go newRule; a directive holds one rule.
func parseRewrite(c *ctl, src Source) (Plugin, error) {
	c.Next()
	args := c.RemainingArgs()
	if len(args) < 2 {
		// rule in a block: `rewrite stop { name regex … \n answer name … }`
		for c.NextBlock() {
			args = append(args, c.Val())
		}
	}
	return newRewrite(src, args...)
}

func newRewrite(src Source, args ...string) (*Rewrite, error) {
	if len(args) == 0 {
		return nil, errors.New("no rule type specified for rewrite")
	}
	r := &Rewrite{Source: src}
	start := 1
	switch strings.ToLower(args[0]) {
	case "continue", "stop":
		r.Continue = strings.ToLower(args[0]) == "continue"
		if len(args) < 2 {
			return nil, fmt.Errorf("%s rule must begin with a rule type", strings.ToLower(args[0]))
		}
		start = 2
	}
	r.Field = strings.ToLower(args[start-1])
	rest := args[start:]
	r.Args = rest
	switch r.Field {
	case "answer":
		return nil, errors.New("response rewrites must begin with a name rule")
	case "name":
		return r, r.nameRule(rest)
	case "class", "type":
		if len(rest) != 2 {
			return nil, fmt.Errorf("%s rules must have exactly two arguments", r.Field)
		}
		table := dns.StringToType
		if r.Field == "class" {
			table = dns.StringToClass
		}
		for _, a := range rest {
			if _, ok := table[strings.ToUpper(a)]; !ok {
				return nil, fmt.Errorf("invalid %s %q", r.Field, strings.ToUpper(a))
			}
		}
		r.From, r.To = strings.ToUpper(rest[0]), strings.ToUpper(rest[1])
		return r, nil
	case "edns0":
		return r, edns0Rule(rest)
	case "ttl":
		return r, r.ttlRule(rest)
	case "cname":
		return r, r.cnameRule(rest)
	case "rcode":
		return r, r.rcodeRule(rest)
	}
	return nil, fmt.Errorf("invalid rule type %q", args[0])
}

// nameRule ports plugin/rewrite/name.go newNameRule and parseAnswerRules.
func (r *Rewrite) nameRule(args []string) error {
	if len(args) < 2 {
		return errors.New("too few arguments for a name rule")
	}
	if len(args) == 2 {
		r.MatchType, r.From, r.To = "exact", fqdnLower(args[0]), fqdnLower(args[1])
	} else {
		r.MatchType = strings.ToLower(args[0])
		if r.MatchType == "regex" {
			r.From, r.To = args[1], args[2]
		} else {
			r.From, r.To = fqdnLower(args[1]), fqdnLower(args[2])
		}
	}
	if len(args) > 3 {
		if err := r.answerRules(args[3:]); err != nil {
			return err
		}
	}
	switch r.MatchType {
	case "exact":
		if _, err := rewritePattern(r.To, r.From); err != nil {
			return err
		}
		r.AnswerAuto = true
	case "prefix", "suffix", "substring":
	case "regex":
		re, err := rewritePattern(r.From, r.To)
		if err != nil {
			return err
		}
		r.Regexp = re
		r.To = fqdnLower(args[2])
	default:
		return fmt.Errorf("name rule supports only exact, prefix, suffix, substring, and regex name matching, received: %s", r.MatchType)
	}
	return nil
}

func (r *Rewrite) answerRules(args []string) error {
	name := r.MatchType
	if len(args) < 2 {
		return fmt.Errorf("invalid arguments for %s rule", name)
	}
	i, nameRules, last := 0, 0, ""
	for i < len(args) {
		if last == "" && args[i] != "answer" {
			return fmt.Errorf("exceeded the number of arguments for a non-answer rule argument for %s rule", name)
		}
		if args[i] == "answer" {
			i++
		}
		if len(args)-i == 0 {
			return fmt.Errorf("type missing for answer rule for %s rule", name)
		}
		last = args[i]
		i++
		switch last {
		case "auto":
			r.AnswerAuto = true
		case "name", "value":
			if len(args)-i < 2 {
				return fmt.Errorf("%s answer rule for %s rule: 2 arguments required", last, name)
			}
			re, err := rewritePattern(args[i], args[i+1])
			if err != nil {
				return fmt.Errorf("%s answer rule for %s rule: %s", last, name, err)
			}
			r.Answers = append(r.Answers, RewriteAnswer{Kind: last, From: args[i], To: fqdnLower(args[i+1]), Regexp: re})
			i += 2
			if last == "name" {
				nameRules++
			}
		default:
			return fmt.Errorf("invalid type %q for answer rule for %s rule", last, name)
		}
	}
	if r.AnswerAuto && nameRules > 0 {
		return errors.New("auto name answer rule cannot be combined with explicit name anwer rules")
	}
	return nil
}

// rewritePattern is plugin/rewrite/name.go isValidRegexPattern.
func rewritePattern(from, to string) (*regexp.Regexp, error) {
	if len(from) > maxRegexpLen {
		return nil, fmt.Errorf("regex pattern too long: %d > %d", len(from), maxRegexpLen)
	}
	re, err := regexp.Compile(from)
	if err != nil {
		return nil, fmt.Errorf("invalid regex matching pattern: %s", from)
	}
	used := 0
	for i := range 101 {
		if strings.Contains(to, "{"+strconv.Itoa(i)+"}") {
			used++
		}
	}
	if used > re.NumSubexp() {
		return nil, fmt.Errorf("the rewrite regex pattern (%s) uses more subexpressions than its corresponding matching regex pattern (%s)", to, from)
	}
	return re, nil
}

// nameMatch reads the [TYPE] NAME prefix of ttl and rcode rules.
func (r *Rewrite) nameMatch(kind string, matchType, name string) error {
	r.MatchType = strings.ToLower(matchType)
	switch r.MatchType {
	case "exact", "prefix", "suffix", "substring":
		r.From = fqdnLower(name)
	case "regex":
		if len(name) > maxRegexpLen {
			return fmt.Errorf("regex pattern too long in a %s rule: %d > %d", kind, len(name), maxRegexpLen)
		}
		re, err := regexp.Compile(name)
		if err != nil {
			return fmt.Errorf("invalid regex pattern in a %s rule: %s", kind, name)
		}
		r.From, r.Regexp = name, re
	default:
		return fmt.Errorf("%s rule supports only exact, prefix, suffix, substring, and regex name matching", kind)
	}
	return nil
}

// ttlRule ports plugin/rewrite/ttl.go newTTLRule.
func (r *Rewrite) ttlRule(args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("too few (%d) arguments for a ttl rule", len(args))
	}
	if len(args) > 3 {
		return errors.New("many few arguments for a ttl rule")
	}
	spec := args[len(args)-1]
	lo, hi, ok := ttlRange(spec)
	if !ok {
		return fmt.Errorf("invalid TTL '%s' for a ttl rule", spec)
	}
	r.TTLMin, r.TTLMax, r.To = lo, hi, spec
	if len(args) == 3 {
		return r.nameMatch("ttl", args[0], args[1])
	}
	return r.nameMatch("ttl", "exact", args[0])
}

func ttlRange(v string) (uint32, uint32, bool) {
	s := strings.Split(v, "-")
	switch len(s) {
	case 1:
		i, err := strconv.ParseUint(s[0], 10, 32)
		return uint32(i), uint32(i), err == nil
	case 2:
		var lo, hi uint64 = 0, 2147483647
		var err error
		if s[0] != "" {
			if lo, err = strconv.ParseUint(s[0], 10, 32); err != nil {
				return 0, 0, false
			}
		}
		if s[1] != "" {
			if hi, err = strconv.ParseUint(s[1], 10, 32); err != nil {
				return 0, 0, false
			}
		} else if s[0] == "" {
			return 0, 0, false
		}
		if lo > hi {
			return 0, 0, false
		}
		return uint32(lo), uint32(hi), true
	}
	return 0, 0, false
}

// cnameRule ports plugin/rewrite/cname_target.go newCNAMERule.
func (r *Rewrite) cnameRule(args []string) error {
	switch len(args) {
	case 3:
		r.MatchType = strings.ToLower(args[0])
		switch r.MatchType {
		case "exact", "prefix", "suffix", "substring", "regex":
		default:
			return fmt.Errorf("unknown cname rewrite type: %s", r.MatchType)
		}
		r.From, r.To = strings.ToLower(args[1]), strings.ToLower(args[2])
	case 2:
		r.MatchType, r.From, r.To = "exact", strings.ToLower(args[0]), strings.ToLower(args[1])
	default:
		return fmt.Errorf("too few (%d) arguments for a cname rule", len(args))
	}
	switch r.MatchType {
	case "exact":
		r.From, r.To = fqdnLower(r.From), fqdnLower(r.To)
	case "regex":
		if len(r.From) > maxRegexpLen {
			return fmt.Errorf("regex pattern too long in a cname rule: %d > %d", len(r.From), maxRegexpLen)
		}
		re, err := regexp.Compile(r.From)
		if err != nil {
			return fmt.Errorf("invalid cname rewrite regex pattern: %w", err)
		}
		r.Regexp = re
	}
	return nil
}

// rcodeRule ports plugin/rewrite/rcode.go newRCodeRule.
func (r *Rewrite) rcodeRule(args []string) error {
	if len(args) < 3 {
		return fmt.Errorf("too few (%d) arguments for a rcode rule", len(args))
	}
	if len(args) > 4 {
		return errors.New("many few arguments for a rcode rule")
	}
	from, to := args[len(args)-2], args[len(args)-1]
	if !validRCode(from) {
		return fmt.Errorf("invalid matching RCODE '%s' for a rcode rule", from)
	}
	if !validRCode(to) {
		return fmt.Errorf("invalid replacement RCODE '%s' for a rcode rule", to)
	}
	r.RCodeFrom, r.RCodeTo = strings.ToUpper(from), strings.ToUpper(to)
	if len(args) == 4 {
		return r.nameMatch("rcode", args[0], args[1])
	}
	return r.nameMatch("rcode", "exact", args[0])
}

func validRCode(v string) bool {
	if i, err := strconv.ParseUint(v, 10, 32); err == nil && i <= 23 {
		return true
	}
	_, ok := dns.StringToRcode[strings.ToUpper(v)]
	return ok
}

// edns0Rule checks an edns0 rule's shape (plugin/rewrite/edns0.go
// newEdns0Rule); aksnet does not model EDNS0 options.
func edns0Rule(args []string) error {
	if len(args) < 2 {
		return errors.New("too few arguments for an EDNS0 rule")
	}
	kind, action := strings.ToLower(args[0]), strings.ToLower(args[1])
	switch action {
	case "append", "replace", "set":
	case "unset":
		want := map[string]int{"local": 3, "nsid": 2, "subnet": 2}[kind]
		if want == 0 {
			return fmt.Errorf("invalid rule type %q", kind)
		}
		if len(args) != want {
			return fmt.Errorf("%s unset action requires exactly %d argument(s)", kind, want-1)
		}
		return nil
	default:
		return fmt.Errorf("invalid action: %q", action)
	}
	if args[len(args)-1] == "revert" {
		args = args[:len(args)-1]
	}
	switch kind {
	case "local", "subnet":
		if len(args) != 4 {
			return fmt.Errorf("EDNS0 %s rules require three or four args", kind)
		}
	case "nsid":
		if len(args) != 2 {
			return errors.New("EDNS0 NSID rules can accept no more than one arg")
		}
	default:
		return fmt.Errorf("invalid rule type %q", kind)
	}
	return nil
}

// parseCache ports plugin/cache/setup.go cacheParse.
func parseCache(c *ctl, src Source) (Plugin, error) {
	ca := &Cache{Source: src, SuccessTTL: 3600, DenialTTL: 1800, SuccessMinTTL: 5, DenialMinTTL: 5,
		SuccessCap: 10000, DenialCap: 10000, ServFailTTL: 5 * time.Second}
	c.Next()
	args := c.RemainingArgs()
	if len(args) > 0 {
		if ttl, err := strconv.Atoi(args[0]); err == nil {
			if ttl <= 0 {
				return nil, c.errf("cache TTL can not be zero or negative: %d", ttl)
			}
			ca.TTL, ca.SuccessTTL, ca.DenialTTL = uint32(ttl), uint32(ttl), uint32(ttl)
			args = args[1:]
		}
	}
	ca.Zones = originsFromArgsOrServerBlock(args, c.zones)
	number := func(s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, c.errf("%q is not a number", s)
		}
		return n, nil
	}
	staleSet, policySet := false, false
	for c.NextBlock() {
		switch opt := c.Val(); opt {
		case "success", "denial":
			a := c.RemainingArgs()
			if len(a) == 0 {
				return nil, c.argErr()
			}
			capacity, err := number(a[0])
			if err != nil {
				return nil, err
			}
			capP, ttlP, minP := &ca.SuccessCap, &ca.SuccessTTL, &ca.SuccessMinTTL
			if opt == "denial" {
				capP, ttlP, minP = &ca.DenialCap, &ca.DenialTTL, &ca.DenialMinTTL
			}
			*capP = capacity
			if len(a) > 1 {
				ttl, err := number(a[1])
				if err != nil {
					return nil, err
				}
				if ttl <= 0 {
					return nil, c.errf("cache TTL can not be zero or negative: %d", ttl)
				}
				*ttlP = uint32(ttl)
			}
			if len(a) > 2 {
				m, err := number(a[2])
				if err != nil {
					return nil, err
				}
				if m < 0 {
					return nil, c.errf("cache min TTL can not be negative: %d", m)
				}
				*minP = uint32(m)
			}
		case "prefetch":
			a := c.RemainingArgs()
			if len(a) == 0 || len(a) > 3 {
				return nil, c.argErr()
			}
			n, err := number(a[0])
			if err != nil {
				return nil, err
			}
			if n < 0 {
				return nil, c.errf("prefetch amount should be positive: %d", n)
			}
			ca.Prefetch = n
			if len(a) > 1 {
				if _, err := time.ParseDuration(a[1]); err != nil {
					return nil, c.errf("prefetch duration %q: %v", a[1], err)
				}
			}
			if len(a) > 2 {
				pct := a[2]
				if !strings.HasSuffix(pct, "%") {
					return nil, c.errf("last character of percentage should be `%%`, but is: %q", pct[len(pct)-1])
				}
				n, err := number(strings.TrimSuffix(pct, "%"))
				if err != nil {
					return nil, err
				}
				if n < 10 || n > 90 {
					return nil, c.errf("percentage should fall in range [10, 90]: %d", n)
				}
			}
		case "serve_stale":
			staleSet = true
			a := c.RemainingArgs()
			if len(a) > 5 {
				return nil, c.argErr()
			}
			ca.ServeStale = time.Hour
			if len(a) > 0 {
				d, err := time.ParseDuration(a[0])
				if err != nil || d < 0 {
					return nil, c.errf("invalid duration for serve_stale: %s", a[0])
				}
				ca.ServeStale = d
			}
			if len(a) > 1 {
				if m := strings.ToLower(a[1]); m != "immediate" && m != "verify" {
					return nil, c.errf("invalid value for serve_stale refresh mode: %s", m)
				}
			}
		case "serve_stale_policy":
			if policySet {
				return nil, c.errf("serve_stale_policy can only be specified once")
			}
			policySet = true
			a := c.RemainingArgs()
			if len(a) != 1 {
				return nil, c.argErr()
			}
			if strings.ToLower(a[0]) != "prefer_positive" {
				return nil, c.errf("invalid serve_stale_policy: %s", a[0])
			}
		case "servfail":
			a := c.RemainingArgs()
			if len(a) != 1 {
				return nil, c.argErr()
			}
			d, err := time.ParseDuration(a[0])
			if err != nil {
				return nil, c.errf("servfail: %v", err)
			}
			if d < 0 {
				return nil, c.errf("invalid negative ttl for servfail")
			}
			if d > 5*time.Minute {
				return nil, c.errf("caching SERVFAIL responses over 5 minutes is not permitted")
			}
			ca.ServFailTTL = d
		case "disable":
			a := c.RemainingArgs()
			if len(a) < 1 {
				return nil, c.argErr()
			}
			zones := []string{""}
			if len(a) > 1 {
				zones = nil
				for _, z := range a[1:] {
					zones = append(zones, Canonical(fqdnLower(z)))
				}
			}
			switch a[0] {
			case "success":
				ca.DisableSuccess = zones
			case "denial":
				ca.DisableDenial = zones
			default:
				return nil, c.errf("cache type for disable must be %q or %q", "success", "denial")
			}
		case "keepttl":
			if len(c.RemainingArgs()) != 0 {
				return nil, c.argErr()
			}
			ca.KeepTTL = true
		default:
			return nil, c.argErr()
		}
	}
	if policySet && !staleSet {
		return nil, c.errf("serve_stale_policy requires serve_stale")
	}
	return ca, nil
}

// parseAutopath ports plugin/autopath/setup.go autoPathParse.
func parseAutopath(c *ctl, src Source) (Plugin, error) {
	c.Next()
	args := c.RemainingArgs()
	if len(args) < 1 {
		return nil, errors.New("no resolv-conf specified")
	}
	a := &Autopath{Source: src, ResolvConf: args[len(args)-1]}
	if !strings.HasPrefix(a.ResolvConf, "@") && a.ResolvConf != "/etc/resolv.conf" {
		return nil, &setupError{src: src, msg: fmt.Sprintf("failed to parse %q: no such file in the CoreDNS pod", a.ResolvConf),
			hint: "use @kubernetes (with pods verified) or /etc/resolv.conf"}
	}
	a.Zones = originsFromArgsOrServerBlock(args[:len(args)-1], c.zones)
	return a, nil
}

// parseOther keeps a directive aksnet does not model, checking the
// arguments of the ones in the AKS default Corefile and its common
// customisations.
func parseOther(c *ctl, src Source) (Plugin, error) {
	o := &Other{Source: src, Directive: c.dir.name}
	c.Next()
	o.Args = c.RemainingArgs()
	var line []string
	lineNo := 0
	nesting := 0
	if c.NextArg() && c.Val() == "{" {
		nesting = 1
		for c.Next() {
			switch c.Val() {
			case "{":
				nesting++
			case "}":
				nesting--
			}
			if nesting == 0 {
				break
			}
			if c.Line() != lineNo && len(line) > 0 {
				o.Block = append(o.Block, line)
				line = nil
			}
			lineNo = c.Line()
			line = append(line, c.Val())
		}
		if len(line) > 0 {
			o.Block = append(o.Block, line)
		}
	}
	return o, checkOther(c, o)
}

func checkOther(c *ctl, o *Other) error {
	noBlock := func() error {
		if len(o.Block) > 0 {
			return c.errf("unknown property '%s'", o.Block[0][0])
		}
		return nil
	}
	addr := func() error {
		switch len(o.Args) {
		case 0:
			return nil
		case 1:
			if _, _, err := net.SplitHostPort(o.Args[0]); err != nil {
				return c.errf("%v", err)
			}
			return nil
		}
		return c.errf("wrong argument count: %s", strings.Join(o.Args, " "))
	}
	blockOpts := func(allowed map[string]int) error {
		for _, l := range o.Block {
			n, ok := allowed[l[0]]
			if !ok {
				return c.errf("unknown property '%s'", l[0])
			}
			if n >= 0 && len(l)-1 != n {
				return c.errf("wrong argument count for %s: %s", l[0], strings.Join(l[1:], " "))
			}
		}
		return nil
	}
	switch o.Directive {
	case "loop", "minimal", "any", "whoami":
		if len(o.Args) > 0 {
			return c.errf("takes no arguments: %s", strings.Join(o.Args, " "))
		}
		return noBlock()
	case "errors":
		if len(o.Args) > 1 || (len(o.Args) == 1 && o.Args[0] != "stdout") {
			return c.errf("invalid log file: %s", strings.Join(o.Args, " "))
		}
		return blockOpts(map[string]int{"stacktrace": 0, "consolidate": -1})
	case "health":
		if err := addr(); err != nil {
			return err
		}
		for _, l := range o.Block {
			if l[0] != "lameduck" {
				return c.errf("unknown property '%s'", l[0])
			}
			if len(l) != 2 {
				return c.errf("lameduck needs one duration")
			}
			if _, err := time.ParseDuration(l[1]); err != nil {
				return c.errf("unable to parse lameduck duration value: '%v' : %v", l[1], err)
			}
		}
	case "ready":
		if err := addr(); err != nil {
			return err
		}
		return blockOpts(map[string]int{"monitor": 1})
	case "prometheus":
		if err := addr(); err != nil {
			return err
		}
		return blockOpts(map[string]int{"runtime_metrics": 0, "tls": 1})
	case "reload":
		if len(o.Args) > 2 {
			return c.errf("wrong argument count: %s", strings.Join(o.Args, " "))
		}
		for i, a := range o.Args {
			d, err := time.ParseDuration(a)
			if err != nil {
				return c.errf("%v", err)
			}
			if i == 0 && d < 2*time.Second {
				return c.errf("interval value must be greater or equal to 2s")
			}
			if i == 1 && d != 0 && d < time.Second {
				return c.errf("jitter value must be 0 or greater or equal to 1s")
			}
		}
		return noBlock()
	case "loadbalance":
		if len(o.Args) > 0 {
			switch o.Args[0] {
			case "round_robin":
				if len(o.Args) > 1 {
					return c.errf("unknown property for %s", o.Args[0])
				}
			case "weighted":
				if len(o.Args) != 2 {
					return c.errf("weighted needs one weight file")
				}
			default:
				return c.errf("unknown policy: %s", o.Args[0])
			}
		}
		return blockOpts(map[string]int{"prefer": -1, "reload": 1})
	case "log":
		for _, l := range o.Block {
			if l[0] != "class" {
				return c.errf("unknown property '%s'", l[0])
			}
			for _, cl := range l[1:] {
				switch cl {
				case "all", "denial", "error", "success":
				default:
					return c.errf("invalid class %q", cl)
				}
			}
		}
	}
	return nil
}
