package ioc

import "math/bits"

// Byte classes for events, one bit each.
const (
	kDot  = iota // '.'
	kCol         // ':'
	kHex         // 0-9 a-f A-F
	kOpen        // '[' '(' '{'
	kD           // 'd' 'D'
	kLead        // 0xE3 0xEF: UTF-8 lead bytes of 。【〔 and of full-width forms (also 0xC3 0xCF)
	nClass
)

// class7 maps a byte to its class bits.
var class7 = func() (t [256]uint8) {
	for c := range t {
		b, l := byte(c), byte(c)|0x20
		set := func(k int, ok bool) {
			if ok {
				t[c] |= 1 << k
			}
		}
		set(kDot, b == '.')
		set(kCol, b == ':')
		set(kHex, '0' <= b && b <= '9' || 'a' <= l && l <= 'f')
		set(kOpen, b == '[' || b == '(' || b == '{')
		set(kD, l == 'd')
		set(kLead, l == 0xE3 || l == 0xEF)
	}
	return t
}()

// stride is how many bytes one 64-byte block decides: byte 0 of a block is
// only the neighbour of byte 1, and a dotted-quad chain reaches 9 bytes past
// byte stride. A colon chain reaches up to 16 bytes, so one starting in the
// last 4 bytes may be cut; the third or fourth colon of the same address
// then starts a whole chain in the next block (an IPv6 address without "::"
// has seven colons, or six and a dotted quad).
const stride = 51

// eventsBlock returns a mask of the bytes 1 to stride of b where an
// address may be (bit k for b[k]):
//
//	the first of three hex '.' hex, 2-4 bytes apart   1.2.3.4
//	the first of four hex ':' hex, 2-5 bytes apart    2001:db8:0:0:1:2:3:4
//	the first ':' of "::"                             2001:db8::1, ::1
//	hex, bracket, then . : or d                       1[.]2, 1(dot)2, 2001[:]db8
//	0xE3 0xEF (and 0xC3 0xCF)                         １.２.３.４, 1。2, 1【.】2
//
// The scanner walks back from each event to the start of the run around
// it. A typical log line has about one event per address it holds, against
// a dozen dots and colons in times (2025:14:31:07 has three colons: no
// event), versions and names. This is the plain
// Go version, a byte at a time; amd64 has an AVX2 one.
//
// run marks the bytes of the block that are hex digits, dots or colons.
func eventsBlock(b *[64]byte) (ev, run uint64) {
	var dot, col, hex, open, dd, lead uint64
	for k, c := range b {
		if t := uint64(class7[c]); t != 0 {
			dot |= t >> kDot & 1 << k
			col |= t >> kCol & 1 << k
			hex |= t >> kHex & 1 << k
			open |= t >> kOpen & 1 << k
			dd |= t >> kD & 1 << k
			lead |= t >> kLead & 1 << k
		}
	}
	ev = open & (hex << 1) & ((dot | col | dd) >> 1)
	ev |= col & (col >> 1) &^ (col << 1)
	ev |= lead
	h := (hex << 1) & (hex >> 1)
	d := dot & h
	d &= d>>2 | d>>3 | d>>4
	d &= d>>2 | d>>3 | d>>4
	c := col & h
	c &= c>>2 | c>>3 | c>>4 | c>>5
	c &= c>>2 | c>>3 | c>>4 | c>>5
	c &= c>>2 | c>>3 | c>>4 | c>>5
	return (ev | d | c) & (1<<(stride+1) - 2), dot | col | hex
}

// eventsFromGo returns the first block at q, q+stride, … before end that
// has events, with its event and run masks, or the first block start at or
// after end and 0, 0. Every block before end must lie inside b.
func eventsFromGo(b []byte, q, end int) (int, uint64, uint64) {
	for ; q < end; q += stride {
		if m, run := eventsBlock((*[64]byte)(b[q : q+64])); m != 0 {
			return q, m, run
		}
	}
	return q, 0, 0
}

// eventsPadded is eventsBlock for a block that starts before lo or runs
// past the end of b: the missing bytes count as NUL, which is no class.
func eventsPadded(b []byte, q, lo int) (uint64, uint64) {
	var pad [64]byte
	for k := range pad {
		if p := q + k; p >= lo && p < len(b) {
			pad[k] = b[p]
		}
	}
	return eventsBlock(&pad)
}

// firstEvent returns the offset of the lowest set bit of m.
func firstEvent(m uint64) int {
	return bits.TrailingZeros64(m)
}
