package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"tibot/intel"
)

var _ intel.Audit = (*DB)(nil)

// auditRecord is the stored form of intel.AuditRecord (At is in the key).
type auditRecord struct {
	Action string `json:"action"`
	Actor  string `json:"actor"`
	Target string `json:"target"`
	Detail string `json:"detail,omitempty"`
}

// AppendAudit appends r to the audit log; a zero At becomes now. Keys are
// At followed by the bucket's NextSequence, so records are never
// overwritten and range scans by time work. Nothing deletes them.
func (db *DB) AppendAudit(ctx context.Context, r intel.AuditRecord) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if r.At.IsZero() {
		r.At = db.now()
	}
	return db.bolt.Update(func(tx *bbolt.Tx) error { return appendAuditTx(tx, r) })
}

// appendAuditTx appends r (At set) inside tx, so a change and its audit
// record commit together.
func appendAuditTx(tx *bbolt.Tx, r intel.AuditRecord) error {
	raw, err := json.Marshal(auditRecord{Action: r.Action, Actor: r.Actor, Target: r.Target, Detail: r.Detail})
	if err != nil {
		return err
	}
	b := tx.Bucket(bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	return b.Put(auditKey(r.At, seq), raw)
}

// AuditLog returns the records with from <= At < to, oldest first (in
// append order for equal times).
func (db *DB) AuditLog(ctx context.Context, from, to time.Time) ([]intel.AuditRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	lo, hi := appendTime(nil, from), appendTime(nil, to)
	var out []intel.AuditRecord
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.Seek(lo); k != nil && bytes.Compare(k[:timeLen], hi) < 0; k, v = c.Next() {
			var r auditRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("audit record %x: %w", k, err)
			}
			out = append(out, intel.AuditRecord{
				At: decodeTime(k), Action: r.Action, Actor: r.Actor, Target: r.Target, Detail: r.Detail,
			})
		}
		return nil
	})
	return out, err
}
