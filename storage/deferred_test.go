package storage

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"tibot/intel"
)

func TestDeferredDedupe(t *testing.T) {
	db := MustOpen(t, Options{})
	thread := intel.ReplyTarget{Platform: "slack", Chat: "C1", Thread: "1.2"}
	other := intel.ReplyTarget{Platform: "telegram", Chat: "-100"}
	first := intel.DeferredItem{
		IP: ip("198.51.100.1"), Priority: 1, QueuedAt: t0, Targets: []intel.ReplyTarget{thread},
		Subject: intel.Subject{Platform: "slack", User: "U1"},
	}
	again := first
	again.Priority, again.QueuedAt = 5, t0.Add(time.Hour)
	again.Targets = []intel.ReplyTarget{thread, other}
	again.Subject = intel.Subject{Platform: "telegram", User: "7"}
	must(t, db.Defer(t.Context(), []intel.DeferredItem{first}))
	must(t, db.Defer(t.Context(), []intel.DeferredItem{again, again}))
	lower := first // queued again with less priority: the higher one stays
	lower.Priority = 0
	must(t, db.Defer(t.Context(), []intel.DeferredItem{lower}))

	if n, err := db.DeferredLen(t.Context()); err != nil || n != 1 {
		t.Fatalf("DeferredLen = %d, %v; want 1", n, err)
	}
	got, err := db.TakeDeferred(t.Context(), 10)
	must(t, err)
	want := []intel.DeferredItem{{
		IP: first.IP, Priority: 5, QueuedAt: t0.UTC(), Targets: []intel.ReplyTarget{thread, other}, Subject: first.Subject,
	}}
	if diff := cmpDiff(want, got); diff != "" {
		t.Fatalf("merged item (-want +got):\n%s", diff)
	}
	if n, _ := db.DeferredLen(t.Context()); n != 0 {
		t.Fatalf("%d items left after taking all", n)
	}
}

func TestDeferredOrder(t *testing.T) {
	clock := newClock(t0)
	db := MustOpen(t, Options{Now: clock.Now})
	items := []intel.DeferredItem{
		{IP: ip("198.51.100.1"), Priority: 0, QueuedAt: t0},
		{IP: ip("198.51.100.2"), Priority: 2, QueuedAt: t0.Add(2 * time.Minute)},
		{IP: ip("198.51.100.3"), Priority: -1, QueuedAt: t0.Add(-time.Hour)},
		{IP: ip("198.51.100.4"), Priority: 2, QueuedAt: t0.Add(time.Minute)},
		{IP: ip("2001:db8::5"), Priority: 0, QueuedAt: t0.Add(-time.Minute)},
		{IP: ip("198.51.100.6"), Priority: 1}, // queued now (t0 + 1h)
	}
	clock.Add(time.Hour)
	must(t, db.Defer(t.Context(), items))
	// Raising the priority of a queued address moves it up.
	must(t, db.Defer(t.Context(), []intel.DeferredItem{{IP: ip("198.51.100.3"), Priority: 3}}))

	wantOrder := [][]string{
		{"198.51.100.3", "198.51.100.4", "198.51.100.2"},
		{"198.51.100.6", "2001:db8::5", "198.51.100.1"},
		nil,
	}
	for i, want := range wantOrder {
		got, err := db.TakeDeferred(t.Context(), 3)
		must(t, err)
		if ips := addrs(got); !slices.Equal(ips, want) {
			t.Fatalf("take %d = %v, want %v", i, ips, want)
		}
	}
}

func addrs(items []intel.DeferredItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.IP.String())
	}
	return out
}

func TestDeferredInvalid(t *testing.T) {
	db := MustOpen(t, Options{})
	err := db.Defer(t.Context(), []intel.DeferredItem{{IP: ip("198.51.100.1")}, {IP: netip.Addr{}}})
	if intel.ErrorCode(err) != intel.EInvalid {
		t.Fatalf("Defer with an invalid IP: %v, want EInvalid", err)
	}
	if n, _ := db.DeferredLen(t.Context()); n != 0 {
		t.Fatalf("%d items queued by a rejected call", n)
	}
	if got, err := db.TakeDeferred(t.Context(), 0); err != nil || got != nil {
		t.Fatalf("TakeDeferred(0) = %v, %v", got, err)
	}
}

// TestDeferredAttempts: the failed-answer count survives the queue and a
// reopen, merging keeps the larger count, and records written before the
// field existed decode with 0.
func TestDeferredAttempts(t *testing.T) {
	db := MustOpen(t, Options{})
	a := intel.DeferredItem{IP: ip("198.51.100.1"), QueuedAt: t0, Attempts: 3}
	fewer := a
	fewer.Attempts = 1
	b := intel.DeferredItem{IP: ip("198.51.100.2"), QueuedAt: t0.Add(time.Minute)}
	more := b
	more.Attempts = 2
	must(t, db.Defer(t.Context(), []intel.DeferredItem{a, b}))
	must(t, db.Defer(t.Context(), []intel.DeferredItem{fewer, more}))
	legacy := []byte(`{"priority":0,"queued_at":1,"targets":null,"subject":{"platform":"","user":""}}`)
	must(t, db.bolt.Update(func(tx *bbolt.Tx) error {
		old := ip("198.51.100.3")
		if err := tx.Bucket(bucketDeferredOrder).Put(orderKey(0, timeOf(1), old), nil); err != nil {
			return err
		}
		return tx.Bucket(bucketDeferred).Put(ipKey(old), legacy)
	}))
	db = reopen(t, db, Options{})

	got, err := db.TakeDeferred(t.Context(), 10)
	must(t, err)
	want := map[string]int{"198.51.100.3": 0, "198.51.100.1": 3, "198.51.100.2": 2}
	if len(got) != len(want) {
		t.Fatalf("took %v, want %d items", addrs(got), len(want))
	}
	for _, it := range got {
		if it.Attempts != want[it.IP.String()] {
			t.Errorf("%s has %d attempts, want %d", it.IP, it.Attempts, want[it.IP.String()])
		}
	}
}
