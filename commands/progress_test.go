package commands

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"tibot/card"
	"tibot/lookup"
)

// manyIPs is a paste with n public IPs.
func manyIPs(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "deny 198.51.%d.%d\n", i/250, i%250+1)
	}
	return b.String()
}

// batchedLooker reports progress every batch, advancing clock by step
// before each report.
func batchedLooker(batch int, clock *fakeClock, step time.Duration) *fakeLooker {
	return &fakeLooker{fn: func(req lookup.Request) (lookup.Result, error) {
		res := cleanResult(req)
		total := len(res.Verdicts)
		for done := batch; req.Progress != nil; done += batch {
			clock.Advance(step)
			req.Progress(min(done, total), total)
			if done >= total {
				break
			}
		}
		return res, nil
	}}
}

func TestProgressPostedAtOnceAndEdited(t *testing.T) {
	clock := newClock()
	lk := batchedLooker(10, clock, 200*time.Millisecond)
	rt := newTestRouter(t, lk, func(c *Config) { c.Now = clock.Now; c.ProgressAbove = 20 })
	var r editRecorder
	if err := rt.Handle(context.Background(), msg(manyIPs(60)), &r); err != nil {
		t.Fatal(err)
	}
	out := r.sent()
	// Batches end at 200ms steps: 10/60 (first edit, at once), 20 and 30
	// (throttled), 40 (600ms after the first edit), 50 (throttled), 60
	// (final: replaced by the answer).
	want := []string{
		"reply " + card.Progress(0, 60).Text,
		"edit " + card.Progress(10, 60).Text,
		"edit " + card.Progress(40, 60).Text,
		"edit 📋",
		"upload",
	}
	var got []string
	for _, s := range out {
		line := s.kind
		switch {
		case s.card.Icon != "":
			line += " " + s.card.Icon
		case s.card.Text != "":
			line += " " + s.card.Text
		}
		got = append(got, line)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("messages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range out[1:4] {
		if s.ref != out[0].ref {
			t.Errorf("edit of %v, want the progress message %v", s.ref, out[0].ref)
		}
	}
}

func TestProgressPostedLazilyWhenWorkTurnsOutLong(t *testing.T) {
	clock := newClock()
	lk := batchedLooker(2, clock, 0)
	rt := newTestRouter(t, lk, func(c *Config) { c.Now = clock.Now })
	var r editRecorder
	if err := rt.Handle(context.Background(), msg(manyIPs(4)), &r); err != nil {
		t.Fatal(err)
	}
	out := r.sent()
	if len(out) != 5 || out[0].kind != "reply" || out[0].card.Text != card.Progress(2, 4).Text || out[1].kind != "edit" {
		t.Fatalf("got %v, want progress 2/4, then the first card replacing it, then three cards", kinds(out))
	}
}

func TestNoProgressWithoutEditor(t *testing.T) {
	clock := newClock()
	lk := batchedLooker(10, clock, time.Second)
	rt := newTestRouter(t, lk, func(c *Config) { c.Now = clock.Now; c.ProgressAbove = 20 })
	var r recorder
	if err := rt.Handle(context.Background(), msg(manyIPs(60)), &r); err != nil {
		t.Fatal(err)
	}
	if out := r.sent(); len(out) != 1 || out[0].card.Icon != "📋" {
		t.Fatalf("got %v, want only the final batch card", kinds(out))
	}
}

func TestProgressAbandonedOnFailure(t *testing.T) {
	lk := &fakeLooker{fn: func(req lookup.Request) (lookup.Result, error) {
		return lookup.Result{}, context.DeadlineExceeded
	}}
	rt := newTestRouter(t, lk, func(c *Config) { c.ProgressAbove = 1 })
	var r editRecorder
	err := rt.Handle(context.Background(), msg(manyIPs(3)), &r)
	if err == nil {
		t.Fatal("no error")
	}
	out := r.sent()
	if len(out) != 2 || out[1].kind != "edit" || !strings.Contains(out[1].card.Text, "未完成") {
		t.Fatalf("got %v, want the progress message marked unfinished", kinds(out))
	}
}
