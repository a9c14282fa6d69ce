package ioc

import (
	"bufio"
	"encoding/json"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
)

// corpusLine is one line of testdata/device-logs.jsonl (see testdata/README.md).
type corpusLine struct {
	Source    string   `json:"source"`
	Line      string   `json:"line"`
	Want      []string `json:"want"`
	Present   []string `json:"present"`
	Ambiguous []string `json:"ambiguous"`
	Flags     []string `json:"flags"`
}

func loadCorpus(tb testing.TB) []corpusLine {
	tb.Helper()
	f, err := os.Open("testdata/device-logs.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []corpusLine
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var c corpusLine
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			tb.Fatal(err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// deliberateMisses are addresses the strict reference lists as present but
// that issue 3 says not to report. Each is excused only on a line holding
// its context.
var deliberateMisses = []struct{ addr, context, why string }{
	{"5.10.102.1", "Linux/5.10.102.1-", "user-agent product token Name/x.y.z.w"},
	{"5.15.90.1", "kernel/5.15.90.1-", "user-agent product token Name/x.y.z.w"},
	{"23.0.0.10", `"version":"23.0.0.10"`, "value of a version key"},
	{"25.0.3.2", `"version":"25.0.3.2"`, "value of a version key"},
	{"797::", ",797::WARNING", "milliseconds glued to a log level, not an address"},
	{"267::", ",267::WARNING", "milliseconds glued to a log level, not an address"},
	{"593::", ",593::WARNING", "milliseconds glued to a log level, not an address"},
	{"34::", ",034::WARNING", "milliseconds glued to a log level, not an address"},
	{"301::", ",301::WARNING", "milliseconds glued to a log level, not an address"},
}

func excused(a netip.Addr, line string) bool {
	for _, m := range deliberateMisses {
		if netip.MustParseAddr(m.addr) == a && strings.Contains(line, m.context) {
			return true
		}
	}
	return false
}

// TestCorpus checks real device log lines: every wanted IP is found, nothing
// outside present ∪ ambiguous is reported (want counts as present for the
// four tcpdump lines whose "want" the strict reference does not see), and
// every present IP is found unless it is a deliberate miss.
//
// Recall is measured against "want", which the corpus README defines as what
// a good extractor must find; it must be at least 99.5% (every miss is also
// reported on its own). Recall over "present", the strict upper bound, is
// logged raw and without the deliberate misses, which issue 3 itself says
// not to report; the latter must be 100%.
func TestCorpus(t *testing.T) {
	lines := loadCorpus(t)
	var present, hit, excusedN, falsePos, wanted, wantHit int
	for i, c := range lines {
		got := addrsOf(ExtractString(c.Line))
		allowed := parseAll(t, c.Present, c.Ambiguous, c.Want)
		for _, w := range parseAll(t, c.Want) {
			wanted++
			if slices.Contains(got, w) {
				wantHit++
			} else {
				t.Errorf("line %d (%s): want %v, got %v\n%s", i+1, c.Source, w, got, c.Line)
			}
		}
		for _, g := range got {
			if !slices.Contains(allowed, g) {
				falsePos++
				t.Errorf("line %d (%s): false positive %v (allowed %v)\n%s", i+1, c.Source, g, allowed, c.Line)
			}
		}
		for _, p := range parseAll(t, c.Present) {
			present++
			switch {
			case slices.Contains(got, p):
				hit++
			case excused(p, c.Line):
				excusedN++
			default:
				t.Errorf("line %d: present %v not found: %s", i+1, p, c.Line)
			}
		}
	}
	recall := float64(wantHit) / float64(wanted)
	raw := float64(hit) / float64(present)
	adjusted := float64(hit) / float64(present-excusedN)
	t.Logf("corpus: %d lines; recall over want %d/%d = %.2f%%; over present %d/%d = %.2f%%, without the %d deliberate misses %d/%d = %.2f%%; false positives %d",
		len(lines), wantHit, wanted, 100*recall, hit, present, 100*raw, excusedN, hit, present-excusedN, 100*adjusted, falsePos)
	if recall < 0.995 {
		t.Errorf("recall over want %.2f%% < 99.5%%", 100*recall)
	}
	if hit != present-excusedN {
		t.Errorf("recall over present without deliberate misses %.2f%% < 100%%", 100*adjusted)
	}
}

func addrsOf(r Result) []netip.Addr {
	var out []netip.Addr
	for _, h := range r.Hits {
		out = append(out, h.Addr)
	}
	return out
}

func parseAll(tb testing.TB, lists ...[]string) []netip.Addr {
	tb.Helper()
	var out []netip.Addr
	for _, l := range lists {
		for _, s := range l {
			a, err := netip.ParseAddr(s)
			if err != nil {
				tb.Fatalf("corpus: %v", err)
			}
			out = append(out, a.Unmap())
		}
	}
	return out
}
