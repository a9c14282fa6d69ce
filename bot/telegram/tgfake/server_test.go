package tgfake

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// call posts a form to the fake and decodes the answer.
func call(t *testing.T, s *Server, method string, form url.Values) (ok bool, code int, desc string, result json.RawMessage) {
	t.Helper()
	resp, err := http.PostForm(s.URL()+"/bot"+Token+"/"+method, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		OK          bool            `json:"ok"`
		Code        int             `json:"error_code"`
		Description string          `json:"description"`
		Result      json.RawMessage `json:"result"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if !body.OK && resp.StatusCode != body.Code {
		t.Errorf("HTTP %d but error_code %d", resp.StatusCode, body.Code)
	}
	return body.OK, body.Code, body.Description, body.Result
}

func TestSendMessageValidation(t *testing.T) {
	s := New(t)
	s.SendUserMessage("hi") // creates chat 1001
	kb := func(data string) string {
		return `{"inline_keyboard":[[{"text":"b","callback_data":"` + data + `"}]]}`
	}
	tests := []struct {
		name   string
		form   url.Values
		wantOK bool
		desc   string
	}{
		{"html", url.Values{"chat_id": {"1001"}, "text": {"<b>x</b> &lt;"}, "parse_mode": {"HTML"}}, true, ""},
		{"bad html", url.Values{"chat_id": {"1001"}, "text": {"<b>x"}, "parse_mode": {"HTML"}}, false, "can't parse entities"},
		{"unknown tag", url.Values{"chat_id": {"1001"}, "text": {"<script>x</script>"}, "parse_mode": {"HTML"}}, false, "can't parse entities"},
		{"bare amp", url.Values{"chat_id": {"1001"}, "text": {"a & b"}, "parse_mode": {"HTML"}}, false, "can't parse entities"},
		{"plain amp", url.Values{"chat_id": {"1001"}, "text": {"a & b"}}, true, ""},
		{"too long", url.Values{"chat_id": {"1001"}, "text": {strings.Repeat("字", 4097)}}, false, "message is too long"},
		{"long markup ok", url.Values{"chat_id": {"1001"}, "text": {"<b>" + strings.Repeat("&amp;", 4096) + "</b>"}, "parse_mode": {"HTML"}}, true, ""},
		{"empty", url.Values{"chat_id": {"1001"}, "text": {"<b> </b>"}, "parse_mode": {"HTML"}}, false, "message text is empty"},
		{"no chat", url.Values{"chat_id": {"555"}, "text": {"x"}}, false, "chat not found"},
		{"callback 64", url.Values{"chat_id": {"1001"}, "text": {"x"}, "reply_markup": {kb(strings.Repeat("a", 64))}}, true, ""},
		{"callback 65", url.Values{"chat_id": {"1001"}, "text": {"x"}, "reply_markup": {kb(strings.Repeat("a", 65))}}, false, "BUTTON_DATA_INVALID"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, code, desc, _ := call(t, s, "sendMessage", tc.form)
			if ok != tc.wantOK || (!ok && (code != 400 || !strings.Contains(desc, tc.desc))) {
				t.Errorf("ok=%v code=%d desc=%q, want ok=%v %q", ok, code, desc, tc.wantOK, tc.desc)
			}
		})
	}
}

func TestEditNotModifiedAndHistory(t *testing.T) {
	s := New(t)
	s.SendUserMessage("hi")
	_, _, _, res := call(t, s, "sendMessage", url.Values{"chat_id": {"1001"}, "text": {"v1"}})
	var m struct {
		ID int `json:"message_id"`
	}
	_ = json.Unmarshal(res, &m)
	edit := url.Values{"chat_id": {"1001"}, "message_id": {itoa(m.ID)}, "text": {"v2"}}
	if ok, _, desc, _ := call(t, s, "editMessageText", edit); !ok {
		t.Fatal(desc)
	}
	if ok, code, desc, _ := call(t, s, "editMessageText", edit); ok || code != 400 || !strings.Contains(desc, "message is not modified") {
		t.Errorf("same edit: ok=%v %d %q", ok, code, desc)
	}
	if ok, _, desc, _ := call(t, s, "editMessageText", url.Values{"chat_id": {"1001"}, "message_id": {"99"}, "text": {"x"}}); ok || !strings.Contains(desc, "not found") {
		t.Errorf("missing message: %q", desc)
	}
	got := s.BotMessages(1001)
	if len(got) != 1 || got[0].Text != "v2" || len(got[0].Edits) != 1 || got[0].Edits[0] != "v1" {
		t.Errorf("messages %v", got)
	}
}

func TestGetUpdatesLongPoll(t *testing.T) {
	s := New(t)
	start := time.Now()
	ok, _, _, res := call(t, s, "getUpdates", url.Values{"timeout": {"1"}})
	if !ok || string(res) != "[]" || time.Since(start) < 900*time.Millisecond {
		t.Fatalf("empty poll: ok=%v %s after %v, want [] after ~1 s", ok, res, time.Since(start))
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = s.WaitFor(ctx, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.polls == 2 })
		s.SendUserMessage("one")
	}()
	start = time.Now()
	_, _, _, res = call(t, s, "getUpdates", url.Values{"timeout": {"20"}})
	if time.Since(start) > 5*time.Second || !strings.Contains(string(res), `"update_id":1`) {
		t.Fatalf("poll did not return early with the update: %s", res)
	}
	s.SendUserMessage("two")
	_, _, _, res = call(t, s, "getUpdates", url.Values{"timeout": {"0"}})
	if !strings.Contains(string(res), `"update_id":1`) {
		t.Errorf("unconfirmed update 1 not re-sent: %s", res)
	}
	_, _, _, res = call(t, s, "getUpdates", url.Values{"offset": {"2"}, "timeout": {"0"}})
	if strings.Contains(string(res), `"update_id":1`) || !strings.Contains(string(res), `"update_id":2`) {
		t.Errorf("offset 2: %s", res)
	}
	if s.Pending() != 1 {
		t.Errorf("pending %d, want 1", s.Pending())
	}
}

func TestGetUpdatesCancelled(t *testing.T) {
	s := New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/bot"+Token+"/getUpdates?timeout=30", nil)
	start := time.Now()
	if _, err := http.DefaultClient.Do(req); err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("cancelled poll: %v after %v", err, time.Since(start))
	}
}

func TestFaultsAndAuth(t *testing.T) {
	s := New(t)
	s.RateLimit("getMe", 7)
	resp, err := http.Get(s.URL() + "/bot" + Token + "/getMe")
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != 429 || body["parameters"].(map[string]any)["retry_after"].(float64) != 7 {
		t.Errorf("429: %d %v", resp.StatusCode, body)
	}
	if ok, _, _, _ := call(t, s, "getMe", nil); !ok {
		t.Error("fault not consumed")
	}
	resp, _ = http.Get(s.URL() + "/bot1:wrong/getMe")
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("wrong token: %d", resp.StatusCode)
	}
}

func TestDocumentsAndFiles(t *testing.T) {
	s := New(t)
	s.SendDocument("auth.log", []byte("203.0.113.7\n"))
	s.Client(DefaultUser, DefaultChat).SendDocumentSized("big.log", "text/plain", []byte("x"), 21<<20, "")
	if ok, _, _, res := call(t, s, "getFile", url.Values{"file_id": {"file-1"}}); !ok || !strings.Contains(string(res), "documents/file_1.log") {
		t.Fatalf("getFile: %s", res)
	}
	resp, err := http.Get(s.URL() + "/file/bot" + Token + "/documents/file_1.log")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("download: %v", err)
	}
	resp.Body.Close()
	if ok, _, desc, _ := call(t, s, "getFile", url.Values{"file_id": {"file-2"}}); ok || !strings.Contains(desc, "too big") {
		t.Errorf("getFile of 21 MB: %q", desc)
	}
}

func TestParseHTML(t *testing.T) {
	tests := []struct {
		in, text string
		ents     int
		bad      bool
	}{
		{"<b>a</b> <i>b</i>", "a b", 2, false},
		{`<a href="https://x">l</a>`, "l", 1, false},
		{"<pre><code>x</code></pre>", "x", 2, false},
		{"<code><b>x</b></code>", "", 0, true},
		{"<b>x</i>", "", 0, true},
		{"&lt;&gt;&amp;&quot;&#39;&#x4e2d;", `<>&"'中`, 0, false},
		{"&nbsp;", "", 0, true},
		{"a > b", "", 0, true},
	}
	for _, tc := range tests {
		text, ents, err := ParseHTML(tc.in)
		if (err != nil) != tc.bad || (!tc.bad && (text != tc.text || ents != tc.ents)) {
			t.Errorf("ParseHTML(%q) = %q, %d, %v", tc.in, text, ents, err)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
