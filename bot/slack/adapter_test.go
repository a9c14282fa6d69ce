package slack

import (
	"context"
	"encoding/json"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"
	"github.com/slack-go/slack/socketmode"

	"tibot/bot"
	"tibot/bot/slack/slackfake"
	"tibot/card"
	tfake "tibot/internal/fake"
)

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string // "" = ok
		mode    string
	}{
		{"socket", Config{BotToken: "xoxb-1", AppToken: "xapp-1"}, "", ModeSocket},
		{"http", Config{BotToken: "xoxb-1", SigningSecret: "s"}, "", ModeHTTP},
		{"both prefers socket", Config{BotToken: "xoxb-1", AppToken: "xapp-1", SigningSecret: "s"}, "", ModeSocket},
		{"missing bot token", Config{AppToken: "xapp-1"}, "SLACK_BOT_TOKEN", ""},
		{"user token as bot token", Config{BotToken: "xoxp-secret-value", AppToken: "xapp-1"}, "SLACK_BOT_TOKEN", ""},
		{"bot token as app token", Config{BotToken: "xoxb-1", AppToken: "xoxb-secret-value"}, "SLACK_APP_TOKEN", ""},
		{"nothing for a mode", Config{BotToken: "xoxb-1"}, "SLACK_APP_TOKEN", ""},
		{"http without secret", Config{BotToken: "xoxb-1", Mode: ModeHTTP}, "SLACK_SIGNING_SECRET", ""},
		{"bad mode", Config{BotToken: "xoxb-1", Mode: "rtm"}, "rtm", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := New(tc.cfg, nil)
			if tc.wantErr == "" {
				if err != nil || a.Mode() != tc.mode {
					t.Fatalf("New = %v, mode %v", err, a)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to name %s", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "secret-value") {
				t.Errorf("error leaks the token: %v", err)
			}
		})
	}
}

// running is an adapter's Listen in progress.
type running struct {
	a      *Adapter
	cancel context.CancelFunc
	done   chan struct{}
	err    error
}

// wait returns Listen's result, failing the test if it keeps running.
func (r *running) wait(t *testing.T) error {
	t.Helper()
	select {
	case <-r.done:
		return r.err
	case <-time.After(10 * time.Second):
		t.Fatal("Listen did not return")
		return nil
	}
}

