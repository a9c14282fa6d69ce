package main

import (
	"errors"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"tibot/ioc"
	"tibot/lookup"
)

func TestOpenEngineDemo(t *testing.T) {
	cfg := defaultConfig()
	cfg.DB = filepath.Join(t.TempDir(), "must-not-be-created.db")
	e, err := openEngine(t.Context(), cfg, engineOptions{Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := e.tmpDir
	hits := []ioc.Hit{{Addr: netip.MustParseAddr("45.0.0.1"), Count: 1, Public: true}}
	res, err := e.lookup.Lookup(t.Context(), lookup.Request{Hits: hits, Unmetered: true})
	if err != nil || res.Live != 1 || e.demo.Stats().Requests != 1 {
		t.Errorf("demo lookup: live %d, err %v", res.Live, err)
	}
	if ps := e.tb.PoolStatus(); ps.Used != 1 {
		t.Errorf("pool status %+v, want 1 unit used", ps)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("demo directory %s left behind", dir)
	}
	if _, err := os.Stat(cfg.DB); !os.IsNotExist(err) {
		t.Error("demo mode opened the configured database")
	}
}

func TestOpenEngineNoKeys(t *testing.T) {
	cfg := defaultConfig()
	cfg.DB = filepath.Join(t.TempDir(), "tibot.db")
	if _, err := openEngine(t.Context(), cfg, engineOptions{}); !errors.Is(err, errNoKeys) {
		t.Errorf("err %v, want errNoKeys", err)
	}
}

func TestParseFlagsInterspersed(t *testing.T) {
	tests := []struct {
		args    []string
		want    []string
		wantFmt string
	}{
		{[]string{"45.0.0.1", "--format", "json", "45.0.0.2"}, []string{"45.0.0.1", "45.0.0.2"}, "json"},
		{[]string{"--format=csv", "a"}, []string{"a"}, "csv"},
		{[]string{"a", "--", "--format", "b"}, []string{"a", "--format", "b"}, "text"},
		{[]string{"-", "x"}, []string{"-", "x"}, "text"},
	}
	for _, tc := range tests {
		cfg := defaultConfig()
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		format := fs.String("format", "text", "")
		addEngineFlags(fs, &cfg)
		got, err := parseFlags(fs, tc.args)
		if err != nil || len(got) != len(tc.want) || *format != tc.wantFmt {
			t.Errorf("%q: got %q format %q err %v", tc.args, got, *format, err)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%q: got %q, want %q", tc.args, got, tc.want)
			}
		}
	}
}
