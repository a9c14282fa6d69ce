package card_test

import (
	"flag"
	"path/filepath"
	"testing"

	"tibot/card"
	"tibot/internal/fake"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.txt")

// TestGolden renders every example with Text and compares it with
// testdata/<name>.golden.txt.
func TestGolden(t *testing.T) {
	for _, ex := range card.Examples(card.ExampleNow()) {
		t.Run(ex.Name, func(t *testing.T) {
			got := card.Text(ex.Card) + "\n"
			fake.Golden(t, filepath.Join("testdata", ex.Name+".golden.txt"), []byte(got), *update)
		})
	}
}

// TestExamplesDeterministic guards the contract the adapters' golden tests
// rely on: same now, same cards.
func TestExamplesDeterministic(t *testing.T) {
	a, b := card.Examples(card.ExampleNow()), card.Examples(card.ExampleNow())
	if len(a) != len(b) {
		t.Fatal("example count differs")
	}
	seen := map[string]bool{}
	for i := range a {
		if seen[a[i].Name] {
			t.Errorf("duplicate example %q", a[i].Name)
		}
		seen[a[i].Name] = true
		if card.Text(a[i].Card) != card.Text(b[i].Card) {
			t.Errorf("example %q is not deterministic", a[i].Name)
		}
	}
	for _, name := range []string{"malicious", "suspicious", "clean", "trusted", "unknown", "ipv6",
		"batch200", "quota_exhausted", "error", "injection", "help", "quota", "progress",
		"unauthorized", "deferred"} {
		if !seen[name] {
			t.Errorf("missing example %q", name)
		}
	}
}
