package ioc

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestScanBlocks checks the platform scanBlocks (AVX2 on amd64) against
// eventsFromGo on random text drawn from the bytes that matter.
func TestScanBlocks(t *testing.T) {
	alphabet := []byte("0123456789abcdefABCDEFxyz .:[({dD])}\xe3\xef\xc3\xcf\x80\x00\n")
	rng := rand.New(rand.NewPCG(3, 4))
	b := make([]byte, 4096)
	for n := 0; n < 3000; n++ {
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		q := rng.IntN(64)
		end := q + rng.IntN(len(b)-64-q)
		gp, gm, gr := scanBlocks(b, q, end)
		wp, wm, wr := eventsFromGo(b, q, end)
		if gp != wp || gm != wm || gr != wr {
			t.Fatalf("scanBlocks(q=%d end=%d) = %d %064b %064b, want %d %064b %064b", q, end, gp, gm, gr, wp, wm, wr)
		}
	}
}

// TestGenericPath runs the table and the corpus through the plain Go block
// scan (what non-amd64 machines use) and compares with the platform one.
func TestGenericPath(t *testing.T) {
	var inputs []string
	for _, c := range extractCases {
		inputs = append(inputs, c.in)
	}
	for _, c := range loadCorpus(t) {
		inputs = append(inputs, c.Line)
	}
	want := make([]Result, len(inputs))
	for i, in := range inputs {
		want[i] = ExtractString(in)
	}
	saved := scanBlocks
	scanBlocks = eventsFromGo
	defer func() { scanBlocks = saved }()
	for i, in := range inputs {
		if got := ExtractString(in); !reflect.DeepEqual(got, want[i]) {
			t.Errorf("%q: generic %+v, platform %+v", in, got.Hits, want[i].Hits)
		}
	}
}
