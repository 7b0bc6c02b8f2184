// Command netpol supports bench/netpol-compare.sh and the network policy
// benchmark (docs/performance.md):
//
//	netpol compare -oracle DIR -aksnet BIN [-engine E] [-case NAME] [-v]
//	netpol gen DIR
//	netpol same AKSNET.json ANALYZER.json
//
// compare runs each tests/<case> folder of an np-guard/netpol-analyzer
// checkout that has a test_outputs/connlist/<case>_connlist_output.txt
// golden through `aksnet policy --k8s … -o json`, renders each row as
// netpol-analyzer prints it (src => dst : conn, address ranges as
// first-last[External]) and compares the sorted lines with the golden's.
// It reads only what it is given and downloads nothing.
//
// gen writes the generated benchmark manifests (internal/gen.NetpolBench).
// same checks that `aksnet policy -o json` and `netpol-analyzer list -o json`
// hold the same rows.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/aksnet/aksnet/internal/gen"
	"github.com/aksnet/aksnet/internal/netpol"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "compare":
		os.Exit(compare(os.Args[2:]))
	case "gen":
		os.Exit(generate(os.Args[2:]))
	case "same":
		os.Exit(same(os.Args[2:]))
	}
	usage()
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: netpol compare -oracle DIR -aksnet BIN [-engine E] [-case NAME] [-v]\n       netpol gen DIR\n       netpol same AKSNET.json ANALYZER.json")
	os.Exit(2)
}

func generate(args []string) int {
	if len(args) != 1 {
		usage()
	}
	files := gen.NetpolBench()
	for name, data := range files {
		p := filepath.Join(args[0], name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	fmt.Printf("wrote %d files to %s\n", len(files), args[0])
	return 0
}

type row struct{ Src, Dst, Conn string }

func same(args []string) int {
	if len(args) != 2 {
		usage()
	}
	var ours struct{ Connections []row }
	var theirs []row
	for i, p := range args {
		data, err := os.ReadFile(p)
		if err == nil {
			if i == 0 {
				err = json.Unmarshal(data, &ours)
			} else {
				err = json.Unmarshal(data, &theirs)
			}
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", p, err)
			return 2
		}
	}
	set := map[row]int{}
	for _, r := range ours.Connections {
		set[row{peer(r.Src), peer(r.Dst), r.Conn}]++
	}
	for _, r := range theirs {
		set[r]--
	}
	diff := 0
	for r, n := range set {
		if n != 0 {
			if diff < 10 {
				fmt.Printf("%+d %s => %s : %s\n", n, r.Src, r.Dst, r.Conn)
			}
			diff++
		}
	}
	fmt.Printf("aksnet %d rows, netpol-analyzer %d rows, %d differ\n", len(ours.Connections), len(theirs), diff)
	if diff > 0 {
		return 1
	}
	return 0
}

// result is one case's outcome.
type result struct {
	name    string
	status  string // agree, differ, error
	why     string // the documented difference that explains a differ or error (docs/policy.md)
	missing []string
	extra   []string
	stderr  string
	elapsed time.Duration
}

// multiNetwork are the OVN-Kubernetes and KubeVirt kinds of netpol-analyzer's
// multi-network cases; AKS runs neither.
var multiNetwork = []string{"UserDefinedNetwork", "ClusterUserDefinedNetwork", "NetworkAttachmentDefinition",
	"MultiNetworkPolicy", "VirtualMachine"}

// explain names the documented difference behind a case that does not
// agree, re-running it under netpol-analyzer's reading where aksnet has a
// switch for it; "" when none explains it.
func explain(r result, rerun func(extra ...string) result) string {
	if r.status == "error" && strings.Contains(r.stderr, "unknown field") {
		return "strict decoding: a field Kubernetes does not know"
	}
	if i := strings.Index(r.stderr, "kinds aksnet does not model:"); i >= 0 {
		line, _, _ := strings.Cut(r.stderr[i:], "\n")
		for _, k := range multiNetwork {
			if strings.Contains(line, k+" (") {
				return "multi-network (OVN-Kubernetes UDN/NAD, KubeVirt): not on AKS"
			}
		}
	}
	if r.status != "differ" {
		return ""
	}
	onlyIngress := len(r.extra) == 0
	for _, l := range r.missing {
		if !strings.HasPrefix(l, "{ingress-controller} => ") {
			onlyIngress = false
		}
	}
	if onlyIngress {
		return "{ingress-controller} pseudo-source of Ingress/Route objects: not modelled"
	}
	if strings.Contains(r.stderr, "uses the host network") {
		if again := rerun("--hostnetwork-pods"); again.status == "agree" {
			return "hostNetwork pods: the node's traffic (agrees with --hostnetwork-pods)"
		}
	}
	return ""
}

func compare(args []string) int {
	fs := flag.NewFlagSet("compare", flag.ExitOnError)
	oracle := fs.String("oracle", "", "np-guard/netpol-analyzer checkout (its tests/ and test_outputs/)")
	bin := fs.String("aksnet", "", "aksnet binary")
	engine := fs.String("engine", "cilium", "aksnet --engine for every case, or auto: calico where a case has admin policies, else cilium")
	only := fs.String("case", "", "run only this case")
	verbose := fs.Bool("v", false, "print the differing lines")
	_ = fs.Parse(args)
	if *oracle == "" || *bin == "" {
		usage()
	}
	goldens, err := filepath.Glob(filepath.Join(*oracle, "test_outputs", "connlist", "*_connlist_output.txt"))
	if err != nil || len(goldens) == 0 {
		fmt.Fprintf(os.Stderr, "no test_outputs/connlist/*_connlist_output.txt under %s\n", *oracle)
		return 2
	}
	sort.Strings(goldens)
	var results []result
	for _, g := range goldens {
		name := strings.TrimSuffix(filepath.Base(g), "_connlist_output.txt")
		dir := filepath.Join(*oracle, "tests", name)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue // a golden of a focus or filter option, not of a folder
		}
		if *only != "" && name != *only {
			continue
		}
		r := runCase(*bin, name, dir, g, *engine)
		if r.status != "agree" {
			r.why = explain(r, func(extra ...string) result { return runCase(*bin, name, dir, g, *engine, extra...) })
		}
		results = append(results, r)
	}
	counts := map[string]int{}
	whys := map[string]int{}
	for _, r := range results {
		counts[r.status]++
		if r.why != "" {
			whys[r.why]++
		}
		fmt.Printf("%-7s %-70s %6.0f ms\n", r.status, r.name, float64(r.elapsed.Microseconds())/1000)
		if r.why != "" {
			fmt.Printf("        explained: %s\n", r.why)
		}
		if r.status == "error" {
			fmt.Printf("        %s\n", firstLines(r.stderr, 3))
		}
		if r.status == "differ" {
			fmt.Printf("        %d lines missing, %d extra\n", len(r.missing), len(r.extra))
			if *verbose {
				for _, l := range limit(r.missing, 20) {
					fmt.Printf("        - %s\n", l)
				}
				for _, l := range limit(r.extra, 20) {
					fmt.Printf("        + %s\n", l)
				}
			}
		}
	}
	unexplained := 0
	for _, r := range results {
		if r.status != "agree" && r.why == "" {
			unexplained++
		}
	}
	fmt.Printf("\n%d cases: %d agree, %d differ, %d error\n", len(results), counts["agree"], counts["differ"], counts["error"])
	keys := make([]string, 0, len(whys))
	for k := range whys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("  %3d explained: %s\n", whys[k], k)
	}
	fmt.Printf("  %3d unexplained\n", unexplained)
	if unexplained > 0 {
		return 1
	}
	return 0
}

