package card_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"tibot/card"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.txt")

// TestGolden renders every example with Text and compares it with
// testdata/<name>.golden.txt.
func TestGolden(t *testing.T) {
	for _, ex := range card.Examples(card.ExampleNow()) {
		t.Run(ex.Name, func(t *testing.T) {
			got := card.Text(ex.Card) + "\n"
			path := filepath.Join("testdata", ex.Name+".golden.txt")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./card -update)", err)
			}
			if got != string(want) {
				t.Errorf("Text(%s) mismatch (run go test ./card -update to accept)\n--- got\n%s\n--- want\n%s", ex.Name, got, want)
			}
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
