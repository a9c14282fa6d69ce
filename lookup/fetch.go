package lookup

import (
	"context"
	"errors"
	"net/netip"
	"sync"

	"tibot/intel"
	"tibot/ioc"
)

// batchDone is one finished Source call: the plan indexes it covered and a
// verdict for each.
type batchDone struct {
	idx []int
	vs  []intel.Verdict
}

// fetchChosen looks up the chosen addresses live, BatchSize per call and
// Parallel calls at a time, storing each verdict in p. Batches are started
// in priority order; progress is reported from this goroutine as they end.
func (s *Service) fetchChosen(ctx context.Context, p *plan, chosen []int, progress func(done, total int)) {
	if len(chosen) == 0 {
		return
	}
	batches := split(chosen, s.c.BatchSize)
	jobs := make(chan []int, len(batches))
	for _, b := range batches {
		jobs <- b
	}
	close(jobs)
	results := make(chan batchDone)
	var wg sync.WaitGroup
	for range min(s.c.Parallel, len(batches)) {
		wg.Go(func() {
			for idx := range jobs {
				results <- batchDone{idx, s.lookupBatch(ctx, p.public, idx)}
			}
		})
	}
	go func() { wg.Wait(); close(results) }()

	done := len(p.public) - len(chosen)
	for r := range results {
		for k, i := range r.idx {
			p.verdicts[i] = r.vs[k]
			p.state[i] = stateLive
			if r.vs[k].Err != nil {
				p.state[i] = stateFailed
			}
		}
		done += len(r.idx)
		if progress != nil {
			progress(done, len(p.public))
		}
	}
}

// split cuts idx into consecutive chunks of at most size.
func split(idx []int, size int) [][]int {
	var out [][]int
	for len(idx) > size {
		out = append(out, idx[:size:size])
		idx = idx[size:]
	}
	return append(out, idx)
}

// lookupBatch asks the Source about one batch and returns exactly one
// verdict per index, matched by address. Verdicts the Source did return
// are kept even when the call as a whole failed (a Source may return what
// it gathered before ctx ended); an address left without a verdict gets the
// whole-call error, or EUpstream. A failure never affects other batches.
func (s *Service) lookupBatch(ctx context.Context, public []ioc.Hit, idx []int) []intel.Verdict {
	ips := make([]netip.Addr, len(idx))
	for k, i := range idx {
		ips[k] = public[i].Addr
	}
	vs, err := s.c.Source.Lookup(ctx, ips)
	if err != nil {
		s.c.Logger.WarnContext(ctx, "lookup batch failed", "ips", len(ips), "got", len(vs), "err", err)
	}
	byIP := make(map[netip.Addr]intel.Verdict, len(vs))
	for _, v := range vs {
		byIP[v.IP.Unmap()] = v
	}
	out := make([]intel.Verdict, len(ips))
	for k, ip := range ips {
		v, ok := byIP[ip]
		if !ok {
			v = intel.Failed(ip, missingError(ip, err))
		}
		v.IP, v.Cached = ip, false
		if v.Err != nil {
			v.Level = intel.LevelUnknown
		}
		out[k] = v
	}
	return out
}

// missingError is the error of an address the Source gave no verdict for.
func missingError(ip netip.Addr, callErr error) *intel.Error {
	if callErr != nil {
		return upstreamError(callErr)
	}
	return intel.Errorf(intel.EUpstream, "威胁情报服务未返回该 IP 的结果", "source returned no verdict for %s", ip)
}

// upstreamError turns a whole-call error into the per-address error: an
// *intel.Error keeps its code, a deadline or cancellation and anything else
// become EUpstream.
func upstreamError(err error) *intel.Error {
	var e *intel.Error
	if errors.As(err, &e) {
		return e
	}
	msg := "威胁情报服务暂时不可用, 请稍后再试"
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		msg = "查询超时或已取消, 请稍后再试"
	}
	return &intel.Error{Code: intel.EUpstream, Message: msg, Detail: "lookup batch", Err: err}
}
