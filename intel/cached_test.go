package intel_test

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"testing"
	"time"

	"tibot/intel"
)

// sourceFake and cacheFake are function-field fakes.
type sourceFake struct {
	LookupFn func(ctx context.Context, ips []netip.Addr) ([]intel.Verdict, error)
}

func (f *sourceFake) Lookup(ctx context.Context, ips []netip.Addr) ([]intel.Verdict, error) {
	return f.LookupFn(ctx, ips)
}

type cacheFake struct {
	CachedVerdictsFn func(ctx context.Context, ips []netip.Addr) (map[netip.Addr]intel.Verdict, error)
	PutVerdictsFn    func(ctx context.Context, vs []intel.Verdict) error
}

func (f *cacheFake) CachedVerdicts(ctx context.Context, ips []netip.Addr) (map[netip.Addr]intel.Verdict, error) {
	return f.CachedVerdictsFn(ctx, ips)
}

func (f *cacheFake) PutVerdicts(ctx context.Context, vs []intel.Verdict) error {
	return f.PutVerdictsFn(ctx, vs)
}

var (
	_ intel.Source = (*sourceFake)(nil)
	_ intel.Cache  = (*cacheFake)(nil)
)

var (
	ipA = netip.MustParseAddr("198.51.100.23")
	ipB = netip.MustParseAddr("203.0.113.7")
	ipC = netip.MustParseAddr("2001:db8::1")
	at  = time.Date(2025, 5, 14, 10, 0, 0, 0, time.UTC)
)

// liveSource answers every address Clean, except failing ones, and records
// each call.
func liveSource(calls *[][]netip.Addr, failing ...netip.Addr) *sourceFake {
	return &sourceFake{LookupFn: func(_ context.Context, ips []netip.Addr) ([]intel.Verdict, error) {
		*calls = append(*calls, slices.Clone(ips))
		out := make([]intel.Verdict, len(ips))
		for i, ip := range ips {
			out[i] = intel.Verdict{IP: ip, Level: intel.LevelClean, FetchedAt: at}
			if slices.Contains(failing, ip) {
				out[i] = intel.Failed(ip, intel.Errorf(intel.EUpstream, "", "boom"))
			}
		}
		return out, nil
	}}
}

// mapCache is a cacheFake over a map, recording puts.
func mapCache(m map[netip.Addr]intel.Verdict, puts *[]intel.Verdict) *cacheFake {
	return &cacheFake{
		CachedVerdictsFn: func(_ context.Context, ips []netip.Addr) (map[netip.Addr]intel.Verdict, error) {
			out := map[netip.Addr]intel.Verdict{}
			for _, ip := range ips {
				if v, ok := m[ip]; ok {
					v.Cached = true
					out[ip] = v
				}
			}
			return out, nil
		},
		PutVerdictsFn: func(_ context.Context, vs []intel.Verdict) error {
			*puts = append(*puts, vs...)
			return nil
		},
	}
}

func TestCached(t *testing.T) {
	cachedA := intel.Verdict{IP: ipA, Level: intel.LevelMalicious, FetchedAt: at.Add(-10 * time.Minute)}
	tests := []struct {
		name       string
		cache      map[netip.Addr]intel.Verdict
		failing    []netip.Addr
		ask        []netip.Addr
		wantCalls  [][]netip.Addr
		wantLevels []intel.Level
		wantCached []bool
		wantPuts   []netip.Addr
	}{
		{
			name: "AllMiss", ask: []netip.Addr{ipA, ipB},
			wantCalls:  [][]netip.Addr{{ipA, ipB}},
			wantLevels: []intel.Level{intel.LevelClean, intel.LevelClean},
			wantCached: []bool{false, false}, wantPuts: []netip.Addr{ipA, ipB},
		},
		{
			name: "AllHit", cache: map[netip.Addr]intel.Verdict{ipA: cachedA}, ask: []netip.Addr{ipA},
			wantLevels: []intel.Level{intel.LevelMalicious}, wantCached: []bool{true},
		},
		{
			name: "MixedKeepsOrderAndDedupes", cache: map[netip.Addr]intel.Verdict{ipA: cachedA},
			ask:        []netip.Addr{ipB, ipA, ipC, ipB},
			wantCalls:  [][]netip.Addr{{ipB, ipC}},
			wantLevels: []intel.Level{intel.LevelClean, intel.LevelMalicious, intel.LevelClean, intel.LevelClean},
			wantCached: []bool{false, true, false, false}, wantPuts: []netip.Addr{ipB, ipC},
		},
		{
			name: "ErrorsReturnedButNotStored", failing: []netip.Addr{ipB}, ask: []netip.Addr{ipA, ipB},
			wantCalls:  [][]netip.Addr{{ipA, ipB}},
			wantLevels: []intel.Level{intel.LevelClean, intel.LevelUnknown},
			wantCached: []bool{false, false}, wantPuts: []netip.Addr{ipA},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var calls [][]netip.Addr
			var puts []intel.Verdict
			src := intel.Cached(liveSource(&calls, tc.failing...), putsWithoutErr(mapCache(tc.cache, &puts)))
			got, err := src.Lookup(context.Background(), tc.ask)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(calls, tc.wantCalls, slices.Equal) {
				t.Errorf("source calls = %v, want %v", calls, tc.wantCalls)
			}
			checkVerdicts(t, got, tc.ask, tc.wantLevels, tc.wantCached)
			if gotPuts := ipsOf(puts); !slices.Equal(gotPuts, tc.wantPuts) {
				t.Errorf("stored %v, want %v", gotPuts, tc.wantPuts)
			}
		})
	}
}

