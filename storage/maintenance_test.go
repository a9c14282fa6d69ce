package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"tibot/intel"
)

func TestPrune(t *testing.T) {
	clock := newClock(t0)
	db := MustOpen(t, Options{
		Now: clock.Now, CacheTTL: time.Hour, HistoryRetention: 48 * time.Hour,
		CacheTTLByLevel: map[intel.Level]time.Duration{intel.LevelMalicious: 10 * time.Hour},
	})
	// 2500 clean verdicts (more than one chunk) fetched 2h ago, one
	// malicious: the clean ones expire, the malicious one stays.
	var vs []intel.Verdict
	for i := range 2500 {
		v := verdict(fmt.Sprintf("10.0.%d.%d", i>>8, i&255), intel.LevelClean)
		v.FetchedAt = t0.Add(-2 * time.Hour)
		vs = append(vs, v)
	}
	vs = append(vs, verdict("203.0.113.7", intel.LevelMalicious))
	must(t, db.PutVerdicts(t.Context(), vs))
	// History: one event per hour for 5 days back; 3 days of it are too old.
	var es []intel.LookupEvent
	for h := range 5 * 24 {
		es = append(es, intel.LookupEvent{At: t0.Add(-time.Duration(h) * time.Hour), IP: ip(fmt.Sprintf("198.51.100.%d", h%100))})
	}
	must(t, db.RecordLookups(t.Context(), es))
	es = append(es, intel.LookupEvent{At: t0.Add(-100 * time.Hour), IP: ip("192.0.2.200")})
	must(t, db.RecordLookups(t.Context(), es[len(es)-1:]))
	// Quota: yesterday's counter goes, today's stays.
	clock.Set(t0.Add(-24 * time.Hour))
	_, _, err := db.Take(t.Context(), alice, 4)
	must(t, err)
	clock.Set(t0)
	_, _, err = db.Take(t.Context(), alice, 2)
	must(t, err)

	st, err := db.Prune(t.Context())
	must(t, err)
	want := PruneStats{Verdicts: 2500, Lookups: 5*24 - 49 + 1, Seen: 51 + 1, Quotas: 1}
	if st != want {
		t.Fatalf("Prune = %+v, want %+v", st, want)
	}
	checkAfterPrune(t, db)
	if st, err := db.Prune(t.Context()); err != nil || st != (PruneStats{}) {
		t.Fatalf("second Prune = %+v, %v; want nothing left to do", st, err)
	}
}

func checkAfterPrune(t *testing.T, db *DB) {
	t.Helper()
	got, err := db.CachedVerdicts(t.Context(), []netip.Addr{ip("203.0.113.7"), ip("10.0.0.1")})
	must(t, err)
	if len(got) != 1 {
		t.Errorf("cache after prune: %d hits, want the malicious one", len(got))
	}
	left, err := db.Lookups(t.Context(), time.Time{}, t0.Add(time.Hour))
	must(t, err)
	if len(left) != 49 || left[0].At.Before(t0.Add(-48*time.Hour)) {
		t.Errorf("%d events left, oldest %v; want 49 within 48h", len(left), left[0].At)
	}
	if st, err := db.QuotaStatus(t.Context(), alice); err != nil || st.Used != 2 {
		t.Errorf("today's quota after prune: %+v, %v", st, err)
	}
	stats, err := db.Stats(t.Context())
	must(t, err)
	for _, s := range stats {
		if s.Name == "verdicts" && s.Keys != 1 || s.Name == "quota" && s.Keys != 1 {
			t.Errorf("bucket %s has %d keys after prune", s.Name, s.Keys)
		}
	}
}

// chanHandler is a slog handler that signals each record's message.
type chanHandler struct{ msgs chan string }

func (h chanHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h chanHandler) Handle(_ context.Context, r slog.Record) error {
	select {
	case h.msgs <- r.Message:
	default:
	}
	return nil
}
func (h chanHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h chanHandler) WithGroup(string) slog.Handler      { return h }

func TestJanitorPrunesAndStops(t *testing.T) {
	msgs := make(chan string, 16)
	clock := newClock(t0)
	db := MustOpen(t, Options{Now: clock.Now, CacheTTL: time.Minute, Logger: slog.New(chanHandler{msgs})})
	must(t, db.PutVerdicts(t.Context(), []intel.Verdict{verdict("203.0.113.7", intel.LevelClean)}))
	clock.Add(time.Hour)

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		db.RunJanitor(ctx, time.Hour)
		close(done)
	}()
	waitFor(t, msgs, "pruned") // the first round runs at once
	if got, _ := db.CachedVerdicts(t.Context(), []netip.Addr{ip("203.0.113.7")}); len(got) != 0 {
		t.Error("janitor left an expired verdict")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("RunJanitor did not return after cancel")
	}
}

func waitFor(t *testing.T, msgs <-chan string, want string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m := <-msgs:
			if m == want {
				return
			}
		case <-timeout:
			t.Fatalf("no %q log record", want)
		}
	}
}

