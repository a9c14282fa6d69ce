package threatbook

import (
	"context"
	"errors"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"tibot/intel"
	"tibot/threatbook/threatbooktest"
)

// memLedger is an in-test intel.KeyLedger.
type memLedger struct {
	mu      sync.Mutex
	states  map[string]intel.KeyState
	saves   int
	loadErr error
	sawKey  string // any id that looks like a raw key
}

func (l *memLedger) LoadKeys(_ context.Context, ids []string) (map[string]intel.KeyState, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.loadErr != nil {
		return nil, l.loadErr
	}
	out := map[string]intel.KeyState{}
	for _, id := range ids {
		if st, ok := l.states[id]; ok {
			out[id] = st
		}
	}
	return out, nil
}

func (l *memLedger) SaveKey(_ context.Context, id string, st intel.KeyState) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !strings.HasPrefix(id, "k-") {
		l.sawKey = id
	}
	st.Used = maps.Clone(st.Used)
	l.states[id] = st
	l.saves++
	return nil
}

func (l *memLedger) get(id string) intel.KeyState {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.states[id]
}

func TestLedgerPersistsUsage(t *testing.T) {
	today := day(t0)
	led := &memLedger{states: map[string]intel.KeyState{
		KeyID("k1"): {Day: today, Used: map[string]int{"reputation": 50}},
		KeyID("k2"): {Day: "20250513", Used: map[string]int{"reputation": 50}}, // yesterday: ignored
	}}
	e := newEnv(t, threatbooktest.Options{Keys: []string{"k1", "k2"}}, Options{Ledger: led})
	if err := e.c.LoadLedger(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ps := e.c.PoolStatus(); ps.Keys[0].Remaining != 0 || ps.Keys[1].Used != 0 || ps.Remaining != 50 {
		t.Fatalf("loaded pool %+v", ps)
	}
	mustLookup(t, e.c, ipRange(5))
	if keyUsed(e, "k1") != 0 || keyUsed(e, "k2") != 5 {
		t.Errorf("the spent key k1 was called")
	}
	st := led.get(KeyID("k2"))
	if st.Day != today || st.Used["reputation"] != 5 {
		t.Errorf("saved %+v", st)
	}
	// ip/query units are separate: k1, spent for reputation, serves it.
	e.c.Deep(context.Background(), ipRange(1)[0])
	if st := led.get(KeyID("k1")); st.Used["query"] != 1 || st.Used["reputation"] != 50 {
		t.Errorf("saved after Deep %+v", st)
	}
	if led.sawKey != "" {
		t.Errorf("ledger saw a raw key %q", led.sawKey)
	}
}

func TestLedgerPersistsExhaustion(t *testing.T) {
	led := &memLedger{states: map[string]intel.KeyState{}}
	e := newEnv(t, threatbooktest.Options{Keys: []string{"k1"}, DailyQuota: 3}, Options{Ledger: led})
	mustLookup(t, e.c, ipRange(5))
	st := led.get(KeyID("k1"))
	if st.Used["reputation"] != 3 || !st.ExhaustedUntil.Equal(ResetTime(t0)) {
		t.Fatalf("saved %+v", st)
	}
	// A restarted client remembers that the key is spent.
	c2, err := New(Options{Keys: []string{"k1"}, BaseURL: e.srv.URL, Ledger: led, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := e.calls()
	vs := mustLookup(t, c2, ipRange(1))
	if after, _ := e.calls(); after != before || vs[0].Err == nil || vs[0].Err.Code != intel.EQuota {
		t.Errorf("restarted client called a spent key: %v", vs[0].Err)
	}
}

func TestLedgerLoadFailureIsNotFatal(t *testing.T) {
	led := &memLedger{states: map[string]intel.KeyState{}, loadErr: errors.New("db locked")}
	e := newEnv(t, threatbooktest.Options{}, Options{Keys: []string{"k"}, Ledger: led})
	if vs := mustLookup(t, e.c, ipRange(2)); vs[0].Err != nil {
		t.Fatalf("lookup failed: %v", vs[0].Err)
	}
	if !strings.Contains(e.logs.String(), "ledger unavailable") {
		t.Errorf("load failure not logged")
	}
	led.mu.Lock()
	led.loadErr = nil
	led.mu.Unlock()
	mustLookup(t, e.c, ipRange(1))
	if !e.c.loaded {
		t.Errorf("load not retried")
	}
}

func TestDayRollover(t *testing.T) {
	e := newEnv(t, threatbooktest.Options{DailyQuota: -1}, Options{Keys: []string{"k"}, DailyLimit: 4})
	mustLookup(t, e.c, ipRange(4))
	if vs := mustLookup(t, e.c, ipRange(1)); vs[0].Err == nil || vs[0].Err.Code != intel.EQuota {
		t.Fatalf("local limit not enforced: %v", vs[0].Err)
	}
	e.clock.Advance(13*time.Hour + 59*time.Minute) // 23:59 Beijing time
	if ps := e.c.PoolStatus(); ps.Remaining != 0 {
		t.Fatalf("reset too early: %+v", ps)
	}
	e.clock.Advance(time.Minute)
	if ps := e.c.PoolStatus(); ps.Remaining != 4 || ps.Used != 0 {
		t.Fatalf("no reset at 00:00 Beijing time: %+v", ps)
	}
	if vs := mustLookup(t, e.c, ipRange(1)); vs[0].Err != nil {
		t.Errorf("after the reset: %v", vs[0].Err)
	}
}

func TestResetTime(t *testing.T) {
	tests := []struct{ now, want time.Time }{
		{time.Date(2025, 5, 14, 10, 0, 0, 0, cst), time.Date(2025, 5, 15, 0, 0, 0, 0, cst)},
		{time.Date(2025, 5, 14, 16, 0, 0, 0, time.UTC), time.Date(2025, 5, 16, 0, 0, 0, 0, cst)}, // 00:00 CST on the 15th
		{time.Date(2025, 5, 14, 15, 59, 59, 0, time.UTC), time.Date(2025, 5, 15, 0, 0, 0, 0, cst)},
		{time.Date(2025, 12, 31, 23, 0, 0, 0, cst), time.Date(2026, 1, 1, 0, 0, 0, 0, cst)},
	}
	for _, tc := range tests {
		if got := ResetTime(tc.now); !got.Equal(tc.want) {
			t.Errorf("ResetTime(%v) = %v, want %v", tc.now, got, tc.want)
		}
	}
}

func TestKeyID(t *testing.T) {
	id := KeyID("abc")
	// sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a3…
	if id != "k-ba7816bf8f01" || KeyID("abd") == id {
		t.Errorf("KeyID = %q", id)
	}
}
