// Package corefile turns a cluster's CoreDNS configuration — the AKS default
// Corefile plus the kube-system/coredns-custom ConfigMap — into typed data a
// DNS engine can execute: server blocks with their zones, and in each the
// plugins in the order CoreDNS runs them, the ones that change answers
// parsed into their options (kubernetes-dns.md §3).
//
// It follows CoreDNS: coredns/caddy's Corefile grammar and import globbing,
// core/dnsserver's address normalisation and zone selection, plugin.cfg's
// execution order and each plugin's setup.go for its syntax. It resolves
// nothing itself.
//
// Zone names are canonical throughout (Canonical): lower case, no trailing
// dot, "" for the root. Rewrite and Template patterns are the exception:
// like CoreDNS they apply to the fully qualified query name (with the
// trailing dot); use Rewrite.RewriteName and Template.MatchName.
package corefile

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aksnet/aksnet/internal/model"
)

// Config is the effective CoreDNS configuration.
type Config struct {
	// Servers are the server blocks in Corefile order, imports expanded. A
	// block whose addresses have different ports is split into one Server
	// per port; they share their Plugins, as in CoreDNS.
	Servers []*Server
	// Warnings are what CoreDNS accepts but ignores or is unlikely to be
	// meant: inline hosts lines it skips, a second reload, a block without
	// a handler, environment variables.
	Warnings model.ErrorList

	// zones indexes the DNS servers by port and zone, built on first use:
	// ServerFor runs once per query on the engine's hot path.
	zonesOnce sync.Once
	zones     map[string][]zoneServer // by port, longest zone first
}

type portZone struct{ port, zone string }

type zoneServer struct {
	zone   string
	server *Server
}

// Server is a server block.
type Server struct {
	// Source is where the block's first address was written: for a block in
	// a coredns-custom key that key's location, otherwise the cluster's.
	// Source.Loc is that location.
	Source
	// Zones are the zones the block serves, canonical ("" is the root ".").
	Zones []string
	// Port is the listening port, "53" unless given.
	Port string
	// Transport is "dns" unless the address starts with tls://, grpc://,
	// https://, quic:// or https3://.
	Transport string
	// Plugins are the block's directives in execution order (plugin.cfg),
	// not in file order; several uses of one directive keep their file
	// order (forward, template, rewrite, log, …).
	Plugins []Plugin

	handlers bool // computed once: asked for every query
}

// Handlers reports whether the block has a plugin that answers queries.
// CoreDNS answers REFUSED for a zone whose block has none
// (core/dnsserver/server.go).
func (s *Server) Handlers() bool { return s.handlers }

func anyHandler(plugins []Plugin) bool {
	for _, p := range plugins {
		if IsHandler(p.Name()) {
			return true
		}
	}
	return false
}

// Plugin is one use of a directive. The ones that change answers are typed
// (*Kubernetes, *Forward, *Hosts, *Template, *Rewrite, *Cache, *Autopath);
// the others are *Other.
type Plugin interface {
	Name() string
	Src() Source
}

// Source is where a directive or block was written.
type Source struct {
	// Key is the coredns-custom key, "" for the Corefile itself.
	Key string
	// Line is the line inside the key's content (or the Corefile).
	Line int
	// Loc is the key's location in the topology (Cluster.CoreDNSCustomLoc),
	// or the cluster's for the Corefile and for keys without one.
	Loc model.Location
}

// Src returns s; Plugin implementations embed Source.
func (s Source) Src() Source { return s }

// Where describes the position for a message: "line 3 of key aws.server".
func (s Source) Where() string {
	if s.Key != "" {
		return fmt.Sprintf("line %d of key %s", s.Line, s.Key)
	}
	return fmt.Sprintf("line %d of the Corefile", s.Line)
}

func (s Source) errorf(format string, args ...any) *model.Error {
	return model.Errorf(s.Loc, "%s (%s)", fmt.Sprintf(format, args...), s.Where())
}

// ServerFor returns the server block CoreDNS hands a query for qname to on
// a DNS listener port ("" means 53): the block with the longest zone that
// qname is in, else the root block; nil when none serves it (CoreDNS
// answers REFUSED). Port of core/dnsserver/server.go ServeDNS, without
// its special routing of DS queries to the parent zone.
func (c *Config) ServerFor(qname, port string) *Server {
	if port == "" {
		port = "53"
	}
	c.zonesOnce.Do(func() {
		c.zones = map[string][]zoneServer{}
		seen := map[portZone]bool{}
		for _, s := range c.Servers {
			if s.Transport != "dns" {
				continue
			}
			for _, z := range s.Zones {
				// The first block for a zone wins, as in CoreDNS.
				if !seen[portZone{s.Port, z}] {
					seen[portZone{s.Port, z}] = true
					c.zones[s.Port] = append(c.zones[s.Port], zoneServer{z, s})
				}
			}
		}
		for _, zs := range c.zones {
			slices.SortStableFunc(zs, func(a, b zoneServer) int { return len(b.zone) - len(a.zone) })
		}
	})
	// Longest zone first: a handful of suffix checks, cheaper than a map
	// lookup per label of the name.
	name := Canonical(qname)
	for _, zs := range c.zones[port] {
		z := zs.zone
		if z == "" || name == z || len(name) > len(z) && name[len(name)-len(z)-1] == '.' && name[len(name)-len(z):] == z {
			return zs.server
		}
	}
	return nil
}

