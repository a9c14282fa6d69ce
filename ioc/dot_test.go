package ioc

import (
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
)

// scannerAt returns a scanner over b whose current chunk holds the event
// at a, as next would have it when it visits a.
func scannerAt(b []byte, a int) *scanner {
	sc := &scanner{b: b, limit: len(b)}
	// The chunk starts a block before a's where it can, so that the
	// window reaches back across a block edge.
	q := max(0, a/blockSize*blockSize-blockSize)
	if n := min(chunkBlocks, (len(b)-q)/blockSize-1); n >= 1 && a < q+n*blockSize {
		scanChunk(b, q, n, 0, &sc.evs, &sc.runs)
		sc.cq, sc.cn = q, n
		return sc
	}
	q = a / blockSize * blockSize
	sc.evs[0], sc.runs[0] = eventsAt(b, q, 0)
	sc.cq, sc.cn = q, 1
	return sc
}

// dotEvents returns the offsets of the dot events in b.
func dotEvents(b []byte) []int {
	var out []int
	for q := 0; q < len(b); q += blockSize {
		ev, _ := eventsAt(b, q, 0)
		for ; ev != 0; ev &= ev - 1 {
			if a := q + bits.TrailingZeros64(ev); b[a] == '.' {
				out = append(out, a)
			}
		}
	}
	return out
}

// TestDotAVX checks, at every dot event of the table, the corpus, the
// benchmark log and text built to sit on fast4's edges, that an address
// dotAVX reads is the one the general path reads, with the same start, end
// and role, and that fast4 then decides as the general path does. Each
// text has room around it so that dotAVX runs at every event.
func TestDotAVX(t *testing.T) {
	needAVX2(t)
	inputs := knownTexts(t)
	logSize, nasty := edgeSizes()
	log := len(inputs)
	inputs = append(inputs, string(mixedLog(t, logSize)))
	rng := rand.New(rand.NewPCG(7, 8))
	for range nasty {
		inputs = append(inputs, nastyText(rng))
	}
	pad := strings.Repeat(" ", 32)
	var events, read, accepted [2]int // elsewhere, in the log
	for i, in := range inputs {
		k := 0
		if i == log {
			k = 1
		}
		b := []byte("    " + in + pad)
		for _, a := range dotEvents(b) {
			events[k]++
			addr, r := dotAVX(&b[a-4], &quadShuffles)
			if r == 0 {
				continue
			}
			read[k]++
			var g, f found
			end, ok := scannerAt(b, a).atAnchor(a, &g)
			fend, fok, done := scannerAt(b, a).fast4(a, &f)
			if !done || fend != end || fok != ok || f != g {
				t.Fatalf("%q at %d: fast4 %d %v %v %+v; general %d %v %+v", b, a, fend, fok, done, f, end, ok, g)
			}
			// The general path takes the address dotAVX read, unless a
			// version key precedes it.
			s, addrEnd, e := a-4+int(r>>8&0xff), a-4+int(r>>16&0xff), a-4+int(r>>24)
			if r&0xff != 1 || ok && (g.a4 != addr || g.start != s || end != addrEnd) || e < addrEnd {
				t.Fatalf("%q at %d: dotAVX %08x r %08x (start %d end %d run end %d); general %v %+v end %d",
					b, a, addr, r, s, addrEnd, e, ok, g, end)
			}
			if ok {
				accepted[k]++
			}
		}
	}
	// Nearly every dotted quad in a log is plain: dotAVX must read most.
	if read[1]*10 < events[1]*8 {
		t.Errorf("dotAVX read %d of the log's %d dot events", read[1], events[1])
	}
	t.Logf("dot events, elsewhere and in the log: %d, %d; read by dotAVX %d, %d; addresses %d, %d",
		events[0], events[1], read[0], read[1], accepted[0], accepted[1])
}

// TestDotAVXRead lists what dotAVX reads, at the first dot of each text,
// and what it leaves to fast4Go. The first cases start the run at each
// distance before the dot, after each mix of bytes in and out of runs.
func TestDotAVXRead(t *testing.T) {
	needAVX2(t)
	cases := []struct{ in, want string }{
		{"   1.2.3.4 ", "1.2.3.4"},
		{" 1 1.2.3.4 ", "1.2.3.4"},
		{"1  1.2.3.4 ", "1.2.3.4"},
		{"12 1.2.3.4 ", "1.2.3.4"},
		{"  12.3.4.5 ", "12.3.4.5"},
		{"1 12.3.4.5 ", "12.3.4.5"},
		{" 123.4.5.6 ", "123.4.5.6"},
		{"=10.20.30.40:8080", "10.20.30.40"},
		{"[192.168.100.200]", "192.168.100.200"},
		{" 1.2.3.4. end", "1.2.3.4"}, // a dot that ends a sentence
		{" 1.2.3.4,", "1.2.3.4"},     // punctuation
		{" 010.001.002.003 ", "010.001.002.003"},
		{"x1.2.3.4 ", ""},                          // glued to a word
		{"_1.2.3.4 ", ""},                          // glued to a word
		{"é1.2.3.4 ", ""},                          // non-ASCII before it
		{" 1234.2.3.4 ", ""},                       // four digits before the dot
		{" 1.2.3.4[.]5 ", ""},                      // a defang may go on
		{" 1.2.3.4(.)5 ", ""},                      // a defang may go on
		{" 1.2.3.4{.}5 ", ""},                      // a defang may go on
		{" 1.2.3.4（ ", ""},                         // full-width text may go on
		{" 1.2.3.4x ", ""},                         // a word after it
		{" 1.2.3.4_ ", ""},                         // a word after it
		{" 1.2.3.4.5 ", ""},                        // a fifth part
		{" 1.2.3.4.example ", ""},                  // a host name
		{" 1.2.3.4。 ", ""},                         // non-ASCII after it
		{" 1.2.3.256 ", ""},                        // no octet
		{" 1.2.3.4" + strings.Repeat("5", 30), ""}, // a run past the window
	}
	for _, c := range cases {
		b := []byte("    " + c.in + strings.Repeat(" ", 32))
		a := strings.IndexByte(string(b), '.')
		addr, r := dotAVX(&b[a-4], &quadShuffles)
		got := ""
		if r != 0 {
			s, end := a-4+int(r>>8&0xff), a-4+int(r>>16&0xff)
			got = string(b[s:end])
			if want, err := ParseIP(got); err != nil || addr4(addr) != want {
				t.Errorf("%q: dotAVX read %v from %q", c.in, addr4(addr), got)
			}
		}
		if got != c.want {
			t.Errorf("%q: dotAVX read %q, want %q", c.in, got, c.want)
		}
	}
}
