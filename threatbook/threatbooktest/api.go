package threatbooktest

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"slices"
	"strings"
)

// Endpoint names used in Fault.Endpoint and Stats.
const (
	EndpointReputation = "reputation"
	EndpointQuery      = "query"
)

// MaxBatch is the most addresses one ip_reputation call accepts; more get
// -1 "Invalid Parameter: resource" (the real reply is undocumented).
const MaxBatch = 100

// answer is the envelope the fake writes.
type answer struct {
	Code int                        `json:"response_code"`
	Msg  string                     `json:"verbose_msg"`
	Data map[string]json.RawMessage `json:"data,omitempty"`
}

func (s *Server) serveReputation(w http.ResponseWriter, r *http.Request) {
	key, ips, ok := s.begin(w, r, EndpointReputation)
	if !ok {
		return
	}
	limit := len(ips)
	if f := s.takeFault(EndpointReputation, key); f != nil {
		if f.Kind != FaultPartial {
			s.writeFault(w, r, f, EndpointReputation)
			return
		}
		limit = min(limit, max(f.Served, 0))
	}
	served, spent := s.charge(key, EndpointReputation, min(limit, len(ips)))
	if spent {
		writeAnswer(w, answer{Code: -4, Msg: MsgBeyondDailyLimitation})
		return
	}
	a := answer{Code: 0, Msg: "OK", Data: map[string]json.RawMessage{}}
	for _, ip := range ips[:served] {
		if body, ok := s.reputationFor(ip); ok {
			a.Data[ip.String()] = body
		}
	}
	switch {
	case served < len(ips):
		a.Code, a.Msg = 1, "Beyond Limitation from "+ips[served].String()
	case len(a.Data) == 0:
		a.Code, a.Msg, a.Data = 2, "No Data", nil
	}
	writeAnswer(w, a)
}

func (s *Server) serveQuery(w http.ResponseWriter, r *http.Request) {
	key, ips, ok := s.begin(w, r, EndpointQuery)
	if !ok {
		return
	}
	if len(ips) != 1 {
		writeAnswer(w, answer{Code: -1, Msg: MsgInvalidParameter})
		return
	}
	if f := s.takeFault(EndpointQuery, key); f != nil && f.Kind != FaultPartial {
		s.writeFault(w, r, f, EndpointQuery)
		return
	}
	if _, spent := s.charge(key, EndpointQuery, 1); spent {
		writeAnswer(w, answer{Code: -4, Msg: MsgBeyondLimitation})
		return
	}
	body, ok := s.queryFor(ips[0])
	if !ok {
		writeAnswer(w, answer{Code: 2, Msg: "No Data"})
		return
	}
	writeAnswer(w, answer{Code: 0, Msg: "OK", Data: map[string]json.RawMessage{ips[0].String(): body}})
}

// begin counts the request, waits the latency and validates apikey and
// resource. It writes the error answer itself and reports false when the
// request is over.
func (s *Server) begin(w http.ResponseWriter, r *http.Request, ep string) (string, []netip.Addr, bool) {
	s.count(func(st *Stats) { st.Requests++; st.ByEndpoint[ep]++ })
	if !s.wait(r) {
		return "", nil, false
	}
	key := strings.TrimSpace(r.FormValue("apikey"))
	res := strings.TrimSpace(r.FormValue("resource"))
	switch {
	case key == "":
		writeAnswer(w, answer{Code: -3, Msg: "Required:apikey"})
		return "", nil, false
	case res == "":
		writeAnswer(w, answer{Code: -3, Msg: "Required:resource"})
		return "", nil, false
	case !s.keyOK(key):
		writeAnswer(w, answer{Code: -1, Msg: MsgInvalidAPIKey})
		return "", nil, false
	}
	ips, ok := parseResource(res)
	if !ok {
		writeAnswer(w, answer{Code: -1, Msg: MsgInvalidParameter})
		return "", nil, false
	}
	s.count(func(st *Stats) { st.IPs += len(ips) })
	return key, ips, true
}

func (s *Server) keyOK(key string) bool {
	return len(s.opts.Keys) == 0 || slices.Contains(s.opts.Keys, key)
}

// parseResource splits a comma-separated list of at most MaxBatch
// addresses, dropping duplicates.
func parseResource(res string) ([]netip.Addr, bool) {
	parts := strings.Split(res, ",")
	if len(parts) > MaxBatch {
		return nil, false
	}
	ips := make([]netip.Addr, 0, len(parts))
	for _, p := range parts {
		ip, err := netip.ParseAddr(strings.TrimSpace(p))
		if err != nil {
			return nil, false
		}
		if ip = ip.Unmap(); !slices.Contains(ips, ip) {
			ips = append(ips, ip)
		}
	}
	return ips, true
}

func (s *Server) serveBadMethod(w http.ResponseWriter, r *http.Request) {
	s.count(func(st *Stats) { st.Requests++ })
	writeAnswer(w, answer{Code: -2, Msg: "Invalid API Method"})
}

func writeAnswer(w http.ResponseWriter, a answer) {
	body, err := json.Marshal(a)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(body)
}
