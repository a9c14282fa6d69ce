package slackfake

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestValidateBlocks(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	section := func(text string) string {
		return fmt.Sprintf(`{"type":"section","text":{"type":"mrkdwn","text":%q}}`, text)
	}
	many := func(n int, item string) string { return strings.TrimSuffix(strings.Repeat(item+",", n), ",") }
	button := func(id, text string) string {
		return fmt.Sprintf(`{"type":"button","action_id":%q,"text":{"type":"plain_text","text":%q},"value":"v"}`, id, text)
	}
	tests := []struct{ name, blocks, want string }{
		{"ok", "[" + section("hi") + `,{"type":"divider"}]`, ""},
		{"too many blocks", "[" + many(51, section("a")) + "]", "51 blocks"},
		{"section text", "[" + section(long(3001)) + "]", "section text length 3001"},
		{"raw markup", "[" + section("<!channel>") + "]", "unescaped"},
		{"header type", `[{"type":"header","text":{"type":"mrkdwn","text":"x"}}]`, "plain_text"},
		{"header length", `[{"type":"header","text":{"type":"plain_text","text":"` + long(151) + `"}}]`, "header length"},
		{"fields", `[{"type":"section","fields":[` + many(11, `{"type":"mrkdwn","text":"f"}`) + `]}]`, "11 fields"},
		{"field length", `[{"type":"section","fields":[{"type":"mrkdwn","text":"` + long(2001) + `"}]}]`, "field length"},
		{"actions", `[{"type":"actions","elements":[` + many(26, button("a", "b")) + `]}]`, "26 action elements"},
		{"duplicate action id", `[{"type":"actions","elements":[` + button("a", "x") + "," + button("a", "y") + `]}]`, "duplicate"},
		{"button text", `[{"type":"actions","elements":[` + button("a", long(76)) + `]}]`, "button text length"},
		{"total", "[" + many(5, section(long(2900))) + "]", "msg_blocks_too_long"},
		{"context", `[{"type":"context","elements":[{"type":"mrkdwn","text":"ok"}]}]`, ""},
		{"unknown block", `[{"type":"video"}]`, "unexpected block"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateBlocks([]byte(tc.blocks))
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("ValidateBlocks = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestBlockTexts(t *testing.T) {
	raw := `[{"type":"header","text":{"type":"plain_text","text":"h"}},{"type":"section","text":{"type":"mrkdwn","text":"s"},` +
		`"fields":[{"type":"mrkdwn","text":"f"}]},{"type":"context","elements":[{"type":"mrkdwn","text":"c"}]},` +
		`{"type":"actions","elements":[{"type":"button","action_id":"a","text":{"type":"plain_text","text":"b"}}]}]`
	if got := strings.Join(BlockTexts([]byte(raw)), ","); got != "h,s,f,c,b" {
		t.Errorf("BlockTexts = %s", got)
	}
}

func TestWebAPIAuthAndFaults(t *testing.T) {
	s := New(t)
	post := func(method, token string, form url.Values) (int, string) {
		form.Set("token", token)
		resp, err := http.PostForm(s.APIURL+method, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		_, _ = fmt.Fprint(&b, resp.Header.Get("Retry-After"))
		return resp.StatusCode, b.String()
	}
	if code, _ := post("chat.postMessage", "xapp-1", url.Values{"channel": {"C1"}, "text": {"x"}}); code != 200 || s.Calls("chat.postMessage")[0].Error != "not_authed" {
		t.Errorf("app token accepted for chat.postMessage: %+v", s.Calls(""))
	}
	s.Fail("chat.postMessage", 1, Fault{Status: 429, RetryAfter: 2})
	if code, after := post("chat.postMessage", "xoxb-1", url.Values{"channel": {"C1"}, "text": {"x"}}); code != 429 || after != "2" {
		t.Errorf("429 fault: %d Retry-After %q", code, after)
	}
	s.SetNotMember("C2")
	post("chat.postMessage", "xoxb-1", url.Values{"channel": {"C2"}, "text": {"x"}})
	post("chat.update", "xoxb-1", url.Values{"channel": {"C1"}, "ts": {"1.1"}, "text": {"x"}})
	calls := s.Calls("")
	if got := calls[len(calls)-2].Error + "," + calls[len(calls)-1].Error; got != "not_in_channel,message_not_found" {
		t.Errorf("errors = %s", got)
	}
	for _, c := range calls {
		if c.Form.Get("token") != "" {
			t.Errorf("token recorded in %+v", c)
		}
	}
	s.AddFile(File{ID: "F1", Name: "a.log", Content: []byte("x")})
	for tok, want := range map[string]int{"": 403, "xoxb-1": 200} {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/files-pri/"+TeamID+"-F1/download/a.log", nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("download with %q: %d, want %d", tok, resp.StatusCode, want)
		}
	}
}