// loader carries what Load needs to locate messages.
type loader struct {
	clusterLoc model.Location
	customLoc  map[string]model.Location
	errs       model.ErrorList
	warns      model.ErrorList
}

func (l *loader) source(t token) Source {
	if key, ok := strings.CutPrefix(t.File, customDir+"/"); ok {
		loc, ok := l.customLoc[key]
		if !ok {
			loc = l.clusterLoc
		}
		return Source{Key: key, Line: t.Line, Loc: loc}
	}
	return Source{Line: t.Line, Loc: l.clusterLoc}
}

func (l *loader) keySource(key string) Source {
	return l.source(token{File: customDir + "/" + key, Line: 0})
}

// Load parses a Corefile, resolving `import custom/*.server` and
// `import custom/*.override` against the coredns-custom data (key →
// content), and returns the configuration with every problem found. Errors
// are located at the coredns-custom key (customLoc) that holds the mistake,
// else at clusterLoc, with the line inside the key in the message.
//
// CoreDNS refuses a Corefile with any of these errors: the pod fails to
// start (CrashLoopBackOff), and a running one keeps its previous
// configuration on reload. The Config returned alongside errors holds what
// could be parsed, without the faulty directives, blocks or keys.
func Load(corefile string, custom map[string]string, customLoc map[string]model.Location, clusterLoc model.Location) (*Config, model.ErrorList) {
	l := &loader{clusterLoc: clusterLoc, customLoc: customLoc}
	fs := newVFS()
	fs.add(corefilePath, corefile)

	keys := make([]string, 0, len(custom))
	for k := range custom {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		at := l.keySource(k)
		if k == "" || strings.Contains(k, "/") {
			l.errs.Add(model.Errorf(at.Loc, "coredns-custom key %q is not a valid ConfigMap key", k))
			continue
		}
		if !strings.HasSuffix(k, ".server") && !strings.HasSuffix(k, ".override") {
			l.errs.Add(model.Errorf(at.Loc, "coredns-custom key %q must end in .server or .override", k).
				WithHint("AKS imports only custom/*.server and custom/*.override, so CoreDNS ignores this key; see coredns-custom.md"))
		}
		fs.add(customDir+"/"+k, custom[k])
		if open, closed := braces(fs.tokens(customDir + "/" + k)); open != closed {
			l.errs.Add(model.Errorf(at.Loc, "coredns-custom key %s has %d '{' but %d '}'", k, open, closed).
				WithHint("every { needs its }: CoreDNS splices the key into the Corefile and fails to parse it"))
			fs.remove(customDir + "/" + k)
		}
	}

	// Parse; a syntax error inside a key drops that key and parses again,
	// so that every key's errors are reported.
	var p *parser
	var blocks []rawBlock
	for {
		p = newParser(fs, corefilePath)
		var err *tokErr
		blocks, err = p.parseAll()
		if err == nil {
			break
		}
		src := l.source(err.tok)
		l.errs.Add(src.errorf("%s", err.msg))
		if src.Key == "" {
			break // the Corefile itself is broken
		}
		fs.remove(customDir + "/" + src.Key)
	}
	for _, e := range p.unknown {
		src := l.source(e.tok)
		me := src.errorf("%s", e.msg)
		if hint := unknownHint(e.tok.Text, src); hint != "" {
			me.Hint = hint
		}
		l.errs.Add(me)
	}
	seenEnv := map[token]bool{}
	for _, t := range p.envRefs {
		if !seenEnv[t] {
			seenEnv[t] = true
			l.warns.Add(l.source(t).errorf("%q references an environment variable; aksnet does not model the CoreDNS pod's environment and reads it as empty", t.Text))
		}
	}

	cfg := &Config{}
	served := map[zoneAddr]Source{}
	for _, b := range blocks {
		cfg.Servers = append(cfg.Servers, l.servers(b, served)...)
	}
	l.errs.Sort()
	l.warns.Sort()
	cfg.Warnings = l.warns
	return cfg, l.errs
}

// braces counts the brace tokens of a key.
func braces(toks []token) (open, closed int) {
	for _, t := range toks {
		switch t.Text {
		case "{":
			open++
		case "}":
			closed++
		}
	}
	return open, closed
}

// zoneAddr identifies a listener zone, as core/dnsserver/address.go.
type zoneAddr struct{ zone, port, transport string }

func (z zoneAddr) String() string {
	zone := z.zone + "."
	return z.transport + "://" + zone + ":" + z.port
}

