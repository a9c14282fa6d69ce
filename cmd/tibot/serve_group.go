package main

import (
	"context"
	"sync"
)

// group runs goroutines that all stop when ctx ends or one of the
// failing ones fails.
type group struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
	err    error
}

func newGroup(ctx context.Context) *group {
	g := &group{}
	g.ctx, g.cancel = context.WithCancel(ctx)
	return g
}

// goFail runs fn; its error (the first of all) stops the group.
func (g *group) goFail(fn func(ctx context.Context) error) {
	g.wg.Go(func() {
		if err := fn(g.ctx); err != nil {
			g.once.Do(func() { g.err = err })
			g.cancel()
		}
	})
}

// goBackground runs fn until the group stops.
func (g *group) goBackground(fn func(ctx context.Context)) {
	g.wg.Go(func() { fn(g.ctx) })
}

// wait returns once the group stopped (ctx ended or a goFail function
// failed) and every goroutine returned, with the first failure.
func (g *group) wait() error {
	<-g.ctx.Done()
	g.wg.Wait()
	g.cancel()
	return g.err
}
