package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path"
	"strings"
	"sync"
	"testing"
	"time"
)

// The smoke test against telegram-test-api (npm, started by
// .ci/telegram-emulator.sh): tibot serve in polling mode answers a command
// with an HTML card and keyboard, edits a progress message into a batch
// card, and answers a button press. The emulator has no documents,
// setMyCommands, long polling or validation; tgfake covers those.

// emuCall is one Bot API call the recording proxy saw.
type emuCall struct {
	method string
	status int
}

// emuProxy forwards the bot's API calls to the emulator and records them,
// since the emulator keeps no trace of answerCallbackQuery.
type emuProxy struct {
	mu    sync.Mutex
	calls []emuCall
}

func (p *emuProxy) count(method string, status int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, c := range p.calls {
		if c.method == method && (status == 0 || c.status == status) {
			n++
		}
	}
	return n
}

// statusWriter captures the status the emulator answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

func newEmuProxy(t *testing.T, base string) (*emuProxy, string) {
	t.Helper()
	target, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TIBOT_TG_EMULATOR_URL=%q: %v", base, err)
	}
	p := &emuProxy{}
	rp := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		rp.ServeHTTP(sw, r)
		p.mu.Lock()
		p.calls = append(p.calls, emuCall{method: path.Base(r.URL.Path), status: sw.status})
		p.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return p, srv.URL
}

// emuClient drives the emulator's client API as the user.
type emuClient struct {
	t     *testing.T
	base  string
	token string
	chat  int64
}

