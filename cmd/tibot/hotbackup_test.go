package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tibot/intel"
	"tibot/storage"
)

// TestDBBackupWhileServing takes a backup of a database held open (and
// locked) by another opener, the way `tibot serve` holds it, through the
// published admin endpoint.
func TestDBBackupWhileServing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tibot.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ip := netip.MustParseAddr("45.33.32.156")
	v := intel.Verdict{IP: ip, Level: intel.LevelMalicious, Malicious: true, FetchedAt: time.Now()}
	if err := db.PutVerdicts(context.Background(), []intel.Verdict{v}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(nil)
	defer srv.Close()
	token, unpublish, err := publishAdmin(path, strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer unpublish()
	srv.Config.Handler = backupHandler(db, token, discardLogger())
	if fi, err := os.Stat(adminPath(path)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("admin file: %v mode %v", err, fi.Mode())
	}

	dst := filepath.Join(dir, "copy.db")
	var out, errb bytes.Buffer
	code := runDB(context.Background(), []string{"--db", path, "--lock-timeout", "50ms", "backup", dst}, nil, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "hot copy from the running tibot") {
		t.Errorf("stdout = %q", out.String())
	}
	cp, err := storage.Open(dst, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	got, err := cp.CachedVerdicts(context.Background(), []netip.Addr{ip})
	if err != nil || got[ip].Level != intel.LevelMalicious {
		t.Fatalf("backup lacks the verdict: %v %+v", err, got)
	}
}

func TestBackupHandlerRefusesWrongToken(t *testing.T) {
	db, err := storage.Open(filepath.Join(t.TempDir(), "tibot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	h := backupHandler(db, "right", discardLogger())
	for _, auth := range []string{"", "Bearer wrong", "right"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/admin/backup", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized || rec.Body.Len() > 20 {
			t.Errorf("auth %q: status %d, %d bytes", auth, rec.Code, rec.Body.Len())
		}
	}
}

func TestDBBackupLockedWithoutServe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tibot.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out, errb bytes.Buffer
	code := runDB(context.Background(), []string{"--db", path, "--lock-timeout", "50ms", "backup", path + ".bak"}, nil, &out, &errb)
	if code != exitFailed || !strings.Contains(errb.String(), "locked") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	if _, err := os.Stat(path + ".bak"); err == nil {
		t.Error("a backup file was left behind")
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
