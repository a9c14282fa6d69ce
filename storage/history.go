package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net/netip"
	"time"

	"go.etcd.io/bbolt"

	"tibot/intel"
)

var _ intel.History = (*DB)(nil)

const (
	lookupV1   = 1
	seenValLen = 24 // first, last (UnixNano), count
)

// RecordLookups appends events to the history and updates each address's
// first/last seen, all in one update. A zero At becomes now; an invalid IP
// is EInvalid and nothing is written.
func (db *DB) RecordLookups(ctx context.Context, es []intel.LookupEvent) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := db.now()
	vals := make([][]byte, len(es))
	for i := range es {
		if !es[i].IP.IsValid() {
			return intel.Errorf(intel.EInvalid, "IP 地址无效", "lookup event %d has no valid IP", i)
		}
		vals[i] = encodeLookup(es[i])
	}
	if len(es) == 0 {
		return nil
	}
	return db.bolt.Update(func(tx *bbolt.Tx) error {
		for i, e := range es {
			if e.At.IsZero() {
				e.At = now
			}
			if err := recordLookupTx(tx, e, vals[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// recordLookupTx appends one event and bumps its seen record.
func recordLookupTx(tx *bbolt.Tx, e intel.LookupEvent, val []byte) error {
	b := tx.Bucket(bucketLookups)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	if err := b.Put(historyKey(e.At, e.IP, seq), val); err != nil {
		return err
	}
	seen := tx.Bucket(bucketSeen)
	key := ipKey(e.IP)
	first, last, count := decodeSeen(seen.Get(key))
	at := unixNano(e.At)
	if count == 0 || at < first {
		first = at
	}
	return seen.Put(key, encodeSeen(first, max(last, at), count+1))
}

// Lookups returns the events with from <= At < to, oldest first.
func (db *DB) Lookups(ctx context.Context, from, to time.Time) ([]intel.LookupEvent, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	lo, hi := appendTime(nil, from), appendTime(nil, to)
	var out []intel.LookupEvent
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketLookups).Cursor()
		for k, v := c.Seek(lo); k != nil && bytes.Compare(k[:timeLen], hi) < 0; k, v = c.Next() {
			e, err := decodeLookup(k, v)
			if err != nil {
				return fmt.Errorf("history entry %x: %w", k, err)
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// Seen returns when ip was first and last looked up and how often (zero
// values for an address never seen, or seen before the retention).
func (db *DB) Seen(ctx context.Context, ip netip.Addr) (first, last time.Time, count int, err error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, time.Time{}, 0, err
	}
	var f, l int64
	var n uint64
	err = db.bolt.View(func(tx *bbolt.Tx) error {
		f, l, n = decodeSeen(tx.Bucket(bucketSeen).Get(ipKey(ip)))
		return nil
	})
	if err != nil || n == 0 {
		return time.Time{}, time.Time{}, 0, err
	}
	return timeOf(f), timeOf(l), int(n), nil
}

func encodeSeen(first, last int64, count uint64) []byte {
	b := make([]byte, 0, seenValLen)
	b = binary.BigEndian.AppendUint64(b, uint64(first))
	b = binary.BigEndian.AppendUint64(b, uint64(last))
	return binary.BigEndian.AppendUint64(b, count)
}

// decodeSeen returns zeros for a missing or malformed value.
func decodeSeen(v []byte) (first, last int64, count uint64) {
	if len(v) != seenValLen {
		return 0, 0, 0
	}
	return int64(btoi(v)), int64(btoi(v[8:])), btoi(v[16:])
}

// encodeLookup stores what the key does not hold: the key has At and IP.
func encodeLookup(e intel.LookupEvent) []byte {
	en := encoder{b: make([]byte, 0, 64)}
	en.byte1(lookupV1)
	en.byte1(byte(e.Level))
	en.strs(e.ThreatTypes)
	en.str(e.Platform)
	en.str(e.Chat)
	en.str(e.User)
	en.boolean(e.Cached)
	return en.b
}

func decodeLookup(k, v []byte) (intel.LookupEvent, error) {
	if len(k) != historyKeyLen {
		return intel.LookupEvent{}, errCorrupt
	}
	d := newDecoder(v)
	if d.byte1() != lookupV1 {
		return intel.LookupEvent{}, errCorrupt
	}
	e := intel.LookupEvent{At: decodeTime(k), IP: decodeIP(k[timeLen:])}
	e.Level = intel.Level(d.byte1())
	e.ThreatTypes = d.strs()
	e.Platform, e.Chat, e.User = d.str(), d.str(), d.str()
	e.Cached = d.boolean()
	if d.err != nil || d.rest() != 0 {
		return intel.LookupEvent{}, errCorrupt
	}
	return e, nil
}

// lookupOld reports history keys before cutoff; the bucket is time-ordered.
func lookupOld(cutoff []byte) func(k, v []byte) bool {
	return func(k, _ []byte) bool { return bytes.Compare(k[:timeLen], cutoff) < 0 }
}

// seenOld reports seen records whose last lookup is before cutoff.
func seenOld(cutoff int64) func(k, v []byte) bool {
	return func(_, v []byte) bool {
		_, last, count := decodeSeen(v)
		return count == 0 || last < cutoff
	}
}
