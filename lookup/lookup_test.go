package lookup

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"tibot/intel"
	"tibot/ioc"
)

var (
	alice  = intel.Subject{Platform: "slack", User: "U1"}
	bob    = intel.Subject{Platform: "telegram", User: "42"}
	thread = intel.ReplyTarget{Platform: "slack", Chat: "C1", Thread: "1.2", User: "U1"}
	t0     = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
)

// pub returns the i-th test address in 45.0.0.0/8, a public range.
func pub(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{45, byte(i >> 16), byte(i >> 8), byte(i)})
}

func pubs(n int) []netip.Addr {
	out := make([]netip.Addr, n)
	for i := range out {
		out[i] = pub(i + 1)
	}
	return out
}

func hitsOf(addrs ...netip.Addr) []ioc.Hit {
	hs := make([]ioc.Hit, len(addrs))
	for i, a := range addrs {
		hs[i] = ioc.Hit{Addr: a, Count: 1, FirstLine: i + 1, Public: ioc.IsPublic(a)}
	}
	return hs
}

func mustNew(t testing.TB, c Config) *Service {
	t.Helper()
	if c.Now == nil {
		c.Now = func() time.Time { return t0 }
	}
	s, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ips(vs []intel.Verdict) []netip.Addr {
	out := make([]netip.Addr, len(vs))
	for i, v := range vs {
		out[i] = v.IP
	}
	return out
}

func counts(r Result) [7]int {
	return [7]int{r.Unique, r.Private, r.Cached, r.Live, r.Failed, r.OverQuota, r.Deferred}
}

func TestLookupCost(t *testing.T) {
	mapped := netip.AddrFrom16(pub(1).As16())
	tests := []struct {
		name      string
		hits      []netip.Addr
		cached    []netip.Addr
		fresh     bool
		unmetered bool
		wantSent  []netip.Addr
		wantUsed  int
		// Unique, Private, Cached, Live, Failed, OverQuota, Deferred
		want [7]int
	}{
		{name: "private and reserved cost nothing and are never sent",
			hits: []netip.Addr{netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("127.0.0.1"),
				netip.MustParseAddr("192.168.1.1"), netip.MustParseAddr("fe80::1"), netip.MustParseAddr("100.64.0.1")},
			want: [7]int{5, 5, 0, 0, 0, 0, 0}},
		{name: "duplicates cost one unit",
			hits: []netip.Addr{pub(1), pub(2), pub(1), mapped}, wantSent: []netip.Addr{pub(1), pub(2)}, wantUsed: 2,
			want: [7]int{2, 0, 0, 2, 0, 0, 0}},
		{name: "cached costs nothing",
			hits: []netip.Addr{pub(1), pub(2), pub(3)}, cached: []netip.Addr{pub(1), pub(3)},
			wantSent: []netip.Addr{pub(2)}, wantUsed: 1, want: [7]int{3, 0, 2, 1, 0, 0, 0}},
		{name: "all cached makes no call",
			hits: []netip.Addr{pub(1)}, cached: []netip.Addr{pub(1)}, want: [7]int{1, 0, 1, 0, 0, 0, 0}},
		{name: "fresh bypasses the cache",
			hits: []netip.Addr{pub(1), pub(2)}, cached: []netip.Addr{pub(1)}, fresh: true,
			wantSent: []netip.Addr{pub(1), pub(2)}, wantUsed: 2, want: [7]int{2, 0, 0, 2, 0, 0, 0}},
		{name: "one unit per unique uncached public address",
			hits: append(pubs(250), netip.MustParseAddr("172.16.0.9")), wantSent: pubs(250), wantUsed: 250,
			want: [7]int{251, 1, 0, 250, 0, 0, 0}},
		{name: "unmetered charges nothing",
			hits: pubs(3), unmetered: true, wantSent: pubs(3), want: [7]int{3, 0, 0, 3, 0, 0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, q := &fakeSource{}, newFakeQuota(1000)
			var vs []intel.Verdict
			for _, ip := range tc.cached {
				vs = append(vs, intel.Verdict{IP: ip, Level: intel.LevelMalicious})
			}
			s := mustNew(t, Config{Source: src, Cache: newFakeCache(vs...), Quota: q})
			res, err := s.Lookup(t.Context(), Request{Hits: hitsOf(tc.hits...), Subject: alice, Fresh: tc.fresh, Unmetered: tc.unmetered})
			if err != nil {
				t.Fatal(err)
			}
			// Batches go out concurrently, so only the set sent is defined
			// here (TestLookupPartialGrantPriority checks the order within
			// a batch).
			if got := sorted(src.sent()); !slices.Equal(got, sorted(tc.wantSent)) {
				t.Errorf("sent %v, want %v", got, tc.wantSent)
			}
			if got := q.usedBy(alice); got != tc.wantUsed {
				t.Errorf("used %d units, want %d", got, tc.wantUsed)
			}
			if got := counts(res); got != tc.want {
				t.Errorf("counts %v, want %v", got, tc.want)
			}
			if len(res.Verdicts) != res.Unique-res.Private {
				t.Errorf("%d verdicts for %d public addresses", len(res.Verdicts), res.Unique-res.Private)
			}
		})
	}
}

func TestLookupVerdictsInRequestOrder(t *testing.T) {
	addrs := []netip.Addr{pub(5), netip.MustParseAddr("10.1.1.1"), pub(3), pub(9), pub(1)}
	s := mustNew(t, Config{Source: &fakeSource{}, Cache: newFakeCache(intel.Verdict{IP: pub(9)}), BatchSize: 1, Parallel: 3})
	res, err := s.Lookup(t.Context(), Request{Hits: hitsOf(addrs...), Unmetered: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Addr{pub(5), pub(3), pub(9), pub(1)}
	if got := ips(res.Verdicts); !slices.Equal(got, want) {
		t.Errorf("verdict order %v, want %v", got, want)
	}
	if !res.Verdicts[2].Cached || res.Verdicts[0].Cached {
		t.Errorf("Cached flags wrong: %+v", res.Verdicts)
	}
}

func TestLookupPartialGrantPriority(t *testing.T) {
	a, b, c, d, e := pub(1), pub(2), pub(3), pub(4), pub(5)
	hits := []ioc.Hit{
		{Addr: a, Count: 9, Role: ioc.RoleDest},
		{Addr: b, Count: 1},
		{Addr: c, Count: 1, Role: ioc.RoleSource},
		{Addr: d, Count: 5},
		{Addr: e, Count: 3, Role: ioc.RoleSource},
	}
	tests := []struct {
		name     string
		limit    int
		wantSent []netip.Addr
	}{
		{"source side first, then frequency", 3, []netip.Addr{e, c, a}},
		{"source side only", 2, []netip.Addr{e, c}},
		{"frequency, then first appearance", 5, []netip.Addr{e, c, a, d, b}},
		{"nothing left", 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := &fakeSource{}
			s := mustNew(t, Config{Source: src, Quota: newFakeQuota(tc.limit)})
			res, err := s.Lookup(t.Context(), Request{Hits: hits, Subject: alice})
			if err != nil {
				t.Fatal(err)
			}
			if got := src.sent(); !slices.Equal(got, tc.wantSent) {
				t.Errorf("sent %v, want %v", got, tc.wantSent)
			}
			if res.Live != tc.limit || res.OverQuota != 5-tc.limit {
				t.Errorf("live %d over quota %d, want %d and %d", res.Live, res.OverQuota, tc.limit, 5-tc.limit)
			}
			if got := ips(res.Verdicts); !slices.Equal(got, []netip.Addr{a, b, c, d, e}) {
				t.Errorf("verdicts not in request order: %v", got)
			}
			for _, v := range res.Verdicts {
				if slices.Contains(tc.wantSent, v.IP) != (v.Err == nil) {
					t.Errorf("%s: Err %v", v.IP, v.Err)
				}
				if v.Err != nil && (v.Err.Code != intel.EQuota || v.Err.Message != msgShort) {
					t.Errorf("%s: Err %+v, want EQuota %q", v.IP, v.Err, msgShort)
				}
			}
			if res.Quota.Remaining != 0 || res.Quota.Limit != tc.limit {
				t.Errorf("quota status %+v", res.Quota)
			}
		})
	}
}

// sorted returns a sorted copy of addrs.
func sorted(addrs []netip.Addr) []netip.Addr {
	c := slices.Clone(addrs)
	slices.SortFunc(c, netip.Addr.Compare)
	return c
}
