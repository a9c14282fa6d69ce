package ioc

import (
	"math"
	"net/netip"
)

// table holds the unique addresses of one extraction, in order of first
// appearance. It is the only part of an extraction that grows with the input.
type table struct {
	hits []Hit
	// counts and roles are updated per occurrence and copied into hits at
	// the end: small arrays stay in cache where hits (48 bytes each) do not.
	counts    []int
	roles     []uint8 // bit 1<<Role for every role seen
	v4        map[uint32]int32
	v6        map[[16]byte]int32
	max       int
	truncated bool
	// recent caches recently seen IPv4 addresses, direct-mapped by a hash
	// of the address: logs repeat a few busy addresses, and this avoids
	// most map lookups. An entry also gathers its address's occurrences
	// until it is evicted, so that a repeat touches one cache line.
	recent [recentSize]recentEntry
}

type recentEntry struct {
	addr  uint32
	idx   int32 // hit index + 1; 0 is empty
	count int32 // occurrences not yet added to counts[idx-1]
	roles uint8 // roles not yet added to roles[idx-1]
}

// flush adds what e gathered to the hit it caches.
func (t *table) flush(e *recentEntry) {
	if e.idx > 0 {
		t.counts[e.idx-1] += int(e.count)
		t.roles[e.idx-1] |= e.roles
		e.count, e.roles = 0, 0
	}
}

const recentSize = 4096

func recentSlot(a uint32) uint32 {
	return a * 0x9E3779B1 >> 20 // top 12 bits of a Fibonacci hash
}

// extract runs s to its end and collects the hits.
func extract(s *stream, opts Options) (Result, error) {
	t := &table{max: opts.MaxUnique, v4: make(map[uint32]int32), v6: make(map[[16]byte]int32)}
	var (
		f    found
		cur  int
		seen lineSet
	)
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

// repeat records one more occurrence of an IPv4 address the recent cache
// holds, nearly every occurrence in a log; false for any other. It is small
// enough to be inlined into the loop.
func (t *table) repeat(f *found) bool {
	e := &t.recent[recentSlot(f.a4)]
	if f.v6 || e.idx == 0 || e.addr != f.a4 || e.count == math.MaxInt32 {
		return false
	}
	e.count++
	e.roles |= 1 << f.role
	return true
}

// count records one more occurrence of a known address; false if unknown.
func (t *table) count(f *found) bool {
	var i int32
	var ok bool
	if f.v6 {
		i, ok = t.v6[f.a16]
	} else {
		e := &t.recent[recentSlot(f.a4)]
		if e.idx > 0 && e.addr == f.a4 {
			t.flush(e) // its count is full
			i, ok = e.idx-1, true
		} else if i, ok = t.v4[f.a4]; ok {
			t.flush(e)
			e.addr, e.idx = f.a4, i+1
		}
	}
	if !ok {
		return false
	}
	t.counts[i]++
	t.roles[i] |= 1 << f.role
	return true
}

// add records a new address unless MaxUnique is reached.
func (t *table) add(f *found, line int) {
	if t.max > 0 && len(t.hits) >= t.max {
		t.truncated = true
		return
	}
	i := int32(len(t.hits))
	if f.v6 {
		t.v6[f.a16] = i
	} else {
		t.v4[f.a4] = i
		e := &t.recent[recentSlot(f.a4)]
		t.flush(e)
		e.addr, e.idx = f.a4, i+1
	}
	a := f.addr()
	t.hits = append(t.hits, Hit{Addr: a, FirstLine: line, Public: IsPublic(a)})
	t.counts = append(t.counts, 1)
	t.roles = append(t.roles, 1<<f.role)
}

func (t *table) result(s *stream) Result {
	for k := range t.recent {
		t.flush(&t.recent[k])
	}
	for i := range t.hits {
		t.hits[i].Count, t.hits[i].Role = t.counts[i], roleOf(t.roles[i])
	}
	return Result{
		Hits:      t.hits,
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
