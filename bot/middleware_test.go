package bot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tibot/bot"
	"tibot/card"
	"tibot/intel"
	"tibot/internal/fake"
)

// testLogger returns a logger writing text lines into a buffer.
func testLogger(level slog.Level) (*slog.Logger, *fake.LogBuffer) {
	buf := &fake.LogBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: level})), buf
}

func msg() *bot.Message {
	return &bot.Message{Platform: "slack", Chat: "C1", User: "U1", Command: "ip", Text: "198.51.100.23"}
}

func TestChainOrder(t *testing.T) {
	var got []string
	mw := func(name string) bot.Middleware {
		return func(next bot.Handler) bot.Handler {
			return bot.HandlerFunc(func(ctx context.Context, m *bot.Message, r bot.Replier) error {
				got = append(got, name)
				return next.Handle(ctx, m, r)
			})
		}
	}
	h := bot.Chain(bot.HandlerFunc(func(context.Context, *bot.Message, bot.Replier) error {
		got = append(got, "h")
		return nil
	}), mw("a"), mw("b"))
	if err := h.Handle(context.Background(), msg(), &fake.Replier{}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "a,b,h" {
		t.Errorf("order %v", got)
	}
}

func TestRecover(t *testing.T) {
	logger, logs := testLogger(slog.LevelInfo)
	r := &fake.Replier{}
	h := bot.Chain(bot.HandlerFunc(func(context.Context, *bot.Message, bot.Replier) error {
		panic("boom")
	}), bot.Recover(logger))
	if err := h.Handle(context.Background(), msg(), r); err != nil {
		t.Fatalf("Handle = %v, want nil after recovery", err)
	}
	replies := r.Replies()
	if len(replies) != 1 {
		t.Fatalf("got %d replies, want 1", len(replies))
	}
	text := card.Text(replies[0])
	ref := strings.TrimSuffix(strings.TrimPrefix(text, "⚠️ 内部错误 (参考编号 "), ")")
	if len(ref) != 8 || ref == text {
		t.Fatalf("reply %q has no ref id", text)
	}
	l := logs.String()
	for _, want := range []string{"handler panic", "panic=boom", "ref=" + ref, "stack=", "middleware_test.go"} {
		if !strings.Contains(l, want) {
			t.Errorf("log lacks %q:\n%s", want, l)
		}
	}
}

func TestIgnoreBots(t *testing.T) {
	called := 0
	h := bot.Chain(bot.HandlerFunc(func(context.Context, *bot.Message, bot.Replier) error {
		called++
		return nil
	}), bot.IgnoreBots())
	m := msg()
	m.FromBot = true
	_ = h.Handle(context.Background(), m, &fake.Replier{})
	_ = h.Handle(context.Background(), nil, &fake.Replier{})
	if called != 0 {
		t.Fatal("bot message handled")
	}
	_ = h.Handle(context.Background(), msg(), &fake.Replier{})
	if called != 1 {
		t.Fatal("human message not handled")
	}
}

func TestLog(t *testing.T) {
	secret := "Failed password for root from 198.51.100.23 port 22"
	tests := []struct {
		name     string
		level    slog.Level
		err      error
		want     []string
		wantNone []string
	}{
		{"info hides text", slog.LevelInfo, nil,
			[]string{"msg=message", "platform=slack", "chat=C1", "user=U1", "cmd=ip", "len=51", "files=0", "dur="},
			[]string{"198.51.100.23", "password"}},
		{"debug shows text in a debug record", slog.LevelDebug, nil, []string{"level=DEBUG msg=\"message text\" platform=slack chat=C1 text=\"Failed password"}, nil},
		{"error code", slog.LevelInfo, &intel.Error{Code: intel.EQuota}, []string{"code=quota"}, []string{"password"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			logger, logs := testLogger(tc.level)
			h := bot.Chain(bot.HandlerFunc(func(context.Context, *bot.Message, bot.Replier) error {
				return tc.err
			}), bot.Log(logger))
			m := msg()
			m.Text = secret
			if err := h.Handle(context.Background(), m, &fake.Replier{}); !errors.Is(err, tc.err) {
				t.Errorf("Handle = %v, want %v", err, tc.err)
			}
			l := logs.String()
			if n := strings.Count(l, "level=INFO"); n != 1 {
				t.Errorf("%d log lines, want 1:\n%s", n, l)
			}
			for _, w := range tc.want {
				if !strings.Contains(l, w) {
					t.Errorf("log lacks %q:\n%s", w, l)
				}
			}
			for _, w := range tc.wantNone {
				if strings.Contains(l, w) {
					t.Errorf("log leaks %q:\n%s", w, l)
				}
			}
		})
	}
}

// blockUntilDone is a handler that waits for its context to end.
var blockUntilDone = bot.HandlerFunc(func(ctx context.Context, _ *bot.Message, _ bot.Replier) error {
	<-ctx.Done()
	return fmt.Errorf("lookup: %w", ctx.Err())
})

func TestTimeout(t *testing.T) {
	h := bot.Chain(blockUntilDone, bot.Timeout(time.Millisecond))
	err := h.Handle(context.Background(), msg(), &fake.Replier{})
	if intel.ErrorCode(err) != intel.EUpstream || !strings.Contains(intel.ErrorMessage(err), "处理超时") {
		t.Errorf("Handle = %v, want an EUpstream timeout", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout error %v does not wrap the cause", err)
	}

	// The parent ending is not a timeout: the error passes through.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h = bot.Chain(blockUntilDone, bot.Timeout(time.Hour))
	if err := h.Handle(ctx, msg(), &fake.Replier{}); !errors.Is(err, context.Canceled) || intel.ErrorCode(err) != intel.EInternal {
		t.Errorf("Handle after cancel = %v, want the context error", err)
	}

	// A fast handler is untouched.
	h = bot.Chain(bot.HandlerFunc(func(context.Context, *bot.Message, bot.Replier) error { return nil }), bot.Timeout(time.Hour))
	if err := h.Handle(context.Background(), msg(), &fake.Replier{}); err != nil {
		t.Errorf("fast handler: %v", err)
	}

	// The handler's context carries a deadline d from now, not later.
	h = bot.Chain(bot.HandlerFunc(func(ctx context.Context, _ *bot.Message, _ bot.Replier) error {
		if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > time.Minute {
			t.Errorf("deadline in %v (set %v), want at most 1m", time.Until(dl), ok)
		}
		return nil
	}), bot.Timeout(time.Minute))
	if err := h.Handle(context.Background(), msg(), &fake.Replier{}); err != nil {
		t.Errorf("deadline handler: %v", err)
	}
}

func TestLimit(t *testing.T) {
	const n, total = 3, 10
	var inside, maxInside atomic.Int32
	entered := make(chan struct{}, total)
	release := make(chan struct{})
	h := bot.Chain(bot.HandlerFunc(func(context.Context, *bot.Message, bot.Replier) error {
		cur := inside.Add(1)
		for {
			old := maxInside.Load()
			if cur <= old || maxInside.CompareAndSwap(old, cur) {
				break
			}
		}
		entered <- struct{}{}
		<-release
		inside.Add(-1)
		return nil
	}), bot.Limit(n))
	var wg sync.WaitGroup
	for range total {
		wg.Go(func() { _ = h.Handle(context.Background(), msg(), &fake.Replier{}) })
	}
	for range n {
		<-entered
	}
	select {
	case <-entered:
		t.Fatal("more than n handlers entered")
	default:
	}

	// A waiting message gives up when its context ends.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := h.Handle(ctx, msg(), &fake.Replier{}); !errors.Is(err, context.Canceled) {
		t.Errorf("waiting Handle = %v, want context.Canceled", err)
	}

	close(release)
	wg.Wait()
	if m := maxInside.Load(); m != n {
		t.Errorf("max concurrent %d, want %d", m, n)
	}
}
