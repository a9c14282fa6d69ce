package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"

	"go.etcd.io/bbolt"

	"tibot/intel"
)

var _ intel.DeferredQueue = (*DB)(nil)

// deferredRecord is the stored form of intel.DeferredItem (the IP is the
// key). The deferred_order bucket indexes it by priority and age.
type deferredRecord struct {
	Priority int            `json:"priority"`
	QueuedAt int64          `json:"queued_at"` // UnixNano
	Targets  []targetRecord `json:"targets"`
	Subject  subjectRecord  `json:"subject"`
	// Attempts is absent in records written before it existed (0).
	Attempts int `json:"attempts,omitempty"`
}

type targetRecord struct {
	Platform string `json:"platform"`
	Chat     string `json:"chat"`
	Thread   string `json:"thread,omitempty"`
	User     string `json:"user,omitempty"`
}

type subjectRecord struct {
	Platform string `json:"platform"`
	User     string `json:"user"`
	Admin    bool   `json:"admin,omitempty"`
}

// Defer queues items in one update. An address already queued (or twice in
// items) stays one item: targets are merged without duplicates, the higher
// priority, the earlier QueuedAt and the larger Attempts are kept, and so
// is the first subject.
// A zero QueuedAt becomes now; an invalid IP is EInvalid.
func (db *DB) Defer(ctx context.Context, items []intel.DeferredItem) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := db.now()
	for i, it := range items {
		if !it.IP.IsValid() {
			return intel.Errorf(intel.EInvalid, "IP 地址无效", "deferred item %d has no valid IP", i)
		}
	}
	return db.bolt.Update(func(tx *bbolt.Tx) error {
		for _, it := range items {
			if it.QueuedAt.IsZero() {
				it.QueuedAt = now
			}
			if err := deferTx(tx, it); err != nil {
				return err
			}
		}
		return nil
	})
}

// deferTx merges one item into the queue and its order index.
func deferTx(tx *bbolt.Tx, it intel.DeferredItem) error {
	items, order := tx.Bucket(bucketDeferred), tx.Bucket(bucketDeferredOrder)
	key := ipKey(it.IP)
	if raw := items.Get(key); raw != nil {
		old, err := decodeDeferred(it.IP, raw)
		if err != nil {
			return fmt.Errorf("deferred item %s: %w", it.IP, err)
		}
		if err := order.Delete(orderKey(old.Priority, old.QueuedAt, old.IP)); err != nil {
			return err
		}
		it = mergeDeferred(old, it)
	}
	raw, err := encodeDeferred(it)
	if err != nil {
		return err
	}
	if err := items.Put(key, raw); err != nil {
		return err
	}
	return order.Put(orderKey(it.Priority, it.QueuedAt, it.IP), nil)
}

// mergeDeferred folds b into a (same IP).
func mergeDeferred(a, b intel.DeferredItem) intel.DeferredItem {
	a.Priority = max(a.Priority, b.Priority)
	a.Attempts = max(a.Attempts, b.Attempts)
	if b.QueuedAt.Before(a.QueuedAt) {
		a.QueuedAt = b.QueuedAt
	}
	for _, t := range b.Targets {
		if !slices.Contains(a.Targets, t) {
			a.Targets = append(a.Targets, t)
		}
	}
	if a.Subject == (intel.Subject{}) {
		a.Subject = b.Subject
	}
	return a
}

// TakeDeferred removes and returns up to n items, highest priority first,
// then oldest first, in one update.
func (db *DB) TakeDeferred(ctx context.Context, n int) ([]intel.DeferredItem, error) {
	if err := ctx.Err(); err != nil || n <= 0 {
		return nil, err
	}
	var out []intel.DeferredItem
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		var err error
		out, err = takeDeferredTx(tx, n)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// takeDeferredTx collects the first n index keys, then deletes: deleting
// while a cursor walks can skip keys.
func takeDeferredTx(tx *bbolt.Tx, n int) ([]intel.DeferredItem, error) {
	items, order := tx.Bucket(bucketDeferred), tx.Bucket(bucketDeferredOrder)
	var keys [][]byte
	c := order.Cursor()
	for k, _ := c.First(); k != nil && len(keys) < n; k, _ = c.Next() {
		keys = append(keys, clone(k))
	}
	out := make([]intel.DeferredItem, 0, len(keys))
	for _, k := range keys {
		ip := decodeIP(k[orderKeyLen-ipLen:])
		if raw := items.Get(ipKey(ip)); raw != nil {
			it, err := decodeDeferred(ip, raw)
			if err != nil {
				return nil, fmt.Errorf("deferred item %s: %w", ip, err)
			}
			out = append(out, it)
		}
		if err := items.Delete(ipKey(ip)); err != nil {
			return nil, err
		}
		if err := order.Delete(k); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DeferredLen reports how many items wait.
func (db *DB) DeferredLen(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n int
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		n = tx.Bucket(bucketDeferred).Stats().KeyN
		return nil
	})
	return n, err
}

func encodeDeferred(it intel.DeferredItem) ([]byte, error) {
	r := deferredRecord{
		Priority: it.Priority,
		QueuedAt: unixNano(it.QueuedAt),
		Targets:  make([]targetRecord, len(it.Targets)),
		Subject:  subjectRecord{Platform: it.Subject.Platform, User: it.Subject.User, Admin: it.Subject.Admin},
		Attempts: it.Attempts,
	}
	for i, t := range it.Targets {
		r.Targets[i] = targetRecord{Platform: t.Platform, Chat: t.Chat, Thread: t.Thread, User: t.User}
	}
	return json.Marshal(r)
}

func decodeDeferred(ip netip.Addr, raw []byte) (intel.DeferredItem, error) {
	var r deferredRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return intel.DeferredItem{}, err
	}
	it := intel.DeferredItem{
		IP:       ip,
		Priority: r.Priority,
		QueuedAt: timeOf(r.QueuedAt),
		Subject:  intel.Subject{Platform: r.Subject.Platform, User: r.Subject.User, Admin: r.Subject.Admin},
		Attempts: r.Attempts,
	}
	for _, t := range r.Targets {
		it.Targets = append(it.Targets, intel.ReplyTarget{Platform: t.Platform, Chat: t.Chat, Thread: t.Thread, User: t.User})
	}
	return it, nil
}
