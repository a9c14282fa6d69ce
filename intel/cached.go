package intel

import (
	"context"
	"fmt"
	"net/netip"
)

// Cached returns a Source that answers from c what it can and asks src only
// for the rest (WTF-style layering: neither side knows the other).
//
// Cache hits come back as the cache returned them (Cached set, original
// FetchedAt). Misses are looked up once each, even when ips repeats an
// address, and the successful answers (Err == nil) are stored in c; c
// decides the TTL. The cache is an optimisation only: a failed cache read
// falls through to src, and a failed cache write is ignored. The error
// return is src's whole-call error; when src still returned one verdict per
// miss (a Source returns what it gathered before ctx ended), those answers
// are stored, since they were paid for, and returned with the error.
func Cached(src Source, c Cache) Source { return &cachedSource{src: src, cache: c} }

type cachedSource struct {
	src   Source
	cache Cache
}

// Lookup implements Source.
func (s *cachedSource) Lookup(ctx context.Context, ips []netip.Addr) ([]Verdict, error) {
	hits, err := s.cache.CachedVerdicts(ctx, ips)
	if err != nil {
		hits = nil
	}
	misses := missing(ips, hits)
	var callErr error
	if len(misses) > 0 {
		vs, err := s.src.Lookup(ctx, misses)
		if len(vs) != len(misses) {
			if err == nil {
				err = fmt.Errorf("source returned %d verdicts for %d addresses", len(vs), len(misses))
			}
			return nil, err
		}
		// Best effort, and even after ctx ended: the answers were paid
		// for. Err verdicts are skipped by the cache.
		_ = s.cache.PutVerdicts(context.WithoutCancel(ctx), vs)
		hits = merge(hits, misses, vs)
		callErr = err
	}
	out := make([]Verdict, len(ips))
	for i, ip := range ips {
		out[i] = hits[ip]
	}
	return out, callErr
}

// missing returns the unique addresses of ips absent from hits, in order.
func missing(ips []netip.Addr, hits map[netip.Addr]Verdict) []netip.Addr {
	var out []netip.Addr
	seen := make(map[netip.Addr]bool, len(ips))
	for _, ip := range ips {
		if _, ok := hits[ip]; ok || seen[ip] {
			continue
		}
		seen[ip] = true
		out = append(out, ip)
	}
	return out
}

// merge adds the looked-up verdicts to hits, keyed by requested address.
func merge(hits map[netip.Addr]Verdict, ips []netip.Addr, vs []Verdict) map[netip.Addr]Verdict {
	out := make(map[netip.Addr]Verdict, len(hits)+len(vs))
	for ip, v := range hits {
		out[ip] = v
	}
	for i, ip := range ips {
		out[ip] = vs[i]
	}
	return out
}
