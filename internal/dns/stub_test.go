package dns

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aksnet/aksnet/internal/model"
)

// A fake network for the stub: each server answers from a table keyed
// "name TYPE", then "name *"; anything else is NXDOMAIN. A server missing
// from the network, or a nil table, is down (every query times out).

type stubServer map[string]Reply

type stubNet map[netip.Addr]stubServer

func (n stubNet) exchange(server netip.Addr, q Question) Reply {
	srv := n[server]
	if srv == nil {
		return Reply{RCode: Timeout}
	}
	if r, ok := srv[q.Name+" "+string(q.Type)]; ok {
		return r
	}
	if r, ok := srv[q.Name+" *"]; ok {
		return r
	}
	if r, ok := srv["*"]; ok {
		return r
	}
	return Reply{RCode: NXDomain}
}

var (
	stubNS1 = netip.MustParseAddr("10.0.0.10") // kube-dns
	stubNS2 = netip.MustParseAddr("10.0.0.11")
	stubNS3 = netip.MustParseAddr("10.0.0.12")
)

const (
	stubPG        = "myserver.postgres.database.azure.com"
	stubPGLink    = "myserver.privatelink.postgres.database.azure.com"
	stubCloudapp  = "x1y2z3.eastus.internal.cloudapp.net"
	stubPGAddr    = "10.1.2.3"
	stubKubeAddr  = "10.0.0.1"
	stubWebAddr   = "10.9.9.9"
	stubOtherAddr = "10.8.8.8"
)

// stubAddrs is a NOERROR answer: A/AAAA records for name, after an
// optional CNAME from alias.
func stubAddrs(alias, name string, ips ...string) Reply {
	var r Reply
	if alias != "" {
		r.Answer = append(r.Answer, RR{Name: alias, Type: model.TypeCNAME, TTL: 30, Data: model.RData{Target: name}})
	}
	for _, ip := range ips {
		a := netip.MustParseAddr(ip)
		t := model.TypeA
		if a.Is6() {
			t = model.TypeAAAA
		}
		r.Answer = append(r.Answer, RR{Name: name, Type: t, TTL: 30, Data: model.RData{Addr: a}})
	}
	return r
}

var (
	stubNODATA   = Reply{RCode: NoError, SOA: &SOA{Zone: "cluster.local"}}
	stubSERVFAIL = Reply{RCode: ServFail}
	stubREFUSED  = Reply{RCode: Refused}
	stubLOST     = Reply{RCode: Timeout}
)

// stubPodRC is an AKS pod's resolv.conf (kubernetes-dns.md §2.1, §2.5):
// kube-dns, the namespace's search list plus the node's
// internal.cloudapp.net suffix, ndots 5, glibc defaults 5 s × 2.
func stubPodRC(r model.Resolver) *model.ResolvConf {
	return &model.ResolvConf{
		Nameservers: []netip.Addr{stubNS1},
		Search:      []string{"app.svc.cluster.local", "svc.cluster.local", "cluster.local", stubCloudapp},
		Ndots:       5, Timeout: 5, Attempts: 2, Resolver: r,
	}
}

// stubCoreDNS answers like CoreDNS in an AKS cluster: the kubernetes
// service, a Service "web" in namespace "app", the Postgres name forwarded
// upstream (CNAME to privatelink, A only), NXDOMAIN for the rest.
func stubCoreDNS() stubServer {
	return stubServer{
		stubPG + " A":                               stubAddrs(stubPG, stubPGLink, stubPGAddr),
		stubPG + " AAAA":                            stubAddrs(stubPG, stubPGLink),
		"kubernetes.default.svc.cluster.local A":    stubAddrs("", "kubernetes.default.svc.cluster.local", stubKubeAddr),
		"kubernetes.default.svc.cluster.local AAAA": stubNODATA,
	}
}

var stubResolvers = []model.Resolver{model.ResolverGlibc, model.ResolverMusl, model.ResolverGo}

type stubWant struct {
	queries int
	err     StubError
	name    string        // the answering candidate, when err is ""
	elapsed time.Duration // checked when not zero
	asked   []string      // checked when set: names asked, in order of first query
}

func stubAsked(res StubResult) []string {
	var out []string
	for _, q := range res.Queries {
		if len(out) == 0 || out[len(out)-1] != q.Question.Name {
			out = append(out, q.Question.Name)
		}
	}
	return out
}

func stubDump(res StubResult) string {
	var b strings.Builder
	for _, q := range res.Queries {
		fmt.Fprintf(&b, "  %9v #%d %-12s %-60s %s\n", q.At, q.Attempt, q.Server, q.Question, q.Reply.RCode)
	}
	for _, w := range res.Why {
		fmt.Fprintf(&b, "  why: %s\n", w)
	}
	fmt.Fprintf(&b, "  → name %q addrs %v err %q elapsed %v\n", res.Name, res.Addrs, res.Err, res.Elapsed)
	return b.String()
}

