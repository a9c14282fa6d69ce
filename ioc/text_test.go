package ioc

import (
	"math/rand/v2"
	"testing"
)

// TestSpecial checks special (AVX2 on amd64) and specialGo against a byte
// loop, with the special byte at every offset and at no offset.
func TestSpecial(t *testing.T) {
	want := func(b []byte) int {
		for i, c := range b {
			if c == 0 || c >= 0x80 {
				return i
			}
		}
		return len(b)
	}
	rng := rand.New(rand.NewPCG(8, 9))
	for n := range 300 {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(1 + rng.IntN(0x7F))
		}
		for _, c := range []byte{0, 0x80, 0xE4, 0xFF} {
			for at := -1; at < n; at++ {
				if at >= 0 {
					b[at] = c
				}
				for _, f := range []func([]byte) int{special, specialGo} {
					if got, w := f(b), want(b); got != w {
						t.Fatalf("n=%d special byte %#x at %d: got %d, want %d", n, c, at, got, w)
					}
				}
				if at >= 0 {
					b[at] = byte(1 + rng.IntN(0x7F))
				}
			}
		}
	}
}
