package main

import (
	"bytes"
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tibot/intel"
	"tibot/storage"
)

// dbFixture creates a database holding one cached verdict and returns its
// path.
func dbFixture(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tibot.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := intel.Verdict{IP: netip.MustParseAddr("203.0.113.7"), Level: intel.LevelMalicious}
	if err := db.PutVerdicts(t.Context(), []intel.Verdict{v}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// runDBArgs runs `tibot db args...` and returns the exit code and output.
func runDBArgs(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runDB(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRunDBUsage(t *testing.T) {
	path := dbFixture(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"NoSubcommand", []string{"--db", path}, "missing subcommand"},
		{"Unknown", []string{"--db", path, "vacuum"}, `unknown subcommand "vacuum"`},
		{"BackupWithoutFile", []string{"--db", path, "backup"}, "backup: missing FILE"},
		{"CompactWithoutDst", []string{"compact", "--db", path}, "compact: missing DST"},
		{"ExtraArgument", []string{"--db", path, "stats", "extra"}, `stats: unexpected argument "extra"`},
		{"BadFlag", []string{"--nope", "stats"}, "flag provided but not defined: -nope"},
		{"NoDatabase", []string{"--db", filepath.Join(t.TempDir(), "none.db"), "stats"}, "does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runDBArgs(t, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr:\n%s\nwant exit 2 and %q", code, stderr, tc.want)
			}
		})
	}
	if code, _, stderr := runDBArgs(t, "-h"); code != 0 || !strings.Contains(stderr, "Usage: tibot db") {
		t.Fatalf("-h: exit %d, stderr:\n%s", code, stderr)
	}
}

func TestRunDBStats(t *testing.T) {
	path := dbFixture(t)
	t.Setenv("TIBOT_DB", path) // the default of --db
	code, stdout, stderr := runDBArgs(t, "stats")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"database " + path, "schema   1", "BUCKET", "verdicts", "lookups", "audit"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stats output lacks %q:\n%s", want, stdout)
		}
	}
	if line := lineWith(stdout, "verdicts"); !strings.Contains(line, " 1 ") {
		t.Errorf("verdicts line %q: want 1 key", line)
	}
}

func lineWith(s, word string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, word) {
			return l
		}
	}
	return ""
}

func TestRunDBBackupAndCompact(t *testing.T) {
	path := dbFixture(t)
	dir := t.TempDir()
	backup, compacted := filepath.Join(dir, "backup.db"), filepath.Join(dir, "compact.db")
	if code, stdout, stderr := runDBArgs(t, "--db", path, "backup", backup); code != 0 || !strings.Contains(stdout, backup) {
		t.Fatalf("backup: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := runDBArgs(t, "--db", backup, "compact", compacted); code != 0 || !strings.Contains(stdout, compacted) {
		t.Fatalf("compact: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := runDBArgs(t, "--db", backup, "compact", compacted); code != 1 || !strings.Contains(stderr, "already exists") {
		t.Fatalf("compact onto an existing file: exit %d\n%s", code, stderr)
	}
	db, err := storage.Open(compacted, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.CachedVerdicts(t.Context(), []netip.Addr{netip.MustParseAddr("203.0.113.7")})
	if err != nil || len(got) != 1 {
		t.Fatalf("backup of a compacted copy lost the verdict: %v, %v", got, err)
	}
}

func TestRunDBBackupToStdout(t *testing.T) {
	path := dbFixture(t)
	code, stdout, stderr := runDBArgs(t, "--db", path, "backup", "-")
	if code != 0 || !strings.Contains(stderr, "to stdout") {
		t.Fatalf("backup -: exit %d, stderr %q", code, stderr)
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(copyPath, []byte(stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runDBArgs(t, "--db", copyPath, "stats"); code != 0 || !strings.Contains(lineWith(stdout, "verdicts"), " 1 ") {
		t.Fatalf("stats of the stdout copy: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestRunDBLocked(t *testing.T) {
	path := dbFixture(t)
	held, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	start := time.Now()
	code, _, stderr := runDBArgs(t, "--db", path, "--lock-timeout", "100ms", "stats")
	if code != 1 || !strings.Contains(stderr, "database "+path+" is locked by another process") ||
		!strings.Contains(stderr, "stop tibot first") {
		t.Fatalf("locked database: exit %d, stderr:\n%s", code, stderr)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("--lock-timeout not applied")
	}
}