func runCase(bin, name, dir, golden, engine string, extra ...string) result {
	r := result{name: name}
	var files []string
	hasAdmin := false
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := strings.ToLower(filepath.Ext(p))
		if ext != ".yaml" && ext != ".yml" && ext != ".json" {
			return nil
		}
		// Two folders keep netpol-analyzer's old expected outputs beside
		// their manifests (connlist_output.json); they are not manifests.
		if strings.Contains(filepath.Base(p), "_output") {
			return nil
		}
		if data, err := os.ReadFile(p); err == nil && (bytes.Contains(data, []byte("AdminNetworkPolicy"))) {
			hasAdmin = true
		}
		files = append(files, p)
		return nil
	})
	if engine == "auto" {
		engine = "cilium"
		if hasAdmin {
			engine = "calico"
		}
	}
	args := append([]string{"policy", "-o", "json", "--engine", engine}, extra...)
	for _, f := range files {
		args = append(args, "--k8s", f)
	}
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r.elapsed = time.Since(start)
	r.stderr = stderr.String()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		r.status, r.stderr = "error", err.Error()
		return r
	}
	if err != nil {
		r.status = "error"
		return r
	}
	var out struct {
		Connections []struct{ Src, Dst, Conn string }
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		r.status, r.stderr = "error", "output is not JSON: "+err.Error()
		return r
	}
	got := map[string]bool{}
	for _, c := range out.Connections {
		got[peer(c.Src)+" => "+peer(c.Dst)+" : "+c.Conn] = true
	}
	data, _ := os.ReadFile(golden)
	want := map[string]bool{}
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimRight(l, " \t\r"); l != "" {
			want[l] = true
		}
	}
	for l := range want {
		if !got[l] {
			r.missing = append(r.missing, l)
		}
	}
	for l := range got {
		if !want[l] {
			r.extra = append(r.extra, l)
		}
	}
	sort.Strings(r.missing)
	sort.Strings(r.extra)
	r.status = "agree"
	if len(r.missing)+len(r.extra) > 0 {
		r.status = "differ"
	}
	return r
}

// peer renders an endpoint as netpol-analyzer does: address ranges as
// first-last[External]; workloads unchanged.
func peer(s string) string {
	if strings.Contains(s, "[") {
		return s
	}
	if r, err := netpol.ParseIPRange(s); err == nil {
		return r.Dashed() + "[External]"
	}
	return s
}

func limit(l []string, n int) []string {
	if len(l) > n {
		return append(l[:n:n], fmt.Sprintf("… %d more", len(l)-n))
	}
	return l
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n        ")
}
