package telegram

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"tibot/bot"
	"tibot/bot/telegram/tgfake"
)

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no token", Config{}, "malformed"},
		{"bad token", Config{Token: "not-a-token"}, "malformed"},
		{"bad api url", Config{Token: tgfake.Token, APIURL: "ftp://x/bot%s/%s"}, "API URL"},
		{"webhook without secret", Config{Token: tgfake.Token, WebhookURL: "https://bot.example/hook"}, "secret"},
		{"bad webhook secret", Config{Token: tgfake.Token, WebhookURL: "https://bot.example/hook", WebhookSecret: "a b"}, "secret"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: %v, want error mentioning %q", err, tc.want)
			}
			if strings.Contains(err.Error(), tgfake.Token) {
				t.Errorf("error shows the token: %v", err)
			}
		})
	}
	a, err := New(Config{Token: tgfake.Token}, nil)
	if err != nil || a.Name() != "telegram" || a.cfg.FileURL != "https://api.telegram.org/file/bot%s/%s" {
		t.Fatalf("New with defaults: %v (file URL %q)", err, a.cfg.FileURL)
	}
	a, err = New(Config{Token: tgfake.Token, APIURL: "http://127.0.0.1:8081/bot%s/%s"}, nil)
	if err != nil || a.cfg.FileURL != "http://127.0.0.1:8081/file/bot%s/%s" {
		t.Fatalf("file URL not derived from the API URL: %v %q", err, a.cfg.FileURL)
	}
}

func TestListenCommandToCard(t *testing.T) {
	f := tgfake.New(t)
	a, _, _ := newTestAdapter(t, fastConfig(f))
	h := &recorder{react: func(ctx context.Context, m *bot.Message, r bot.Replier) error {
		_, err := r.Reply(ctx, verdictCard(m.Text))
		return err
	}}
	listen(t, a, h)
	id := f.SendCommand("ip", "1.2.3.4")
	waitFor(t, f, "the card", func() bool { return len(f.BotMessages(tgfake.DefaultChat.ID)) == 1 })
	m := h.messages()[0]
	want := bot.Message{Platform: "telegram", Chat: "1001", ID: "1", Thread: "1", User: "1001",
		UserName: "@analyst", Direct: true, Command: "ip", Text: "1.2.3.4"}
	got := *m
	if got.Files != nil || got.Action != nil || id != 1 {
		t.Fatalf("unexpected files/action: %+v", got)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("message = %+v\nwant      %+v", got, want)
	}
	sent := f.BotMessages(tgfake.DefaultChat.ID)[0]
	if sent.ReplyTo != 1 || sent.ParseMode != "HTML" || !strings.Contains(sent.Plain, "恶意 <b>&") {
		t.Errorf("sent %+v", sent)
	}
	if len(sent.Keyboard) != 1 || len(sent.Keyboard[0]) != 2 || sent.Keyboard[0][1].CallbackData == "" {
		t.Errorf("keyboard %+v", sent.Keyboard)
	}
	if cmds := f.Commands(); len(cmds) != 2 || cmds[0].Command != "ip" {
		t.Errorf("setMyCommands: %+v", cmds)
	}
}
