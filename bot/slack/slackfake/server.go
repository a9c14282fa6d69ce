// Package slackfake is an in-process fake of Slack for tests: the Socket
// Mode websocket (hello, pings, envelopes, acks, disconnects) and the Web
// API methods tibot calls (auth.test, chat.*, files.*, conversations.info),
// on one httptest server. Every call is recorded; faults (HTTP 429 with
// Retry-After, {"ok":false,"error":…}) are injected per method; message
// blocks are checked by ValidateBlocks.
//
// Point slack-go at it with slack.OptionAPIURL(s.APIURL) (the trailing
// slash matters); upload and download URLs are served on the same host, the
// only non-Slack host slack-go sends the token to.
package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Fixed identities the fake answers with.
const (
	TeamID    = "T0FAKE"
	BotUserID = "U0TIBOT"
	BotID     = "B0TIBOT"
	AppID     = "A0TIBOT"
)

// AckDeadline is Slack's acknowledgement deadline for envelopes.
const AckDeadline = 3 * time.Second

// Call is one recorded Web API call. The token is never recorded, only
// its kind ("xoxb", "xapp" or "" when absent).
type Call struct {
	Method string          // e.g. "chat.postMessage"
	Form   url.Values      // request parameters without token
	Token  string          // token kind
	Blocks json.RawMessage // the blocks parameter, if any
	Texts  []string        // every text in Blocks, in order (header, sections, fields, context, buttons)
	// Invalid is the validator's verdict on Blocks ("" = valid).
	Invalid string
	Error   string // the Slack error answered ("" = ok), "ratelimited" for 429
	TS      string // the message ts the fake answered with, if any
	At      time.Time
}

// Fault is an injected failure.
type Fault struct {
	Status     int    // HTTP status; 429 sends Retry-After
	RetryAfter int    // seconds, for 429
	Error      string // Slack error code, e.g. "not_in_channel"
}

// File is a file the fake serves through files.info and its download URL.
type File struct {
	ID       string
	Name     string
	Mimetype string
	Filetype string
	Content  []byte
	Size     int // reported size; len(Content) when 0
}

// Server is the fake. Create it with New.
type Server struct {
	URL    string // base URL, http://127.0.0.1:port
	APIURL string // URL + "/api/", for slack.OptionAPIURL

	srv *httptest.Server

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every recorded change
	calls     []Call
	faults    map[string][]Fault
	files     map[string]File
	notMember map[string]bool
	ts        int
	posted    map[string]bool // "channel/ts" of messages posted
	uploads   map[string][]byte
	tickets   int
	responses []Response
	respURLs  int
	sock      socket
}

// New starts a fake and closes it when tb's test ends.
func New(tb testing.TB) *Server {
	s := &Server{
		changed:   make(chan struct{}),
		faults:    map[string][]Fault{},
		files:     map[string]File{},
		notMember: map[string]bool{},
		uploads:   map[string][]byte{},
		posted:    map[string]bool{},
	}
	s.sock.init()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/{method}", s.serveAPI)
	mux.HandleFunc("GET /api/{method}", s.serveAPI)
	mux.HandleFunc("GET /link/", s.serveSocket)
	mux.HandleFunc("POST /upload/{id}", s.serveUpload)
	mux.HandleFunc("GET /files-pri/{team}/download/{name}", s.serveDownload)
	mux.HandleFunc("POST /resp/{n}", s.serveResponseURL)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	s.APIURL = s.srv.URL + "/api/"
	tb.Cleanup(s.Close)
	return s
}

// Close drops every websocket and stops the server.
func (s *Server) Close() {
	s.mu.Lock()
	conns := append([]*wsConn(nil), s.sock.conns...)
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.c.Close()
	}
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Fail makes the next n calls of method fail with f.
func (s *Server) Fail(method string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[method] = append(s.faults[method], f)
	}
}

// AddFile registers a file for files.info and download.
func (s *Server) AddFile(f File) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[f.ID] = f
}

// SetNotMember makes chat.* calls to channel fail with not_in_channel and
// conversations.info report is_member false.
func (s *Server) SetNotMember(channel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notMember[channel] = true
}

// Calls returns the recorded calls of method ("" for all), in order.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Uploaded returns the bytes uploaded for a file id.
func (s *Server) Uploaded(fileID string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.uploads[fileID]
}

// Wait polls cond on every recorded change until it is true or ctx ends.
func (s *Server) Wait(ctx context.Context, cond func(s *Server) bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond(s) {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("slackfake: condition not met: %w", ctx.Err())
		}
	}
}

// WaitCalls waits until method was called at least n times and returns
// its calls.
func (s *Server) WaitCalls(ctx context.Context, method string, n int) ([]Call, error) {
	err := s.Wait(ctx, func(s *Server) bool { return len(s.Calls(method)) >= n })
	if err != nil {
		return s.Calls(method), fmt.Errorf("%s called %d times, want %d: %w", method, len(s.Calls(method)), n, err)
	}
	return s.Calls(method), nil
}

// notify wakes waiters; s.mu must be held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// nextTS returns a realistic message timestamp; s.mu must be held.
func (s *Server) nextTS() string {
	s.ts++
	return "1700000000." + fmt.Sprintf("%06d", s.ts)
}

// tokenKind returns "xoxb", "xapp" or "" for the request's token.
func tokenKind(r *http.Request) string {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if tok == "" {
		tok = r.Form.Get("token")
	}
	kind, _, ok := strings.Cut(tok, "-")
	if !ok || (kind != "xoxb" && kind != "xapp") {
		return ""
	}
	return kind
}

// reply writes a JSON answer.
func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// takeFault pops the next fault for method; s.mu must be held.
func (s *Server) takeFault(method string) (Fault, bool) {
	fs := s.faults[method]
	if len(fs) == 0 {
		return Fault{}, false
	}
	s.faults[method] = fs[1:]
	return fs[0], true
}

// writeFault answers with f.
func writeFault(w http.ResponseWriter, f Fault) string {
	if f.Status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		w.WriteHeader(http.StatusTooManyRequests)
		return "ratelimited"
	}
	if f.Status != 0 && f.Status != http.StatusOK {
		w.WriteHeader(f.Status)
		return http.StatusText(f.Status)
	}
	reply(w, map[string]any{"ok": false, "error": f.Error})
	return f.Error
}
