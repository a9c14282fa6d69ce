package threatbook

import (
	"context"
	"net/netip"
	"strings"

	"tibot/intel"
)

// Deep implements intel.DeepSource with /v3/ip/query: a deep analysis of
// one address from its non-expired intelligences (see queryVerdict). It
// shares the key pool with Lookup; its units are counted separately
// (KeyState.Used["query"]) and not limited locally. An address ThreatBook
// knows nothing about gives a Level Unknown verdict with a nil error. On
// failure the verdict is intel.Failed and the error an *intel.Error.
func (c *Client) Deep(ctx context.Context, ip netip.Addr) (intel.Verdict, error) {
	if !ip.IsValid() {
		return intel.Failed(ip, errInvalidAddr), errInvalidAddr
	}
	c.ensureLoaded(ctx)
	addr := norm(ip)
	for {
		k, perr := c.pool.pick(epQuery, c.now())
		if perr != nil {
			return intel.Failed(ip, perr), perr
		}
		v, next, err := c.deepOnKey(ctx, k, addr)
		if err != nil {
			e := intel.AsError(err)
			return intel.Failed(ip, e), e
		}
		if !next {
			v.IP = ip
			return v, nil
		}
	}
}

// deepOnKey queries addr with key k. next reports that another key should
// be tried.
func (c *Client) deepOnKey(ctx context.Context, k *keySlot, addr netip.Addr) (v intel.Verdict, next bool, err error) {
	env, err := fetch[queryIP](ctx, c, epQuery, k, addr.String())
	if err != nil {
		return v, false, err
	}
	act, e := classifyCode(env.code, env.Msg, k.id)
	now := c.now()
	switch act {
	case actData:
		c.pool.charge(k, epQuery, 1, now)
		c.persist(ctx, k)
		for s, q := range env.Data {
			if a, err := netip.ParseAddr(strings.TrimSpace(s)); err == nil && norm(a) == addr {
				return queryVerdict(addr, &q, now), false, nil
			}
		}
		return noDataVerdict(addr, SourceQuery, now), false, nil
	case actPartial: // a single address cannot be half served: the key is spent
		act = actExhausted
	}
	if err := c.keyAction(ctx, k, epQuery, act, e, env.Msg); err != nil {
		return v, false, err
	}
	return v, true, nil
}

// keyAction applies an error action to key k. It returns nil when another
// key should be tried, or the error that ends the request.
func (c *Client) keyAction(ctx context.Context, k *keySlot, ep string, act action, e *intel.Error, msg string) error {
	now := c.now()
	switch act {
	case actExhausted:
		c.log.Warn("threatbook key spent until reset", "key", k.id, "endpoint", ep, "msg", msg)
		c.pool.exhaust(k, ep, now)
		c.persist(ctx, k)
	case actRateLimit:
		c.log.Warn("threatbook key throttled, resting", "key", k.id, "endpoint", ep, "msg", msg)
		c.pool.restKey(k, now)
	case actBadKey:
		c.log.Error("threatbook key disabled", "key", k.id, "endpoint", ep, "err", e)
		c.pool.disable(k, ep, e)
	default:
		if e == nil {
			return upstreamError("threatbook "+ep+": unhandled answer "+msg, nil)
		}
		return e
	}
	return nil
}
