package telegram

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"tibot/bot/telegram/tgfake"
	"tibot/card"
	"tibot/internal/fake"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.html")

// seqRefs hands out deterministic callback ids for golden files.
func seqRefs() func(card.Action) string {
	n := 0
	return func(card.Action) string { n++; return "a:" + strconv.Itoa(n) }
}

// golden renders a card as the golden file holds it: the messages, then
// the inline keyboard as JSON in a comment.
func golden(c card.Card) string {
	msgs := HTML(c)
	out := strings.Join(msgs, "\n<!-- next message -->\n")
	if kb := keyboard(c.Actions, seqRefs()); kb != nil {
		b, _ := json.Marshal(kb.InlineKeyboard)
		out += "\n<!-- keyboard: " + string(b) + " -->"
	}
	if c.Attachment != nil {
		out += "\n<!-- document: " + c.Attachment.Name + " -->"
	}
	return out + "\n"
}

func TestHTMLGolden(t *testing.T) {
	for _, ex := range card.Examples(card.ExampleNow()) {
		t.Run(ex.Name, func(t *testing.T) {
			fake.Golden(t, filepath.Join("testdata", ex.Name+".golden.html"), []byte(golden(ex.Card)), *update)
		})
	}
}

// TestGoldenCoverage makes sure the cases issue 7 names have goldens (the
// same as Slack's).
func TestGoldenCoverage(t *testing.T) {
	for _, name := range []string{"malicious", "suspicious", "clean", "trusted", "unknown", "ipv6",
		"batch200", "quota_exhausted", "error", "injection"} {
		if _, err := os.Stat(filepath.Join("testdata", name+".golden.html")); err != nil {
			t.Errorf("missing golden for %s: %v", name, err)
		}
	}
}

// TestHTMLLimits checks every example: valid Telegram HTML, under the
// length and entity limits after parsing, and the heading shown.
func TestHTMLLimits(t *testing.T) {
	for _, ex := range card.Examples(card.ExampleNow()) {
		t.Run(ex.Name, func(t *testing.T) {
			msgs := HTML(ex.Card)
			if len(msgs) == 0 {
				t.Fatal("no message")
			}
			for i, m := range msgs {
				checkMessage(t, i, m)
			}
			if h := ex.Card.Heading(); h != "" {
				if text, _, _ := tgfake.ParseHTML(msgs[0]); !strings.HasPrefix(text, h) {
					t.Errorf("first message does not start with the heading %q: %q", h, text)
				}
			}
		})
	}
}

// checkMessage asserts one message is valid and within limits.
func checkMessage(t *testing.T, i int, m string) {
	t.Helper()
	text, ents, err := tgfake.ParseHTML(m)
	if err != nil {
		t.Fatalf("message %d: %v\n%s", i, err, m)
	}
	if n := tgfake.Length(text); n == 0 || n > MaxMessageChars {
		t.Errorf("message %d: %d characters after parsing, want 1..%d", i, n, MaxMessageChars)
	}
	if ents > MaxEntities {
		t.Errorf("message %d: %d entities, want ≤ %d", i, ents, MaxEntities)
	}
}

func TestHTMLBatch200OneMessage(t *testing.T) {
	for _, ex := range card.Examples(card.ExampleNow()) {
		if ex.Name != "batch200" {
			continue
		}
		if msgs := HTML(ex.Card); len(msgs) != 1 {
			t.Fatalf("batch200: %d messages, want 1 (summarised)", len(msgs))
		}
		return
	}
	t.Fatal("no batch200 example")
}

func TestHTMLEscapesEverything(t *testing.T) {
	evil := `<b>x</b> & <a href="https://evil">y</a> <!channel> &amp; <script>`
	c := card.Card{
		Title: evil, Text: evil, Footer: evil,
		Fields:   []card.Field{{Label: evil, Value: evil}},
		Sections: []card.Section{{Title: evil, Lines: []string{evil}, More: 1}},
	}
	msgs := HTML(c)
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	text, _, err := tgfake.ParseHTML(msgs[0])
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(text, evil); n != 7 { // title, text, label, value, section title, row, footer
		t.Errorf("outside text shown verbatim %d times, want 7:\n%s", n, text)
	}
	for _, bad := range []string{"<a ", "<script", "<b>x"} {
		if strings.Contains(msgs[0], bad) {
			t.Errorf("markup %q reached the HTML: %s", bad, msgs[0])
		}
	}
}