func stubCheck(t *testing.T, res StubResult, w stubWant) {
	t.Helper()
	ok := true
	if len(res.Queries) != w.queries {
		t.Errorf("%d queries on the wire, want %d", len(res.Queries), w.queries)
		ok = false
	}
	if res.Err != w.err {
		t.Errorf("err %q, want %q", res.Err, w.err)
		ok = false
	}
	if w.err == "" && res.Name != w.name {
		t.Errorf("answered by %q, want %q", res.Name, w.name)
		ok = false
	}
	if w.err != "" && (res.Name != "" || res.Addrs != nil) {
		t.Errorf("failure with name %q addrs %v", res.Name, res.Addrs)
		ok = false
	}
	if w.elapsed != 0 && res.Elapsed != w.elapsed {
		t.Errorf("elapsed %v, want %v", res.Elapsed, w.elapsed)
		ok = false
	}
	if w.asked != nil && !slices.Equal(stubAsked(res), w.asked) {
		t.Errorf("asked %q,\nwant  %q", stubAsked(res), w.asked)
		ok = false
	}
	if len(res.Why) == 0 {
		t.Errorf("no Why lines")
		ok = false
	}
	if !ok {
		t.Logf("trace:\n%s", stubDump(res))
	}
}

// kubernetes-dns.md §2.5 (and §7.2, §7.4): the query cost of
// myserver.postgres.database.azure.com from an AKS pod with ndots 5.
func TestStubQueryCostAKS(t *testing.T) {
	searchThenLiteral := []string{
		stubPG + ".app.svc.cluster.local", stubPG + ".svc.cluster.local", stubPG + ".cluster.local",
		stubPG + "." + stubCloudapp, stubPG,
	}
	literalThenSearch := append([]string{stubPG}, searchThenLiteral[:4]...)
	exists := stubNet{stubNS1: stubCoreDNS()}
	missing := stubNet{stubNS1: stubServer{}} // the literal name is NXDOMAIN too
	rtt := StubRTT
	type c struct {
		name    string
		lookup  string
		family  Family
		ndots   int
		options []string
		net     stubNet
		want    map[model.Resolver]stubWant
	}
	all := func(w stubWant) map[model.Resolver]stubWant {
		return map[model.Resolver]stubWant{model.ResolverGlibc: w, model.ResolverMusl: w, model.ResolverGo: w}
	}
	cases := []c{
		{"§2.5 AF_UNSPEC: 5 candidates × (A+AAAA) = 10 queries in 5 round trips", stubPG, FamilyUnspec, 5, nil, exists,
			all(stubWant{queries: 10, name: stubPG, elapsed: 5 * rtt, asked: searchThenLiteral})},
		{"§2.5 AF_INET: 5 queries", stubPG, FamilyV4, 5, nil, exists,
			all(stubWant{queries: 5, name: stubPG, elapsed: 5 * rtt, asked: searchThenLiteral})},
		{"§2.5 trailing dot: 2 queries", stubPG + ".", FamilyUnspec, 5, nil, exists,
			all(stubWant{queries: 2, name: stubPG, elapsed: rtt, asked: []string{stubPG}})},
		{"§2.5 dnsConfig ndots 2: as is first, 2 queries on success", stubPG, FamilyUnspec, 2, nil, exists,
			all(stubWant{queries: 2, name: stubPG, elapsed: rtt, asked: []string{stubPG}})},
		{"§2.5 ndots 4 (= dots): as is first", stubPG, FamilyUnspec, 4, nil, exists,
			all(stubWant{queries: 2, name: stubPG, elapsed: rtt, asked: []string{stubPG}})},
		{"§2.5 ndots 2, literal NXDOMAIN: glibc and Go fall back to the search list, musl does not", stubPG, FamilyUnspec, 2, nil, missing,
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 10, err: EAINoName, elapsed: 5 * rtt, asked: literalThenSearch},
				model.ResolverMusl:  {queries: 2, err: EAINoName, elapsed: rtt, asked: []string{stubPG}},
				model.ResolverGo:    {queries: 10, err: EAINoName, elapsed: 5 * rtt, asked: literalThenSearch},
			}},
		{"§2.5 ndots 5, nothing exists: 10 queries, EAI_NONAME", stubPG, FamilyUnspec, 5, nil, missing,
			all(stubWant{queries: 10, err: EAINoName, elapsed: 5 * rtt, asked: searchThenLiteral})},
		{"§2.2 option no-aaaa (glibc 2.36+): A only; musl and Go ignore it", stubPG, FamilyUnspec, 5, []string{"no-aaaa"}, exists,
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 5, name: stubPG, elapsed: 5 * rtt},
				model.ResolverMusl:  {queries: 10, name: stubPG, elapsed: 5 * rtt},
				model.ResolverGo:    {queries: 10, name: stubPG, elapsed: 5 * rtt},
			}},
	}
	for _, tc := range cases {
		for _, r := range stubResolvers {
			t.Run(tc.name+"/"+string(r), func(t *testing.T) {
				rc := stubPodRC(r)
				rc.Ndots = tc.ndots
				rc.Options = tc.options
				res := Lookup(rc, tc.lookup, tc.family, tc.net.exchange)
				stubCheck(t, res, tc.want[r])
				if res.Err == "" {
					if !slices.Equal(res.Addrs, []netip.Addr{netip.MustParseAddr(stubPGAddr)}) {
						t.Errorf("addrs %v, want [%s]", res.Addrs, stubPGAddr)
					}
					if len(res.Answer) == 0 || res.Answer[0].Type != model.TypeCNAME {
						t.Errorf("answer %v: want the CNAME chain first", res.Answer)
					}
				}
				// §2.2–2.4: A and AAAA leave together (same At), A first.
				if tc.family == FamilyUnspec && len(tc.options) == 0 {
					for i := 0; i+1 < len(res.Queries); i += 2 {
						a, aaaa := res.Queries[i], res.Queries[i+1]
						if a.Question.Type != model.TypeA || aaaa.Question.Type != model.TypeAAAA || a.At != aaaa.At || a.Question.Name != aaaa.Question.Name {
							t.Errorf("queries %d,%d: %v@%v %v@%v: want A then AAAA of one name at one time", i, i+1, a.Question, a.At, aaaa.Question, aaaa.At)
						}
					}
				}
			})
		}
	}
}

