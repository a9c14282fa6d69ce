package ioc

import (
	"math/bits"
	"unicode/utf8"
)

// maxStep bounds how far past a trigger byte one scanner step reads: a full
// run, then a port or zone and the " > " arrow. The streaming reader keeps
// more than this unread after its scan limit, so a step never sees a buffer
// end that the whole input would not have.
const maxStep = maxRun*maxWidth + maxZone + 16

// maxZone bounds an IPv6 zone such as "%eth0".
const maxZone = 32

// found is one address occurrence reported by the scanner.
type found struct {
	v6    bool
	a4    uint32
	a16   [16]byte
	start int // raw offset of the first byte
	role  Role
}

// scanner finds address occurrences in b[i:limit); work at an anchor before
// limit may read up to maxStep bytes beyond it and lookBack bytes before it.
// lo is the earliest byte it may look back at.
type scanner struct {
	b     []byte
	i     int
	lo    int
	limit int
	floor int    // end of the last occurrence: the next one starts at or after it
	bq    int    // start of the current block
	m     uint64 // its events not visited yet (bit k: b[bq+k])
	q     int    // start of the 64 bytes that run describes, around the event visited
	run   uint64 // their hex digits, dots and colons (bit k: b[q+k])
	r     run
	// seen, if not nil, holds the IPv4 hits counted so far: accept4 reads
	// it to skip what cannot change the result, and with tally set counts
	// the occurrences it skips there itself instead of reporting them.
	seen  *set4
	tally bool
	// Blocks decided ahead: evs[k] and runs[k] are the event and run masks
	// of the block at cq+64*k, for k < cn; bit k of nz is set for those
	// with events not visited yet.
	cq, cn    int
	nz        uint64
	evs, runs [chunkCap]uint64
}

// next advances to the next address occurrence and reports it in f.
//
// This is the hot loop. It classifies a block of bytes at a time (events)
// and visits only the few bytes where an address may be. The events of the
// current block left after an address are kept for the next call.
func (sc *scanner) next(f *found) bool {
	limit := min(sc.limit, len(sc.b))
	for {
		if sc.m == 0 && !sc.nextBlock(limit) {
			return false
		}
		a := sc.bq + firstEvent(sc.m)
		sc.m &= sc.m - 1
		if a >= limit {
			sc.m, sc.i = 0, max(sc.i, limit)
			return false
		}
		var end int
		var ok, done bool
		if fastPath {
			switch sc.b[a] {
			case '.':
				end, ok, done = sc.fast4(a, f)
			case ':':
				end, ok, done = sc.fast6(a, f)
			}
		}
		if !done {
			end, ok = sc.atAnchor(a, f)
		}
		sc.i = end // events before it are gone from m
		if end-sc.bq >= blockSize {
			sc.m = 0
		} else {
			sc.m &^= 1<<(end-sc.bq) - 1
		}
		if sc.m == 0 {
			sc.i = max(sc.i, sc.bq+blockSize)
		}
		if ok {
			sc.floor = end
			return true
		}
	}
}

// nextBlock finds the next block with events at or after sc.i and before
// limit; false when there is none. It decides up to chunkBlocks blocks at
// a time and keeps them for the next calls.
func (sc *scanner) nextBlock(limit int) bool {
	for {
		for sc.nz != 0 {
			k := bits.TrailingZeros64(sc.nz)
			sc.nz &= sc.nz - 1
			q := sc.cq + k*blockSize
			if m := sc.evs[k&(chunkCap-1)] &^ (1<<max(0, sc.i-q) - 1); m != 0 {
				sc.bq, sc.m = q, m
				return true
			}
		}
		q := max(sc.i, sc.cq+sc.cn*blockSize)
		if q >= limit {
			sc.i = q
			return false
		}
		// A chunk needs one more whole block of look-ahead in b; the
		// blocks of a chunk all start before limit.
		b := sc.b
		if n := min(chunkBlocks, (limit-q+blockSize-1)/blockSize, (len(b)-q)/blockSize-1); n > 0 {
			sc.nz = scanChunk(b, q, n, sc.lo, &sc.evs, &sc.runs)
			sc.cq, sc.cn = q, n
			continue
		}
		sc.evs[0], sc.runs[0] = eventsAt(b, q, sc.lo)
		sc.cq, sc.cn, sc.nz = q, 1, 0
		if sc.evs[0] != 0 {
			sc.nz = 1
		}
	}
}

