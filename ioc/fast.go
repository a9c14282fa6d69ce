package ioc

import (
	"bytes"
	"math/bits"
)

// fastPath switches fast4 and fast6 on; tests turn it off to compare with
// the general path.
var fastPath = true

// fast4 is the general path (atAnchor, runStart, candidate, collect, ipv4)
// fused for the case that makes up nearly every hit in real logs: a plain
// ASCII dotted quad, at most three digits before the event's dot, inside
// one block, after a byte that cannot continue it. It either decides
// exactly as the general path would, or reports done == false and leaves
// the decision to the general path: anything unusual (full-width or
// defanged text, a fifth dotted part, a colon before the dot, a rejection
// for what follows the address) takes the general path. A version key, and
// a run quad rejects ("Chrome/13.0.782.41": 782 is no octet), are rejected
// here as ipv4 would.
//
// Where the processor has AVX2, dotAVX first reads the plain case from the
// 32 bytes around the event: the run's bounds, the bytes next to it and the
// address, at once. Anything else it leaves to fast4Go.
func (sc *scanner) fast4(a int, f *found) (end int, ok, done bool) {
	b := sc.b
	if useDot && a-4 >= sc.lo && a+28 <= len(b) {
		if addr, r := dotAVX(&b[a-4], &quadShuffles); r != 0 {
			p := a - 4
			if s := p + int(r>>8&0xff); s >= sc.floor {
				return sc.accept4(addr, s, p+int(r>>16&0xff), p+int(r>>24), f)
			}
		}
	}
	return sc.fast4Go(a, f)
}

// useDot switches dotAVX on where the processor has AVX2; tests turn it
// off to compare.
var useDot = haveQuadAVX

// fast4Go is fast4 without dotAVX, for any event: it reads the run's
// bounds from the block's run mask, and the dotted quad with quadAVX or
// quad16.
func (sc *scanner) fast4Go(a int, f *found) (end int, ok, done bool) {
	sc.window(a)
	b := sc.b
	rel := uint(a - sc.q)
	if rel >= 64 {
		return 0, false, false
	}
	var s int
	if below := ^sc.run & (1<<rel - 1); below != 0 {
		s = sc.q + 64 - bits.LeadingZeros64(below) // after the last non-run byte
	} else {
		// The run starts in the previous block: walk back a few bytes.
		for s = a; s > sc.lo && a-s <= 3 && cls[b[s-1]]&(cHex|cSep) != 0; s-- {
		}
	}
	if s <= sc.lo || s < sc.floor || a-s > 3 {
		return 0, false, false
	}
	if prev := b[s-1]; prev >= 0x80 || cls[prev]&cWord != 0 {
		return 0, false, false // midWord: Chinese text, a word or "key:value"
	}
	var e int // where the run ends
	if above := ^sc.run >> rel; above != 0 {
		e = a + bits.TrailingZeros64(above)
	} else {
		// The run goes on into the next block.
		limit := min(len(b), s+maxRun)
		for e = a; e < limit && cls[b[e]]&(cHex|cSep) != 0; e++ {
		}
	}
	if e-s >= maxRun || e > len(b) {
		return 0, false, false
	}
	if e < len(b) {
		if c := b[e]; c >= 0x80 || cls[c]&cOpen != 0 {
			if w, _, _ := wideChar(b, e); w != 0 {
				return 0, false, false // full-width or defanged text continues it
			}
		}
	}
	run := b[s:e]
	var addr uint32
	var p int
	switch {
	case s+16 > len(b):
		addr, p, ok = quad(run, 0) // too near the end of b for quad16
	case haveQuadAVX:
		addr, p, ok = quadAVX(&b[s], len(run), &quadShuffles)
	default:
		addr, p, ok = quad16(b, s, len(run))
	}
	if !ok {
		if b[s] == '.' || bytes.IndexByte(b[s:a], ':') >= 0 {
			return 0, false, false // the general path may start elsewhere, or read IPv6
		}
		// The general path would read the same run from s as IPv4,
		// reject it too ("Chrome/13.0.782.41") and resume at its end.
		return e, false, true
	}
	// What follows the fourth octet inside the run: nothing, a port, or a
	// dot that is not a fifth part (v4Tail). Each comes down to the byte
	// after the address, or after its dot, not being in a word: ':' is
	// not, a fifth part's digit is. One test serves all three, with no
	// branch on which it is (in a mixed log they alternate at random).
	j := s + p
	if j < len(b) {
		j += int((uint32(b[j]^'.') - 1) >> 31) // past a dot
	}
	if j < len(b) {
		if c := b[j]; cls[c]&cWord != 0 || c >= 0x80 && wideAlnumAt(b, j) {
			return 0, false, false
		}
	}
	return sc.accept4(addr, s, s+p, e, f)
}