// kubernetes-dns.md §2.2–2.4 and §7.3: what each resolver does with each
// answer of a search candidate. The name "web" has no dot, so every
// resolver walks app.svc.cluster.local, svc.cluster.local, cluster.local,
// the cloudapp suffix, then "web".
func TestStubSearchOutcomes(t *testing.T) {
	web := func(d string) string { return "web." + d }
	c1, c2, c3, c4 := web("app.svc.cluster.local"), web("svc.cluster.local"), web("cluster.local"), web(stubCloudapp)
	rtt := StubRTT
	type c struct {
		name string
		srv  stubServer
		want map[model.Resolver]stubWant
	}
	cases := []c{
		{"§2.2/§2.3 NODATA mid-search: glibc and Go go on, musl stops with EAI_NODATA",
			stubServer{c2 + " *": stubNODATA, c3 + " A": stubAddrs("", c3, stubWebAddr), c3 + " AAAA": stubNODATA},
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 6, name: c3, elapsed: 3 * rtt, asked: []string{c1, c2, c3}},
				model.ResolverMusl:  {queries: 4, err: EAINoData, elapsed: 2 * rtt, asked: []string{c1, c2}},
				model.ResolverGo:    {queries: 6, name: c3, elapsed: 3 * rtt, asked: []string{c1, c2, c3}},
			}},
		{"§2.2 NODATA remembered: glibc ends EAI_NODATA; Go reports the as-is name's NXDOMAIN",
			stubServer{c2 + " *": stubNODATA},
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 10, err: EAINoData, elapsed: 5 * rtt},
				model.ResolverMusl:  {queries: 4, err: EAINoData, elapsed: 2 * rtt},
				model.ResolverGo:    {queries: 10, err: EAINoName, elapsed: 5 * rtt},
			}},
		// glibc res_send.c send_dg: SERVFAIL for both questions → next
		// server, each try: 1 server × 2 tries × 2 questions = 4 queries.
		// musl res_msend.c: SERVFAIL is resent at once (2×2 per round),
		// never accepted: 2 rounds of 2+4, EAI_AGAIN after 5 s.
		// Go tryOneName: SERVFAIL → next server, 2 attempts per question.
		{"§2.2/§2.3 SERVFAIL mid-search: glibc goes on (remembered), musl EAI_AGAIN, Go goes on",
			stubServer{c2 + " *": stubSERVFAIL, c3 + " A": stubAddrs("", c3, stubWebAddr), c3 + " AAAA": stubNODATA},
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 8, name: c3, elapsed: 4 * rtt, asked: []string{c1, c2, c3}},
				model.ResolverMusl:  {queries: 14, err: EAIAgain, elapsed: rtt + 5*time.Second, asked: []string{c1, c2}},
				model.ResolverGo:    {queries: 8, name: c3, elapsed: 4 * rtt, asked: []string{c1, c2, c3}},
			}},
		{"§2.2 SERVFAIL remembered: glibc ends EAI_AGAIN; Go reports the as-is name's NXDOMAIN",
			stubServer{c2 + " *": stubSERVFAIL},
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 12, err: EAIAgain, elapsed: 6 * rtt, asked: []string{c1, c2, c3, c4, "web"}},
				model.ResolverMusl:  {queries: 14, err: EAIAgain, elapsed: rtt + 5*time.Second},
				model.ResolverGo:    {queries: 12, err: EAINoName, elapsed: 6 * rtt},
			}},
		// glibc: REFUSED → next server (send_dg); all tries refused → res_send
		// fails, TRY_AGAIN with hp->rcode REFUSED: the search stops, then
		// the name as is is still asked (res_query.c), → EAI_AGAIN.
		// musl ignores REFUSED and waits out its 5 s. Go: REFUSED is
		// errServerMisbehaving, the search goes on to the end.
		{"§2.2 REFUSED: glibc stops searching (then asks the name as is), musl waits 5 s, Go goes on",
			stubServer{"*": stubREFUSED},
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 8, err: EAIAgain, elapsed: 4 * rtt, asked: []string{c1, "web"}},
				model.ResolverMusl:  {queries: 4, err: EAIAgain, elapsed: 5 * time.Second, asked: []string{c1}},
				model.ResolverGo:    {queries: 20, err: EAIFail, elapsed: 10 * rtt},
			}},
		// A answered, AAAA SERVFAIL: glibc uses the A answer alone
		// ("parallel resolution succeeds even if the resolver always
		// answers SERVFAIL for AAAA"); musl needs both; Go needs one.
		{"§2.2/§2.3 AAAA SERVFAIL with A: glibc and Go use A, musl EAI_AGAIN",
			stubServer{c1 + " A": stubAddrs("", c1, stubWebAddr), c1 + " AAAA": stubSERVFAIL},
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 2, name: c1, elapsed: rtt},
				model.ResolverMusl:  {queries: 11, err: EAIAgain, elapsed: 5 * time.Second},
				model.ResolverGo:    {queries: 3, name: c1, elapsed: 2 * rtt},
			}},
		// musl name_from_dns checks every rcode before the addresses: an
		// NXDOMAIN for AAAA makes the name not exist.
		{"§2.3 A with an address but AAAA NXDOMAIN: musl takes the NXDOMAIN",
			stubServer{c1 + " A": stubAddrs("", c1, stubWebAddr), c2 + " A": stubAddrs("", c2, stubOtherAddr), c2 + " AAAA": stubNODATA},
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 2, name: c1},
				model.ResolverMusl:  {queries: 4, name: c2},
				model.ResolverGo:    {queries: 2, name: c1},
			}},
		// glibc: NOERROR with ancount > 0 ends the search even without an
		// address (res_query.c); nss_dns then finds none: EAI_NONAME.
		{"§2.2 a CNAME alone ends glibc's search",
			stubServer{c1 + " *": stubAddrs(c1, "elsewhere.example.com"), c2 + " A": stubAddrs("", c2, stubOtherAddr), c2 + " AAAA": stubNODATA},
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 2, err: EAINoName},
				model.ResolverMusl:  {queries: 2, err: EAINoData},
				model.ResolverGo:    {queries: 4, name: c2},
			}},
	}
	for _, tc := range cases {
		for _, r := range stubResolvers {
			t.Run(tc.name+"/"+string(r), func(t *testing.T) {
				res := Lookup(stubPodRC(r), "web", FamilyUnspec, stubNet{stubNS1: tc.srv}.exchange)
				stubCheck(t, res, tc.want[r])
			})
		}
	}
}

