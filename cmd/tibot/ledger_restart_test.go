package main

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"tibot/ioc"
	"tibot/lookup"
	"tibot/threatbook"
	"tibot/threatbook/threatbooktest"
)

// TestKeyUsageSurvivesRestart: units a key spent before a restart show in
// the pool status of the next engine before it makes any call, and the
// database holds the key's hash id, never the key.
func TestKeyUsageSurvivesRestart(t *testing.T) {
	const key = "ledger-secret-key-5f0c2e9a"
	fake := threatbooktest.NewServer(threatbooktest.Options{Keys: []string{key}})
	defer fake.Close()
	cfg := defaultConfig()
	cfg.DB = filepath.Join(t.TempDir(), "tibot.db")
	cfg.ThreatBookURL = fake.URL
	cfg.ThreatBookKeys = []Secret{key}

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
	raw, err := os.ReadFile(cfg.DB)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(key)) || !bytes.Contains(raw, []byte(threatbook.KeyID(key))) {
		t.Errorf("database holds the key in clear, or not its id %s", threatbook.KeyID(key))
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
