package serve

import (
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the server's Prometheus collectors, on a registry of its own
// (no global state: tests run several servers in one process).
type metrics struct {
	reg      *prometheus.Registry
	queries  *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	reloads  *prometheus.CounterVec
	gen      prometheus.Gauge
	reloaded prometheus.Gauge
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		queries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aksnet_dns_queries_total",
			Help: "Queries answered (or dropped: rcode DROPPED) by view, response code and query type.",
		}, []string{"view", "rcode", "type"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "aksnet_dns_request_duration_seconds",
			Help: "Time from a query's arrival in the handler to its answer's write, by view.",
			// 4 µs to ~130 ms: a cached answer takes microseconds, a
			// first engine walk on a large estate milliseconds.
			Buckets: prometheus.ExponentialBuckets(4e-6, 2, 16),
		}, []string{"view"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aksnet_dns_reloads_total",
			Help: "Topology reloads by result (ok, error).",
		}, []string{"result"}),
		gen: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "aksnet_dns_topology_generation",
			Help: "Generation of the topology being served: 1 at start, +1 per successful reload.",
		}),
		reloaded: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "aksnet_dns_topology_loaded_timestamp_seconds",
			Help: "Unix time the topology being served was loaded.",
		}),
	}
	m.reg.MustRegister(m.queries, m.latency, m.reloads, m.gen, m.reloaded,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Label values. Query types outside the list count as OTHER, so a client
// cannot grow the series without bound.
var (
	rcodeLabels = []struct {
		rcode int
		label string
	}{
		{dns.RcodeSuccess, "NOERROR"}, {dns.RcodeNameError, "NXDOMAIN"}, {dns.RcodeServerFailure, "SERVFAIL"},
		{dns.RcodeRefused, "REFUSED"}, {dns.RcodeFormatError, "FORMERR"}, {dns.RcodeNotImplemented, "NOTIMP"},
		{dns.RcodeBadVers, "BADVERS"}, {rcodeDropped, "DROPPED"},
	}
	typeLabels = []uint16{dns.TypeA, dns.TypeAAAA, dns.TypeCNAME, dns.TypeMX, dns.TypeNS, dns.TypePTR,
		dns.TypeSOA, dns.TypeSRV, dns.TypeTXT, dns.TypeANY, dns.TypeHTTPS, dns.TypeSVCB}
)

const otherLabel = "OTHER"

func rcodeIndex(rcode int) int {
	for i, l := range rcodeLabels {
		if l.rcode == rcode {
			return i
		}
	}
	return -1
}

func typeIndex(t uint16) int {
	for i, l := range typeLabels {
		if l == t {
			return i
		}
	}
	return len(typeLabels)
}

// viewMetrics are one view's series, looked up once: the hot path
// increments a counter found by two small indexes instead of hashing label
// values.
type viewMetrics struct {
	name    string
	vec     *prometheus.CounterVec
	latency prometheus.Observer
	cells   [][]atomic.Pointer[prometheus.Counter] // [rcode][type], filled on first use
}

func (m *metrics) view(name string) *viewMetrics {
	v := &viewMetrics{name: name, vec: m.queries, latency: m.latency.WithLabelValues(name)}
	v.cells = make([][]atomic.Pointer[prometheus.Counter], len(rcodeLabels)+1)
	for i := range v.cells {
		v.cells[i] = make([]atomic.Pointer[prometheus.Counter], len(typeLabels)+1)
	}
	return v
}

func (v *viewMetrics) counter(rcode int, qtype uint16) prometheus.Counter {
	ri, ti := rcodeIndex(rcode), typeIndex(qtype)
	if ri < 0 {
		ri = len(rcodeLabels)
	}
	cell := &v.cells[ri][ti]
	if c := cell.Load(); c != nil {
		return *c
	}
	rl := otherLabel
	if ri < len(rcodeLabels) {
		rl = rcodeLabels[ri].label
	}
	tl := otherLabel
	if ti < len(typeLabels) {
		tl = dns.TypeToString[typeLabels[ti]]
	}
	c := v.vec.WithLabelValues(v.name, rl, tl)
	cell.Store(&c)
	return c
}

// observe counts one query.
func (v *viewMetrics) observe(rcode int, qtype uint16, d time.Duration) {
	v.counter(rcode, qtype).Inc()
	v.latency.Observe(d.Seconds())
}
