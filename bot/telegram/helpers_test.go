package telegram

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"tibot/bot"
	"tibot/bot/telegram/tgfake"
	"tibot/card"
	"tibot/internal/fake"
)

// fastConfig points an adapter at the fake, unpaced, with short polls.
func fastConfig(f *tgfake.Server) Config {
	return Config{
		Token: tgfake.Token, APIURL: f.APIURL(), FileURL: f.FileURL(),
		PollTimeout: 2 * time.Second, DrainTimeout: 5 * time.Second,
		ChatPace: Pace{Every: -1}, GroupPace: Pace{Every: -1},
		Commands: []Command{{Name: "ip", Description: "查询 IP 的威胁情报"}, {Name: "help", Description: "帮助"}},
	}
}

// newTestAdapter builds an adapter with a recording log and no real waits
// for retries (the waits are recorded).
func newTestAdapter(t *testing.T, cfg Config) (*Adapter, *fake.LogBuffer, *[]time.Duration) {
	t.Helper()
	logs := &fake.LogBuffer{}
	a, err := New(cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	waits := &[]time.Duration{}
	a.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		*waits = append(*waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	return a, logs, waits
}

// recorder is a bot.Handler that records messages and runs an optional
// reaction.
type recorder struct {
	mu    sync.Mutex
	msgs  []*bot.Message
	react func(ctx context.Context, m *bot.Message, r bot.Replier) error
}

func (h *recorder) Handle(ctx context.Context, m *bot.Message, r bot.Replier) error {
	h.mu.Lock()
	h.msgs = append(h.msgs, m)
	react := h.react
	h.mu.Unlock()
	if react != nil {
		return react(ctx, m, r)
	}
	return nil
}

func (h *recorder) messages() []*bot.Message {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*bot.Message(nil), h.msgs...)
}

// listen runs a.Listen in the background; the returned stop cancels it
// and waits for it to return.
func listen(t *testing.T, a *Adapter, h bot.Handler) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Listen(ctx, h) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() { cancel(); err = <-done })
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// waitFor waits up to 10 s for pred on the fake.
func waitFor(t *testing.T, f *tgfake.Server, what string, pred func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f.WaitFor(ctx, pred); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

// waitUntil polls cond (bounded) for state outside the fake.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// verdictCard is a small card with buttons.
func verdictCard(ip string) card.Card {
	return card.Card{Tone: card.ToneDanger, Title: "恶意 IP  " + ip,
		Fields: []card.Field{{Label: "结论", Value: "恶意 <b>&"}},
		Actions: []card.Action{{ID: "report", Label: "查看微步报告", URL: "https://x.threatbook.com/v5/ip/" + ip},
			{ID: card.ActionDeep, Label: "深度分析", Value: ip}}}
}
