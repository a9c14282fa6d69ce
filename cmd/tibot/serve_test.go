package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tibot/bot"
	"tibot/card"
	"tibot/internal/fake"
	"tibot/threatbook/threatbooktest"
)

// serveEnv is `tibot serve` with its environment in a map.
type serveEnv struct {
	vars           map[string]string
	stdout, stderr bytes.Buffer
}

func newServeEnv(t *testing.T) *serveEnv {
	t.Helper()
	api := threatbooktest.NewServer(threatbooktest.Options{DailyQuota: -1})
	t.Cleanup(api.Close)
	return &serveEnv{vars: map[string]string{
		"THREATBOOK_API_KEYS":  "serve-key",
		"TIBOT_THREATBOOK_URL": api.URL,
		"TIBOT_DB":             filepath.Join(t.TempDir(), "tibot.db"),
		"TIBOT_HTTP_ADDR":      "127.0.0.1:0",
	}}
}

func (e *serveEnv) serve(ctx context.Context, d serveDeps, args ...string) int {
	if d.now == nil {
		d.now = time.Now
	}
	s := stdio{getenv: func(k string) string { return e.vars[k] }, stdin: strings.NewReader(""), stdout: &e.stdout, stderr: &e.stderr}
	return s.serve(ctx, args, d)
}

func TestServeWithoutPlatformsExplains(t *testing.T) {
	e := newServeEnv(t)
	notConfigured := func(Config, *slog.Logger) (bot.Platform, bot.Poster, bool, error) { return nil, nil, false, nil }
	d := serveDeps{platforms: []platformSpec{
		{"slack", "SLACK_BOT_TOKEN + SLACK_APP_TOKEN", notConfigured},
		{"telegram", "TELEGRAM_BOT_TOKEN", notConfigured},
	}}
	if code := e.serve(context.Background(), d); code != exitUsage {
		t.Fatalf("exit %d, want 2", code)
	}
	for _, v := range []string{"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "TELEGRAM_BOT_TOKEN", "no chat platform configured"} {
		if !strings.Contains(e.stderr.String(), v) {
			t.Errorf("stderr lacks %q: %s", v, e.stderr.String())
		}
	}
}

func TestServePlatformConfigErrorNamesVariables(t *testing.T) {
	e := newServeEnv(t)
	bad := func(Config, *slog.Logger) (bot.Platform, bot.Poster, bool, error) {
		return nil, nil, false, errors.New("SLACK_APP_TOKEN must start with xapp-")
	}
	code := e.serve(context.Background(), serveDeps{platforms: []platformSpec{{"slack", "SLACK_BOT_TOKEN + SLACK_APP_TOKEN", bad}}})
	if code != exitUsage || !strings.Contains(e.stderr.String(), "slack (SLACK_BOT_TOKEN + SLACK_APP_TOKEN): SLACK_APP_TOKEN must start with xapp-") {
		t.Fatalf("exit %d, stderr %s", code, e.stderr.String())
	}
}

// failingPlatform fails to connect.
type failingPlatform struct{}

func (failingPlatform) Name() string { return "telegram" }
func (failingPlatform) Listen(ctx context.Context, h bot.Handler) error {
	return errors.New("getMe: 401 Unauthorized")
}

func TestServePlatformFailureStopsWithItsVariable(t *testing.T) {
	e := newServeEnv(t)
	build := func(Config, *slog.Logger) (bot.Platform, bot.Poster, bool, error) {
		return failingPlatform{}, nil, true, nil
	}
	code := e.serve(context.Background(), serveDeps{platforms: []platformSpec{{"telegram", "TELEGRAM_BOT_TOKEN", build}}})
	if code != exitFailed || !strings.Contains(e.stderr.String(), "telegram stopped (check TELEGRAM_BOT_TOKEN): getMe: 401 Unauthorized") {
		t.Fatalf("exit %d, stderr %s", code, e.stderr.String())
	}
}