// kubernetes-dns.md §2.2 (res_query.c): when the name as is went first, its
// answer is the error, even if a search candidate had NODATA.
func TestStubGlibcAsIsErrorWins(t *testing.T) {
	rc := stubPodRC(model.ResolverGlibc)
	rc.Ndots = 1
	srv := stubServer{"db.corp.svc.cluster.local *": stubNODATA}
	res := Lookup(rc, "db.corp", FamilyUnspec, stubNet{stubNS1: srv}.exchange)
	stubCheck(t, res, stubWant{queries: 10, err: EAINoName,
		asked: []string{"db.corp", "db.corp.app.svc.cluster.local", "db.corp.svc.cluster.local", "db.corp.cluster.local", "db.corp." + stubCloudapp}})
}

// kubernetes-dns.md §2.2–2.5, §7.3: short service names.
func TestStubShortNames(t *testing.T) {
	net := stubNet{stubNS1: stubCoreDNS()}
	cases := []struct {
		lookup string
		want   stubWant
	}{
		// 1 dot < 5: kubernetes.default.app.svc.cluster.local first
		// (NXDOMAIN), then kubernetes.default.svc.cluster.local.
		{"kubernetes.default", stubWant{queries: 4, name: "kubernetes.default.svc.cluster.local", elapsed: 2 * StubRTT,
			asked: []string{"kubernetes.default.app.svc.cluster.local", "kubernetes.default.svc.cluster.local"}}},
		// 0 dots: kubernetes.app.svc.cluster.local, kubernetes.svc.cluster.local,
		// kubernetes.cluster.local, kubernetes.<cloudapp>, kubernetes.
		{"kubernetes", stubWant{queries: 10, err: EAINoName, elapsed: 5 * StubRTT,
			asked: []string{"kubernetes.app.svc.cluster.local", "kubernetes.svc.cluster.local", "kubernetes.cluster.local", "kubernetes." + stubCloudapp, "kubernetes"}}},
		// 3 dots < 5: the full service name still costs a search step.
		{"kubernetes.default.svc.cluster.local", stubWant{queries: 10, name: "kubernetes.default.svc.cluster.local", elapsed: 5 * StubRTT,
			asked: []string{"kubernetes.default.svc.cluster.local.app.svc.cluster.local", "kubernetes.default.svc.cluster.local.svc.cluster.local",
				"kubernetes.default.svc.cluster.local.cluster.local", "kubernetes.default.svc.cluster.local." + stubCloudapp, "kubernetes.default.svc.cluster.local"}}},
		{"KUBERNETES.default.svc.cluster.local.", stubWant{queries: 2, name: "kubernetes.default.svc.cluster.local", elapsed: StubRTT}},
	}
	for _, tc := range cases {
		for _, r := range stubResolvers {
			t.Run(tc.lookup+"/"+string(r), func(t *testing.T) {
				res := Lookup(stubPodRC(r), tc.lookup, FamilyUnspec, net.exchange)
				stubCheck(t, res, tc.want)
				if res.Err == "" && !slices.Equal(res.Addrs, []netip.Addr{netip.MustParseAddr(stubKubeAddr)}) {
					t.Errorf("addrs %v", res.Addrs)
				}
			})
		}
	}
}