// window points q and run at the 64 bytes from 16 before a, as far as the
// current chunk reaches: bytes past it count as run bytes, which sends
// runStart and candidate to the bytes themselves.
func (sc *scanner) window(a int) {
	d := uint(max(a-16, sc.cq) - sc.cq)
	k, s := d/blockSize, d%blockSize
	hi := ^uint64(0)
	if int(k)+1 < sc.cn {
		hi = sc.runs[(k+1)&(chunkCap-1)]
	}
	sc.q, sc.run = sc.cq+int(d), sc.runs[k&(chunkCap-1)]>>s|hi<<1<<(63-s)
}

// atAnchor finds the start of the run around the event at b[a], checks
// that an address may start there and reads the candidate. It returns where
// scanning resumes, always after a.
func (sc *scanner) atAnchor(a int, f *found) (int, bool) {
	sc.window(a)
	b := sc.b
	next := a + 1
	if b[a] >= 0x80 {
		c, w, _ := wideChar(b, a)
		if c == 0 {
			return next, false
		}
		next = a + w
	}
	s := sc.runStart(a)
	if s < 0 || s < sc.floor || sc.midWord(s) {
		return next, false
	}
	switch c := b[s]; {
	case c == ':' && !sc.colonStart(s):
		return next, false
	case c >= 0x80 && !sc.wideHexAt(s):
		return next, false
	}
	end, ok := sc.candidate(s, f)
	return max(end, next), ok
}

// runStart walks back from b[a] over ASCII hex digits, dots and colons to
// where the run starts, or returns -1 when the run is too long to be an
// address. A run glued to a word is a "key:value" pair and starts after
// its first colon ("src:1.2.3.4", "eth0:fe80::1"). Leading dots are
// punctuation ("...1.2.3.4").
func (sc *scanner) runStart(a int) int {
	b, s := sc.b, a
	stop := max(sc.lo, a-maxRun)
	if below := ^sc.run & (1<<(a-sc.q) - 1); below != 0 {
		s = max(stop, sc.q+64-bits.LeadingZeros64(below)) // after the last non-run byte
	} else {
		for s > stop && cls[b[s-1]]&(cHex|cSep) != 0 {
			s--
		}
	}
	if s == a-maxRun && s > sc.lo && cls[b[s-1]]&(cHex|cSep) != 0 {
		return -1
	}
	if sc.midWord(s) {
		for k := s; k < a; k++ {
			if b[k] == ':' {
				if b[k+1] == ':' {
					return k
				}
				return k + 1
			}
		}
	}
	for s < a && b[s] == '.' {
		s++
	}
	return s
}

// wideHexAt reports whether b[i:] starts with a full-width hex digit.
func (sc *scanner) wideHexAt(i int) bool {
	c, _, _ := wideChar(sc.b, i)
	return cls[c]&cHex != 0
}

// colonStart reports whether b[i:] is "::" that may start an address: not
// glued to a word, a dot or another colon.
func (sc *scanner) colonStart(i int) bool {
	b := sc.b
	if b[i] != ':' || i+1 >= len(b) || b[i+1] != ':' {
		return false
	}
	return i <= sc.lo || cls[b[i-1]]&cWord == 0 && b[i-1] != ':' && b[i-1] != '.'
}

// midWord reports whether b[i] continues a word or a dotted run, where no
// address may start: "v1.2.3.4", "abc1.2.3.4", "a.1.2.3.4".
func (sc *scanner) midWord(i int) bool {
	if i <= sc.lo {
		return false
	}
	p := sc.b[i-1]
	switch {
	case cls[p]&cWord != 0:
		return true
	case p == '.':
		return i-1 == sc.lo || sc.b[i-2] != '.' // but "...1.2.3.4" may start
	case p >= 0x80:
		return wideAlnumBefore(sc.b, i, sc.lo)
	}
	return false
}

