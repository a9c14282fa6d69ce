package lookup

import (
	"cmp"
	"context"
	"time"

	"tibot/intel"
)

// User-facing texts of addresses left over for lack of quota.
const (
	msgShortDeferred = "你今日查询额度已用完, 已加入待查队列, 将在 00:00 后回复"
	msgShort         = "你今日查询额度已用完, 将在 00:00 后恢复"
	msgPoolDeferred  = "今日微步 API 查询额度已用完, 已加入待查队列, 将在 00:00 后回复"
)

// settle refunds the subject for every live lookup that failed and caches
// the ones that succeeded. It returns the number of units refunded.
// Bookkeeping outlives a cancelled ctx: the lookups did happen.
func (s *Service) settle(ctx context.Context, p *plan, chosen []int, req Request) int {
	ctx = context.WithoutCancel(ctx)
	var ok []intel.Verdict
	failed := 0
	now := s.c.Now()
	for _, i := range chosen {
		if p.state[i] == stateFailed {
			failed++
			continue
		}
		if p.verdicts[i].FetchedAt.IsZero() {
			p.verdicts[i].FetchedAt = now
		}
		ok = append(ok, p.verdicts[i])
	}
	if !req.Unmetered {
		s.refund(ctx, req.Subject, failed)
	}
	if s.c.Cache != nil && len(ok) > 0 {
		if err := s.c.Cache.PutVerdicts(ctx, ok); err != nil {
			s.c.Logger.WarnContext(ctx, "cache write failed", "ips", len(ok), "err", err)
		}
	}
	if failed > 0 || len(ok) > 0 {
		s.c.Logger.InfoContext(ctx, "looked up", "user", req.Subject.Key(), "live", len(ok), "failed", failed)
	}
	return failed
}

// deferLeftovers gives every over-quota address its EQuota verdict and, when
// the request says where to answer and a queue exists, queues them together
// with the live lookups that failed for lack of key-pool quota.
func (s *Service) deferLeftovers(ctx context.Context, p *plan, req Request, st intel.QuotaStatus) {
	var idx []int
	for i, v := range p.verdicts {
		if p.state[i] == stateShort || (p.state[i] == stateFailed && v.Err != nil && v.Err.Code == intel.EQuota) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return
	}
	queued := s.enqueue(ctx, p, idx, req)
	for _, i := range idx {
		p.deferred[i] = queued
		if p.state[i] == stateShort {
			p.verdicts[i] = intel.Failed(p.public[i].Addr, shortError(queued, st))
			continue
		}
		if queued {
			e := *p.verdicts[i].Err
			e.Message = msgPoolDeferred
			p.verdicts[i].Err = &e
		}
	}
}

// enqueue puts the addresses at idx in the deferred queue and reports
// whether they are queued.
func (s *Service) enqueue(ctx context.Context, p *plan, idx []int, req Request) bool {
	if s.c.Queue == nil || req.ReplyTo == (intel.ReplyTarget{}) {
		return false
	}
	now := s.c.Now()
	items := make([]intel.DeferredItem, len(idx))
	for k, i := range idx {
		items[k] = intel.DeferredItem{
			IP:       p.public[i].Addr,
			Priority: priority(p.public[i]),
			QueuedAt: now,
			Targets:  []intel.ReplyTarget{req.ReplyTo},
			Subject:  req.Subject,
		}
	}
	if err := s.c.Queue.Defer(context.WithoutCancel(ctx), items); err != nil {
		s.c.Logger.ErrorContext(ctx, "defer failed", "user", req.Subject.Key(), "ips", len(items), "err", err)
		return false
	}
	return true
}

// shortError is the verdict error of an address the subject's quota did not
// cover.
func shortError(queued bool, st intel.QuotaStatus) *intel.Error {
	msg := msgShort
	if queued {
		msg = msgShortDeferred
	}
	return &intel.Error{Code: intel.EQuota, Message: msg, Detail: "user daily quota exhausted", ResetAt: st.ResetAt}
}

// record writes one history event per answered address (cached and live)
// in a single call; a failure is logged only.
func (s *Service) record(ctx context.Context, p *plan, req Request) {
	if s.c.History == nil {
		return
	}
	now := s.c.Now()
	var es []intel.LookupEvent
	for i, v := range p.verdicts {
		if p.state[i] == stateCached || p.state[i] == stateLive {
			es = append(es, event(now, v, req.Subject, req.ReplyTo))
		}
	}
	if len(es) == 0 {
		return
	}
	if err := s.c.History.RecordLookups(context.WithoutCancel(ctx), es); err != nil {
		s.c.Logger.WarnContext(ctx, "history write failed", "events", len(es), "err", err)
	}
}

// event is the history record of one answered verdict.
func event(at time.Time, v intel.Verdict, subj intel.Subject, to intel.ReplyTarget) intel.LookupEvent {
	return intel.LookupEvent{
		At: at, IP: v.IP, Level: v.Level, ThreatTypes: v.ThreatTypes,
		Platform: cmp.Or(to.Platform, subj.Platform), Chat: to.Chat,
		User: cmp.Or(subj.User, to.User), Cached: v.Cached,
	}
}