func TestBackupWhileWriting(t *testing.T) {
	db := MustOpen(t, Options{})
	must(t, db.RecordLookups(t.Context(), seqEvents(0, 500)))
	var stop atomic.Bool
	var written atomic.Int64
	going := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(going)
		for i := 500; !stop.Load(); i += 10 {
			if err := db.RecordLookups(context.Background(), seqEvents(i, 10)); err != nil {
				t.Error(err)
				return
			}
			if written.Store(int64(i + 10)); i == 1000 {
				going <- struct{}{}
			}
		}
	})
	<-going // the writer is under way
	path := filepath.Join(t.TempDir(), "backup.db")
	n, err := db.BackupFile(t.Context(), path)
	stop.Store(true)
	wg.Wait()
	must(t, err)
	if fi, err := os.Stat(path); err != nil || fi.Size() != n || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file %v (%v), want %d bytes, mode 0600", fi, err, n)
	}
	backup := mustOpenAt(t, path, Options{})
	checkPrefix(t, backup, 1000, int(written.Load()))
}

// seqEvents returns n events for sequence numbers from..from+n-1, at
// t0+seq ns.
func seqEvents(from, n int) []intel.LookupEvent {
	es := make([]intel.LookupEvent, n)
	for i := range es {
		es[i] = intel.LookupEvent{At: t0.Add(time.Duration(from + i)), IP: ip("198.51.100.1"), Chat: fmt.Sprint(from + i)}
	}
	return es
}

// checkPrefix asserts db holds events 0..k-1 for some minN <= k <= maxN,
// with no gaps, and is structurally sound.
func checkPrefix(t *testing.T, db *DB, minN, maxN int) int {
	t.Helper()
	got, err := db.Lookups(t.Context(), t0, t0.Add(time.Hour))
	must(t, err)
	for i, e := range got {
		if e.Chat != fmt.Sprint(i) {
			t.Fatalf("event %d is %q: the copy is not a consistent prefix", i, e.Chat)
		}
	}
	if len(got) < minN || len(got) > maxN {
		t.Fatalf("database holds %d events, want %d..%d", len(got), minN, maxN)
	}
	must(t, db.bolt.View(func(tx *bbolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	}))
	return len(got)
}

func TestBackupRefusesItself(t *testing.T) {
	db := MustOpen(t, Options{})
	if _, err := db.BackupFile(t.Context(), db.Path()); intel.ErrorCode(err) != intel.EInvalid {
		t.Fatalf("BackupFile(self) = %v, want EInvalid", err)
	}
	var buf bytes.Buffer
	n, err := db.Backup(t.Context(), &buf)
	if err != nil || n != int64(buf.Len()) || n == 0 {
		t.Fatalf("Backup = %d, %v (%d bytes written)", n, err, buf.Len())
	}
}

func TestCompact(t *testing.T) {
	db := MustOpen(t, Options{})
	must(t, db.RecordLookups(t.Context(), seqEvents(0, 600)))
	dst := filepath.Join(t.TempDir(), "compact.db")
	must(t, db.Compact(t.Context(), dst))
	if err := db.Compact(t.Context(), dst); intel.ErrorCode(err) != intel.EInvalid {
		t.Fatalf("Compact onto an existing file = %v, want EInvalid", err)
	}
	out := mustOpenAt(t, dst, Options{})
	if n := checkPrefix(t, out, 600, 600); n != 600 {
		t.Fatalf("compacted copy has %d events, want 600", n)
	}
	if v, err := out.Version(); err != nil || v != SchemaVersion() {
		t.Fatalf("compacted schema version %d, %v", v, err)
	}
}

// cancelingWriter cancels its context on the first write and counts the
// writes that reached it.
type cancelingWriter struct {
	cancel context.CancelFunc
	writes int
}

func (w *cancelingWriter) Write(p []byte) (int, error) {
	w.writes++
	w.cancel()
	return len(p), nil
}

// TestBackupStopsWithContext: a backup whose context ends stops at the next
// write (ending its read transaction), and the file forms, Compact and
// Stats refuse an ended context.
func TestBackupStopsWithContext(t *testing.T) {
	db := MustOpen(t, Options{})
	must(t, db.RecordLookups(t.Context(), seqEvents(0, 2000)))
	ctx, cancel := context.WithCancel(t.Context())
	w := &cancelingWriter{cancel: cancel}
	if _, err := db.Backup(ctx, w); !errors.Is(err, context.Canceled) || w.writes != 1 {
		t.Fatalf("Backup = %v after %d writes, want context.Canceled after 1", err, w.writes)
	}
	dir := t.TempDir()
	if _, err := db.BackupFile(ctx, filepath.Join(dir, "b.db")); !errors.Is(err, context.Canceled) {
		t.Errorf("BackupFile = %v, want context.Canceled", err)
	}
	if err := db.Compact(ctx, filepath.Join(dir, "c.db")); !errors.Is(err, context.Canceled) {
		t.Errorf("Compact = %v, want context.Canceled", err)
	}
	if _, err := db.Stats(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Stats = %v, want context.Canceled", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("files left behind: %v", left)
	}
}
