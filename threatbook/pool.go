package threatbook

import (
	"fmt"
	"maps"
	"sync"
	"time"

	"tibot/intel"
)

// Endpoint names, also the keys of intel.KeyState.Used.
const (
	epReputation = "reputation"
	epQuery      = "query"
)

// keySlot is one API key and what the pool knows about it. id and secret
// never change; the rest is guarded by pool.mu.
type keySlot struct {
	id     string
	secret string

	st         intel.KeyState // persisted through the ledger
	restUntil  time.Time      // resting after Frequent Limitation
	queryUntil time.Time      // ip/query allowance spent (memory only)
	disabled   map[string]*intel.Error
}

// pool picks keys and tracks their daily use. It is safe for concurrent use
// and never holds its lock during I/O.
type pool struct {
	mu    sync.Mutex
	keys  []*keySlot
	limit int           // daily reputation units per key
	rest  time.Duration // rest after Frequent Limitation
}

func newPool(keys []string, limit int, rest time.Duration) *pool {
	p := &pool{limit: limit, rest: rest}
	for _, k := range keys {
		p.keys = append(p.keys, &keySlot{id: KeyID(k), secret: k})
	}
	return p
}

// day is the provider's calendar day of t, YYYYMMDD in Beijing time.
func day(t time.Time) string { return t.In(cst).Format("20060102") }

// roll starts a new day for k when the calendar day changed. Caller holds mu.
func (p *pool) roll(k *keySlot, now time.Time) {
	if today := day(now); k.st.Day != today {
		k.st = intel.KeyState{Day: today, Used: map[string]int{}}
	}
	if !k.st.ExhaustedUntil.IsZero() && !now.Before(k.st.ExhaustedUntil) {
		k.st.ExhaustedUntil = time.Time{}
	}
}

// spent reports whether k may not be used today for ep. Caller holds mu.
func (p *pool) spent(k *keySlot, ep string, now time.Time) bool {
	if ep == epQuery {
		return now.Before(k.queryUntil)
	}
	return !k.st.ExhaustedUntil.IsZero() || k.st.Used[epReputation] >= p.limit
}

// pick returns the usable key with the fewest units used today for ep (the
// first configured one on a tie), or the error explaining why none is.
func (p *pool) pick(ep string, now time.Time) (*keySlot, *intel.Error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var best *keySlot
	for _, k := range p.keys {
		p.roll(k, now)
		if k.disabled[ep] != nil || p.spent(k, ep, now) || now.Before(k.restUntil) {
			continue
		}
		if best == nil || k.st.Used[ep] < best.st.Used[ep] {
			best = k
		}
	}
	if best != nil {
		return best, nil
	}
	return nil, p.noKeyError(ep, now)
}

// noKeyError explains an empty pick: resting keys come back soonest, then
// spent keys at the reset; if every key is disabled, the first reason is
// reported. Caller holds mu.
func (p *pool) noKeyError(ep string, now time.Time) *intel.Error {
	var rest time.Duration
	var spent bool
	var disabled *intel.Error
	for _, k := range p.keys {
		switch {
		case k.disabled[ep] != nil:
			disabled = cmpOr(disabled, k.disabled[ep])
		case p.spent(k, ep, now):
			spent = true
		case rest == 0 || k.restUntil.Sub(now) < rest:
			rest = k.restUntil.Sub(now)
		}
	}
	switch {
	case rest > 0:
		return rateLimitError(rest)
	case spent:
		return exhaustedError(ep, len(p.keys), ResetTime(now))
	default:
		return disabled
	}
}

func cmpOr(a, b *intel.Error) *intel.Error {
	if a != nil {
		return a
	}
	return b
}

func rateLimitError(wait time.Duration) *intel.Error {
	secs := int((wait + time.Second - 1) / time.Second)
	e := intel.Errorf(intel.ERateLimit, fmt.Sprintf("微步 API 查询过于频繁, 请约 %d 秒后再试", secs),
		"every threatbook key is resting after Frequent Limitation; retry in %s", wait)
	e.RetryAfter = wait
	return e
}

func exhaustedError(ep string, nkeys int, reset time.Time) *intel.Error {
	what := "微步 IP 信誉查询今日额度已用完"
	if ep == epQuery {
		what = "微步 IP 分析 (深度分析) 额度已用完"
	}
	msg := fmt.Sprintf("%s, 将于 %s (北京时间) 恢复", what, reset.In(cst).Format("2006-01-02 15:04"))
	e := intel.Errorf(intel.EQuota, msg, "all %d threatbook keys are spent for %s until %s",
		nkeys, ep, reset.Format(time.RFC3339))
	e.ResetAt = reset
	return e
}

// charge counts units used by k on ep.
func (p *pool) charge(k *keySlot, ep string, units int, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.roll(k, now)
	k.st.Used[ep] += units
}

// exhaust marks k spent for ep until the next reset.
func (p *pool) exhaust(k *keySlot, ep string, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.roll(k, now)
	if ep == epQuery {
		k.queryUntil = ResetTime(now)
	} else {
		k.st.ExhaustedUntil = ResetTime(now)
	}
}

// restKey rests k after Frequent Limitation.
func (p *pool) restKey(k *keySlot, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k.restUntil = now.Add(p.rest)
}

// disable takes k out of service for ep for the life of the process.
func (p *pool) disable(k *keySlot, ep string, err *intel.Error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if k.disabled == nil {
		k.disabled = map[string]*intel.Error{}
	}
	k.disabled[ep] = err
}

// copyState returns k's state with its own Used map. Caller holds mu.
func (p *pool) copyState(k *keySlot) intel.KeyState {
	st := k.st
	st.Used = maps.Clone(k.st.Used)
	return st
}

// merge adopts today's persisted states, keyed by key id. Counts already
// made in this process are kept when larger.
func (p *pool) merge(states map[string]intel.KeyState, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, k := range p.keys {
		st, ok := states[k.id]
		if !ok || st.Day != day(now) {
			continue
		}
		p.roll(k, now)
		for ep, n := range st.Used {
			k.st.Used[ep] = max(k.st.Used[ep], n)
		}
		if st.ExhaustedUntil.After(k.st.ExhaustedUntil) {
			k.st.ExhaustedUntil = st.ExhaustedUntil
		}
		p.roll(k, now)
	}
}
