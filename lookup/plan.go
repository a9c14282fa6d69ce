package lookup

import (
	"cmp"
	"net/netip"
	"slices"

	"tibot/intel"
	"tibot/ioc"
)

// state is where one public address stands in a request.
type state uint8

const (
	stateMiss   state = iota // not in the cache, not yet looked up
	stateCached              // answered from the cache
	stateShort               // the subject's quota fell short: not looked up
	stateLive                // live lookup succeeded (one unit charged)
	stateFailed              // live lookup failed (unit refunded)
)

// plan is the working set of one Lookup: the unique public hits in request
// order with a verdict and a state each. Only the goroutine running Lookup
// touches it; batch workers hand their results back over a channel.
type plan struct {
	unique, private int
	public          []ioc.Hit
	verdicts        []intel.Verdict
	state           []state
	deferred        []bool
}

// newPlan dedupes req.Hits (merging counts, keeping the first appearance and
// a source-side role) and sets aside non-public addresses, which are never
// sent anywhere.
func newPlan(req Request) *plan {
	p := &plan{}
	seen := make(map[netip.Addr]int, len(req.Hits))
	var all []ioc.Hit
	for _, h := range req.Hits {
		h.Addr = h.Addr.Unmap()
		if i, ok := seen[h.Addr]; ok {
			all[i] = merge(all[i], h)
			continue
		}
		seen[h.Addr] = len(all)
		all = append(all, h)
	}
	p.unique = len(all)
	for _, h := range all {
		if !h.Addr.IsValid() || !ioc.IsPublic(h.Addr) {
			p.private++
			continue
		}
		p.public = append(p.public, h)
	}
	p.verdicts = make([]intel.Verdict, len(p.public))
	p.state = make([]state, len(p.public))
	p.deferred = make([]bool, len(p.public))
	return p
}

// merge folds a duplicate hit b into a.
func merge(a, b ioc.Hit) ioc.Hit {
	a.Count += max(b.Count, 1)
	if b.FirstLine > 0 && (a.FirstLine == 0 || b.FirstLine < a.FirstLine) {
		a.FirstLine = b.FirstLine
	}
	if b.Role == ioc.RoleSource {
		a.Role = ioc.RoleSource
	}
	return a
}

// addrs returns the public addresses in request order.
func (p *plan) addrs() []netip.Addr { return Addrs(p.public) }

// choose orders the cache misses by priority (source-side first, then more
// frequent, then earlier) and splits them into the first granted ones, to
// be looked up in that order, and the rest, which are marked stateShort.
func choose(p *plan, misses []int, granted int) []int {
	order := slices.Clone(misses)
	slices.SortStableFunc(order, func(a, b int) int {
		ha, hb := p.public[a], p.public[b]
		if c := cmp.Compare(rank(hb), rank(ha)); c != 0 {
			return c
		}
		if c := cmp.Compare(hb.Count, ha.Count); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	granted = min(granted, len(order))
	for _, i := range order[granted:] {
		p.state[i] = stateShort
	}
	return order[:granted]
}

// rank is 1 for source-side hits, 0 otherwise.
func rank(h ioc.Hit) int {
	if h.Role == ioc.RoleSource {
		return 1
	}
	return 0
}

// priority is a hit's place in the deferred queue (higher first): the same
// order as choose, source side first, then frequency.
func priority(h ioc.Hit) int {
	const sourceBonus = 1 << 30
	return rank(h)*sourceBonus + min(max(h.Count, 1), sourceBonus-1)
}

// result fills res with the verdicts and exact counts.
func (p *plan) result(res Result, st intel.QuotaStatus) Result {
	res.Verdicts = p.verdicts
	res.Quota = st
	for i, s := range p.state {
		switch s {
		case stateCached:
			res.Cached++
		case stateLive:
			res.Live++
		case stateFailed:
			res.Failed++
		case stateShort:
			res.OverQuota++
		}
		if p.deferred[i] {
			res.Deferred++
		}
	}
	return res
}
