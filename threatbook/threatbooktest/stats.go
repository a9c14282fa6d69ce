package threatbooktest

import (
	"encoding/json"
	"maps"
	"net/http"
)

// Stats are the fake's request counters.
type Stats struct {
	// Requests counts every request to a /v3/ path, faulted or not.
	Requests int `json:"requests"`
	// IPs counts the addresses received in valid requests (after dropping
	// duplicates within a request).
	IPs int `json:"ips"`
	// Units counts quota units charged: addresses actually served.
	Units int `json:"units"`
	// Faults counts requests answered by an injected fault.
	Faults int `json:"faults"`
	// ByEndpoint counts requests per endpoint ("reputation", "query").
	ByEndpoint map[string]int `json:"by_endpoint"`
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.ByEndpoint = maps.Clone(s.stats.ByEndpoint)
	if st.ByEndpoint == nil {
		st.ByEndpoint = map[string]int{}
	}
	return st
}

// Reset clears the counters and every key's quota usage. Faults and
// fixtures stay.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats = Stats{}
	clear(s.usage)
}

func (s *Server) count(f func(*Stats)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stats.ByEndpoint == nil {
		s.stats.ByEndpoint = map[string]int{}
	}
	f(&s.stats)
}

// serveStats answers GET /_fake/stats.
func (s *Server) serveStats(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(s.Stats())
}

// serveReset answers POST /_fake/reset.
func (s *Server) serveReset(w http.ResponseWriter, _ *http.Request) {
	s.Reset()
	w.WriteHeader(http.StatusNoContent)
}
