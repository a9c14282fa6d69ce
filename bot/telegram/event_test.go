package telegram

import (
	"strconv"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"tibot/bot/telegram/tgfake"
)

func TestMessageConversion(t *testing.T) {
	a, _, _ := newTestAdapter(t, Config{Token: tgfake.Token})
	a.self = tgbotapi.User{ID: 99, UserName: "TiBot"}
	user := &tgbotapi.User{ID: 42, UserName: "ana"}
	botUser := &tgbotapi.User{ID: 43, IsBot: true, FirstName: "Other", LastName: "Bot"}
	group := &tgbotapi.Chat{ID: -100123, Type: "supergroup"}
	dm := &tgbotapi.Chat{ID: 42, Type: "private"}
	tests := []struct {
		name          string
		from          *tgbotapi.User
		chat          *tgbotapi.Chat
		text          string
		keep          bool
		cmd, wantText string
	}{
		{"command", user, dm, "/ip 1.2.3.4", true, "ip", "1.2.3.4"},
		{"command to me in a group", user, group, "/ip@TiBot 1.2.3.4 5.6.7.8", true, "ip", "1.2.3.4 5.6.7.8"},
		{"case-insensitive name", user, group, "/IP@tibot\n1.2.3.4", true, "ip", "1.2.3.4"},
		{"command to another bot", user, group, "/ip@OtherBot 1.2.3.4", false, "", ""},
		{"bare command", user, group, "/help", true, "help", ""},
		{"path is not a command", user, dm, "/var/log/auth.log: 1.2.3.4", true, "", "/var/log/auth.log: 1.2.3.4"},
		{"paste", user, group, "Failed password from 203.0.113.7\nagain", true, "", "Failed password from 203.0.113.7\nagain"},
		{"empty", user, dm, "  ", false, "", ""},
		{"from a bot", botUser, group, "hi 1.2.3.4", true, "", "hi 1.2.3.4"},
		{"no sender", nil, group, "x", false, "", ""},
		{"mention", user, group, "@tibot 看看\n203.0.113.7 x", true, "", "看看\n203.0.113.7 x"},
		{"other mention", user, group, "@tibotx hi", true, "", "@tibotx hi"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, ok := a.message(&tgbotapi.Message{MessageID: 7, From: tc.from, Chat: tc.chat, Text: tc.text})
			if ok != tc.keep {
				t.Fatalf("kept = %v, want %v", ok, tc.keep)
			}
			if !ok {
				return
			}
			if m.Command != tc.cmd || m.Text != tc.wantText {
				t.Errorf("command %q text %q, want %q %q", m.Command, m.Text, tc.cmd, tc.wantText)
			}
			if m.Chat != tgbotapiID(tc.chat.ID) || m.User != tgbotapiID(tc.from.ID) || m.ID != "7" || m.Thread != "7" {
				t.Errorf("ids %+v", m)
			}
			if m.Mention != strings.HasPrefix(tc.name, "mention") {
				t.Errorf("mention = %v", m.Mention)
			}
			if m.Direct != (tc.chat.Type == "private") || m.FromBot != tc.from.IsBot {
				t.Errorf("direct %v fromBot %v", m.Direct, m.FromBot)
			}
		})
	}
}

func tgbotapiID(id int64) string { return strconv.FormatInt(id, 10) }

func TestDocumentMessage(t *testing.T) {
	a, _, _ := newTestAdapter(t, Config{Token: tgfake.Token})
	m, ok := a.message(&tgbotapi.Message{MessageID: 3, From: &tgbotapi.User{ID: 1}, Chat: &tgbotapi.Chat{ID: 1, Type: "private"},
		Caption: "看看这个", Document: &tgbotapi.Document{FileID: "f", FileName: "fw.log", MimeType: "text/plain", FileSize: 12}})
	if !ok || len(m.Files) != 1 || m.Files[0].Size != 12 || m.Files[0].Name != "fw.log" || m.Text != "看看这个" {
		t.Fatalf("document message %+v", m)
	}
}

func TestReplyToBotIsMention(t *testing.T) {
	a, _, _ := newTestAdapter(t, Config{Token: tgfake.Token})
	a.self = tgbotapi.User{ID: 99, UserName: "TiBot"}
	m, ok := a.message(&tgbotapi.Message{MessageID: 5, From: &tgbotapi.User{ID: 1}, Chat: &tgbotapi.Chat{ID: -5, Type: "group"},
		Text: "again 203.0.113.9", ReplyToMessage: &tgbotapi.Message{From: &tgbotapi.User{ID: 99, IsBot: true}}})
	if !ok || !m.Mention || m.Text != "again 203.0.113.9" {
		t.Fatalf("reply to the bot: %+v", m)
	}
}
