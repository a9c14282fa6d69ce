package storage

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"tibot/intel"
)

func block(p string, s intel.BlockState) intel.BlockEntry {
	return intel.BlockEntry{
		Prefix: netip.MustParsePrefix(p), State: s, Reason: "C2", Requester: "slack:U1",
		Approver: "slack:U2", Created: t0.UTC(), Expires: t0.Add(7 * 24 * time.Hour).UTC(),
	}
}

func TestBlocklist(t *testing.T) {
	db := MustOpen(t, Options{Now: newClock(t0).Now}) // before the entries expire
	for _, e := range []intel.BlockEntry{
		block("2001:db8::/32", intel.BlockActive),
		block("203.0.113.7/32", intel.BlockActive),
		block("198.51.100.0/24", intel.BlockPending),
		block("198.51.100.0/25", intel.BlockActive),
		block("10.0.0.0/8", intel.BlockRejected),
	} {
		must(t, db.PutBlock(t.Context(), e))
	}
	tests := []struct {
		state intel.BlockState
		want  []string
	}{
		{"", []string{"10.0.0.0/8", "198.51.100.0/24", "198.51.100.0/25", "203.0.113.7/32", "2001:db8::/32"}},
		{intel.BlockActive, []string{"198.51.100.0/25", "203.0.113.7/32", "2001:db8::/32"}},
		{intel.BlockExpired, nil},
	}
	for _, tc := range tests {
		got, err := db.Blocks(t.Context(), tc.state)
		must(t, err)
		var ps []string
		for _, e := range got {
			ps = append(ps, e.Prefix.String())
		}
		if !slices.Equal(ps, tc.want) {
			t.Errorf("Blocks(%q) = %v, want %v", tc.state, ps, tc.want)
		}
	}

	// Unmasked and IPv4-mapped spellings name the same entry.
	got, ok, err := db.GetBlock(t.Context(), netip.MustParsePrefix("::ffff:198.51.100.77/120"))
	must(t, err)
	if diff := cmpDiff(block("198.51.100.0/24", intel.BlockPending), got); !ok || diff != "" {
		t.Fatalf("GetBlock found=%t (-want +got):\n%s", ok, diff)
	}
	must(t, db.DeleteBlock(t.Context(), netip.MustParsePrefix("198.51.100.1/24")))
	must(t, db.DeleteBlock(t.Context(), netip.MustParsePrefix("192.0.2.0/24"))) // absent: fine
	if _, ok, _ := db.GetBlock(t.Context(), netip.MustParsePrefix("198.51.100.0/24")); ok {
		t.Fatal("entry still there after DeleteBlock")
	}
	if err := db.PutBlock(t.Context(), intel.BlockEntry{}); intel.ErrorCode(err) != intel.EInvalid {
		t.Errorf("PutBlock(zero prefix) = %v, want EInvalid", err)
	}
}

func TestAuditLog(t *testing.T) {
	clock := newClock(t0)
	db := MustOpen(t, Options{Now: clock.Now})
	recs := []intel.AuditRecord{
		{At: t0.Add(-48 * time.Hour), Action: "request", Actor: "slack:U1", Target: "203.0.113.7/32"},
		{At: t0.Add(-time.Hour), Action: "approve", Actor: "slack:U2", Target: "203.0.113.7/32", Detail: "7d"},
		{At: t0.Add(-time.Hour), Action: "expire", Actor: "system", Target: "198.51.100.0/24"},
		{Action: "unblock", Actor: "slack:U2", Target: "203.0.113.7/32"}, // At = now
	}
	for _, r := range recs {
		must(t, db.AppendAudit(t.Context(), r))
	}
	got, err := db.AuditLog(t.Context(), t0.Add(-24*time.Hour), t0.Add(time.Nanosecond))
	must(t, err)
	want := []intel.AuditRecord{recs[1], recs[2], recs[3]}
	want[2].At = t0
	for i := range want {
		want[i].At = want[i].At.UTC()
	}
	if diff := cmpDiff(want, got); diff != "" {
		t.Fatalf("AuditLog (-want +got):\n%s", diff)
	}
}
