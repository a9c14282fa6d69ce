package fake

import (
	"testing"
	"time"
)

// Eventually polls cond every few milliseconds and fails the test if it is
// still false after 10 s. Tests use it to wait for what a fake server
// recorded, instead of sleeping.
func Eventually(tb testing.TB, cond func() bool) {
	tb.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			tb.Fatal("condition not met within 10 s")
		}
	}
}
