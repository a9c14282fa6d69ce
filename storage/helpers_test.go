package storage

import (
	"github.com/google/go-cmp/cmp"
	"net/netip"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// cst is the zone the tests reason in (Asia/Shanghai has no DST).
var cst = time.FixedZone("CST", 8*3600)

// t0 is 2025-05-14 10:00 CST.
var t0 = time.Date(2025, 5, 14, 10, 0, 0, 0, cst)

// testClock is an injectable, settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *testClock { return &testClock{t: t} }

// Now returns the clock's time.
func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Add moves the clock by d.
func (c *testClock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

// MustOpen opens a database in a fresh temporary directory with opts (a
// clock at t0 when opts.Now is nil), closed when the test ends.
func MustOpen(tb testing.TB, opts Options) *DB {
	tb.Helper()
	return mustOpenAt(tb, filepath.Join(tb.TempDir(), "tibot.db"), opts)
}

// mustOpenAt opens the database at path, closed when the test ends.
func mustOpenAt(tb testing.TB, path string, opts Options) *DB {
	tb.Helper()
	if opts.Now == nil {
		opts.Now = newClock(t0).Now
	}
	db, err := Open(path, opts)
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}

// reopen closes db and opens its file again with opts.
func reopen(tb testing.TB, db *DB, opts Options) *DB {
	tb.Helper()
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
	return mustOpenAt(tb, db.Path(), opts)
}

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

// must fails the test on err.
func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// cmpDiff is cmp.Diff that compares addresses and prefixes with ==.
func cmpDiff(want, got any) string {
	return cmp.Diff(want, got,
		cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
		cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }))
}
