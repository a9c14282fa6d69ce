package storage

import (
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"tibot/intel"
)

// blockDue reports whether an active entry's expiry has come by now.
func blockDue(state intel.BlockState, expires, now time.Time) bool {
	return state == intel.BlockActive && !expires.IsZero() && !expires.After(now)
}

// expiredAt returns e as it stands at now: an active entry past its
// Expires is expired.
func expiredAt(e intel.BlockEntry, now time.Time) intel.BlockEntry {
	if blockDue(e.State, e.Expires, now) {
		e.State = intel.BlockExpired
	}
	return e
}

// blockExpired is the janitor's test for blocklist values that must move
// to the expired state; undecodable values are left alone.
func blockExpired(now time.Time) func(k, v []byte) bool {
	return func(_, v []byte) bool {
		var r blockRecord
		if json.Unmarshal(v, &r) != nil {
			return false
		}
		return blockDue(intel.BlockState(r.State), optTime(r.Expires), now)
	}
}

// expireBlock marks the entry at k expired and appends its "expire" audit
// record in the same transaction, so the audit log never misses one.
func expireBlock(now time.Time) func(tx *bbolt.Tx, k, v []byte) error {
	return func(tx *bbolt.Tx, k, v []byte) error {
		p, err := decodeBlockKey(k)
		if err != nil {
			return err
		}
		var r blockRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("blocklist entry %s: %w", p, err)
		}
		r.State = string(intel.BlockExpired)
		raw, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketBlocklist).Put(k, raw); err != nil {
			return err
		}
		return appendAuditTx(tx, intel.AuditRecord{
			At: now, Action: "expire", Actor: "system", Target: p.String(),
			Detail: "expired at " + optTime(r.Expires).Format(time.RFC3339),
		})
	}
}
