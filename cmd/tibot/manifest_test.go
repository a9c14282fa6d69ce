package main

import (
	"context"
	"net/netip"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	slackapi "github.com/slack-go/slack"
	"go.yaml.in/yaml/v3"

	"tibot/commands"
	"tibot/intel"
	"tibot/lookup"
)

// slackNoLookup satisfies commands.Looker for building the command table.
type slackNoLookup struct{}

func (slackNoLookup) Lookup(context.Context, lookup.Request) (lookup.Result, error) {
	return lookup.Result{}, nil
}
func (slackNoLookup) Deep(context.Context, netip.Addr, intel.Subject, bool) (intel.Verdict, error) {
	return intel.Verdict{}, nil
}

// loadSlackManifest decodes app-manifest.yaml strictly: a misspelt key fails.
func loadSlackManifest(t *testing.T) slackapi.Manifest {
	t.Helper()
	f, err := os.Open("../../app-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	var m slackapi.Manifest
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("app-manifest.yaml: %v", err)
	}
	return m
}

// TestManifestMatchesCommandTable checks the slash commands against the
// router's command table, both ways.
func TestManifestMatchesCommandTable(t *testing.T) {
	m := loadSlackManifest(t)
	rt, err := commands.New(commands.Config{Lookup: slackNoLookup{}})
	if err != nil {
		t.Fatal(err)
	}
	var table, declared []string
	for _, c := range rt.Commands() {
		table = append(table, "/"+c.Name)
	}
	for _, c := range m.Features.SlashCommands {
		declared = append(declared, c.Command)
		if strings.TrimSpace(c.Description) == "" || len([]rune(c.Description)) > 100 {
			t.Errorf("%s: description must be 1..100 characters", c.Command)
		}
		if c.Url != "" {
			t.Errorf("%s: url set, but the app runs in Socket Mode", c.Command)
		}
	}
	sort.Strings(table)
	sort.Strings(declared)
	if !slices.Equal(table, declared) {
		t.Errorf("slash commands %v, command table %v", declared, table)
	}
}

func TestManifestScopesEventsAndSocketMode(t *testing.T) {
	m := loadSlackManifest(t)
	wantScopes := []string{"app_mentions:read", "channels:history", "chat:write", "commands", "files:read",
		"files:write", "groups:history", "im:history", "mpim:history"}
	if got := slackSorted(m.OAuthConfig.Scopes.Bot); !slices.Equal(got, wantScopes) {
		t.Errorf("bot scopes %v, want %v", got, wantScopes)
	}
	if m.Settings.EventSubscriptions == nil {
		t.Fatal("no event_subscriptions")
	}
	wantEvents := []string{"app_mention", "file_shared", "message.channels", "message.groups", "message.im", "message.mpim"}
	if got := slackSorted(m.Settings.EventSubscriptions.BotEvents); !slices.Equal(got, wantEvents) {
		t.Errorf("bot events %v, want %v", got, wantEvents)
	}
	if !m.Settings.SocketModeEnabled {
		t.Error("socket_mode_enabled is off")
	}
	if m.Settings.Interactivity == nil || !m.Settings.Interactivity.IsEnabled {
		t.Error("interactivity is off: buttons would not work")
	}
	if !m.Features.AppHome.MessagesTabEnabled {
		t.Error("messages tab off: users cannot DM the bot")
	}
}

func slackSorted(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return out
}
