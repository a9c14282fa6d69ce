package storage

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"tibot/intel"
)

func verdict(addr string, l intel.Level) intel.Verdict {
	return intel.Verdict{
		IP: ip(addr), Level: l, Malicious: l == intel.LevelMalicious, Severity: "high",
		ThreatTypes: []string{"C2"}, ThreatTypesZH: []string{"远控"},
		Tags:     []intel.Tag{{Name: "CobaltStrike", Type: "virus_family", TypeZH: "病毒家族"}},
		Location: intel.Location{Country: "Netherlands", CountryZH: "荷兰"},
		Source:   "threatbook.reputation",
	}
}

func TestCacheTTL(t *testing.T) {
	clock := newClock(t0)
	db := MustOpen(t, Options{
		Now:             clock.Now,
		CacheTTL:        time.Hour,
		CacheTTLByLevel: map[intel.Level]time.Duration{intel.LevelMalicious: 3 * time.Hour, intel.LevelUnknown: 0},
	})
	must(t, db.PutVerdicts(t.Context(), []intel.Verdict{
		verdict("198.51.100.1", intel.LevelClean),
		verdict("198.51.100.2", intel.LevelMalicious),
		verdict("198.51.100.3", intel.LevelUnknown), // per-level TTL 0: not cached
	}))
	tests := []struct {
		after time.Duration
		want  []string
	}{
		{0, []string{"198.51.100.1", "198.51.100.2"}},
		{time.Hour - time.Nanosecond, []string{"198.51.100.1", "198.51.100.2"}},
		{time.Hour, []string{"198.51.100.2"}},
		{3*time.Hour - time.Nanosecond, []string{"198.51.100.2"}},
		{3 * time.Hour, nil},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.after), func(t *testing.T) {
			clock.Set(t0.Add(tc.after))
			got, err := db.CachedVerdicts(t.Context(), []netip.Addr{ip("198.51.100.1"), ip("198.51.100.2"), ip("198.51.100.3")})
			must(t, err)
			if len(got) != len(tc.want) {
				t.Fatalf("%d hits, want %v", len(got), tc.want)
			}
			for _, a := range tc.want {
				if v, ok := got[ip(a)]; !ok || !v.Cached || !v.FetchedAt.Equal(t0) {
					t.Errorf("%s: hit %t, cached %t, fetched %v; want a hit fetched at %v", a, ok, v.Cached, v.FetchedAt, t0)
				}
			}
		})
	}
}

func TestCacheRoundTripAndSkips(t *testing.T) {
	db := MustOpen(t, Options{})
	fetched := t0.Add(-10 * time.Minute)
	good := verdict("203.0.113.7", intel.LevelMalicious)
	good.FetchedAt = fetched
	failed := intel.Failed(ip("203.0.113.8"), intel.Errorf(intel.EQuota, "", "no quota"))
	must(t, db.PutVerdicts(t.Context(), []intel.Verdict{good, failed, {}}))

	// Asking with the IPv4-mapped form finds the IPv4 entry, keyed as asked.
	mapped := netip.AddrFrom16(ip("203.0.113.7").As16())
	got, err := db.CachedVerdicts(t.Context(), []netip.Addr{ip("203.0.113.7"), mapped, ip("203.0.113.8"), {}})
	must(t, err)
	want := good
	want.Cached = true
	want.FetchedAt = fetched.UTC()
	if diff := cmpDiff(want, got[ip("203.0.113.7")]); diff != "" {
		t.Errorf("cached verdict (-want +got):\n%s", diff)
	}
	if _, ok := got[mapped]; !ok {
		t.Error("IPv4-mapped form missed the IPv4 entry")
	}
	if _, ok := got[ip("203.0.113.8")]; ok || len(got) != 2 {
		t.Errorf("failed verdict was cached: %v", got)
	}
}

func TestCacheValuesOutliveTransaction(t *testing.T) {
	db := MustOpen(t, Options{})
	v := verdict("198.51.100.9", intel.LevelMalicious)
	must(t, db.PutVerdicts(t.Context(), []intel.Verdict{v}))
	got, err := db.CachedVerdicts(t.Context(), []netip.Addr{v.IP})
	must(t, err)
	before := got[v.IP]
	snapshot := before
	snapshot.ThreatTypes = append([]string(nil), before.ThreatTypes...)
	snapshot.Tags = append([]intel.Tag(nil), before.Tags...)

	// Overwrite the entry and grow the file far enough to remap it.
	changed := verdict("198.51.100.9", intel.LevelClean)
	changed.ThreatTypes = []string{"XXXXXXXXXXXXXXXXXXXXXXXXX"}
	must(t, db.PutVerdicts(t.Context(), []intel.Verdict{changed}))
	var bulk []intel.Verdict
	for i := range 20000 {
		bulk = append(bulk, verdict(fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255), intel.LevelClean))
	}
	must(t, db.PutVerdicts(t.Context(), bulk))
	if diff := cmpDiff(snapshot, before); diff != "" {
		t.Fatalf("returned value changed after its transaction (-then +now):\n%s", diff)
	}
}