// accept4 finishes fast4 for the address addr at b[s:addrEnd], in a run
// that ends at e: it is one unless a version key precedes it.
//
// Most addresses in a log repeat, and once one has been seen as a source
// the role of its later occurrences changes nothing (roleOf): for those
// only a version key matters, and notVersion rules it out for less than
// keyBefore costs. With sc.tally such an occurrence is counted here, in
// its slot, and not reported: the scan goes on to the next event.
func (sc *scanner) accept4(addr uint32, s, addrEnd, e int, f *found) (end int, ok, done bool) {
	b := sc.b
	if sc.seen != nil && s-6 >= sc.lo && notVersion((*[6]byte)(b[s-6:s])) {
		if x := sc.seen.first(addr); x.addr == addr && x.n&(1<<RoleSource) != 0 {
			if sc.tally && x.n < tallyFull {
				x.n += 8 // x.n.add(RoleSource); table.count spills it when full
				sc.floor = addrEnd
				return addrEnd, false, true
			}
			*f = found{a4: addr, start: s, role: RoleSource}
			return addrEnd, true, true
		}
	}
	k := keyBefore(b, s, sc.lo)
	if k == keyVersion && !(b[s-1] == '/' && portAt(b[:e], addrEnd)) {
		// A version, unless "name/1.2.3.4:port" (see ipv4).
		return e, false, true
	}
	*f = found{a4: addr, start: s, role: sc.role(k, s, addrEnd)}
	return addrEnd, true, true
}

// fast6 is the general path's way to ipv6 (atAnchor, runStart, candidate,
// collect) fused for a plain ASCII run at a colon event that starts at
// most 15 bytes before the colon, after a byte that cannot continue it:
// the decision itself is ipv6's, so it is the same. A run glued to a word
// whose first colon starts "::" ("std::vector") is rejected here as the
// general path would. Anything else reports done == false. Where the
// processor has AVX2, v6AVX reads the run's common shapes in place of
// parseV6.
func (sc *scanner) fast6(a int, f *found) (end int, ok, done bool) {
	sc.window(a)
	b := sc.b
	rel := uint(a - sc.q)
	if rel >= 64 {
		return 0, false, false
	}
	below := ^sc.run & (1<<rel - 1)
	if below == 0 {
		return 0, false, false
	}
	s := sc.q + 64 - bits.LeadingZeros64(below) // after the last non-run byte
	if s <= sc.lo || s < sc.floor {
		return 0, false, false
	}
	for k := s; k < a; k++ {
		if b[k] == '.' {
			return 0, false, false // a dot first: an IPv4 candidate
		}
	}
	prev := b[s-1]
	if prev >= 0x80 {
		return 0, false, false // midWord: Chinese text
	}
	if cls[prev]&cWord != 0 {
		// A run glued to a word starts after its first colon (runStart):
		// "eth0:fe80::1" is for the general path to read, but if that
		// colon is the first of "::" or the event's own, what follows
		// is glued to the word too ("std::vector", "api::id"): nothing.
		k := s
		for k < a && b[k] != ':' {
			k++
		}
		if k < a && b[k+1] != ':' {
			return 0, false, false
		}
		return a + 1, false, true
	}
	if b[s] == ':' && b[s+1] != ':' {
		return 0, false, false // colonStart
	}
	above := ^sc.run >> rel
	if above == 0 {
		return 0, false, false
	}
	e := a + bits.TrailingZeros64(above) // where the run ends
	if e-s >= maxRun {
		return 0, false, false
	}
	if e < len(b) {
		if c := b[e]; c >= 0x80 || cls[c]&cOpen != 0 {
			return 0, false, false // full-width or defanged text may continue it
		}
	}
	r := &sc.r
	r.s, r.n, r.ascii, r.start, r.over = b[s:e], e-s, true, s, false
	if useV6 && s-3 >= 0 && s+64 <= len(b) {
		var v v6
		switch st := v6AVX(&b[s], e-s, &v.ip, &quadShuffles); st & 0xff {
		case v6Reject:
			return max(e, a+1), false, true
		case v6Accept:
			// ipv6's v6Start holds: b[s-1] is no colon, it ends no run.
			v.end, v.groups, v.trailing, v.embedded = e-s, int(st>>8&0xff), st&(1<<16) != 0, st&(1<<17) != 0
			end, ok = sc.accept6(s, e, v, f)
			return max(end, a+1), ok, true
		}
	}
	end, ok = sc.ipv6(s, e, f)
	return max(end, a+1), ok, true
}

// What v6AVX decided, in the low byte of its st.
const (
	v6Fallback = iota // nothing: parseV6 decides
	v6Reject          // no address: parseV6 or v6Tail rejects the run
	v6Accept          // an address that takes the whole run
)

// useV6 switches v6AVX on where the processor has AVX2; tests turn it off
// to compare.
var useV6 = haveQuadAVX
