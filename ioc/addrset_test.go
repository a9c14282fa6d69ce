package ioc

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// record counts f through the table as extract does.
func (t *table) record(f *found) {
	if !t.repeat(f) && !t.count(f) {
		t.add(f, 1)
	}
}

// fibInverse is the multiplicative inverse of set4's hash multiplier modulo
// 2^32: fibInverse*h is an address whose hash is h.
var fibInverse = func() uint32 {
	x := uint32(0x9E3779B1) // Newton's iteration: each step doubles the correct bits
	for range 5 {
		x *= 2 - 0x9E3779B1*x
	}
	return x
}()

// TestAddrSets counts occurrences through the table against a map, with
// all-zero addresses (whose slots look like empty ones but for the tally),
// addresses whose hashes share their top 16 bits (one first slot, at every
// table size up to 64K slots), some of them at the end of the table so that
// probing wraps around, and enough addresses to grow the sets several times.
func TestAddrSets(t *testing.T) {
	if 0x9E3779B1*fibInverse != 1 {
		t.Fatal("fibInverse is not the inverse")
	}
	rng := rand.New(rand.NewPCG(7, 1))
	var fs []found
	fs = append(fs, found{a4: 0}, found{v6: true})
	for k := range 5 << setMinBits {
		a := rng.Uint32()
		switch k % 4 {
		case 0:
			a = fibInverse * (0x1234<<16 | uint32(k)) // one first slot
		case 1:
			a = fibInverse * (0xffff<<16 | uint32(k)) // the last slot
		}
		var a16 [16]byte
		a16[14], a16[15] = byte(k>>8), byte(k) // differ in the last bytes only
		fs = append(fs, found{a4: a}, found{v6: true, a16: a16, role: RoleSource})
	}
	tb := newTable(0)
	want4, want16 := map[uint32]int{}, map[[16]byte]int{}
	for range 4 * len(fs) {
		f := fs[rng.IntN(len(fs))]
		tb.record(&f)
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
	// At most half full, which keeps probing short.
	if tb.v4.used != len(want4) || 2*tb.v4.used > len(tb.v4.slots) ||
		tb.v6.used != len(want16) || 2*tb.v6.used > len(tb.v6.slots) {
		t.Fatalf("set sizes: v4 %d used of %d, v6 %d used of %d; want %d and %d used",
			tb.v4.used, len(tb.v4.slots), tb.v6.used, len(tb.v6.slots), len(want4), len(want16))
	}
}

// TestZeroAddresses: 0.0.0.0 and :: have the key of an empty slot, and an
// IPv6 occurrence carries a4 == 0; none of them may be taken for another.
func TestZeroAddresses(t *testing.T) {
	res := ExtractString("[::]:80 0.0.0.0 and 2001:db8::1 and 2001:db8::1, 0.0.0.0/0 [::]:443")
	want := []struct {
		addr  string
		count int
	}{{"::", 2}, {"0.0.0.0", 2}, {"2001:db8::1", 2}}
	var got []struct {
		addr  string
		count int
	}
	for _, h := range res.Hits {
		got = append(got, struct {
			addr  string
			count int
		}{h.Addr.String(), h.Count})
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("hits %v, want %v", got, want)
	}
}