// kubernetes-dns.md §2.2–2.4, §6 (timing signature), §7.5: nameservers,
// timeouts, attempts.
func TestStubNameservers(t *testing.T) {
	const name = "db.example.com." // rooted: one candidate
	up := stubServer{"db.example.com A": stubAddrs("", "db.example.com", "192.0.2.7"), "db.example.com AAAA": stubNODATA}
	nx := stubServer{}
	sf := stubServer{"*": stubSERVFAIL}
	two := []netip.Addr{stubNS1, stubNS2}
	three := []netip.Addr{stubNS1, stubNS2, stubNS3}
	s5 := 5 * time.Second
	rtt := StubRTT
	type q struct {
		server netip.Addr
		typ    model.RecordType
		at     time.Duration
	}
	cases := []struct {
		name    string
		servers []netip.Addr
		net     stubNet
		lookup  string
		want    map[model.Resolver]stubWant
		wire    map[model.Resolver][]q // checked when set
	}{
		{"first nameserver down, second answers: the lost query costs the full timeout (glibc, Go); musl asks both at once",
			two, stubNet{stubNS2: up}, name,
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 4, name: "db.example.com", elapsed: s5 + rtt},
				model.ResolverMusl:  {queries: 4, name: "db.example.com", elapsed: rtt},
				model.ResolverGo:    {queries: 4, name: "db.example.com", elapsed: s5 + rtt},
			},
			map[model.Resolver][]q{
				model.ResolverGlibc: {{stubNS1, "A", 0}, {stubNS1, "AAAA", 0}, {stubNS2, "A", s5}, {stubNS2, "AAAA", s5}},
				model.ResolverMusl:  {{stubNS1, "A", 0}, {stubNS2, "A", 0}, {stubNS1, "AAAA", 0}, {stubNS2, "AAAA", 0}},
				model.ResolverGo:    {{stubNS1, "A", 0}, {stubNS1, "AAAA", 0}, {stubNS2, "A", s5}, {stubNS2, "AAAA", s5}},
			}},
		{"first nameserver down, search name: glibc pays the timeout for every candidate",
			two, stubNet{stubNS2: stubCoreDNS()}, "kubernetes.default",
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 8, name: "kubernetes.default.svc.cluster.local", elapsed: 2 * (s5 + rtt)},
				model.ResolverMusl:  {queries: 8, name: "kubernetes.default.svc.cluster.local", elapsed: 2 * rtt},
				model.ResolverGo:    {queries: 8, name: "kubernetes.default.svc.cluster.local", elapsed: 2 * (s5 + rtt)},
			}, nil},
		// glibc: attempts × servers × timeout = 2 × 2 × 5 s; musl: its
		// 5 s budget, resending every 2.5 s to both.
		{"all nameservers down (2): EAI_AGAIN", two, stubNet{}, name,
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 8, err: EAIAgain, elapsed: 20 * time.Second},
				model.ResolverMusl:  {queries: 8, err: EAIAgain, elapsed: s5},
				model.ResolverGo:    {queries: 8, err: EAIAgain, elapsed: 20 * time.Second},
			},
			map[model.Resolver][]q{
				model.ResolverMusl: {{stubNS1, "A", 0}, {stubNS2, "A", 0}, {stubNS1, "AAAA", 0}, {stubNS2, "AAAA", 0},
					{stubNS1, "A", 2500 * time.Millisecond}, {stubNS2, "A", 2500 * time.Millisecond}, {stubNS1, "AAAA", 2500 * time.Millisecond}, {stubNS2, "AAAA", 2500 * time.Millisecond}},
			}},
		// res_send.c send_dg: seconds = retrans << ns / nscount: 5, 3, 6.
		{"all nameservers down (3): glibc waits 5+3+6 s per try", three, stubNet{}, name,
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 12, err: EAIAgain, elapsed: 28 * time.Second},
				model.ResolverMusl:  {queries: 12, err: EAIAgain, elapsed: s5},
				model.ResolverGo:    {queries: 12, err: EAIAgain, elapsed: 30 * time.Second},
			}, nil},
		// glibc: the first candidate times out, the search stops, the name
		// as is is asked too (res_query.c); musl stops at the first
		// candidate; Go asks all five.
		{"kube-dns down, search name from a pod", []netip.Addr{stubNS1}, stubNet{}, "web",
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 8, err: EAIAgain, elapsed: 20 * time.Second, asked: []string{"web.app.svc.cluster.local", "web"}},
				model.ResolverMusl:  {queries: 4, err: EAIAgain, elapsed: s5, asked: []string{"web.app.svc.cluster.local"}},
				model.ResolverGo:    {queries: 20, err: EAIAgain, elapsed: 50 * time.Second},
			}, nil},
		{"NXDOMAIN from the first nameserver is final", two, stubNet{stubNS1: nx, stubNS2: up}, name,
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 2, err: EAINoName, elapsed: rtt},
				model.ResolverMusl:  {queries: 4, err: EAINoName, elapsed: rtt},
				model.ResolverGo:    {queries: 2, err: EAINoName, elapsed: rtt},
			}, nil},
		// res_send.c send_dg: SERVFAIL/NOTIMP/REFUSED → next server.
		// musl: the SERVFAIL is resent to the first server, the second's
		// answer is accepted.
		{"SERVFAIL from the first nameserver: the second is asked", two, stubNet{stubNS1: sf, stubNS2: up}, name,
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 4, name: "db.example.com", elapsed: 2 * rtt},
				model.ResolverMusl:  {queries: 6, name: "db.example.com", elapsed: rtt},
				model.ResolverGo:    {queries: 4, name: "db.example.com", elapsed: 2 * rtt},
			},
			map[model.Resolver][]q{
				model.ResolverGlibc: {{stubNS1, "A", 0}, {stubNS1, "AAAA", 0}, {stubNS2, "A", rtt}, {stubNS2, "AAAA", rtt}},
				model.ResolverMusl:  {{stubNS1, "A", 0}, {stubNS2, "A", 0}, {stubNS1, "AAAA", 0}, {stubNS2, "AAAA", 0}, {stubNS1, "A", rtt}, {stubNS1, "AAAA", rtt}},
			}},
	}
	for _, tc := range cases {
		for _, r := range stubResolvers {
			t.Run(tc.name+"/"+string(r), func(t *testing.T) {
				rc := stubPodRC(r)
				rc.Nameservers = tc.servers
				res := Lookup(rc, tc.lookup, FamilyUnspec, tc.net.exchange)
				stubCheck(t, res, tc.want[r])
				if want, ok := tc.wire[r]; ok {
					var got []q
					for _, sq := range res.Queries {
						got = append(got, q{sq.Server, sq.Question.Type, sq.At})
					}
					if !slices.Equal(got, want) {
						t.Errorf("wire %v,\nwant %v", got, want)
					}
				}
			})
		}
	}
}

