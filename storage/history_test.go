package storage

import (
	"fmt"
	"testing"
	"time"

	"tibot/intel"
)

// dayEvents records one event every 6 hours over three CST days, 14–16 May,
// from 00:00 to 18:00, all for 198.51.100.{hour}.
func dayEvents(t *testing.T, db *DB) []intel.LookupEvent {
	t.Helper()
	var es []intel.LookupEvent
	for d := 14; d <= 16; d++ {
		for h := 0; h < 24; h += 6 {
			es = append(es, intel.LookupEvent{
				At:    time.Date(2025, 5, d, h, 0, 0, 0, cst),
				IP:    ip(fmt.Sprintf("198.51.100.%d", h)),
				Level: intel.LevelClean, Platform: "slack", Chat: "C1", User: fmt.Sprint(d),
			})
		}
	}
	must(t, db.RecordLookups(t.Context(), es))
	return es
}

func TestHistoryRangeAcrossDays(t *testing.T) {
	db := MustOpen(t, Options{})
	es := dayEvents(t, db)
	day := func(d int) time.Time { return time.Date(2025, 5, d, 0, 0, 0, 0, cst) }
	tests := []struct {
		name     string
		from, to time.Time
		want     []intel.LookupEvent
	}{
		{"WholeMiddleDay", day(15), day(16), es[4:8]},
		{"AcrossMidnight", day(14).Add(18 * time.Hour), day(15).Add(6 * time.Hour), es[3:5]},
		{"ToIsExclusive", day(14), day(14).Add(6 * time.Hour), es[0:1]},
		{"FromIsInclusive", day(16).Add(18 * time.Hour), day(17), es[11:]},
		{"Everything", time.Time{}, time.Unix(1<<62, 0), es},
		{"Empty", day(17), day(18), nil},
		{"Reversed", day(16), day(14), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.Lookups(t.Context(), tc.from, tc.to)
			must(t, err)
			if diff := cmpDiff(tc.want, got); diff != "" {
				t.Errorf("Lookups (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHistorySameInstantKeepsBoth(t *testing.T) {
	db := MustOpen(t, Options{})
	e := intel.LookupEvent{At: t0, IP: ip("203.0.113.9"), Level: intel.LevelMalicious}
	must(t, db.RecordLookups(t.Context(), []intel.LookupEvent{e, e}))
	must(t, db.RecordLookups(t.Context(), []intel.LookupEvent{e}))
	got, err := db.Lookups(t.Context(), t0, t0.Add(time.Nanosecond))
	must(t, err)
	if len(got) != 3 {
		t.Fatalf("%d events at one instant, want 3", len(got))
	}
	if err := db.RecordLookups(t.Context(), []intel.LookupEvent{{At: t0}}); intel.ErrorCode(err) != intel.EInvalid {
		t.Errorf("event without IP: %v, want EInvalid", err)
	}
}

func TestSeen(t *testing.T) {
	clock := newClock(t0)
	db := MustOpen(t, Options{Now: clock.Now})
	dayEvents(t, db)
	first, last, n, err := db.Seen(t.Context(), ip("198.51.100.6"))
	must(t, err)
	wantFirst, wantLast := time.Date(2025, 5, 14, 6, 0, 0, 0, cst), time.Date(2025, 5, 16, 6, 0, 0, 0, cst)
	if !first.Equal(wantFirst) || !last.Equal(wantLast) || n != 3 {
		t.Fatalf("Seen = %v, %v, %d; want %v, %v, 3", first, last, n, wantFirst, wantLast)
	}
	// An older event recorded late moves first back; a zero At means now.
	old := time.Date(2025, 5, 1, 0, 0, 0, 0, cst)
	must(t, db.RecordLookups(t.Context(), []intel.LookupEvent{{At: old, IP: ip("198.51.100.6")}}))
	clock.Set(wantLast.Add(time.Hour))
	must(t, db.RecordLookups(t.Context(), []intel.LookupEvent{{IP: ip("198.51.100.6")}}))
	first, last, n, err = db.Seen(t.Context(), ip("198.51.100.6"))
	must(t, err)
	if !first.Equal(old) || !last.Equal(wantLast.Add(time.Hour)) || n != 5 {
		t.Fatalf("Seen = %v, %v, %d; want %v, %v, 5", first, last, n, old, wantLast.Add(time.Hour))
	}
	if first, last, n, err := db.Seen(t.Context(), ip("192.0.2.1")); err != nil || n != 0 || !first.IsZero() || !last.IsZero() {
		t.Errorf("Seen(never) = %v, %v, %d, %v", first, last, n, err)
	}
}