// candidate reads the run at b[i] and decides whether it holds an address.
func (sc *scanner) candidate(i int, f *found) (int, bool) {
	r := &sc.r
	end := -1 // where the run ends, if the block's run mask shows it
	if rel := i - sc.q; rel >= 0 && rel < 64 {
		if above := ^sc.run >> rel; above != 0 {
			end = i + bits.TrailingZeros64(above)
		}
	}
	end = r.collect(sc.b, i, end)
	if r.over {
		return end, false
	}
	for _, c := range r.s {
		switch c {
		case '.':
			return sc.ipv4(i, end, f)
		case ':':
			return sc.ipv6(i, end, f)
		}
	}
	return end, false
}

// ipv4 accepts a dotted-decimal address at b[i] whose run ends at end.
func (sc *scanner) ipv4(i, end int, f *found) (int, bool) {
	r, b := &sc.r, sc.b
	a, ok := parseV4(r, 0)
	if !ok {
		return end, false
	}
	stop := a.end
	if a.port >= 0 {
		// Five parts: BSD netstat and tcpdump print "10.1.1.117.4222".
		// Read it as address and port when the fifth part cannot be an
		// octet, or when tcpdump's " > " arrow is next to it.
		pe := r.rawEnd(a.portEnd)
		if a.port <= 255 && !arrowAfter(b, pe) && !arrowBefore(b, i, sc.lo) {
			return end, false
		}
		stop = a.portEnd
	}
	if !a.stop && !sc.v4Tail(stop, end) {
		return end, false
	}
	k := keyBefore(b, i, sc.lo)
	if k == keyVersion && !(b[i-1] == '/' && portAt(r.s[:r.n], stop)) {
		// A version, unless "name/1.2.3.4:port" (OpenVPN's
		// "client1/192.168.1.13:54321"): a product version has no port.
		return end, false
	}
	e := r.rawEnd(stop)
	*f = found{a4: a.addr, start: i, role: sc.role(k, i, e)}
	return e, true
}

// v4Tail checks what follows an IPv4 address (or its port) at normalized
// index p: a colon (port), a dot that ends a sentence, or a non-word byte.
// "1.2.3.4.example" and "1.2.3.4abc" are not addresses.
func (sc *scanner) v4Tail(p, end int) bool {
	r := &sc.r
	if p < r.n {
		if r.s[p] == ':' {
			return true
		}
		if p+1 < r.n {
			return cls[r.s[p+1]]&cHexL == 0
		}
	}
	return !wordAt(sc.b, end)
}

// portAt reports whether s continues at p with ":port": one to five
// digits, at most 65535, not followed by another hex digit ("123456" and
// "0000A0" are no ports).
func portAt(s []byte, p int) bool {
	if p+1 >= len(s) || s[p] != ':' {
		return false
	}
	v, q := decimal(s, p+1, 5)
	return q > p+1 && v <= 65535 && (q == len(s) || cls[s[q]]&cHex == 0)
}

// wordAt reports whether b[j] is a letter, digit or _, ASCII or full-width.
func wordAt(b []byte, j int) bool {
	return j < len(b) && (cls[b[j]]&cWord != 0 || wideAlnumAt(b, j))
}

// arrowAfter and arrowBefore find tcpdump's " > " between source and
// destination.
func arrowAfter(b []byte, e int) bool {
	return e+3 <= len(b) && string(b[e:e+3]) == " > "
}

func arrowBefore(b []byte, i, lo int) bool {
	return i-3 >= lo && string(b[i-3:i]) == " > "
}

// role turns a key and the tcpdump arrow into the role hint of the
// occurrence at b[i:e].
func (sc *scanner) role(k keyKind, i, e int) Role {
	switch {
	case k == keySource:
		return RoleSource
	case k == keyDest:
		return RoleDest
	case arrowAfter(sc.b, e):
		return RoleSource
	case arrowBefore(sc.b, i, sc.lo):
		return RoleDest
	}
	return RoleUnknown
}

// validRuneBefore reports whether the bytes before i end a multi-byte UTF-8
// character (Chinese text right before a short IPv6 form).
func validRuneBefore(b []byte, i, lo int) bool {
	r, n := utf8.DecodeLastRune(b[max(lo, i-utf8.UTFMax):i])
	return n > 1 && r != utf8.RuneError
}

// validRuneAt reports whether b[j:] starts with a multi-byte UTF-8 character.
func validRuneAt(b []byte, j int) bool {
	r, n := utf8.DecodeRune(b[j:min(len(b), j+utf8.UTFMax)])
	return n > 1 && r != utf8.RuneError
}
