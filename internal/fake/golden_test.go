package fake

import (
	"path/filepath"
	"testing"
)

// recorder is a testing.TB that records failures instead of stopping.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }
func (r *recorder) Fatal(...any)          { r.failed = true }

func TestGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.golden")
	r := &recorder{TB: t}
	Golden(r, path, []byte("a"), false)
	if !r.failed {
		t.Error("a missing golden file passed")
	}
	r = &recorder{TB: t}
	Golden(r, path, []byte("a"), true)
	Golden(r, path, []byte("a"), false)
	if r.failed {
		t.Error("the rewritten golden file did not match")
	}
	Golden(r, path, []byte("b"), false)
	if !r.failed {
		t.Error("a different rendering passed")
	}
}
