package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// Reload under load: clients ask without pause over UDP and TCP while the
// topology file is rewritten (picked up by the watcher), reloaded by
// Reload and by SIGHUP, and once broken. Every query gets an answer, and
// every answer is one of the two topologies', whole.
func TestReloadUnderLoad(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "topology.yaml")
	const a, b = "172.20.1.10", "172.20.1.11"
	writeTopology(t, file, a)
	s := start(t, Options{
		Views: []View{view(t, "host:dc1/ws1")},
		Load:  loadFile(file), Watch: []string{file}, Poll: 5 * time.Millisecond,
	})
	addr := s.Addrs()[0]

	var (
		stop            atomic.Bool
		answered, wrong atomic.Int64
		lost            atomic.Int64
		seenA, seenB    atomic.Int64
		wg              sync.WaitGroup
	)
	// Clients ask until the reloads are done; bounded all the same.
	const clients, perClient = 4, 50_000
	for i := range clients {
		proto := "udp"
		if i%2 == 1 {
			proto = "tcp"
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &dns.Client{Net: proto, Timeout: 2 * time.Second}
			var conn *dns.Conn
			for n := 0; n < perClient && !stop.Load(); n++ {
				if conn == nil {
					var err error
					if conn, err = c.Dial(addr); err != nil {
						lost.Add(1)
						continue
					}
				}
				r, _, err := c.ExchangeWithConn(query("www.corp.example.", dns.TypeA), conn)
				if err != nil {
					lost.Add(1)
					conn.Close()
					conn = nil
					continue
				}
				answered.Add(1)
				got := answerAddrs(r)
				switch {
				case r.Rcode != dns.RcodeSuccess || len(got) != 1:
					wrong.Add(1)
				case got[0] == a:
					seenA.Add(1)
				case got[0] == b:
					seenB.Add(1)
				default:
					wrong.Add(1)
				}
			}
			if conn != nil {
				conn.Close()
			}
		}()
	}

	// Alternate the file, Reload and SIGHUP; one broken topology on the way.
	deadline := time.Now().Add(20 * time.Second)
	waitGen := func(g uint64) {
		for s.Generation() < g {
			if time.Now().After(deadline) {
				stop.Store(true)
				t.Fatalf("generation %d never came (at %d)", g, s.Generation())
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	want := uint64(1)
	for i := range 12 {
		addrNow := a
		if i%2 == 0 {
			addrNow = b
		}
		writeTopology(t, file, addrNow)
		want++
		waitGen(want) // the watcher's reload
		switch i % 3 {
		case 1:
			if err := s.Reload("test"); err != nil {
				t.Fatal(err)
			}
			want++
		case 2:
			syscall.Kill(os.Getpid(), syscall.SIGHUP)
			want++
			waitGen(want)
		}
		if i == 5 {
			if err := os.WriteFile(file, []byte("azure: [not a topology"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := s.Reload("broken on purpose"); err == nil {
				t.Fatal("a broken topology reloaded")
			}
		}
	}
	stop.Store(true)
	wg.Wait()
	if lost.Load() != 0 || wrong.Load() != 0 {
		t.Fatalf("answered %d, lost %d, wrong %d; want every one answered right",
			answered.Load(), lost.Load(), wrong.Load())
	}
	// Both topologies were served while the clients asked.
	if seenA.Load() == 0 || seenB.Load() == 0 {
		t.Fatalf("answers: %d from the first topology, %d from the second; want both", seenA.Load(), seenB.Load())
	}
	// The last topology written is the one served.
	r, err := ask(t, "udp", addr, query("www.corp.example.", dns.TypeA))
	if err != nil || fmt.Sprint(answerAddrs(r)) != "["+a+"]" {
		t.Fatalf("after the reloads: %v %v; want %s", r, err, a)
	}
	t.Logf("%d answers across %d generations", answered.Load(), s.Generation())
}

// A topology that fails to load leaves the previous one serving; /healthz
// says why, and /metrics counts it.
func TestFailedReloadKeepsServing(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "topology.yaml")
	writeTopology(t, file, "172.20.1.10")
	s := start(t, Options{Views: []View{view(t, "host:dc1/ws1")}, Load: loadFile(file), Metrics: "127.0.0.1:0"})
	addr := s.Addrs()[0]

	// A topology that loads, where the view's vantage no longer exists.
	data, _ := os.ReadFile(file)
	os.WriteFile(file, regexp.MustCompile(`name: ws1`).ReplaceAll(data, []byte("name: ws9")), 0o644)
	if err := s.Reload("test"); err == nil {
		t.Fatal("a topology without the view's vantage reloaded")
	}
	// A file that does not parse.
	os.WriteFile(file, []byte("onPrem: {sites: [{name: dc1, addressSpace: [bad]}]}\n"), 0o644)
	err := s.Reload("test")
	if err == nil {
		t.Fatal("a broken topology reloaded")
	}
	if s.Generation() != 1 {
		t.Errorf("generation %d; want 1", s.Generation())
	}
	r, qerr := ask(t, "udp", addr, query("www.corp.example.", dns.TypeA))
	if qerr != nil || fmt.Sprint(answerAddrs(r)) != "[172.20.1.10]" {
		t.Fatalf("after a failed reload: %v %v", r, qerr)
	}

	var health struct {
		Status          string
		Generation      int
		LastReloadError string
	}
	getJSON(t, "http://"+s.MetricsAddr()+"/healthz", &health)
	if health.Status != "ok" || health.Generation != 1 || health.LastReloadError != err.Error() {
		t.Errorf("healthz %+v; want ok, generation 1, the reload's error", health)
	}
	metrics := get(t, "http://"+s.MetricsAddr()+"/metrics")
	if v := metricValue(t, metrics, `aksnet_dns_reloads_total{result="error"}`); v != 2 {
		t.Errorf("reload errors %v; want 2", v)
	}

	// Fixed, it reloads, and healthz forgets the error.
	writeTopology(t, file, "172.20.1.12")
	if err := s.Reload("test"); err != nil {
		t.Fatal(err)
	}
	getJSON(t, "http://"+s.MetricsAddr()+"/healthz", &health)
	if health.Generation != 2 || health.LastReloadError != "" {
		t.Errorf("healthz %+v after a good reload", health)
	}
	r, _ = ask(t, "udp", addr, query("www.corp.example.", dns.TypeA))
	if fmt.Sprint(answerAddrs(r)) != "[172.20.1.12]" {
		t.Errorf("after the good reload: %v", answerAddrs(r))
	}
}

// /metrics counts queries by view, rcode and type, and times them.
func TestMetrics(t *testing.T) {
	s := start(t, Options{Views: []View{view(t, "host:dc1/ws1"), view(t, "host:dark/ws2")}, Metrics: "127.0.0.1:0"})
	for range 3 {
		ask(t, "udp", s.Addrs()[0], query("www.corp.example.", dns.TypeA))
	}
	ask(t, "tcp", s.Addrs()[0], query("nope.corp.example.", dns.TypeAAAA))
	ask(t, "udp", s.Addrs()[0], query("www.corp.example.", dns.TypeNAPTR))
	ask(t, "udp", s.Addrs()[1], query("www.corp.example.", dns.TypeA))
	raw(t, s.Addrs()[0], []byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 63}, time.Second) // FORMERR
	m := get(t, "http://"+s.MetricsAddr()+"/metrics")
	for series, want := range map[string]float64{
		`aksnet_dns_queries_total{rcode="NOERROR",type="A",view="host:dc1/ws1"}`:     3,
		`aksnet_dns_queries_total{rcode="NXDOMAIN",type="AAAA",view="host:dc1/ws1"}`: 1,
		`aksnet_dns_queries_total{rcode="NOERROR",type="OTHER",view="host:dc1/ws1"}`: 1,
		`aksnet_dns_queries_total{rcode="SERVFAIL",type="A",view="host:dark/ws2"}`:   1,
		`aksnet_dns_queries_total{rcode="FORMERR",type="OTHER",view="host:dc1/ws1"}`: 1,
		`aksnet_dns_request_duration_seconds_count{view="host:dc1/ws1"}`:             6,
		`aksnet_dns_topology_generation`:                                             1,
	} {
		if got := metricValue(t, m, series); got != want {
			t.Errorf("%s = %v; want %v", series, got, want)
		}
	}
}

// SIGTERM's context cancelled: Run returns, the listeners are closed.
func TestGracefulShutdown(t *testing.T) {
	s, err := New(Options{Views: []View{view(t, "host:dc1/ws1")}, Load: loadFile(testTopology), Metrics: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	<-s.Started()
	if _, err := ask(t, "tcp", s.Addrs()[0], query("www.corp.example.", dns.TypeA)); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(6 * time.Second):
		t.Fatal("Run did not return")
	}
	if c, err := net.Dial("tcp", s.Addrs()[0]); err == nil {
		c.Close()
		t.Error("TCP still accepts after shutdown")
	}
	if c, err := net.Dial("tcp", s.MetricsAddr()); err == nil {
		c.Close()
		t.Error("metrics still accept after shutdown")
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %s", url, resp.Status)
	}
	return string(b)
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(get(t, url)), v); err != nil {
		t.Fatal(err)
	}
}

// metricValue finds a series in the text exposition; -1 when absent.
func metricValue(t *testing.T, text, series string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(text)
	if m == nil {
		return -1
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
