// Command servebench prepares and checks bench/serve/run.sh's comparison of
// aksnet serve with CoreDNS:
//
//	servebench gen -f TOPOLOGY -as VANTAGE -o DIR [-max N]
//	    DIR/queries.txt  dnsperf input: every question the vantage's stub
//	                     puts on the wire for the estate's private endpoint
//	                     and Service names (search candidates, A and AAAA)
//	    DIR/db.root      a zone file with the engine's answers to them, for
//	                     CoreDNS's file plugin
//	servebench compare -a ADDR -b ADDR -q FILE
//	    asks both servers every question and counts identical answers
//	servebench latency < dnsperf -v output
//	    latency percentiles of the answered queries
//
// The network it touches is the loopback addresses it is given.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"

	aksdns "github.com/aksnet/aksnet/internal/dns"
	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "compare":
		err = compare(os.Args[2:])
	case "latency":
		err = latency(os.Stdin, os.Stdout)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "servebench:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: servebench gen -f TOPOLOGY -as VANTAGE -o DIR [-max N] | compare -a ADDR -b ADDR -q FILE | latency < dnsperf-v-output")
	os.Exit(2)
}

func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	file := fs.String("f", "", "topology file")
	as := fs.String("as", "", "vantage")
	out := fs.String("o", "", "output directory")
	maxNames := fs.Int("max", 0, "at most this many names (0: all)")
	fs.Parse(args)
	t, errs := load.Topology(load.OSFiles{}, *file)
	if len(errs) > 0 {
		return errs
	}
	v, err := model.ParseVantage(*as)
	if err != nil {
		return err
	}
	e, errs := aksdns.New(t, nil, nil)
	if len(errs) > 0 {
		return errs
	}
	// The names: each private endpoint's privatelink name and the name
	// with privatelink. dropped (the public name for most services;
	// NXDOMAIN for the others), and, from a pod, its cluster's Services.
	var names []string
	for _, pe := range t.Azure.PrivateEndpoints {
		r := pe.Resource.Target
		if r == nil {
			continue
		}
		for _, z := range pe.DNSZoneGroup {
			if z.Target == nil {
				continue
			}
			n := strings.ToLower(r.Name) + "." + z.Target.Name
			names = append(names, n, strings.Replace(n, ".privatelink.", ".", 1))
		}
	}
	if v.Kind == model.VantagePod {
		if c := model.Lookup[model.Cluster](t, v.Cluster); c != nil && c.Objects != nil {
			for _, s := range c.Objects.Services {
				names = append(names, s.Name+"."+s.Namespace)
			}
		}
	}
	if *maxNames > 0 && len(names) > *maxNames {
		names = names[:*maxNames]
	}
	// The questions the stub sends for them, in its order.
	seen := map[aksdns.Question]bool{}
	var questions []aksdns.Question
	for _, n := range names {
		res, err := e.Lookup(v, n, aksdns.FamilyUnspec, &aksdns.Trace{})
		if err != nil {
			return err
		}
		for _, q := range res.Queries {
			if !seen[q.Question] {
				seen[q.Question] = true
				questions = append(questions, q.Question)
			}
		}
	}
	// The engine's answers, as one zone under the root for CoreDNS: the
	// records of every positive answer (CNAME chains included, which the
	// file plugin follows within the zone). Negative answers need no
	// record.
	var zone strings.Builder
	zone.WriteString("$ORIGIN .\n@ 30 IN SOA ns.bench. hostmaster.bench. 1 7200 1800 86400 30\n@ 30 IN NS ns.bench.\n")
	written := map[string]bool{}
	cname := map[string]bool{}
	for _, q := range questions {
		r, err := e.Query(v, q, nil)
		if err != nil {
			return err
		}
		for _, rr := range r.Answer {
			line := zoneLine(rr)
			if line == "" || written[line] || (cname[rr.Name] && rr.Type != model.TypeCNAME) {
				continue
			}
			written[line] = true
			if rr.Type == model.TypeCNAME {
				cname[rr.Name] = true
			}
			zone.WriteString(line + "\n")
		}
	}
	var qs strings.Builder
	for _, q := range questions {
		fmt.Fprintf(&qs, "%s. %s\n", q.Name, q.Type)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "queries.txt"), []byte(qs.String()), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "db.root"), []byte(zone.String()), 0o644); err != nil {
		return err
	}
	fmt.Printf("%d names, %d questions, %d records\n", len(names), len(questions), len(written))
	return nil
}

