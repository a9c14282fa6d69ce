package tgfake

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"sync"
	"time"
)

// SecretHeader is the header webhook deliveries carry the secret in.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// secretPattern is what setWebhook accepts as secret_token.
var secretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// webhookState is the webhook set with setWebhook.
type webhookState struct {
	url, secret string
	deliveries  []Delivery
	start       sync.Once
	queue       chan delivery // one worker delivers in order
}

// delivery is a queued webhook POST.
type delivery struct {
	u           update
	url, secret string
}

// Delivery is one webhook POST and how the bot answered it.
type Delivery struct {
	UpdateID int
	Status   int   // HTTP status, 0 on a transport error
	Err      error // transport error
}

func (s *Server) setWebhook(p params) (any, error) {
	if p.str("url") == "" {
		return s.deleteWebhook(p)
	}
	if sec := p.str("secret_token"); sec != "" && !secretPattern.MatchString(sec) {
		return nil, badRequest("secret token contains unallowed characters")
	}
	s.webhook.url, s.webhook.secret = p.str("url"), p.str("secret_token")
	pending := s.updates
	s.updates = nil
	for _, u := range pending {
		s.deliver(u)
	}
	return true, nil
}

func (s *Server) deleteWebhook(p params) (any, error) {
	s.webhook.url, s.webhook.secret = "", ""
	if p.str("drop_pending_updates") == "true" {
		s.updates = nil
	}
	return true, nil
}

func (s *Server) getWebhookInfo(params) (any, error) {
	return map[string]any{"url": s.webhook.url, "has_custom_certificate": false,
		"pending_update_count": len(s.updates)}, nil
}

func (s *Server) setMyCommands(p params) (any, error) {
	var cmds []BotCommand
	if err := json.Unmarshal([]byte(p.str("commands")), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	valid := regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
	for _, c := range cmds {
		if !valid.MatchString(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := Length(c.Description); n < 1 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	s.commands = cmds
	return true, nil
}

// Webhook returns the URL and secret set with setWebhook.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook.url, s.webhook.secret
}

// Deliveries returns the webhook POSTs made so far.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.webhook.deliveries...)
}

// deliver queues u for the webhook worker, which POSTs updates in order.
// Call with s.mu held.
func (s *Server) deliver(u update) {
	s.webhook.start.Do(func() {
		s.webhook.queue = make(chan delivery, 4096)
		go s.deliverLoop(s.webhook.queue)
	})
	s.webhook.queue <- delivery{u: u, url: s.webhook.url, secret: s.webhook.secret}
}

// deliverLoop POSTs queued updates until the server closes.
func (s *Server) deliverLoop(q chan delivery) {
	for {
		select {
		case <-s.closed:
			return
		case d := <-q:
			status, err := DeliverWebhook(context.Background(), d.url, d.secret, d.u)
			s.mu.Lock()
			s.webhook.deliveries = append(s.webhook.deliveries, Delivery{UpdateID: d.u.UpdateID, Status: status, Err: err})
			s.notify()
			s.mu.Unlock()
		}
	}
}

// DeliverWebhook POSTs an update (any JSON value) to url with secret in
// SecretHeader ("" sends no header) and returns the HTTP status.
func DeliverWebhook(ctx context.Context, url, secret string, upd any) (int, error) {
	body, err := json.Marshal(upd)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(SecretHeader, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
