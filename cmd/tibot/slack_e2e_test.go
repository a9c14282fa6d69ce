package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"tibot/bot"
	"tibot/bot/slack/slackfake"
)

// Secrets the Slack end-to-end tests use; no output may contain them.
const (
	e2eBotToken = "xoxb-e2e-bot-secret"
	e2eAppToken = "xapp-e2e-app-secret"
	e2eSigning  = "e2e-signing-secret"
)

// slackServe is `tibot serve` running against slackfake and threatbooktest.
type slackServe struct {
	fake     *slackfake.Server
	env      *serveEnv
	platform bot.Platform
	addr     string // the HTTP listener
	cancel   context.CancelFunc
	done     chan int
}

// startSlackServe runs the real `tibot serve` wiring with the Slack
// variables in vars pointing at a fresh slackfake, until stop or the
// test's end.
func startSlackServe(t *testing.T, vars map[string]string) *slackServe {
	t.Helper()
	s := &slackServe{fake: slackfake.New(t), env: newServeEnv(t), done: make(chan int, 1)}
	for k, v := range map[string]string{"TIBOT_SLACK_API_URL": s.fake.APIURL,
		"TIBOT_QUOTA_DEFAULT": "100000", "TIBOT_KEY_DAILY_LIMIT": "100000"} {
		s.env.vars[k] = v
	}
	for k, v := range vars {
		s.env.vars[k] = v
	}
	built := make(chan bot.Platform, 1)
	build := func(cfg Config, log *slog.Logger) (bot.Platform, bot.Poster, bool, error) {
		p, poster, ok, err := slackPlatform(cfg, log)
		built <- p
		return p, poster, ok, err
	}
	addr := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() {
		s.done <- s.env.serve(ctx, serveDeps{platforms: []platformSpec{{"slack", "SLACK_BOT_TOKEN + SLACK_APP_TOKEN", build}},
			listening: func(a string) { addr <- a }})
	}()
	s.platform = <-built
	select {
	case s.addr = <-addr:
	case code := <-s.done:
		t.Fatalf("serve exited %d: %s", code, s.env.stderr.String())
	}
	t.Cleanup(func() { s.stop(t) })
	return s
}

