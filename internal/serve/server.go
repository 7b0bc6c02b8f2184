// Package serve is aksnet's DNS server: real UDP and TCP listeners, each
// answering as one vantage's first nameserver would, from the resolution
// engine (internal/dns). Clients apply their own search list, as in life.
//
// A Server holds one generation at a time — the engines built from one
// topology — behind an atomic pointer: a reload (SIGHUP, a change of the
// topology file, or Reload) builds the next generation aside and swaps it in
// whole, so every query is answered from exactly one topology, and a
// topology that fails to load leaves the previous one serving.
package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	aksdns "github.com/aksnet/aksnet/internal/dns"
	"github.com/aksnet/aksnet/internal/model"
)

// View is one listener: an address that answers, over UDP and TCP, as one
// vantage's first nameserver.
type View struct {
	// Name labels the view in logs and metrics; default: the vantage.
	Name   string
	Listen string // host:port; port 0 picks a free one (the same for UDP and TCP)
	// Vantage is who asks. Its first nameserver answers.
	Vantage model.Vantage
	// Down lists, beyond Options.Down, DNS servers (IP addresses) and
	// connections (names) that are failed in this view.
	Down        []string
	TimeoutMode TimeoutMode
}

// Options configure a Server.
type Options struct {
	Views []View
	// Load reads the topology: at start and at every reload.
	Load func() (*model.Topology, error)
	// Down lists DNS servers (IP addresses) and connections (names) failed
	// in every view, as aksnet resolve --down.
	Down []string
	// Watch lists files whose change triggers a reload, checked every
	// Poll (default 1s).
	Watch []string
	Poll  time.Duration
	// Metrics is the address of the /metrics and /healthz listener; empty:
	// none.
	Metrics string
	// TimeoutMode is the mode of views that set none (default
	// TimeoutServFail).
	TimeoutMode TimeoutMode
	// UDPSize is the EDNS0 buffer size advertised (default DefaultUDPSize).
	UDPSize uint16
	Logger  *slog.Logger

	// wrap, in tests, replaces a view's answerer (to fail or count).
	wrap func(View, Answerer) Answerer
}

// Server serves the views.
type Server struct {
	opts    Options
	log     *slog.Logger
	metrics *metrics
	gen     atomic.Pointer[generation]

	reloadMu  sync.Mutex
	lastError atomic.Pointer[string] // why the last reload failed; nil: it did not

	dns       []*dns.Server
	addrs     []string // bound address of each view
	http      *http.Server
	watchBase []fileState // the watched files when first loaded
	httpLn    net.Listener
	started   chan struct{}
}

// generation is what one topology serves.
type generation struct {
	id     uint64
	loaded time.Time
	views  []*viewState // by view index
}

// viewState is one view in one generation.
type viewState struct {
	answerer Answerer
	cache    *answerCache
}

