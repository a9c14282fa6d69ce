package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"

	"go.etcd.io/bbolt"

	"tibot/intel"
)

var _ intel.Blocklist = (*DB)(nil)

// blockRecord is the stored form of intel.BlockEntry (the prefix is the
// key).
type blockRecord struct {
	State     string `json:"state"`
	Reason    string `json:"reason,omitempty"`
	Requester string `json:"requester,omitempty"`
	Approver  string `json:"approver,omitempty"`
	Created   int64  `json:"created,omitempty"` // UnixNano
	Expires   int64  `json:"expires,omitempty"` // UnixNano, 0 = never
}

// normPrefix masks p and turns IPv4-mapped IPv6 prefixes into IPv4 ones, so
// one network has one key. Anything else invalid is EInvalid.
func normPrefix(p netip.Prefix) (netip.Prefix, error) {
	if p.IsValid() && p.Addr().Is4In6() {
		if p.Bits() < 96 {
			return netip.Prefix{}, intel.Errorf(intel.EInvalid, "网段无效", "prefix %s mixes IPv4 and IPv6", p)
		}
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	if !p.IsValid() {
		return netip.Prefix{}, intel.Errorf(intel.EInvalid, "网段无效", "invalid prefix %s", p)
	}
	return netip.PrefixFrom(p.Addr().WithZone(""), p.Bits()).Masked(), nil
}

// PutBlock inserts or replaces the entry for e.Prefix (normalised: masked,
// IPv4-mapped turned into IPv4).
func (db *DB) PutBlock(ctx context.Context, e intel.BlockEntry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p, err := normPrefix(e.Prefix)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(blockRecord{
		State: string(e.State), Reason: e.Reason, Requester: e.Requester, Approver: e.Approver,
		Created: optNano(e.Created), Expires: optNano(e.Expires),
	})
	if err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketBlocklist).Put(blockKey(p), raw)
	})
}

// GetBlock returns the entry for p, if any. An active entry past its
// Expires is returned as expired, even before the janitor records it.
func (db *DB) GetBlock(ctx context.Context, p netip.Prefix) (intel.BlockEntry, bool, error) {
	if err := ctx.Err(); err != nil {
		return intel.BlockEntry{}, false, err
	}
	p, err := normPrefix(p)
	if err != nil {
		return intel.BlockEntry{}, false, err
	}
	var e intel.BlockEntry
	var found bool
	err = db.bolt.View(func(tx *bbolt.Tx) error {
		k := blockKey(p)
		raw := tx.Bucket(bucketBlocklist).Get(k)
		if raw == nil {
			return nil
		}
		found = true
		e, err = decodeBlock(k, raw)
		e = expiredAt(e, db.now())
		return err
	})
	return e, found && err == nil, err
}

// Blocks returns the entries in state ("" for all), sorted by address
// (IPv4 before IPv6) and then by prefix length. An active entry whose
// Expires has passed (per the injected clock) counts as expired, even
// before the janitor records it: firewalls never get it.
func (db *DB) Blocks(ctx context.Context, state intel.BlockState) ([]intel.BlockEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := db.now()
	var out []intel.BlockEntry
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketBlocklist).ForEach(func(k, v []byte) error {
			e, err := decodeBlock(k, v)
			if err != nil {
				return err
			}
			e = expiredAt(e, now)
			if state == "" || e.State == state {
				out = append(out, e)
			}
			return nil
		})
	})
	return out, err
}

// DeleteBlock removes the entry for p; removing a missing entry is not an
// error.
func (db *DB) DeleteBlock(ctx context.Context, p netip.Prefix) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p, err := normPrefix(p)
	if err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketBlocklist).Delete(blockKey(p))
	})
}

func decodeBlock(k, raw []byte) (intel.BlockEntry, error) {
	p, err := decodeBlockKey(k)
	if err != nil {
		return intel.BlockEntry{}, err
	}
	var r blockRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return intel.BlockEntry{}, fmt.Errorf("blocklist entry %s: %w", p, err)
	}
	return intel.BlockEntry{
		Prefix: p, State: intel.BlockState(r.State), Reason: r.Reason,
		Requester: r.Requester, Approver: r.Approver,
		Created: optTime(r.Created), Expires: optTime(r.Expires),
	}, nil
}
