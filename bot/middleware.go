package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"
	"unicode/utf8"

	"tibot/card"
	"tibot/intel"
)

// Middleware wraps a Handler with cross-cutting behaviour.
type Middleware func(Handler) Handler

// Chain wraps h so that mws[0] is the outermost layer: Chain(h, a, b)
// handles a message as a(b(h)).
func Chain(h Handler, mws ...Middleware) Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// replyTimeout bounds a reply sent after the request's own context may be
// gone (a panic or a timeout).
const replyTimeout = 15 * time.Second

// replyContext returns a context for an error reply: not cancelled with
// ctx (the handler may have timed out) but bounded.
func replyContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), replyTimeout)
}

// newRef returns a short random reference id for an internal error, shown
// to the user and logged with the full error.
func newRef() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// Recover turns a panic in the handler into a log line with the stack and
// one reply, card.FromError(internal, ref); the message then counts as
// handled (nil error).
func Recover(logger *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, m *Message, r Replier) (err error) {
			defer func() {
				p := recover()
				if p == nil {
					return
				}
				ref := newRef()
				logger.ErrorContext(ctx, "handler panic", append(msgAttrs(m),
					"ref", ref, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))...)
				rctx, cancel := replyContext(ctx)
				defer cancel()
				if _, rerr := r.Reply(rctx, card.FromError(nil, ref)); rerr != nil {
					logger.WarnContext(ctx, "reply after panic failed", "ref", ref, "err", rerr)
				}
				err = nil
			}()
			return next.Handle(ctx, m, r)
		})
	}
}

// IgnoreBots drops messages sent by bots (including tibot itself).
func IgnoreBots() Middleware {
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, m *Message, r Replier) error {
			if m == nil || m.FromBot {
				return nil
			}
			return next.Handle(ctx, m, r)
		})
	}
}

// Log writes one Info line per message after handling it: platform, chat,
// user, cmd, text length, file count, duration and, on failure, the error
// code and operator text. Message text may be sensitive (pasted logs): it
// is never in an Info record; a second, Debug record carries its first
// debugTextRunes runes.
func Log(logger *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, m *Message, r Replier) error {
			if m == nil {
				return next.Handle(ctx, m, r)
			}
			start := time.Now()
			err := next.Handle(ctx, m, r)
			attrs := append(msgAttrs(m), "len", utf8.RuneCountInString(m.Text),
				"files", len(m.Files), "dur", time.Since(start))
			if err != nil {
				attrs = append(attrs, "code", string(intel.ErrorCode(err)), "err", err)
			}
			logger.InfoContext(ctx, "message", attrs...)
			logger.DebugContext(ctx, "message text", "platform", m.Platform, "chat", m.Chat,
				"text", truncate(m.Text, debugTextRunes))
			return err
		})
	}
}

// debugTextRunes is how much message text Log shows at Debug level.
const debugTextRunes = 80

// msgAttrs are the stable log keys identifying a message.
func msgAttrs(m *Message) []any {
	if m == nil {
		return []any{"cmd", "none"}
	}
	return []any{"platform", m.Platform, "chat", m.Chat, "user", m.User, "cmd", cmdName(m)}
}

// cmdName is the command, "action:<id>", "file" or "text".
func cmdName(m *Message) string {
	switch {
	case m.Action != nil:
		return "action:" + m.Action.ID
	case m.Command != "":
		return m.Command
	case len(m.Files) > 0:
		return "file"
	}
	return "text"
}

// truncate shortens s to n runes.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Timeout bounds each message's handling to d. A handler that fails
// because d ran out (and not because the parent context ended) returns an
// EUpstream error saying it took too long, which ReplyErrors shows.
func Timeout(d time.Duration) Middleware {
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, m *Message, r Replier) error {
			tctx, cancel := context.WithTimeout(ctx, d)
			defer cancel()
			err := next.Handle(tctx, m, r)
			if err != nil && errors.Is(tctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
				return &intel.Error{Code: intel.EUpstream, Message: "处理超时, 请稍后再试或减少 IP 数量",
					Detail: fmt.Sprintf("handler timed out after %v", d), Err: err}
			}
			return err
		})
	}
}

// Limit lets at most n messages be handled at once; the others wait for a
// slot or for their context to end. n <= 0 means no limit.
func Limit(n int) Middleware {
	return func(next Handler) Handler {
		if n <= 0 {
			return next
		}
		sem := make(chan struct{}, n)
		return HandlerFunc(func(ctx context.Context, m *Message, r Replier) error {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			defer func() { <-sem }()
			return next.Handle(ctx, m, r)
		})
	}
}
