package lookup

import (
	"context"
	"fmt"

	"tibot/intel"
)

// MaxAnswerAttempts is how many failed answers a deferred item gets: after
// that many, it is given up (logged at Error level) instead of being queued
// again.
const MaxAnswerAttempts = 5

// Requeue puts items back in the deferred queue after their answer could not
// be posted (the chat platform refused or was down), so a later drain
// answers them again; their verdicts are cached by then, so that normally
// costs no quota. Each item's Attempts goes up by one, and an item that
// reaches MaxAnswerAttempts is dropped with an Error log line naming its IP
// and targets. The error is only for failures of the queue itself.
func (s *Service) Requeue(ctx context.Context, items []intel.DeferredItem) error {
	var back []intel.DeferredItem
	for _, it := range items {
		if it, ok := s.retry(ctx, it); ok {
			back = append(back, it)
		}
	}
	if len(back) == 0 || s.c.Queue == nil {
		return nil
	}
	if err := s.c.Queue.Defer(context.WithoutCancel(ctx), back); err != nil {
		return fmt.Errorf("requeue %d deferred items: %w", len(back), err)
	}
	return nil
}

// retry counts one more failed answer of it and reports whether it may be
// queued again.
func (s *Service) retry(ctx context.Context, it intel.DeferredItem) (intel.DeferredItem, bool) {
	it.Attempts++
	if it.Attempts < MaxAnswerAttempts {
		return it, true
	}
	s.c.Logger.ErrorContext(ctx, "deferred answer given up", "ip", it.IP,
		"targets", targetNames(it.Targets), "attempts", it.Attempts)
	return it, false
}

// targetNames names reply targets for logs as platform:chat/thread (never
// any message text).
func targetNames(ts []intel.ReplyTarget) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Platform + ":" + t.Chat
		if t.Thread != "" {
			out[i] += "/" + t.Thread
		}
	}
	return out
}