// kubernetes-dns.md §6 (conntrack races: the AAAA answer lost) and res_send.c
// send_dg: glibc, having the A answer and not the AAAA one at the deadline,
// switches to single-request and asks again, then to single-request-reopen,
// then uses A alone: three timeouts. musl needs both answers; Go waits out
// AAAA's attempts and uses A.
func TestStubLostAAAA(t *testing.T) {
	srv := stubServer{"db.example.com A": stubAddrs("", "db.example.com", "192.0.2.7"), "db.example.com AAAA": stubLOST}
	s5 := 5 * time.Second
	rtt := StubRTT
	want := map[model.Resolver]stubWant{
		model.ResolverGlibc: {queries: 6, name: "db.example.com", elapsed: 3 * s5},
		model.ResolverMusl:  {queries: 3, err: EAIAgain, elapsed: s5},
		model.ResolverGo:    {queries: 3, name: "db.example.com", elapsed: 2 * s5},
	}
	wantAt := map[model.Resolver][]time.Duration{
		model.ResolverGlibc: {0, 0, s5, s5 + rtt, 2 * s5, 2*s5 + rtt},
		model.ResolverMusl:  {0, 0, 2500 * time.Millisecond},
		model.ResolverGo:    {0, 0, s5},
	}
	for _, r := range stubResolvers {
		t.Run(string(r), func(t *testing.T) {
			res := Lookup(stubPodRC(r), "db.example.com.", FamilyUnspec, stubNet{stubNS1: srv}.exchange)
			stubCheck(t, res, want[r])
			var at []time.Duration
			for _, q := range res.Queries {
				at = append(at, q.At)
			}
			if !slices.Equal(at, wantAt[r]) {
				t.Errorf("sent at %v, want %v", at, wantAt[r])
			}
		})
	}
	// The learned single-request mode lasts for the rest of the lookup:
	// the next candidate goes A, then AAAA.
	srv["web.svc.cluster.local A"] = stubAddrs("", "web.svc.cluster.local", stubWebAddr)
	srv["web.svc.cluster.local AAAA"] = stubNODATA
	srv["web.app.svc.cluster.local AAAA"] = stubLOST
	srv["web.app.svc.cluster.local A"] = Reply{RCode: NXDomain}
	res := Lookup(stubPodRC(model.ResolverGlibc), "web", FamilyUnspec, stubNet{stubNS1: srv}.exchange)
	// web.app…: A NXDOMAIN arrives, AAAA is lost: the A answer is not
	// usable (resplen > 1 holds for NXDOMAIN too), single-request is
	// learned, A NXDOMAIN again, AAAA lost again, reopen, again; then
	// NXDOMAIN alone → next candidate, asked one question at a time.
	stubCheck(t, res, stubWant{queries: 8, name: "web.svc.cluster.local", elapsed: 3*s5 + 2*rtt})
	last := res.Queries[len(res.Queries)-2:]
	if last[0].At == last[1].At {
		t.Errorf("after the switch A and AAAA should leave one after the other: %v %v", last[0].At, last[1].At)
	}
}

