package main

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/internal/model"
	"github.com/aksnet/aksnet/internal/serve"
)

func newServeCmd(g *globals) *cobra.Command {
	var (
		listen, as, config, metrics, timeoutMode, logFormat, logLevel string
		views, downs                                                  []string
		udpSize                                                       uint16
		poll                                                          time.Duration
	)
	cmd := &cobra.Command{
		Use:   "serve --as VANTAGE [--listen ADDR] | --view ADDR=VANTAGE... | --config FILE",
		Short: "Serve the estate's DNS over UDP and TCP, as a vantage's nameserver answers",
		Long: `serve answers real DNS queries — from dig, nslookup, an application under test,
a CoreDNS — over UDP and TCP, each as the vantage's first nameserver would
answer that exact name in the estate. Clients apply their own search list
and ndots, as in life: point a client at the listener and it gets what
aksnet resolve --from predicts.

Each listener is a view: --listen with --as, or --view ADDR=VANTAGE
(repeatable), or a views file (--config, docs/serve.md). A simulated failure
(--down, as in aksnet resolve) that leaves the vantage with no answer gives
SERVFAIL, or with --timeout-mode drop no answer at all, so that the client
times out.

SIGHUP, or a change of the topology file (-f), reloads the topology; one
that fails to load leaves the previous one serving. SIGTERM or SIGINT
shuts down gracefully. --metrics serves /metrics (Prometheus) and /healthz.`,
		Example: `  # Answer as a pod of the embedded estate, then ask as that pod would
  aksnet serve --listen 127.0.0.1:5353 --as pod:aks-prod/backend/api
  dig @127.0.0.1 -p 5353 +search +ndots=5 +domain=backend.svc.cluster.local api

  # Two views in one process, with metrics
  aksnet serve -f topology.yaml --view 127.0.0.1:5353=pod:aks-prod/backend/api \
    --view 127.0.0.1:5354=host:dc1/ws1 --metrics 127.0.0.1:9153

  # The VPN down: queries that need it time out
  aksnet serve --as pod:aks-prod/bunny/bunny --down hub-to-aws --timeout-mode drop`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			usage := func(format string, a ...any) error {
				return &exitError{code: 2, msg: "aksnet serve: " + fmt.Sprintf(format, a...)}
			}
			mode, ok := serve.ParseTimeoutMode(timeoutMode)
			if !ok || mode == serve.TimeoutDefault {
				return usage("--timeout-mode %q: choose servfail or drop", timeoutMode)
			}
			var vs []serve.View
			if as != "" {
				v, err := serve.ParseView(listen + "=" + as)
				if err != nil {
					return usage("%v", err)
				}
				vs = append(vs, v)
			} else if cmd.Flags().Changed("listen") {
				return usage("--listen needs --as VANTAGE (see aksnet vantages)")
			}
			for _, spec := range views {
				v, err := serve.ParseView(spec)
				if err != nil {
					return usage("%v", err)
				}
				vs = append(vs, v)
			}
			if config != "" {
				cvs, err := serve.ReadConfig(config)
				if err != nil {
					return usage("%v", err)
				}
				vs = append(vs, cvs...)
			}
			if len(vs) == 0 {
				return usage("nothing to serve: give --as VANTAGE, --view ADDR=VANTAGE or --config FILE")
			}
			if os.Getenv("GOGC") == "" {
				// main's GOGC=400 suits commands that run briefly and
				// keep what they allocate; a server runs for days, and
				// its heap would settle at five times what it holds.
				debug.SetGCPercent(100)
			}
			logger, err := newLogger(cmd, logFormat, logLevel)
			if err != nil {
				return usage("%v", err)
			}
			// Errors of the first load go to stderr with their
			// locations, as in every command; those of a reload go to
			// the log, and the previous topology keeps serving.
			first := true
			load := func() (*model.Topology, error) {
				if first {
					first = false
					return g.load(cmd.ErrOrStderr())
				}
				var buf bytes.Buffer
				t, err := g.load(&buf)
				if err != nil {
					return nil, fmt.Errorf("%v\n%s", err, strings.TrimSpace(buf.String()))
				}
				return t, nil
			}
			var watch []string
			if g.file != "" && poll > 0 {
				watch = []string{g.file}
			}
			srv, err := serve.New(serve.Options{
				Views: vs, Load: load, Down: downs, Watch: watch, Poll: poll,
				Metrics: metrics, TimeoutMode: mode, UDPSize: udpSize, Logger: logger,
			})
			if err != nil {
				var ex *exitError
				if errors.As(err, &ex) {
					return err
				}
				return usage("%v", err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGTERM, syscall.SIGINT)
			defer stop()
			if err := srv.Run(ctx); err != nil {
				return &exitError{code: 1, msg: "aksnet serve: " + err.Error()}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", "127.0.0.1:5353", "address (HOST:PORT) the --as view listens on, UDP and TCP")
	f.StringVar(&as, "as", "", "vantage whose first nameserver the --listen address answers as (see aksnet vantages)")
	f.StringArrayVar(&views, "view", nil, "ADDR=VANTAGE: another listener answering as VANTAGE (repeatable)")
	f.StringVar(&config, "config", "", "views file (YAML, docs/serve.md)")
	f.StringArrayVar(&downs, "down", nil, "a connection or DNS server IP to treat as failed in every view (repeatable)")
	f.StringVar(&timeoutMode, "timeout-mode", "servfail", "answer to a query the estate would let time out: servfail or drop (no answer)")
	f.StringVar(&metrics, "metrics", "", "address (HOST:PORT) serving /metrics and /healthz (default: none)")
	f.Uint16Var(&udpSize, "udp-size", serve.DefaultUDPSize, "EDNS0 UDP buffer size advertised; larger answers are truncated (TC) and retried over TCP")
	f.DurationVar(&poll, "poll", time.Second, "how often the -f file is checked for changes, to reload (0: never)")
	f.StringVar(&logFormat, "log-format", "text", "log format on stderr: text or json")
	f.StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn or error")
	return cmd
}

func newLogger(cmd *cobra.Command, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: choose debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(cmd.ErrOrStderr(), opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: choose text or json", format)
}
