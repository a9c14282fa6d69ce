package storage

import (
	"testing"
	"time"

	"tibot/intel"
)

// TestBlockExpiry walks an active entry through its expiry with the
// injected clock: served until just before Expires, hidden from the active
// list from Expires on, and recorded by the janitor as expired with exactly
// one "expire" audit record however often Prune runs.
func TestBlockExpiry(t *testing.T) {
	clock := newClock(t0)
	db := MustOpen(t, Options{Now: clock.Now})
	due := block("203.0.113.7/32", intel.BlockActive)
	due.Expires = t0.Add(time.Hour).UTC()
	forever := block("198.51.100.0/24", intel.BlockActive)
	forever.Expires = time.Time{}
	pending := block("192.0.2.1/32", intel.BlockPending)
	pending.Expires = t0.UTC()
	for _, e := range []intel.BlockEntry{due, forever, pending} {
		must(t, db.PutBlock(t.Context(), e))
	}

	clock.Set(due.Expires.Add(-time.Nanosecond))
	checkActive(t, db, "just before expiry", "198.51.100.0/24", "203.0.113.7/32")
	checkPrune(t, db, 0)

	clock.Set(due.Expires)
	checkActive(t, db, "at expiry", "198.51.100.0/24")
	if e, ok, err := db.GetBlock(t.Context(), due.Prefix); err != nil || !ok || e.State != intel.BlockExpired {
		t.Errorf("GetBlock at expiry = %+v, %v, %v; want it expired", e, ok, err)
	}
	checkExpireAudits(t, db, 0)
	checkPrune(t, db, 1)
	checkExpireAudits(t, db, 1)

	clock.Add(time.Hour)
	checkPrune(t, db, 0)
	checkActive(t, db, "after expiry", "198.51.100.0/24")
	checkExpireAudits(t, db, 1)
	want := due
	want.State = intel.BlockExpired
	got, err := db.Blocks(t.Context(), intel.BlockExpired)
	must(t, err)
	if diff := cmpDiff([]intel.BlockEntry{want}, got); diff != "" {
		t.Errorf("expired entries (-want +got):\n%s", diff)
	}
	if e, _, _ := db.GetBlock(t.Context(), pending.Prefix); e.State != intel.BlockPending {
		t.Errorf("pending entry became %q", e.State)
	}
}

func checkActive(t *testing.T, db *DB, when string, want ...string) {
	t.Helper()
	got, err := db.Blocks(t.Context(), intel.BlockActive)
	must(t, err)
	var ps []string
	for _, e := range got {
		ps = append(ps, e.Prefix.String())
	}
	if diff := cmpDiff(want, ps); diff != "" {
		t.Errorf("active entries %s (-want +got):\n%s", when, diff)
	}
}

func checkPrune(t *testing.T, db *DB, want int) {
	t.Helper()
	st, err := db.Prune(t.Context())
	must(t, err)
	if st.Blocks != want {
		t.Errorf("Prune expired %d entries, want %d", st.Blocks, want)
	}
}

// checkExpireAudits wants n "expire" records, each by system for the due
// entry at t0+1h (when the janitor ran).
func checkExpireAudits(t *testing.T, db *DB, n int) {
	t.Helper()
	recs, err := db.AuditLog(t.Context(), time.Time{}, t0.Add(24*time.Hour))
	must(t, err)
	if len(recs) != n {
		t.Fatalf("audit log has %d records, want %d: %+v", len(recs), n, recs)
	}
	for _, r := range recs {
		if r.Action != "expire" || r.Actor != "system" || r.Target != "203.0.113.7/32" || !r.At.Equal(t0.Add(time.Hour)) {
			t.Errorf("audit record %+v, want expire by system of 203.0.113.7/32 at %v", r, t0.Add(time.Hour))
		}
	}
}
