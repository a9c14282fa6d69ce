package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tibot/bot/telegram/tgfake"
	"tibot/threatbook/threatbooktest"
)

// tgBuffer is a goroutine-safe writer for serve's logs.
type tgBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (b *tgBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns what was written.
func (b *tgBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// tgEnv is `tibot serve` with only Telegram configured, on tgfake, a fake
// ThreatBook and a temporary database.
type tgEnv struct {
	t      *testing.T
	tg     *tgfake.Server
	api    *threatbooktest.Server
	vars   map[string]string
	stderr *tgBuffer
}

// tgUser is the allowed analyst (tgfake.DefaultUser, TIBOT_ALLOW).
const tgUser = int64(1001)

func newTGEnv(t *testing.T, latency time.Duration) *tgEnv {
	t.Helper()
	tg := tgfake.New(t)
	api := threatbooktest.NewServer(threatbooktest.Options{DailyQuota: -1, Latency: latency})
	t.Cleanup(api.Close)
	return &tgEnv{t: t, tg: tg, api: api, stderr: &tgBuffer{}, vars: map[string]string{
		"THREATBOOK_API_KEYS":     "tg-key",
		"TIBOT_THREATBOOK_URL":    api.URL,
		"TIBOT_DB":                filepath.Join(t.TempDir(), "tibot.db"),
		"TIBOT_HTTP_ADDR":         "127.0.0.1:0",
		"TIBOT_KEY_DAILY_LIMIT":   "100000",
		"TIBOT_QUOTA_DEFAULT":     "100000",
		"TELEGRAM_BOT_TOKEN":      tgfake.Token,
		"TIBOT_TELEGRAM_API_URL":  tg.APIURL(),
		"TIBOT_TELEGRAM_FILE_URL": tg.FileURL(),
		"TIBOT_ALLOW":             fmt.Sprintf("telegram:%d", tgUser),
	}}
}

// start runs `tibot serve` (the real platform table) until the returned
// stop is called; stop returns the exit code. It waits until the bot
// polls Telegram.
func (e *tgEnv) start() (stop func() int) {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	polls := e.tg.Calls("getUpdates")
	s := stdio{getenv: func(k string) string { return e.vars[k] }, stdin: strings.NewReader(""),
		stdout: &tgBuffer{}, stderr: e.stderr}
	go func() { done <- s.serve(ctx, nil, serveDeps{platforms: defaultPlatforms(), now: time.Now}) }()
	var once sync.Once
	code := -1
	stop = func() int {
		once.Do(func() { cancel(); code = <-done })
		return code
	}
	e.t.Cleanup(func() { stop() })
	e.wait("the bot to poll", func() bool {
		select {
		case c := <-done:
			done <- c
			e.t.Fatalf("serve exited with %d:\n%s", c, e.stderr)
		default:
		}
		return e.tg.Calls("getUpdates") > polls
	})
	return stop
}

// wait waits (bounded) until cond holds on the fake.
func (e *tgEnv) wait(what string, cond func() bool) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := e.tg.WaitFor(ctx, cond); err != nil {
		e.t.Fatalf("waiting for %s: %v\nbot messages: %v\nlogs:\n%s", what, err, e.tg.BotMessages(tgUser), e.stderr)
	}
}

// replyTo returns the bot's messages answering user message id.
func (e *tgEnv) replyTo(chat int64, id int) []tgfake.Message {
	var out []tgfake.Message
	for _, m := range e.tg.BotMessages(chat) {
		if m.ReplyTo == id {
			out = append(out, m)
		}
	}
	return out
}

// tgLog is a firewall log of lines lines holding n unique public IPs.
func tgLog(t *testing.T, lines, n int) string {
	ips := publicAddrs(t, n)
	var b strings.Builder
	for k := range lines {
		fmt.Fprintf(&b, "Nov 27 05:%02d:%02d fw01 kernel: [UFW BLOCK] IN=eth0 SRC=%s DST=10.0.0.%d PROTO=TCP DPT=22\n",
			k/60%60, k%60, ips[k%n], k%200+1)
	}
	return b.String()
}
