package slack

import (
	"encoding/json"
	"testing"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"tibot/bot/slack/slackfake"
)

// parseEvent runs an events_api payload through slack-go's parser, as
// Socket Mode does.
func parseEvent(t *testing.T, env slackfake.Envelope) slackevents.EventsAPIEvent {
	t.Helper()
	raw, err := json.Marshal(env.Payload)
	if err != nil {
		t.Fatal(err)
	}
	e, err := slackevents.ParseEvent(raw, slackevents.OptionNoVerifyToken())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1.2.3.4 &amp; 5.6.7.8", "1.2.3.4 & 5.6.7.8"},
		{"&lt;!channel&gt; 1.2.3.4", "<!channel> 1.2.3.4"},
		{"see <http://1.2.3.4/x|1.2.3.4/x>", "see http://1.2.3.4/x"},
		{"see <http://1.2.3.4>", "see http://1.2.3.4"},
		{"<https://evil.example|203.0.113.5>", "https://evil.example (203.0.113.5)"},
		{"<mailto:a@b.c|a@b.c>", "a@b.c"},
		{"hi <@U123> and <@U9|bob>", "hi @U123 and @bob"},
		{"in <#C123|soc> now", "in #soc now"},
		{"<!here> <!subteam^S1|@oncall>", "@here @oncall"},
		{"&amp;lt;not markup&amp;gt;", "&lt;not markup&gt;"},
		{"src=198.51.100.7&gt;dst", "src=198.51.100.7>dst"},
	}
	for _, tc := range tests {
		if got := plainText(tc.in); got != tc.want {
			t.Errorf("plainText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFromEventsAPI(t *testing.T) {
	mention := slackfake.Message("C1", "U1", "1.5", "<@UBOT> check <http://198.51.100.7|198.51.100.7>")
	mention["type"] = "app_mention"
	edited := slackfake.Message("C1", "U1", "1.6", "1.2.3.4")
	edited["subtype"] = "message_changed"
	botMsg := slackfake.Message("C1", "U2", "1.7", "1.2.3.4")
	botMsg["bot_id"] = "B2"
	botSub := slackfake.Message("C1", "", "1.8", "1.2.3.4")
	botSub["subtype"] = "bot_message"
	threaded := slackfake.Message("C1", "U1", "1.9", "1.2.3.4")
	threaded["thread_ts"] = "1.1"
	tests := []struct {
		name               string
		event              map[string]any
		ok                 bool
		text, thread, user string
		direct             bool
	}{
		{"channel message", slackfake.Message("C1", "U1", "1.1", "a &amp; 1.2.3.4"), true, "a & 1.2.3.4", "1.1", "U1", false},
		{"dm", slackfake.Message("D1", "U1", "1.2", "1.2.3.4"), true, "1.2.3.4", "1.2", "U1", true},
		{"mention stripped", mention, true, "check http://198.51.100.7", "1.5", "U1", false},
		{"thread reply stays in thread", threaded, true, "1.2.3.4", "1.1", "U1", false},
		{"edit ignored", edited, false, "", "", "", false},
		{"other bot ignored", botMsg, false, "", "", "", false},
		{"bot_message ignored", botSub, false, "", "", "", false},
		{"own message ignored", slackfake.Message("C1", "UBOT", "1.3", "1.2.3.4"), false, "", "", "", false},
		{"own CSV upload (file_shared) ignored", slackfake.FileShared("C1", "UBOT", "F9"), false, "", "", "", false},
		{"empty ignored", slackfake.Message("C1", "U1", "1.4", "<@UBOT>"), false, "", "", "", false},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := testAdapter(t)
			d, ok := a.fromEventsAPI(parseEvent(t, slackfake.Event("e", "Ev"+string(rune('a'+i)), tc.event)))
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			m := d.msg
			if m.Text != tc.text || m.Thread != tc.thread || m.User != tc.user || m.Direct != tc.direct || m.Platform != "slack" {
				t.Errorf("got %+v", m)
			}
			if d.rep.thread != tc.thread || d.rep.chat != m.Chat {
				t.Errorf("replier %q/%q", d.rep.chat, d.rep.thread)
			}
		})
	}
}