// kubernetes-dns.md §2.2 options: rotate, single-request, use-vc; musl
// ignores them (§2.3).
func TestStubOptions(t *testing.T) {
	rtt := StubRTT
	both := stubNet{stubNS1: stubCoreDNS(), stubNS2: stubCoreDNS()}
	type c struct {
		name    string
		options []string
		servers []netip.Addr
		net     stubNet
		lookup  string
		want    map[model.Resolver]stubWant
		servOf  map[model.Resolver][]netip.Addr // server of each query, when set
		at      map[model.Resolver][]time.Duration
	}
	cases := []c{
		// glibc nameserver_offset: one step per res_send call (per
		// candidate); Go serverOffset: one per tryOneName (per question).
		{"rotate", []string{"rotate"}, []netip.Addr{stubNS1, stubNS2}, both, "kubernetes.default",
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 4, name: "kubernetes.default.svc.cluster.local"},
				model.ResolverMusl:  {queries: 8, name: "kubernetes.default.svc.cluster.local"},
				model.ResolverGo:    {queries: 4, name: "kubernetes.default.svc.cluster.local"},
			},
			map[model.Resolver][]netip.Addr{
				model.ResolverGlibc: {stubNS1, stubNS1, stubNS2, stubNS2},
				model.ResolverGo:    {stubNS1, stubNS2, stubNS1, stubNS2},
			}, nil},
		{"no rotate: always the first server", nil, []netip.Addr{stubNS1, stubNS2}, both, "kubernetes.default",
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 4, name: "kubernetes.default.svc.cluster.local"},
				model.ResolverMusl:  {queries: 8, name: "kubernetes.default.svc.cluster.local"},
				model.ResolverGo:    {queries: 4, name: "kubernetes.default.svc.cluster.local"},
			},
			map[model.Resolver][]netip.Addr{
				model.ResolverGlibc: {stubNS1, stubNS1, stubNS1, stubNS1},
				model.ResolverGo:    {stubNS1, stubNS1, stubNS1, stubNS1},
			}, nil},
		// §2.5 under single-request: A, then AAAA once A is in: 10 round
		// trips instead of 5.
		{"single-request", []string{"single-request"}, []netip.Addr{stubNS1}, stubNet{stubNS1: stubCoreDNS()}, stubPG,
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 10, name: stubPG, elapsed: 10 * rtt},
				model.ResolverMusl:  {queries: 10, name: stubPG, elapsed: 5 * rtt},
				model.ResolverGo:    {queries: 10, name: stubPG, elapsed: 10 * rtt},
			}, nil,
			map[model.Resolver][]time.Duration{
				model.ResolverGlibc: {0, rtt, 2 * rtt, 3 * rtt, 4 * rtt, 5 * rtt, 6 * rtt, 7 * rtt, 8 * rtt, 9 * rtt},
				model.ResolverMusl:  {0, 0, rtt, rtt, 2 * rtt, 2 * rtt, 3 * rtt, 3 * rtt, 4 * rtt, 4 * rtt},
				model.ResolverGo:    {0, rtt, 2 * rtt, 3 * rtt, 4 * rtt, 5 * rtt, 6 * rtt, 7 * rtt, 8 * rtt, 9 * rtt},
			}},
		{"single-request-reopen", []string{"single-request-reopen"}, []netip.Addr{stubNS1}, stubNet{stubNS1: stubCoreDNS()}, stubPG + ".",
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 2, name: stubPG, elapsed: 2 * rtt},
				model.ResolverMusl:  {queries: 2, name: stubPG, elapsed: rtt},
				model.ResolverGo:    {queries: 2, name: stubPG, elapsed: 2 * rtt},
			}, nil, nil},
		// res_send.c: "Use VC; at most one attempt per server."
		{"use-vc, both servers down", []string{"use-vc"}, []netip.Addr{stubNS1, stubNS2}, stubNet{}, "db.example.com.",
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 4, err: EAIAgain, elapsed: 10 * time.Second},
				model.ResolverMusl:  {queries: 8, err: EAIAgain, elapsed: 5 * time.Second},
				model.ResolverGo:    {queries: 8, err: EAIAgain, elapsed: 20 * time.Second},
			}, nil, nil},
		{"attempts 1, timeout 2", []string{"attempts:1", "timeout:2"}, []netip.Addr{stubNS1}, stubNet{}, "db.example.com.",
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 2, err: EAIAgain, elapsed: 2 * time.Second},
				model.ResolverMusl:  {queries: 2, err: EAIAgain, elapsed: 2 * time.Second},
				model.ResolverGo:    {queries: 2, err: EAIAgain, elapsed: 2 * time.Second},
			}, nil, nil},
		// musl: retransmit every timeout/attempts in whole ms (1666 ms):
		// rounds at 0, 1.666, 3.332 and 4.998 s, the last poll ends at 6.664 s.
		{"attempts 3: musl's integer retry interval", []string{"attempts:3"}, []netip.Addr{stubNS1}, stubNet{}, "db.example.com.",
			map[model.Resolver]stubWant{
				model.ResolverGlibc: {queries: 6, err: EAIAgain, elapsed: 15 * time.Second},
				model.ResolverMusl:  {queries: 8, err: EAIAgain, elapsed: 6664 * time.Millisecond},
				model.ResolverGo:    {queries: 6, err: EAIAgain, elapsed: 15 * time.Second},
			}, nil, nil},
	}
	for _, tc := range cases {
		for _, r := range stubResolvers {
			t.Run(tc.name+"/"+string(r), func(t *testing.T) {
				rc := stubPodRC(r)
				rc.Nameservers = tc.servers
				rc.Options = tc.options
				res := Lookup(rc, tc.lookup, FamilyUnspec, tc.net.exchange)
				stubCheck(t, res, tc.want[r])
				if want, ok := tc.servOf[r]; ok {
					var got []netip.Addr
					for _, q := range res.Queries {
						got = append(got, q.Server)
					}
					if !slices.Equal(got, want) {
						t.Errorf("servers %v, want %v", got, want)
					}
				}
				if want, ok := tc.at[r]; ok {
					var got []time.Duration
					for _, q := range res.Queries {
						got = append(got, q.At)
					}
					if !slices.Equal(got, want) {
						t.Errorf("sent at %v, want %v", got, want)
					}
				}
			})
		}
	}
}

