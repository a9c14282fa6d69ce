package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"tibot/bot"
)

// platformFunc builds one chat platform from the configuration: ok is
// false when the platform is not configured (its variables are unset).
type platformFunc func(cfg Config, log *slog.Logger) (p bot.Platform, poster bot.Poster, ok bool, err error)

// platformSpec names a platform and the variables that configure it.
type platformSpec struct {
	name  string
	vars  string
	build platformFunc
}

// serveDeps are the parts of `tibot serve` tests replace.
type serveDeps struct {
	platforms []platformSpec
	now       func() time.Time
	// listening, when set, is called with the HTTP listener's address.
	listening func(addr string)
	// listener, when set, is the HTTP listener instead of one bound to
	// TIBOT_HTTP_ADDR: a test that must know the address beforehand (a
	// webhook URL) keeps its port instead of closing and binding it again,
	// when another process could take it.
	listener net.Listener
}

// defaultPlatforms are the chat platforms tibot supports.
func defaultPlatforms() []platformSpec {
	return []platformSpec{
		{"slack", "SLACK_BOT_TOKEN + SLACK_APP_TOKEN", slackPlatform},
		{"telegram", "TELEGRAM_BOT_TOKEN", telegramPlatform},
	}
}

// runServe is `tibot serve`: every configured chat platform, the deferred
// worker, the storage janitor and the HTTP listener, until SIGINT/SIGTERM.
func runServe(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return osStdio(stdin, stdout, stderr).serve(ctx, args, serveDeps{platforms: defaultPlatforms(), now: time.Now})
}

// serve parses flags, starts everything and waits for ctx to end or a
// platform to fail for good.
func (s stdio) serve(ctx context.Context, args []string, d serveDeps) int {
	cfg := defaultConfig()
	fs := flag.NewFlagSet("tibot serve", flag.ContinueOnError)
	fs.SetOutput(s.stderr)
	ef := addEngineFlags(fs, &cfg)
	httpAddr := fs.String("http-addr", cfg.HTTPAddr, "address of /healthz and /metrics (TIBOT_HTTP_ADDR; empty disables)")
	debug := fs.Bool("debug", false, "log at debug level")
	if code, done := s.parseNoArgs(fs, args, "serve", ""); done {
		return code
	}
	if err := ef.load(s.getenv); err != nil {
		s.errorf("serve", "%v", err)
		return exitUsage
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "http-addr" {
			cfg.HTTPAddr = *httpAddr
		}
	})
	level := slog.LevelInfo
	if *debug {
		level = slog.LevelDebug
	}
	logger := s.textLogger(level)
	plats, code := s.platforms(cfg, d.platforms, logger)
	if plats == nil {
		return code
	}
	e, code := s.open(ctx, "serve", cfg, engineOptions{NoCache: ef.noCache, Logger: logger, Now: d.now})
	if e == nil {
		return code
	}
	defer e.Close()
	if err := s.run(ctx, e, plats, d, logger); err != nil {
		s.errorf("serve", "%v", err)
		return exitFailed
	}
	return exitOK
}

// platform is one configured chat platform.
type platform struct {
	spec   platformSpec
	p      bot.Platform
	poster bot.Poster
}

// platforms builds every configured platform. It prints the problem and
// returns nil with exit code 2 when one is misconfigured or none is
// configured.
func (s stdio) platforms(cfg Config, specs []platformSpec, logger *slog.Logger) ([]platform, int) {
	var out []platform
	for _, sp := range specs {
		p, poster, ok, err := sp.build(cfg, logger.With("component", sp.name))
		if err != nil {
			s.errorf("serve", "%s (%s): %v", sp.name, sp.vars, err)
			return nil, exitUsage
		}
		if ok {
			out = append(out, platform{spec: sp, p: p, poster: poster})
		}
	}
	if len(out) == 0 {
		s.errorf("serve", "no chat platform configured: set %s (未配置聊天平台)", specVars(specs))
		return nil, exitUsage
	}
	return out, exitOK
}

// specVars is "SLACK_BOT_TOKEN + SLACK_APP_TOKEN (slack) or TELEGRAM_BOT_TOKEN (telegram)".
func specVars(specs []platformSpec) string {
	s := ""
	for i, sp := range specs {
		if i > 0 {
			s += " or "
		}
		s += fmt.Sprintf("%s (%s)", sp.vars, sp.name)
	}
	return s
}

// run serves every platform, the deferred worker, the janitor and the HTTP
// listener until ctx ends (nil) or a platform fails for good (its error,
// after stopping the rest).
func (s stdio) run(ctx context.Context, e *engine, plats []platform, d serveDeps, logger *slog.Logger) error {
	m := newMetrics()
	o := chatOptions{access: bot.Access{Admins: e.cfg.Admins, Allow: e.cfg.Allow}, now: d.now, logger: logger, metrics: m}
	rt, err := newRouter(e, o)
	if err != nil {
		return err
	}
	posters := map[string]bot.Poster{}
	for _, p := range plats {
		if p.poster != nil {
			posters[p.p.Name()] = p.poster
		}
	}
	w, err := newDeferredWorker(e, posters, o)
	if err != nil {
		return err
	}
	ln := d.listener
	if ln == nil {
		if ln, err = listenHTTP(e.cfg.HTTPAddr); err != nil {
			return err
		}
	}
	g := newGroup(ctx)
	for _, p := range plats {
		g.goFail(func(ctx context.Context) error {
			return platformError(ctx, p.spec, bot.Serve(ctx, p.p, rt, serveOptions(o.access, o, 0)))
		})
	}
	g.goBackground(func(ctx context.Context) { _ = w.Run(ctx) })
	g.goBackground(func(ctx context.Context) { e.db.RunJanitor(ctx, 0) })
	if ln != nil {
		if d.listening != nil {
			d.listening(ln.Addr().String())
		}
		routes := webhookRoutes(plats)
		token, unpublish, err := publishAdmin(e.db.Path(), ln.Addr().String())
		if err != nil {
			_ = ln.Close()
			return err
		}
		defer unpublish()
		routes["GET /admin/backup"] = backupHandler(e.db, token, logger)
		g.goFail(func(ctx context.Context) error { return serveHTTP(ctx, ln, m, routes, logger) })
	}
	return g.wait()
}

// platformError names the platform and its variables in a failure. A
// platform that stops by itself while tibot runs is a failure too.
func platformError(ctx context.Context, sp platformSpec, err error) error {
	switch {
	case err == nil && ctx.Err() != nil:
		return nil
	case err == nil:
		return fmt.Errorf("%s stopped unexpectedly (check %s)", sp.name, sp.vars)
	}
	return fmt.Errorf("%s stopped (check %s): %w", sp.name, sp.vars, err)
}
