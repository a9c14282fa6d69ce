package lookup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"tibot/intel"
)

// Defaults for Config.
const (
	DefaultBatchSize = 100 // ThreatBook's reputation endpoint takes at most 100 IPs per call
	DefaultParallel  = 4
)

// Config wires a Service. Only Source is required; every other dependency
// is optional and its step is skipped when nil.
type Config struct {
	Source  intel.Source
	Deep    intel.DeepSource
	Cache   intel.Cache
	Quota   intel.Quota
	History intel.History
	Queue   intel.DeferredQueue

	BatchSize int // addresses per Source.Lookup call, default DefaultBatchSize
	Parallel  int // batches in flight at once, default DefaultParallel

	Now    func() time.Time // default time.Now
	Logger *slog.Logger     // default: discard
}

// Service runs lookups. It holds no mutable state and is safe for
// concurrent use by any number of goroutines.
type Service struct {
	c Config
}

// New validates c, fills in defaults and returns a Service.
func New(c Config) (*Service, error) {
	if c.Source == nil {
		return nil, errors.New("lookup: Config.Source is required")
	}
	if c.BatchSize < 0 || c.Parallel < 0 {
		return nil, fmt.Errorf("lookup: negative BatchSize %d or Parallel %d", c.BatchSize, c.Parallel)
	}
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.Parallel == 0 {
		c.Parallel = DefaultParallel
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{c: c}, nil
}

// Lookup answers req: private/reserved and duplicate addresses are skipped
// (0 quota), cached verdicts are served (0 quota), the subject is charged one
// unit per remaining address (partial grants allowed), the granted addresses
// are looked up live in parallel batches, failures are refunded, successes
// cached, everything answered recorded in history, and addresses left over
// for lack of quota deferred when req.ReplyTo is set.
//
// Per-address problems are reported in Verdict.Err, never as the error
// return. Lookup returns an error only when the quota store fails before
// anything was looked up, or when ctx ends (the partial Result is still
// returned).
func (s *Service) Lookup(ctx context.Context, req Request) (Result, error) {
	p := newPlan(req)
	res := Result{Unique: p.unique, Private: p.private}
	if len(p.public) == 0 {
		return res, nil
	}
	misses := s.fromCache(ctx, p, req.Fresh)
	granted, st, err := s.take(ctx, req, len(misses))
	if err != nil {
		return res, err
	}
	chosen := choose(p, misses, granted)
	s.fetchChosen(ctx, p, chosen, req.Progress)
	if refunds := s.settle(ctx, p, chosen, req); !req.Unmetered && s.c.Quota != nil {
		st.Used -= refunds
		st.Remaining += refunds
	}
	s.deferLeftovers(ctx, p, req, st)
	s.record(ctx, p, req)
	return p.result(res, st), ctx.Err()
}

// take charges the subject for n live lookups. Unmetered requests and
// services without a Quota are granted everything and report a zero status.
func (s *Service) take(ctx context.Context, req Request, n int) (int, intel.QuotaStatus, error) {
	if req.Unmetered || s.c.Quota == nil {
		return n, intel.QuotaStatus{}, nil
	}
	if n == 0 {
		st, err := s.c.Quota.QuotaStatus(ctx, req.Subject)
		if err != nil {
			s.c.Logger.WarnContext(ctx, "quota status", "user", req.Subject.Key(), "err", err)
		}
		return 0, st, nil
	}
	granted, st, err := s.c.Quota.Take(ctx, req.Subject, n)
	if err != nil && intel.ErrorCode(err) != intel.EQuota {
		return 0, st, fmt.Errorf("take quota for %s: %w", req.Subject.Key(), err)
	}
	return min(max(granted, 0), n), st, nil
}

// refund returns n units to the subject; a failure is logged only.
func (s *Service) refund(ctx context.Context, subj intel.Subject, n int) {
	if n <= 0 || s.c.Quota == nil {
		return
	}
	if err := s.c.Quota.Refund(context.WithoutCancel(ctx), subj, n); err != nil {
		s.c.Logger.ErrorContext(ctx, "quota refund", "user", subj.Key(), "units", n, "err", err)
	}
}

// fromCache fills p with cached verdicts (unless fresh) and returns the
// indexes into p.public that still need a live lookup.
func (s *Service) fromCache(ctx context.Context, p *plan, fresh bool) []int {
	var hits map[netip.Addr]intel.Verdict
	if s.c.Cache != nil && !fresh {
		var err error
		hits, err = s.c.Cache.CachedVerdicts(ctx, p.addrs())
		if err != nil {
			s.c.Logger.WarnContext(ctx, "cache read failed, looking up live", "ips", len(p.public), "err", err)
			hits = nil
		}
	}
	misses := make([]int, 0, len(p.public))
	for i, h := range p.public {
		if v, ok := hits[h.Addr]; ok && v.Err == nil {
			v.IP, v.Cached = h.Addr, true
			p.verdicts[i] = v
			p.state[i] = stateCached
			continue
		}
		misses = append(misses, i)
	}
	return misses
}
