package storage

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// Pruning works in chunks so no write transaction is ever long: a read
// transaction collects up to pruneChunk expired keys (scanning at most
// pruneScan keys), then a short update deletes them (or, for the
// blocklist, marks them expired), re-checking each value in case it was
// refreshed in between.
const (
	pruneChunk = 1000
	pruneScan  = 20000
)

// DefaultJanitorInterval is RunJanitor's interval when given none.
const DefaultJanitorInterval = time.Hour

// PruneStats counts what Prune deleted.
type PruneStats struct {
	Verdicts int // expired cache entries
	Lookups  int // history events older than the retention
	Seen     int // per-IP seen records last updated before the retention
	Quotas   int // quota counters of past days
	Blocks   int // active blocklist entries past their Expires, now expired
}

// pruner describes how to prune one bucket.
type pruner struct {
	bucket  []byte
	expired func(k, v []byte) bool
	// sorted buckets keep expired keys first, so a scan stops at the first
	// live key.
	sorted bool
	// settle handles one expired key inside the update; nil deletes it.
	settle func(tx *bbolt.Tx, k, v []byte) error
}

// Prune deletes expired cache entries, history and seen records older than
// Options.HistoryRetention, and quota counters of past days. It moves active
// blocklist entries past their Expires to the expired state, each with an
// "expire" audit record by "system" written in the same update. Nothing is
// ever deleted from the audit log or the blocklist here.
func (db *DB) Prune(ctx context.Context) (PruneStats, error) {
	now := db.now()
	cutoff := now.Add(-db.opts.HistoryRetention)
	var st PruneStats
	steps := []struct {
		p pruner
		n *int
	}{
		{pruner{bucketVerdicts, db.verdictExpired(now), false, nil}, &st.Verdicts},
		{pruner{bucketLookups, lookupOld(appendTime(nil, cutoff)), true, nil}, &st.Lookups},
		{pruner{bucketSeen, seenOld(unixNano(cutoff)), false, nil}, &st.Seen},
		{pruner{bucketQuota, quotaStale(db.day(now)), false, nil}, &st.Quotas},
		{pruner{bucketBlocklist, blockExpired(now), false, expireBlock(now)}, &st.Blocks},
	}
	for _, s := range steps {
		n, err := db.pruneBucket(ctx, s.p)
		*s.n = n
		if err != nil {
			return st, fmt.Errorf("prune %s: %w", s.p.bucket, err)
		}
	}
	return st, nil
}

// pruneBucket runs collect/delete rounds until the bucket is scanned.
func (db *DB) pruneBucket(ctx context.Context, p pruner) (int, error) {
	var after []byte
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		keys, next, err := db.collectExpired(p, after)
		if err != nil {
			return total, err
		}
		n, err := db.deleteExpired(p, keys)
		total += n
		if err != nil || next == nil {
			return total, err
		}
		after = next
	}
}

// collectExpired returns up to pruneChunk expired keys after the key
// `after`, and where to resume (nil when the scan is complete).
func (db *DB) collectExpired(p pruner, after []byte) (keys [][]byte, next []byte, err error) {
	err = db.bolt.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(p.bucket).Cursor()
		k, v := c.First()
		if after != nil {
			if k, v = c.Seek(after); bytes.Equal(k, after) {
				k, v = c.Next()
			}
		}
		for scanned := 1; k != nil; k, v = c.Next() {
			if p.expired(k, v) {
				keys = append(keys, clone(k))
			} else if p.sorted {
				return nil
			}
			if len(keys) == pruneChunk || scanned == pruneScan {
				next = clone(k)
				return nil
			}
			scanned++
		}
		return nil
	})
	return keys, next, err
}

// deleteExpired deletes (or settles, see pruner.settle) the keys that are
// still expired, in one update.
func (db *DB) deleteExpired(p pruner, keys [][]byte) (int, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	n := 0
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(p.bucket)
		n = 0
		for _, k := range keys {
			v := b.Get(k)
			if v == nil || !p.expired(k, v) {
				continue
			}
			if err := p.apply(tx, b, k, v); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// apply settles one expired key, deleting it by default.
func (p pruner) apply(tx *bbolt.Tx, b *bbolt.Bucket, k, v []byte) error {
	if p.settle != nil {
		return p.settle(tx, k, v)
	}
	return b.Delete(k)
}

// RunJanitor prunes once now and then every interval (DefaultJanitorInterval
// when every <= 0) until ctx is done, logging results and errors. It blocks:
// run it in its own goroutine, which ends when ctx does.
func (db *DB) RunJanitor(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = DefaultJanitorInterval
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for ctx.Err() == nil {
		db.janitorRound(ctx)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
	}
}

func (db *DB) janitorRound(ctx context.Context) {
	start := time.Now()
	st, err := db.Prune(ctx)
	if err != nil {
		if ctx.Err() == nil {
			db.log.Error("prune failed", "err", err)
		}
		return
	}
	db.log.Info("pruned", "verdicts", st.Verdicts, "lookups", st.Lookups,
		"seen", st.Seen, "quotas", st.Quotas, "blocks_expired", st.Blocks, "dur", time.Since(start))
}

// BucketStats describes one bucket.
type BucketStats struct {
	Name  string
	Keys  int // number of keys
	InUse int // bytes used by keys, values and page headers
	Alloc int // bytes of the pages allocated to the bucket (0 while it is inline)
}

// Stats returns key counts and sizes per bucket, in name order. It stops
// with ctx's error when ctx ends (each bucket is walked in full).
func (db *DB) Stats(ctx context.Context) ([]BucketStats, error) {
	var out []BucketStats
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bbolt.Bucket) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			s := b.Stats()
			out = append(out, BucketStats{
				Name:  string(name),
				Keys:  s.KeyN,
				InUse: s.BranchInuse + s.LeafInuse + s.InlineBucketInuse,
				Alloc: s.BranchAlloc + s.LeafAlloc,
			})
			return nil
		})
	})
	return out, err
}