// New loads the topology, builds the views and binds every listener, so
// that any error — a bad vantage, a failed server that does not exist, an
// address in use — is reported before anything is served. Run serves.
func New(opts Options) (*Server, error) {
	if len(opts.Views) == 0 {
		return nil, errors.New("no view to serve: give --as VANTAGE (with --listen) or --view ADDR=VANTAGE")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.UDPSize == 0 {
		opts.UDPSize = DefaultUDPSize
	}
	if opts.UDPSize < dns.MinMsgSize {
		return nil, fmt.Errorf("the advertised UDP size %d is below %d, the least RFC 6891 allows", opts.UDPSize, dns.MinMsgSize)
	}
	if opts.Poll == 0 {
		opts.Poll = time.Second
	}
	if opts.TimeoutMode == TimeoutDefault {
		opts.TimeoutMode = TimeoutServFail
	}
	opts.Views = slices.Clone(opts.Views)
	perVantage := map[model.Vantage]int{}
	for _, v := range opts.Views {
		perVantage[v.Vantage]++
	}
	seen := map[string]bool{}
	for i := range opts.Views {
		v := &opts.Views[i]
		if v.Name == "" {
			v.Name = v.Vantage.String()
			if perVantage[v.Vantage] > 1 {
				// Two listeners for one vantage (say, one with a
				// tunnel down): the address tells them apart.
				v.Name += "@" + v.Listen
			}
		}
		if v.TimeoutMode == TimeoutDefault {
			v.TimeoutMode = opts.TimeoutMode
		}
		if seen[v.Listen] && !strings.HasSuffix(v.Listen, ":0") {
			return nil, fmt.Errorf("two views listen on %s", v.Listen)
		}
		seen[v.Listen] = true
	}
	s := &Server{opts: opts, log: opts.Logger, metrics: newMetrics(), started: make(chan struct{})}
	// The watched files as they are before the first load: a change from
	// here on, even before Run starts watching, is a change to reload.
	s.watchBase = make([]fileState, len(opts.Watch))
	for i, p := range opts.Watch {
		s.watchBase[i] = statFile(p)
	}
	t, err := opts.Load()
	if err != nil {
		return nil, err
	}
	g, err := s.build(t, 1)
	if err != nil {
		return nil, err
	}
	s.gen.Store(g)
	s.metrics.gen.Set(1)
	s.metrics.reloaded.Set(float64(g.loaded.Unix()))
	if err := s.bind(); err != nil {
		s.closeListeners()
		return nil, err
	}
	return s, nil
}

// build makes a generation: one engine per distinct set of failures, one
// answerer per view. Every view is asked once, so that a vantage the
// topology does not have is an error here and not a SERVFAIL later.
func (s *Server) build(t *model.Topology, id uint64) (*generation, error) {
	g := &generation{id: id, loaded: time.Now()}
	engines := map[string]*aksdns.Engine{}
	for _, v := range s.opts.Views {
		down := append(slices.Clone(s.opts.Down), v.Down...)
		slices.Sort(down)
		down = slices.Compact(down)
		key := strings.Join(down, "\x00")
		e := engines[key]
		if e == nil {
			addrs, conns, err := splitDown(t, down)
			if err != nil {
				return nil, fmt.Errorf("view %s: %w", v.Name, err)
			}
			var errs model.ErrorList
			e, errs = aksdns.New(t, addrs, conns)
			if len(errs) > 0 {
				return nil, fmt.Errorf("the topology's DNS configuration has errors:\n%s", errs.Error())
			}
			engines[key] = e
		}
		a := engineAnswerer{e: e, v: v.Vantage}
		if _, err := a.Answer(aksdns.Question{Name: "aksnet-probe.invalid", Type: model.TypeA}); err != nil {
			return nil, fmt.Errorf("view %s: %w", v.Name, err)
		}
		var ans Answerer = a
		if s.opts.wrap != nil {
			ans = s.opts.wrap(v, a)
		}
		g.views = append(g.views, &viewState{answerer: ans, cache: &answerCache{}})
	}
	return g, nil
}

// splitDown sorts failures into server addresses and connection names, as
// aksnet resolve --down does.
func splitDown(t *model.Topology, down []string) ([]netip.Addr, []string, error) {
	var addrs []netip.Addr
	var conns []string
	for _, d := range down {
		if a, err := netip.ParseAddr(d); err == nil {
			addrs = append(addrs, a)
			continue
		}
		if model.Lookup[model.Connection](t, d) == nil {
			return nil, nil, fmt.Errorf("down %q is neither a connection of the topology nor an IP address", d)
		}
		conns = append(conns, d)
	}
	return addrs, conns, nil
}

// bind opens each view's UDP and TCP sockets on one port.
func (s *Server) bind() error {
	for i, v := range s.opts.Views {
		udp, tcp, err := listenBoth(v.Listen)
		if err != nil {
			return fmt.Errorf("view %s: %w", v.Name, err)
		}
		s.addrs = append(s.addrs, udp.LocalAddr().String())
		vm := s.metrics.view(v.Name)
		state := func() *viewState { return s.gen.Load().views[i] }
		mk := func(isTCP bool) *handler {
			return &handler{view: v.Name, tcp: isTCP, mode: v.TimeoutMode, udpSize: s.opts.UDPSize, state: state, metrics: vm, log: s.log}
		}
		accept := acceptQuery(vm)
		invalid := func(m []byte, err error) {
			// miekg/dns answers FORMERR itself when a message does not
			// unpack; count it.
			vm.observe(dns.RcodeFormatError, 0, 0)
			if s.log.Enabled(context.Background(), slog.LevelDebug) {
				s.log.Debug("malformed query", "view", v.Name, "bytes", len(m), "err", err)
			}
		}
		s.dns = append(s.dns,
			&dns.Server{PacketConn: udp, Handler: mk(false), MsgAcceptFunc: accept, MsgInvalidFunc: invalid,
				// The read buffer: large enough for any query with
				// EDNS0 options; the answer's size is the handler's.
				UDPSize: 4096},
			&dns.Server{Listener: tcp, Handler: mk(true), MsgAcceptFunc: accept, MsgInvalidFunc: invalid,
				ReadTimeout: 2 * time.Second, IdleTimeout: func() time.Duration { return 10 * time.Second },
				MaxTCPQueries: -1})
	}
	if s.opts.Metrics != "" {
		ln, err := net.Listen("tcp", s.opts.Metrics)
		if err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
		s.httpLn = ln
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{Registry: s.metrics.reg}))
		mux.HandleFunc("/healthz", s.healthz)
		s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	}
	return nil
}

