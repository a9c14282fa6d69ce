package slackfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Response is one post to a response_url.
type Response struct {
	N    int            // response_url number
	Body map[string]any // the JSON posted
}

// apiResult is a method's answer: a body or a Slack error code.
type apiResult struct {
	body map[string]any
	err  string
}

func ok(kv map[string]any) apiResult { kv["ok"] = true; return apiResult{body: kv} }
func fail(code string) apiResult     { return apiResult{err: code} }

// serveAPI records the call, applies faults and validation, then answers.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	_ = r.ParseForm()
	call := Call{Method: method, Form: url.Values{}, Token: tokenKind(r), At: time.Now()}
	for k, v := range r.Form {
		if k != "token" {
			call.Form[k] = v
		}
	}
	if b := r.Form.Get("blocks"); b != "" {
		call.Blocks = json.RawMessage(b)
		call.Texts = BlockTexts(call.Blocks)
		if err := ValidateBlocks(call.Blocks); err != nil {
			call.Invalid = err.Error()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notify()
	call.Error = s.answer(w, r, &call)
	s.calls = append(s.calls, call)
}

// answer writes the reply for call and returns the error code sent.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, call *Call) string {
	want := "xoxb"
	if call.Method == "apps.connections.open" {
		want = "xapp"
	}
	if call.Token != want {
		reply(w, map[string]any{"ok": false, "error": "not_authed"})
		return "not_authed"
	}
	if f, ok := s.takeFault(call.Method); ok {
		return writeFault(w, f)
	}
	if call.Invalid != "" {
		reply(w, map[string]any{"ok": false, "error": "invalid_blocks", "errors": []string{call.Invalid}})
		return "invalid_blocks"
	}
	res := s.method(r, call.Method, call.Form)
	if res.err != "" {
		reply(w, map[string]any{"ok": false, "error": res.err})
		return res.err
	}
	if ts, ok := res.body["ts"].(string); ok {
		call.TS = ts
	}
	reply(w, res.body)
	return ""
}

// method dispatches one Web API method; s.mu is held.
func (s *Server) method(r *http.Request, name string, f url.Values) apiResult {
	switch name {
	case "auth.test":
		return ok(map[string]any{"url": "https://fake.slack.com/", "team": "Fake", "user": "tibot",
			"team_id": TeamID, "user_id": BotUserID, "bot_id": BotID})
	case "apps.connections.open":
		s.tickets++
		return ok(map[string]any{"url": "ws://" + r.Host + "/link/?ticket=t" + strconv.Itoa(s.tickets)})
	case "chat.postMessage", "chat.update", "chat.postEphemeral":
		return s.chat(name, f)
	case "files.getUploadURLExternal":
		return s.uploadURL(r, f)
	case "files.completeUploadExternal":
		return s.completeUpload(f)
	case "files.info":
		return s.fileInfo(f.Get("file"))
	case "conversations.info":
		ch := f.Get("channel")
		return ok(map[string]any{"channel": map[string]any{"id": ch, "is_channel": true, "is_member": !s.notMember[ch]}})
	}
	return fail("unknown_method")
}

// chat answers chat.postMessage, chat.update and chat.postEphemeral.
func (s *Server) chat(name string, f url.Values) apiResult {
	ch := f.Get("channel")
	switch {
	case ch == "":
		return fail("channel_not_found")
	case s.notMember[ch]:
		return fail("not_in_channel")
	case f.Get("text") == "" && f.Get("blocks") == "":
		return fail("no_text")
	}
	switch name {
	case "chat.update":
		if !s.posted[ch+"/"+f.Get("ts")] {
			return fail("message_not_found")
		}
		return ok(map[string]any{"channel": ch, "ts": f.Get("ts"), "text": f.Get("text")})
	case "chat.postEphemeral":
		if f.Get("user") == "" {
			return fail("user_not_in_channel")
		}
		return ok(map[string]any{"message_ts": s.nextTS()})
	}
	ts := s.nextTS()
	s.posted[ch+"/"+ts] = true
	return ok(map[string]any{"channel": ch, "ts": ts,
		"message": map[string]any{"text": f.Get("text"), "ts": ts, "thread_ts": f.Get("thread_ts")}})
}

func (s *Server) uploadURL(r *http.Request, f url.Values) apiResult {
	if f.Get("filename") == "" {
		return fail("invalid_arguments")
	}
	if n, err := strconv.Atoi(f.Get("length")); err != nil || n <= 0 {
		return fail("invalid_arguments")
	}
	id := fmt.Sprintf("F0UP%d", len(s.uploads)+1)
	s.uploads[id] = nil
	return ok(map[string]any{"file_id": id, "upload_url": "http://" + r.Host + "/upload/" + id})
}

func (s *Server) completeUpload(f url.Values) apiResult {
	var files []map[string]any
	if err := json.Unmarshal([]byte(f.Get("files")), &files); err != nil || len(files) == 0 {
		return fail("invalid_arguments")
	}
	if ch := f.Get("channel_id"); s.notMember[ch] {
		return fail("not_in_channel")
	}
	for _, file := range files {
		id, _ := file["id"].(string)
		if s.uploads[id] == nil {
			return fail("file_not_found")
		}
	}
	return ok(map[string]any{"files": files})
}

func (s *Server) fileInfo(id string) apiResult {
	file, found := s.files[id]
	if !found {
		return fail("file_not_found")
	}
	return ok(map[string]any{"file": s.fileObject(file)})
}

// serveUpload receives the multipart body of an upload URL.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	file, _, err := r.FormFile("file")
	var body []byte
	if err == nil {
		body, err = io.ReadAll(file)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notify()
	s.calls = append(s.calls, Call{Method: "upload", Form: url.Values{"id": {id}}, Token: tokenKind(r), At: time.Now()})
	if _, known := s.uploads[id]; !known || err != nil {
		http.Error(w, "bad upload", http.StatusBadRequest)
		return
	}
	s.uploads[id] = append([]byte{}, body...)
	_, _ = fmt.Fprintf(w, "OK - %d", len(body))
}

// serveDownload serves url_private_download; it requires the bot token.
func (s *Server) serveDownload(w http.ResponseWriter, r *http.Request) {
	team, id, _ := strings.Cut(r.PathValue("team"), "-")
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notify()
	call := Call{Method: "download", Form: url.Values{"file": {id}}, Token: tokenKind(r), At: time.Now()}
	file, found := s.files[id]
	switch {
	case call.Token != "xoxb":
		call.Error = "not_authed"
		http.Error(w, "forbidden", http.StatusForbidden)
	case team != TeamID || !found:
		call.Error = "file_not_found"
		http.NotFound(w, r)
	default:
		w.Header().Set("Content-Type", file.Mimetype)
		_, _ = w.Write(file.Content)
	}
	s.calls = append(s.calls, call)
}

// ResponseURL returns a fresh response_url on the fake.
func (s *Server) ResponseURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.respURLs++
	return s.URL + "/resp/" + strconv.Itoa(s.respURLs)
}

// Responses returns the posts made to response URLs.
func (s *Server) Responses() []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Response(nil), s.responses...)
}

// serveResponseURL records a response_url post; a sixth post to one URL
// fails, as Slack allows five.
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.PathValue("n"))
	var body map[string]any
	err := json.NewDecoder(r.Body).Decode(&body)
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notify()
	used := 0
	for _, resp := range s.responses {
		if resp.N == n {
			used++
		}
	}
	if err != nil || used >= 5 {
		http.Error(w, "used_url", http.StatusNotFound)
		return
	}
	s.responses = append(s.responses, Response{N: n, Body: body})
	reply(w, map[string]any{"ok": true})
}
