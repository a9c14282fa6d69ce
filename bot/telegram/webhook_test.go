package telegram

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"tibot/bot/telegram/tgfake"
)

// webhookSetup runs an adapter in webhook mode behind an httptest server.
func webhookSetup(t *testing.T) (*tgfake.Server, *Adapter, *recorder, string) {
	t.Helper()
	f := tgfake.New(t)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	cfg := fastConfig(f)
	cfg.WebhookURL, cfg.WebhookSecret = srv.URL+"/tg/hook", "s3cret_-X"
	a, _, _ := newTestAdapter(t, cfg)
	mux.Handle(a.WebhookPath(), a.WebhookHandler())
	return f, a, &recorder{}, srv.URL + a.WebhookPath()
}

func TestWebhookBeforeListen(t *testing.T) {
	_, _, _, hook := webhookSetup(t)
	status, err := tgfake.DeliverWebhook(context.Background(), hook, "s3cret_-X", map[string]any{"update_id": 1})
	if err != nil || status != http.StatusServiceUnavailable {
		t.Errorf("delivery before Listen: %d %v, want 503", status, err)
	}
}

func TestWebhookMode(t *testing.T) {
	f, a, h, hook := webhookSetup(t)
	if a.WebhookPath() != "/tg/hook" {
		t.Fatalf("path %q", a.WebhookPath())
	}
	listen(t, a, h)
	waitFor(t, f, "setWebhook", func() bool { u, _ := f.Webhook(); return u != "" })
	if u, sec := f.Webhook(); u != hook || sec != "s3cret_-X" {
		t.Fatalf("webhook set to %q with secret %q", u, sec)
	}
	f.SendUserMessage("via webhook 203.0.113.1")
	waitUntil(t, "handled", func() bool { return len(h.messages()) == 1 })
	// The handler runs before the fake has read the webhook's response.
	waitFor(t, f, "the delivery recorded", func() bool { return len(f.Deliveries()) == 1 })
	if d := f.Deliveries(); len(d) != 1 || d[0].Status != http.StatusOK {
		t.Errorf("deliveries %+v", d)
	}
	upd := map[string]any{"update_id": 500, "message": map[string]any{"message_id": 9,
		"from": map[string]any{"id": 7, "is_bot": false, "first_name": "x"},
		"chat": map[string]any{"id": 7, "type": "private"}, "date": 1, "text": "evil 203.0.113.2"}}
	for _, tc := range []struct {
		name, secret string
		want         int
	}{
		{"wrong secret", "nope", http.StatusUnauthorized},
		{"no secret", "", http.StatusUnauthorized},
		{"right secret", "s3cret_-X", http.StatusOK},
		{"duplicate", "s3cret_-X", http.StatusOK},
	} {
		status, err := tgfake.DeliverWebhook(context.Background(), hook, tc.secret, upd)
		if err != nil || status != tc.want {
			t.Errorf("%s: status %d (%v), want %d", tc.name, status, err, tc.want)
		}
	}
	waitUntil(t, "the accepted update", func() bool { return len(h.messages()) == 2 })
	if f.Calls("getUpdates") != 0 {
		t.Errorf("getUpdates called in webhook mode")
	}
	resp, err := http.Get(hook)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("GET: %d", resp.StatusCode)
		}
	}
	for _, m := range h.messages() {
		if m.User == "7" && m.Text != "evil 203.0.113.2" {
			t.Errorf("unexpected %+v", m)
		}
	}
}
