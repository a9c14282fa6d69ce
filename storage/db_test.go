package storage

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"tibot/intel"
)

func TestOpenCreatesFileAndBuckets(t *testing.T) {
	db := MustOpen(t, Options{})
	fi, err := os.Stat(db.Path())
	must(t, err)
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("file mode = %v, want 0600", got)
	}
	v, err := db.Version()
	must(t, err)
	if v != SchemaVersion() {
		t.Errorf("schema version = %d, want %d", v, SchemaVersion())
	}
	stats, err := db.Stats(t.Context())
	must(t, err)
	if len(stats) != len(allBuckets) {
		t.Errorf("Stats lists %d buckets, want %d: %+v", len(stats), len(allBuckets), stats)
	}
}

func TestOpenLockTimeout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tibot.db")
	mustOpenAt(t, path, Options{})
	start := time.Now()
	db2, err := Open(path, Options{LockTimeout: 100 * time.Millisecond})
	if err == nil {
		db2.Close()
		t.Fatal("second Open succeeded while the file is held")
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Errorf("second Open took %v: the lock timeout is not applied", waited)
	}
	var e *intel.Error
	if !errors.As(err, &e) || e.Code != intel.EConfig {
		t.Fatalf("error %v: want an EConfig *intel.Error", err)
	}
	if !errors.Is(err, ErrLocked) {
		t.Errorf("error %v: ErrLocked not in the chain", err)
	}
	wantDetail := "database " + path + " is locked by another process (is tibot already running?)"
	if e.Detail != wantDetail || e.Message != "数据库被另一个进程占用" {
		t.Errorf("error detail %q / message %q, want %q / 数据库被另一个进程占用", e.Detail, e.Message, wantDetail)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error text %q does not name the file", err)
	}
}

func TestOpenBadPath(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "missing", "dir", "tibot.db"), Options{})
	if err == nil || !strings.Contains(err.Error(), "open database") {
		t.Fatalf("Open in a missing directory: %v", err)
	}
}

func TestMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tibot.db")
	db := mustOpenAt(t, path, Options{})
	must(t, db.Close())

	// A newer build appends a migration: it runs once, on the next open.
	saved := migrations
	t.Cleanup(func() { migrations = saved })
	runs := 0
	migrations = append(append([]migration(nil), saved...), migration{
		name: "test marker",
		run: func(tx *bbolt.Tx) error {
			runs++
			return tx.Bucket(bucketMeta).Put([]byte("marker"), []byte("x"))
		},
	})
	db = mustOpenAt(t, path, Options{})
	db = reopen(t, db, Options{})
	if v, _ := db.Version(); runs != 1 || v != uint64(len(saved)+1) {
		t.Fatalf("migration ran %d times, version %d; want once, version %d", runs, v, len(saved)+1)
	}
	must(t, db.Close())

	// An older build refuses the newer file instead of misreading it.
	migrations = saved
	_, err := Open(path, Options{})
	if intel.ErrorCode(err) != intel.EConfig || !strings.Contains(err.Error(), "schema version") {
		t.Fatalf("opening a newer schema: %v, want EConfig about the schema version", err)
	}
}

func TestOptionsDefaults(t *testing.T) {
	o := Options{}.withDefaults()
	if o.CacheTTL != 24*time.Hour || o.QuotaDefault != 20 || o.QuotaAdmin != 200 ||
		o.HistoryRetention != 90*24*time.Hour || o.LockTimeout != 2*time.Second {
		t.Errorf("defaults = %+v", o)
	}
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, off := at.In(o.Location).Zone(); off != 8*3600 {
		t.Errorf("default location %v has offset %d, want +8h", o.Location, off)
	}
	users := map[string]int{"slack:U1": 5}
	o = Options{QuotaPerUser: users}.withDefaults()
	users["slack:U1"] = 6
	if o.QuotaPerUser["slack:U1"] != 5 {
		t.Error("Options maps are not copied")
	}
}
