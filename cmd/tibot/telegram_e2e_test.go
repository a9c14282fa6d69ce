package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"tibot/bot/slack/slackfake"
	"tibot/bot/telegram/tgfake"
	"tibot/card"
)

func TestTelegramE2EIPCard(t *testing.T) {
	e := newTGEnv(t, 0)
	e.start()
	id := e.tg.SendCommand("ip", "8.8.8.8")
	e.wait("the card", func() bool { return len(e.replyTo(tgUser, id)) == 1 })
	m := e.replyTo(tgUser, id)[0]
	if m.ParseMode != "HTML" || !strings.Contains(m.Text, "<code>8.8.8.8</code>") || !strings.Contains(m.Plain, "结论") {
		t.Errorf("card: %s", m.Text)
	}
	var url, deep string
	for _, row := range m.Keyboard {
		for _, b := range row {
			if b.URL != "" {
				url = b.URL
			}
			if b.Text == "深度分析" {
				deep = b.CallbackData
			}
		}
	}
	if !strings.Contains(url, "8.8.8.8") || deep == "" || strings.Contains(deep, "8.8.8.8") {
		t.Errorf("keyboard %+v: want a report URL and a short deep-analysis id", m.Keyboard)
	}
	if cmds := e.tg.Commands(); len(cmds) < 3 || cmds[0].Command != "ip" {
		t.Errorf("setMyCommands: %+v", cmds)
	}

	stranger := e.tg.Client(tgfake.User{ID: 2002, Name: "mallory"}, tgfake.Chat{ID: 2002, Type: "private"})
	sid := stranger.SendCommand("ip", "8.8.4.4")
	e.wait("未授权", func() bool { return len(e.replyTo(2002, sid)) == 1 })
	if got := e.replyTo(2002, sid)[0].Plain; !strings.Contains(got, "未授权") || !strings.Contains(got, "telegram:2002") {
		t.Errorf("stranger got %q", got)
	}
	if st := e.api.Stats(); st.IPs != 1 {
		t.Errorf("ThreatBook saw %d IPs, want 1 (the stranger's is not looked up)", st.IPs)
	}
	logs := e.stderr.String()
	if strings.Contains(logs, strings.SplitN(tgfake.Token, ":", 2)[1]) {
		t.Error("token in serve's logs")
	}
	if !strings.Contains(logs, "platform=telegram") || strings.Contains(logs, "platform=slack") {
		t.Errorf("only Telegram should run:\n%s", logs)
	}
}

func TestTelegramE2EPasteProgressBatchCSV(t *testing.T) {
	e := newTGEnv(t, 150*time.Millisecond)
	e.start()
	id := e.tg.SendUserMessage(tgLog(t, 300, 250))
	e.wait("batch card and CSV", func() bool {
		rs := e.replyTo(tgUser, id)
		return len(rs) == 2 && rs[1].Document != nil && strings.Contains(rs[0].Plain, "批量研判")
	})
	rs := e.replyTo(tgUser, id)
	card0 := rs[0]
	if len(card0.Edits) < 2 || !strings.Contains(card0.Edits[0], "正在查询 0/250") {
		t.Errorf("progress history %q, want the progress message edited before the card", card0.Edits)
	}
	if !strings.Contains(card0.Plain, "公网 250") {
		t.Errorf("batch card: %s", card0.Plain)
	}
	if n := card.LineCount(rs[1].Document.Data); n != 251 || !strings.HasSuffix(rs[1].Document.Name, ".csv") {
		t.Errorf("CSV %s has %d lines, want 251", rs[1].Document.Name, n)
	}
}

func TestTelegramE2EDocument(t *testing.T) {
	e := newTGEnv(t, 0)
	e.start()
	id := e.tg.SendDocument("fw.log", []byte(tgLog(t, 40, 30)))
	e.wait("batch card and CSV", func() bool {
		rs := e.replyTo(tgUser, id)
		return len(rs) == 2 && rs[1].Document != nil
	})
	rs := e.replyTo(tgUser, id)
	if !strings.Contains(rs[0].Plain, "公网 30") || !strings.Contains(rs[0].Plain, "文件 fw.log") {
		t.Errorf("card: %s", rs[0].Plain)
	}
	if n := card.LineCount(rs[1].Document.Data); n != 31 {
		t.Errorf("CSV has %d lines, want 31", n)
	}
	if e.tg.Calls("getFile") != 1 || e.tg.Calls("download") != 1 {
		t.Errorf("getFile %d, download %d", e.tg.Calls("getFile"), e.tg.Calls("download"))
	}
	big := e.tg.Client(tgfake.DefaultUser, tgfake.DefaultChat).SendDocumentSized("huge.log", "text/plain", []byte("x"), 25<<20, "")
	e.wait("refusal", func() bool { return len(e.replyTo(tgUser, big)) == 1 })
	if got := e.replyTo(tgUser, big)[0].Plain; !strings.Contains(got, "20 MB") || e.tg.Calls("getFile") != 1 {
		t.Errorf("25 MB file: %q (getFile %d)", got, e.tg.Calls("getFile"))
	}
}

