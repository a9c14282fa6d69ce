package storage

import (
	"encoding/binary"
	"fmt"
	"math"
	"net/netip"
	"time"
)

// Key layouts. All integers are big-endian and fixed width so that byte
// order equals numeric order and cursors can range-scan.
const (
	ipLen   = 16 // netip.Addr.As16: IPv4 is stored IPv4-mapped
	timeLen = 8  // UnixNano as uint64
	seqLen  = 8  // bucket sequence

	historyKeyLen = timeLen + ipLen + seqLen
	orderKeyLen   = 8 + timeLen + ipLen
	blockKeyLen   = ipLen + 1
	auditKeyLen   = timeLen + seqLen
)

// itob encodes v as 8 big-endian bytes.
func itob(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// btoi decodes 8 big-endian bytes; anything shorter is 0.
func btoi(b []byte) uint64 {
	if len(b) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// appendIP appends ip as 16 bytes. IPv4 and IPv4-mapped IPv6 share a key;
// the zone is dropped.
func appendIP(dst []byte, ip netip.Addr) []byte {
	a := ip.As16()
	return append(dst, a[:]...)
}

// ipKey is the 16-byte key of ip.
func ipKey(ip netip.Addr) []byte { return appendIP(make([]byte, 0, ipLen), ip) }

// decodeIP reads a 16-byte address, returning IPv4-mapped ones as IPv4.
func decodeIP(b []byte) netip.Addr {
	return netip.AddrFrom16([ipLen]byte(b[:ipLen])).Unmap()
}

// Bounds of the instants representable as UnixNano.
var (
	minKeyTime = time.Unix(0, 0)
	maxKeyTime = time.Unix(0, math.MaxInt64)
)

// unixNano returns t as UnixNano, clamped to [0, MaxInt64] so that zero
// times and far-future bounds still encode to sortable keys.
func unixNano(t time.Time) int64 {
	switch {
	case t.Before(minKeyTime):
		return 0
	case t.After(maxKeyTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// appendTime appends t as 8-byte UnixNano.
func appendTime(dst []byte, t time.Time) []byte {
	return binary.BigEndian.AppendUint64(dst, uint64(unixNano(t)))
}

// decodeTime reads 8-byte UnixNano as a UTC time.
func decodeTime(b []byte) time.Time { return timeOf(int64(btoi(b))) }

// timeOf turns UnixNano into a UTC time.
func timeOf(n int64) time.Time { return time.Unix(0, n).UTC() }

// optNano encodes an optional time: 0 for the zero time.
func optNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return unixNano(t)
}

// optTime is the inverse of optNano.
func optTime(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return timeOf(n)
}

// quotaKey is subject 0x00 YYYYMMDD.
func quotaKey(subject, day string) []byte {
	k := make([]byte, 0, len(subject)+1+len(day))
	k = append(k, subject...)
	k = append(k, 0)
	return append(k, day...)
}

// quotaDay returns the YYYYMMDD suffix of a quota key.
func quotaDay(k []byte) string {
	if len(k) < 8 {
		return ""
	}
	return string(k[len(k)-8:])
}

// historyKey is at, ip, seq: time-ordered, unique even for the same IP at
// the same instant.
func historyKey(at time.Time, ip netip.Addr, seq uint64) []byte {
	k := make([]byte, 0, historyKeyLen)
	k = appendTime(k, at)
	k = appendIP(k, ip)
	return binary.BigEndian.AppendUint64(k, seq)
}

// orderKey sorts the deferred queue: highest priority first, then oldest,
// then by address.
func orderKey(priority int, queuedAt time.Time, ip netip.Addr) []byte {
	k := make([]byte, 0, orderKeyLen)
	// Flipping the sign bit makes signed order unsigned; inverting makes it
	// descending.
	k = binary.BigEndian.AppendUint64(k, ^(uint64(int64(priority)) ^ 1<<63))
	k = appendTime(k, queuedAt)
	return appendIP(k, ip)
}

// blockKey is the masked address (16 bytes) and the prefix length.
func blockKey(p netip.Prefix) []byte {
	k := make([]byte, 0, blockKeyLen)
	k = appendIP(k, p.Addr())
	return append(k, byte(p.Bits()))
}

// decodeBlockKey is the inverse of blockKey.
func decodeBlockKey(k []byte) (netip.Prefix, error) {
	if len(k) != blockKeyLen {
		return netip.Prefix{}, fmt.Errorf("blocklist key of %d bytes", len(k))
	}
	p := netip.PrefixFrom(decodeIP(k), int(k[ipLen]))
	if !p.IsValid() {
		return netip.Prefix{}, fmt.Errorf("invalid blocklist key %x", k)
	}
	return p, nil
}

// auditKey is at, seq: time-ordered and append-only.
func auditKey(at time.Time, seq uint64) []byte {
	k := make([]byte, 0, auditKeyLen)
	k = appendTime(k, at)
	return binary.BigEndian.AppendUint64(k, seq)
}

// clone copies a key or value out of a transaction.
func clone(b []byte) []byte { return append([]byte(nil), b...) }
