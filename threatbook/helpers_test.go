package threatbook

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"testing"
	"time"

	"tibot/intel"
	"tibot/internal/fake"
	"tibot/threatbook/threatbooktest"
)

// t0 is 2025-05-14 10:00 Beijing time.
var t0 = time.Date(2025, 5, 14, 10, 0, 0, 0, cst)

// clock is a settable time source shared by the client and the fake.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a client wired to a fake ThreatBook with an injected clock, sleep
// and logger.
type env struct {
	c      *Client
	srv    *threatbooktest.Server
	clock  *clock
	logs   *fake.LogBuffer
	mu     sync.Mutex
	sleeps []time.Duration
}

func (e *env) Sleeps() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]time.Duration(nil), e.sleeps...)
}

// calls returns the reputation and query requests the fake received.
func (e *env) calls() (rep, query int) {
	st := e.srv.Stats()
	return st.ByEndpoint[threatbooktest.EndpointReputation], st.ByEndpoint[threatbooktest.EndpointQuery]
}

// newEnv starts a fake with so and a client with o (BaseURL, Now, Sleep and
// Logger are filled in; Keys default to so.Keys).
func newEnv(t *testing.T, so threatbooktest.Options, o Options) *env {
	t.Helper()
	e := &env{clock: &clock{t: t0}, logs: &fake.LogBuffer{}}
	so.Now = e.clock.Now
	e.srv = threatbooktest.NewServer(so)
	t.Cleanup(e.srv.Close)
	if err := e.srv.LoadFixtureDir("testdata"); err != nil {
		t.Fatal(err)
	}
	if o.Keys == nil {
		o.Keys = so.Keys
	}
	o.BaseURL = e.srv.URL
	o.Now = e.clock.Now
	o.Logger = slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o.Sleep = func(ctx context.Context, d time.Duration) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.sleeps = append(e.sleeps, d)
		return ctx.Err()
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	return e
}

// ipRange returns n distinct public-looking addresses from 100.64.0.0/10
// (the fake does not filter ranges).
func ipRange(n int) []netip.Addr {
	out := make([]netip.Addr, n)
	for i := range out {
		out[i] = netip.AddrFrom4([4]byte{100, 64, byte(i / 250), byte(i%250 + 1)})
	}
	return out
}

// withData returns n addresses the fake has data for (not CategoryNoData).
func withData(n int) []netip.Addr {
	var out []netip.Addr
	for i := 0; len(out) < n; i++ {
		ip := netip.AddrFrom4([4]byte{100, 65, byte(i / 250), byte(i%250 + 1)})
		if threatbooktest.CategoryOf(ip) != threatbooktest.CategoryNoData {
			out = append(out, ip)
		}
	}
	return out
}

func mustLookup(t *testing.T, c *Client, ips []netip.Addr) []intel.Verdict {
	t.Helper()
	vs, err := c.Lookup(context.Background(), ips)
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if len(vs) != len(ips) {
		t.Fatalf("Lookup returned %d verdicts for %d IPs", len(vs), len(ips))
	}
	return vs
}

// countErrs counts verdicts by error code ("" for answered).
func countErrs(vs []intel.Verdict) map[intel.Code]int {
	m := map[intel.Code]int{}
	for _, v := range vs {
		if v.Err == nil {
			m[""]++
		} else {
			m[v.Err.Code]++
		}
	}
	return m
}

func keyUsed(e *env, key string) int {
	rep, _ := e.srv.KeyUsed(key)
	return rep
}

func describe(vs []intel.Verdict) string {
	var b bytes.Buffer
	for _, v := range vs {
		fmt.Fprintf(&b, "%s %s %v; ", v.IP, v.Level, v.Err)
	}
	return b.String()
}