func (c *emuClient) post(route string, body map[string]any) json.RawMessage {
	c.t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(c.base+route, "application/json", bytes.NewReader(b))
	if err != nil {
		c.t.Fatalf("emulator %s: %v", route, err)
	}
	defer resp.Body.Close()
	var out struct {
		OK     bool            `json:"ok"`
		Result json.RawMessage `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || !out.OK {
		c.t.Fatalf("emulator %s: HTTP %d, %v", route, resp.StatusCode, err)
	}
	return out.Result
}

func (c *emuClient) user() map[string]any {
	return map[string]any{"id": c.chat, "is_bot": false, "first_name": "Analyst", "username": "analyst"}
}

func (c *emuClient) chatObj() map[string]any {
	return map[string]any{"id": c.chat, "type": "private", "first_name": "Analyst"}
}

func (c *emuClient) send(route, text string, extra map[string]any) {
	body := map[string]any{"botToken": c.token, "from": c.user(), "chat": c.chatObj(),
		"date": time.Now().Unix(), "text": text}
	for k, v := range extra {
		body[k] = v
	}
	c.post(route, body)
}

// emuMessage is a bot message in the emulator's history.
type emuMessage struct {
	ID   int
	Text string
	Mode string
	KB   [][]struct {
		Text         string `json:"text"`
		URL          string `json:"url"`
		CallbackData string `json:"callback_data"`
	}
}

// botMessages reads the bot's messages (with edits applied) from the history.
func (c *emuClient) botMessages() []emuMessage {
	var hist []struct {
		MessageID int `json:"messageId"`
		Message   struct {
			ChatID      any    `json:"chat_id"`
			Text        string `json:"text"`
			ParseMode   string `json:"parse_mode"`
			ReplyMarkup struct {
				InlineKeyboard json.RawMessage `json:"inline_keyboard"`
			} `json:"reply_markup"`
		} `json:"message"`
	}
	if err := json.Unmarshal(c.post("/getUpdatesHistory", map[string]any{"token": c.token}), &hist); err != nil {
		c.t.Fatal(err)
	}
	var out []emuMessage
	for _, h := range hist {
		if h.Message.ChatID == nil {
			continue // a user message
		}
		m := emuMessage{ID: h.MessageID, Text: h.Message.Text, Mode: h.Message.ParseMode}
		if len(h.Message.ReplyMarkup.InlineKeyboard) > 0 {
			_ = json.Unmarshal(h.Message.ReplyMarkup.InlineKeyboard, &m.KB)
		}
		out = append(out, m)
	}
	return out
}

// find waits (bounded polling: the emulator has no change feed) for a bot
// message matching pred.
func (c *emuClient) find(what string, pred func(emuMessage) bool) emuMessage {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, m := range c.botMessages() {
			if pred(m) {
				return m
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("no bot message with %s; messages: %+v", what, c.botMessages())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestTelegramEmulatorSmoke(t *testing.T) {
	base := emulatorURL(t)
	proxy, proxyURL := newEmuProxy(t, base)
	e := newTGEnv(t, 100*time.Millisecond)
	c := &emuClient{t: t, base: base, chat: 4242,
		token: fmt.Sprintf("123456789:AAEmulatorSmoke%020d", time.Now().UnixNano())}
	e.vars["TELEGRAM_BOT_TOKEN"] = c.token
	e.vars["TIBOT_TELEGRAM_API_URL"] = proxyURL + "/bot%s/%s"
	e.vars["TIBOT_TELEGRAM_FILE_URL"] = proxyURL + "/file/bot%s/%s"
	e.vars["TIBOT_ALLOW"] = fmt.Sprintf("telegram:%d", c.chat)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	s := stdio{getenv: func(k string) string { return e.vars[k] }, stdin: strings.NewReader(""),
		stdout: &tgBuffer{}, stderr: e.stderr}
	go func() { done <- s.serve(ctx, nil, serveDeps{platforms: defaultPlatforms(), now: time.Now}) }()
	defer func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("serve exit %d:\n%s", code, e.stderr)
		}
	}()

	c.send("/sendCommand", "/ip 8.8.8.8", map[string]any{
		"entities": []map[string]any{{"offset": 0, "length": 3, "type": "bot_command"}}})
	cardMsg := c.find("an HTML card with a keyboard", func(m emuMessage) bool {
		return m.Mode == "HTML" && strings.Contains(m.Text, "<code>8.8.8.8</code>") && len(m.KB) > 0
	})
	var deep string
	for _, b := range cardMsg.KB[0] {
		if b.Text == "深度分析" {
			deep = b.CallbackData
		}
	}
	if deep == "" || len(deep) > 64 {
		t.Fatalf("no short deep-analysis button: %+v", cardMsg.KB)
	}

	var paste strings.Builder
	for _, a := range publicAddrs(t, 130) {
		fmt.Fprintf(&paste, "sshd: Failed password for root from %s port 22\n", a)
	}
	c.send("/sendMessage", paste.String(), nil)
	c.find("the batch card", func(m emuMessage) bool { return strings.Contains(m.Text, "批量研判") })
	if proxy.count("editMessageText", http.StatusOK) == 0 {
		t.Errorf("no successful editMessageText (progress → batch card)")
	}

	c.post("/sendCallback", map[string]any{"botToken": c.token, "from": c.user(), "data": deep,
		"message": map[string]any{"message_id": cardMsg.ID, "chat": c.chatObj()}})
	c.find("the deep-analysis card", func(m emuMessage) bool {
		return strings.Contains(m.Text, "深度分析") && strings.Contains(m.Text, "8.8.8.8") && m.ID != cardMsg.ID
	})
	deadline := time.Now().Add(10 * time.Second)
	for proxy.count("answerCallbackQuery", http.StatusOK) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("callback never answered; logs:\n%s", e.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The emulator answers getUpdates at once (no long polling): the loop
	// must back off instead of spinning (tgbotapi's own loop made ~1,000
	// calls a second).
	if n := proxy.count("getUpdates", 0); n > 150 {
		t.Errorf("%d getUpdates calls: the poll loop spins", n)
	}
	t.Logf("getUpdates calls: %d", proxy.count("getUpdates", 0))
	if proxy.count("setMyCommands", 0) != 1 {
		t.Errorf("setMyCommands attempted %d times, want once (unsupported by the emulator, not fatal)", proxy.count("setMyCommands", 0))
	}
}
