package ioc

import (
	"strings"
	"testing"
)

// keyContexts returns, for every address that a corpus line lists as
// present, the line and the offset of the address: what keyBefore sees.
func keyContexts(tb testing.TB) (lines [][]byte, at []int) {
	tb.Helper()
	for _, c := range loadCorpus(tb) {
		for _, p := range c.Present {
			for off := 0; ; {
				x := strings.Index(c.Line[off:], p)
				if x < 0 {
					break
				}
				lines = append(lines, []byte(c.Line))
				at = append(at, off+x)
				off += x + len(p)
			}
		}
	}
	if len(at) == 0 {
		tb.Fatal("no contexts")
	}
	return lines, at
}

// BenchmarkKeyBefore measures one keyBefore call on the text before each
// address of the corpus (ns/op is per call); ref is the original
// implementation, kept in context_ref_test.go.
func BenchmarkKeyBefore(b *testing.B) {
	lines, at := keyContexts(b)
	for _, f := range []struct {
		name string
		fn   func([]byte, int, int) keyKind
	}{{"new", keyBefore}, {"ref", keyBeforeRef}} {
		b.Run(f.name, func(b *testing.B) {
			var sum keyKind
			x := 0
			for b.Loop() {
				sum += f.fn(lines[x], at[x], 0)
				if x++; x == len(at) {
					x = 0
				}
			}
			if sum == 255 {
				b.Log(sum) // keep the calls
			}
		})
	}
}