// putsWithoutErr drops Err verdicts before put, as the Cache contract says
// implementations do.
func putsWithoutErr(c *cacheFake) *cacheFake {
	put := c.PutVerdictsFn
	c.PutVerdictsFn = func(ctx context.Context, vs []intel.Verdict) error {
		var ok []intel.Verdict
		for _, v := range vs {
			if v.Err == nil {
				ok = append(ok, v)
			}
		}
		return put(ctx, ok)
	}
	return c
}

func checkVerdicts(t *testing.T, got []intel.Verdict, ask []netip.Addr, levels []intel.Level, cached []bool) {
	t.Helper()
	if len(got) != len(ask) {
		t.Fatalf("got %d verdicts for %d addresses", len(got), len(ask))
	}
	for i, v := range got {
		if v.IP != ask[i] || v.Level != levels[i] || v.Cached != cached[i] {
			t.Errorf("verdict %d = {%s %s cached=%t}, want {%s %s cached=%t}",
				i, v.IP, v.Level, v.Cached, ask[i], levels[i], cached[i])
		}
	}
}

func ipsOf(vs []intel.Verdict) []netip.Addr {
	var out []netip.Addr
	for _, v := range vs {
		out = append(out, v.IP)
	}
	return out
}

func TestCachedCacheFailures(t *testing.T) {
	var calls [][]netip.Addr
	broken := &cacheFake{
		CachedVerdictsFn: func(context.Context, []netip.Addr) (map[netip.Addr]intel.Verdict, error) {
			return nil, errors.New("disk on fire")
		},
		PutVerdictsFn: func(context.Context, []intel.Verdict) error { return errors.New("disk full") },
	}
	got, err := intel.Cached(liveSource(&calls), broken).Lookup(context.Background(), []netip.Addr{ipA})
	if err != nil {
		t.Fatalf("cache failures must not fail the lookup: %v", err)
	}
	if len(calls) != 1 || len(got) != 1 || got[0].Level != intel.LevelClean || got[0].Cached {
		t.Fatalf("calls %v, verdicts %+v: want one live Clean verdict", calls, got)
	}
}

func TestCachedSourceErrors(t *testing.T) {
	var puts []intel.Verdict
	cache := mapCache(nil, &puts)
	tests := []struct {
		name string
		fn   func(context.Context, []netip.Addr) ([]intel.Verdict, error)
	}{
		{"WholeCallError", func(context.Context, []netip.Addr) ([]intel.Verdict, error) {
			return nil, context.Canceled
		}},
		{"WrongCount", func(context.Context, []netip.Addr) ([]intel.Verdict, error) {
			return []intel.Verdict{}, nil
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := intel.Cached(&sourceFake{LookupFn: tc.fn}, cache)
			if _, err := src.Lookup(context.Background(), []netip.Addr{ipA}); err == nil {
				t.Fatal("want an error")
			}
			if len(puts) != 0 {
				t.Fatalf("stored %v after a failed call", puts)
			}
		})
	}
}

func TestCachedEmpty(t *testing.T) {
	src := intel.Cached(&sourceFake{LookupFn: func(context.Context, []netip.Addr) ([]intel.Verdict, error) {
		t.Fatal("source called for nothing")
		return nil, nil
	}}, mapCache(nil, new([]intel.Verdict)))
	got, err := src.Lookup(context.Background(), nil)
	if err != nil || len(got) != 0 {
		t.Fatalf("Lookup(nil) = %v, %v", got, err)
	}
}

// TestCachedKeepsAnswersGatheredBeforeCancel: a Source that returns what
// it gathered together with a whole-call error (threatbook does when ctx
// ends mid-way) has those paid-for answers stored, even though ctx has
// ended, and returned with the error.
func TestCachedKeepsAnswersGatheredBeforeCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	src := &sourceFake{LookupFn: func(_ context.Context, ips []netip.Addr) ([]intel.Verdict, error) {
		cancel() // ctx ends after the first address was answered
		return []intel.Verdict{
			{IP: ips[0], Level: intel.LevelMalicious, FetchedAt: at},
			intel.Failed(ips[1], intel.Errorf(intel.EUpstream, "", "canceled")),
		}, context.Canceled
	}}
	var stored []intel.Verdict
	cache := mapCache(map[netip.Addr]intel.Verdict{ipC: {IP: ipC, Level: intel.LevelClean}}, &stored)
	put := cache.PutVerdictsFn
	cache.PutVerdictsFn = func(ctx context.Context, vs []intel.Verdict) error {
		if ctx.Err() != nil {
			t.Errorf("PutVerdicts got an ended context: the paid-for answers would be lost")
		}
		return put(ctx, vs)
	}
	got, err := intel.Cached(src, cache).Lookup(ctx, []netip.Addr{ipA, ipB, ipC})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(got) != 3 || got[0].Level != intel.LevelMalicious || got[1].Err == nil || !got[2].Cached {
		t.Fatalf("verdicts %+v: want the live answer, the failure and the cache hit", got)
	}
	if len(stored) == 0 || stored[0].IP != ipA || stored[0].Level != intel.LevelMalicious {
		t.Errorf("stored %+v: want the answer for %s", stored, ipA)
	}
}
