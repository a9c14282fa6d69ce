package bot

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// Serve defaults.
const (
	DefaultMaxConcurrent = 32
	DefaultTimeout       = 2 * time.Minute
)

// ServeOptions configures Serve. The zero value is usable.
type ServeOptions struct {
	MaxConcurrent int           // messages handled at once; default DefaultMaxConcurrent
	Timeout       time.Duration // per message; default DefaultTimeout
	Logger        *slog.Logger  // default: discard
	// Access, when set, is enforced on every message and button click
	// (RequireAccess); nil serves everyone.
	Access *Access
	// Middleware is applied innermost, right around h, in order.
	Middleware []Middleware
}

// withDefaults fills in zero fields.
func (o ServeOptions) withDefaults() ServeOptions {
	if o.MaxConcurrent == 0 {
		o.MaxConcurrent = DefaultMaxConcurrent
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Stack returns the middleware Serve wraps a handler in, outermost first:
// Recover, IgnoreBots, ReplyErrors, Log, RequireAccess (when o.Access is
// set), Limit, Timeout, then o.Middleware. So a panic anywhere is caught,
// bots are never answered, every handler error becomes one reply, the log
// line sees the raw error code, unlisted senders never take a slot, and
// the timeout counts handling time only (not the wait for a slot).
func (o ServeOptions) Stack(logger *slog.Logger) []Middleware {
	o = o.withDefaults()
	if logger == nil {
		logger = o.Logger
	}
	mws := []Middleware{Recover(logger), IgnoreBots(), ReplyErrors(logger), Log(logger)}
	if o.Access != nil {
		mws = append(mws, RequireAccess(*o.Access))
	}
	mws = append(mws, Limit(o.MaxConcurrent), Timeout(o.Timeout))
	return append(mws, o.Middleware...)
}

// Serve runs p.Listen with h wrapped in o.Stack until ctx ends or Listen
// fails. Before returning it waits for the handlers Listen started. A
// clean shutdown (ctx cancelled) returns nil.
func Serve(ctx context.Context, p Platform, h Handler, o ServeOptions) error {
	o = o.withDefaults()
	logger := o.Logger.With("component", "bot", "platform", p.Name())
	t := &tracker{next: Chain(h, o.Stack(logger)...)}
	logger.Info("listening", "max_concurrent", o.MaxConcurrent, "timeout", o.Timeout)
	err := p.Listen(ctx, t)
	t.wait()
	if ctx.Err() != nil && (err == nil || errors.Is(err, context.Canceled)) {
		logger.Info("stopped")
		return nil
	}
	if err != nil {
		logger.Error("listen failed", "err", err)
	}
	return err
}

// tracker counts handlers in flight so Serve can wait for them. A message
// delivered after Listen returned is still handled, just not waited for.
type tracker struct {
	next    Handler
	mu      sync.Mutex
	wg      sync.WaitGroup
	stopped bool
}

// Handle runs t.next, tracked.
func (t *tracker) Handle(ctx context.Context, m *Message, r Replier) error {
	t.mu.Lock()
	if !t.stopped {
		t.wg.Add(1)
		defer t.wg.Done()
	}
	t.mu.Unlock()
	return t.next.Handle(ctx, m, r)
}

// wait stops tracking and waits for the tracked handlers.
func (t *tracker) wait() {
	t.mu.Lock()
	t.stopped = true
	t.mu.Unlock()
	t.wg.Wait()
}
