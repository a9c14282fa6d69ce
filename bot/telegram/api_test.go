package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"tibot/bot"
	"tibot/bot/telegram/tgfake"
	"tibot/card"
	"tibot/internal/fake"
)

// assertNoToken fails if the token or its secret half shows in err (in
// any format) or in the logs.
func assertNoToken(t *testing.T, err error, logs *fake.LogBuffer) {
	t.Helper()
	_, secret, _ := strings.Cut(tgfake.Token, ":")
	texts := []string{logs.String()}
	if err != nil {
		texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
	}
	for _, s := range texts {
		if strings.Contains(s, secret) {
			t.Errorf("token leaked: %s", s)
		}
	}
}

func TestTokenRedactedFromTransportErrors(t *testing.T) {
	cfg := Config{Token: tgfake.Token, APIURL: "http://127.0.0.1:1/bot%s/%s", ChatPace: Pace{Every: -1}}
	a, logs, _ := newTestAdapter(t, cfg)
	_, err := a.Post(context.Background(), bot.Target{Chat: "42"}, card.Plain("hi"))
	if err == nil {
		t.Fatal("Post to a closed port succeeded")
	}
	assertNoToken(t, err, logs)
	var ue *url.Error
	if !errors.As(err, &ue) || !strings.Contains(ue.URL, "<token>") {
		t.Errorf("url.Error not kept with a redacted URL: %#v", ue)
	}
	if !strings.Contains(logs.String(), "retrying") {
		t.Errorf("network error not retried:\n%s", logs)
	}
}

func TestTokenRedactedFromUploadErrors(t *testing.T) {
	cfg := Config{Token: tgfake.Token, APIURL: "http://127.0.0.1:1/bot%s/%s", ChatPace: Pace{Every: -1}}
	a, logs, _ := newTestAdapter(t, cfg)
	r, err := a.replier("42", "")
	if err != nil {
		t.Fatal(err)
	}
	err = r.Upload(context.Background(), card.Attachment{Name: "a.csv", Data: []byte("x\n")}, "")
	if err == nil {
		t.Fatal("upload to a closed port succeeded")
	}
	assertNoToken(t, err, logs)
}

func TestTokenRedactedFromAPIErrors(t *testing.T) {
	f := tgfake.New(t)
	a, logs, _ := newTestAdapter(t, fastConfig(f))
	f.Fail("sendMessage", tgfake.Fault{Code: 400, Description: "Bad Request: token " + tgfake.Token + " echoed"})
	f.SendUserMessage("x")
	_, err := a.Post(context.Background(), bot.Target{Chat: "1001"}, card.Plain("hi"))
	if err == nil || !strings.Contains(err.Error(), "sendMessage") {
		t.Fatalf("err = %v", err)
	}
	assertNoToken(t, err, logs)
}

func TestRedactCancelled(t *testing.T) {
	err := redact(&wrapped{msg: "get http://x/bot" + tgfake.Token + "/getMe", err: context.Canceled}, tgfake.Token)
	if !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), tgfake.Token) {
		t.Errorf("redact = %v", err)
	}
	if redact(nil, tgfake.Token) != nil {
		t.Error("redact(nil)")
	}
}

type wrapped struct {
	msg string
	err error
}

func (w *wrapped) Error() string { return w.msg + ": " + w.err.Error() }
func (w *wrapped) Unwrap() error { return w.err }