// onePlatform handles one message, signals it, then stays connected until
// ctx ends.
type onePlatform struct {
	m       *bot.Message
	r       *fake.Replier
	handled chan struct{}
}

func (p *onePlatform) Name() string { return "slack" }

// WebhookPath and WebhookHandler make onePlatform a webhook platform.
func (p *onePlatform) WebhookPath() string { return "/hook/test" }

func (p *onePlatform) WebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "hook") })
}

func (p *onePlatform) Listen(ctx context.Context, h bot.Handler) error {
	_ = h.Handle(ctx, p.m, p.r)
	close(p.handled)
	<-ctx.Done()
	return ctx.Err()
}

func TestServeHandlesMessagesAndServesHTTP(t *testing.T) {
	e := newServeEnv(t)
	p := &onePlatform{m: &bot.Message{Platform: "slack", Chat: "C1", ID: "1.1", User: "U1", Text: "/ip 8.8.8.8"},
		r: &fake.Replier{}, handled: make(chan struct{})}
	poster := &fake.Poster{}
	build := func(Config, *slog.Logger) (bot.Platform, bot.Poster, bool, error) { return p, poster, true, nil }
	addrc := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- e.serve(ctx, serveDeps{platforms: []platformSpec{{"slack", "SLACK_BOT_TOKEN", build}},
			listening: func(a string) { addrc <- a }})
	}()
	addr := <-addrc
	<-p.handled
	if got := httpGet(t, "http://"+addr+"/healthz"); got != "ok\n" {
		t.Errorf("/healthz = %q", got)
	}
	if got := httpGet(t, "http://"+addr+"/hook/test"); got != "hook" {
		t.Errorf("webhook route = %q", got)
	}
	metrics := httpGet(t, "http://"+addr+"/metrics")
	for _, want := range []string{
		"# TYPE tibot_messages_total counter", `tibot_messages_total{platform="slack"} 1`,
		`tibot_lookups_total{result="live"} 1`, `tibot_lookups_total{result="cached"} 0`, "tibot_quota_denied_total 0",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, metrics)
		}
	}
	if rs := p.r.Replies(); len(rs) != 1 || !strings.Contains(card.Text(rs[0]), "8.8.8.8") {
		t.Errorf("replies = %v", p.r.Texts())
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("exit %d after shutdown, stderr %s", code, e.stderr.String())
	}
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return string(b)
}

func TestMetricsText(t *testing.T) {
	m := newMetrics()
	m.lookupsLive.Add(3)
	m.quotaDenied.Add(2)
	h := m.handler(bot.HandlerFunc(func(ctx context.Context, msg *bot.Message, r bot.Replier) error {
		if msg.Text == "bad" {
			return errors.New("boom")
		}
		return nil
	}))
	for _, text := range []string{"ok", "bad", "ok"} {
		_ = h.Handle(context.Background(), &bot.Message{Platform: "telegram", Text: text}, &fake.Replier{})
	}
	var b strings.Builder
	m.write(&b)
	want := `# HELP tibot_lookups_total IP lookups answered, by result (live = one quota unit each).
# TYPE tibot_lookups_total counter
tibot_lookups_total{result="live"} 3
tibot_lookups_total{result="cached"} 0
tibot_lookups_total{result="failed"} 0
tibot_lookups_total{result="deferred"} 0
# HELP tibot_quota_denied_total IP addresses not looked up because the user's daily quota was spent.
# TYPE tibot_quota_denied_total counter
tibot_quota_denied_total 2
# HELP tibot_deep_lookups_total Successful deep analyses.
# TYPE tibot_deep_lookups_total counter
tibot_deep_lookups_total 0
# HELP tibot_messages_total Chat messages handled, by platform.
# TYPE tibot_messages_total counter
tibot_messages_total{platform="telegram"} 3
# HELP tibot_errors_total Handler errors shown to users, by error code.
# TYPE tibot_errors_total counter
tibot_errors_total{code="internal"} 1
`
	if b.String() != want {
		t.Errorf("metrics:\n%s\nwant:\n%s", b.String(), want)
	}
}
