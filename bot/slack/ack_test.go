package slack

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"tibot/bot"
	"tibot/bot/slack/slackfake"
	tfake "tibot/internal/fake"
)

// blockingRecorder is a recorder whose handler holds every message until
// release is closed (or its context ends).
func blockingRecorder() (*recorder, chan struct{}) {
	release := make(chan struct{})
	h := newRecorder()
	h.with = func(ctx context.Context, _ *bot.Message, _ bot.Replier) error {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	}
	return h, release
}

// TestAckBeforeHandling: every Socket Mode envelope is acknowledged while
// its handler is still running, so slow lookups never miss Slack's 3 s
// deadline (a late ack makes Slack redeliver).
func TestAckBeforeHandling(t *testing.T) {
	fake := slackfake.New(t)
	h, release := blockingRecorder()
	defer close(release)
	listen(t, fake, h, Config{})
	ctx := waitCtx(t)
	for _, env := range []slackfake.Envelope{
		fake.Slash("env-s", "/ip", "8.8.8.8", "C1", "U1"),
		slackfake.Event("env-e", "EvA", slackfake.Message("C1", "U1", "1.1", "1.2.3.4")),
		fake.Action("env-a", "C1", "U1", "1.1", "deep", "1.2.3.4"),
	} {
		if err := fake.Send(ctx, env); err != nil {
			t.Fatal(err)
		}
		h.next(t) // the handler has started and is now blocked
		if _, err := fake.WaitAck(ctx, env.EnvelopeID); err != nil {
			t.Fatalf("%s not acknowledged while its handler runs: %v", env.EnvelopeID, err)
		}
	}
}

// TestHTTPAnswersBeforeHandling: in HTTP mode the response (the ack) is
// sent while the handler is still running.
func TestHTTPAnswersBeforeHandling(t *testing.T) {
	fake := slackfake.New(t)
	h, release := blockingRecorder()
	defer close(release)
	run := listen(t, fake, h, Config{Mode: ModeHTTP, SigningSecret: testSecret})
	tfake.Eventually(t, func() bool { return run.a.handler.Load() != nil })
	srv := httptest.NewServer(run.a.HTTPHandler())
	t.Cleanup(srv.Close)
	body := url.Values{"command": {"/ip"}, "text": {"8.8.8.8"}, "channel_id": {"C1"}, "user_id": {"U1"}}.Encode()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/slack/commands", strings.NewReader(body))
	req.Header = signRequest(testSecret, time.Now(), body)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("no answer while the handler runs: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	h.next(t)
}
