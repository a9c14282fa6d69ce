package ioc

import (
	"encoding/binary"
	"math/bits"
)

// quad16 is quad(b[s:s+n], 0) where 16 bytes from s are in b (ok is false
// otherwise): fast4's dotted-quad reader where quadAVX cannot run. It
// finds the octets' ends from a mask of the digits and reads all four with
// word arithmetic, so no branch depends on how many digits an octet has:
// in real logs those branches go either way at random, and quad's
// mispredictions made it an eighth of the extractor's time. TestQuad16 and
// FuzzQuad16 hold it, and quadAVX, equal to quad.
func quad16(b []byte, s, n int) (addr uint32, p int, ok bool) {
	if s < 0 || s+16 > len(b) {
		return 0, 0, false
	}
	w := b[s : s+16 : s+16]
	valid := uint32(1)<<uint(n) - 1 // all ones from n = 32 on
	x := binary.LittleEndian.Uint64(w)
	digits := movemask(digitBytes(x)) | movemask(digitBytes(binary.LittleEndian.Uint64(w[8:])))<<8
	stops := ^(digits & valid) // bytes that end an octet, from bit 16 on too
	d1 := bits.TrailingZeros32(stops)
	stops &= stops - 1
	d2 := bits.TrailingZeros32(stops)
	stops &= stops - 1
	d3 := bits.TrailingZeros32(stops)
	stops &= stops - 1
	e := bits.TrailingZeros32(stops)
	// One to three digits an octet; the first three end in dots.
	if uint(d1-1) >= 3 || uint(d2-d1-2) >= 3 || uint(d3-d2-2) >= 3 || uint(e-d3-2) >= 3 ||
		w[d1&15] != '.' || w[d2&15] != '.' || w[d3&15] != '.' {
		return 0, 0, false
	}
	// A fourth octet glued to hex letters, tested without a branch on
	// whether the run goes on after it (a port) or not.
	if cls[w[e&15]]&cHex&uint16((e-n)>>(bits.UintSize-1)) != 0 {
		return 0, 0, false
	}
	// Each octet right-aligned in a 4-byte slot, two slots a word, then
	// the digits of each slot weighed in two steps: pairs, then slots.
	lo := uint64(slotOf(uint32(x), d1)) | uint64(slot(w, d1+1, d2))<<32
	hi := uint64(slot(w, d2+1, d3)) | uint64(slot(w, d3+1, e))<<32
	lo, hi = decimals(lo), decimals(hi)
	if (lo|hi)&0xffffff00ffffff00 != 0 {
		return 0, 0, false // above 255
	}
	return uint32(lo)<<24 | uint32(lo>>32)<<16 | uint32(hi)<<8 | uint32(hi>>32), e, true
}

// slot returns the digit values of w[from:to], one to three digits from
// from <= 12, in the high bytes of a word, the last digit in the top
// byte, and zero bytes below them.
func slot(w []byte, from, to int) uint32 {
	return slotOf(binary.LittleEndian.Uint32(w[from&15:]), to-from)
}

// slotOf is slot for the n digits at the start of x.
func slotOf(x uint32, n int) uint32 {
	// The subtraction borrows only from the bytes after the digits,
	// which the shift drops.
	return (x - 0x30303030) << (uint(4-n) & 3 * 8)
}

// decimals reads the two slots of x (see slot) as decimal numbers.
func decimals(x uint64) uint64 {
	x = (x*10 + x>>8) & 0x00ff00ff00ff00ff      // digit pairs
	return (x*100 + x>>16) & 0x0000ffff0000ffff // slots
}

const highBit = 0x8080808080808080

// digitBytes sets the high bit of each byte of x that is an ASCII digit.
// A byte at or above 0x80 is not one, but its carry may mark the byte
// above it. That cannot change quad16's answer: such a byte ends an octet
// without being a dot, so nothing after it is read as part of an address.
func digitBytes(x uint64) uint64 {
	ge0 := x + 0x5050505050505050 // high bit set from '0' (0x30) on
	gt9 := x + 0x4646464646464646 // high bit set from ':' (0x3a) on
	return ge0 &^ gt9 &^ x & highBit
}

// movemask gathers the high bits of the eight bytes of x (all other bits
// clear) into the low eight bits, byte k to bit k.
func movemask(x uint64) uint32 {
	return uint32((x >> 7) * 0x0102040810204080 >> 56)
}

// quadShuffles holds, for each pattern of octet lengths (one to three
// digits each; pattern (l1-1)*27 + (l2-1)*9 + (l3-1)*3 + l4-1), the byte
// shuffle that moves the digits of the octets of a dotted quad at the
// start of 16 bytes into four 4-byte slots, right-aligned in the first
// three bytes of each, the other bytes zero (0x80 selects zero).
var quadShuffles = func() (t [81][16]byte) {
	for pat := range t {
		lens := [4]int{pat/27%3 + 1, pat/9%3 + 1, pat/3%3 + 1, pat%3 + 1}
		for k := range t[pat] {
			t[pat][k] = 0x80
		}
		start := 0
		for o, l := range lens {
			for d := range l {
				t[pat][4*o+3-l+d] = byte(start + d)
			}
			start += l + 1
		}
	}
	return t
}()
