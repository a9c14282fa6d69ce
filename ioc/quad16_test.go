package ioc

import (
	"math/rand/v2"
	"testing"
)

// quad16s are the dotted-quad readers this machine runs for fast4: the
// word-at-a-time Go one, and the vector one where the processor has AVX2.
// Both need 16 readable bytes from s; the tests always give them that.
func quad16s() map[string]func([]byte, int, int) (uint32, int, bool) {
	impls := map[string]func([]byte, int, int) (uint32, int, bool){"go": quad16}
	if haveQuadAVX {
		impls["avx"] = func(b []byte, s, n int) (uint32, int, bool) {
			return quadAVX(&b[s], n, &quadShuffles)
		}
	}
	return impls
}

// TestQuad16 compares quad16 with quad on quad's own edge cases and on
// random runs of the bytes addresses are made of, at every length, followed
// by text of every kind.
func TestQuad16(t *testing.T) {
	cases := []string{
		"1.2.3.4", "255.255.255.255", "256.1.1.1", "1.2.3.256", "010.001.002.003",
		"1.2.3.4.5", "1.2.3.4:80", "1.2.3.4a", "1.2.3.4f:", "1.2.3.45678", "1.2.3",
		"1..2.3", ".1.2.3.4", "1.2.3.", "1234.1.1.1", "1.2.3.4.", "0.0.0.0",
		"999.999.999.999", "1.2.3.4::", "a1.2.3.4", "12.34.56.78.90.12.34",
		"199.200.201.202", "1.2.3.0012", "0001.2.3.4", "1.0002.3.4", "1.2.0002.4", "1.2.3.0000", "100.100.100.100", "9.99.199.249", "1.2.3.4:1.2.3.4",
	}
	n := 200_000
	if raceEnabled {
		n = 20_000
	}
	rng := rand.New(rand.NewPCG(3, 4))
	const alphabet = "0123456789..........:abcfAF"
	for range n {
		s := make([]byte, 1+rng.IntN(20))
		for i := range s {
			s[i] = alphabet[rng.IntN(len(alphabet))]
			if rng.IntN(3) == 0 {
				s[i] = "0123456789"[rng.IntN(10)]
			}
		}
		cases = append(cases, string(s))
	}
	tails := []string{"", " ", "1", ".", "a", "F:", "\xff\xfe\xb0\xba\x80", "中文", "9999999999999999", "/"}
	impls := quad16s()
	for _, c := range cases {
		wantA, wantP, wantOK := quad([]byte(c), 0)
		for _, tail := range tails {
			b := []byte(c + tail)
			for len(b) < 16 {
				b = append(b, tail+"\xbf"...)
			}
			for name, quad16 := range impls {
				a, p, ok := quad16(b, 0, len(c))
				if ok != wantOK || ok && (a != wantA || p != wantP) {
					t.Fatalf("%s: quad16(%q + %q) = %08x, %d, %v; quad says %08x, %d, %v", name, c, tail, a, p, ok, wantA, wantP, wantOK)
				}
			}
		}
	}
}

// TestQuad16Short checks that quad16 declines a buffer with fewer than 16
// bytes from s, which it would otherwise read past.
func TestQuad16Short(t *testing.T) {
	b := []byte("xx1.2.3.4 and more")
	if _, _, ok := quad16(b, 2, 7); !ok {
		t.Fatal("quad16 declined 16 readable bytes")
	}
	if _, _, ok := quad16(b, 3, 7); ok {
		t.Fatal("quad16 accepted fewer than 16 readable bytes")
	}
}

func TestMovemask(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 100_000 {
		x := rng.Uint64() & highBit
		var want uint32
		for k := range 8 {
			if x>>(8*k+7)&1 != 0 {
				want |= 1 << k
			}
		}
		if got := movemask(x); got != want {
			t.Fatalf("movemask(%016x) = %08b, want %08b", x, got, want)
		}
	}
}

// FuzzQuad16 compares quad16 with quad on any bytes: the first n are the
// run, the rest whatever follows it.
func FuzzQuad16(f *testing.F) {
	f.Add([]byte("1.2.3.4:80 and more"), 10)
	f.Add([]byte("010.001.002.003\xff"), 15)
	f.Add([]byte("1.2.3.0012........"), 9)
	f.Fuzz(func(t *testing.T, b []byte, n int) {
		if len(b) < 16 || n < 0 || n > len(b) {
			return
		}
		wantA, wantP, wantOK := quad(b[:n], 0)
		for name, quad16 := range quad16s() {
			a, p, ok := quad16(b, 0, n)
			if ok != wantOK || ok && (a != wantA || p != wantP) {
				t.Fatalf("%s: quad16(%q, %d) = %08x, %d, %v; quad says %08x, %d, %v", name, b, n, a, p, ok, wantA, wantP, wantOK)
			}
		}
	})
}
