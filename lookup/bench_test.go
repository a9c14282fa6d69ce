package lookup_test

import (
	"context"
	"net/netip"
	"sync"
	"testing"
	"time"

	"tibot/intel"
	"tibot/ioc"
	"tibot/lookup"
	"tibot/threatbook"
	"tibot/threatbook/threatbooktest"
)

// The design.md §8 numbers, against the real client and the fake server.

const benchKey = "bench-key"

// realService wires lookup to a threatbook client on a fake with unlimited
// key quota and the given latency; no cache, so every run goes live.
func realService(tb testing.TB, latency time.Duration) (*lookup.Service, *threatbooktest.Server) {
	tb.Helper()
	fake := threatbooktest.NewServer(threatbooktest.Options{Keys: []string{benchKey}, DailyQuota: -1, Latency: latency})
	tb.Cleanup(fake.Close)
	client, err := threatbook.New(threatbook.Options{BaseURL: fake.URL, Keys: []string{benchKey}, DailyLimit: 1 << 30})
	if err != nil {
		tb.Fatal(err)
	}
	s, err := lookup.New(lookup.Config{Source: client})
	if err != nil {
		tb.Fatal(err)
	}
	return s, fake
}

// publicHits returns n unique public addresses (45.0.0.0/8, 185.0.0.0/8:
// not documentation ranges, which are reserved and skipped).
func publicHits(n int) []ioc.Hit {
	hs := make([]ioc.Hit, n)
	for i := range hs {
		first := byte(45)
		if i%2 == 1 {
			first = 185
		}
		hs[i] = ioc.Hit{Addr: netip.AddrFrom4([4]byte{first, byte(i >> 16), byte(i >> 8), byte(i)}), Count: 1, Public: true}
	}
	return hs
}

// TestLookup1000Calls asserts the call count the benchmark reports: 1,000
// unique public IPs take exactly 10 reputation calls (design.md §8: ≤ 10).
func TestLookup1000Calls(t *testing.T) {
	s, fake := realService(t, 0)
	hits := publicHits(1000)
	res, err := s.Lookup(t.Context(), lookup.Request{Hits: append(hits, hits[:200]...), Unmetered: true})
	if err != nil {
		t.Fatal(err)
	}
	if st := fake.Stats(); st.Requests != 10 || st.IPs != 1000 {
		t.Errorf("%d calls for %d IPs, want 10 for 1000", st.Requests, st.IPs)
	}
	if res.Live+res.Failed != 1000 || res.Failed != 0 {
		t.Errorf("live %d failed %d", res.Live, res.Failed)
	}
}

func BenchmarkLookup1000(b *testing.B) {
	s, fake := realService(b, 0)
	hits := publicHits(1000)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Lookup(ctx, lookup.Request{Hits: hits, Unmetered: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(fake.Stats().Requests)/float64(b.N), "calls/op")
}

// BenchmarkPaste2000Latency200ms: a paste of 2,000 unique public IPs with
// 200 ms API latency. Targets: final answer ≤ 3 s, first progress ≤ 1 s.
func BenchmarkPaste2000Latency200ms(b *testing.B) {
	s, _ := realService(b, 200*time.Millisecond)
	hits := publicHits(2000)
	ctx := context.Background()
	var final, first time.Duration
	for b.Loop() {
		start := time.Now()
		var once sync.Once
		progress := func(done, total int) { once.Do(func() { first += time.Since(start) }) }
		res, err := s.Lookup(ctx, lookup.Request{Hits: hits, Unmetered: true, Progress: progress})
		final += time.Since(start)
		if err != nil || res.Live != 2000 {
			b.Fatalf("live %d, err %v", res.Live, err)
		}
	}
	b.ReportMetric(final.Seconds()/float64(b.N), "final-s")
	b.ReportMetric(first.Seconds()/float64(b.N), "first-progress-s")
}

// BenchmarkLookupCached is the all-cached path (no Source call at all).
func BenchmarkLookupCached(b *testing.B) {
	src := lookup.Config{Source: sourceFunc(func(context.Context, []netip.Addr) ([]intel.Verdict, error) {
		b.Fatal("source called")
		return nil, nil
	})}
	hits := publicHits(1000)
	m := make(mapCache, len(hits))
	for _, h := range hits {
		m[h.Addr] = intel.Verdict{IP: h.Addr, Level: intel.LevelClean}
	}
	src.Cache = m
	s, err := lookup.New(src)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if res, _ := s.Lookup(context.Background(), lookup.Request{Hits: hits, Unmetered: true}); res.Cached != 1000 {
			b.Fatal(res.Cached)
		}
	}
	b.ReportMetric(float64(b.N*len(hits))/b.Elapsed().Seconds(), "verdicts/s")
}

type sourceFunc func(context.Context, []netip.Addr) ([]intel.Verdict, error)

func (f sourceFunc) Lookup(ctx context.Context, ips []netip.Addr) ([]intel.Verdict, error) {
	return f(ctx, ips)
}

// mapCache is a read-only in-memory intel.Cache.
type mapCache map[netip.Addr]intel.Verdict

func (m mapCache) CachedVerdicts(_ context.Context, ips []netip.Addr) (map[netip.Addr]intel.Verdict, error) {
	out := make(map[netip.Addr]intel.Verdict, len(ips))
	for _, ip := range ips {
		if v, ok := m[ip]; ok {
			v.Cached = true
			out[ip] = v
		}
	}
	return out, nil
}

func (m mapCache) PutVerdicts(context.Context, []intel.Verdict) error { return nil }
