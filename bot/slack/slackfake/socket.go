package slackfake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// PingInterval is how often the fake pings each websocket, so slack-go's
// dead-connection timer never fires in tests.
const PingInterval = 200 * time.Millisecond

// Envelope is one Socket Mode request as Slack sends it.
type Envelope struct {
	EnvelopeID             string `json:"envelope_id"`
	Type                   string `json:"type"` // events_api, slash_commands, interactive
	AcceptsResponsePayload bool   `json:"accepts_response_payload,omitempty"`
	RetryAttempt           int    `json:"retry_attempt"`
	RetryReason            string `json:"retry_reason,omitempty"`
	Payload                any    `json:"payload"`
}

// Ack is the client's acknowledgement of an envelope.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage // null when the ack carried no payload
	Delay      time.Duration   // from Send to the ack
}

// socket is the websocket side of the fake; guarded by Server.mu.
type socket struct {
	conns  []*wsConn
	opened int
	sent   map[string]time.Time
	acks   map[string]Ack
}

type wsConn struct {
	c    *websocket.Conn
	wmu  sync.Mutex // serialises data frames
	done chan struct{}
}

func (k *socket) init() {
	k.sent = map[string]time.Time{}
	k.acks = map[string]Ack{}
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// serveSocket runs one websocket: hello, pings, and acks read until the
// connection ends.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	conn := &wsConn{c: c, done: make(chan struct{})}
	s.mu.Lock()
	s.sock.conns = append(s.sock.conns, conn)
	s.sock.opened++
	n := s.sock.opened
	s.notify()
	s.mu.Unlock()
	defer s.dropConn(conn)
	hello := map[string]any{"type": "hello", "num_connections": n,
		"connection_info": map[string]any{"app_id": AppID}, "debug_info": map[string]any{"host": "slackfake"}}
	if conn.write(hello) != nil {
		return
	}
	go conn.ping()
	for {
		_, msg, err := c.ReadMessage()
		if err != nil {
			return
		}
		s.recordAck(msg)
	}
}

// ping sends a ping control frame every PingInterval until the conn ends.
func (c *wsConn) ping() {
	t := time.NewTicker(PingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			if c.c.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second)) != nil {
				return
			}
		}
	}
}

func (c *wsConn) write(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.c.WriteJSON(v)
}

// dropConn forgets a finished connection.
func (s *Server) dropConn(conn *wsConn) {
	_ = conn.c.Close()
	s.forget(conn)
}

// forget removes conn from the live connections, so Send and
// WaitConnections never pick a websocket that is closed or closing.
func (s *Server) forget(conn *wsConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, c := range s.sock.conns {
		if c == conn {
			s.sock.conns = append(s.sock.conns[:i:i], s.sock.conns[i+1:]...)
			close(conn.done)
			break
		}
	}
	s.notify()
}

func (s *Server) recordAck(msg []byte) {
	var a struct {
		EnvelopeID string          `json:"envelope_id"`
		Payload    json.RawMessage `json:"payload"`
	}
	if json.Unmarshal(msg, &a) != nil || a.EnvelopeID == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notify()
	if _, dup := s.sock.acks[a.EnvelopeID]; dup {
		return
	}
	s.sock.acks[a.EnvelopeID] = Ack{EnvelopeID: a.EnvelopeID, Payload: a.Payload,
		Delay: time.Since(s.sock.sent[a.EnvelopeID])}
}

// current returns the newest live connection; s.mu must be held.
func (s *Server) current() *wsConn {
	if len(s.sock.conns) == 0 {
		return nil
	}
	return s.sock.conns[len(s.sock.conns)-1]
}

// Send delivers env over the newest websocket, waiting for a connection
// until ctx ends.
func (s *Server) Send(ctx context.Context, env Envelope) error {
	var conn *wsConn
	err := s.Wait(ctx, func(s *Server) bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		conn = s.current()
		return conn != nil
	})
	if err != nil {
		return fmt.Errorf("send %s: no websocket: %w", env.EnvelopeID, err)
	}
	s.mu.Lock()
	if _, again := s.sock.sent[env.EnvelopeID]; !again {
		s.sock.sent[env.EnvelopeID] = time.Now()
	}
	s.mu.Unlock()
	return conn.write(env)
}

// WaitAck waits for the ack of an envelope. It fails when ctx ends first
// or when the ack came later than AckDeadline after Send.
func (s *Server) WaitAck(ctx context.Context, envelopeID string) (Ack, error) {
	var a Ack
	err := s.Wait(ctx, func(s *Server) bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		var found bool
		a, found = s.sock.acks[envelopeID]
		return found
	})
	if err != nil {
		return a, fmt.Errorf("no ack for %s: %w", envelopeID, err)
	}
	if a.Delay > AckDeadline {
		return a, fmt.Errorf("ack for %s after %v, deadline %v", envelopeID, a.Delay, AckDeadline)
	}
	return a, nil
}

// Acks returns the number of envelopes acknowledged.
func (s *Server) Acks() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sock.acks)
}

// Connections returns how many websockets were opened so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sock.opened
}

// WaitConnections waits until at least n websockets were opened and one
// is live.
func (s *Server) WaitConnections(ctx context.Context, n int) error {
	return s.Wait(ctx, func(s *Server) bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.sock.opened >= n && s.current() != nil
	})
}

// Disconnect asks the client to reconnect the way Slack does
// ({"type":"disconnect","reason":"refresh_requested"}), then closes the
// websocket.
func (s *Server) Disconnect() error {
	conn := s.live()
	if conn == nil {
		return errors.New("slackfake: no websocket to disconnect")
	}
	err := conn.write(map[string]any{"type": "disconnect", "reason": "refresh_requested"})
	s.forget(conn)
	return errors.Join(err, conn.close())
}

// Drop closes the newest websocket abruptly, without a disconnect message.
func (s *Server) Drop() error {
	conn := s.live()
	if conn == nil {
		return errors.New("slackfake: no websocket to drop")
	}
	s.forget(conn)
	return conn.close()
}

// close closes the websocket. A connection the client or the read loop has
// already closed is not an error: the test wanted it gone, and it is. (The
// client answers a disconnect message by closing at once, so this race is
// real: it failed CI once.)
func (c *wsConn) close() error {
	if err := c.c.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

func (s *Server) live() *wsConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current()
}
