package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"tibot/lookup"
	"tibot/storage"
	"tibot/threatbook"
	"tibot/threatbook/threatbooktest"
)

// demoKey is the API key of the in-process fake used by --demo.
const demoKey = "tibot-demo-key"

// engineOptions select how openEngine wires the engine.
type engineOptions struct {
	// NoCache leaves the verdict cache out entirely: nothing is read from
	// it or written to it.
	NoCache bool
	// Demo starts the fake ThreatBook in-process and uses a temporary
	// database removed by Close, so no credentials or files are needed.
	Demo   bool
	Logger *slog.Logger     // default: discard
	Now    func() time.Time // default time.Now
}

// engine is the wired lookup engine every subcommand shares: database,
// ThreatBook client and lookup pipeline. Build it with openEngine and
// release it with Close.
type engine struct {
	cfg    Config
	db     *storage.DB        // quota, history, deferred queue, blocklist, audit
	tb     *threatbook.Client // PoolStatus for /quota and doctor
	lookup *lookup.Service
	demo   *threatbooktest.Server // set in demo mode
	tmpDir string                 // demo database directory, removed by Close
	log    *slog.Logger
}

// openEngine opens the database and builds the ThreatBook client and the
// lookup service from cfg. Without API keys (and not in demo mode) it
// returns errNoKeys before touching the database.
func openEngine(ctx context.Context, cfg Config, o engineOptions) (e *engine, err error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	e = &engine{log: o.Logger}
	defer func() {
		if err != nil {
			_ = e.Close()
			e = nil
		}
	}()
	if o.Demo {
		if err := e.startDemo(&cfg, o); err != nil {
			return e, err
		}
	}
	if len(cfg.keys()) == 0 {
		return e, errNoKeys
	}
	e.cfg = cfg
	if e.db, err = openDB(cfg, o); err != nil {
		return e, err
	}
	if e.tb, err = threatbook.New(threatbook.Options{BaseURL: cfg.ThreatBookURL, Keys: cfg.keys(), Ledger: e.db,
		DailyLimit: cfg.KeyDailyLimit, Now: o.Now, Logger: o.Logger}); err != nil {
		return e, fmt.Errorf("threatbook client: %w", err)
	}
	// Restore each key's use today so /quota and rotation know about units
	// spent before a restart. A ledger read error is not fatal: the pool
	// then learns from ThreatBook's own -4 answers.
	if err := e.tb.LoadLedger(ctx); err != nil {
		o.Logger.Warn("key ledger not loaded", "err", err)
	}
	e.lookup, err = lookup.New(e.lookupConfig(o))
	return e, err
}

// lookupConfig wires the pipeline to the client and the database.
func (e *engine) lookupConfig(o engineOptions) lookup.Config {
	c := lookup.Config{Source: e.tb, Deep: e.tb, Quota: e.db, History: e.db, Queue: e.db,
		Now: o.Now, Logger: o.Logger.With("component", "lookup")}
	if !o.NoCache {
		c.Cache = e.db
	}
	return c
}

// openDB opens the configured database.
func openDB(cfg Config, o engineOptions) (*storage.DB, error) {
	db, err := storage.Open(cfg.DB, storage.Options{Now: o.Now, CacheTTL: cfg.CacheTTL,
		QuotaDefault: cfg.QuotaDefault, QuotaAdmin: cfg.QuotaAdmin, QuotaPerUser: cfg.QuotaUsers,
		Logger: o.Logger})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return db, nil
}

// startDemo starts the in-process fake and points cfg at it and at a
// temporary database.
func (e *engine) startDemo(cfg *Config, o engineOptions) error {
	dir, err := os.MkdirTemp("", "tibot-demo-")
	if err != nil {
		return fmt.Errorf("demo database directory: %w", err)
	}
	e.tmpDir = dir
	e.demo = threatbooktest.NewServer(threatbooktest.Options{Keys: []string{demoKey}, Now: o.Now})
	cfg.DB = filepath.Join(dir, "tibot.db")
	cfg.ThreatBookURL = e.demo.URL
	cfg.ThreatBookKeys = []Secret{demoKey}
	return nil
}

// Close releases the database, stops the demo fake and removes the demo
// database. It is safe on a partly opened engine.
func (e *engine) Close() error {
	var errs []error
	if e.db != nil {
		errs = append(errs, e.db.Close())
	}
	if e.demo != nil {
		e.demo.Close()
	}
	if e.tmpDir != "" {
		errs = append(errs, os.RemoveAll(e.tmpDir))
	}
	return errors.Join(errs...)
}

// engineFlags are the flags every engine subcommand shares (design.md §5).
// Flags override the environment, which overrides the config file, which
// overrides the defaults.
type engineFlags struct {
	fs      *flag.FlagSet
	cfg     *Config
	db      string
	url     string
	config  string
	noCache bool
}

// addEngineFlags registers --db, --threatbook-url, --config and --no-cache
// on fs, showing cfg's values as defaults; after fs.Parse, load fills cfg.
func addEngineFlags(fs *flag.FlagSet, cfg *Config) *engineFlags {
	f := &engineFlags{fs: fs, cfg: cfg}
	fs.StringVar(&f.db, "db", cfg.DB, "database file (TIBOT_DB)")
	fs.StringVar(&f.url, "threatbook-url", cfg.ThreatBookURL, "ThreatBook API base URL (TIBOT_THREATBOOK_URL)")
	fs.StringVar(&f.config, "config", "", "config file of KEY=VALUE lines (default TIBOT_CONFIG)")
	fs.BoolVar(&f.noCache, "no-cache", false, "neither read nor write the verdict cache")
	return f
}

// load fills the Config given to addEngineFlags: defaults, the config file
// (--config, else TIBOT_CONFIG), the environment, then the flags set
// explicitly on the command line. Every configuration problem is reported.
func (f *engineFlags) load(getenv func(string) string) error {
	c, err := loadConfig(getenv, f.config)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	f.fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "db":
			c.DB = f.db
		case "threatbook-url":
			c.ThreatBookURL = f.url
		}
	})
	*f.cfg = c
	return nil
}
