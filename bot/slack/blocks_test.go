package slack

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tibot/bot/slack/slackfake"
	"tibot/card"
	"tibot/internal/fake"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json")

// goldenMessage is what a golden file holds: the message as posted.
type goldenMessage struct {
	Text   string          `json:"text"`
	Blocks json.RawMessage `json:"blocks"`
}

// TestBlocksGolden renders every card example and compares it with
// testdata/<name>.golden.json.
func TestBlocksGolden(t *testing.T) {
	for _, ex := range card.Examples(card.ExampleNow()) {
		t.Run(ex.Name, func(t *testing.T) {
			got := marshal(t, goldenMessage{Text: FallbackText(ex.Card), Blocks: marshal(t, Blocks(ex.Card), "")}, "  ")
			fake.Golden(t, filepath.Join("testdata", ex.Name+".golden.json"), got, *update)
		})
	}
}

// marshal encodes v as JSON without HTML escaping (so goldens show the
// mrkdwn entities as Slack receives them), indented when indent is set.
func marshal(t *testing.T, v any, indent string) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGoldenCoverage makes sure the cases the issue names have goldens.
func TestGoldenCoverage(t *testing.T) {
	for _, name := range []string{"malicious", "suspicious", "clean", "trusted", "unknown", "ipv6",
		"batch200", "quota_exhausted", "error", "injection"} {
		if _, err := os.Stat(filepath.Join("testdata", name+".golden.json")); err != nil {
			t.Errorf("missing golden for %s: %v", name, err)
		}
	}
}

// TestBlocksWithinLimits validates every example, and cards built to
// overflow each limit, with the fake's validator.
func TestBlocksWithinLimits(t *testing.T) {
	cases := map[string]card.Card{}
	for _, ex := range card.Examples(card.ExampleNow()) {
		cases[ex.Name] = ex.Card
	}
	for name, c := range oversizedCards() {
		cases[name] = c
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			raw := marshal(t, Blocks(c), "")
			if err := slackfake.ValidateBlocks(raw); err != nil {
				t.Errorf("invalid blocks:\n%v", err)
			}
			if n := slackfake.Len(FallbackText(c)); n == 0 || n > maxFallbackText {
				t.Errorf("fallback text length %d", n)
			}
		})
	}
}

// oversizedCards break every limit on purpose.
func oversizedCards() map[string]card.Card {
	long := strings.Repeat("长", 5000)
	var lines []string
	for i := range 2000 {
		lines = append(lines, fmt.Sprintf("203.0.113.%d   远控、僵尸网络   严重   荷兰 <!channel> & %d", i%256, i))
	}
	var fields []card.Field
	for i := range 37 {
		fields = append(fields, card.Field{Label: fmt.Sprint("F", i), Value: long, Short: i%5 != 0})
	}
	var actions []card.Action
	for range 60 {
		actions = append(actions, card.Action{ID: "deep", Label: long, Value: strings.Repeat("1.2.3.4,", 400)})
	}
	actions = append(actions, card.Action{ID: "link", Label: "报告", URL: "javascript:alert(1)"})
	var shortFields []card.Field
	for i := range 25 {
		shortFields = append(shortFields, card.Field{Label: fmt.Sprint("F", i), Value: "v", Short: true})
	}
	var tinySections []card.Section
	for i := range 80 {
		tinySections = append(tinySections, card.Section{Title: fmt.Sprint("S", i), Lines: []string{"203.0.113.1"}})
	}
	return map[string]card.Card{
		// Small enough in text that only the count limits bind.
		"many_short_fields": {Title: "字段", Fields: shortFields},
		"many_sections":     {Title: "分组", Sections: tinySections},
		"huge_everything": {Title: long, Text: long + "\n" + long, Fields: fields,
			Sections: []card.Section{{Title: long, Lines: lines, More: 5}, {Title: "二", Lines: lines}},
			Actions:  actions, Footer: long},
		"huge_lines":   {Title: "批量", Sections: []card.Section{{Title: "恶意", Lines: lines}}},
		"one_line":     {Text: strings.Repeat("<&>", 3000)},
		"emoji_header": {Icon: "🔴", Title: strings.Repeat("😀", 200)},
		"empty":        {},
	}
}

// TestBlocksSummarises checks that cut lists say how much was left out.
func TestBlocksSummarises(t *testing.T) {
	c := oversizedCards()["huge_lines"]
	raw := marshal(t, Blocks(c), "")
	if !strings.Contains(string(raw), "… 另有 ") {
		t.Fatalf("no summary in %s", raw)
	}
	bs := Blocks(c)
	if len(bs) > maxBlocks {
		t.Fatalf("%d blocks", len(bs))
	}
}

// TestBlocksEscaping checks that no text reaches Slack with markup: the
// injection example carries <!channel> and <script> in API fields.
func TestBlocksEscaping(t *testing.T) {
	for _, ex := range card.Examples(card.ExampleNow()) {
		raw := marshal(t, Blocks(ex.Card), "")
		for _, bad := range []string{"<!channel>", "<script>", "<!here>", "<@"} {
			if strings.Contains(string(raw), bad) {
				t.Errorf("%s: %q unescaped", ex.Name, bad)
			}
		}
		if ex.Name == "injection" && !strings.Contains(string(raw), "&lt;script&gt;") {
			t.Errorf("injection: expected escaped <script>, got %s", raw)
		}
	}
}

func TestEscapeAndClip(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{"plain", "abc", 10, "abc"},
		{"entities", "<!channel> & co", 100, "&lt;!channel&gt; &amp; co"},
		{"only three", `"'*_~` + "`", 100, `"'*_~` + "`"},
		{"clip before entity", "ab<cd", 5, "ab…"},
		{"clip runes", "恶意恶意恶意", 4, "恶意恶…"},
		{"surrogates count twice", "😀😀😀", 5, "😀😀…"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := clipEscaped(tc.in, tc.max); got != tc.want {
				t.Errorf("clipEscaped(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
		})
	}
}

func TestActionIDs(t *testing.T) {
	c := card.Card{Text: "x", Actions: []card.Action{
		{ID: "deep", Label: "a", Value: "1"}, {ID: "deep", Label: "b", Value: "2"},
		{ID: "report", Label: "报告", URL: "https://x.threatbook.com/v5/ip/1.2.3.4"},
		{ID: "block_all", Label: "全部", Value: strings.Repeat("203.0.113.1,", 300)},
	}}
	raw := marshal(t, Blocks(c), "")
	for _, want := range []string{`"action_id":"deep"`, `"action_id":"deep~2"`, `"action_id":"link:report"`, `"value":"ref:`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("missing %s in %s", want, raw)
		}
	}
	for in, want := range map[string]string{"deep": "deep", "deep~2": "deep", "a~b": "a~b", "link:report": ""} {
		got, ok := parseActionID(in)
		if got != want || ok != (want != "") {
			t.Errorf("parseActionID(%q) = %q, %v", in, got, ok)
		}
	}
	refs := longValues(c)
	if len(refs) != 1 {
		t.Fatalf("longValues = %v", refs)
	}
	for ref, v := range refs {
		if !strings.HasPrefix(ref, valueRefPrefix) || v != c.Actions[3].Value {
			t.Errorf("ref %q -> %.20q", ref, v)
		}
	}
}
