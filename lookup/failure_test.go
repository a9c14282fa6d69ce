package lookup

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"tibot/intel"
	"tibot/ioc"
)

// failing returns a Source that fails the addresses in bad with their error
// and leaves out the ones in missing.
func failing(bad map[netip.Addr]*intel.Error, missing ...netip.Addr) *fakeSource {
	return &fakeSource{LookupFn: func(_ context.Context, ips []netip.Addr) ([]intel.Verdict, error) {
		var out []intel.Verdict
		for _, v := range cleanVerdicts(ips) {
			if e, ok := bad[v.IP]; ok {
				v = intel.Failed(v.IP, e)
			}
			for _, m := range missing {
				if m == v.IP {
					goto skip
				}
			}
			out = append(out, v)
		skip:
		}
		return out, nil
	}}
}

func TestLookupRefundsFailures(t *testing.T) {
	upstream := intel.Errorf(intel.EUpstream, "服务暂时不可用", "http 502")
	poolQuota := intel.Errorf(intel.EQuota, "API 额度已用完", "key pool spent")
	tests := []struct {
		name     string
		src      *fakeSource
		batch    int
		replyTo  intel.ReplyTarget
		wantUsed int
		wantCode map[netip.Addr]intel.Code
		// Unique, Private, Cached, Live, Failed, OverQuota, Deferred
		want [7]int
	}{
		{name: "per-address failures and omissions are refunded",
			src:      failing(map[netip.Addr]*intel.Error{pub(2): upstream}, pub(4)),
			wantUsed: 2, wantCode: map[netip.Addr]intel.Code{pub(2): intel.EUpstream, pub(4): intel.EUpstream},
			want: [7]int{4, 0, 0, 2, 2, 0, 0}},
		{name: "key-pool quota is refunded and, with a thread, deferred",
			src: failing(map[netip.Addr]*intel.Error{pub(3): poolQuota}), replyTo: thread,
			wantUsed: 3, wantCode: map[netip.Addr]intel.Code{pub(3): intel.EQuota},
			want: [7]int{4, 0, 0, 3, 1, 0, 1}},
		{name: "a failed call fails only its batch, keeping the error code", batch: 2,
			src: &fakeSource{LookupFn: func(_ context.Context, ips []netip.Addr) ([]intel.Verdict, error) {
				if ips[0] == pub(1) {
					return nil, &intel.Error{Code: intel.ERateLimit, Message: "频繁"}
				}
				return cleanVerdicts(ips), nil
			}},
			wantUsed: 2, wantCode: map[netip.Addr]intel.Code{pub(1): intel.ERateLimit, pub(2): intel.ERateLimit},
			want: [7]int{4, 0, 0, 2, 2, 0, 0}},
		{name: "answers gathered before a whole-call error are kept",
			src: &fakeSource{LookupFn: func(_ context.Context, ips []netip.Addr) ([]intel.Verdict, error) {
				return cleanVerdicts(ips)[:2], context.DeadlineExceeded
			}},
			wantUsed: 2, wantCode: map[netip.Addr]intel.Code{pub(3): intel.EUpstream, pub(4): intel.EUpstream},
			want: [7]int{4, 0, 0, 2, 2, 0, 0}},
		{name: "a plain error becomes EUpstream", batch: 2,
			src: &fakeSource{LookupFn: func(_ context.Context, ips []netip.Addr) ([]intel.Verdict, error) {
				if ips[0] == pub(3) {
					return nil, errors.New("connection reset")
				}
				return cleanVerdicts(ips), nil
			}},
			wantUsed: 2, wantCode: map[netip.Addr]intel.Code{pub(3): intel.EUpstream, pub(4): intel.EUpstream},
			want: [7]int{4, 0, 0, 2, 2, 0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, cache, queue := newFakeQuota(10), newFakeCache(), &fakeQueue{}
			s := mustNew(t, Config{Source: tc.src, Quota: q, Cache: cache, Queue: queue, BatchSize: tc.batch})
			res, err := s.Lookup(t.Context(), Request{Hits: hitsOf(pubs(4)...), Subject: alice, ReplyTo: tc.replyTo})
			if err != nil {
				t.Fatal(err)
			}
			if got := q.usedBy(alice); got != tc.wantUsed {
				t.Errorf("used %d, want %d", got, tc.wantUsed)
			}
			if res.Quota.Used != tc.wantUsed || res.Quota.Remaining != 10-tc.wantUsed {
				t.Errorf("reported quota %+v, want %d used", res.Quota, tc.wantUsed)
			}
			if got := counts(res); got != tc.want {
				t.Errorf("counts %v, want %v", got, tc.want)
			}
			for _, v := range res.Verdicts {
				if got := intel.ErrorCode(errOf(v)); got != tc.wantCode[v.IP] {
					t.Errorf("%s: code %q, want %q", v.IP, got, tc.wantCode[v.IP])
				}
				if v.Err != nil && v.Level != intel.LevelUnknown {
					t.Errorf("%s: failed verdict has level %v", v.IP, v.Level)
				}
			}
			if cache.len() != tc.wantUsed {
				t.Errorf("cached %d verdicts, want only the %d successes", cache.len(), tc.wantUsed)
			}
		})
	}
}

// errOf returns v.Err as an error (nil when unset, avoiding a typed nil).
func errOf(v intel.Verdict) error {
	if v.Err == nil {
		return nil
	}
	return v.Err
}

