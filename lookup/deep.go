package lookup

import (
	"context"
	"net/netip"

	"tibot/intel"
	"tibot/ioc"
)

// Deep runs a deep analysis (ThreatBook /v3/ip/query) of one public
// address. Unless unmetered, it charges subj one unit first and refunds it
// when the analysis fails, so only successful analyses cost quota. The
// answer is recorded in history; it is not cached (the cache holds
// reputation verdicts).
//
// Errors are *intel.Error: EInvalid for a private or reserved address,
// EConfig when no deep source is configured, EQuota when subj has no unit
// left, and whatever the source reports.
func (s *Service) Deep(ctx context.Context, ip netip.Addr, subj intel.Subject, unmetered bool) (intel.Verdict, error) {
	ip = ip.Unmap()
	if !ip.IsValid() || !ioc.IsPublic(ip) {
		e := intel.Errorf(intel.EInvalid, "内网或保留地址, 不查询", "deep analysis of non-public address %s", ip)
		return intel.Failed(ip, e), e
	}
	if s.c.Deep == nil {
		e := intel.Errorf(intel.EConfig, "深度分析未启用", "no deep source configured")
		return intel.Failed(ip, e), e
	}
	metered := !unmetered && s.c.Quota != nil
	if metered {
		if err := s.takeOne(ctx, subj); err != nil {
			return intel.Failed(ip, intel.AsError(err)), err
		}
	}
	v, err := s.c.Deep.Deep(ctx, ip)
	if err == nil && v.Err != nil {
		err = v.Err
	}
	if err != nil {
		if metered {
			s.refund(ctx, subj, 1)
		}
		e := upstreamError(err)
		return intel.Failed(ip, e), e
	}
	v.IP, v.Deep, v.Cached = ip, true, false
	if v.FetchedAt.IsZero() {
		v.FetchedAt = s.c.Now()
	}
	s.record(ctx, &plan{verdicts: []intel.Verdict{v}, state: []state{stateLive}}, Request{Subject: subj})
	return v, nil
}

// takeOne charges subj one unit, or returns an EQuota error saying when the
// quota resets.
func (s *Service) takeOne(ctx context.Context, subj intel.Subject) error {
	granted, st, err := s.take(ctx, Request{Subject: subj}, 1)
	if err != nil {
		return err
	}
	if granted < 1 {
		return &intel.Error{Code: intel.EQuota, Message: "你今日查询额度已用完, 将在 00:00 后恢复",
			Detail: "user daily quota exhausted", ResetAt: st.ResetAt}
	}
	return nil
}
