package ioc

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

// lineText builds text whose lines are empty, short, long or very long,
// with an address at random places in some (each address used once), and
// returns the line of each address in order.
func lineText(rng *rand.Rand, lines int) (string, []lineHit) {
	var b strings.Builder
	var want []lineHit
	n := 0
	for line := 1; line <= lines; line++ {
		width := [...]int{0, 0, 10, 80, 300, 3000}[rng.IntN(6)]
		for col := 0; col < width; {
			if rng.IntN(40) == 0 {
				n++
				a := netip.AddrFrom4([4]byte{11, byte(n >> 16), byte(n >> 8), byte(n)})
				fmt.Fprintf(&b, " %v ", a)
				want = append(want, lineHit{line, a})
				col += 16
				continue
			}
			const junk = "abc xyz,;=-_/[]()0123456789\t\r" // no dots or colons: no other addresses
			b.WriteByte(junk[rng.IntN(len(junk))])
			col++
		}
		if line < lines || rng.IntN(2) == 0 {
			b.WriteByte('\n')
		}
	}
	return b.String(), want
}

type lineHit struct {
	line int
	addr netip.Addr
}

// TestLineNumbers checks the line of every address (ScanLines) and the
// number of lines against text built line by line, in place and streamed
// through buffers of several sizes, with the platform block scan and the
// plain Go one.
func TestLineNumbers(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	saved := scanChunk
	defer func() { scanChunk = saved }()
	for it := range 40 {
		text, want := lineText(rng, 1+rng.IntN(400))
		lines := strings.Count(text, "\n")
		if text != "" && !strings.HasSuffix(text, "\n") {
			lines++
		}
		for _, generic := range []bool{false, true} {
			scanChunk = saved
			if generic {
				scanChunk = eventsChunkGo
			}
			for _, size := range []int{0, 1300, 4096, bufSize} {
				var s *stream
				if size == 0 {
					s = newStreamBytes([]byte(text))
				} else {
					s = newStream(strings.NewReader(text), size)
				}
				var got []lineHit
				err := scanLines(s, 0, func(line int, a netip.Addr) error {
					got = append(got, lineHit{line, a})
					return nil
				})
				if err != nil || s.err != nil {
					t.Fatal(err, s.err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("text %d, generic %v, buffer %d: lines of addresses differ\n got %v\nwant %v", it, generic, size, got, want)
				}
				if n := s.lineCount(); n != lines {
					t.Fatalf("text %d, generic %v, buffer %d: %d lines, want %d", it, generic, size, n, lines)
				}
			}
		}
	}
}
