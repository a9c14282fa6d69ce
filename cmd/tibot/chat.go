package main

import (
	"log/slog"
	"time"

	"tibot/bot"
	"tibot/card"
	"tibot/commands"
)

// chatOptions are what the chat subcommands (serve, console) add to the
// engine when wiring the command router.
type chatOptions struct {
	access  bot.Access
	now     func() time.Time
	logger  *slog.Logger
	metrics *metrics // nil: no counting
}

// newRouter builds the command router on e's lookup pipeline and database.
func newRouter(e *engine, o chatOptions) (*commands.Router, error) {
	var lk commands.Looker = e.lookup
	if o.metrics != nil {
		lk = o.metrics.looker(lk)
	}
	return commands.New(commands.Config{
		Lookup: lk,
		Quota:  e.db,
		Pool:   e.poolStatus,
		Access: o.access,
		Now:    o.now,
		Logger: o.logger.With("component", "commands"),
	})
}

// newDeferredWorker builds the worker that answers queued addresses after
// the quota reset through posters (by platform name).
func newDeferredWorker(e *engine, posters map[string]bot.Poster, o chatOptions) (*commands.DeferredWorker, error) {
	return commands.NewDeferredWorker(commands.DeferredConfig{
		Queue:   e.lookup,
		Posters: posters,
		Now:     o.now,
		Logger:  o.logger.With("component", "deferred"),
	})
}

// poolStatus is the key pool summary /quota shows.
func (e *engine) poolStatus() card.PoolStatus {
	if e.tb == nil {
		return card.PoolStatus{}
	}
	ps := e.tb.PoolStatus()
	return card.PoolStatus{Keys: len(ps.Keys), Remaining: ps.Remaining, Limit: ps.Limit, ResetAt: ps.ResetAt}
}

// serveOptions are the bot.Serve options of a chat subcommand.
func serveOptions(access bot.Access, o chatOptions, maxConcurrent int) bot.ServeOptions {
	so := bot.ServeOptions{MaxConcurrent: maxConcurrent, Logger: o.logger, Access: &access}
	if o.metrics != nil {
		so.Middleware = []bot.Middleware{o.metrics.handler}
	}
	return so
}
