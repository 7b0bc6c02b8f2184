package serve

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	aksdns "github.com/aksnet/aksnet/internal/dns"
)

// digPath finds dig. Locally a missing dig skips; in CI (CI set) it fails,
// since .ci/run installs bind9-dnsutils.
func digPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("dig")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("dig is not installed, and CI is set: .ci/run must install bind9-dnsutils")
		}
		t.Skip("dig is not installed (apt-get install bind9-dnsutils); CI runs this test")
	}
	return p
}

// digResult is what dig printed for the final lookup.
type digResult struct {
	status string
	answer []string // "name type data", lower case
}

var (
	digStatus = regexp.MustCompile(`status: ([A-Z]+)`)
	digRR     = regexp.MustCompile(`^(\S+)\s+\d+\s+IN\s+(\S+)\s+(.+)$`)
)

func runDig(t *testing.T, cmd *exec.Cmd) digResult {
	t.Helper()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	var r digResult
	for _, line := range strings.Split(string(out), "\n") {
		if m := digStatus.FindStringSubmatch(line); m != nil {
			r.status = m[1]
			r.answer = nil // with +search, the last lookup printed decides
			continue
		}
		if m := digRR.FindStringSubmatch(strings.TrimSpace(line)); m != nil && !strings.HasPrefix(line, ";") {
			r.answer = append(r.answer, strings.ToLower(m[1]+" "+m[2]+" "+m[3]))
		}
	}
	if r.status == "" {
		t.Fatalf("%s printed no status:\n%s", cmd, out)
	}
	return r
}

// predicted is what the engine's getaddrinfo (aksnet resolve --from
// VANTAGE --type A) says the client gets, in dig's terms.
func predicted(res aksdns.StubResult) digResult {
	if res.Err != "" {
		if res.Err == aksdns.EAINoName {
			return digResult{status: "NXDOMAIN"}
		}
		return digResult{status: string(res.Err)}
	}
	r := digResult{status: "NOERROR"}
	for _, rr := range res.Answer {
		data := ""
		switch {
		case rr.Data.Addr.IsValid():
			data = rr.Data.Addr.String()
		default:
			data = rr.Data.Target + "."
		}
		r.answer = append(r.answer, strings.ToLower(rr.Name+". "+string(rr.Type)+" "+data))
	}
	return r
}

// A real client — dig, with a search list and ndots, over UDP and TCP —
// pointed at the server gets what aksnet resolve --from predicts for the
// vantage: the same status, the same deciding name and records.
func TestDigGetsWhatResolvePredicts(t *testing.T) {
	dig := digPath(t)
	vantages := []string{"pod:aks-prod/backend/api", "host:dc1/ws1", "vm:jumpbox"}
	var views []View
	for _, v := range vantages {
		views = append(views, view(t, v))
	}
	s := start(t, Options{Views: views, Load: loadContoso})
	tp, err := loadContoso()
	if err != nil {
		t.Fatal(err)
	}
	e, errs := aksdns.New(tp, nil, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	names := []string{
		"api", "kv-contoso-prod.vault.azure.net", "pg-contoso-prod.postgres.database.azure.com",
		"relay.private.aws.internal", "www.contoso.com", "intranet", "nothing-here.example",
	}
	// Names whose answer needs a search domain after the first: only a
	// client with the whole search list (resolv.conf) finds them.
	wholeListOnly := []string{"api.backend", "web.frontend", "kubernetes.default"}

	check := func(t *testing.T, vs, name string, cmd *exec.Cmd) {
		v := mustVantage(t, vs)
		res, err := e.Lookup(v, name, aksdns.FamilyV4, nil)
		if err != nil {
			t.Fatal(err)
		}
		want, got := predicted(res), runDig(t, cmd)
		if got.status != want.status || !slices.Equal(got.answer, want.answer) {
			t.Errorf("dig %s from %s: %s %q\naksnet resolve predicts: %s %q\n(%s)", name, vs, got.status, got.answer, want.status, want.answer, cmd)
		}
	}
	port := func(i int) (string, string) {
		h, p, _ := net.SplitHostPort(s.Addrs()[i])
		return h, p
	}

	// dig's own search list: +domain sets one domain (the vantage's
	// first), +ndots the vantage's ndots.
	t.Run("domain", func(t *testing.T) {
		for i, vs := range vantages {
			rc, err := tp.ResolvConf(mustVantage(t, vs))
			if err != nil {
				t.Fatal(err)
			}
			host, p := port(i)
			for j, name := range names {
				transports := []string{"+notcp"}
				if j%3 == 0 {
					transports = append(transports, "+tcp") // some over TCP too
				}
				for _, tcp := range transports {
					args := []string{"@" + host, "-p", p, "-4", "+search", fmt.Sprintf("+ndots=%d", rc.Ndots), "+tries=1", "+timeout=3",
						"+noall", "+answer", "+comments", tcp, name, "A"}
					if len(rc.Search) > 0 {
						args = append(args, "+domain="+rc.Search[0])
					}
					check(t, vs, name, exec.Command(dig, args...))
				}
			}
		}
	})

	// The vantage's whole resolv.conf, as the client would have it: dig
	// reads only /etc/resolv.conf, so it is bind-mounted in a private
	// mount namespace (root and unshare needed; skipped otherwise).
	t.Run("resolv.conf", func(t *testing.T) {
		if err := exec.Command("unshare", "-m", "true").Run(); err != nil {
			t.Skipf("no private mount namespace here (%v); the +domain test stands", err)
		}
		for i, vs := range vantages {
			rc, err := tp.ResolvConf(mustVantage(t, vs))
			if err != nil {
				t.Fatal(err)
			}
			host, p := port(i)
			conf := filepath.Join(t.TempDir(), "resolv.conf")
			text := fmt.Sprintf("nameserver %s\nsearch %s\noptions ndots:%d\n", host, strings.Join(rc.Search, " "), rc.Ndots)
			if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, name := range append(slices.Clone(names), wholeListOnly...) {
				cmd := exec.Command("unshare", "-m", "sh", "-c", `mount --bind "$0" /etc/resolv.conf && exec "$@"`,
					conf, dig, "-p", p, "-4", "+search", "+tries=1", "+timeout=3", "+noall", "+answer", "+comments", name, "A")
				check(t, vs, name, cmd)
			}
		}
	})

	// dig retries over TCP when the UDP answer is truncated.
	t.Run("TC then TCP", func(t *testing.T) {
		ts := start(t, Options{Views: []View{view(t, "host:dc1/ws1")}})
		host, p, _ := net.SplitHostPort(ts.Addrs()[0])
		out, err := exec.Command(dig, "@"+host, "-p", p, "+noedns", "+tries=1", "+timeout=3", "huge.corp.example", "A").CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if !strings.Contains(string(out), "Truncated, retrying in TCP mode") || !strings.Contains(string(out), "ANSWER: 120") {
			t.Errorf("dig did not get the whole answer over TCP after TC:\n%s", out)
		}
	})
}
