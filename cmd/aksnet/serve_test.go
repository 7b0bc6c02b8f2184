package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// aksnet serve as a user runs it: answers on loopback, reloads its -f file
// on SIGHUP, and exits 0 on SIGTERM after a graceful shutdown.
func TestServeCommandSignals(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "topology.yaml")
	topo := func(addr string) string {
		return `apiVersion: aksnet.dev/v1alpha1
kind: Topology
metadata: {name: serve-cmd}
onPrem:
  sites:
    - name: dc1
      addressSpace: [172.20.0.0/16]
      dnsServers: [172.20.0.53]
      hosts:
        - name: dns1
          ip: 172.20.0.53
          dns:
            zones:
              - name: corp.example
                records:
                  - {name: www, type: A, values: [` + addr + `]}
        - {name: ws1, ip: 172.20.1.50}
`
	}
	if err := os.WriteFile(file, []byte(topo("172.20.1.10")), 0o644); err != nil {
		t.Fatal(err)
	}

	logR, logW := io.Pipe()
	cmd := newRootCmd()
	cmd.SetArgs([]string{"serve", "-f", file, "--as", "host:dc1/ws1", "--listen", "127.0.0.1:0", "--log-format", "json", "--poll", "0"})
	cmd.SetErr(logW)
	cmd.SetOut(io.Discard)
	done := make(chan error, 1)
	go func() {
		done <- cmd.Execute()
		logW.Close()
	}()

	// The log says where it listens, then each reload.
	events := make(chan map[string]any, 16)
	go func() {
		sc := bufio.NewScanner(logR)
		for sc.Scan() {
			var ev map[string]any
			if json.Unmarshal(sc.Bytes(), &ev) == nil {
				events <- ev
			}
		}
		close(events)
	}()
	next := func(msg string) map[string]any {
		t.Helper()
		timeout := time.After(10 * time.Second)
		for {
			select {
			case ev, ok := <-events:
				if !ok {
					t.Fatalf("the log ended before %q (exit: %v)", msg, <-done)
				}
				if ev["msg"] == msg {
					return ev
				}
			case <-timeout:
				t.Fatalf("no %q in the log", msg)
			}
		}
	}
	addr, _ := next("serving")["addr"].(string)
	if !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Fatalf("serving on %q", addr)
	}
	askWWW := func() string {
		t.Helper()
		m := new(dns.Msg)
		m.SetQuestion("www.corp.example.", dns.TypeA)
		r, _, err := (&dns.Client{Timeout: 2 * time.Second}).Exchange(m, addr)
		if err != nil || len(r.Answer) != 1 {
			t.Fatalf("www: %v %v", r, err)
		}
		return r.Answer[0].(*dns.A).A.String()
	}
	if got := askWWW(); got != "172.20.1.10" {
		t.Fatalf("www is %s; want 172.20.1.10", got)
	}

	if err := os.WriteFile(file, []byte(topo("172.20.1.99")), 0o644); err != nil {
		t.Fatal(err)
	}
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	next("reloaded")
	if got := askWWW(); got != "172.20.1.99" {
		t.Fatalf("after SIGHUP www is %s; want 172.20.1.99", got)
	}

	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after SIGTERM: %v; want a clean exit", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not exit on SIGTERM")
	}
}
