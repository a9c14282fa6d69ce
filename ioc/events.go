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

// A block is 64 bytes of input, bit k of its masks for byte q+k. Blocks
// do not overlap: each decides all its bytes, with the byte before it as
// left neighbour and up to 16 bytes after it as look-ahead.
const blockSize = 64

// chunkBlocks is how many blocks one scanChunk call decides at most. The
// arrays it fills have room for more: the AVX2 version writes a little
// past the last block.
const (
	chunkBlocks = 30
	chunkCap    = 32
)

// lookAhead is how far past a byte its event may depend on: a colon chain
// (four colons 2-5 bytes apart, then a hex digit).
const lookAhead = 16

// The events of a byte (bit k of the event mask for b[q+k]) mark where an
// address may be:
//
//	the first of three hex '.' hex, 2-4 bytes apart   1.2.3.4
//	the first of four hex ':' hex, 2-5 bytes apart    2001:db8:0:0:1:2:3:4
//	the first ':' of "::"                             2001:db8::1, ::1
//	hex, bracket, then . : or d                       1[.]2, 1(dot)2, 2001[:]db8
//	0xE3 0xEF (and 0xC3 0xCF)                         １.２.３.４, 1。2, 1【.】2
//
// Bytes before lo or past the end of the input count as NUL, which is no
// class. The scanner walks back from each event to the start of the run
// around it. A typical log line has about one event per address it holds,
// against a dozen dots and colons in times (2025:14:31:07 has three colons:
// no event), versions and names.
//
// The run mask marks the bytes of a block that are hex digits, dots or
// colons.

// planes holds one mask per class for up to 64 bytes.
type planes struct{ dot, col, hex, open, dd, lead uint64 }

// classify returns the class masks of w (at most 64 bytes).
func classify(w []byte) (p planes) {
	for k, c := range w {
		if t := uint64(class7[c]); t != 0 {
			p.dot |= t >> kDot & 1 << k
			p.col |= t >> kCol & 1 << k
			p.hex |= t >> kHex & 1 << k
			p.open |= t >> kOpen & 1 << k
			p.dd |= t >> kD & 1 << k
			p.lead |= t >> kLead & 1 << k
		}
	}
	return p
}

// shiftPlanes returns the planes of the 64 bytes that start s bytes into
// the 128 bytes whose first half is p and second half is n.
func shiftPlanes(p, n planes, s uint) planes {
	f := func(a, b uint64) uint64 { return a>>s | b<<(64-s) }
	return planes{f(p.dot, n.dot), f(p.col, n.col), f(p.hex, n.hex), f(p.open, n.open), f(p.dd, n.dd), f(p.lead, n.lead)}
}

// frameEvents returns the events of a 64-byte frame; bits 1 to
// 63-lookAhead are exact, the others may miss events (but byte 0 may have
// a false "::" event).
func frameEvents(p planes) uint64 {
	ev := p.open & (p.hex << 1) & ((p.dot | p.col | p.dd) >> 1)
	ev |= p.col & (p.col >> 1) &^ (p.col << 1)
	ev |= p.lead
	h := (p.hex << 1) & (p.hex >> 1)
	d := p.dot & h
	d &= d>>2 | d>>3 | d>>4
	d &= d>>2 | d>>3 | d>>4
	c := p.col & h
	c &= c>>2 | c>>3 | c>>4 | c>>5
	c &= c>>2 | c>>3 | c>>4 | c>>5
	c &= c>>2 | c>>3 | c>>4 | c>>5
	return ev | d | c
}

// exact is the bits of a frame that frameEvents decides exactly.
const exact = 1<<(64-lookAhead) - 2

// eventsAt returns the event and run masks of the block at q. It is the
// plain Go version, and the one for blocks near the end of b.
func eventsAt(b []byte, q, lo int) (ev, run uint64) {
	var w [2 * blockSize]byte // b[q-1:q+127], NUL outside lo..len(b)
	for k := range w {
		if p := q - 1 + k; p >= lo && p < len(b) {
			w[k] = b[p]
		} else if p >= len(b) {
			break
		}
	}
	return windowEvents(&w)
}

// windowEvents is eventsAt for the bytes from the left neighbour on.
func windowEvents(w *[2 * blockSize]byte) (ev, run uint64) {
	p := classify(w[:blockSize])
	n := classify(w[blockSize : blockSize+lookAhead+2])
	// Frame A starts at the left neighbour and decides bytes 0 to 46 of
	// the block, frame B starts at byte 16 and decides bytes 17 to 63.
	const sb = 17
	a := frameEvents(p) & exact
	f := frameEvents(shiftPlanes(p, n, sb)) & exact
	ev = a>>1 | f<<(sb-1)
	run = (p.hex|p.dot|p.col)>>1 | (n.hex|n.dot|n.col)<<63
	return ev, run
}

// eventsChunkGo is scanChunk in plain Go: it fills ev and run with the
// masks of the n blocks at q, q+64, …, and returns a mask of the blocks
// with events (bit k for ev[k]). The n blocks and one more (look-ahead)
// must lie inside b, and q >= lo.
func eventsChunkGo(b []byte, q, n, lo int, ev, run *[chunkCap]uint64) (nz uint64) {
	var left planes // the byte before the block, at bit 63
	if q > lo {
		left = classify(b[q-1 : q])
		left = shiftPlanes(planes{}, left, 1)
	}
	p := classify(b[q : q+blockSize])
	for k := range n {
		s := q + (k+1)*blockSize
		next := classify(b[s : s+blockSize])
		ev[k], run[k] = blockEvents(left, p, next)
		if ev[k] != 0 {
			nz |= 1 << k
		}
		left, p = p, next
	}
	return nz
}

// blockEvents returns the event and run masks of the block with planes p,
// given the planes of the blocks before and after it.
func blockEvents(left, p, next planes) (ev, run uint64) {
	// Frame A starts at the left neighbour and decides bytes 0 to 46 of
	// the block, frame B starts at byte 16 and decides bytes 17 to 63.
	const sb = 16
	a := frameEvents(shiftPlanes(left, p, 63)) & exact
	f := frameEvents(shiftPlanes(p, next, sb)) & exact
	return a>>1 | f<<sb, p.hex | p.dot | p.col
}

// firstEvent returns the offset of the lowest set bit of m.
func firstEvent(m uint64) int {
	return bits.TrailingZeros64(m)
}
