package commands

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"tibot/bot"
	"tibot/card"
	"tibot/intel"
)

func TestSplitCommand(t *testing.T) {
	tests := []struct {
		name      string
		m         bot.Message
		cmd, args string
		isCommand bool
	}{
		{"slash text", bot.Message{Text: "/ip 1.1.1.1"}, "ip", "1.1.1.1", true},
		{"bot suffix", bot.Message{Text: "/IP@tibot_bot  8.8.8.8 "}, "ip", "8.8.8.8", true},
		{"newline args", bot.Message{Text: "/ip\n1.1.1.1\n8.8.8.8"}, "ip", "1.1.1.1\n8.8.8.8", true},
		{"adapter command", bot.Message{Command: "quota"}, "quota", "", true},
		{"chinese alias", bot.Message{Text: "/查询 1.1.1.1"}, "查询", "1.1.1.1", true},
		{"path is a paste", bot.Message{Text: "/var/log/syslog 1.1.1.1"}, "", "/var/log/syslog 1.1.1.1", false},
		{"adapter took a path for a command", bot.Message{Command: "var/log/syslog", Text: "1.1.1.1"}, "", "/var/log/syslog 1.1.1.1", false},
		{"plain text", bot.Message{Text: " see 1.1.1.1 "}, "", "see 1.1.1.1", false},
		{"lone slash", bot.Message{Text: "/ 1.1.1.1"}, "", "/ 1.1.1.1", false},
		{"digit start", bot.Message{Text: "/24 is a prefix"}, "", "/24 is a prefix", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmd, args, ok := splitCommand(&tc.m)
			if cmd != tc.cmd || args != tc.args || ok != tc.isCommand {
				t.Errorf("splitCommand = %q, %q, %v; want %q, %q, %v", cmd, args, ok, tc.cmd, tc.args, tc.isCommand)
			}
		})
	}
}

func TestIgnoresBotsAndEmptyMessages(t *testing.T) {
	lk := &fakeLooker{}
	rt := newTestRouter(t, lk, nil)
	for _, m := range []*bot.Message{
		{Platform: "console", User: "b", FromBot: true, Text: "/ip 1.1.1.1"},
		{Platform: "console", User: "b", FromBot: true, Text: "8.8.8.8"},
		msg(""),
		msg("   \n "),
		msg("good morning, no addresses here"),
		msg("only private: 10.0.0.1 192.168.1.1 127.0.0.1"),
	} {
		var r recorder
		if err := rt.Handle(context.Background(), m, &r); err != nil {
			t.Errorf("%q: %v", m.Text, err)
		}
		if got := r.sent(); len(got) != 0 {
			t.Errorf("%q: replied %d messages, want none", m.Text, len(got))
		}
	}
	if n := len(lk.requests()); n != 0 {
		t.Errorf("%d lookups, want 0", n)
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	rt := newTestRouter(t, &fakeLooker{}, nil)
	var r recorder
	if err := rt.Handle(context.Background(), msg("/help"), &r); err != nil {
		t.Fatal(err)
	}
	out := r.sent()
	if len(out) != 1 {
		t.Fatalf("got %d replies", len(out))
	}
	text := card.Text(out[0].card)
	for _, c := range rt.Commands() {
		if !strings.Contains(text, c.Usage) || !strings.Contains(text, c.Summary) {
			t.Errorf("help lacks /%s usage or summary:\n%s", c.Name, text)
		}
		if len(c.Examples) == 0 || !strings.Contains(text, c.Examples[0]) {
			t.Errorf("help lacks an example of /%s", c.Name)
		}
	}
}

func TestCommandsTable(t *testing.T) {
	rt := newTestRouter(t, &fakeLooker{}, nil)
	names := map[string]bool{}
	for _, c := range rt.Commands() {
		if c.Name == "" || c.Usage == "" || c.Summary == "" {
			t.Errorf("incomplete spec %+v", c)
		}
		names[c.Name] = true
	}
	for _, want := range []string{"ip", "quota", "help", "deep"} {
		if !names[want] {
			t.Errorf("no /%s in Commands()", want)
		}
	}
	if fmt.Sprint(Specs()) != fmt.Sprint(rt.Commands()) {
		t.Error("Specs differs from Router.Commands")
	}
	cmds := rt.Commands()
	cmds[0].Name = "changed"
	if rt.Commands()[0].Name == "changed" {
		t.Error("Commands returns the router's own table")
	}
}

func TestDuplicateCommandIsAnError(t *testing.T) {
	rt := &Router{}
	err := rt.register([]*command{{spec: CommandSpec{Name: "ip"}}, {spec: CommandSpec{Name: "x", Aliases: []string{"IP"}}}})
	if err == nil {
		t.Fatal("duplicate name accepted")
	}
}

func TestUnknownCommandHintsHelp(t *testing.T) {
	rt := newTestRouter(t, &fakeLooker{}, nil)
	err := rt.Handle(context.Background(), msg("/lookup 1.1.1.1"), &recorder{})
	if intel.ErrorCode(err) != intel.EInvalid || !strings.Contains(intel.ErrorMessage(err), "/help") {
		t.Fatalf("err = %v (%q), want EInvalid mentioning /help", err, intel.ErrorMessage(err))
	}
}

func TestNewValidates(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Error("New without Lookup succeeded")
	}
	if _, err := New(Config{Lookup: &fakeLooker{}, MaxCards: -1}); err == nil {
		t.Error("New with a negative limit succeeded")
	}
}

func TestUserErrorAlwaysIntelError(t *testing.T) {
	for _, err := range []error{
		context.DeadlineExceeded,
		context.Canceled,
		errString("boom"),
		intel.Errorf(intel.EQuota, "额度", "x"),
	} {
		got := userError(err)
		if _, ok := got.(*intel.Error); !ok {
			t.Errorf("userError(%v) = %T, want *intel.Error", err, got)
		}
		if intel.ErrorMessage(got) == "" {
			t.Errorf("userError(%v) has no message", err)
		}
	}
	if got := intel.ErrorCode(userError(context.DeadlineExceeded)); got != intel.EUpstream {
		t.Errorf("timeout code = %s", got)
	}
}

type errString string

func (e errString) Error() string { return string(e) }
