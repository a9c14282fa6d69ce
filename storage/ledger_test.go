package storage

import (
	"strings"
	"testing"
	"time"

	"tibot/intel"
)

func TestKeyLedgerSurvivesReopen(t *testing.T) {
	db := MustOpen(t, Options{})
	spent := intel.KeyState{
		Day:            "20250514",
		Used:           map[string]int{"ip_reputation": 50, "ip_query": 3},
		ExhaustedUntil: time.Date(2025, 5, 15, 0, 0, 0, 0, cst),
	}
	fresh := intel.KeyState{Day: "20250514", Used: map[string]int{"ip_reputation": 1}}
	must(t, db.SaveKey(t.Context(), "kid-aaaa", spent))
	must(t, db.SaveKey(t.Context(), "kid-bbbb", fresh))

	db = reopen(t, db, Options{})
	got, err := db.LoadKeys(t.Context(), []string{"kid-aaaa", "kid-bbbb", "kid-unknown"})
	must(t, err)
	want := map[string]intel.KeyState{"kid-aaaa": spent, "kid-bbbb": fresh}
	if diff := cmpDiff(want, got); diff != "" {
		t.Fatalf("after reopen (-want +got):\n%s", diff)
	}
}

func TestKeyLedgerRejectsBadIDs(t *testing.T) {
	db := MustOpen(t, Options{})
	for _, id := range []string{"", strings.Repeat("x", maxKeyIDLen+1)} {
		if err := db.SaveKey(t.Context(), id, intel.KeyState{}); intel.ErrorCode(err) != intel.EInvalid {
			t.Errorf("SaveKey(%d-byte id) = %v, want EInvalid", len(id), err)
		}
	}
}
