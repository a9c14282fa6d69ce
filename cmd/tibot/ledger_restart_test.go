package main

import (
	"net/netip"
	"path/filepath"
	"testing"

	"tibot/ioc"
	"tibot/lookup"
	"tibot/threatbook/threatbooktest"
)

// TestKeyUsageSurvivesRestart: units a key spent before a restart show in
// the pool status of the next engine before it makes any call.
func TestKeyUsageSurvivesRestart(t *testing.T) {
	fake := threatbooktest.NewServer(threatbooktest.Options{Keys: []string{"k1"}})
	defer fake.Close()
	cfg := defaultConfig()
	cfg.DB = filepath.Join(t.TempDir(), "tibot.db")
	cfg.ThreatBookURL = fake.URL
	cfg.ThreatBookKeys = []Secret{"k1"}

	e, err := openEngine(t.Context(), cfg, engineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hits := []ioc.Hit{
		{Addr: netip.MustParseAddr("45.0.0.1"), Count: 1, Public: true},
		{Addr: netip.MustParseAddr("45.0.0.2"), Count: 1, Public: true},
	}
	if _, err := e.lookup.Lookup(t.Context(), lookup.Request{Hits: hits, Unmetered: true}); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	e, err = openEngine(t.Context(), cfg, engineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ps := e.tb.PoolStatus()
	if ps.Used != 2 || ps.Remaining != ps.Limit-2 {
		t.Errorf("after restart pool status = used %d remaining %d of %d, want 2 used", ps.Used, ps.Remaining, ps.Limit)
	}
}
