package ioc

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// eventAt is the event definition (events.go) for b[p], a byte at a time.
func eventAt(b []byte, lo, p int) bool {
	is := func(i, k int) bool {
		return i >= lo && i < len(b) && class7[b[i]]>>k&1 != 0
	}
	between := func(i, k int) bool { return is(i, k) && is(i-1, kHex) && is(i+1, kHex) }
	var chain func(i, k, n, gap int) bool
	chain = func(i, k, n, gap int) bool {
		if !between(i, k) {
			return false
		}
		if n == 1 {
			return true
		}
		for g := 2; g <= gap; g++ {
			if chain(i+g, k, n-1, gap) {
				return true
			}
		}
		return false
	}
	return is(p, kLead) ||
		is(p, kOpen) && is(p-1, kHex) && (is(p+1, kDot) || is(p+1, kCol) || is(p+1, kD)) ||
		is(p, kCol) && is(p+1, kCol) && !is(p-1, kCol) ||
		chain(p, kDot, 3, 4) || chain(p, kCol, 4, 5)
}

// eventAlphabet is the bytes that matter for events, and a few that do not.
var eventAlphabet = []byte("0123456789abcdefABCDEFxyz .:[({dD])}\xe3\xef\xc3\xcf\x80\x00\n")

// randomEventText returns n bytes of text that is dense in events: runs
// of hex digits and separators.
func randomEventText(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		switch r := rng.IntN(10); {
		case r < 4:
			b[i] = "0123456789abcdef"[rng.IntN(16)]
		case r < 6:
			b[i] = ".:"[rng.IntN(2)]
		default:
			b[i] = eventAlphabet[rng.IntN(len(eventAlphabet))]
		}
	}
	return b
}

// TestEventsAt checks the plain Go block scan against the definition.
func TestEventsAt(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 400; n++ {
		b := randomEventText(rng, 64+rng.IntN(200))
		lo := rng.IntN(8)
		q := lo + rng.IntN(len(b)-lo)
		ev, run := eventsAt(b, q, lo)
		for k := range 64 {
			p := q + k
			want := p < len(b) && eventAt(b, lo, p)
			if got := ev>>k&1 != 0; got != want {
				t.Fatalf("len %d lo %d q %d: byte %d (%q) event %v, want %v", len(b), lo, q, k, b[max(lo, p-2):min(len(b), p+18)], got, want)
			}
			wantRun := p < len(b) && class7[b[p]]&(1<<kHex|1<<kDot|1<<kCol) != 0
			if got := run>>k&1 != 0; got != wantRun {
				t.Fatalf("len %d lo %d q %d: byte %d run %v, want %v", len(b), lo, q, k, got, wantRun)
			}
		}
	}
}

// TestScanChunk checks the platform scanChunk (AVX2 on amd64) against
// eventsChunkGo, and that against eventsAt, on random text at every offset
// and chunk length.
func TestScanChunk(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for it := 0; it < 3000; it++ {
		var b []byte
		if it%2 == 0 {
			b = randomEventText(rng, 128+rng.IntN(2400))
		} else {
			b = make([]byte, 128+rng.IntN(2400))
			for i := range b {
				b[i] = eventAlphabet[rng.IntN(len(eventAlphabet))]
			}
		}
		q := rng.IntN(len(b) - 127)
		lo := max(0, q-rng.IntN(3))
		n := 1 + rng.IntN(min(chunkBlocks, (len(b)-q)/blockSize-1))
		b = b[:q+blockSize*(n+1)]
		var gev, grun, wev, wrun [chunkCap]uint64
		gnz := scanChunk(b, q, n, lo, &gev, &grun)
		wnz := eventsChunkGo(b, q, n, lo, &wev, &wrun)
		if gnz != wnz {
			t.Fatalf("lo %d q %d n %d: blocks with events %b, want %b", lo, q, n, gnz, wnz)
		}
		for k := range n {
			if gev[k] != wev[k] || grun[k] != wrun[k] {
				t.Fatalf("lo %d q %d n %d: block %d = %064b %064b, want %064b %064b", lo, q, n, k, gev[k], grun[k], wev[k], wrun[k])
			}
			if ev, run := eventsAt(b, q+k*blockSize, lo); ev != wev[k] || run != wrun[k] {
				t.Fatalf("lo %d q %d n %d: block %d = %064b %064b in Go, eventsAt %064b %064b", lo, q, n, k, wev[k], wrun[k], ev, run)
			}
		}
	}
}

// TestGenericPath runs the table and the corpus through the plain Go block
// scan and text check (what non-amd64 machines use) and compares with the
// platform ones.
func TestGenericPath(t *testing.T) {
	inputs := knownTexts(t)
	// Lines joined, so that blocks run whole chunks.
	for i := 0; i+40 <= len(inputs); i += 40 {
		var s string
		for _, in := range inputs[i : i+40] {
			s += in + "\n"
		}
		inputs = append(inputs, s)
	}
	want := make([]Result, len(inputs))
	for i, in := range inputs {
		want[i] = ExtractString(in)
	}
	savedChunk, savedSpecial := scanChunk, special
	scanChunk, special = eventsChunkGo, specialGo
	defer func() { scanChunk, special = savedChunk, savedSpecial }()
	for i, in := range inputs {
		if got := ExtractString(in); !reflect.DeepEqual(got, want[i]) {
			t.Errorf("%q: generic %+v, platform %+v", in, got.Hits, want[i].Hits)
		}
	}
}

// BenchmarkScanChunk measures the block scan alone on the mixed log.
func BenchmarkScanChunk(b *testing.B) {
	data := mixedLog(b, 5<<20)
	b.SetBytes(int64(len(data)))
	var ev, run [chunkCap]uint64
	for b.Loop() {
		for q := 0; q+(chunkBlocks+1)*blockSize <= len(data); q += chunkBlocks * blockSize {
			scanChunk(data, q, chunkBlocks, 0, &ev, &run)
		}
	}
}
