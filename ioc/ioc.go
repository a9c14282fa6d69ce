package ioc

import (
	"io"
	"net/netip"
	"unsafe"
)

// Role is a hint from the surrounding text about which side of a connection
// an IP is.
type Role uint8

// Roles, from keys such as src= / dst= and tcpdump's "A > B".
const (
	RoleUnknown Role = iota
	RoleSource
	RoleDest
)

// String returns "", "src" or "dst".
func (r Role) String() string {
	switch r {
	case RoleSource:
		return "src"
	case RoleDest:
		return "dst"
	}
	return ""
}

// Hit is one unique IP found in the input.
type Hit struct {
	Addr      netip.Addr // canonical: IPv4 as 4-byte (IPv4-mapped unmapped), IPv6 without zone
	Count     int        // occurrences
	FirstLine int        // 1-based line of first occurrence
	Public    bool       // false for private/reserved (see IsPublic)
	Role      Role       // RoleSource if any occurrence was source-labelled, else RoleDest if any dest-labelled, else RoleUnknown
}

// Options bound the work.
type Options struct {
	MaxUnique int // stop collecting new unique IPs beyond this (0 = no limit); Result.Truncated reports it

	// LineOffset is added to every line number (Hit.FirstLine and the line
	// given to OnLine), so that several inputs can be numbered as one.
	LineOffset int
	// OnLine, when set, is called for each unique IP of each line in order
	// of appearance, as ScanLines does, whatever MaxUnique says. An error
	// from it stops the extraction; Extract returns it.
	OnLine func(line int, addr netip.Addr) error
}

// Result of a whole extraction.
type Result struct {
	Hits      []Hit // unique IPs in order of first appearance
	Lines     int   // lines read
	Bytes     int64
	Binary    bool // input looked binary (NUL bytes or mostly invalid UTF-8); hits are still those found in text-like runs
	Truncated bool // MaxUnique reached
}

// Public returns only the public hits, order kept.
func (r Result) Public() []Hit {
	var out []Hit
	for _, h := range r.Hits {
		if h.Public {
			out = append(out, h)
		}
	}
	return out
}

// Private returns the number of non-public unique hits.
func (r Result) Private() int {
	n := 0
	for _, h := range r.Hits {
		if !h.Public {
			n++
		}
	}
	return n
}

// Extract streams r with bounded memory (whatever the line length or total
// size): a 64 KiB buffer plus the table of unique addresses. On a read error
// it returns the hits found so far together with the error.
func Extract(r io.Reader, opts Options) (Result, error) {
	s := newStream(r, bufSize)
	res, err := extract(s, opts)
	if err == nil {
		err = s.err
	}
	return res, err
}

// ExtractBytes is Extract for text already in memory: it scans b in place,
// with no copy and no read buffer. b is neither modified nor retained. The
// only error is one returned by opts.OnLine.
func ExtractBytes(b []byte, opts Options) (Result, error) {
	return extract(newStreamBytes(b), opts)
}

// ExtractString is ExtractBytes for a string, without copying it (the
// scanner only reads).
func ExtractString(s string) Result {
	res, _ := ExtractBytes(unsafe.Slice(unsafe.StringData(s), len(s)), Options{})
	return res
}

// ScanLines calls fn for every line (1-based) with each unique IP on that
// line, in order of appearance; used by `tibot extract --lines`. It stops at
// the first error from fn or from r and returns it.
func ScanLines(r io.Reader, fn func(line int, addr netip.Addr) error) error {
	s := newStream(r, bufSize)
	err := scanLines(s, 0, fn)
	if err == nil {
		err = s.err
	}
	return err
}

// scanLines runs the stream to its end, calling fn per unique IP per line.
func scanLines(s *stream, offset int, fn func(line int, addr netip.Addr) error) error {
	var (
		f    found
		cur  int
		seen lineSet
	)
	for s.next(&f) {
		line := s.lineOf(f.start) + offset
		if line != cur {
			cur = line
			seen.reset()
		}
		if a := f.addr(); seen.add(a) {
			if err := fn(line, a); err != nil {
				return err
			}
		}
	}
	return nil
}

// addr returns the canonical netip.Addr of an occurrence.
func (f *found) addr() netip.Addr {
	if f.v6 {
		return netip.AddrFrom16(f.a16)
	}
	return addr4(f.a4)
}

// addr4 is the address of a found or slot's a4 (first octet in the top byte).
func addr4(a uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)})
}

// lineSet is the set of addresses already reported on the current line:
// a short slice, and a map once a line holds many.
type lineSet struct {
	list []netip.Addr
	m    map[netip.Addr]struct{}
}

func (l *lineSet) reset() {
	l.list = l.list[:0]
	clear(l.m)
}

// add reports whether a is new on the line and records it.
func (l *lineSet) add(a netip.Addr) bool {
	if l.m != nil && len(l.m) > 0 {
		if _, ok := l.m[a]; ok {
			return false
		}
		l.m[a] = struct{}{}
		return true
	}
	for _, b := range l.list {
		if b == a {
			return false
		}
	}
	if len(l.list) < 16 {
		l.list = append(l.list, a)
		return true
	}
	if l.m == nil {
		l.m = make(map[netip.Addr]struct{})
	}
	for _, b := range l.list {
		l.m[b] = struct{}{}
	}
	l.m[a] = struct{}{}
	return true
}
