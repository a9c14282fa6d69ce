package ioc

import (
	"math/rand/v2"
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
		gp, gm := scanBlocks(b, q, end)
		wp, wm := eventsFromGo(b, q, end)
		if gp != wp || gm != wm {
			t.Fatalf("scanBlocks(q=%d end=%d) = %d %064b, want %d %064b", q, end, gp, gm, wp, wm)
		}
	}
}