// servers builds the Servers of a block: its zones and ports
// (core/dnsserver/register.go InspectServerBlocks), then its plugins.
func (l *loader) servers(b rawBlock, served map[zoneAddr]Source) []*Server {
	var addrs []zoneAddr
	var addrSrc []Source
	for _, k := range b.keys {
		src := l.source(k)
		trans, rest := splitTransport(k.Text)
		hosts, port, err := splitHostPort(rest)
		if err == nil {
			for _, h := range hosts {
				if _, _, err = splitHostPort(fqdnLower(h)); err != nil {
					break
				}
			}
		}
		if err != nil {
			l.errs.Add(src.errorf("server block address %q: %v", k.Text, err))
			continue
		}
		if port == "" {
			port = defaultPort(trans)
		}
		for _, h := range hosts {
			za := zoneAddr{zone: Canonical(fqdnLower(h)), port: port, transport: trans}
			if prev, dup := served[za]; dup {
				e := src.errorf("cannot serve %s - it is already defined", za)
				switch {
				case prev.Key == "" && src.Key != "":
					e.Hint = fmt.Sprintf("the Corefile already has a block for %s:%s (%s); add plugins to it with a .override key", za.zone+".", port, prev.Where())
				default:
					e.Hint = fmt.Sprintf("already served by the block at %s", prev.Where())
				}
				l.errs.Add(e)
				continue
			}
			served[za] = src
			addrs = append(addrs, za)
			addrSrc = append(addrSrc, src)
		}
		if Order(k.Text) >= 0 && src.Key != "" && strings.HasSuffix(src.Key, ".server") {
			l.warns.Add(src.errorf("server block address %q is a directive name", k.Text).
				WithHint("a .server key holds whole server blocks, e.g. example.com:53 { %s }; directives for the default block go in a .override key", k.Text))
		}
	}

	// The zones every plugin defaults to are all of the block's zones
	// (c.ServerBlockKeys), whatever their port.
	var blockZones []string
	for _, a := range addrs {
		if !slices.Contains(blockZones, a.zone) {
			blockZones = append(blockZones, a.zone)
		}
	}
	nerrs := len(l.errs)
	plugins := l.plugins(b, blockZones)
	clean := len(l.errs) == nerrs

	var out []*Server
	for i, a := range addrs {
		var s *Server
		for _, o := range out {
			if o.Port == a.port && o.Transport == a.transport {
				s = o
			}
		}
		if s == nil {
			s = &Server{Source: addrSrc[i], Port: a.port, Transport: a.transport, Plugins: plugins, handlers: anyHandler(plugins)}
			out = append(out, s)
		}
		s.Zones = append(s.Zones, a.zone)
	}
	for _, s := range out {
		if clean && !s.Handlers() {
			l.warns.Add(s.errorf("server block for %s has no plugin that answers queries; CoreDNS answers REFUSED for it", displayZones(s.Zones)))
		}
	}
	return out
}

func displayZones(zones []string) string {
	out := make([]string, len(zones))
	for i, z := range zones {
		out[i] = z + "."
	}
	return strings.Join(out, " ")
}

// plugins parses a block's directives and puts them in execution order.
func (l *loader) plugins(b rawBlock, blockZones []string) []Plugin {
	var out []Plugin
	first := map[string]Source{}
	for _, d := range b.dirs {
		if d.unknown {
			continue // reported by the parser
		}
		src := l.source(d.toks[0])
		if prev, ok := first[d.name]; ok {
			switch {
			case once[d.name]:
				e := src.errorf("%s: this plugin can only be used once per server block", d.name)
				e.Hint = fmt.Sprintf("%s is already used at %s", d.name, prev.Where())
				if prev.Key == "" && strings.HasSuffix(src.Key, ".override") {
					e.Hint = fmt.Sprintf("the default .:53 block already has %s (%s) and a .override key is spliced into it; configure %s in a .server block for the zone instead", d.name, prev.Where(), d.name)
				}
				l.errs.Add(e)
				continue
			case firstOnly[d.name]:
				l.warns.Add(src.errorf("%s: only the first use in a server block counts (%s); this one is ignored", d.name, prev.Where()))
				continue
			}
		} else {
			first[d.name] = src
		}
		p, err := l.parseDirective(d, blockZones)
		if err != nil {
			l.errs.Add(err)
			continue
		}
		out = append(out, p)
	}
	sort.SliceStable(out, func(i, j int) bool { return Order(out[i].Name()) < Order(out[j].Name()) })
	return out
}

// unknownHint explains an unknown directive.
func unknownHint(dir string, src Source) string {
	if strings.HasSuffix(src.Key, ".override") && (strings.Contains(dir, ".") || strings.Contains(dir, ":")) {
		return "a .override key holds directives for the default .:53 block; put server blocks such as " + dir + " { … } in a .server key"
	}
	if d := model.Closest(dir, directives); d != "" {
		return "did you mean " + d + "?"
	}
	return "CoreDNS in AKS supports only its built-in plugins (coredns-custom.md)"
}