// listen runs a real adapter against fake until the test ends.
func listen(t *testing.T, fake *slackfake.Server, h bot.Handler, cfg Config) *running {
	t.Helper()
	cfg.BotToken, cfg.APIURL = "xoxb-test", fake.APIURL
	if cfg.Mode != ModeHTTP {
		cfg.AppToken = "xapp-test"
	}
	a, err := New(cfg, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{a: a, cancel: cancel, done: make(chan struct{})}
	go func() { r.err = a.Listen(ctx, h); close(r.done) }()
	t.Cleanup(func() { cancel(); _ = r.wait(t) })
	return r
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestSocketModeEndToEnd(t *testing.T) {
	fake := slackfake.New(t)
	h := newRecorder()
	listen(t, fake, h, Config{})
	ctx := waitCtx(t)

	if err := fake.Send(ctx, fake.Slash("env-1", "/ip", "198.51.100.23", "C1", "U1")); err != nil {
		t.Fatal(err)
	}
	ack, err := fake.WaitAck(ctx, "env-1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ack.Payload), `"ephemeral"`) {
		t.Errorf("slash ack payload %s", ack.Payload)
	}
	if m := h.next(t); m.Command != "ip" || m.Text != "198.51.100.23" {
		t.Errorf("message %+v", m)
	}
	posts, err := fake.WaitCalls(ctx, "chat.postMessage", 1)
	if err != nil {
		t.Fatal(err)
	}
	if p := posts[0]; p.Form.Get("channel") != "C1" || p.Invalid != "" || p.Error != "" || p.Token != "xoxb" {
		t.Errorf("post %+v", p)
	}

	// Slack asks for a reconnect, then the connection drops: both recover.
	for i, cut := range []func() error{fake.Disconnect, fake.Drop} {
		if err := cut(); err != nil {
			t.Fatal(err)
		}
		if err := fake.WaitConnections(ctx, i+2); err != nil {
			t.Fatal(err)
		}
		id := "env-r" + string(rune('1'+i))
		if err := fake.Send(ctx, slackfake.Event(id, "Ev-r"+id, slackfake.Message("C1", "U1", "2."+id, "1.2.3.4"))); err != nil {
			t.Fatal(err)
		}
		if _, err := fake.WaitAck(ctx, id); err != nil {
			t.Fatal(err)
		}
		h.next(t)
	}
}

func TestSocketModeDedupeAndDrain(t *testing.T) {
	fake := slackfake.New(t)
	h := newRecorder()
	run := listen(t, fake, h, Config{})
	ctx := waitCtx(t)
	msg := slackfake.Message("C1", "U1", "1.1", "1.2.3.4")
	retry := slackfake.Event("env-2", "Ev1", msg)
	retry.RetryAttempt, retry.RetryReason = 1, "timeout"
	for _, env := range []slackfake.Envelope{slackfake.Event("env-1", "Ev1", msg), retry, slackfake.Event("env-1", "Ev1", msg),
		slackfake.Event("env-3", "Ev3", slackfake.Message("C1", "U1", "1.3", "5.6.7.8"))} {
		if err := fake.Send(ctx, env); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"env-1", "env-2", "env-3"} {
		if _, err := fake.WaitAck(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	h.next(t)
	h.next(t)
	run.cancel()
	if err := run.wait(t); err != nil {
		t.Fatalf("Listen = %v after cancel, want nil", err)
	}
	if n := len(fake.Calls("chat.postMessage")); n != 2 {
		t.Errorf("%d replies, want 2 (duplicate answered once)", n)
	}
}

func TestSocketModeRateLimitFilesAndButtons(t *testing.T) {
	fake := slackfake.New(t)
	fake.AddFile(slackfake.File{ID: "F1", Name: "fw.log", Mimetype: "text/plain", Filetype: "text", Content: []byte("src=198.51.100.7\n")})
	got := make(chan string, 4)
	h := newRecorder()
	h.with = func(ctx context.Context, m *bot.Message, r bot.Replier) error {
		if len(m.Files) == 1 {
			rc, err := m.Files[0].Open(ctx)
			if err != nil {
				return err
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			got <- string(b)
		}
		ref, err := r.Reply(ctx, card.Card{Title: "answer", Actions: []card.Action{{ID: "deep", Label: "深度分析", Value: "198.51.100.7"}}})
		if err == nil {
			err = r.(bot.Uploader).Upload(ctx, card.Attachment{Name: "r.csv", MIME: "text/csv", Data: []byte("ip\n")}, "")
		}
		got <- ref.ID
		return err
	}
	listen(t, fake, h, Config{})
	ctx := waitCtx(t)
	fake.Fail("chat.postMessage", 1, slackfake.Fault{Status: 429, RetryAfter: 1})
	start := time.Now()
	if err := fake.Send(ctx, slackfake.Event("env-f", "EvF", slackfake.FileShared("C1", "U1", "F1"))); err != nil {
		t.Fatal(err)
	}
	if m := h.next(t); len(m.Files) != 1 || m.Files[0].Name != "fw.log" {
		t.Fatalf("file message %+v", m)
	}
	if body := <-got; body != "src=198.51.100.7\n" {
		t.Errorf("downloaded %q", body)
	}
	<-got
	if d := time.Since(start); d < time.Second {
		t.Errorf("reply after %v, want the 1 s Retry-After honoured", d)
	}
	if n := len(fake.Calls("chat.postMessage")); n != 2 {
		t.Errorf("%d postMessage calls, want 2 (429 then retry)", n)
	}
	if ups, err := fake.WaitCalls(ctx, "files.completeUploadExternal", 1); err != nil || ups[0].Error != "" {
		t.Fatalf("upload: %v %+v", err, ups)
	}
	if err := fake.Send(ctx, fake.Action("env-b", "C1", "U1", "1700000000.000002", "deep", "198.51.100.7")); err != nil {
		t.Fatal(err)
	}
	if m := h.next(t); m.Action == nil || m.Action.ID != "deep" || m.Action.Value != "198.51.100.7" || m.Action.Ref.ID != "1700000000.000002" {
		t.Errorf("action message %+v", m)
	}
}

func TestListenRefusedToken(t *testing.T) {
	for _, tc := range []struct{ method, want string }{
		{"auth.test", "SLACK_BOT_TOKEN"},
		{"apps.connections.open", "SLACK_APP_TOKEN"},
	} {
		t.Run(tc.method, func(t *testing.T) {
			fake := slackfake.New(t)
			fake.Fail(tc.method, 1, slackfake.Fault{Error: "invalid_auth"})
			err := listen(t, fake, newRecorder(), Config{}).wait(t)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Listen = %v, want an error naming %s", err, tc.want)
			}
		})
	}
}

// TestPosterAgainstSlacktest is a smoke test of Post against slack-go's
// own slacktest server (its chat.postMessage).
func TestPosterAgainstSlacktest(t *testing.T) {
	srv := newSlacktest(t)
	a, err := New(Config{BotToken: "xoxb-test", AppToken: "xapp-test", APIURL: srv.GetAPIURL()}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := a.Post(context.Background(), bot.Target{Chat: "C1"}, card.Examples(card.ExampleNow())[0].Card)
	if err != nil || ref.ID == "" || ref.Chat != "C1" {
		t.Fatalf("Post = %+v, %v", ref, err)
	}
}

func TestAckPayloadSize(t *testing.T) {
	a, _ := testAdapter(t)
	raw, _ := json.Marshal(a.ackPayload(slashEvent()))
	if len(raw) >= 20*1024 || !strings.Contains(string(raw), "ephemeral") {
		t.Errorf("ack payload %s", raw)
	}
	a.cfg.AckText = "-"
	if p := a.ackPayload(slashEvent()); p != nil {
		t.Errorf("silent ack has payload %v", p)
	}
}

func slashEvent() socketmode.Event {
	return socketmode.Event{Type: socketmode.EventTypeSlashCommand, Request: &socketmode.Request{EnvelopeID: "e1"}}
}

// newSlacktest starts slack-go's slacktest server for the test.
func newSlacktest(t *testing.T) *slacktest.Server {
	srv := slacktest.NewTestServer()
	srv.Start()
	t.Cleanup(srv.Stop)
	return srv
}

// TestListenLeavesNoGoroutines checks that after Listen returns nothing of
// the adapter or of slack-go's Socket Mode client is still running, even
// after a reconnect.
func TestListenLeavesNoGoroutines(t *testing.T) {
	fake := slackfake.New(t)
	h := newRecorder()
	run := listen(t, fake, h, Config{})
	ctx := waitCtx(t)
	if err := fake.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := fake.Disconnect(); err != nil {
		t.Fatal(err)
	}
	if err := fake.Send(ctx, fake.Slash("env-1", "/ip", "8.8.8.8", "C1", "U1")); err != nil {
		t.Fatal(err)
	}
	h.next(t)
	ours := func() bool {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		return strings.Contains(stacks, "slack-go/slack/socketmode.") || strings.Contains(stacks, "tibot/bot/slack.(*")
	}
	if !ours() {
		t.Fatal("no adapter goroutine seen while listening: the check below would prove nothing")
	}
	run.cancel()
	if err := run.wait(t); err != nil {
		t.Fatal(err)
	}
	tfake.Eventually(t, func() bool { return !ours() })
}
