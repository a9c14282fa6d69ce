package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"tibot/bot"
	"tibot/card"
	"tibot/intel"
)

// Drainer is the part of *lookup.Service the deferred worker uses.
type Drainer interface {
	// DrainDeferred answers up to n queued addresses whose subjects have
	// quota again, calling answer once per item.
	DrainDeferred(ctx context.Context, n int, answer func(ctx context.Context, item intel.DeferredItem, v intel.Verdict) error) (int, error)
	// Requeue puts back items whose answer could not be posted, counting
	// the attempt (and giving up after a bounded number of them).
	Requeue(ctx context.Context, items []intel.DeferredItem) error
}

// Defaults for DeferredConfig.
const (
	DefaultDeferredEvery = time.Minute
	DefaultDeferredBatch = 500
)

// DeferredConfig wires a DeferredWorker. Queue is required.
type DeferredConfig struct {
	Queue Drainer
	// Posters sends answers, by platform name ("slack", "telegram",
	// "console"). Answers for a platform without a poster are logged and
	// dropped; answers whose post fails are queued again for that thread.
	Posters map[string]bot.Poster
	Every   time.Duration    // time between drains in Run, default DefaultDeferredEvery
	Batch   int              // items per drain, default DefaultDeferredBatch
	Now     func() time.Time // default time.Now
	Logger  *slog.Logger     // default: discard
}

// DeferredWorker answers, after the quota reset, the addresses queued for
// lack of quota: it drains the queue and posts one answer per original
// thread (a verdict card for one address, a batch summary for more).
type DeferredWorker struct {
	c DeferredConfig
}

// NewDeferredWorker validates c and applies defaults.
func NewDeferredWorker(c DeferredConfig) (*DeferredWorker, error) {
	if c.Queue == nil {
		return nil, errors.New("commands: DeferredConfig.Queue is required")
	}
	if c.Every < 0 || c.Batch < 0 {
		return nil, errors.New("commands: negative Every or Batch in DeferredConfig")
	}
	c.Every = orDefault(c.Every, DefaultDeferredEvery)
	c.Batch = orDefault(c.Batch, DefaultDeferredBatch)
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return &DeferredWorker{c: c}, nil
}

// Run drains the queue at once and then every c.Every until ctx ends. It
// returns nil when ctx ends; drain failures are logged and retried.
func (w *DeferredWorker) Run(ctx context.Context) error {
	t := time.NewTicker(w.c.Every)
	defer t.Stop()
	for {
		if n, err := w.RunOnce(ctx); err != nil && ctx.Err() == nil {
			w.c.Logger.WarnContext(ctx, "deferred drain", "answered", n, "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// RunOnce drains what the queue can answer now and posts the answers,
// grouped per reply target. When a post fails (the platform is briefly
// down), that thread's items are queued again for it alone, so a later run
// answers them (from the cache) and other threads are not posted twice. It
// returns how many queued items were drained and handed to the posters.
func (w *DeferredWorker) RunOnce(ctx context.Context) (int, error) {
	var groups []*answerGroup
	byTarget := map[intel.ReplyTarget]*answerGroup{}
	n, err := w.c.Queue.DrainDeferred(ctx, w.c.Batch, func(_ context.Context, it intel.DeferredItem, v intel.Verdict) error {
		for _, t := range it.Targets {
			g := byTarget[t]
			if g == nil {
				g = &answerGroup{target: t, queuedAt: it.QueuedAt}
				byTarget[t] = g
				groups = append(groups, g)
			}
			g.add(it, v)
		}
		return nil
	})
	w.postAll(ctx, groups)
	if err != nil {
		return n, fmt.Errorf("drain deferred queue: %w", err)
	}
	return n, nil
}

// postAll posts every group's answer and requeues the items of the groups
// whose post failed (not those without a poster: that does not heal).
func (w *DeferredWorker) postAll(ctx context.Context, groups []*answerGroup) {
	var again []intel.DeferredItem
	for _, g := range groups {
		err := w.post(ctx, g)
		if err == nil {
			continue
		}
		w.c.Logger.WarnContext(ctx, "post deferred answer", "platform", g.target.Platform,
			"chat", g.target.Chat, "ips", len(g.verdicts), "err", err)
		if !errors.Is(err, errNoPoster) {
			again = append(again, g.retryItems()...)
		}
	}
	if len(again) == 0 {
		return
	}
	if err := w.c.Queue.Requeue(context.WithoutCancel(ctx), again); err != nil {
		w.c.Logger.ErrorContext(ctx, "requeue deferred answers", "items", len(again), "err", err)
	}
}

// errNoPoster is in the chain of post's error for a platform without a
// poster.
var errNoPoster = errors.New("no poster")

// answerGroup is every answer due in one thread.
type answerGroup struct {
	target   intel.ReplyTarget
	items    []intel.DeferredItem
	verdicts []intel.Verdict
	queuedAt time.Time // earliest
}

func (g *answerGroup) add(it intel.DeferredItem, v intel.Verdict) {
	g.items = append(g.items, it)
	g.verdicts = append(g.verdicts, v)
	if !it.QueuedAt.IsZero() && (g.queuedAt.IsZero() || it.QueuedAt.Before(g.queuedAt)) {
		g.queuedAt = it.QueuedAt
	}
}

// retryItems returns g's items addressed to g's thread only.
func (g *answerGroup) retryItems() []intel.DeferredItem {
	out := make([]intel.DeferredItem, len(g.items))
	for i, it := range g.items {
		it.Targets = []intel.ReplyTarget{g.target}
		out[i] = it
	}
	return out
}

// post sends g's answer through the poster of its platform.
func (w *DeferredWorker) post(ctx context.Context, g *answerGroup) error {
	p, ok := w.c.Posters[g.target.Platform]
	if !ok || p == nil {
		return fmt.Errorf("%w for platform %q", errNoPoster, g.target.Platform)
	}
	_, err := p.Post(ctx, bot.Target{Chat: g.target.Chat, Thread: g.target.Thread}, deferredCard(g, w.c.Now()))
	return err
}

// deferredCard is a verdict card for one address and card.Deferred's batch
// summary for more.
func deferredCard(g *answerGroup, now time.Time) card.Card {
	if len(g.verdicts) == 1 {
		c := card.FromVerdict(g.verdicts[0], card.VerdictOptions{Now: now, Actions: true})
		c.Text = "⏰ 额度已恢复, 这是之前加入待查队列的 IP 的结果"
		return c
	}
	b := card.Batch{Verdicts: g.verdicts, Unique: len(g.verdicts), Now: now, Source: "待查队列"}
	for _, v := range g.verdicts {
		switch {
		case v.Err != nil:
			b.Failed++
		case v.Cached:
			b.Cached++
		default:
			b.Live++
		}
	}
	return card.Deferred(b, g.queuedAt)
}
