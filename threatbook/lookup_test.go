package threatbook

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"tibot/intel"
	"tibot/threatbook/threatbooktest"
)

func TestLookup250IPsIsThreeCalls(t *testing.T) {
	e := newEnv(t, threatbooktest.Options{DailyQuota: -1}, Options{Keys: []string{"k1"}, DailyLimit: 1000})
	ips := ipRange(250)
	in := append(append([]netip.Addr{}, ips...), ips[:10]...) // duplicates are sent once
	vs := mustLookup(t, e.c, in)
	if rep, _ := e.calls(); rep != 3 {
		t.Errorf("reputation calls = %d, want 3", rep)
	}
	if st := e.srv.Stats(); st.IPs != 250 {
		t.Errorf("IPs sent = %d, want 250", st.IPs)
	}
	for i, v := range vs {
		if v.IP != in[i] || v.Err != nil {
			t.Fatalf("verdict %d = %s %v, want %s answered", i, v.IP, v.Err, in[i])
		}
	}
	if vs[250].Level != vs[0].Level || vs[250].Source != vs[0].Source {
		t.Errorf("duplicate got a different verdict")
	}
	if ps := e.c.PoolStatus(); ps.Used != 250 {
		t.Errorf("pool used = %d, want 250", ps.Used)
	}
}

func TestLookupLevelsFollowTheFake(t *testing.T) {
	e := newEnv(t, threatbooktest.Options{DailyQuota: -1}, Options{Keys: []string{"k"}, DailyLimit: 1000})
	ips := ipRange(300)
	for _, v := range mustLookup(t, e.c, ips) {
		cat := threatbooktest.CategoryOf(v.IP)
		ok := false
		switch cat {
		case threatbooktest.CategoryMalicious:
			ok = v.Level == intel.LevelMalicious
		case threatbooktest.CategorySuspicious:
			ok = v.Level == intel.LevelSuspicious
		case threatbooktest.CategoryClean:
			ok = v.Level == intel.LevelClean || v.Level == intel.LevelTrusted
		case threatbooktest.CategoryNoData:
			ok = v.Level == intel.LevelUnknown && v.Source == SourceReputation
		}
		if !ok || v.Err != nil {
			t.Errorf("%s (%v): level %v, err %v", v.IP, cat, v.Level, v.Err)
		}
	}
}

func TestLookupEmptyAndInvalid(t *testing.T) {
	e := newEnv(t, threatbooktest.Options{}, Options{Keys: []string{"k"}})
	if vs, err := e.c.Lookup(context.Background(), nil); err != nil || len(vs) != 0 {
		t.Fatalf("empty: %v %v", vs, err)
	}
	vs := mustLookup(t, e.c, []netip.Addr{{}, netip.MustParseAddr("::ffff:198.51.100.23")})
	if vs[0].Err == nil || vs[0].Err.Code != intel.EInvalid {
		t.Errorf("zero addr: %v", vs[0].Err)
	}
	if vs[1].Level != intel.LevelMalicious || vs[1].IP != netip.MustParseAddr("::ffff:198.51.100.23") {
		t.Errorf("mapped addr: %s %v", vs[1].IP, vs[1].Level)
	}
	if st := e.srv.Stats(); st.IPs != 1 {
		t.Errorf("IPs sent = %d, want 1", st.IPs)
	}
}

func TestPartialBatchGoesToNextKey(t *testing.T) {
	e := newEnv(t, threatbooktest.Options{Keys: []string{"k1", "k2"}, DailyQuota: 50}, Options{})
	vs := mustLookup(t, e.c, ipRange(80))
	if n := countErrs(vs); n[""] != 80 {
		t.Fatalf("answered %v, want 80: %s", n, describe(vs))
	}
	if rep, _ := e.calls(); rep != 2 {
		t.Errorf("calls = %d, want 2", rep)
	}
	if keyUsed(e, "k1") != 50 || keyUsed(e, "k2") != 30 {
		t.Errorf("fake usage k1=%d k2=%d, want 50/30", keyUsed(e, "k1"), keyUsed(e, "k2"))
	}
	ps := e.c.PoolStatus()
	if ps.Keys[0].Used != 50 || ps.Keys[0].ExhaustedUntil.IsZero() || ps.Keys[1].Used != 30 || ps.Remaining != 20 {
		t.Errorf("pool = %+v", ps)
	}
}

func TestPartialBatchWhenPoolIsSpent(t *testing.T) {
	e := newEnv(t, threatbooktest.Options{Keys: []string{"k1"}, DailyQuota: 50}, Options{})
	vs := mustLookup(t, e.c, ipRange(80))
	n := countErrs(vs)
	if n[""] != 50 || n[intel.EQuota] != 30 {
		t.Fatalf("outcomes %v, want 50 answered and 30 quota", n)
	}
	for _, v := range vs[50:] {
		if !v.Err.ResetAt.Equal(ResetTime(t0)) || v.Level != intel.LevelUnknown {
			t.Fatalf("%s: %v reset %v", v.IP, v.Err, v.Err.ResetAt)
		}
	}
	before, _ := e.calls()
	vs = mustLookup(t, e.c, ipRange(3))
	if after, _ := e.calls(); after != before {
		t.Errorf("a spent key was called again")
	}
	if n := countErrs(vs); n[intel.EQuota] != 3 {
		t.Errorf("outcomes %v", n)
	}
}