// kubernetes-dns.md §2.3: musl skips a resolv.conf line longer than its
// 256-byte buffer, so a long search line leaves no search domains at all.
func TestStubMuslLongSearchLine(t *testing.T) {
	var search []string
	for i := range 12 {
		search = append(search, fmt.Sprintf("team%02d.svc.cluster.local", i)) // 12 × 25 > 255
	}
	for _, r := range stubResolvers {
		t.Run(string(r), func(t *testing.T) {
			rc := stubPodRC(r)
			rc.Search = search
			res := Lookup(rc, "web", FamilyV4, stubNet{stubNS1: stubServer{}}.exchange)
			want := stubWant{queries: 13, err: EAINoName}
			if r == model.ResolverMusl {
				want = stubWant{queries: 1, err: EAINoName, asked: []string{"web"}}
			}
			stubCheck(t, res, want)
		})
	}
}

// Names that never reach DNS.
func TestStubNoQuery(t *testing.T) {
	net := stubNet{stubNS1: stubCoreDNS()}
	cases := []struct {
		lookup string
		family Family
		err    StubError
		addrs  []netip.Addr
	}{
		{"10.1.2.3", FamilyUnspec, "", []netip.Addr{netip.MustParseAddr("10.1.2.3")}},
		{"fd00::1", FamilyV6, "", []netip.Addr{netip.MustParseAddr("fd00::1")}},
		{"bad name.example.com", FamilyUnspec, EAINoName, nil},
		{"", FamilyUnspec, EAINoName, nil},
		{"web..", FamilyUnspec, EAINoName, nil},
	}
	for _, tc := range cases {
		for _, r := range stubResolvers {
			t.Run(tc.lookup+"/"+string(r), func(t *testing.T) {
				res := Lookup(stubPodRC(r), tc.lookup, tc.family, net.exchange)
				if len(res.Queries) != 0 || res.Err != tc.err || !slices.Equal(res.Addrs, tc.addrs) || len(res.Why) == 0 {
					t.Errorf("got %d queries, err %q, addrs %v, why %q", len(res.Queries), res.Err, res.Addrs, res.Why)
				}
			})
		}
	}
}

// Attempt counts sends of one question to one server.
func TestStubAttemptNumbers(t *testing.T) {
	rc := stubPodRC(model.ResolverGlibc)
	rc.Nameservers = []netip.Addr{stubNS1, stubNS2}
	res := Lookup(rc, "db.example.com.", FamilyV4, stubNet{}.exchange)
	var got []string
	for _, q := range res.Queries {
		got = append(got, fmt.Sprintf("%s#%d@%v", q.Server, q.Attempt, q.At))
	}
	want := []string{"10.0.0.10#1@0s", "10.0.0.11#1@5s", "10.0.0.10#2@10s", "10.0.0.11#2@15s"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
