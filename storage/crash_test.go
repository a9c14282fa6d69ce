package storage

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// crashEnv names the database the helper process writes to.
const crashEnv = "TIBOT_STORAGE_CRASH_DB"

// TestHelperCrashWriter is not a test: TestReopenAfterCrash runs the test
// binary again with only this function selected and crashEnv set. It
// commits one history event and one quota unit per update and prints each
// committed sequence number, until it is killed.
func TestHelperCrashWriter(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("helper process for TestReopenAfterCrash")
	}
	db, err := Open(path, Options{Now: newClock(t0).Now, QuotaDefault: 1 << 30})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	for i := 0; ; i++ {
		if err := db.RecordLookups(t.Context(), seqEvents(i, 1)); err != nil {
			fmt.Println("write:", err)
			os.Exit(3)
		}
		if _, _, err := db.Take(t.Context(), alice, 1); err != nil {
			fmt.Println("take:", err)
			os.Exit(3)
		}
		fmt.Println(i) // committed: RecordLookups and Take returned
	}
}

func TestReopenAfterCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	path := filepath.Join(t.TempDir(), "tibot.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperCrashWriter$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	out, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	last := readUntilKilled(t, cmd, bufio.NewScanner(out), 300)
	_ = cmd.Wait() // killed: the error is expected

	db := mustOpenAt(t, path, Options{Now: newClock(t0).Now, QuotaDefault: 1 << 30})
	events, err := db.Lookups(t.Context(), t0, t0.Add(time.Hour))
	must(t, err)
	// Every reported event is there, in order; at most one more (committed
	// but killed before printing).
	checkPrefix(t, db, last+1, last+2)
	st, err := db.QuotaStatus(t.Context(), alice)
	must(t, err)
	if st.Used < last+1 || st.Used > last+2 {
		t.Fatalf("quota used %d after the crash, child reported %d takes", st.Used, last+1)
	}
	must(t, db.RecordLookups(t.Context(), seqEvents(len(events), 1))) // writable again
}

// readUntilKilled reads committed sequence numbers from the child, kills
// it with SIGKILL once it has reported killAt of them, drains the pipe and
// returns the last number reported.
func readUntilKilled(t *testing.T, cmd *exec.Cmd, sc *bufio.Scanner, killAt int) int {
	t.Helper()
	last := -1
	killed := false
	for sc.Scan() {
		n, err := strconv.Atoi(sc.Text())
		if err != nil {
			_ = cmd.Process.Kill()
			t.Fatalf("child: %s", sc.Text())
		}
		if n != last+1 {
			t.Fatalf("child reported %d after %d", n, last)
		}
		last = n
		if n >= killAt && !killed {
			must(t, cmd.Process.Kill()) // SIGKILL, mid-write
			killed = true
		}
	}
	if !killed {
		t.Fatalf("child stopped on its own after %d commits", last+1)
	}
	return last
}
