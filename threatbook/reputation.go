package threatbook

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"time"

	"tibot/intel"
)

// Lookup implements intel.Source with /v3/scene/ip_reputation.
//
// Addresses are deduplicated (IPv4-mapped IPv6 counts as IPv4) and sent in
// batches of at most BatchSize. It returns exactly one verdict per element
// of ips, in order; a duplicate gets the same verdict again.
//
// Per-address outcomes:
//   - answered: Level from intel.Decide, Err nil;
//   - no data (response_code 2, or missing from a successful answer): Level
//     Unknown, Err nil, Source set. This is a valid, cacheable answer
//     ("未发现情报") and costs one unit;
//   - not looked up (pool spent, throttled, bad keys, upstream failure, an
//     invalid address): Level Unknown with Err (EQuota carries ResetAt,
//     ERateLimit carries RetryAfter). After an upstream, internal or
//     configuration failure the remaining batches are not sent; they carry
//     the same error.
//
// The error return is only for the whole call: when ctx ends, Lookup returns
// the verdicts gathered so far (the rest carry the same error) and an
// error wrapping ctx.Err().
func (c *Client) Lookup(ctx context.Context, ips []netip.Addr) ([]intel.Verdict, error) {
	c.ensureLoaded(ctx)
	uniq := uniqueAddrs(ips)
	got := make(map[netip.Addr]intel.Verdict, len(uniq))
	var callErr error
	for start := 0; start < len(uniq); start += BatchSize {
		stop, err := c.lookupBatch(ctx, uniq[start:min(start+BatchSize, len(uniq))], got)
		if err != nil {
			callErr = err
			break
		}
		if stop != nil { // ThreatBook is failing: do not hammer it with the other batches
			fail(got, uniq[min(start+BatchSize, len(uniq)):], stop)
			break
		}
	}
	return assemble(ips, got, callErr), callErr
}

// lookupBatch answers one batch, moving to the next key whenever a key is
// spent, throttled or rejected. Failures land in got. It returns the end of
// ctx as err, and as stop an upstream, internal or configuration failure
// that would fail the following batches the same way.
func (c *Client) lookupBatch(ctx context.Context, batch []netip.Addr, got map[netip.Addr]intel.Verdict) (stop *intel.Error, err error) {
	pending := batch
	for len(pending) > 0 {
		if ctx.Err() != nil {
			return nil, canceled(ctx, epReputation)
		}
		k, perr := c.pool.pick(epReputation, c.now())
		if perr != nil {
			c.log.Warn("threatbook pool cannot serve", "ips", len(pending), "err", perr)
			fail(got, pending, perr)
			return nil, nil
		}
		rest, err := c.reputationOnKey(ctx, k, pending, got)
		if err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			e := intel.AsError(err)
			fail(got, pending, e)
			if e.Code == intel.EInvalid {
				return nil, nil // this batch's content was refused; the next one may pass
			}
			return e, nil
		}
		pending = rest
	}
	return nil, nil
}

// reputationOnKey sends pending with key k and stores what was answered. It
// returns the addresses to retry on another key, or the error that fails
// the batch.
func (c *Client) reputationOnKey(ctx context.Context, k *keySlot, pending []netip.Addr, got map[netip.Addr]intel.Verdict) ([]netip.Addr, error) {
	env, err := fetch[repIP](ctx, c, epReputation, k, joinAddrs(pending))
	if err != nil {
		return nil, err
	}
	act, e := classifyCode(env.code, env.Msg, k.id)
	now := c.now()
	switch act {
	case actData:
		storeReputation(got, pending, env.Data, now)
		c.pool.charge(k, epReputation, len(pending), now)
		c.persist(ctx, k)
		return nil, nil
	case actPartial:
		served, rest := splitPartial(pending, env)
		storeReputation(got, served, env.Data, now)
		c.pool.charge(k, epReputation, len(served), now)
		c.pool.exhaust(k, epReputation, now)
		c.persist(ctx, k)
		c.log.Info("threatbook key ran out mid-batch", "key", k.id, "served", len(served), "left", len(rest))
		return rest, nil
	}
	return pending, c.keyAction(ctx, k, epReputation, act, e, env.Msg)
}