func zoneLine(rr aksdns.RR) string {
	d := rr.Data
	var data string
	switch rr.Type {
	case model.TypeA, model.TypeAAAA:
		data = d.Addr.String()
	case model.TypeCNAME, model.TypePTR, aksdns.TypeNS:
		data = d.Target + "."
	case model.TypeMX:
		data = fmt.Sprintf("%d %s.", d.Priority, d.Target)
	case model.TypeSRV:
		data = fmt.Sprintf("%d %d %d %s.", d.Priority, d.Weight, d.Port, d.Target)
	case model.TypeTXT:
		data = strconv.Quote(d.Text)
	default:
		return "" // SOA and NS answers at zone apexes: not records of a flat zone
	}
	return fmt.Sprintf("%s. %d IN %s %s", rr.Name, rr.TTL, rr.Type, data)
}

func compare(args []string) error {
	fs := flag.NewFlagSet("compare", flag.ExitOnError)
	a := fs.String("a", "", "first server (aksnet)")
	b := fs.String("b", "", "second server (CoreDNS)")
	qf := fs.String("q", "", "dnsperf query file")
	fs.Parse(args)
	for _, addr := range []string{*a, *b} {
		if h, _, err := net.SplitHostPort(addr); err != nil || !net.ParseIP(h).IsLoopback() {
			return fmt.Errorf("%q: give a loopback HOST:PORT", addr)
		}
	}
	data, err := os.ReadFile(*qf)
	if err != nil {
		return err
	}
	c := &dns.Client{Timeout: 2 * time.Second}
	same, total := 0, 0
	diffs := map[string]int{}
	var example []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		m := new(dns.Msg)
		m.SetQuestion(f[0], dns.StringToType[f[1]])
		ra, _, errA := c.Exchange(m, *a)
		rb, _, errB := c.Exchange(m, *b)
		if errA != nil || errB != nil {
			return fmt.Errorf("%s: %v / %v", line, errA, errB)
		}
		total++
		if ra.Rcode == rb.Rcode && slices.Equal(rrs(ra.Answer), rrs(rb.Answer)) {
			same++
			continue
		}
		k := dns.RcodeToString[ra.Rcode] + " vs " + dns.RcodeToString[rb.Rcode]
		diffs[k]++
		if len(example) < 3 {
			example = append(example, fmt.Sprintf("%s: %s %v | %s %v", line, dns.RcodeToString[ra.Rcode], rrs(ra.Answer), dns.RcodeToString[rb.Rcode], rrs(rb.Answer)))
		}
	}
	fmt.Printf("identical answers (RCODE and answer section): %d of %d questions\n", same, total)
	for k, n := range diffs {
		fmt.Printf("  different: %d (%s)\n", n, k)
	}
	for _, e := range example {
		fmt.Println("  e.g.", e)
	}
	return nil
}

func rrs(s []dns.RR) []string {
	var out []string
	for _, rr := range s {
		out = append(out, strings.ToLower(rr.String()))
	}
	sort.Strings(out)
	return out
}

// latency reads dnsperf -v lines ("> NOERROR name type 0.000123") and
// prints percentiles in microseconds.
func latency(in io.Reader, out io.Writer) error {
	var us []float64
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "> ") {
			continue
		}
		f := strings.Fields(line)
		s, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			continue
		}
		us = append(us, s*1e6)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(us) == 0 {
		return fmt.Errorf("no dnsperf -v answer lines")
	}
	slices.Sort(us)
	p := func(q float64) float64 { return us[min(len(us)-1, int(q*float64(len(us))))] }
	fmt.Fprintf(out, "n=%d p50=%.0fus p90=%.0fus p99=%.0fus p99.9=%.0fus max=%.0fus\n", len(us), p(0.5), p(0.9), p(0.99), p(0.999), us[len(us)-1])
	return nil
}
