package lookup

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"time"

	"tibot/intel"
)

// Hand-written function-field fakes of the intel interfaces. A nil function
// field gets the fake's default behaviour.

var (
	_ intel.Source        = (*fakeSource)(nil)
	_ intel.DeepSource    = (*fakeDeep)(nil)
	_ intel.Cache         = (*fakeCache)(nil)
	_ intel.Quota         = (*fakeQuota)(nil)
	_ intel.History       = (*fakeHistory)(nil)
	_ intel.DeferredQueue = (*fakeQueue)(nil)
)

// fakeSource answers every address Clean unless LookupFn is set, and
// records every call.
type fakeSource struct {
	LookupFn func(ctx context.Context, ips []netip.Addr) ([]intel.Verdict, error)

	mu    sync.Mutex
	calls [][]netip.Addr
}

func (f *fakeSource) Lookup(ctx context.Context, ips []netip.Addr) ([]intel.Verdict, error) {
	f.mu.Lock()
	f.calls = append(f.calls, slices.Clone(ips))
	f.mu.Unlock()
	if f.LookupFn != nil {
		return f.LookupFn(ctx, ips)
	}
	return cleanVerdicts(ips), nil
}

// sent returns every address sent, in call order.
func (f *fakeSource) sent() []netip.Addr {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []netip.Addr
	for _, c := range f.calls {
		out = append(out, c...)
	}
	return out
}

func (f *fakeSource) ncalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

func cleanVerdicts(ips []netip.Addr) []intel.Verdict {
	vs := make([]intel.Verdict, len(ips))
	for i, ip := range ips {
		vs[i] = intel.Verdict{IP: ip, Level: intel.LevelClean, Source: "fake"}
	}
	return vs
}

type fakeDeep struct {
	DeepFn func(ctx context.Context, ip netip.Addr) (intel.Verdict, error)
}

func (f *fakeDeep) Deep(ctx context.Context, ip netip.Addr) (intel.Verdict, error) {
	if f.DeepFn != nil {
		return f.DeepFn(ctx, ip)
	}
	return intel.Verdict{IP: ip, Level: intel.LevelMalicious}, nil
}

// fakeCache is a map; GetErr/PutErr make it fail.
type fakeCache struct {
	GetErr, PutErr error

	mu sync.Mutex
	m  map[netip.Addr]intel.Verdict
}

func newFakeCache(vs ...intel.Verdict) *fakeCache {
	c := &fakeCache{m: map[netip.Addr]intel.Verdict{}}
	for _, v := range vs {
		c.m[v.IP] = v
	}
	return c
}

func (c *fakeCache) CachedVerdicts(_ context.Context, ips []netip.Addr) (map[netip.Addr]intel.Verdict, error) {
	if c.GetErr != nil {
		return nil, c.GetErr
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[netip.Addr]intel.Verdict{}
	for _, ip := range ips {
		if v, ok := c.m[ip]; ok {
			v.Cached = true
			out[ip] = v
		}
	}
	return out, nil
}

func (c *fakeCache) PutVerdicts(_ context.Context, vs []intel.Verdict) error {
	if c.PutErr != nil {
		return c.PutErr
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, v := range vs {
		if v.Err == nil {
			c.m[v.IP] = v
		}
	}
	return nil
}

func (c *fakeCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// fakeQuota grants up to Limit units per subject; TakeErr makes Take fail.
type fakeQuota struct {
	Limit   int
	TakeErr error
	ResetAt time.Time

	mu       sync.Mutex
	used     map[string]int
	refunded map[string]int
}

func newFakeQuota(limit int) *fakeQuota {
	return &fakeQuota{Limit: limit, used: map[string]int{}, refunded: map[string]int{}}
}

func (q *fakeQuota) Take(_ context.Context, s intel.Subject, n int) (int, intel.QuotaStatus, error) {
	if q.TakeErr != nil {
		return 0, intel.QuotaStatus{}, q.TakeErr
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	g := min(n, q.Limit-q.used[s.Key()])
	q.used[s.Key()] += g
	return g, q.status(s), nil
}

func (q *fakeQuota) Refund(_ context.Context, s intel.Subject, n int) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if n > q.used[s.Key()] {
		return fmt.Errorf("refund %d > used %d", n, q.used[s.Key()])
	}
	q.used[s.Key()] -= n
	q.refunded[s.Key()] += n
	return nil
}

func (q *fakeQuota) QuotaStatus(_ context.Context, s intel.Subject) (intel.QuotaStatus, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.status(s), nil
}

func (q *fakeQuota) status(s intel.Subject) intel.QuotaStatus {
	u := q.used[s.Key()]
	return intel.QuotaStatus{Used: u, Limit: q.Limit, Remaining: q.Limit - u, ResetAt: q.ResetAt}
}

// usedBy returns the units the subject holds after refunds.
func (q *fakeQuota) usedBy(s intel.Subject) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.used[s.Key()]
}

// newDay forgets every subject's use, as the midnight reset does.
func (q *fakeQuota) newDay() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.used = map[string]int{}
}

type fakeHistory struct {
	Err error

	mu     sync.Mutex
	calls  int
	events []intel.LookupEvent
}

func (h *fakeHistory) RecordLookups(_ context.Context, es []intel.LookupEvent) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls++
	if h.Err != nil {
		return h.Err
	}
	h.events = append(h.events, es...)
	return nil
}

func (h *fakeHistory) Lookups(context.Context, time.Time, time.Time) ([]intel.LookupEvent, error) {
	return nil, nil
}

func (h *fakeHistory) Seen(context.Context, netip.Addr) (time.Time, time.Time, int, error) {
	return time.Time{}, time.Time{}, 0, nil
}

// fakeQueue keeps items ordered by priority, then age, merging duplicates.
type fakeQueue struct {
	DeferErr error

	mu    sync.Mutex
	items []intel.DeferredItem
}

func (q *fakeQueue) Defer(_ context.Context, items []intel.DeferredItem) error {
	if q.DeferErr != nil {
		return q.DeferErr
	}
	q.mu.Lock()
	defer q.mu.Unlock()
next:
	for _, it := range items {
		for i := range q.items {
			if q.items[i].IP == it.IP {
				q.items[i].Targets = append(q.items[i].Targets, it.Targets...)
				continue next
			}
		}
		q.items = append(q.items, it)
	}
	slices.SortStableFunc(q.items, func(a, b intel.DeferredItem) int {
		return cmp.Or(cmp.Compare(b.Priority, a.Priority), a.QueuedAt.Compare(b.QueuedAt))
	})
	return nil
}

func (q *fakeQueue) TakeDeferred(_ context.Context, n int) ([]intel.DeferredItem, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	n = min(n, len(q.items))
	out := slices.Clone(q.items[:n])
	q.items = q.items[n:]
	return out, nil
}

func (q *fakeQueue) DeferredLen(context.Context) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items), nil
}
