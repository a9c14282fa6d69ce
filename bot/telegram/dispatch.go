package telegram

import (
	"context"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"tibot/bot"
)

// dispatcher runs one goroutine per update and tracks which updates are
// still being handled, for the poll loop's offset. Handlers get a context
// that outlives Listen's by up to DrainTimeout, so a shutdown lets them
// finish their replies.
type dispatcher struct {
	a      *Adapter
	h      bot.Handler
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	done   chan struct{} // a handler finished (buffered, coalesced)

	mu      sync.Mutex
	pending map[int]bool // update ids being handled
	maxSeen int          // highest update id taken
	closed  bool         // draining: no new handlers
}

// newDispatcher returns a dispatcher whose handlers run with a context
// detached from ctx's cancellation (drain cancels it).
func newDispatcher(ctx context.Context, a *Adapter, h bot.Handler) *dispatcher {
	hctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	return &dispatcher{a: a, h: h, ctx: hctx, cancel: cancel, done: make(chan struct{}, 1), pending: map[int]bool{}}
}

// takeAll starts handlers for the updates not taken before and returns
// how many it started.
func (d *dispatcher) takeAll(ups []tgbotapi.Update) int {
	n := 0
	for _, u := range ups {
		d.mu.Lock()
		fresh := u.UpdateID > d.maxSeen
		d.mu.Unlock()
		if fresh && d.run(u) {
			n++
		}
	}
	return n
}

// run handles u in a new goroutine; false when the dispatcher is
// draining (u is then neither taken nor acknowledged).
func (d *dispatcher) run(u tgbotapi.Update) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return false
	}
	d.maxSeen = max(d.maxSeen, u.UpdateID)
	d.pending[u.UpdateID] = true
	d.wg.Add(1)
	go func() {
		defer d.finish(u.UpdateID)
		d.a.handleUpdate(d.ctx, d.h, u)
	}()
	return true
}

// finish marks an update handled (recovering a panic first).
func (d *dispatcher) finish(id int) {
	if p := recover(); p != nil {
		d.a.log.Error("telegram update handler panicked", "update", id, "panic", p)
	}
	d.mu.Lock()
	delete(d.pending, id)
	d.mu.Unlock()
	select {
	case d.done <- struct{}{}:
	default:
	}
	d.wg.Done()
}

// offset is the first update id not yet acknowledgeable: the lowest one
// still being handled, else one past the highest taken (0: none taken).
func (d *dispatcher) offset() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.maxSeen == 0 {
		return 0
	}
	off := d.maxSeen + 1
	for id := range d.pending {
		off = min(off, id)
	}
	return off
}

// busy reports whether handlers are running.
func (d *dispatcher) busy() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.pending) > 0
}

// wait pauses up to dur, returning early when ctx ends or a handler
// finishes (the offset may then move on).
func (d *dispatcher) wait(ctx context.Context, dur time.Duration) {
	t := time.NewTimer(dur)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-d.done:
	case <-t.C:
	}
}

// drain waits for running handlers up to timeout, then cancels them and
// waits for them to return.
func (d *dispatcher) drain(timeout time.Duration) {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	finished := make(chan struct{})
	go func() { d.wg.Wait(); close(finished) }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-finished:
	case <-t.C:
		d.a.log.Warn("telegram: handlers still running at shutdown; cancelling them", "after", timeout)
		d.cancel()
		<-finished
	}
	d.cancel()
}
