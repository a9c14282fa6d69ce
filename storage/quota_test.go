package storage

import (
	"sync"
	"testing"
	"time"

	"tibot/intel"
)

var alice = intel.Subject{Platform: "slack", User: "U1"}

func TestQuotaResetsAtMidnightShanghai(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		shanghai = cst
	}
	clock := newClock(time.Date(2025, 5, 14, 23, 59, 59, 999_000_000, shanghai))
	db := MustOpen(t, Options{Now: clock.Now, Location: shanghai, QuotaDefault: 3})
	midnight := time.Date(2025, 5, 15, 0, 0, 0, 0, shanghai)

	granted, st, err := db.Take(t.Context(), alice, 5)
	must(t, err)
	if granted != 3 || st.Remaining != 0 || !st.ResetAt.Equal(midnight) {
		t.Fatalf("Take(5) at 23:59:59.999 = %d, %+v; want 3 granted, reset at %v", granted, st, midnight)
	}
	if granted, _, _ := db.Take(t.Context(), alice, 1); granted != 0 {
		t.Fatalf("granted %d past the limit", granted)
	}

	clock.Set(midnight) // 00:00 CST is 16:00 UTC the day before
	granted, st, err = db.Take(t.Context(), alice, 1)
	must(t, err)
	if granted != 1 || st.Used != 1 || st.Remaining != 2 || !st.ResetAt.Equal(midnight.AddDate(0, 0, 1)) {
		t.Fatalf("Take(1) at 00:00 = %d, %+v; want a fresh day", granted, st)
	}
}

func TestQuotaPartialGrantAndRefund(t *testing.T) {
	db := MustOpen(t, Options{QuotaDefault: 20})
	steps := []struct {
		name    string
		take    int
		refund  int
		granted int
		used    int
	}{
		{name: "Take15", take: 15, granted: 15, used: 15},
		{name: "TakePartial", take: 10, granted: 5, used: 20},
		{name: "TakeNone", take: 1, granted: 0, used: 20},
		{name: "Refund7", refund: 7, used: 13},
		{name: "TakeAfterRefund", take: 7, granted: 7, used: 20},
		{name: "RefundTooMuch", refund: 100, used: 0},
		{name: "TakeZero", take: 0, granted: 0, used: 0},
	}
	for _, s := range steps {
		if s.refund > 0 {
			must(t, db.Refund(t.Context(), alice, s.refund))
		} else {
			granted, st, err := db.Take(t.Context(), alice, s.take)
			must(t, err)
			if granted != s.granted || st.Used != s.used || st.Remaining != 20-s.used {
				t.Fatalf("%s: granted %d, status %+v; want %d granted, %d used", s.name, granted, st, s.granted, s.used)
			}
		}
		st, err := db.QuotaStatus(t.Context(), alice)
		must(t, err)
		if st.Used != s.used || st.Limit != 20 {
			t.Fatalf("%s: status %+v, want %d used of 20", s.name, st, s.used)
		}
	}
	if _, _, err := db.Take(t.Context(), alice, -1); intel.ErrorCode(err) != intel.EInvalid {
		t.Errorf("Take(-1) error %v, want EInvalid", err)
	}
}

func TestQuotaLimits(t *testing.T) {
	db := MustOpen(t, Options{QuotaDefault: 20, QuotaAdmin: 200, QuotaPerUser: map[string]int{
		"slack:VIP": 50, "telegram:42": 0, "slack:BOSS": 7,
	}})
	tests := []struct {
		name  string
		s     intel.Subject
		limit int
	}{
		{"Default", intel.Subject{Platform: "slack", User: "U9"}, 20},
		{"Admin", intel.Subject{Platform: "slack", User: "U8", Admin: true}, 200},
		{"PerUser", intel.Subject{Platform: "slack", User: "VIP"}, 50},
		{"PerUserZero", intel.Subject{Platform: "telegram", User: "42"}, 0},
		{"PerUserBeatsRole", intel.Subject{Platform: "slack", User: "BOSS", Admin: true}, 7},
		{"SameUserOtherPlatform", intel.Subject{Platform: "telegram", User: "VIP"}, 20},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			granted, st, err := db.Take(t.Context(), tc.s, 1000)
			must(t, err)
			if granted != tc.limit || st.Limit != tc.limit {
				t.Fatalf("granted %d of limit %d, want %d", granted, st.Limit, tc.limit)
			}
		})
	}
}

func TestQuotaConcurrentTakes(t *testing.T) {
	const limit, workers, each = 150, 100, 3 // 300 asked, 150 available
	db := MustOpen(t, Options{QuotaDefault: limit})
	var wg sync.WaitGroup
	grants := make([]int, workers)
	for i := range workers {
		wg.Go(func() {
			g, st, err := db.Take(t.Context(), alice, each)
			if err != nil || st.Used > limit {
				t.Errorf("Take: %v, status %+v", err, st)
			}
			grants[i] = g
		})
	}
	wg.Wait()
	total := 0
	for _, g := range grants {
		total += g
	}
	st, err := db.QuotaStatus(t.Context(), alice)
	must(t, err)
	if total != limit || st.Used != limit || st.Remaining != 0 {
		t.Fatalf("granted %d in total, status %+v; want exactly %d", total, st, limit)
	}
}
