package lookup

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"strings"
	"testing"

	"tibot/intel"
)

// flakyAnswer fails its first fails calls and records every call.
type flakyAnswer struct {
	fails int
	calls []netip.Addr
}

func (f *flakyAnswer) answer(_ context.Context, it intel.DeferredItem, _ intel.Verdict) error {
	f.calls = append(f.calls, it.IP)
	if len(f.calls) <= f.fails {
		return errors.New("chat: service unavailable")
	}
	return nil
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestDrainDeferredRetriesFailedAnswers: an answer that fails twice is
// answered on the third drain, from the cache (one unit charged in all),
// and each drain tries it at most once.
func TestDrainDeferredRetriesFailedAnswers(t *testing.T) {
	queue, q, src := &fakeQueue{}, newFakeQuota(10), &fakeSource{}
	must(t, queue.Defer(t.Context(), []intel.DeferredItem{item(pub(1), 1, alice)}))
	s := mustNew(t, Config{Source: src, Quota: q, Queue: queue, Cache: newFakeCache()})
	f := &flakyAnswer{fails: 2}
	for run, wantAttempts := range []int{1, 2} {
		n, err := s.DrainDeferred(t.Context(), 10, f.answer)
		if err != nil || n != 0 || len(f.calls) != run+1 {
			t.Fatalf("drain %d = %d, %v with %d answer calls; want 0, nil, %d", run, n, err, len(f.calls), run+1)
		}
		if len(queue.items) != 1 || queue.items[0].Attempts != wantAttempts {
			t.Fatalf("after drain %d queue holds %+v, want the item with %d attempts", run, queue.items, wantAttempts)
		}
	}
	n, err := s.DrainDeferred(t.Context(), 10, f.answer)
	if err != nil || n != 1 || len(f.calls) != 3 || len(queue.items) != 0 {
		t.Fatalf("third drain = %d, %v, %d calls, %d left; want 1, nil, 3, 0", n, err, len(f.calls), len(queue.items))
	}
	if src.ncalls() != 1 || q.usedBy(alice) != 1 {
		t.Errorf("%d source calls, %d units charged; want the retries served from the cache", src.ncalls(), q.usedBy(alice))
	}
}

// TestDrainDeferredGivesUp: an answer that always fails is dropped after
// MaxAnswerAttempts drains, with an Error line naming the IP and thread.
func TestDrainDeferredGivesUp(t *testing.T) {
	var logs bytes.Buffer
	queue := &fakeQueue{}
	must(t, queue.Defer(t.Context(), []intel.DeferredItem{item(pub(1), 1, alice)}))
	s := mustNew(t, Config{Source: &fakeSource{}, Queue: queue, Cache: newFakeCache(),
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	f := &flakyAnswer{fails: 1 << 30}
	for run := 0; run < 3*MaxAnswerAttempts && len(queue.items) > 0; run++ {
		if n, err := s.DrainDeferred(t.Context(), 10, f.answer); err != nil || n != 0 {
			t.Fatalf("drain %d = %d, %v", run, n, err)
		}
	}
	if len(queue.items) != 0 || len(f.calls) != MaxAnswerAttempts {
		t.Fatalf("%d items left after %d answer calls; want 0 after %d", len(queue.items), len(f.calls), MaxAnswerAttempts)
	}
	var given []string
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "level=ERROR") {
			given = append(given, l)
		}
	}
	if len(given) != 1 || !strings.Contains(given[0], pub(1).String()) || !strings.Contains(given[0], "slack:C1/1.2") {
		t.Errorf("error lines %q, want one naming %s and slack:C1/1.2", given, pub(1))
	}
}

// TestRequeue: items whose post failed go back with one more attempt;
// those at the cap are dropped.
func TestRequeue(t *testing.T) {
	queue := &fakeQueue{}
	s := mustNew(t, Config{Source: &fakeSource{}, Queue: queue})
	last := item(pub(2), 1, alice)
	last.Attempts = MaxAnswerAttempts - 1
	must(t, s.Requeue(t.Context(), []intel.DeferredItem{item(pub(1), 1, alice), last}))
	if len(queue.items) != 1 || queue.items[0].IP != pub(1) || queue.items[0].Attempts != 1 {
		t.Fatalf("queue after Requeue = %+v, want only %s with 1 attempt", queue.items, pub(1))
	}
	queue.DeferErr = errors.New("disk full")
	if err := s.Requeue(t.Context(), []intel.DeferredItem{item(pub(3), 1, alice)}); err == nil {
		t.Error("Requeue hid the queue's error")
	}
}
