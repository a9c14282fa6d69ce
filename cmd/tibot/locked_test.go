package main

import (
	"strings"
	"testing"

	"tibot/storage"
)

// TestCheckLockedDatabase: a database held by another opener (a running
// tibot) gives a clear message naming the file, exit 1, and no hang.
func TestCheckLockedDatabase(t *testing.T) {
	c := newCLIEnv(t)
	db, err := storage.Open(c.db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	code, _, stderr := c.check(t, "45.0.0.1")
	if code != exitFailed {
		t.Errorf("exit %d, want %d", code, exitFailed)
	}
	for _, want := range []string{c.db, "locked by another process", "数据库被另一个进程占用"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q lacks %q", stderr, want)
		}
	}
	if c.fake.Stats().Requests != 0 {
		t.Error("a lookup was made without a database")
	}
}