func TestTelegramE2EButton(t *testing.T) {
	e := newTGEnv(t, 0)
	e.start()
	id := e.tg.SendCommand("ip", "45.33.32.156")
	e.wait("card", func() bool { return len(e.replyTo(tgUser, id)) == 1 })
	m := e.replyTo(tgUser, id)[0]
	var data string
	for _, b := range m.Keyboard[0] {
		if b.Text == "深度分析" {
			data = b.CallbackData
		}
	}
	cb := e.tg.SendCallback(m.ID, data)
	e.wait("answer and deep card", func() bool {
		c, _ := e.tg.Callback(cb)
		return c.Answered && len(e.replyTo(tgUser, m.ID)) == 1
	})
	if c, _ := e.tg.Callback(cb); c.Answers != 1 {
		t.Errorf("callback answered %d times", c.Answers)
	}
	if got := e.replyTo(tgUser, m.ID)[0].Plain; !strings.Contains(got, "深度分析") || !strings.Contains(got, "45.33.32.156") {
		t.Errorf("deep card: %s", got)
	}
	if st := e.api.Stats(); st.ByEndpoint["query"] != 1 {
		t.Errorf("ThreatBook query calls %d, want 1", st.ByEndpoint["query"])
	}
}

func TestTelegramE2ERetryAfter(t *testing.T) {
	e := newTGEnv(t, 0)
	e.start()
	e.tg.RateLimit("sendMessage", 1)
	start := time.Now()
	id := e.tg.SendCommand("ip", "1.1.1.1")
	e.wait("card after the 429", func() bool { return len(e.replyTo(tgUser, id)) == 1 })
	if d := time.Since(start); d < time.Second {
		t.Errorf("card after %v, want ≥ retry_after 1 s", d)
	}
	if n := e.tg.Calls("sendMessage"); n != 2 {
		t.Errorf("sendMessage called %d times, want 2", n)
	}
}

// TestTelegramE2ERestart stops serve mid-stream (a lookup in flight and
// updates queued) and starts it again on the same database: every message
// is answered exactly once.
func TestTelegramE2ERestart(t *testing.T) {
	e := newTGEnv(t, 300*time.Millisecond)
	stop := e.start()
	first := e.tg.SendCommand("ip", "9.9.9.9")
	e.wait("first answer", func() bool { return len(e.replyTo(tgUser, first)) == 1 })
	inflight := e.tg.SendCommand("ip", "1.0.0.1")
	e.wait("the lookup to start", func() bool { return e.tg.Pending() == 0 || e.api.Stats().Requests >= 2 })
	if code := stop(); code != exitOK {
		t.Fatalf("serve exit %d:\n%s", code, e.stderr)
	}
	queued := []int{e.tg.SendCommand("ip", "149.112.112.112"), e.tg.SendCommand("ip", "208.67.222.222")}
	e.start()
	e.wait("queued answers", func() bool {
		return len(e.replyTo(tgUser, queued[0])) == 1 && len(e.replyTo(tgUser, queued[1])) == 1
	})
	e.wait("all acknowledged", func() bool { return e.tg.Pending() == 0 })
	for _, id := range append([]int{first, inflight}, queued...) {
		if n := len(e.replyTo(tgUser, id)); n != 1 {
			t.Errorf("message %d answered %d times, want once", id, n)
		}
	}
}