// stop shuts serve down (handlers drained) and checks it exited cleanly
// without printing a secret.
func (s *slackServe) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case code, ok := <-s.done:
		if ok && code != exitOK {
			t.Errorf("serve exit %d: %s", code, s.env.stderr.String())
		}
		if ok {
			close(s.done)
			slackNoSecrets(t, s.env.stdout.String()+s.env.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func slackNoSecrets(t *testing.T, out string) {
	t.Helper()
	for _, secret := range []string{e2eBotToken, e2eAppToken, e2eSigning} {
		if strings.Contains(out, secret) {
			t.Errorf("output contains a secret: %s", out)
		}
	}
}

func slackCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// slackAnswered is the successful chat.postMessage calls to channel.
func slackAnswered(fake *slackfake.Server, channel string) []slackfake.Call {
	var out []slackfake.Call
	for _, c := range fake.Calls("chat.postMessage") {
		if c.Form.Get("channel") == channel && c.Error == "" {
			out = append(out, c)
		}
	}
	return out
}

// slackWaitAnswer waits until channel got a post whose blocks contain want.
func slackWaitAnswer(t *testing.T, ctx context.Context, fake *slackfake.Server, channel, want string) slackfake.Call {
	t.Helper()
	var hit slackfake.Call
	err := fake.Wait(ctx, func(*slackfake.Server) bool {
		for _, c := range slackAnswered(fake, channel) {
			if strings.Contains(string(c.Blocks), want) {
				hit = c
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("no post in %s containing %q: %v\ncalls: %+v", channel, want, err, fake.Calls(""))
	}
	return hit
}

func slackSend(t *testing.T, ctx context.Context, fake *slackfake.Server, env slackfake.Envelope) {
	t.Helper()
	if err := fake.Send(ctx, env); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.WaitAck(ctx, env.EnvelopeID); err != nil {
		t.Fatal(err)
	}
}

// slackPublicLog is a log of n lines, each with its own public IP.
func slackPublicLog(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "Jan 12 03:%02d:%02d fw01 sshd[%d]: Failed password for root from 45.%d.%d.%d port 22\n",
			i/60%60, i%60, 1000+i, 10+i/250, i%250, 7+i%200)
	}
	return b.String()
}

func TestSlackServeEndToEnd(t *testing.T) {
	s := startSlackServe(t, map[string]string{"SLACK_BOT_TOKEN": e2eBotToken, "SLACK_APP_TOKEN": e2eAppToken})
	fake, ctx := s.fake, slackCtx(t)
	if err := fake.WaitConnections(ctx, 1); err != nil {
		t.Fatalf("serve did not connect: %v\n%s", err, s.env.stderr.String())
	}

	// /ip: acknowledged within Slack's deadline (WaitAck), card in channel.
	slackSend(t, ctx, fake, fake.Slash("env-slash", "/ip", "8.8.8.8", "CSLASH", "U1"))
	card := slackWaitAnswer(t, ctx, fake, "CSLASH", "8.8.8.8")
	if card.Form.Get("thread_ts") != "" || card.Invalid != "" {
		t.Errorf("slash answer %+v", card)
	}
	cardTS := card.TS

	// Button: 深度分析 on that card → a deep-analysis card in its thread.
	slackSend(t, ctx, fake, fake.Action("env-deep", "CSLASH", "U1", cardTS, "deep", "8.8.8.8"))
	if deep := slackWaitAnswer(t, ctx, fake, "CSLASH", "微步在线 深度分析"); deep.Form.Get("thread_ts") != cardTS {
		t.Errorf("deep card thread %q, want %q", deep.Form.Get("thread_ts"), cardTS)
	}

	// Pasted 300-line log: thread reply, progress by chat.update, batch card.
	slackSend(t, ctx, fake, slackfake.Event("env-paste", "Ev-paste", slackfake.Message("CPASTE", "U1", "1700000100.000001", slackPublicLog(300))))
	if _, err := fake.WaitCalls(ctx, "chat.update", 1); err != nil {
		t.Fatal(err)
	}
	slackWaitUpdate(t, ctx, fake, "CPASTE", "批量研判")

	// File share (message + file_shared): one download, one batch card, one CSV.
	f := slackfake.File{ID: "F1", Name: "fw.log", Mimetype: "text/plain", Filetype: "text", Content: []byte(slackPublicLog(30))}
	fake.AddFile(f)
	slackSend(t, ctx, fake, slackfake.Event("env-f1", "Ev-f1", fake.FileShareMessage("CFILE", "U1", "1700000200.000001", f)))
	slackSend(t, ctx, fake, slackfake.Event("env-f2", "Ev-f2", slackfake.FileShared("CFILE", "U1", "F1")))
	slackWaitAnswer(t, ctx, fake, "CFILE", "批量研判")
	if _, err := fake.WaitCalls(ctx, "files.completeUploadExternal", 1); err != nil {
		t.Fatal(err)
	}

	// The same event delivered twice (a Socket Mode retry): answered once.
	dup := slackfake.Message("CDUP", "U1", "1700000300.000001", "8.8.4.4")
	retry := slackfake.Event("env-d2", "Ev-dup", dup)
	retry.RetryAttempt, retry.RetryReason = 1, "timeout"
	slackSend(t, ctx, fake, slackfake.Event("env-d1", "Ev-dup", dup))
	slackSend(t, ctx, fake, retry)
	slackWaitAnswer(t, ctx, fake, "CDUP", "8.8.4.4")

	// 429 on chat.postMessage: retried after Retry-After.
	fake.Fail("chat.postMessage", 1, slackfake.Fault{Status: 429, RetryAfter: 1})
	slackSend(t, ctx, fake, fake.Slash("env-429", "/ip", "1.1.1.1", "C429", "U1"))
	ok429 := slackWaitAnswer(t, ctx, fake, "C429", "1.1.1.1")

	// The websocket drops: the client reconnects and carries on.
	if err := fake.Drop(); err != nil {
		t.Fatal(err)
	}
	if err := fake.WaitConnections(ctx, 2); err != nil {
		t.Fatal(err)
	}
	slackSend(t, ctx, fake, fake.Slash("env-after", "/ip", "9.9.9.9", "CRECON", "U1"))
	slackWaitAnswer(t, ctx, fake, "CRECON", "9.9.9.9")

	s.stop(t) // drains handlers: every count below is final
	slackCheckCounts(t, fake, ok429)
}

// slackWaitUpdate waits for a chat.update in channel containing want.
func slackWaitUpdate(t *testing.T, ctx context.Context, fake *slackfake.Server, channel, want string) {
	t.Helper()
	err := fake.Wait(ctx, func(*slackfake.Server) bool {
		for _, c := range fake.Calls("chat.update") {
			if c.Form.Get("channel") == channel && c.Error == "" && strings.Contains(string(c.Blocks), want) {
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("no chat.update in %s with %q: %v", channel, want, err)
	}
}

// slackCheckCounts asserts the exact effects once every handler finished.
func slackCheckCounts(t *testing.T, fake *slackfake.Server, ok429 slackfake.Call) {
	t.Helper()
	for _, c := range fake.Calls("") {
		if c.Invalid != "" {
			t.Errorf("%s sent invalid blocks: %s", c.Method, c.Invalid)
		}
	}
	if n := len(slackAnswered(fake, "CDUP")); n != 1 {
		t.Errorf("duplicate event answered %d times", n)
	}
	paste := slackAnswered(fake, "CPASTE")
	for _, c := range paste {
		if c.Form.Get("thread_ts") != "1700000100.000001" {
			t.Errorf("paste answer outside the thread: %+v", c.Form)
		}
	}
	if len(paste) != 1 {
		t.Errorf("paste: %d posts, want 1 progress message edited into the answer", len(paste))
	}
	if n := len(slackAnswered(fake, "CFILE")); n != 1 {
		t.Errorf("file answered %d times, want once", n)
	}
	var downloads, limited int
	for _, c := range fake.Calls("") {
		switch {
		case c.Method == "download":
			downloads++
		case c.Method == "chat.postMessage" && c.Error == "ratelimited":
			limited++
			if d := ok429.At.Sub(c.At); d < time.Second {
				t.Errorf("retried %v after the 429, want ≥ Retry-After (1 s)", d)
			}
		}
	}
	if downloads != 1 || limited != 1 {
		t.Errorf("%d downloads (want 1), %d rate-limited posts (want 1)", downloads, limited)
	}
	uploads := map[string][]string{} // channel → thread of each CSV
	for _, c := range fake.Calls("files.completeUploadExternal") {
		uploads[c.Form.Get("channel_id")] = append(uploads[c.Form.Get("channel_id")], c.Form.Get("thread_ts"))
	}
	if got := fmt.Sprint(uploads["CFILE"], uploads["CPASTE"]); got != "[1700000200.000001] [1700000100.000001]" {
		t.Errorf("CSV uploads (file, paste) in threads %s, want one each in the message's thread", got)
	}
}

func TestSlackServeRefusesBadConfig(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		want string
		args []string
	}{
		{"app token without bot token", map[string]string{"SLACK_APP_TOKEN": e2eAppToken}, "SLACK_BOT_TOKEN", nil},
		{"malformed bot token", map[string]string{"SLACK_BOT_TOKEN": "xoxp-e2e-app-secret", "SLACK_APP_TOKEN": e2eAppToken}, "SLACK_BOT_TOKEN", nil},
		{"malformed app token", map[string]string{"SLACK_BOT_TOKEN": e2eBotToken, "SLACK_APP_TOKEN": "xoxb-e2e-app-secret"}, "SLACK_APP_TOKEN", nil},
		{"bot token alone", map[string]string{"SLACK_BOT_TOKEN": e2eBotToken}, "SLACK_APP_TOKEN", nil},
		{"http mode without listener", map[string]string{"SLACK_BOT_TOKEN": e2eBotToken, "SLACK_SIGNING_SECRET": e2eSigning},
			"TIBOT_HTTP_ADDR", []string{"--http-addr="}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newServeEnv(t)
			for k, v := range tc.vars {
				e.vars[k] = v
			}
			code := e.serve(context.Background(), serveDeps{platforms: defaultPlatforms()}, tc.args...)
			out := e.stderr.String()
			if code != exitUsage || !strings.Contains(out, tc.want) {
				t.Fatalf("exit %d, stderr %q: want exit 2 naming %s", code, out, tc.want)
			}
			slackNoSecrets(t, out+e.stdout.String())
		})
	}
}

func TestSlackServeConnectsWithDefaultPlatforms(t *testing.T) {
	fake := slackfake.New(t)
	e := newServeEnv(t)
	e.vars["SLACK_BOT_TOKEN"], e.vars["SLACK_APP_TOKEN"], e.vars["TIBOT_SLACK_API_URL"] = e2eBotToken, e2eAppToken, fake.APIURL
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- e.serve(ctx, serveDeps{platforms: defaultPlatforms()}) }()
	err := fake.WaitConnections(slackCtx(t), 1)
	cancel()
	code := <-done
	if err != nil || code != exitOK {
		t.Fatalf("connect: %v, exit %d, stderr %s", err, code, e.stderr.String())
	}
	if calls := fake.Calls("auth.test"); len(calls) != 1 || calls[0].Token != "xoxb" {
		t.Errorf("auth.test calls %+v", calls)
	}
	slackNoSecrets(t, e.stderr.String())
}

// slackSigned builds a Slack-signed request.
func slackSigned(t *testing.T, secret string, at time.Time, target, body string) *http.Request {
	t.Helper()
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	io.WriteString(mac, "v0:"+ts+":"+body)
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	req.RequestURI = ""
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return req
}

func TestSlackServeHTTPMode(t *testing.T) {
	s := startSlackServe(t, map[string]string{"SLACK_BOT_TOKEN": e2eBotToken, "SLACK_SIGNING_SECRET": e2eSigning})
	ctx := slackCtx(t)
	body := url.Values{"command": {"/ip"}, "text": {"8.8.8.8"}, "channel_id": {"CHTTP"}, "user_id": {"U1"},
		"team_id": {slackfake.TeamID}, "response_url": {s.fake.ResponseURL()}}.Encode()
	for _, tc := range []struct {
		name   string
		secret string
		at     time.Time
		status int
	}{
		{"wrong secret", "not-the-secret", time.Now(), http.StatusUnauthorized},
		{"stale", e2eSigning, time.Now().Add(-10 * time.Minute), http.StatusUnauthorized},
		{"valid", e2eSigning, time.Now(), http.StatusOK},
	} {
		var status int
		slackPoll(t, func() bool { // 503 until Listen is up
			resp, err := http.DefaultClient.Do(slackSigned(t, tc.secret, tc.at, "http://"+s.addr+"/slack/commands", body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			status = resp.StatusCode
			return status != http.StatusServiceUnavailable
		})
		if status != tc.status {
			t.Fatalf("%s: status %d, want %d", tc.name, status, tc.status)
		}
	}
	slackWaitAnswer(t, ctx, s.fake, "CHTTP", "8.8.8.8")
	s.stop(t)
	if n := len(slackAnswered(s.fake, "CHTTP")); n != 1 {
		t.Errorf("%d answers, want 1 (refused requests must not be handled)", n)
	}
}

// slackPoll polls cond every few milliseconds for up to 10 s.
func slackPoll(t *testing.T, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatal("condition not met within 10 s")
		}
	}
}
