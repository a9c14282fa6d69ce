package lookup

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"tibot/intel"
)

func TestLookupProgress(t *testing.T) {
	type call struct{ done, total int }
	tests := []struct {
		name          string
		n, cached     int
		limit, batch  int
		want          []call
		wantSentCalls int
	}{
		{"batches of 100", 250, 0, 1000, 100, []call{{100, 250}, {200, 250}, {250, 250}}, 3},
		{"cached and over-quota count as settled", 300, 50, 150, 100, []call{{250, 300}, {300, 300}}, 2},
		{"nothing live, no progress", 10, 10, 5, 100, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var cached []intel.Verdict
			for _, ip := range pubs(tc.cached) {
				cached = append(cached, intel.Verdict{IP: ip})
			}
			src := &fakeSource{}
			s := mustNew(t, Config{Source: src, Cache: newFakeCache(cached...), Quota: newFakeQuota(tc.limit),
				BatchSize: tc.batch, Parallel: 1})
			var got []call
			_, err := s.Lookup(t.Context(), Request{Hits: hitsOf(pubs(tc.n)...), Subject: alice,
				Progress: func(done, total int) { got = append(got, call{done, total}) }})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("progress %v, want %v", got, tc.want)
			}
			if src.ncalls() != tc.wantSentCalls {
				t.Errorf("%d source calls, want %d", src.ncalls(), tc.wantSentCalls)
			}
		})
	}
}

// TestLookupParallelBatches proves Parallel batches are in flight at once
// (the fake holds every call until four are waiting) and never more.
func TestLookupParallelBatches(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second) // a hang fails instead of blocking
	defer cancel()
	var mu sync.Mutex
	inflight, peak := 0, 0
	full := make(chan struct{})
	release := sync.OnceFunc(func() { close(full) })
	src := &fakeSource{LookupFn: func(ctx context.Context, ips []netip.Addr) ([]intel.Verdict, error) {
		mu.Lock()
		inflight++
		peak = max(peak, inflight)
		if inflight == 4 {
			release()
		}
		mu.Unlock()
		defer func() { mu.Lock(); inflight--; mu.Unlock() }()
		select {
		case <-full:
			return cleanVerdicts(ips), nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}}
	s := mustNew(t, Config{Source: src, BatchSize: 10, Parallel: 4})
	res, err := s.Lookup(ctx, Request{Hits: hitsOf(pubs(80)...), Unmetered: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Live != 80 || src.ncalls() != 8 || peak != 4 {
		t.Errorf("live %d, calls %d, peak %d in flight; want 80, 8, 4", res.Live, src.ncalls(), peak)
	}
}

// TestLookupConcurrentUsers runs 100 users at once against one Service
// (run with -race): every user's quota is exact and nobody loses an answer.
func TestLookupConcurrentUsers(t *testing.T) {
	const users, each, limit = 100, 30, 20
	src, q, hist := &fakeSource{}, newFakeQuota(limit), &fakeHistory{}
	s := mustNew(t, Config{Source: src, Quota: q, History: hist, BatchSize: 7})
	results := make([]Result, users)
	var wg sync.WaitGroup
	for u := range users {
		wg.Go(func() {
			subj := intel.Subject{Platform: "slack", User: fmt.Sprint("U", u)}
			addrs := pubs(each)
			for i := range addrs {
				addrs[i] = pub(u*1000 + i + 1)
			}
			res, err := s.Lookup(t.Context(), Request{Hits: hitsOf(addrs...), Subject: subj})
			if err != nil {
				t.Error(err)
			}
			results[u] = res
		})
	}
	wg.Wait()
	for u, res := range results {
		subj := intel.Subject{Platform: "slack", User: fmt.Sprint("U", u)}
		if res.Live != limit || res.OverQuota != each-limit || len(res.Verdicts) != each || q.usedBy(subj) != limit {
			t.Errorf("user %d: live %d over %d verdicts %d used %d", u, res.Live, res.OverQuota, len(res.Verdicts), q.usedBy(subj))
		}
	}
	if n := len(src.sent()); n != users*limit {
		t.Errorf("sent %d addresses, want %d", n, users*limit)
	}
	if len(hist.events) != users*limit || hist.calls != users {
		t.Errorf("history: %d events in %d calls", len(hist.events), hist.calls)
	}
}
