// Package threatbooktest is a fake ThreatBook v3 API for tests, demos and
// benchmarks. It serves /v3/scene/ip_reputation and /v3/ip/query with the
// documented shapes (GET query string or POST form), answers every address
// deterministically (see Generate) unless a fixture overrides it, counts
// quota per key per day (one unit per IP), and can inject faults: any
// response_code, partial batches, HTTP errors, malformed or truncated
// bodies, stalled bodies and dropped connections.
//
// Two control endpoints help scripts: GET /_fake/stats returns the counters
// as JSON ({"requests": N, "ips": M, …}) and POST /_fake/reset clears the
// counters and the keys' quota usage.
package threatbooktest

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"sync"
	"time"
)

// DefaultDailyQuota is the reputation units per key per day when
// Options.DailyQuota is 0, ThreatBook's free tier.
const DefaultDailyQuota = 50

// Options configure a Server.
type Options struct {
	// Keys are the accepted API keys. Empty accepts any non-empty key (demo
	// friendliness); any other key then gets -1 "Invalid API Key".
	Keys []string
	// DailyQuota is the ip_reputation units per key per day, one per IP
	// (0 = DefaultDailyQuota, negative = unlimited).
	DailyQuota int
	// QueryQuota is the ip/query calls per key per day (0 = unlimited).
	QueryQuota int
	// Latency delays every API answer.
	Latency time.Duration
	// Now is the clock for the quota day (00:00 Beijing time); default
	// time.Now.
	Now func() time.Time
}

// Server is the fake. Create it with NewServer (listening) or NewHandler
// (serve Handler yourself). It is safe for concurrent use.
type Server struct {
	// URL is the base URL ("http://127.0.0.1:port") of a NewServer; "" for
	// a NewHandler.
	URL string

	opts    Options
	ts      *httptest.Server
	handler http.Handler
	done    chan struct{} // closed by Close: releases stalled bodies
	once    sync.Once

	mu       sync.Mutex
	usage    map[string]*keyUsage
	faults   []*Fault
	stats    Stats
	repFix   map[netip.Addr][]byte
	queryFix map[netip.Addr][]byte
}

// NewServer starts a fake on a local port. Call Close when done.
func NewServer(opts Options) *Server {
	s := NewHandler(opts)
	s.ts = httptest.NewServer(s.handler)
	s.URL = s.ts.URL
	return s
}

// NewHandler returns a fake that is not listening: serve s.Handler() on
// your own listener (cmd/threatbook-fake does) and call Close when done.
func NewHandler(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.DailyQuota == 0 {
		opts.DailyQuota = DefaultDailyQuota
	}
	opts.Keys = slices.Clone(opts.Keys)
	s := &Server{
		opts:     opts,
		done:     make(chan struct{}),
		usage:    map[string]*keyUsage{},
		repFix:   map[netip.Addr][]byte{},
		queryFix: map[netip.Addr][]byte{},
	}
	s.handler = s.routes()
	return s
}

// Handler returns the fake's HTTP handler: the two API endpoints, any other
// /v3/ path (-2 Invalid API Method) and the /_fake/ control endpoints.
func (s *Server) Handler() http.Handler { return s.handler }

// Close releases stalled requests and stops the listener of a NewServer.
func (s *Server) Close() {
	s.once.Do(func() { close(s.done) })
	if s.ts != nil {
		s.ts.Close()
	}
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/v3/scene/ip_reputation", s.serveReputation)
	mux.HandleFunc("/v3/ip/query", s.serveQuery)
	mux.HandleFunc("/v3/", s.serveBadMethod)
	mux.HandleFunc("GET /_fake/stats", s.serveStats)
	mux.HandleFunc("POST /_fake/reset", s.serveReset)
	return mux
}

// wait applies the configured latency; it reports false when the request
// or the server ended first.
func (s *Server) wait(r *http.Request) bool {
	if s.opts.Latency <= 0 {
		return true
	}
	t := time.NewTimer(s.opts.Latency)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.done:
		return false
	}
}
