package telegram

import (
	"strconv"
	"sync"
	"time"

	"tibot/card"
)

// Bounds of the action store: a button older than actionTTL, or pushed out
// by maxStoredActions newer ones, answers "按钮已过期".
const (
	actionTTL        = 7 * 24 * time.Hour
	maxStoredActions = 50000
	actionPrefix     = "a:"
)

// actionStore maps the short callback ids sent in inline keyboards to the
// actions they stand for, because callback_data holds at most
// MaxCallbackData bytes. It lives in memory: after a restart old buttons
// expire.
type actionStore struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu    sync.Mutex
	next  uint64
	items map[string]storedAction
	order []string // ids, oldest first
}

type storedAction struct {
	id, value string
	at        time.Time
}

func newActionStore(ttl time.Duration, max int, now func() time.Time) *actionStore {
	return &actionStore{ttl: ttl, max: max, now: now, items: map[string]storedAction{}}
}

// put stores a and returns its callback id, "a:" and a base-36 counter.
func (s *actionStore) put(a card.Action) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	id := actionPrefix + strconv.FormatUint(s.next, 36)
	now := s.now()
	s.items[id] = storedAction{id: a.ID, value: a.Value, at: now}
	s.order = append(s.order, id)
	s.prune(now)
	return id
}

// get returns the action behind a callback id, if it is known and fresh.
func (s *actionStore) get(id string) (card.Action, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[id]
	if !ok || s.now().Sub(it.at) > s.ttl {
		return card.Action{}, false
	}
	return card.Action{ID: it.id, Value: it.value}, true
}

// prune drops entries past the size bound or the TTL, oldest first.
func (s *actionStore) prune(now time.Time) {
	n := 0
	for _, id := range s.order {
		if len(s.order)-n <= s.max && now.Sub(s.items[id].at) <= s.ttl {
			break
		}
		delete(s.items, id)
		n++
	}
	s.order = s.order[n:] // append reallocates, copying only live ids

}
