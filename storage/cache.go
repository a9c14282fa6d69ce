package storage

import (
	"context"
	"encoding/binary"
	"net/netip"
	"time"

	"go.etcd.io/bbolt"

	"tibot/intel"
)

// Cached verdict value: a fixed header the freshness check reads without
// decoding, then the body.
//
//	[0]     encoding version (verdictV1)
//	[1:9]   FetchedAt, UnixNano
//	[9]     Level
//	[10:]   body, see encodeVerdictBody
const (
	verdictV1         = 1
	verdictHeaderLen  = 10
	verdictFetchedOff = 1
	verdictLevelOff   = 9
)

var _ intel.Cache = (*DB)(nil)

// CachedVerdicts returns the fresh cached verdicts among ips, keyed by the
// address as given, with Cached set and the original FetchedAt. All reads
// share one read transaction. Undecodable entries count as misses.
func (db *DB) CachedVerdicts(ctx context.Context, ips []netip.Addr) (map[netip.Addr]intel.Verdict, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := db.now()
	out := make(map[netip.Addr]intel.Verdict, len(ips))
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketVerdicts)
		var key [ipLen]byte
		for _, ip := range ips {
			if !ip.IsValid() {
				continue
			}
			key = ip.As16()
			if v, ok := db.freshVerdict(b.Get(key[:]), now); ok {
				v.IP = ip.Unmap().WithZone("")
				out[ip] = v
			}
		}
		return nil
	})
	return out, err
}

// freshVerdict decodes raw if it is still fresh at now.
func (db *DB) freshVerdict(raw []byte, now time.Time) (intel.Verdict, bool) {
	if raw == nil || !db.verdictFresh(raw, now) {
		return intel.Verdict{}, false
	}
	v, err := decodeVerdict(raw)
	if err != nil {
		db.log.Warn("undecodable cached verdict ignored", "err", err)
		return intel.Verdict{}, false
	}
	v.Cached = true
	return v, true
}

// verdictFresh reads the header only.
func (db *DB) verdictFresh(raw []byte, now time.Time) bool {
	if len(raw) < verdictHeaderLen || raw[0] != verdictV1 {
		return false
	}
	ttl, ok := db.ttl(intel.Level(raw[verdictLevelOff]))
	fetched := timeOf(int64(binary.BigEndian.Uint64(raw[verdictFetchedOff:])))
	return ok && now.Before(fetched.Add(ttl))
}

// ttl is the cache lifetime of a level; ok is false when the level is not
// cached at all.
func (db *DB) ttl(l intel.Level) (time.Duration, bool) {
	if d, set := db.opts.CacheTTLByLevel[l]; set {
		return d, d > 0
	}
	return db.opts.CacheTTL, true
}

// PutVerdicts stores verdicts in one update. Verdicts with Err, an invalid
// IP or an uncached level are skipped; a zero FetchedAt becomes now.
func (db *DB) PutVerdicts(ctx context.Context, vs []intel.Verdict) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := db.now()
	type kv struct{ k, v []byte }
	puts := make([]kv, 0, len(vs))
	for _, v := range vs {
		if _, ok := db.ttl(v.Level); !ok || v.Err != nil || !v.IP.IsValid() {
			continue
		}
		if v.FetchedAt.IsZero() {
			v.FetchedAt = now
		}
		puts = append(puts, kv{ipKey(v.IP), encodeVerdict(v)})
	}
	if len(puts) == 0 {
		return nil
	}
	return db.bolt.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketVerdicts)
		for _, p := range puts {
			if err := b.Put(p.k, p.v); err != nil {
				return err
			}
		}
		return nil
	})
}

// verdictExpired reports whether a cached value is stale at now (used by
// Prune); undecodable values count as expired.
func (db *DB) verdictExpired(now time.Time) func(k, v []byte) bool {
	return func(_, v []byte) bool { return !db.verdictFresh(v, now) }
}