func TestDedupe(t *testing.T) {
	a, _ := testAdapter(t)
	msg := slackfake.Message("C1", "U1", "1.1", "1.2.3.4")
	if _, ok := a.fromEventsAPI(parseEvent(t, slackfake.Event("e1", "Ev1", msg))); !ok {
		t.Fatal("first delivery dropped")
	}
	if _, ok := a.fromEventsAPI(parseEvent(t, slackfake.Event("e2", "Ev1", msg))); ok {
		t.Error("same event_id answered twice")
	}
	// A redelivery is recognised by its event_id alone, even if its
	// message would not be (here: another ts).
	if _, ok := a.fromEventsAPI(parseEvent(t, slackfake.Event("e2b", "Ev1", slackfake.Message("C1", "U1", "1.9", "1.2.3.4")))); ok {
		t.Error("same event_id with another ts answered twice")
	}
	mention := slackfake.Message("C1", "U1", "1.1", "<@UBOT> 1.2.3.4")
	mention["type"] = "app_mention"
	if _, ok := a.fromEventsAPI(parseEvent(t, slackfake.Event("e3", "Ev2", mention))); ok {
		t.Error("app_mention of an answered message answered again")
	}
}

func TestFileShareAnsweredOnce(t *testing.T) {
	fake := slackfake.New(t)
	f := slackfake.File{ID: "F1", Name: "fw.log", Mimetype: "text/plain", Filetype: "text", Content: []byte("1.2.3.4\n")}
	for _, order := range []string{"message first", "file_shared first"} {
		t.Run(order, func(t *testing.T) {
			a, _ := testAdapter(t)
			msg := parseEvent(t, slackfake.Event("e1", "Ev1", fake.FileShareMessage("C1", "U1", "1.1", f)))
			shared := parseEvent(t, slackfake.Event("e2", "Ev2", slackfake.FileShared("C1", "U1", "F1")))
			first, second := msg, shared
			if order != "message first" {
				first, second = shared, msg
			}
			d, ok := a.fromEventsAPI(first)
			if !ok {
				t.Fatal("first delivery dropped")
			}
			if d.prepare == nil && (len(d.msg.Files) != 1 || d.msg.Files[0].Name != "fw.log" || d.msg.Files[0].Size != 8) {
				t.Errorf("files = %+v", d.msg.Files)
			}
			if _, ok := a.fromEventsAPI(second); ok {
				t.Error("file answered twice")
			}
		})
	}
}

func TestFromSlashAndInteraction(t *testing.T) {
	a, _ := testAdapter(t)
	d := a.fromSlash(slackapi.SlashCommand{Command: "/IP", Text: "198.51.100.7 &amp; <http://1.2.3.4|1.2.3.4>",
		ChannelID: "C1", UserID: "U1", TeamID: "T1", ResponseURL: "https://hooks.invalid/1"})
	if m := d.msg; m.Command != "ip" || m.Text != "198.51.100.7 & http://1.2.3.4" || m.Chat != "C1" || m.Team != "T1" {
		t.Errorf("slash = %+v", m)
	}
	if d.rep.thread != "" || d.rep.responseURL == "" {
		t.Errorf("slash replier thread %q url %q", d.rep.thread, d.rep.responseURL)
	}
	long := "203.0.113.1,203.0.113.2"
	a.values.add("ref:abc", long)
	for _, tc := range []struct{ actionID, value, wantID, wantValue string }{
		{"deep", "198.51.100.7", "deep", "198.51.100.7"},
		{"deep~2", "1.2.3.4", "deep", "1.2.3.4"},
		{"block_all", "ref:abc", "block_all", long},
		{"block_all", "ref:gone", "block_all", ""},
	} {
		var cb slackapi.InteractionCallback
		raw, _ := json.Marshal((&slackfake.Server{}).Action("e", "C1", "U1", "1.5", tc.actionID, tc.value).Payload)
		if err := json.Unmarshal(raw, &cb); err != nil {
			t.Fatal(err)
		}
		d, ok := a.fromInteraction(cb)
		if !ok {
			t.Fatalf("%s dropped", tc.actionID)
		}
		act := d.msg.Action
		if act.ID != tc.wantID || act.Value != tc.wantValue || act.Ref.ID != "1.5" || act.Ref.Chat != "C1" || d.rep.thread != "1.5" {
			t.Errorf("%s: action %+v thread %q", tc.actionID, act, d.rep.thread)
		}
	}
}
