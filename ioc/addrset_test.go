package ioc

import (
	"math/rand/v2"
	"testing"
)

// TestAddrSets counts occurrences through the table against a map, with
// all-zero addresses (whose slots look like empty ones but for the tally),
// addresses that collide in the hash's top bits, and enough of them to grow
// the sets several times.
func TestAddrSets(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 1))
	var fs []found
	fs = append(fs, found{a4: 0}, found{v6: true})
	for k := range 5 << setMinBits {
		a := rng.Uint32()
		if k%4 == 0 {
			a = uint32(k) << 22 // differ only in the bits a Fibonacci hash spreads least
		}
		var a16 [16]byte
		a16[14], a16[15] = byte(k>>8), byte(k) // differ in the last bytes only
		fs = append(fs, found{a4: a}, found{v6: true, a16: a16, role: RoleSource})
	}
	tb := newTable(0)
	want4, want16 := map[uint32]int{}, map[[16]byte]int{}
	for range 4 * len(fs) {
		f := fs[rng.IntN(len(fs))]
		if !tb.count(&f) {
			tb.add(&f, 1)
		}
		if f.v6 {
			want16[f.a16]++
		} else {
			want4[f.a4]++
		}
	}
	res := tb.result(newStreamBytes(nil))
	if len(res.Hits) != len(want4)+len(want16) {
		t.Fatalf("%d hits, want %d", len(res.Hits), len(want4)+len(want16))
	}
	for _, h := range res.Hits {
		var want int
		if h.Addr.Is4() {
			a := h.Addr.As4()
			want = want4[uint32(a[0])<<24|uint32(a[1])<<16|uint32(a[2])<<8|uint32(a[3])]
		} else {
			want = want16[h.Addr.As16()]
		}
		if h.Count != want {
			t.Fatalf("%v: count %d, want %d", h.Addr, h.Count, want)
		}
	}
	if tb.v4.used != len(want4) || len(tb.v4.slots) < 2*len(want4) || tb.v6.used != len(want16) {
		t.Fatalf("set sizes: v4 %d used of %d, v6 %d used; want %d and %d", tb.v4.used, len(tb.v4.slots), tb.v6.used, len(want4), len(want16))
	}
}