// listenBoth binds UDP and TCP on the same port. With port 0 the system
// picks the UDP port, and TCP may find it taken: try again a few times.
func listenBoth(addr string) (net.PacketConn, net.Listener, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("listen address %q: %v (write HOST:PORT, e.g. 127.0.0.1:5353)", addr, err)
	}
	for attempt := 0; ; attempt++ {
		udp, err := net.ListenPacket("udp", addr)
		if err != nil {
			return nil, nil, err
		}
		p := strconv.Itoa(udp.LocalAddr().(*net.UDPAddr).Port)
		tcp, err := net.Listen("tcp", net.JoinHostPort(host, p))
		if err == nil {
			return udp, tcp, nil
		}
		udp.Close()
		if port != "0" || attempt == 10 {
			return nil, nil, err
		}
	}
}

// acceptQuery decides, from the header alone, what miekg/dns does before
// the handler: responses are ignored (answering them could loop between
// two servers), opcodes other than QUERY get NOTIMP, and anything but one
// question with empty answer and authority sections is a FORMERR. Rejects
// are counted here because the handler never sees them.
func acceptQuery(vm *viewMetrics) dns.MsgAcceptFunc {
	return func(dh dns.Header) dns.MsgAcceptAction {
		const qr = 1 << 15
		if dh.Bits&qr != 0 {
			return dns.MsgIgnore
		}
		if opcode := int(dh.Bits>>11) & 0xF; opcode != dns.OpcodeQuery {
			vm.observe(dns.RcodeNotImplemented, 0, 0)
			return dns.MsgRejectNotImplemented
		}
		// Additional may hold an OPT and a TSIG, no more.
		if dh.Qdcount != 1 || dh.Ancount != 0 || dh.Nscount != 0 || dh.Arcount > 2 {
			vm.observe(dns.RcodeFormatError, 0, 0)
			return dns.MsgReject
		}
		return dns.MsgAccept
	}
}

// Addrs returns each view's bound address (UDP and TCP share it), in the
// order of Options.Views.
func (s *Server) Addrs() []string { return slices.Clone(s.addrs) }

// MetricsAddr returns the bound /metrics address, or "".
func (s *Server) MetricsAddr() string {
	if s.httpLn == nil {
		return ""
	}
	return s.httpLn.Addr().String()
}

