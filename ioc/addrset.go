package ioc

import "encoding/binary"

// The address sets of an extraction index its hits by address. They are
// open-addressing hash tables with linear probing, kept at most half full,
// and each slot also gathers its address's occurrences and roles: a repeat,
// nearly every occurrence in a log, touches one slot and nothing else.
// Go's maps cost two to four times as much per look-up here, and an extra
// cache line for the count.

// tally packs the occurrences gathered in a slot (times 8) and the roles
// seen (bit 1<<Role); 0 marks an empty slot, since a slot is filled by an
// occurrence.
type tally uint32

// tallyFull is where a tally's count stops: it is then moved into the
// hit's count (see table.spill), which never overflows on 64-bit.
const tallyFull = ^tally(0) &^ 7

func (n tally) add(r Role) tally { return (n + 8) | 1<<r }

// set4 indexes IPv4 hits. A slot is 8 bytes, so that more of the busy
// ones stay in cache; the index of its hit, needed only when the slot is
// filled or its tally spilled, is kept apart in hit.
type set4 struct {
	slots []slot4
	hit   []int32
	shift uint // 32 - log2(len(slots))
	used  int
}

type slot4 struct {
	addr uint32
	n    tally
}

// set16 indexes IPv6 hits.
type set16 struct {
	slots []slot16
	shift uint // 64 - log2(len(slots))
	used  int
}

type slot16 struct {
	addr [16]byte
	n    tally
	hit  int32
}

const setMinBits = 10 // 1024 slots to start with

func newSet4() set4 {
	return set4{slots: make([]slot4, 1<<setMinBits), hit: make([]int32, 1<<setMinBits), shift: 32 - setMinBits}
}

func newSet16() set16 {
	return set16{slots: make([]slot16, 1<<setMinBits), shift: 64 - setMinBits}
}

// home is the index of the first slot probed for a: the top bits of a
// Fibonacci hash.
func (s *set4) home(a uint32) uint32 {
	return a * 0x9E3779B1 >> s.shift
}

// find returns the index of a's slot: the one holding it, or the empty
// one where it belongs.
func (s *set4) find(a uint32) uint32 {
	mask := uint32(len(s.slots) - 1)
	for i := s.home(a); ; i = (i + 1) & mask {
		if e := &s.slots[i]; e.addr == a || e.n == 0 {
			return i
		}
	}
}

// first returns the first slot find probes for a.
func (s *set4) first(a uint32) *slot4 {
	return &s.slots[s.home(a)]
}

// grow doubles the set when it is half full.
func (s *set4) grow() {
	if 2*(s.used+1) <= len(s.slots) {
		return
	}
	old, hit := s.slots, s.hit
	s.slots, s.hit, s.shift = make([]slot4, 2*len(old)), make([]int32, 2*len(old)), s.shift-1
	for k, e := range old {
		if e.n != 0 {
			i := s.find(e.addr)
			s.slots[i], s.hit[i] = e, hit[k]
		}
	}
}

func hash16(a *[16]byte) uint64 {
	return (binary.LittleEndian.Uint64(a[:8])*0x9E3779B97F4A7C15 ^ binary.LittleEndian.Uint64(a[8:])) * 0xD6E8FEB86659FD93
}

func (s *set16) find(a *[16]byte) *slot16 {
	mask := uint64(len(s.slots) - 1)
	for i := hash16(a) >> s.shift; ; i = (i + 1) & mask {
		if e := &s.slots[i]; e.addr == *a || e.n == 0 {
			return e
		}
	}
}

func (s *set16) grow() {
	if 2*(s.used+1) <= len(s.slots) {
		return
	}
	old := s.slots
	s.slots, s.shift = make([]slot16, 2*len(old)), s.shift-1
	for _, e := range old {
		if e.n != 0 {
			*s.find(&e.addr) = e
		}
	}
}
