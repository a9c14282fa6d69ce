package slack

import (
	"sync"
	"time"
)

// ttlSet is a bounded map whose entries expire: at most max entries, each
// for at most ttl, oldest dropped first. It remembers which events were
// already handled (Slack redelivers) and long button values.
type ttlSet[V any] struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	now   func() time.Time
	items map[string]ttlItem[V]
	order []string // insertion order; may hold keys already dropped
}

type ttlItem[V any] struct {
	v  V
	at time.Time
}

func newTTLSet[V any](max int, ttl time.Duration) *ttlSet[V] {
	return &ttlSet[V]{max: max, ttl: ttl, now: time.Now, items: map[string]ttlItem[V]{}}
}

// add stores v under key unless a live entry exists; it reports whether
// key was new.
func (s *ttlSet[V]) add(key string, v V) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.expire(now)
	if it, ok := s.items[key]; ok && now.Sub(it.at) < s.ttl {
		return false
	}
	s.items[key] = ttlItem[V]{v: v, at: now}
	s.order = append(s.order, key)
	return true
}

// get returns the live value under key.
func (s *ttlSet[V]) get(key string) (V, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[key]
	if !ok || s.now().Sub(it.at) >= s.ttl {
		var zero V
		return zero, false
	}
	return it.v, true
}

// expire drops expired entries and the oldest beyond max; s.mu is held.
func (s *ttlSet[V]) expire(now time.Time) {
	for len(s.order) > 0 {
		k := s.order[0]
		it, ok := s.items[k]
		switch {
		case !ok:
		case len(s.items) >= s.max || now.Sub(it.at) >= s.ttl:
			delete(s.items, k)
		default:
			return
		}
		s.order = s.order[1:]
	}
}