// storeReputation records a verdict for each of ips: from data when present,
// else "no data".
func storeReputation(got map[netip.Addr]intel.Verdict, ips []netip.Addr, data map[string]repIP, now time.Time) {
	byAddr := make(map[netip.Addr]string, len(data))
	for s := range data {
		if a, err := netip.ParseAddr(strings.TrimSpace(s)); err == nil {
			byAddr[norm(a)] = s
		}
	}
	for _, ip := range ips {
		s, ok := byAddr[ip]
		if !ok {
			got[ip] = noDataVerdict(ip, SourceReputation, now)
			continue
		}
		r := data[s]
		got[ip] = reputationVerdict(ip, &r, now)
	}
}

// splitPartial divides a response_code 1 batch into the addresses answered
// (present in data, or before the address named in "Beyond Limitation from
// <IP>") and those left for another key. If the message names no address
// of the batch, everything missing from data is left.
func splitPartial(pending []netip.Addr, env *envelope[repIP]) (served, rest []netip.Addr) {
	present := make(map[netip.Addr]bool, len(env.Data))
	for s := range env.Data {
		if a, err := netip.ParseAddr(strings.TrimSpace(s)); err == nil {
			present[norm(a)] = true
		}
	}
	cut := 0
	if from, ok := partialFrom(env.Msg); ok {
		cut = max(slices.Index(pending, from), 0)
	}
	for i, ip := range pending {
		if present[ip] || i < cut {
			served = append(served, ip)
		} else {
			rest = append(rest, ip)
		}
	}
	return served, rest
}

// partialFrom extracts the address of "Beyond Limitation from <IP>".
func partialFrom(msg string) (netip.Addr, bool) {
	i := strings.LastIndex(strings.ToLower(msg), "from ")
	if i < 0 {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(strings.TrimSpace(msg[i+len("from "):]))
	return norm(a), err == nil
}

// uniqueAddrs returns the valid addresses of ips, normalised, without
// duplicates, in first-appearance order.
func uniqueAddrs(ips []netip.Addr) []netip.Addr {
	seen := make(map[netip.Addr]bool, len(ips))
	out := make([]netip.Addr, 0, len(ips))
	for _, ip := range ips {
		a := norm(ip)
		if ip.IsValid() && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

// norm unmaps IPv4-mapped IPv6 and drops any zone.
func norm(ip netip.Addr) netip.Addr { return ip.Unmap().WithZone("") }

func joinAddrs(ips []netip.Addr) string {
	var b strings.Builder
	for i, ip := range ips {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(ip.String())
	}
	return b.String()
}

func fail(got map[netip.Addr]intel.Verdict, ips []netip.Addr, err *intel.Error) {
	for _, ip := range ips {
		got[ip] = intel.Failed(ip, err)
	}
}

// assemble returns one verdict per requested address, in request order.
func assemble(ips []netip.Addr, got map[netip.Addr]intel.Verdict, callErr error) []intel.Verdict {
	out := make([]intel.Verdict, len(ips))
	for i, ip := range ips {
		v, ok := got[norm(ip)]
		switch {
		case !ip.IsValid():
			v = intel.Failed(ip, errInvalidAddr)
		case !ok && callErr != nil:
			v = intel.Failed(ip, intel.AsError(callErr))
		case !ok:
			v = intel.Failed(ip, intel.Errorf(intel.EInternal, "内部错误", "threatbook: no verdict for %s", ip))
		}
		v.IP = ip
		out[i] = v
	}
	return out
}

var errInvalidAddr = intel.Errorf(intel.EInvalid, "无效的 IP 地址", "threatbook: invalid (zero) netip.Addr")