func TestRotationAcrossThreeKeys(t *testing.T) {
	keys := []string{"k1", "k2", "k3"}
	e := newEnv(t, threatbooktest.Options{Keys: keys, DailyQuota: 50}, Options{})
	for range 3 {
		mustLookup(t, e.c, withData(10)[:10])
	}
	for _, k := range keys {
		if got := keyUsed(e, k); got != 10 {
			t.Errorf("%s used %d, want 10 (least-used rotation)", k, got)
		}
	}
	vs := mustLookup(t, e.c, ipRange(130))
	if n := countErrs(vs); n[""] != 120 || n[intel.EQuota] != 10 {
		t.Errorf("outcomes %v, want 120 answered and 10 quota", n)
	}
	if ps := e.c.PoolStatus(); ps.Remaining != 0 || ps.Used != 150 {
		t.Errorf("pool remaining %d used %d", ps.Remaining, ps.Used)
	}
}

func TestExhaustedPoolErrorSaysWhenItResets(t *testing.T) {
	e := newEnv(t, threatbooktest.Options{}, Options{Keys: []string{"k1", "k2", "k3"}})
	e.srv.SetFault(threatbooktest.CodeFault(-4, threatbooktest.MsgBeyondDailyLimitation))
	vs := mustLookup(t, e.c, ipRange(5))
	err := vs[0].Err
	want := time.Date(2025, 5, 15, 0, 0, 0, 0, cst)
	if err == nil || err.Code != intel.EQuota || !err.ResetAt.Equal(want) {
		t.Fatalf("err = %v (reset %v), want EQuota at %v", err, err.ResetAt, want)
	}
	if !strings.Contains(err.Message, "2025-05-15 00:00") {
		t.Errorf("message %q does not say when it resets", err.Message)
	}
	if rep, _ := e.calls(); rep != 3 {
		t.Errorf("calls = %d, want one per key", rep)
	}
	mustLookup(t, e.c, ipRange(1))
	if rep, _ := e.calls(); rep != 3 {
		t.Errorf("spent keys called again")
	}
	e.srv.ClearFaults()
	e.clock.Advance(14 * time.Hour) // past 00:00 Beijing time
	if vs := mustLookup(t, e.c, ipRange(1)); vs[0].Err != nil {
		t.Errorf("after the reset: %v", vs[0].Err)
	}
}

func TestFrequentLimitationRestsTheKey(t *testing.T) {
	e := newEnv(t, threatbooktest.Options{}, Options{Keys: []string{"k1", "k2"}})
	f := threatbooktest.CodeFault(-4, threatbooktest.MsgFrequentLimitation)
	f.Key = "k1"
	e.srv.SetFault(f)
	if vs := mustLookup(t, e.c, ipRange(1)); vs[0].Err != nil {
		t.Fatalf("k2 should have answered: %v", vs[0].Err)
	}
	if keyUsed(e, "k2") != 1 {
		t.Errorf("k2 not used")
	}
	f.Key = ""
	e.srv.SetFault(f)
	vs := mustLookup(t, e.c, ipRange(1))
	if err := vs[0].Err; err == nil || err.Code != intel.ERateLimit || err.RetryAfter != DefaultRateBackoff {
		t.Fatalf("err = %v, want ERateLimit after %v", err, DefaultRateBackoff)
	}
	if ps := e.c.PoolStatus(); ps.Keys[0].RestingUntil.IsZero() {
		t.Errorf("k1 not resting: %+v", ps.Keys[0])
	}
	e.srv.ClearFaults()
	e.clock.Advance(DefaultRateBackoff)
	if vs := mustLookup(t, e.c, ipRange(1)); vs[0].Err != nil {
		t.Errorf("after the rest: %v", vs[0].Err)
	}
}

func TestOneBadKeyDoesNotSinkThePool(t *testing.T) {
	e := newEnv(t, threatbooktest.Options{}, Options{Keys: []string{"k1", "k2"}})
	f := threatbooktest.CodeFault(-1, threatbooktest.MsgInvalidAccessIP)
	f.Key = "k1"
	e.srv.SetFault(f)
	for range 3 {
		if vs := mustLookup(t, e.c, ipRange(2)); vs[0].Err != nil {
			t.Fatalf("k2 should answer: %v", vs[0].Err)
		}
	}
	if faults := e.srv.Stats().Faults; faults != 1 {
		t.Errorf("disabled key was called %d times, want once", faults)
	}
	ps := e.c.PoolStatus()
	if !strings.Contains(ps.Keys[0].Disabled, "访问 IP") || ps.Keys[0].Remaining != 0 {
		t.Errorf("k1 status %+v", ps.Keys[0])
	}
}

func TestLookupCanceled(t *testing.T) {
	e := newEnv(t, threatbooktest.Options{}, Options{Keys: []string{"k"}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	vs, err := e.c.Lookup(ctx, ipRange(3))
	if !errors.Is(err, context.Canceled) || len(vs) != 3 || vs[0].Err == nil {
		t.Fatalf("vs %d, err %v", len(vs), err)
	}
	if rep, _ := e.calls(); rep != 0 {
		t.Errorf("calls = %d after cancel", rep)
	}
}

func TestConcurrentLookups(t *testing.T) {
	keys := []string{"k1", "k2", "k3"}
	e := newEnv(t, threatbooktest.Options{Keys: keys, DailyQuota: -1}, Options{Keys: keys, DailyLimit: 10000})
	var wg sync.WaitGroup
	for g := range 10 {
		wg.Go(func() {
			ips := ipRange(250)[g*20 : g*20+20]
			vs, err := e.c.Lookup(context.Background(), ips)
			if err != nil || countErrs(vs)[""] != 20 {
				t.Errorf("goroutine %d: %v %v", g, err, countErrs(vs))
			}
			_ = e.c.PoolStatus()
		})
	}
	wg.Wait()
	if ps, st := e.c.PoolStatus(), e.srv.Stats(); ps.Used != 200 || st.Units != 200 {
		t.Errorf("pool used %d, fake charged %d, want 200", ps.Used, st.Units)
	}
}
