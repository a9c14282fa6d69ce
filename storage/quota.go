package storage

import (
	"context"
	"time"

	"go.etcd.io/bbolt"

	"tibot/intel"
)

var _ intel.Quota = (*DB)(nil)

// Take grants up to n units of s's quota for today (in Options.Location) in
// one read-modify-write update and returns how many were granted and the
// status afterwards. A partial or zero grant is not an error; a negative n
// is EInvalid.
func (db *DB) Take(ctx context.Context, s intel.Subject, n int) (int, intel.QuotaStatus, error) {
	if err := quotaArgs(ctx, n); err != nil {
		return 0, intel.QuotaStatus{}, err
	}
	if n == 0 {
		st, err := db.QuotaStatus(ctx, s)
		return 0, st, err
	}
	now := db.now()
	key, limit := quotaKey(s.Key(), db.day(now)), db.limit(s)
	var used, granted int
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketQuota)
		used = int(btoi(b.Get(key)))
		granted = min(n, max(limit-used, 0))
		if granted == 0 {
			return nil
		}
		used += granted
		return b.Put(key, itob(uint64(used)))
	})
	if err != nil {
		return 0, intel.QuotaStatus{}, err
	}
	return granted, db.status(used, limit, now), nil
}

// Refund gives back n units taken today, never going below zero. A lookup
// charged before midnight and refunded after it is refunded from the new
// day (never below zero), which errs in the user's favour.
func (db *DB) Refund(ctx context.Context, s intel.Subject, n int) error {
	if err := quotaArgs(ctx, n); err != nil || n == 0 {
		return err
	}
	key := quotaKey(s.Key(), db.day(db.now()))
	return db.bolt.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketQuota)
		used := int(btoi(b.Get(key)))
		if used <= n {
			return b.Delete(key)
		}
		return b.Put(key, itob(uint64(used-n)))
	})
}

// QuotaStatus reports s's budget for today without changing it.
func (db *DB) QuotaStatus(ctx context.Context, s intel.Subject) (intel.QuotaStatus, error) {
	if err := ctx.Err(); err != nil {
		return intel.QuotaStatus{}, err
	}
	now := db.now()
	key := quotaKey(s.Key(), db.day(now))
	var used int
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		used = int(btoi(tx.Bucket(bucketQuota).Get(key)))
		return nil
	})
	if err != nil {
		return intel.QuotaStatus{}, err
	}
	return db.status(used, db.limit(s), now), nil
}

func quotaArgs(ctx context.Context, n int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if n < 0 {
		return intel.Errorf(intel.EInvalid, "额度数量无效", "negative quota amount %d", n)
	}
	return nil
}

// limit is s's daily limit: per user, else per role, else the default.
func (db *DB) limit(s intel.Subject) int {
	if l, ok := db.opts.QuotaPerUser[s.Key()]; ok {
		return max(l, 0)
	}
	if s.Admin {
		return db.opts.QuotaAdmin
	}
	return db.opts.QuotaDefault
}

func (db *DB) status(used, limit int, now time.Time) intel.QuotaStatus {
	return intel.QuotaStatus{
		Used:      used,
		Limit:     limit,
		Remaining: max(limit-used, 0),
		ResetAt:   db.nextMidnight(now),
	}
}

// day is the quota day of t: YYYYMMDD in the configured zone.
func (db *DB) day(t time.Time) string { return t.In(db.opts.Location).Format("20060102") }

// nextMidnight is the first midnight after t in the configured zone.
func (db *DB) nextMidnight(t time.Time) time.Time {
	y, m, d := t.In(db.opts.Location).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, db.opts.Location)
}

// quotaStale reports quota rows of days before today (used by Prune).
func quotaStale(today string) func(k, v []byte) bool {
	return func(k, _ []byte) bool { return quotaDay(k) < today }
}
