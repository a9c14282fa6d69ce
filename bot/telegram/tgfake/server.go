// Package tgfake is a fake Telegram Bot API server for tests (httptest,
// the real wire format). It keeps chats, messages with their edit
// history, documents and callback answers in memory; implements getUpdates
// with real long-poll semantics (offset confirms, timeout holds), webhook
// delivery with the secret header, validation of HTML, text length and
// callback_data, "message is not modified", and injected failures such as
// 429 with retry_after. Tests play users through Client.
package tgfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Defaults of a new Server.
const (
	// Token is the bot token the fake accepts (a well-formed fake).
	Token = "123456789:AAFakeTokenForTibotTestsOnly_0123456"
	// BotID and BotName identify the bot in getMe.
	BotID   = 987654321
	BotName = "tibot_test_bot"
)

// Fault is a failure injected into the next calls of one method.
type Fault struct {
	Code        int    // HTTP status and error_code, e.g. 429
	Description string // e.g. "Too Many Requests: retry after 1"
	RetryAfter  int    // parameters.retry_after in seconds, 0 to omit
}

// Server is the fake. Create it with New.
type Server struct {
	srv    *httptest.Server
	token  string
	closed chan struct{}
	once   sync.Once

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every change
	updates   []update
	nextUpd   int
	confirmed int // updates below this id were confirmed by an offset
	chats     map[int64]*chatState
	files     map[string]storedFile
	callbacks map[string]*Callback
	faults    map[string][]Fault
	calls     map[string]int
	commands  []BotCommand
	webhook   webhookState
	polls     int // getUpdates calls started, to end superseded ones
}

// New starts a fake for tb (closed on cleanup).
func New(tb testing.TB) *Server {
	s := &Server{
		token: Token, closed: make(chan struct{}), changed: make(chan struct{}), nextUpd: 1, chats: map[int64]*chatState{},
		files: map[string]storedFile{}, callbacks: map[string]*Callback{}, faults: map[string][]Fault{},
		calls: map[string]int{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.route))
	tb.Cleanup(s.Close)
	return s
}

// Close shuts the server down.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closed) })
	s.srv.Close()
}

// URL is the server's base URL.
func (s *Server) URL() string { return s.srv.URL }

// APIURL is the endpoint in telegram-bot-api's "…/bot%s/%s" form.
func (s *Server) APIURL() string { return s.srv.URL + "/bot%s/%s" }

// FileURL is the download endpoint, "…/file/bot%s/%s".
func (s *Server) FileURL() string { return s.srv.URL + "/file/bot%s/%s" }

// Fail makes the next len(faults) calls of method fail, in order.
func (s *Server) Fail(method string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], faults...)
}

// RateLimit makes the next call of method fail with 429 and retry_after.
func (s *Server) RateLimit(method string, retryAfter int) {
	s.Fail(method, Fault{Code: http.StatusTooManyRequests, RetryAfter: retryAfter,
		Description: fmt.Sprintf("Too Many Requests: retry after %d", retryAfter)})
}

// Calls counts the calls of method so far (failed ones included).
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// BotCommand is one entry set with setMyCommands.
type BotCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// Commands returns the command menu last set with setMyCommands.
func (s *Server) Commands() []BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]BotCommand(nil), s.commands...)
}

// methods maps Bot API methods to handlers; each runs with s.mu held and
// returns a result or an *apiErr.
func (s *Server) methods() map[string]func(params) (any, error) {
	return map[string]func(params) (any, error){
		"getMe":                  s.getMe,
		"getUpdates":             nil, // handled outside the lock: it blocks
		"sendMessage":            s.sendMessage,
		"editMessageText":        s.editMessageText,
		"editMessageReplyMarkup": s.editMessageReplyMarkup,
		"answerCallbackQuery":    s.answerCallbackQuery,
		"sendDocument":           s.sendDocument,
		"getFile":                s.getFile,
		"setWebhook":             s.setWebhook,
		"deleteWebhook":          s.deleteWebhook,
		"getWebhookInfo":         s.getWebhookInfo,
		"setMyCommands":          s.setMyCommands,
		"sendChatAction":         func(params) (any, error) { return true, nil },
		"deleteMessage":          s.deleteMessage,
	}
}

// route serves /bot<token>/<method> and /file/bot<token>/<path>.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		s.serveFile(w, rest)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		writeErr(w, &apiErr{code: http.StatusNotFound, desc: "Not Found"})
		return
	}
	if token != s.token {
		writeErr(w, &apiErr{code: http.StatusUnauthorized, desc: "Unauthorized"})
		return
	}
	p, err := parseParams(r)
	if err != nil {
		writeErr(w, badRequest("can't parse request: "+err.Error()))
		return
	}
	s.dispatch(w, r, method, p)
}

// dispatch runs one Bot API method (or its injected fault).
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, method string, p params) {
	h, known := s.methods()[method]
	switch f, failed := s.takeFault(method); {
	case !known:
		writeErr(w, &apiErr{code: http.StatusNotFound, desc: "Not Found: method not found"})
	case failed:
		writeErr(w, &apiErr{code: f.Code, desc: f.Description, retryAfter: f.RetryAfter})
	case method == "getUpdates":
		s.getUpdates(w, r, p)
	default:
		s.mu.Lock()
		res, err := h(p)
		if err == nil {
			s.notify()
		}
		s.mu.Unlock()
		writeResult(w, res, err)
	}
}

// takeFault counts the call and pops an injected fault.
func (s *Server) takeFault(method string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[method]++
	fs := s.faults[method]
	if len(fs) == 0 {
		return Fault{}, false
	}
	s.faults[method] = fs[1:]
	s.notify()
	return fs[0], true
}

// notify wakes WaitFor and long polls; call with s.mu held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) getMe(params) (any, error) {
	return wireUser{ID: BotID, IsBot: true, FirstName: "tibot", Username: BotName}, nil
}

// apiErr is a Bot API error answer.
type apiErr struct {
	code       int
	desc       string
	retryAfter int
}

// Error returns the description.
func (e *apiErr) Error() string { return e.desc }

func badRequest(desc string) *apiErr {
	return &apiErr{code: http.StatusBadRequest, desc: "Bad Request: " + desc}
}

// writeResult writes {"ok":true,"result":…} or the error.
func writeResult(w http.ResponseWriter, res any, err error) {
	if err != nil {
		writeErr(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": res})
}

// writeErr writes Telegram's error shape.
func writeErr(w http.ResponseWriter, err error) {
	e, ok := err.(*apiErr)
	if !ok {
		e = &apiErr{code: http.StatusInternalServerError, desc: "Internal Server Error: " + err.Error()}
	}
	body := map[string]any{"ok": false, "error_code": e.code, "description": e.desc}
	if e.retryAfter > 0 {
		body["parameters"] = map[string]int{"retry_after": e.retryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.code)
	_ = json.NewEncoder(w).Encode(body)
}
