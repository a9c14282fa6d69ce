package ioc

import "math/bits"

// fastPath switches fast4 on; tests turn it off to compare with the
// general path.
var fastPath = true

// fast4 is the general path (atAnchor, runStart, candidate, collect, ipv4)
// fused for the case that makes up nearly every hit in real logs: a plain
// ASCII dotted quad, at most three digits before the event's dot, inside
// one block, after a byte that cannot continue it. It either accepts the
// address exactly as the general path would, or reports done == false and
// leaves the decision to the general path: anything unusual (full-width or
// defanged text, a fifth dotted part, a colon before the dot, a rejection)
// takes the general path.
func (sc *scanner) fast4(a int, f *found) (end int, ok, done bool) {
	b := sc.b
	rel := uint(a - sc.q)
	if rel >= 64 || b[a] != '.' {
		return 0, false, false
	}
	below := ^sc.run & (1<<rel - 1)
	if below == 0 {
		return 0, false, false
	}
	s := sc.q + 64 - bits.LeadingZeros64(below) // after the last non-run byte
	if s <= sc.lo || s < sc.floor || a-s > 3 {
		return 0, false, false
	}
	if p := b[s-1]; p >= 0x80 || cls[p]&cWord != 0 {
		return 0, false, false // midWord: Chinese text, a word or "key:value"
	}
	above := ^sc.run >> (uint(s-sc.q) & 63)
	if above == 0 {
		return 0, false, false
	}
	e := s + bits.TrailingZeros64(above) // where the run ends
	if e-s >= maxRun || e > len(b) {
		return 0, false, false
	}
	if e < len(b) {
		if c := b[e]; c >= 0x80 || cls[c]&cOpen != 0 {
			return 0, false, false // full-width or defanged text may continue it
		}
	}
	run := b[s:e]
	addr, p, ok := quad(run, 0)
	if !ok {
		return 0, false, false
	}
	// What follows the fourth octet inside the run: nothing, a port, or a
	// dot that is not a fifth part (v4Tail).
	switch n := len(run); {
	case p == n || p+1 == n && run[p] == '.':
		if e < len(b) && cls[b[e]]&cWord != 0 {
			return 0, false, false
		}
	case run[p] == ':':
	case run[p] == '.' && cls[run[p+1]]&(cDigit|cHexL) == 0:
	default:
		return 0, false, false
	}
	k := keyBefore(b, s, sc.lo)
	if k == keyVersion {
		return 0, false, false
	}
	stop := s + p
	*f = found{a4: addr, start: s, role: sc.role(k, s, stop)}
	return stop, true, true
}