// TestTelegramE2EWebhook runs `tibot serve` in webhook mode: serve mounts
// the adapter on its HTTP listener, the fake delivers updates there with
// the secret, and a forged delivery without it gets 401 and is not handled.
func TestTelegramE2EWebhook(t *testing.T) {
	e := newTGEnv(t, 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()           // serve closes it too; this covers an early exit
	addr := ln.Addr().String() // the webhook URL must be known before serve starts
	hook := "http://" + addr + "/telegram/webhook"
	e.vars["TIBOT_HTTP_ADDR"] = addr
	e.vars["TIBOT_TELEGRAM_WEBHOOK_URL"] = hook
	e.vars["TIBOT_TELEGRAM_WEBHOOK_SECRET"] = "hook-secret_1"
	listening := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	s := stdio{getenv: func(k string) string { return e.vars[k] }, stdin: strings.NewReader(""),
		stdout: &tgBuffer{}, stderr: e.stderr}
	go func() {
		done <- s.serve(ctx, nil, serveDeps{platforms: defaultPlatforms(), now: time.Now,
			listening: func(a string) { listening <- a }, listener: ln})
	}()
	defer func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("serve exit %d:\n%s", code, e.stderr)
		}
	}()
	select {
	case <-listening:
	case code := <-done:
		done <- code // for the deferred check
		t.Fatalf("serve exited before listening")
	}
	e.wait("setWebhook", func() bool { u, sec := e.tg.Webhook(); return u == hook && sec == "hook-secret_1" })

	forged := map[string]any{"update_id": 77, "message": map[string]any{"message_id": 1, "date": 1,
		"from": map[string]any{"id": tgUser, "is_bot": false, "first_name": "x"},
		"chat": map[string]any{"id": tgUser, "type": "private"}, "text": "/ip 8.8.8.8",
		"entities": []map[string]any{{"type": "bot_command", "offset": 0, "length": 3}}}}
	for _, secret := range []string{"wrong", ""} {
		status, err := tgfake.DeliverWebhook(ctx, hook, secret, forged)
		if err != nil || status != http.StatusUnauthorized {
			t.Errorf("secret %q: %d %v, want 401", secret, status, err)
		}
	}
	id := e.tg.SendCommand("ip", "8.8.8.8") // delivered by the fake with the right secret
	e.wait("card via webhook", func() bool { return len(e.replyTo(tgUser, id)) == 1 })
	if n := len(e.tg.BotMessages(tgUser)); n != 1 {
		t.Errorf("%d bot messages, want only the genuine card", n)
	}
	if st := e.api.Stats(); st.IPs != 1 {
		t.Errorf("ThreatBook saw %d IPs, want 1 (forged updates are not handled)", st.IPs)
	}
	if e.tg.Calls("getUpdates") != 0 {
		t.Errorf("getUpdates called in webhook mode")
	}
}

func TestTelegramPlatformConfig(t *testing.T) {
	base := defaultConfig()
	tests := []struct {
		name   string
		mod    func(*Config)
		ok     bool
		errHas string
	}{
		{"unset", func(*Config) {}, false, ""},
		{"valid", func(c *Config) { c.TelegramToken = tgfake.Token }, true, ""},
		{"malformed", func(c *Config) { c.TelegramToken = "123456:ABC" }, false, "TELEGRAM_BOT_TOKEN"},
		{"webhook without secret", func(c *Config) {
			c.TelegramToken, c.TelegramWebhookURL = tgfake.Token, "https://bot.example/tg"
		}, false, "TIBOT_TELEGRAM_WEBHOOK_SECRET"},
		{"webhook without listener", func(c *Config) {
			c.TelegramToken, c.TelegramWebhookURL, c.TelegramWebhookSecret, c.HTTPAddr = tgfake.Token, "https://bot.example/tg", "s", ""
		}, false, "TIBOT_HTTP_ADDR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base
			tc.mod(&cfg)
			p, poster, ok, err := telegramPlatform(cfg, slog.New(slog.DiscardHandler))
			if ok != tc.ok || (tc.errHas == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.errHas)) {
				t.Fatalf("ok=%v err=%v, want ok=%v err containing %q", ok, err, tc.ok, tc.errHas)
			}
			if err != nil && strings.Contains(err.Error(), "ABC") {
				t.Errorf("error shows the token: %v", err)
			}
			if ok && (p.Name() != "telegram" || poster == nil) {
				t.Errorf("platform %v poster %v", p, poster)
			}
		})
	}
	if cmds := telegramCommands(); len(cmds) == 0 || cmds[0].Name != "ip" || cmds[0].Description == "" {
		t.Errorf("telegramCommands = %+v", cmds)
	}
}

// TestTelegramE2EWithSlack: with Slack (Socket Mode, on slackfake) and
// Telegram configured, one `tibot serve` process answers both.
func TestTelegramE2EWithSlack(t *testing.T) {
	e := newTGEnv(t, 0)
	sf := slackfake.New(t)
	e.vars["SLACK_BOT_TOKEN"], e.vars["SLACK_APP_TOKEN"] = "xoxb-tg-e2e-bot", "xapp-tg-e2e-app"
	e.vars["TIBOT_SLACK_API_URL"] = sf.APIURL
	e.start()
	id := e.tg.SendCommand("ip", "8.8.8.8")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	env := sf.Slash("env-tg-1", "/ip", "1.1.1.1", "C1", "U1")
	if err := sf.Send(ctx, env); err != nil {
		t.Fatalf("slack: %v\n%s", err, e.stderr)
	}
	err := sf.Wait(ctx, func(s *slackfake.Server) bool {
		for _, c := range s.Calls("chat.postMessage") {
			if c.Form.Get("channel") == "C1" && strings.Contains(string(c.Blocks), "1.1.1.1") {
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("no Slack answer: %v\n%s", err, e.stderr)
	}
	e.wait("Telegram answer", func() bool { return len(e.replyTo(tgUser, id)) == 1 })
	if st := e.api.Stats(); st.IPs != 2 {
		t.Errorf("ThreatBook saw %d IPs, want 2", st.IPs)
	}
}