func TestHTMLInjectionExampleInert(t *testing.T) {
	for _, ex := range card.Examples(card.ExampleNow()) {
		if ex.Name != "injection" {
			continue
		}
		text, _, err := tgfake.ParseHTML(strings.Join(HTML(ex.Card), "\n"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"<script>alert(1)</script>", "<b>荷兰</b>", "<!here> Evil & Co", `<a href="x">y</a>`, "&amp;"} {
			if !strings.Contains(text, want) {
				t.Errorf("shown text lacks %q verbatim:\n%s", want, text)
			}
		}
	}
}

func TestHTMLSplitsLongText(t *testing.T) {
	long := strings.Repeat("日志 198.51.100.7 & <x>\n", 600) + strings.Repeat("字", 5000)
	msgs := HTML(card.Card{Title: "长文本", Text: long, Footer: "脚注"})
	if len(msgs) < 3 {
		t.Fatalf("%d messages, want the text split", len(msgs))
	}
	var all []string
	for i, m := range msgs {
		checkMessage(t, i, m)
		text, _, _ := tgfake.ParseHTML(m)
		all = append(all, text)
	}
	joined := strings.Join(all, "\n")
	if got, want := strings.Count(joined, "字"), 5000; got != want {
		t.Errorf("%d 字 survived the split, want %d", got, want)
	}
	if got := strings.Count(joined, "198.51.100.7 & <x>"); got != 600 {
		t.Errorf("%d log lines survived, want 600", got)
	}
}

func TestHTMLEntityCap(t *testing.T) {
	var lines []string
	for i := range 300 {
		lines = append(lines, "198.51.100."+strconv.Itoa(i%250))
	}
	msgs := HTML(card.Card{Text: strings.Join(lines, "\n")})
	if len(msgs) < 4 {
		t.Fatalf("%d messages for 300 <code> entities, want ≥ 4", len(msgs))
	}
	for i, m := range msgs {
		checkMessage(t, i, m)
	}
}

func TestHTMLCodeIPs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"恶意 IP  198.51.100.23", "恶意 IP  <code>198.51.100.23</code>"},
		{"2001:db8::1 ok", "<code>2001:db8::1</code> ok"},
		{"版本 1.2.3 时间 12:00", "版本 1.2.3 时间 12:00"},
		{"a<1.2.3.4>", "a&lt;<code>1.2.3.4</code>&gt;"},
		{"deadbeef", "deadbeef"},
	}
	for _, tc := range tests {
		if got := codeIPs(tc.in); got != tc.want {
			t.Errorf("codeIPs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestKeyboard(t *testing.T) {
	long := strings.Repeat("x", 65)
	actions := []card.Action{
		{ID: "report", Label: "查看微步报告", URL: "https://x.threatbook.com/v5/ip/1.2.3.4"},
		{ID: "bad", Label: "坏链接", URL: "javascript:alert(1)"},
		{ID: card.ActionDeep, Label: "深度分析", Value: strings.Repeat("1.2.3.4,", 50)},
		{ID: card.ActionBlock, Label: "申请封禁", Value: "1.2.3.4"},
		{ID: "toolong", Label: "超长", Value: "v"},
		{ID: "nolabel", Label: "  ", Value: "v"},
	}
	ref := func(a card.Action) string {
		if a.ID == "toolong" {
			return long
		}
		return "a:" + a.ID
	}
	kb := keyboard(actions, ref)
	if kb == nil {
		t.Fatal("no keyboard")
	}
	var got []string
	for _, row := range kb.InlineKeyboard {
		if len(row) > buttonsPerRow {
			t.Errorf("row of %d buttons", len(row))
		}
		for _, b := range row {
			switch {
			case b.URL != nil:
				got = append(got, b.Text+"="+*b.URL)
			case b.CallbackData != nil:
				if len(*b.CallbackData) > MaxCallbackData {
					t.Errorf("callback_data %d bytes", len(*b.CallbackData))
				}
				got = append(got, b.Text+"="+*b.CallbackData)
			}
		}
	}
	want := "查看微步报告=https://x.threatbook.com/v5/ip/1.2.3.4 深度分析=a:deep 申请封禁=a:block"
	if strings.Join(got, " ") != want {
		t.Errorf("buttons = %q, want %q", strings.Join(got, " "), want)
	}
	if keyboard(nil, ref) != nil {
		t.Error("keyboard for no actions")
	}
}
