package fake

import (
	"bytes"
	"os"
	"testing"
)

// Golden compares got with the golden file at path, or rewrites the file
// when update is set (each package's -update flag). On a mismatch the
// message shows what was rendered and how to accept it after review.
func Golden(tb testing.TB, path string, got []byte, update bool) {
	tb.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s differs from the rendering (run go test with -update to accept, then review the diff)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
