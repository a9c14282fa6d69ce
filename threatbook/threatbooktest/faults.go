package threatbooktest

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
)

// FaultKind selects what an injected fault does.
type FaultKind int

// Fault kinds.
const (
	// FaultCode answers HTTP 200 {"response_code": Code, "verbose_msg": Message}.
	FaultCode FaultKind = iota + 1
	// FaultPartial serves only the first Served addresses of a reputation
	// batch, then code 1 "Beyond Limitation from <next IP>".
	FaultPartial
	// FaultHTTP answers HTTP Status (default 503) with a text body.
	FaultHTTP
	// FaultMalformed answers HTTP 200 with an HTML page instead of JSON.
	FaultMalformed
	// FaultTruncated declares the full answer's Content-Length, sends half
	// of it and closes the connection.
	FaultTruncated
	// FaultSlowBody sends the headers and the first bytes, then stalls until
	// the client gives up or the server closes.
	FaultSlowBody
	// FaultClose closes the connection without answering.
	FaultClose
)

// Messages ThreatBook sends with its error codes (api.md §3).
const (
	MsgInvalidAccessIP       = "Invalid Access IP"
	MsgInvalidAPIKey         = "Invalid API Key"
	MsgExpiredAPIKey         = "Expired API Key"
	MsgInvalidKeyStatus      = "Invalid Key Status"
	MsgInvalidAccountStatus  = "Invalid Account Status"
	MsgInvalidParameter      = "Invalid Parameter: resource"
	MsgInvalidAPIMethod      = "Invalid API Method"
	MsgRequiredResource      = "Required:resource"
	MsgBeyondDailyLimitation = "Beyond Daily Limitation"
	MsgBeyondLimitation      = "Beyond Limitation"
	MsgFrequentLimitation    = "Frequent Limitation"
	MsgSystemError           = "System Error"
)

// Fault is an injected failure. Endpoint and Key restrict which requests it
// hits; Times is how many matching requests it hits (0 = all of them until
// ClearFaults).
type Fault struct {
	Kind     FaultKind
	Code     int    // FaultCode
	Message  string // FaultCode
	Served   int    // FaultPartial
	Status   int    // FaultHTTP, default 503
	Endpoint string // EndpointReputation, EndpointQuery or "" for both
	Key      string // only requests with this apikey; "" for any
	Times    int
}

// CodeFault is a FaultCode answering code and msg on every request.
func CodeFault(code int, msg string) Fault {
	return Fault{Kind: FaultCode, Code: code, Message: msg}
}

// SetFault replaces the injected faults with f.
func (s *Server) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = []*Fault{&f}
}

// AddFault appends f; faults are tried in the order added.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the first fault matching the request, using one of its
// Times.
func (s *Server) takeFault(ep, key string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if (f.Endpoint != "" && f.Endpoint != ep) || (f.Key != "" && f.Key != key) {
			continue
		}
		if f.Times > 0 {
			if f.Times--; f.Times == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		s.stats.Faults++
		out := *f
		return &out
	}
	return nil
}

// writeFault performs f.
func (s *Server) writeFault(w http.ResponseWriter, r *http.Request, f *Fault, ep string) {
	switch f.Kind {
	case FaultCode:
		writeAnswer(w, answer{Code: f.Code, Msg: f.Message})
	case FaultHTTP:
		status := f.Status
		if status == 0 {
			status = http.StatusServiceUnavailable
		}
		http.Error(w, http.StatusText(status), status)
	case FaultMalformed:
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
	case FaultTruncated:
		truncate(w, sampleBody(ep))
	case FaultSlowBody:
		s.stall(w, r)
	case FaultClose:
		hangUp(w)
	default:
		http.Error(w, fmt.Sprintf("unknown fault kind %d", f.Kind), http.StatusInternalServerError)
	}
}

// sampleBody is a complete answer used by the body faults.
func sampleBody(ep string) []byte {
	ip := "198.51.100.23"
	entry, _ := Generate(mustAddr(ip), ep)
	return []byte(`{"response_code":0,"verbose_msg":"OK","data":{"` + ip + `":` + string(entry) + `}}`)
}

// truncate writes half of body under a Content-Length for all of it, then
// drops the connection.
func truncate(w http.ResponseWriter, body []byte) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	var b bytes.Buffer
	b.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ")
	b.WriteString(strconv.Itoa(len(body)) + "\r\n\r\n")
	b.Write(body[:len(body)/2])
	_, _ = buf.Write(b.Bytes())
	_ = buf.Flush()
}

// stall sends the start of an answer and waits for the end of the request
// or of the server.
func (s *Server) stall(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"response_code": `))
	_ = http.NewResponseController(w).Flush()
	select {
	case <-r.Context().Done():
	case <-s.done:
	}
}

// hangUp closes the connection without a response.
func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}
