package lookup

import (
	"context"
	"fmt"
	"net/netip"

	"tibot/intel"
	"tibot/ioc"
)

// DrainDeferred answers up to n addresses from the deferred queue, highest
// priority first, calling answer once per answered item (answer posts to
// item.Targets). It returns how many items were answered.
//
// Metering: a deferred address was promised an answer "after the reset",
// and it is charged then, to the new day's quota of the item's Subject
// (items without a subject user are unmetered). The daily limit stays a
// hard cap: an item whose subject has no unit left on the new day is put
// back in the queue for the following reset, as is an item whose live
// lookup fails again with EQuota (key pool spent). Cached answers cost
// nothing. Other failures (upstream errors) are answered with the failed
// verdict so the promise is kept.
//
// When answer fails (the chat platform is briefly down), the item is not
// counted and is put back with Attempts raised by one, so a later call
// answers it from the cache; after MaxAnswerAttempts failures it is given
// up with an Error log line (see Requeue).
//
// Items put back are set aside until the end of the call, so one call
// visits each queued item at most once; a subject over quota or a failing
// chat cannot starve the others. Draining stops early when the key pool is
// spent. The error return is only for failures of the queue itself.
func (s *Service) DrainDeferred(ctx context.Context, n int, answer func(ctx context.Context, item intel.DeferredItem, v intel.Verdict) error) (int, error) {
	if s.c.Queue == nil || n <= 0 {
		return 0, nil
	}
	var again []intel.DeferredItem
	answered := 0
	var takeErr error
	for answered < n && ctx.Err() == nil {
		items, err := s.c.Queue.TakeDeferred(ctx, n-answered)
		if err != nil {
			takeErr = fmt.Errorf("take deferred items: %w", err)
			break
		}
		if len(items) == 0 {
			break
		}
		a, back, poolSpent := s.drainItems(ctx, items, answer)
		answered += a
		again = append(again, back...)
		if poolSpent {
			break
		}
	}
	if len(again) > 0 {
		if err := s.c.Queue.Defer(context.WithoutCancel(ctx), again); err != nil {
			return answered, fmt.Errorf("re-defer %d items: %w", len(again), err)
		}
	}
	return answered, takeErr
}

// drainItems looks items up, one Lookup per subject, answers them and
// returns how many were answered, the items to put back and whether the key
// pool is spent (the remaining groups are then put back untouched).
func (s *Service) drainItems(ctx context.Context, items []intel.DeferredItem, answer answerFunc) (int, []intel.DeferredItem, bool) {
	answered := 0
	var back []intel.DeferredItem
	groups := bySubject(items)
	for g, group := range groups {
		subj := group[0].Subject
		res, err := s.Lookup(ctx, Request{Hits: deferredHits(group), Subject: subj, Unmetered: subj.User == ""})
		if err != nil {
			s.c.Logger.WarnContext(ctx, "deferred lookup", "user", subj.Key(), "items", len(group), "err", err)
			back = append(back, group...)
			continue
		}
		a, again, poolSpent := s.answerGroup(ctx, group, res, answer)
		answered += a
		back = append(back, again...)
		if poolSpent {
			for _, rest := range groups[g+1:] {
				back = append(back, rest...)
			}
			return answered, back, true
		}
	}
	return answered, back, false
}

// answerFunc posts the answer for one deferred item.
type answerFunc = func(ctx context.Context, item intel.DeferredItem, v intel.Verdict) error

// answerGroup answers the items of one subject from res. Items that met
// EQuota again, and items whose answer failed (Attempts raised, under the
// cap), are returned to be put back; poolSpent reports that some met EQuota
// at the key pool rather than at the subject's quota.
func (s *Service) answerGroup(ctx context.Context, group []intel.DeferredItem, res Result, answer answerFunc) (answered int, back []intel.DeferredItem, poolSpent bool) {
	vs := make(map[netip.Addr]intel.Verdict, len(res.Verdicts))
	quotaErrs := 0
	for _, v := range res.Verdicts {
		vs[v.IP] = v
		if v.Err != nil && v.Err.Code == intel.EQuota {
			quotaErrs++
		}
	}
	for _, it := range group {
		v, ok := vs[it.IP.Unmap()]
		switch {
		case !ok: // not public: never looked up, nothing to promise
			s.c.Logger.WarnContext(ctx, "dropping deferred non-public address", "ip", it.IP)
		case v.Err != nil && v.Err.Code == intel.EQuota:
			back = append(back, it)
		default:
			if err := answer(ctx, it, v); err != nil {
				s.c.Logger.WarnContext(ctx, "deferred answer", "ip", it.IP, "attempt", it.Attempts+1, "err", err)
				if it, ok := s.retry(ctx, it); ok {
					back = append(back, it)
				}
				continue
			}
			answered++
		}
	}
	return answered, back, quotaErrs > res.OverQuota
}

// bySubject groups items by subject, keeping the queue order within and
// across groups.
func bySubject(items []intel.DeferredItem) [][]intel.DeferredItem {
	var groups [][]intel.DeferredItem
	at := map[intel.Subject]int{}
	for _, it := range items {
		i, ok := at[it.Subject]
		if !ok {
			i = len(groups)
			at[it.Subject] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], it)
	}
	return groups
}

// deferredHits turns queue items into hits whose request order is the
// queue's priority order (equal role and count, so choose keeps it).
func deferredHits(items []intel.DeferredItem) []ioc.Hit {
	hits := make([]ioc.Hit, len(items))
	for i, it := range items {
		hits[i] = ioc.Hit{Addr: it.IP, Count: 1, Public: true}
	}
	return hits
}
