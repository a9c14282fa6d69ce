package storage

import (
	"encoding/binary"
	"errors"
	"time"
)

// The hot values (cached verdicts, lookup events) use a lean binary
// encoding: a version byte, then fields in a fixed order, strings and
// slices length-prefixed with uvarints. The field order is written out by
// hand in encodeX/decodeX, so a change to an intel type never silently
// changes what is on disk; codec_test.go fails when intel.Verdict grows a
// field the codec does not know. Cold values (key ledger, deferred queue,
// blocklist, audit) are JSON of storage-local structs.

// errCorrupt reports a value that cannot be decoded.
var errCorrupt = errors.New("corrupt value")

// encoder appends fields to a buffer.
type encoder struct{ b []byte }

func (e *encoder) byte1(v byte)     { e.b = append(e.b, v) }
func (e *encoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }

func (e *encoder) boolean(v bool) {
	if v {
		e.byte1(1)
	} else {
		e.byte1(0)
	}
}

func (e *encoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) strs(ss []string) {
	e.uvarint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

// time encodes t as UnixNano, with 0 standing for the zero time.
func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.varint(0)
		return
	}
	e.varint(unixNano(t))
}

// decoder reads fields from a string: the value is copied out of the
// transaction once, as one string, and every decoded string is a substring
// of it (one allocation instead of one per field). The first error sticks
// and later reads return zero values, so callers check err once at the end.
type decoder struct {
	s   string
	err error
}

// newDecoder copies b (which may be bbolt's memory map).
func newDecoder(b []byte) decoder { return decoder{s: string(b)} }

func (d *decoder) fail() { d.err, d.s = errCorrupt, "" }

// rest reports how many bytes are left undecoded.
func (d *decoder) rest() int { return len(d.s) }

func (d *decoder) byte1() byte {
	if len(d.s) < 1 {
		d.fail()
		return 0
	}
	v := d.s[0]
	d.s = d.s[1:]
	return v
}

// uvarint mirrors binary.Uvarint on a string.
func (d *decoder) uvarint() uint64 {
	var v uint64
	for i := 0; i < len(d.s) && i < binary.MaxVarintLen64; i++ {
		c := d.s[i]
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				break // overflow
			}
			d.s = d.s[i+1:]
			return v | uint64(c)<<(7*i)
		}
		v |= uint64(c&0x7f) << (7 * i)
	}
	d.fail()
	return 0
}

// varint mirrors binary.Varint (zig-zag).
func (d *decoder) varint() int64 {
	u := d.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (d *decoder) boolean() bool { return d.byte1() != 0 }

func (d *decoder) str() string {
	n := d.uvarint()
	if n > uint64(len(d.s)) {
		d.fail()
		return ""
	}
	v := d.s[:n]
	d.s = d.s[n:]
	return v
}

// count reads a slice length, refusing lengths the remaining bytes cannot
// hold (every element takes at least one byte).
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.s)) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *decoder) strs() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func (d *decoder) time() time.Time {
	n := d.varint()
	if n == 0 {
		return time.Time{}
	}
	return timeOf(n)
}
