package serve

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/aksnet/aksnet/examples"
	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

// Every test talks to 127.0.0.1 only, on ports the system picks.

const testTopology = "testdata/serve.topology.yaml"

// loadFile loads a topology file, as the command's -f does.
func loadFile(path string) func() (*model.Topology, error) {
	return func() (*model.Topology, error) {
		t, errs := load.Topology(load.OSFiles{}, path)
		if len(errs) > 0 {
			return nil, errs
		}
		return t, nil
	}
}

func loadContoso() (*model.Topology, error) {
	t, errs := load.Topology(load.FSFiles{FS: examples.FS}, examples.Default)
	if len(errs) > 0 {
		return nil, errs
	}
	return t, nil
}

func mustVantage(t testing.TB, s string) model.Vantage {
	t.Helper()
	v, err := model.ParseVantage(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// view is a loopback view on a free port.
func view(t testing.TB, vantage string) View {
	return View{Listen: "127.0.0.1:0", Vantage: mustVantage(t, vantage)}
}

// start builds and runs a server until the test ends.
func start(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Load == nil {
		opts.Load = loadFile(testTopology)
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	select {
	case <-s.Started():
	case err := <-done:
		t.Fatalf("Run: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("the server did not start")
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return s
}

// ask sends m over proto ("udp" or "tcp") and returns the answer.
func ask(t testing.TB, proto, addr string, m *dns.Msg) (*dns.Msg, error) {
	t.Helper()
	c := &dns.Client{Net: proto, Timeout: 2 * time.Second, UDPSize: 65535}
	r, _, err := c.Exchange(m, addr)
	return r, err
}

func query(name string, qtype uint16) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	return m
}

// raw sends bytes over UDP and returns the answer, or nil when none came
// within wait.
func raw(t testing.TB, addr string, b []byte, wait time.Duration) []byte {
	t.Helper()
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(b); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(wait))
	buf := make([]byte, 65535)
	n, err := c.Read(buf)
	if err != nil {
		return nil
	}
	return buf[:n]
}

// rawTCP sends one length-prefixed message over TCP and returns the
// answer, or nil when none came within wait.
func rawTCP(t testing.TB, addr string, b []byte, wait time.Duration) []byte {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(wait))
	if _, err := c.Write(append([]byte{byte(len(b) >> 8), byte(len(b))}, b...)); err != nil {
		t.Fatal(err)
	}
	var l [2]byte
	if _, err := c.Read(l[:]); err != nil {
		return nil
	}
	out := make([]byte, int(l[0])<<8|int(l[1]))
	for got := 0; got < len(out); {
		n, err := c.Read(out[got:])
		if err != nil {
			return nil
		}
		got += n
	}
	return out
}

// writeTopology writes the test topology with www's address replaced.
func writeTopology(t testing.TB, path, www string) {
	t.Helper()
	data, err := os.ReadFile(testTopology)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(data), "[172.20.1.10]", "["+www+"]", 1)
	tmp := filepath.Join(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err := os.WriteFile(tmp, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	// A rename, as editors and config management do: a reader sees the
	// old file or the new one, whole.
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func answerAddrs(m *dns.Msg) []string {
	var out []string
	for _, rr := range m.Answer {
		switch r := rr.(type) {
		case *dns.A:
			out = append(out, r.A.String())
		case *dns.AAAA:
			out = append(out, r.AAAA.String())
		}
	}
	return out
}
