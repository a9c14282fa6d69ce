package bot_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tibot/bot"
	"tibot/card"
	"tibot/intel"
	"tibot/internal/fake"
)

// scripted answers by message text: "panic", "fail", "invalid", anything
// else is echoed.
var scripted = bot.HandlerFunc(func(ctx context.Context, m *bot.Message, r bot.Replier) error {
	switch m.Text {
	case "panic":
		panic("scripted panic")
	case "fail":
		return &intel.Error{Code: intel.EUpstream}
	case "invalid":
		return &intel.Error{Code: intel.EInvalid, Message: "用法: /ip <IP…>"}
	case "slow":
		<-ctx.Done()
		return ctx.Err()
	}
	_, err := r.Reply(ctx, card.Plain("echo "+m.Text))
	return err
})

func TestServe(t *testing.T) {
	before := runtime.NumGoroutine()
	p := &fake.Platform{PlatformName: "telegram", Messages: []*bot.Message{
		{Platform: "telegram", User: "100", Chat: "100", Text: "hello"},
		{Platform: "telegram", User: "100", Chat: "100", Text: "panic"},
		{Platform: "telegram", User: "100", Chat: "100", Text: "fail"},
		{Platform: "telegram", User: "100", Chat: "100", Text: "invalid"},
		{Platform: "telegram", User: "100", Chat: "100", Text: "slow"},
		{Platform: "telegram", User: "100", Chat: "100", Text: "bot", FromBot: true},
		{Platform: "telegram", User: "7", Chat: "7", Command: "ip", Text: "hello"},
	}}
	o := bot.ServeOptions{Access: &bot.Access{Allow: []string{"telegram:100"}}, Timeout: time.Second}
	if err := bot.Serve(context.Background(), p, scripted, o); err != nil {
		t.Fatalf("Serve = %v", err)
	}
	want := []string{
		"reply r1: echo hello",
		"reply r1: ⚠️ 内部错误 (参考编号 ",
		"reply r1: ⚠️ 查询失败\n威胁情报服务暂时不可用",
		"ephemeral: ⚠️ 输入有误\n用法: /ip <IP…>",
		"reply r1: ⚠️ 查询失败\n处理超时",
		"",
		"ephemeral: ⛔ 未授权\n你还没有使用 tibot 的权限。\n请把 telegram:7",
	}
	for i, w := range want {
		log := p.Replier(i).Log()
		switch {
		case w == "" && len(log) != 0:
			t.Errorf("message %d: unexpected %q", i, log)
		case w != "" && (len(log) != 1 || !strings.HasPrefix(log[0], w)):
			t.Errorf("message %d: got %q, want one starting with %q", i, log, w)
		}
	}
	for i, err := range p.Errors() {
		if err != nil {
			t.Errorf("message %d: handler error %v reached the platform", i, err)
		}
	}
	settle(t, before)
}

func TestServeShutdown(t *testing.T) {
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	h := bot.HandlerFunc(func(ctx context.Context, m *bot.Message, r bot.Replier) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	p := &fake.Platform{Hold: true, Messages: []*bot.Message{{Platform: "console", Text: "x"}}}
	done := make(chan error)
	go func() { done <- bot.Serve(ctx, p, h, bot.ServeOptions{}) }()
	<-started
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve after cancel = %v, want nil", err)
	}
	if log := p.Replier(0).Log(); len(log) != 0 {
		t.Errorf("replied during shutdown: %q", log)
	}
	settle(t, before)
}

// failingPlatform fails to connect.
type failingPlatform struct{ err error }

func (f failingPlatform) Name() string                              { return "broken" }
func (f failingPlatform) Listen(context.Context, bot.Handler) error { return f.err }

func TestServeListenError(t *testing.T) {
	want := errors.New("dial: connection refused")
	if err := bot.Serve(context.Background(), failingPlatform{want}, scripted, bot.ServeOptions{}); !errors.Is(err, want) {
		t.Errorf("Serve = %v, want %v", err, want)
	}
}

func TestServeBoundsConcurrency(t *testing.T) {
	const limit, total = 2, 6
	var inside, peak atomic.Int32
	entered := make(chan struct{}, total)
	release := make(chan struct{})
	h := bot.HandlerFunc(func(ctx context.Context, m *bot.Message, r bot.Replier) error {
		n := inside.Add(1)
		if n > peak.Load() {
			peak.Store(n) // only grows while at most limit run; a race here would only lower it
		}
		entered <- struct{}{}
		<-release
		inside.Add(-1)
		return nil
	})
	p := &fake.Platform{}
	for range total {
		p.Messages = append(p.Messages, &bot.Message{Platform: "console", Text: "x"})
	}
	done := make(chan error)
	go func() { done <- bot.Serve(context.Background(), p, h, bot.ServeOptions{MaxConcurrent: limit}) }()
	for range limit {
		<-entered
	}
	select {
	case <-entered:
		t.Fatal("more handlers than MaxConcurrent entered")
	default:
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := peak.Load(); got > limit {
		t.Errorf("peak concurrency %d > %d", got, limit)
	}
}

// settle fails the test when goroutines started during it are still
// running once the scheduler has had a chance to retire them.
func settle(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if runtime.NumGoroutine() <= before {
			return
		}
		runtime.Gosched()
	}
	buf := make([]byte, 1<<16)
	t.Errorf("goroutines: %d before, %d after\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
}
