package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tibot/bot"
	"tibot/bot/console"
	"tibot/card"
	"tibot/commands"
	"tibot/intel"
	"tibot/ioc"
	"tibot/lookup"
	"tibot/threatbook"
	"tibot/threatbook/threatbooktest"
)

// chatClock is the manual clock shared by the fake API, the database, the
// ThreatBook client and the router, so a test can move to the next quota
// day ("simulated reset") without waiting.
type chatClock struct {
	mu sync.Mutex
	t  time.Time
}

// beijingTZ is the zone of every quota reset.
var beijingTZ = time.FixedZone("CST", 8*3600)

func newChatClock() *chatClock {
	return &chatClock{t: time.Date(2026, 11, 27, 10, 0, 0, 0, beijingTZ)}
}

func (c *chatClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// nextDay moves the clock to 00:05 Beijing time of the following day.
func (c *chatClock) nextDay() {
	c.mu.Lock()
	defer c.mu.Unlock()
	y, m, d := c.t.In(beijingTZ).Date()
	c.t = time.Date(y, m, d+1, 0, 5, 0, 0, beijingTZ)
}

// chatEnvOptions tune a chatEnv; zero values get generous defaults.
type chatEnvOptions struct {
	userQuota int           // per user per day, default 1000
	latency   time.Duration // fake API latency
	// fastRetries builds the client with retries that do not wait and a
	// short per-call timeout (fault tests); otherwise openEngine wires it.
	fastRetries bool
	callTimeout time.Duration // with fastRetries, default 500ms
	access      bot.Access    // TIBOT_ADMINS and TIBOT_ALLOW
}

const chatKey = "e2e-key"

// chatEnv is the whole chat engine on a fake ThreatBook and a real
// temporary bbolt file.
type chatEnv struct {
	t      *testing.T
	clock  *chatClock
	api    *threatbooktest.Server
	eng    *engine
	rt     *commands.Router
	opts   chatOptions
	serveO bot.ServeOptions
}

func newChatEnv(t *testing.T, o chatEnvOptions) *chatEnv {
	t.Helper()
	if o.userQuota == 0 {
		o.userQuota = 1000
	}
	clock := newChatClock()
	api := threatbooktest.NewServer(threatbooktest.Options{Keys: []string{chatKey}, DailyQuota: -1, Latency: o.latency, Now: clock.Now})
	t.Cleanup(api.Close)
	cfg := defaultConfig()
	cfg.DB = filepath.Join(t.TempDir(), "tibot.db")
	cfg.ThreatBookURL = api.URL
	cfg.ThreatBookKeys = []Secret{chatKey}
	cfg.KeyDailyLimit = 100_000
	cfg.QuotaDefault = o.userQuota
	logger := slog.New(slog.DiscardHandler)
	eng := chatEngine(t, cfg, engineOptions{Now: clock.Now, Logger: logger}, o)
	env := &chatEnv{t: t, clock: clock, api: api, eng: eng,
		opts: chatOptions{access: o.access, now: clock.Now, logger: logger, metrics: newMetrics()}}
	var err error
	if env.rt, err = newRouter(eng, env.opts); err != nil {
		t.Fatal(err)
	}
	env.serveO = serveOptions(env.opts.access, env.opts, 0)
	return env
}

// chatEngine is openEngine, or with fastRetries the same wiring with a
// client whose retries do not wait.
func chatEngine(t *testing.T, cfg Config, eo engineOptions, o chatEnvOptions) *engine {
	t.Helper()
	if !o.fastRetries {
		e, err := openEngine(context.Background(), cfg, eo)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = e.Close() })
		return e
	}
	db, err := openDB(cfg, eo)
	if err != nil {
		t.Fatal(err)
	}
	e := &engine{cfg: cfg, db: db, log: eo.Logger}
	t.Cleanup(func() { _ = e.Close() })
	if o.callTimeout == 0 {
		o.callTimeout = 500 * time.Millisecond
	}
	e.tb, err = threatbook.New(threatbook.Options{BaseURL: cfg.ThreatBookURL, Keys: cfg.keys(), Ledger: db,
		DailyLimit: cfg.KeyDailyLimit, Now: eo.Now, Logger: eo.Logger, CallTimeout: o.callTimeout,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	if e.lookup, err = lookup.New(e.lookupConfig(eo)); err != nil {
		t.Fatal(err)
	}
	return e
}

// chat types input into a console as user and returns what it printed.
func (env *chatEnv) chat(user, input string) string {
	env.t.Helper()
	var out bytes.Buffer
	p := console.New(strings.NewReader(input), &out, console.Options{User: user, FilesDir: env.t.TempDir()})
	if err := bot.Serve(context.Background(), p, env.rt, env.serveO); err != nil {
		env.t.Fatalf("serve console: %v", err)
	}
	return out.String()
}

// quota is the console user's quota status today.
func (env *chatEnv) quota(user string) intel.QuotaStatus {
	env.t.Helper()
	return env.quotaOn(console.Name, user)
}

// quotaOn is a user's quota status today on a platform.
func (env *chatEnv) quotaOn(platform, user string) intel.QuotaStatus {
	env.t.Helper()
	st, err := env.eng.db.QuotaStatus(context.Background(), intel.Subject{Platform: platform, User: user})
	if err != nil {
		env.t.Fatal(err)
	}
	return st
}

// deferredWorker answers the queue through a console that prints to out.
func (env *chatEnv) deferredWorker(out io.Writer) *commands.DeferredWorker {
	env.t.Helper()
	p := console.New(strings.NewReader(""), out, console.Options{})
	w, err := newDeferredWorker(env.eng, map[string]bot.Poster{console.Name: p}, env.opts)
	if err != nil {
		env.t.Fatal(err)
	}
	return w
}

// publicAddrs returns n distinct public IPv4 addresses.
func publicAddrs(t *testing.T, n int) []netip.Addr {
	t.Helper()
	var out []netip.Addr
	for i := 0; len(out) < n; i++ {
		a := netip.AddrFrom4([4]byte{byte(23 + i%5*20), byte(i * 7 % 256), byte(i / 5), byte(1 + i%250)})
		if !ioc.IsPublic(a) {
			t.Fatalf("%s is not public", a)
		}
		out = append(out, a)
	}
	return out
}

// firewallPaste is a 500-line iptables log holding the given public IPs:
// the first 100 as sources (seen 4-5 times each), the rest once each as a
// destination, and 8 private addresses.
func firewallPaste(ips []netip.Addr) string {
	var b strings.Builder
	for k := range 500 {
		src, dst := ips[k%100].String(), fmt.Sprintf("10.0.%d.%d", k%2, 10+k%4)
		if k >= 100 && k < 100+len(ips)-100 {
			src, dst = fmt.Sprintf("192.168.1.%d", 20+k%4), ips[k].String()
		}
		fmt.Fprintf(&b, "Nov 27 04:%02d:%02d fw01 kernel: [UFW BLOCK] IN=eth0 OUT= SRC=%s DST=%s LEN=60 PROTO=TCP SPT=%d DPT=443\n",
			k/60, k%60, src, dst, 40000+k)
	}
	return b.String()
}

// expectedLevels asks a separate fake, through a real client, what the
// deterministic verdicts of ips are, and counts them per level.
func expectedLevels(t *testing.T, ips []netip.Addr) map[intel.Level]int {
	t.Helper()
	api := threatbooktest.NewServer(threatbooktest.Options{DailyQuota: -1})
	defer api.Close()
	c, err := threatbook.New(threatbook.Options{BaseURL: api.URL, Keys: []string{"direct"}, DailyLimit: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := c.Lookup(context.Background(), ips)
	if err != nil {
		t.Fatal(err)
	}
	n := map[intel.Level]int{}
	for _, v := range vs {
		if v.Err != nil {
			t.Fatalf("direct lookup of %s: %v", v.IP, v.Err)
		}
		n[v.Level]++
	}
	return n
}

// countLine is the batch card's per-level line for counts, as
// card.FromBatch writes it (without the unknown part).
func countParts(n map[intel.Level]int) []string {
	var parts []string
	for _, l := range []intel.Level{intel.LevelMalicious, intel.LevelSuspicious, intel.LevelTrusted, intel.LevelClean} {
		if n[l] > 0 {
			parts = append(parts, fmt.Sprintf("%s %s %d", card.LevelTone(l).Emoji(), l.Chinese(), n[l]))
		}
	}
	return parts
}

// fenced wraps text in a console multi-line block.
func fenced(text string) string { return "```\n" + strings.TrimRight(text, "\n") + "\n```\n" }
