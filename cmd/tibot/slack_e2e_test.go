package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tibot/bot/slack/slackfake"
	tfake "tibot/internal/fake"
)

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
		tfake.Eventually(t, func() bool { // 503 until Listen is up
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