func TestLookupDeferral(t *testing.T) {
	tests := []struct {
		name      string
		replyTo   intel.ReplyTarget
		deferErr  error
		wantQueue int
		wantMsg   string
	}{
		{"queued when there is a thread to answer in", thread, nil, 2, msgShortDeferred},
		{"not queued without a thread (CLI)", intel.ReplyTarget{}, nil, 0, msgShort},
		{"queue failure does not promise an answer", thread, errors.New("disk full"), 0, msgShort},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			queue := &fakeQueue{DeferErr: tc.deferErr}
			s := mustNew(t, Config{Source: &fakeSource{}, Quota: newFakeQuota(1), Queue: queue})
			hits := hitsOf(pub(1), pub(2), pub(3))
			hits[2].Count = 7
			res, err := s.Lookup(t.Context(), Request{Hits: hits, Subject: alice, ReplyTo: tc.replyTo})
			if err != nil {
				t.Fatal(err)
			}
			if res.Deferred != tc.wantQueue || len(queue.items) != tc.wantQueue {
				t.Errorf("deferred %d, queue %d, want %d", res.Deferred, len(queue.items), tc.wantQueue)
			}
			for _, v := range res.Verdicts {
				if v.Err != nil && v.Err.Message != tc.wantMsg {
					t.Errorf("%s: message %q, want %q", v.IP, v.Err.Message, tc.wantMsg)
				}
			}
			for _, it := range queue.items {
				if it.Subject != alice || len(it.Targets) != 1 || it.Targets[0] != thread || !it.QueuedAt.Equal(t0) {
					t.Errorf("queued item %+v", it)
				}
			}
		})
	}
}

func TestLookupDeferredPriority(t *testing.T) {
	queue := &fakeQueue{}
	s := mustNew(t, Config{Source: &fakeSource{}, Quota: newFakeQuota(0), Queue: queue})
	hits := hitsOf(pub(1), pub(2), pub(3))
	hits[1].Count = 50
	hits[2].Role = ioc.RoleSource
	if _, err := s.Lookup(t.Context(), Request{Hits: hits, Subject: alice, ReplyTo: thread}); err != nil {
		t.Fatal(err)
	}
	var got []netip.Addr
	for _, it := range queue.items {
		got = append(got, it.IP)
	}
	if want := []netip.Addr{pub(3), pub(2), pub(1)}; !slices.Equal(got, want) {
		t.Errorf("queue order %v, want %v (source side, then frequency)", got, want)
	}
}

func TestLookupBookkeepingErrorsDoNotFail(t *testing.T) {
	cache := newFakeCache(intel.Verdict{IP: pub(1)})
	cache.GetErr, cache.PutErr = errors.New("bolt: read"), errors.New("bolt: write")
	hist := &fakeHistory{Err: errors.New("bolt: history")}
	s := mustNew(t, Config{Source: &fakeSource{}, Cache: cache, History: hist, Quota: newFakeQuota(5)})
	res, err := s.Lookup(t.Context(), Request{Hits: hitsOf(pubs(3)...), Subject: alice})
	if err != nil {
		t.Fatalf("bookkeeping error failed the lookup: %v", err)
	}
	if res.Live != 3 || res.Cached != 0 || hist.calls != 1 {
		t.Errorf("live %d cached %d history calls %d, want 3, 0, 1", res.Live, res.Cached, hist.calls)
	}
}

func TestLookupQuotaStoreError(t *testing.T) {
	src, q := &fakeSource{}, newFakeQuota(5)
	q.TakeErr = errors.New("bolt: timeout")
	s := mustNew(t, Config{Source: src, Quota: q})
	_, err := s.Lookup(t.Context(), Request{Hits: hitsOf(pub(1)), Subject: alice})
	if err == nil || !strings.Contains(err.Error(), "bolt: timeout") {
		t.Errorf("err %v, want the quota store error", err)
	}
	if src.ncalls() != 0 {
		t.Error("looked up without metering")
	}
}

func TestLookupHistory(t *testing.T) {
	hist := &fakeHistory{}
	cache := newFakeCache(intel.Verdict{IP: pub(1), Level: intel.LevelMalicious, ThreatTypes: []string{"C2"}})
	s := mustNew(t, Config{Source: failing(map[netip.Addr]*intel.Error{pub(3): intel.Errorf(intel.EUpstream, "x", "y")}),
		Cache: cache, History: hist, Quota: newFakeQuota(1)})
	_, err := s.Lookup(t.Context(), Request{Hits: hitsOf(pubs(4)...), Subject: alice, ReplyTo: thread})
	if err != nil {
		t.Fatal(err)
	}
	want := []intel.LookupEvent{
		{At: t0, IP: pub(1), Level: intel.LevelMalicious, ThreatTypes: []string{"C2"}, Platform: "slack", Chat: "C1", User: "U1", Cached: true},
		{At: t0, IP: pub(2), Level: intel.LevelClean, Platform: "slack", Chat: "C1", User: "U1"},
	}
	if hist.calls != 1 || len(hist.events) != len(want) {
		t.Fatalf("history: %d calls, events %+v", hist.calls, hist.events)
	}
	for i := range want {
		if g, w := hist.events[i], want[i]; g.IP != w.IP || g.Level != w.Level || g.Cached != w.Cached ||
			g.Platform != w.Platform || g.Chat != w.Chat || g.User != w.User || !g.At.Equal(w.At) ||
			strings.Join(g.ThreatTypes, ",") != strings.Join(w.ThreatTypes, ",") {
			t.Errorf("event %d = %+v, want %+v", i, g, w)
		}
	}
}
