package threatbooktest

import "time"

// beijing is UTC+8, the zone of ThreatBook's daily quota.
var beijing = time.FixedZone("CST", 8*3600)

// keyUsage is one key's use on one day.
type keyUsage struct {
	day   string
	rep   int
	query int
}

// charge takes up to n units from key's allowance for ep. spent reports a
// key with nothing left before this request.
func (s *Server) charge(key, ep string, n int) (served int, spent bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.usageOf(key)
	used, limit := &u.rep, s.opts.DailyQuota
	if ep == EndpointQuery {
		used, limit = &u.query, s.opts.QueryQuota
		if limit == 0 {
			limit = -1
		}
	}
	served = n
	if limit >= 0 {
		left := limit - *used
		if left <= 0 {
			return 0, true
		}
		served = min(n, left)
	}
	*used += served
	s.stats.Units += served
	return served, false
}

// usageOf returns key's usage for today, starting a new day at 00:00
// Beijing time. Caller holds mu.
func (s *Server) usageOf(key string) *keyUsage {
	today := s.opts.Now().In(beijing).Format("20060102")
	u := s.usage[key]
	if u == nil || u.day != today {
		u = &keyUsage{day: today}
		s.usage[key] = u
	}
	return u
}

// KeyUsed reports the units key used today on each endpoint.
func (s *Server) KeyUsed(key string) (reputation, query int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.usageOf(key)
	return u.rep, u.query
}

// SpendKey uses up n reputation units of key today, as if another client
// had used them.
func (s *Server) SpendKey(key string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.usageOf(key).rep += n
}
