package commands_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// depRule is the dependency rule of design.md §1 for one package (and its
// subpackages, unless a longer rule matches): which module packages it may
// depend on, transitively, and which third-party modules it may pull in.
type depRule struct {
	prefix string
	// allow lists module packages (relative to the module root, prefix
	// match) the package may depend on. nil with any=true allows everything.
	allow []string
	any   bool
	// sdks lists third-party module path prefixes the package may depend on.
	sdks []string
	// noHTTP forbids importing net/http directly: the outbound HTTP client
	// lives in threatbook (servers live in blocklist and cmd).
	noHTTP bool
}

const (
	xtime       = "golang.org/x/time" // rate limiting, allowed where calls go out
	slackSDK    = "github.com/slack-go/slack"
	telegramSDK = "github.com/go-telegram-bot-api/telegram-bot-api"
	bboltSDK    = "go.etcd.io/bbolt"
)

// depRules is design.md §1 "Dependency direction", one row per package
// family. Every package of the module must match a row.
var depRules = []depRule{
	{prefix: "cmd", any: true},
	{prefix: "intel", noHTTP: true},
	{prefix: "ioc", noHTTP: true},
	{prefix: "card", allow: []string{"intel"}, noHTTP: true},
	{prefix: "bot", allow: []string{"card", "intel"}, noHTTP: true},
	{prefix: "bot/console", allow: []string{"bot", "card", "intel"}, noHTTP: true},
	{prefix: "bot/slack", allow: []string{"bot", "card", "intel"}, sdks: []string{slackSDK, "github.com/gorilla/websocket", xtime}},
	{prefix: "bot/telegram", allow: []string{"bot", "card", "intel"}, sdks: []string{telegramSDK, xtime}},
	{prefix: "commands", allow: []string{"bot", "card", "lookup", "intel", "ioc"}, noHTTP: true},
	{prefix: "digest", allow: []string{"bot", "card", "lookup", "intel", "ioc"}, noHTTP: true},
	{prefix: "lookup", allow: []string{"intel", "ioc"}, noHTTP: true},
	{prefix: "threatbook", allow: []string{"intel"}, sdks: []string{xtime}},
	{prefix: "threatbook/threatbooktest", allow: []string{"threatbook", "intel"}},
	{prefix: "storage", allow: []string{"intel"}, sdks: []string{bboltSDK, "golang.org/x/sys"}, noHTTP: true},
	{prefix: "blocklist", allow: []string{"intel"}},
	{prefix: "internal/fake", allow: []string{"intel", "ioc", "card", "bot", "lookup"}, noHTTP: true},
	{prefix: "internal/metrics"},
}

// ruleFor returns the longest rule whose prefix matches pkg.
func ruleFor(pkg string) (depRule, bool) {
	var best depRule
	found := false
	for _, r := range depRules {
		if (pkg == r.prefix || strings.HasPrefix(pkg, r.prefix+"/")) && len(r.prefix) >= len(best.prefix) {
			best, found = r, true
		}
	}
	return best, found
}

type listedPkg struct {
	path    string
	deps    []string
	imports []string
}

// listModule runs `go list` over the whole module (production code only).
func listModule(t *testing.T) []listedPkg {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go tool not in PATH")
	}
	out, err := exec.Command("go", "list", "-e", "-f",
		"{{.ImportPath}}\t{{join .Deps \",\"}}\t{{join .Imports \",\"}}", "tibot/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []listedPkg
	for line := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			t.Fatalf("go list: unexpected line %q", line)
		}
		pkgs = append(pkgs, listedPkg{f[0], splitList(f[1]), splitList(f[2])})
	}
	return pkgs
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// TestDependencyRules enforces design.md §1: every module package depends
// only on the packages its row allows, each SDK stays in its one package,
// and no core package makes HTTP calls.
func TestDependencyRules(t *testing.T) {
	for _, p := range listModule(t) {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.path, "tibot"), "/")
		if rel == "" {
			rel = "."
		}
		r, ok := ruleFor(rel)
		if !ok {
			t.Errorf("%s: no dependency rule; add a row to depRules (design.md §1)", p.path)
			continue
		}
		for _, d := range p.deps {
			if msg := checkDep(rel, r, d); msg != "" {
				t.Errorf("%s → %s: %s", p.path, d, msg)
			}
		}
		if r.noHTTP && slices.Contains(p.imports, "net/http") {
			t.Errorf("%s imports net/http: only threatbook makes outbound HTTP calls (design.md §1)", p.path)
		}
	}
}

// checkDep returns why dep is forbidden for the package rel, or "".
func checkDep(rel string, r depRule, dep string) string {
	if r.any {
		return ""
	}
	if dep == "tibot" || strings.HasPrefix(dep, "tibot/") {
		d := strings.TrimPrefix(dep, "tibot/")
		if strings.HasPrefix(d, "cmd/") || d == "cmd" {
			return "nothing imports cmd"
		}
		if dr, ok := ruleFor(d); ok && dr.prefix == r.prefix {
			return "" // a subpackage without a rule of its own, e.g. threatbook/internal/x
		}
		for _, a := range r.allow {
			if d == a || (strings.HasPrefix(d, a+"/") && ruleAllowsSub(a, d)) {
				return ""
			}
		}
		return "forbidden module dependency"
	}
	first, _, _ := strings.Cut(dep, "/")
	if !strings.Contains(first, ".") {
		return "" // standard library
	}
	for _, s := range r.sdks {
		if strings.HasPrefix(dep, s) {
			return ""
		}
	}
	return "third-party dependency outside its one package"
}

// ruleAllowsSub reports whether allowing package a also allows its
// subpackage d: only when d has no rule of its own (bot allows card, but
// allowing bot must not allow bot/slack).
func ruleAllowsSub(a, d string) bool {
	r, ok := ruleFor(d)
	return ok && r.prefix == a
}

// TestDepRuleCheck pins the checker itself, so a broken rule table cannot
// silently pass everything.
func TestDepRuleCheck(t *testing.T) {
	tests := []struct {
		pkg, dep string
		ok       bool
	}{
		{"commands", "tibot/lookup", true},
		{"commands", "tibot/threatbook", false},
		{"commands", "tibot/storage", false},
		{"commands", "tibot/bot/slack", false},
		{"commands", "tibot/bot", true},
		{"commands", "go.etcd.io/bbolt", false},
		{"commands", "context", true},
		{"lookup", "tibot/bot", false},
		{"intel", "tibot/ioc", false},
		{"card", "tibot/intel", true},
		{"bot", "tibot/commands", false},
		{"bot", "tibot/bot/slack", false},
		{"bot/slack", "tibot/bot/telegram", false},
		{"bot/slack", slackSDK, true},
		{"bot/telegram", slackSDK, false},
		{"storage", bboltSDK, true},
		{"storage", "tibot/card", false},
		{"threatbook/threatbooktest", "tibot/threatbook", true},
		{"digest", "tibot/cmd/tibot", false},
		{"cmd/tibot", "tibot/storage", true},
	}
	for _, tc := range tests {
		r, ok := ruleFor(tc.pkg)
		if !ok {
			t.Fatalf("no rule for %s", tc.pkg)
		}
		if got := checkDep(tc.pkg, r, tc.dep) == ""; got != tc.ok {
			t.Errorf("%s → %s allowed = %v, want %v", tc.pkg, tc.dep, got, tc.ok)
		}
	}
}
