package tgfake

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
	"unicode/utf16"
)

// User is a Telegram user a test plays.
type User struct {
	ID    int64
	Name  string
	IsBot bool
}

// Chat is a chat a test plays in: Type "private" (ID = the user's),
// "group" or "supergroup" (negative IDs).
type Chat struct {
	ID    int64
	Type  string
	Title string
}

// Default identities of the Server's own helper methods.
var (
	DefaultUser = User{ID: 1001, Name: "analyst"}
	DefaultChat = Chat{ID: 1001, Type: "private"}
)

// Client plays one user in one chat.
type Client struct {
	s    *Server
	User User
	Chat Chat
}

// Client returns a player for u in chat c.
func (s *Server) Client(u User, c Chat) *Client { return &Client{s: s, User: u, Chat: c} }

// SendUserMessage queues a text message from DefaultUser in its DM.
func (s *Server) SendUserMessage(text string) int {
	return s.Client(DefaultUser, DefaultChat).SendUserMessage(text)
}

// SendCommand queues "/cmd args" from DefaultUser in its DM.
func (s *Server) SendCommand(cmd, args string) int {
	return s.Client(DefaultUser, DefaultChat).SendCommand(cmd, args)
}

// SendDocument queues a document from DefaultUser in its DM.
func (s *Server) SendDocument(name string, data []byte) int {
	return s.Client(DefaultUser, DefaultChat).SendDocument(name, data)
}

// SendCallback presses a button (its callback data) on message msgID in
// DefaultUser's DM and returns the callback query id.
func (s *Server) SendCallback(msgID int, data string) string {
	return s.Client(DefaultUser, DefaultChat).SendCallback(msgID, data)
}

// SendUserMessage queues a text message and returns its message id.
func (c *Client) SendUserMessage(text string) int {
	return c.send(&Message{Text: text, Plain: text}, nil)
}

// SendCommand queues "/cmd args" with its bot_command entity; cmd may be
// "ip" or "ip@SomeBot".
func (c *Client) SendCommand(cmd, args string) int {
	text := "/" + cmd
	n := len(utf16.Encode([]rune(text)))
	if args != "" {
		text += " " + args
	}
	return c.send(&Message{Text: text, Plain: text}, []wireEntity{{Type: "bot_command", Length: n}})
}

// SendDocument queues a document; its MIME type follows the extension.
func (c *Client) SendDocument(name string, data []byte) int {
	return c.SendDocumentSized(name, guessMIME(name), data, 0, "")
}

// SendDocumentSized queues a document with an explicit MIME type, a
// reported size (0: len(data); larger values test the 20 MB limit without
// allocating it) and a caption.
func (c *Client) SendDocumentSized(name, mime string, data []byte, size int64, caption string) int {
	c.s.mu.Lock()
	f := c.s.storeFile(name, mime, data, size)
	c.s.mu.Unlock()
	return c.send(&Message{Plain: caption, Document: &Document{FileID: f.id, Name: name, MIME: mime,
		Caption: caption, Data: data, Size: size}}, nil)
}

// send stores m in the chat and queues the update.
func (c *Client) send(m *Message, ents []wireEntity) int {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.chat(c.Chat.ID, c.Chat.Type, true)
	st.chat.Title = c.Chat.Title
	m.UserID = c.User.ID
	st.add(m)
	w := s.wire(st, m)
	w.From = &wireUser{ID: c.User.ID, IsBot: c.User.IsBot, FirstName: c.User.Name, Username: c.User.Name}
	w.Entities = ents
	s.queue(update{Message: w})
	return m.ID
}

// Callback is a button press and how the bot answered it.
type Callback struct {
	ID, Data  string
	MessageID int
	Answered  bool
	Text      string // answerCallbackQuery text
	Answers   int    // answer attempts, including refused repeats
}

// SendCallback presses a button with data on message msgID.
func (c *Client) SendCallback(msgID int, data string) string {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.chat(c.Chat.ID, c.Chat.Type, true)
	id := "cb" + strconv.Itoa(len(s.callbacks)+1)
	s.callbacks[id] = &Callback{ID: id, Data: data, MessageID: msgID}
	cb := &wireCallback{ID: id, From: wireUser{ID: c.User.ID, FirstName: c.User.Name}, Data: data,
		ChatInstance: strconv.FormatInt(c.Chat.ID, 10)}
	if m := st.find(int64(msgID)); m != nil {
		cb.Message = s.wire(st, m)
	}
	s.queue(update{CallbackQuery: cb})
	return id
}

// Callback returns a button press by id.
func (s *Server) Callback(id string) (Callback, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cb, ok := s.callbacks[id]
	if !ok {
		return Callback{}, false
	}
	return *cb, true
}

func (s *Server) answerCallbackQuery(p params) (any, error) {
	cb, ok := s.callbacks[p.str("callback_query_id")]
	if ok {
		cb.Answers++
	}
	if !ok || cb.Answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if Length(p.str("text")) > maxAnswerText {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	cb.Answered, cb.Text = true, p.str("text")
	return true, nil
}

// queue adds an update: POSTed to the webhook when one is set, else kept
// for getUpdates. Call with s.mu held.
func (s *Server) queue(u update) {
	u.UpdateID = s.nextUpd
	s.nextUpd++
	if s.webhook.url != "" {
		s.deliver(u)
	} else {
		s.updates = append(s.updates, u)
	}
	s.notify()
}

// Pending counts updates not yet confirmed by a getUpdates offset.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

// getUpdates implements long polling: updates below offset are confirmed
// and dropped; with none left the call holds up to timeout seconds,
// returning as soon as one arrives or the client goes away. A newer
// getUpdates ends an older one with 409, as Telegram does.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, p params) {
	offset, err1 := p.int64("offset")
	limit, err2 := p.int64("limit")
	timeout, err3 := p.int64("timeout")
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			writeErr(w, err)
			return
		}
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	s.mu.Lock()
	if s.webhook.url != "" {
		s.mu.Unlock()
		writeErr(w, &apiErr{code: http.StatusConflict,
			desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"})
		return
	}
	s.confirm(offset)
	s.polls++
	me := s.polls
	s.notify() // ends an older poll
	s.mu.Unlock()
	ups, err := s.waitUpdates(r.Context(), me, int(limit), time.Duration(timeout)*time.Second)
	writeResult(w, ups, err)
}

// confirm drops updates below offset (offset ≤ 0 confirms nothing).
func (s *Server) confirm(offset int64) {
	i := 0
	for i < len(s.updates) && int64(s.updates[i].UpdateID) < offset {
		i++
	}
	if i > 0 {
		s.updates = append([]update(nil), s.updates[i:]...)
		s.notify()
	}
}

// waitUpdates returns up to limit queued updates, waiting for some.
func (s *Server) waitUpdates(ctx context.Context, me, limit int, timeout time.Duration) ([]json.RawMessage, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		s.mu.Lock()
		if s.polls != me {
			s.mu.Unlock()
			return nil, &apiErr{code: http.StatusConflict,
				desc: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
		}
		if n := min(limit, len(s.updates)); n > 0 || timeout == 0 {
			out := make([]json.RawMessage, n)
			for i, u := range s.updates[:n] {
				out[i], _ = json.Marshal(u)
			}
			s.mu.Unlock()
			return out, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-s.closed:
			return nil, &apiErr{code: http.StatusServiceUnavailable, desc: "server closed"}
		case <-t.C:
			return []json.RawMessage{}, nil
		}
	}
}

// WaitFor blocks until pred holds (checked after every change in the
// fake) or ctx ends.
func (s *Server) WaitFor(ctx context.Context, pred func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if pred() {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}