// Run serves until ctx is done, then shuts down gracefully: listeners close,
// queries in flight are answered (for up to 5 s). It reloads on SIGHUP and
// when a watched file changes.
func (s *Server) Run(ctx context.Context) error {
	errc := make(chan error, len(s.dns)+1)
	var started sync.WaitGroup
	for _, d := range s.dns {
		started.Add(1)
		d.NotifyStartedFunc = started.Done
		go func() {
			if err := d.ActivateAndServe(); err != nil {
				errc <- err
			}
		}()
	}
	if s.http != nil {
		go func() {
			if err := s.http.Serve(s.httpLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("metrics: %w", err)
			}
		}()
	}
	// Wait for every listener, unless one fails first (it would never
	// report that it started).
	all := make(chan struct{})
	go func() { started.Wait(); close(all) }()
	select {
	case <-all:
	case err := <-errc:
		s.log.Error("a listener failed to start", "err", err)
		s.shutdown()
		return err
	}
	close(s.started)
	for i, v := range s.opts.Views {
		s.log.Info("serving", "view", v.Name, "vantage", v.Vantage.String(), "addr", s.addrs[i], "timeout_mode", v.TimeoutMode.String())
	}
	if a := s.MetricsAddr(); a != "" {
		s.log.Info("metrics", "addr", a, "paths", "/metrics /healthz")
	}

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go s.watch(watchCtx)

	var runErr error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-hup:
			_ = s.Reload("SIGHUP")
		case err := <-errc:
			runErr = err
			s.log.Error("a listener failed; shutting down", "err", err)
			break loop
		}
	}
	s.log.Info("shutting down")
	s.shutdown()
	return runErr
}

// shutdown stops the listeners, letting queries in flight finish (up to
// 5 s).
func (s *Server) shutdown() {
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, d := range s.dns {
		if err := d.ShutdownContext(sctx); err != nil {
			// Not started (a sibling failed first): close its socket.
			if d.PacketConn != nil {
				d.PacketConn.Close()
			}
			if d.Listener != nil {
				d.Listener.Close()
			}
		}
	}
	if s.http != nil {
		_ = s.http.Shutdown(sctx)
		// Shutdown closes only the listeners Serve has begun with; the
		// Serve goroutine may not have yet.
		s.httpLn.Close()
	}
}

// Started is closed once every listener serves.
func (s *Server) Started() <-chan struct{} { return s.started }

// closeListeners releases sockets of a Server that will not Run.
func (s *Server) closeListeners() {
	for _, d := range s.dns {
		if d.PacketConn != nil {
			d.PacketConn.Close()
		}
		if d.Listener != nil {
			d.Listener.Close()
		}
	}
	if s.httpLn != nil {
		s.httpLn.Close()
	}
}

// Close releases the sockets of a Server that was not Run.
func (s *Server) Close() { s.closeListeners() }

// Reload loads the topology again and, if it loads and every view can be
// built from it, swaps it in. Otherwise the current generation keeps
// serving and the error is logged and returned.
func (s *Server) Reload(reason string) error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	start := time.Now()
	cur := s.gen.Load()
	t, err := s.opts.Load()
	var g *generation
	if err == nil {
		g, err = s.build(t, cur.id+1)
	}
	if err != nil {
		msg := err.Error()
		s.lastError.Store(&msg)
		s.metrics.reloads.WithLabelValues("error").Inc()
		s.log.Error("reload failed; still serving the previous topology", "reason", reason, "generation", cur.id, "err", err)
		return err
	}
	s.gen.Store(g)
	s.lastError.Store(nil)
	s.metrics.reloads.WithLabelValues("ok").Inc()
	s.metrics.gen.Set(float64(g.id))
	s.metrics.reloaded.Set(float64(g.loaded.Unix()))
	s.log.Info("reloaded", "reason", reason, "generation", g.id, "took", time.Since(start).Round(time.Millisecond).String())
	return nil
}

// Generation returns the number of the topology being served: 1 at start,
// one more per successful reload.
func (s *Server) Generation() uint64 { return s.gen.Load().id }

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	g := s.gen.Load()
	w.Header().Set("Content-Type", "application/json")
	last := ""
	if p := s.lastError.Load(); p != nil {
		last = *p
	}
	// 200 while a topology is served, even after a failed reload: the
	// server answers, from the previous generation.
	fmt.Fprintf(w, `{"status":"ok","generation":%d,"loaded":%q,"lastReloadError":%q}`+"\n",
		g.id, g.loaded.UTC().Format(time.RFC3339), last)
}
