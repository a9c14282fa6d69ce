package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"tibot/bot/slack/slackfake"
	tfake "tibot/internal/fake"
)

const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// SignRequest signs body the way Slack does: v0=HMAC-SHA256(secret,
// "v0:<ts>:<body>").
func signRequest(secret string, at time.Time, body string) http.Header {
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	io.WriteString(mac, "v0:"+ts+":"+body)
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return h
}

func TestHTTPMode(t *testing.T) {
	fake := slackfake.New(t)
	h := newRecorder()
	run := listen(t, fake, h, Config{Mode: ModeHTTP, SigningSecret: testSecret})
	tfake.Eventually(t, func() bool { return run.a.handler.Load() != nil })
	srv := httptest.NewServer(run.a.HTTPHandler())
	t.Cleanup(srv.Close)

	slash := url.Values{"command": {"/ip"}, "text": {"198.51.100.23"}, "channel_id": {"C1"}, "user_id": {"U1"},
		"team_id": {"T1"}, "response_url": {fake.ResponseURL()}}.Encode()
	event, _ := json.Marshal(slackfake.Event("", "EvH1", slackfake.Message("C1", "U1", "1.1", "1.2.3.4")).Payload)
	action, _ := json.Marshal(fake.Action("", "C1", "U1", "1.1", "deep", "1.2.3.4").Payload)
	form := "application/x-www-form-urlencoded"
	tests := []struct {
		name, path, ctype, body string
		header                  http.Header
		status                  int
		respContains            string
		handled                 bool
	}{
		{"valid slash", "/slack/commands", form, slash, signRequest(testSecret, time.Now(), slash), 200, "ephemeral", true},
		{"wrong secret", "/slack/commands", form, slash, signRequest("other", time.Now(), slash), 401, "", false},
		{"stale timestamp", "/slack/commands", form, slash, signRequest(testSecret, time.Now().Add(-6*time.Minute), slash), 401, "", false},
		{"missing headers", "/slack/commands", form, slash, http.Header{}, 401, "", false},
		{"tampered body", "/slack/commands", form, slash + "&x=1", signRequest(testSecret, time.Now(), slash), 401, "", false},
		{"url verification", "/slack/events", "application/json", `{"type":"url_verification","challenge":"c-123","token":"x"}`,
			signRequest(testSecret, time.Now(), `{"type":"url_verification","challenge":"c-123","token":"x"}`), 200, "c-123", false},
		{"event", "/slack/events", "application/json", string(event), signRequest(testSecret, time.Now(), string(event)), 200, "", true},
		{"event retried", "/slack", "application/json", string(event), signRequest(testSecret, time.Now(), string(event)), 200, "", false},
		{"interactivity", "/slack/interactivity", form, "payload=" + url.QueryEscape(string(action)),
			signRequest(testSecret, time.Now(), "payload="+url.QueryEscape(string(action))), 200, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+tc.path, strings.NewReader(tc.body))
			req.Header = tc.header.Clone()
			req.Header.Set("Content-Type", tc.ctype)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.respContains) {
				t.Fatalf("status %d body %q, want %d containing %q", resp.StatusCode, b, tc.status, tc.respContains)
			}
			if tc.handled {
				h.next(t)
			}
		})
	}
	run.cancel()
	if err := run.wait(t); err != nil {
		t.Fatal(err)
	}
	if n := len(h.got); n != 0 {
		t.Errorf("%d unexpected messages handled (refused or duplicate requests)", n)
	}
}
