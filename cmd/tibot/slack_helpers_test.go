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
