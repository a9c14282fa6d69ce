package commands

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"tibot/bot"
	"tibot/card"
	"tibot/intel"
)

// fakeDrainer answers the queued items it holds, once; Requeue puts items
// back with one more attempt.
type fakeDrainer struct {
	items    []intel.DeferredItem
	requeued []intel.DeferredItem
	err      error
}

func (d *fakeDrainer) Requeue(_ context.Context, items []intel.DeferredItem) error {
	for _, it := range items {
		it.Attempts++
		d.requeued = append(d.requeued, it)
		d.items = append(d.items, it)
	}
	return nil
}

func (d *fakeDrainer) DrainDeferred(ctx context.Context, n int, answer func(context.Context, intel.DeferredItem, intel.Verdict) error) (int, error) {
	done := 0
	for _, it := range d.items[:min(n, len(d.items))] {
		if err := answer(ctx, it, intel.Verdict{IP: it.IP, Level: intel.LevelMalicious}); err == nil {
			done++
		}
	}
	d.items = d.items[min(n, len(d.items)):]
	return done, d.err
}

// poster records posts; the first fail posts fail.
type poster struct {
	mu    sync.Mutex
	posts []posted
	fail  int
}

type posted struct {
	to bot.Target
	c  card.Card
}

func (p *poster) Post(ctx context.Context, to bot.Target, c card.Card) (bot.MessageRef, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail > 0 {
		p.fail--
		return bot.MessageRef{}, errors.New("slack: service_unavailable")
	}
	p.posts = append(p.posts, posted{to, c})
	return bot.MessageRef{Chat: to.Chat, Thread: to.Thread}, nil
}

func item(ip string, at time.Time, targets ...intel.ReplyTarget) intel.DeferredItem {
	return intel.DeferredItem{IP: netip.MustParseAddr(ip), QueuedAt: at, Targets: targets}
}

func TestDeferredWorkerGroupsPerThread(t *testing.T) {
	at := newClock().Now()
	t1 := intel.ReplyTarget{Platform: "slack", Chat: "C1", Thread: "111.1", User: "U1"}
	t2 := intel.ReplyTarget{Platform: "telegram", Chat: "-100", Thread: "42", User: "7"}
	tOrphan := intel.ReplyTarget{Platform: "irc", Chat: "#x"}
	d := &fakeDrainer{items: []intel.DeferredItem{
		item("45.33.32.156", at, t1),
		item("185.220.101.4", at.Add(-time.Hour), t1, t2),
		item("8.8.8.8", at, t1, tOrphan),
	}}
	sp, tp := &poster{}, &poster{}
	w, err := NewDeferredWorker(DeferredConfig{Queue: d, Posters: map[string]bot.Poster{"slack": sp, "telegram": tp}, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	n, err := w.RunOnce(context.Background())
	if err != nil || n != 3 {
		t.Fatalf("RunOnce = %d, %v; want 3, nil", n, err)
	}
	if len(sp.posts) != 1 || sp.posts[0].to != (bot.Target{Chat: "C1", Thread: "111.1"}) {
		t.Fatalf("slack posts = %+v, want one batch in thread 111.1", sp.posts)
	}
	text := card.Text(sp.posts[0].c)
	for _, ip := range []string{"45.33.32.156", "185.220.101.4", "8.8.8.8", "额度已恢复"} {
		if !strings.Contains(text, ip) {
			t.Errorf("slack answer lacks %q:\n%s", ip, text)
		}
	}
	if len(tp.posts) != 1 || !strings.Contains(card.Text(tp.posts[0].c), "185.220.101.4") || tp.posts[0].to.Thread != "42" {
		t.Fatalf("telegram posts = %+v, want the single verdict in thread 42", tp.posts)
	}
	if len(d.requeued) != 0 {
		t.Fatalf("requeued %+v; a platform without a poster does not heal", d.requeued)
	}
}

// TestDeferredWorkerRetriesFailedPost: the chat platform refuses one post;
// that thread's answer arrives on the next run, and the other thread is
// not posted twice.
func TestDeferredWorkerRetriesFailedPost(t *testing.T) {
	at := newClock().Now()
	t1 := intel.ReplyTarget{Platform: "slack", Chat: "C1", Thread: "111.1"}
	t2 := intel.ReplyTarget{Platform: "telegram", Chat: "-100", Thread: "42"}
	d := &fakeDrainer{items: []intel.DeferredItem{item("45.33.32.156", at, t1, t2)}}
	sp, tp := &poster{fail: 1}, &poster{}
	w, err := NewDeferredWorker(DeferredConfig{Queue: d, Posters: map[string]bot.Poster{"slack": sp, "telegram": tp}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.RunOnce(context.Background()); err != nil || len(sp.posts) != 0 || len(tp.posts) != 1 {
		t.Fatalf("first run: err %v, %d slack and %d telegram posts; want 0 and 1", err, len(sp.posts), len(tp.posts))
	}
	if len(d.requeued) != 1 || len(d.requeued[0].Targets) != 1 || d.requeued[0].Targets[0] != t1 {
		t.Fatalf("requeued %+v, want the item for the slack thread only", d.requeued)
	}
	for run := range 2 {
		if _, err := w.RunOnce(context.Background()); err != nil {
			t.Fatalf("run %d: %v", run+2, err)
		}
	}
	if len(sp.posts) != 1 || sp.posts[0].to.Thread != "111.1" || !strings.Contains(card.Text(sp.posts[0].c), "45.33.32.156") {
		t.Fatalf("slack posts = %+v, want the answer in thread 111.1 once", sp.posts)
	}
	if len(tp.posts) != 1 || len(d.requeued) != 1 {
		t.Fatalf("%d telegram posts, %d requeued; want 1 and 1", len(tp.posts), len(d.requeued))
	}
}

func TestDeferredWorkerReportsDrainErrors(t *testing.T) {
	d := &fakeDrainer{err: errors.New("queue broken")}
	w, err := NewDeferredWorker(DeferredConfig{Queue: d})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.RunOnce(context.Background()); err == nil {
		t.Fatal("drain error swallowed")
	}
	if _, err := NewDeferredWorker(DeferredConfig{}); err == nil {
		t.Fatal("worker without a queue accepted")
	}
}

func TestDeferredWorkerRunStopsWithContext(t *testing.T) {
	d := &fakeDrainer{}
	w, _ := NewDeferredWorker(DeferredConfig{Queue: d, Every: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v, want nil on cancel", err)
	}
}
