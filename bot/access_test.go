package bot_test

import (
	"context"
	"testing"

	"tibot/bot"
	"tibot/card"
	"tibot/internal/fake"
)

func TestAccess(t *testing.T) {
	a := bot.Access{
		Admins: []string{"slack:UADMIN", " Telegram:42 ", "console", "telegram:"},
		Allow:  []string{"telegram:100", "telegram:-200", "slack:T1", "slack:CSOC", "slack:UGUEST", "bogus"},
	}
	noSlackAllow := bot.Access{Allow: []string{"telegram:100"}}
	open := bot.Access{OpenPlatforms: map[string]bool{"matrix": true}}
	tests := []struct {
		name           string
		a              bot.Access
		m              bot.Message
		admin, allowed bool
	}{
		{"telegram admin", a, bot.Message{Platform: "telegram", User: "42", Chat: "999"}, true, true},
		{"telegram listed user", a, bot.Message{Platform: "telegram", User: "100", Chat: "100"}, false, true},
		{"telegram listed group", a, bot.Message{Platform: "telegram", User: "7", Chat: "-200"}, false, true},
		{"telegram stranger", a, bot.Message{Platform: "telegram", User: "7", Chat: "7"}, false, false},
		{"telegram empty id entry matches nothing", a, bot.Message{Platform: "telegram", Chat: "x"}, false, false},
		{"telegram with no allow", bot.Access{}, bot.Message{Platform: "telegram", User: "1", Chat: "1"}, false, false},
		{"slack admin", a, bot.Message{Platform: "slack", User: "UADMIN", Chat: "CX", Team: "T9"}, true, true},
		{"slack listed team", a, bot.Message{Platform: "slack", User: "U1", Chat: "CX", Team: "T1"}, false, true},
		{"slack listed channel", a, bot.Message{Platform: "slack", User: "U1", Chat: "CSOC", Team: "T9"}, false, true},
		{"slack listed user", a, bot.Message{Platform: "slack", User: "UGUEST", Chat: "CX", Team: "T9"}, false, true},
		{"slack narrowed stranger", a, bot.Message{Platform: "slack", User: "U1", Chat: "CX", Team: "T9"}, false, false},
		{"slack open workspace", noSlackAllow, bot.Message{Platform: "slack", User: "U1", Chat: "CX", Team: "T9"}, false, true},
		{"slack id is not telegram id", a, bot.Message{Platform: "telegram", User: "UGUEST", Chat: "T1"}, false, false},
		{"team only counts on slack", a, bot.Message{Platform: "telegram", User: "7", Chat: "7", Team: "100"}, false, false},
		{"console always", bot.Access{}, bot.Message{Platform: "console", User: "analyst"}, false, true},
		{"console admin needs entry", bot.Access{Admins: []string{"console:analyst"}}, bot.Message{Platform: "console", User: "analyst"}, true, true},
		{"open platform", open, bot.Message{Platform: "matrix", User: "u"}, false, true},
		{"unknown platform closed", a, bot.Message{Platform: "matrix", User: "u"}, false, false},
		{"platform case", a, bot.Message{Platform: "TELEGRAM", User: "100"}, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.IsAdmin(&tc.m); got != tc.admin {
				t.Errorf("IsAdmin = %v, want %v", got, tc.admin)
			}
			if got := tc.a.Allowed(&tc.m); got != tc.allowed {
				t.Errorf("Allowed = %v, want %v", got, tc.allowed)
			}
		})
	}
	if a.IsAdmin(nil) || a.Allowed(nil) {
		t.Error("nil message allowed")
	}
}

func TestRequireAccess(t *testing.T) {
	a := bot.Access{Allow: []string{"telegram:100"}}
	tests := []struct {
		name      string
		m         bot.Message
		plain     bool
		handled   bool
		replies   int
		ephemeral int
	}{
		{"allowed", bot.Message{Platform: "telegram", User: "100", Chat: "100", Command: "ip"}, false, true, 0, 0},
		{"command from stranger", bot.Message{Platform: "telegram", User: "7", Chat: "7", Command: "ip"}, true, false, 1, 0},
		{"DM paste from stranger", bot.Message{Platform: "telegram", User: "7", Chat: "7", Direct: true, Text: "1.2.3.4"}, true, false, 1, 0},
		{"button from stranger", bot.Message{Platform: "telegram", User: "7", Chat: "-5", Action: &bot.Action{ID: "block", Value: "1.2.3.4"}}, true, false, 1, 0},
		{"mention prefers ephemeral", bot.Message{Platform: "telegram", User: "7", Chat: "-5", Mention: true}, false, false, 0, 1},
		{"group chatter is silent", bot.Message{Platform: "telegram", User: "7", Chat: "-5", Text: "see 1.2.3.4"}, false, false, 0, 0},
		{"group file is silent", bot.Message{Platform: "telegram", User: "7", Chat: "-5", Files: []bot.File{{Name: "a.log"}}}, false, false, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			handled := false
			h := bot.Chain(bot.HandlerFunc(func(context.Context, *bot.Message, bot.Replier) error {
				handled = true
				return nil
			}), bot.RequireAccess(a))
			rec := &fake.Replier{}
			var r bot.Replier = rec
			if tc.plain {
				r = fake.PlainReplier{R: rec}
			}
			if err := h.Handle(context.Background(), &tc.m, r); err != nil {
				t.Fatal(err)
			}
			if handled != tc.handled {
				t.Errorf("handled = %v, want %v", handled, tc.handled)
			}
			if len(rec.Replies()) != tc.replies || len(rec.Ephemerals()) != tc.ephemeral {
				t.Fatalf("replies %d ephemeral %d, want %d %d", len(rec.Replies()), len(rec.Ephemerals()), tc.replies, tc.ephemeral)
			}
			want := card.Text(card.Unauthorized("telegram", "7"))
			for _, c := range append(rec.Replies(), rec.Ephemerals()...) {
				if card.Text(c) != want {
					t.Errorf("reply %q, want %q", card.Text(c), want)
				}
			}
		})
	}
}
