package commands

import (
	"context"
	"sync"
	"time"

	"tibot/bot"
	"tibot/card"
)

// progress is the "⏳ 正在查询 120/500 …" message of one long lookup. It
// exists only for repliers that can edit (bot.Editor); others get only the
// final answer.
type progress struct {
	rt *Router
	r  bot.Replier
	ed bot.Editor

	mu    sync.Mutex
	ref   *bot.MessageRef // nil until posted
	last  time.Time       // time of the last post or edit
	edits int
}

// startProgress posts the progress message at once when the request holds
// more public addresses than one batch (ProgressAbove).
func (rt *Router) startProgress(ctx context.Context, r bot.Replier, public int) *progress {
	p := &progress{rt: rt, r: r}
	p.ed, _ = r.(bot.Editor)
	if p.ed != nil && public > rt.c.ProgressAbove {
		p.post(ctx, 0, public)
	}
	return p
}

// update returns the lookup.Request.Progress callback. It posts the
// message if a lookup turns out to need several batches after all, and
// edits it as batches finish: the first edit at once, later ones at most
// every ProgressEvery. The last batch (done == total) is not shown: the
// final answer replaces the message.
func (p *progress) update(ctx context.Context) func(done, total int) {
	return func(done, total int) {
		if p.ed == nil || done >= total {
			return
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.ref == nil {
			p.postLocked(ctx, done, total)
			return
		}
		now := p.rt.c.Now()
		if p.edits > 0 && now.Sub(p.last) < p.rt.c.ProgressEvery {
			return
		}
		p.last = now
		p.edits++
		if err := p.ed.Edit(ctx, *p.ref, card.Progress(done, total)); err != nil {
			p.rt.c.Logger.WarnContext(ctx, "edit progress", "err", err)
		}
	}
}

func (p *progress) post(ctx context.Context, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.postLocked(ctx, done, total)
}

func (p *progress) postLocked(ctx context.Context, done, total int) {
	ref, err := p.r.Reply(ctx, card.Progress(done, total))
	if err != nil {
		p.rt.c.Logger.WarnContext(ctx, "post progress", "err", err)
		return
	}
	p.ref, p.last = &ref, p.rt.c.Now()
}

// abandon marks the progress message as ended without an answer; the error
// itself is replied by bot.ReplyErrors.
func (p *progress) abandon(ctx context.Context) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ref == nil {
		return
	}
	if err := p.ed.Edit(context.WithoutCancel(ctx), *p.ref, card.Plain("⚠️ 查询未完成, 原因见下一条消息")); err != nil {
		p.rt.c.Logger.WarnContext(ctx, "edit progress", "err", err)
	}
	p.ref = nil
}
