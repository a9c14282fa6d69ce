package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"tibot/bot"
)

// Webhook constants (https://core.telegram.org/bots/api#setwebhook).
const (
	// SecretHeader carries setWebhook's secret_token on every delivery.
	SecretHeader = "X-Telegram-Bot-Api-Secret-Token"
	// DefaultWebhookPath is where WebhookPath mounts the handler when the
	// webhook URL has no path.
	DefaultWebhookPath = "/telegram/webhook"
	maxUpdateBytes     = 1 << 20
	recentUpdateIDs    = 4096 // webhook deliveries remembered for de-duplication
)

// secretPattern is what Telegram accepts as secret_token.
var secretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// WebhookPath is the path of the configured webhook URL, where the
// WebhookHandler must be mounted ("" in polling mode).
func (a *Adapter) WebhookPath() string {
	if a.cfg.WebhookURL == "" {
		return ""
	}
	u, err := url.Parse(a.cfg.WebhookURL)
	if err != nil || u.Path == "" || u.Path == "/" {
		return DefaultWebhookPath
	}
	return u.Path
}

// WebhookHandler receives updates Telegram POSTs in webhook mode. A request
// without the configured secret in SecretHeader gets 401 and is not
// handled; before Listen has called setWebhook (or after it returned) the
// answer is 503, so Telegram delivers again later. Accepted updates are
// handled in the background after a 200, and de-duplicated by update_id.
func (a *Adapter) WebhookHandler() http.Handler { return http.HandlerFunc(a.serveWebhook) }

func (a *Adapter) serveWebhook(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	got, want := r.Header.Get(SecretHeader), a.cfg.WebhookSecret
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		a.log.Warn("telegram webhook: request with a wrong or missing secret refused", "remote", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	a.mu.Lock()
	d := a.hook
	a.mu.Unlock()
	if d == nil {
		http.Error(w, "not listening", http.StatusServiceUnavailable)
		return
	}
	var u tgbotapi.Update
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxUpdateBytes)).Decode(&u); err != nil {
		http.Error(w, "bad update", http.StatusBadRequest)
		return
	}
	if a.recent.add(u.UpdateID) && !d.run(u) {
		a.recent.forget(u.UpdateID)
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// listenWebhook registers the webhook and serves updates through
// WebhookHandler until ctx ends.
func (a *Adapter) listenWebhook(ctx context.Context, h bot.Handler) error {
	d := newDispatcher(ctx, a, h)
	a.mu.Lock()
	a.hook = d
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		a.hook = nil
		a.mu.Unlock()
		d.drain(a.cfg.DrainTimeout)
	}()
	p := tgbotapi.Params{"url": a.cfg.WebhookURL, "secret_token": a.cfg.WebhookSecret,
		"allowed_updates": allowedUpdates}
	if _, err := a.call(ctx, "setWebhook", p); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	a.log.Info("telegram webhook set", "path", a.WebhookPath())
	<-ctx.Done()
	return nil
}

// recentIDs remembers the last n update ids seen.
type recentIDs struct {
	mu   sync.Mutex
	n    int
	set  map[int]bool
	ring []int
}

func newRecentIDs(n int) *recentIDs { return &recentIDs{n: n, set: map[int]bool{}} }

// add records id and reports whether it is new.
func (r *recentIDs) add(id int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.set[id] {
		return false
	}
	r.set[id] = true
	r.ring = append(r.ring, id)
	if len(r.ring) > r.n {
		delete(r.set, r.ring[0])
		r.ring = r.ring[1:]
	}
	return true
}

// forget removes id, so a redelivery is handled.
func (r *recentIDs) forget(id int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.set, id)
}
