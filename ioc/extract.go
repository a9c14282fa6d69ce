package ioc

import "net/netip"

// table holds the unique addresses of one extraction, in order of first
// appearance. It is the only part of an extraction that grows with the input.
type table struct {
	// Per hit, by index: the line of its first occurrence, and what the
	// slot of v4 or v6 gathered, moved here when it is full and at the
	// end. Hits themselves, with their addresses, are made once, at the
	// end (result): growing slices without pointers is cheaper.
	firsts    []int
	counts    []int
	roles     []uint8 // bit 1<<Role for every role seen
	v4        set4
	v6        set16
	max       int
	truncated bool
}

func newTable(max int) *table {
	return &table{max: max, v4: newSet4(), v6: newSet16()}
}

// extract runs s to its end and collects the hits.
func extract(s *stream, opts Options) (Result, error) {
	return newTable(opts.MaxUnique).run(s, opts)
}

// run runs s to its end and collects the hits in t.
//
// The scanner reads t's IPv4 set (scanner.seen) and, unless every
// occurrence must be reported to opts.OnLine, counts there itself the
// repeats it may skip (accept4).
func (t *table) run(s *stream, opts Options) (Result, error) {
	var (
		f    found
		cur  int
		seen lineSet
	)
	if useSeen {
		s.sc.seen, s.sc.tally = &t.v4, opts.OnLine == nil
	}
	for s.next(&f) {
		if !t.repeat(&f) && !t.count(&f) {
			t.add(&f, s.lineOf(f.start)+opts.LineOffset)
		}
		if opts.OnLine == nil {
			continue
		}
		line := s.lineOf(f.start) + opts.LineOffset
		if line != cur {
			cur = line
			seen.reset()
		}
		if a := f.addr(); seen.add(a) {
			if err := opts.OnLine(line, a); err != nil {
				return t.result(s), err
			}
		}
	}
	return t.result(s), nil
}

// count records one occurrence in f. It reports false for an address not
// seen before, which add then records.
func (t *table) count(f *found) bool {
	if f.v6 {
		return t.count16(f)
	}
	i := t.v4.find(f.a4)
	e := &t.v4.slots[i]
	if e.n == 0 {
		return false
	}
	if e.n >= tallyFull {
		t.spill(t.v4.hit[i], e.n)
		e.n = 0
	}
	e.n = e.n.add(f.role)
	return true
}

// repeat is count for its common case, written to be inlined into the
// loop: an IPv4 address in the first slot probed, not full. It reports
// false, having done nothing, for any other.
func (t *table) repeat(f *found) bool {
	e := t.v4.first(f.a4)
	if f.v6 || e.addr != f.a4 || e.n-1 >= tallyFull-1 {
		return false
	}
	e.n = e.n.add(f.role)
	return true
}

func (t *table) count16(f *found) bool {
	e := t.v6.find(&f.a16)
	if e.n == 0 {
		return false
	}
	if e.n >= tallyFull {
		t.spill(e.hit, e.n)
		e.n = 0
	}
	e.n = e.n.add(f.role)
	return true
}

// spill adds what a slot gathered, n, to hit i.
func (t *table) spill(i int32, n tally) {
	t.counts[i] += int(n >> 3)
	t.roles[i] |= uint8(n & 7)
}

// add records a new address unless MaxUnique is reached.
func (t *table) add(f *found, line int) {
	if t.max > 0 && len(t.firsts) >= t.max {
		t.truncated = true
		return
	}
	i := int32(len(t.firsts))
	n := tally(0).add(f.role)
	if f.v6 {
		t.v6.grow()
		*t.v6.find(&f.a16) = slot16{addr: f.a16, n: n, hit: i}
		t.v6.used++
	} else {
		t.v4.grow()
		k := t.v4.find(f.a4)
		t.v4.slots[k], t.v4.hit[k] = slot4{addr: f.a4, n: n}, i
		t.v4.used++
	}
	t.firsts = append(t.firsts, line)
	t.counts = append(t.counts, 0)
	t.roles = append(t.roles, 0)
}

func (t *table) result(s *stream) Result {
	var hits []Hit
	if len(t.firsts) > 0 {
		hits = make([]Hit, len(t.firsts))
	}
	for k := range t.v4.slots {
		if e := &t.v4.slots[k]; e.n != 0 {
			i := t.v4.hit[k]
			t.spill(i, e.n)
			hits[i].Addr = addr4(e.addr)
		}
	}
	for k := range t.v6.slots {
		if e := &t.v6.slots[k]; e.n != 0 {
			t.spill(e.hit, e.n)
			hits[e.hit].Addr = netip.AddrFrom16(e.addr)
		}
	}
	for i := range hits {
		h := &hits[i]
		h.Count, h.FirstLine, h.Public, h.Role = t.counts[i], t.firsts[i], IsPublic(h.Addr), roleOf(t.roles[i])
	}
	return Result{
		Hits:      hits,
		Lines:     s.lineCount(),
		Bytes:     s.bytes,
		Binary:    s.binary(),
		Truncated: t.truncated,
	}
}

// roleOf is the role of a hit from the roles of its occurrences: source if
// any was, else destination if any was.
func roleOf(seen uint8) Role {
	switch {
	case seen&(1<<RoleSource) != 0:
		return RoleSource
	case seen&(1<<RoleDest) != 0:
		return RoleDest
	}
	return RoleUnknown
}

// canonical returns a in the form Hit.Addr uses: IPv4-mapped addresses
// unmapped, zones dropped.
func canonical(a netip.Addr) netip.Addr {
	return a.Unmap().WithZone("")
}

// useSeen lets the scanner read and count in the table (scanner.seen);
// tests turn it off to compare.
var useSeen = true
