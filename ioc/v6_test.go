package ioc

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// v6Runs builds colon runs around v6AVX's edges: groups of zero to six
// hex digits joined by one, two or three colons, up to eleven groups, and
// in a third of them a dotted quad (or three or five parts) after them.
func v6Runs(rng *rand.Rand, n int) []string {
	const hex = "0123456789abcdefABCDEF"
	seps := []string{":", ":", ":", ":", "::", ":::"}
	out := make([]string, 0, n)
	for range n {
		var b strings.Builder
		if rng.IntN(6) == 0 {
			b.WriteString("::")
		}
		groups := 1 + rng.IntN(11)
		for g := range groups {
			for range rng.IntN(5) + rng.IntN(2)*rng.IntN(3) {
				b.WriteByte(hex[rng.IntN(len(hex))])
			}
			if g < groups-1 || rng.IntN(8) == 0 {
				b.WriteString(seps[rng.IntN(len(seps))])
			}
		}
		if rng.IntN(3) == 0 {
			// A dotted quad, maybe after a colon, maybe not one.
			if rng.IntN(4) > 0 {
				b.WriteByte(':')
			}
			for k := range 3 + rng.IntN(3) {
				if k > 0 {
					b.WriteByte('.')
				}
				fmt.Fprint(&b, [...]int{0, 1, 9, 10, 99, 100, 255, 256, 999, 1000}[rng.IntN(10)])
			}
			if rng.IntN(8) == 0 {
				b.WriteString([...]string{":80", ".443", ":", ".", "a"}[rng.IntN(5)])
			}
		}
		out = append(out, b.String())
	}
	return out
}

// checkV6AVX fails t unless v6AVX decides text, a run, as parseV6 and v6Tail do,
// whenever it decides: an address that takes the whole run, with the same
// groups, or a run they reject. It reports whether v6AVX decided.
func checkV6AVX(t *testing.T, text string) bool {
	t.Helper()
	if len(text) < 1 || len(text) > 63 {
		return false
	}
	b := []byte("   " + text + strings.Repeat(" ", 64))
	ip := [16]byte{0: 0xaa, 7: 0xaa, 15: 0xaa} // v6AVX must clear it
	st := v6AVX(&b[3], len(text), &ip, &quadShuffles)
	r := &run{s: b[3 : 3+len(text)], n: len(text), ascii: true, start: 3}
	a, ok := parseV6(r)
	if ok {
		var stop int
		stop, ok = v6Tail(r, a)
		ok = ok && stop == r.n
	}
	switch st & 0xff {
	case v6Fallback:
		return false
	case v6Reject:
		if ok {
			t.Fatalf("%q: v6AVX rejects; parseV6 reads %x (%+v)", text, a.ip, a)
		}
	case v6Accept:
		groups, trailing, embedded := int(st>>8&0xff), st&(1<<16) != 0, st&(1<<17) != 0
		if !ok || a.end != len(text) || a.ip != ip || a.groups != groups || a.trailing != trailing || a.embedded != embedded {
			t.Fatalf("%q: v6AVX %x groups %d trailing %v embedded %v; parseV6 ok %v %+v", text, ip, groups, trailing, embedded, ok, a)
		}
	default:
		t.Fatalf("%q: v6AVX st %#x", text, st)
	}
	return true
}

// TestV6AVX checks v6AVX against parseV6 on the colon runs of the table,
// the corpus and the benchmark log, and on runs built around its edges.
func TestV6AVX(t *testing.T) {
	needAVX2(t)
	texts := append(knownTexts(t), string(mixedLog(t, 1<<18)))
	var runs []string
	for _, s := range texts {
		// The runs of hex digits, dots and colons with a colon event:
		// "::" or four colons (not a time).
		for _, f := range strings.FieldsFunc(s, func(c rune) bool { return c >= 0x80 || cls[c]&(cHex|cSep) == 0 }) {
			if strings.Contains(f, "::") || strings.Count(f, ":") >= 4 {
				runs = append(runs, f)
			}
		}
	}
	real := len(runs)
	n := 200000
	if raceEnabled {
		n = 20000
	}
	runs = append(runs, v6Runs(rand.New(rand.NewPCG(9, 10)), n)...)
	runs = append(runs, "::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
		"1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "1::2:3:4:5:6:7:8", "ffff:FFFF:0:0:0:0:0:a",
		"12:34:56", "dead:beef", "a2:1b:bb:df:61:a5:6e:68:28:cc:2a:0c:08:00", "::1:37752", "1:2",
		"fe80::1:", ":1::", "1:::2", "1::2::3", strings.Repeat("1:", 31)+"1",
		"::ffff:1.2.3.4", "::1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1::2:3:4:5:1.2.3.4", "1::2:3:4:5:6:1.2.3.4",
		"1:2:3:4:5:6:7:1.2.3.4", "::ffff:1.2.3.4:80", "::ffff:1.2.3.256", "::ffff:1.2.3", "::ffff:1.2.3.4.5",
		"1::2.3:1.2.3.4", "1.2::1.2.3.4", "::1.2:1.2.3.4", ":1.2.3.4", "1:1.2.3.4", "::ffff:01.002.3.4",
		strings.Repeat("1:", 24)+"1.2.3.4", "::ffff:"+strings.Repeat("0", 40)+"1.2.3.4")
	// Outside the contract it decides nothing.
	b := []byte(strings.Repeat("1:", 64))
	for _, n := range []int{-1, 0, 64, 65} {
		var ip [16]byte
		if st := v6AVX(&b[3], n, &ip, &quadShuffles); st != v6Fallback {
			t.Errorf("length %d: st %#x", n, st)
		}
	}
	var decided [2]int // real runs, built ones
	for k, run := range runs {
		if checkV6AVX(t, run) {
			decided[min(1, k/real)]++
		}
	}
	// Nearly all colon runs in logs have its shapes: v6AVX must decide them.
	if decided[0]*10 < real*9 {
		t.Errorf("v6AVX decided %d of %d runs from logs", decided[0], real)
	}
	t.Logf("v6AVX decided %d of %d runs from logs, %d of %d built", decided[0], real, decided[1], len(runs)-real)
}

func FuzzV6AVX(f *testing.F) {
	needAVX2(f)
	for _, s := range v6Runs(rand.New(rand.NewPCG(11, 12)), 50) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, run string) {
		checkV6AVX(t, run)
	})
}
