package commands

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"

	"tibot/bot"
	"tibot/card"
	"tibot/intel"
	"tibot/lookup"
)

// fakeLooker answers lookups with fn (default: every public hit clean and
// live).
type fakeLooker struct {
	mu     sync.Mutex
	reqs   []lookup.Request
	fn     func(req lookup.Request) (lookup.Result, error)
	deepFn func(ip netip.Addr, subj intel.Subject) (intel.Verdict, error)
	deeps  []netip.Addr
}

func (f *fakeLooker) Lookup(ctx context.Context, req lookup.Request) (lookup.Result, error) {
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	f.mu.Unlock()
	if f.fn != nil {
		return f.fn(req)
	}
	return cleanResult(req), nil
}

func (f *fakeLooker) Deep(ctx context.Context, ip netip.Addr, subj intel.Subject, unmetered bool) (intel.Verdict, error) {
	f.mu.Lock()
	f.deeps = append(f.deeps, ip)
	f.mu.Unlock()
	if f.deepFn != nil {
		return f.deepFn(ip, subj)
	}
	return intel.Verdict{IP: ip, Level: intel.LevelMalicious, Deep: true, ConfidenceScore: 90}, nil
}

func (f *fakeLooker) requests() []lookup.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]lookup.Request(nil), f.reqs...)
}

// cleanResult answers every public hit as a clean live verdict.
func cleanResult(req lookup.Request) lookup.Result {
	res := lookup.Result{Unique: len(req.Hits), Quota: intel.QuotaStatus{Limit: 20, Remaining: 10}}
	for _, h := range req.Hits {
		if !h.Public {
			res.Private++
			continue
		}
		res.Verdicts = append(res.Verdicts, intel.Verdict{IP: h.Addr, Level: intel.LevelClean})
		res.Live++
	}
	return res
}

// sent is one message the recording replier saw.
type sent struct {
	kind string // "reply", "edit", "upload"
	ref  bot.MessageRef
	card card.Card
	att  card.Attachment
}

// recorder is a bot.Replier that records everything.
type recorder struct {
	mu  sync.Mutex
	out []sent
	n   int
}

func (r *recorder) Reply(ctx context.Context, c card.Card) (bot.MessageRef, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	ref := bot.MessageRef{Chat: "C1", ID: fmt.Sprintf("m%d", r.n)}
	r.out = append(r.out, sent{kind: "reply", ref: ref, card: c})
	return ref, nil
}

func (r *recorder) sent() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sent(nil), r.out...)
}

// editRecorder adds bot.Editor and bot.Uploader.
type editRecorder struct{ recorder }

func (r *editRecorder) Edit(ctx context.Context, ref bot.MessageRef, c card.Card) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.out = append(r.out, sent{kind: "edit", ref: ref, card: c})
	return nil
}

func (r *editRecorder) Upload(ctx context.Context, a card.Attachment, comment string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.out = append(r.out, sent{kind: "upload", att: a})
	return nil
}

// fakeClock is a manual clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 5, 14, 10, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newTestRouter builds a router on lk with a fixed clock.
func newTestRouter(t *testing.T, lk Looker, mod func(*Config)) *Router {
	t.Helper()
	c := Config{Lookup: lk, Now: newClock().Now, Access: bot.Access{Admins: []string{"console:root"}}}
	if mod != nil {
		mod(&c)
	}
	rt, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

// msg is a message from user alice on the console.
func msg(text string) *bot.Message {
	return &bot.Message{Platform: "console", Chat: "C1", ID: "100", User: "alice", Text: text}
}

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }
