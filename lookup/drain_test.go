package lookup

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"testing"

	"tibot/intel"
)

func item(ip netip.Addr, prio int, subj intel.Subject) intel.DeferredItem {
	return intel.DeferredItem{IP: ip, Priority: prio, QueuedAt: t0, Subject: subj, Targets: []intel.ReplyTarget{thread}}
}

func TestDrainDeferred(t *testing.T) {
	poolQuota := intel.Errorf(intel.EQuota, "API 额度已用完", "key pool spent")
	tests := []struct {
		name      string
		items     []intel.DeferredItem
		cached    []netip.Addr
		src       *fakeSource
		limit, n  int
		answerErr map[netip.Addr]bool
		want      int
		wantLeft  []netip.Addr
		wantUsed  map[intel.Subject]int
		wantSent  []netip.Addr
	}{
		{name: "answers in priority order and charges the subject",
			items: []intel.DeferredItem{item(pub(1), 1, alice), item(pub(2), 5, alice), item(pub(3), 3, bob)},
			limit: 10, n: 10, want: 3,
			wantUsed: map[intel.Subject]int{alice: 2, bob: 1}, wantSent: []netip.Addr{pub(2), pub(1), pub(3)}},
		{name: "key pool spent again: re-deferred, draining stops",
			items: []intel.DeferredItem{item(pub(1), 3, alice), item(pub(2), 2, alice), item(pub(3), 1, bob)},
			src:   failing(map[netip.Addr]*intel.Error{pub(2): poolQuota}),
			limit: 10, n: 10, want: 1, wantLeft: []netip.Addr{pub(2), pub(3)},
			wantUsed: map[intel.Subject]int{alice: 1}, wantSent: []netip.Addr{pub(1), pub(2)}},
		{name: "subject over quota is re-deferred without starving others",
			items: []intel.DeferredItem{item(pub(1), 9, alice), item(pub(2), 8, alice), item(pub(3), 7, alice), item(pub(4), 1, bob)},
			limit: 1, n: 2, want: 2, wantLeft: []netip.Addr{pub(2), pub(3)},
			wantUsed: map[intel.Subject]int{alice: 1, bob: 1}, wantSent: []netip.Addr{pub(1), pub(4)}},
		{name: "cached answers are free",
			items:  []intel.DeferredItem{item(pub(1), 1, alice)},
			cached: []netip.Addr{pub(1)}, limit: 0, n: 5, want: 1, wantUsed: map[intel.Subject]int{}},
		{name: "no subject user: unmetered",
			items: []intel.DeferredItem{item(pub(1), 1, intel.Subject{})},
			limit: 0, n: 5, want: 1, wantUsed: map[intel.Subject]int{}, wantSent: []netip.Addr{pub(1)}},
		{name: "a failed answer is not counted and is put back",
			items:     []intel.DeferredItem{item(pub(1), 2, alice), item(pub(2), 1, alice)},
			answerErr: map[netip.Addr]bool{pub(1): true},
			limit:     5, n: 5, want: 1, wantLeft: []netip.Addr{pub(1)},
			wantUsed: map[intel.Subject]int{alice: 2}, wantSent: []netip.Addr{pub(1), pub(2)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			queue, q := &fakeQueue{}, newFakeQuota(tc.limit)
			if err := queue.Defer(t.Context(), tc.items); err != nil {
				t.Fatal(err)
			}
			var cached []intel.Verdict
			for _, ip := range tc.cached {
				cached = append(cached, intel.Verdict{IP: ip})
			}
			src := tc.src
			if src == nil {
				src = &fakeSource{}
			}
			s := mustNew(t, Config{Source: src, Quota: q, Queue: queue, Cache: newFakeCache(cached...)})
			var answered []netip.Addr
			got, err := s.DrainDeferred(t.Context(), tc.n, func(_ context.Context, it intel.DeferredItem, v intel.Verdict) error {
				if it.IP != v.IP || len(it.Targets) != 1 {
					t.Errorf("answer for %v got verdict %v", it, v.IP)
				}
				if tc.answerErr[it.IP] {
					return errors.New("chat: channel_not_found")
				}
				answered = append(answered, it.IP)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want || len(answered) != tc.want {
				t.Errorf("answered %d (%v), want %d", got, answered, tc.want)
			}
			var left []netip.Addr
			for _, it := range queue.items {
				left = append(left, it.IP)
			}
			if !slices.Equal(left, tc.wantLeft) {
				t.Errorf("left in queue %v, want %v", left, tc.wantLeft)
			}
			for _, subj := range []intel.Subject{alice, bob} {
				if q.usedBy(subj) != tc.wantUsed[subj] {
					t.Errorf("%s used %d, want %d", subj.Key(), q.usedBy(subj), tc.wantUsed[subj])
				}
			}
			if !slices.Equal(src.sent(), tc.wantSent) {
				t.Errorf("sent %v, want %v", src.sent(), tc.wantSent)
			}
		})
	}
}

// TestDeferThenDrain is the whole promise: quota runs out mid-paste, the
// rest is queued, and after the reset it is looked up and answered.
func TestDeferThenDrain(t *testing.T) {
	queue, q := &fakeQueue{}, newFakeQuota(2)
	s := mustNew(t, Config{Source: &fakeSource{}, Quota: q, Queue: queue})
	res, err := s.Lookup(t.Context(), Request{Hits: hitsOf(pubs(5)...), Subject: alice, ReplyTo: thread})
	if err != nil {
		t.Fatal(err)
	}
	if res.Live != 2 || res.Deferred != 3 {
		t.Fatalf("live %d deferred %d, want 2 and 3", res.Live, res.Deferred)
	}
	q.newDay()
	q.Limit = 20
	n, err := s.DrainDeferred(t.Context(), 100, func(context.Context, intel.DeferredItem, intel.Verdict) error { return nil })
	if err != nil || n != 3 || len(queue.items) != 0 || q.usedBy(alice) != 3 {
		t.Errorf("drained %d (err %v), %d left, %d used; want 3, 0, 3", n, err, len(queue.items), q.usedBy(alice))
	}
}

func TestDeep(t *testing.T) {
	upstream := intel.Errorf(intel.EUpstream, "服务暂时不可用", "http 500")
	tests := []struct {
		name      string
		ip        netip.Addr
		limit     int
		deepErr   error
		unmetered bool
		wantCode  intel.Code
		wantUsed  int
		wantCalls int
	}{
		{"charges one unit", pub(1), 5, nil, false, "", 1, 1},
		{"refunds a failure", pub(1), 5, upstream, false, intel.EUpstream, 0, 1},
		{"no unit left", pub(1), 0, nil, false, intel.EQuota, 0, 0},
		{"unmetered", pub(1), 0, nil, true, "", 0, 1},
		{"private refused", netip.MustParseAddr("10.0.0.1"), 5, nil, false, intel.EInvalid, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			deep := &fakeDeep{DeepFn: func(_ context.Context, ip netip.Addr) (intel.Verdict, error) {
				calls++
				return intel.Verdict{IP: ip, Level: intel.LevelMalicious}, tc.deepErr
			}}
			q, hist := newFakeQuota(tc.limit), &fakeHistory{}
			s := mustNew(t, Config{Source: &fakeSource{}, Deep: deep, Quota: q, History: hist})
			v, err := s.Deep(t.Context(), tc.ip, alice, tc.unmetered)
			if got := intel.ErrorCode(err); got != tc.wantCode {
				t.Errorf("code %q, want %q (err %v)", got, tc.wantCode, err)
			}
			if q.usedBy(alice) != tc.wantUsed || calls != tc.wantCalls {
				t.Errorf("used %d calls %d, want %d and %d", q.usedBy(alice), calls, tc.wantUsed, tc.wantCalls)
			}
			if err == nil && (!v.Deep || v.Level != intel.LevelMalicious || len(hist.events) != 1) {
				t.Errorf("verdict %+v, history %d events", v, len(hist.events))
			}
			if err != nil && (v.Err == nil || v.Level != intel.LevelUnknown || len(hist.events) != 0) {
				t.Errorf("failed verdict %+v, history %d events", v, len(hist.events))
			}
		})
	}
}
