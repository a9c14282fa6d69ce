// Command threatbook-fake serves the fake ThreatBook v3 API of package
// threatbooktest on a real listener, for demos, scripts and benchmarks.
//
// Usage:
//
//	threatbook-fake [--addr 127.0.0.1:8090] [--latency 0] [--daily-quota 50] [--keys k1,k2] [--fixtures DIR]
//
// It serves /v3/scene/ip_reputation and /v3/ip/query with deterministic
// verdicts per IP (see threatbooktest.Category), overridden by any
// reputation-*.json / query-*.json files in --fixtures. GET /_fake/stats
// returns {"requests": N, "ips": M, …}; POST /_fake/reset clears the
// counters and the keys' quota usage.
//
// --keys empty accepts any non-empty API key, so a demo needs no setup.
// --daily-quota is per key per day, one unit per IP (positive, or -1 for
// unlimited).
// --latency takes a Go duration ("200ms") or a number of milliseconds.
// SIGINT or SIGTERM shuts the server down gracefully.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"tibot/threatbook/threatbooktest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stderr, nil)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "threatbook-fake:", err)
		os.Exit(1)
	}
}

// errUsage marks a bad command line (already reported by the flag set).
var errUsage = errors.New("usage")

// config is the parsed command line.
type config struct {
	addr     string
	latency  time.Duration
	quota    int
	keys     []string
	fixtures string
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	cfg := config{}
	fs := flag.NewFlagSet("threatbook-fake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8090", "listen address")
	fs.Var((*millis)(&cfg.latency), "latency", "delay before every API answer (duration or milliseconds)")
	fs.IntVar(&cfg.quota, "daily-quota", threatbooktest.DefaultDailyQuota, "reputation units per key per day, one per IP (-1 unlimited)")
	keys := fs.String("keys", "", "accepted API keys, comma-separated (empty: any non-empty key)")
	fs.StringVar(&cfg.fixtures, "fixtures", "", "directory of reputation-*.json / query-*.json answers overriding generated ones")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected arguments: %q\n", fs.Args())
		return cfg, errUsage
	}
	for _, k := range strings.Split(*keys, ",") {
		if k = strings.TrimSpace(k); k != "" {
			cfg.keys = append(cfg.keys, k)
		}
	}
	if cfg.quota == 0 || cfg.quota < -1 {
		fmt.Fprintln(stderr, "--daily-quota must be positive, or -1 for unlimited")
		return cfg, errUsage
	}
	return cfg, nil
}

// millis is a duration flag that also accepts a bare number of milliseconds.
type millis time.Duration

// String implements flag.Value.
func (m *millis) String() string { return time.Duration(*m).String() }

// Set implements flag.Value.
func (m *millis) Set(s string) error {
	if n, err := strconv.Atoi(s); err == nil {
		*m = millis(time.Duration(n) * time.Millisecond)
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("want a duration like 200ms or a number of milliseconds")
	}
	*m = millis(d)
	return nil
}

// run serves until ctx ends. ready, when set, receives the bound address
// once the listener is up.
func run(ctx context.Context, args []string, stderr io.Writer, ready func(addr string)) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	fake := threatbooktest.NewHandler(threatbooktest.Options{Keys: cfg.keys, DailyQuota: cfg.quota, Latency: cfg.latency})
	defer fake.Close()
	if cfg.fixtures != "" {
		if err := fake.LoadFixtureDir(cfg.fixtures); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	log.Info("threatbook-fake listening", "addr", "http://"+ln.Addr().String(), "keys", keysInfo(cfg.keys),
		"daily_quota", cfg.quota, "latency", cfg.latency, "fixtures", cfg.fixtures)
	return serve(ctx, ln, fake, log, ready)
}

func keysInfo(keys []string) string {
	if len(keys) == 0 {
		return "any"
	}
	return strconv.Itoa(len(keys))
}

// serve runs the HTTP server on ln and shuts it down when ctx ends.
func serve(ctx context.Context, ln net.Listener, fake *threatbooktest.Server, log *slog.Logger, ready func(string)) error {
	hs := &http.Server{Handler: fake.Handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("threatbook-fake shutting down")
	fake.Close() // release stalled bodies first
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
