package slack

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// maxHTTPBody caps a request body from Slack.
const maxHTTPBody = 1 << 20

// HTTPHandler serves HTTP mode: the Events API (including the
// url_verification challenge), slash commands and interactivity, all on
// any path under Config.HTTPPath (the manifest may use one URL for all
// three, or …/events, …/commands, …/interactivity). Every request must
// carry a valid Slack signature (X-Slack-Signature, at most five minutes
// old) or is refused with 401. Requests are answered at once and handled
// in the background; until Listen runs they get 503.
func (a *Adapter) HTTPHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+a.cfg.HTTPPath+"/", a.serveHTTP)
	mux.HandleFunc("POST "+a.cfg.HTTPPath, a.serveHTTP)
	return mux
}

// HTTPPath returns the path prefix HTTPHandler serves.
func (a *Adapter) HTTPPath() string { return a.cfg.HTTPPath }

func (a *Adapter) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxHTTPBody))
	if err != nil {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return
	}
	if err := a.verify(r.Header, body); err != nil {
		a.log.WarnContext(r.Context(), "slack request refused", "path", r.URL.Path, "err", err)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	if a.handler.Load() == nil {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		a.serveEvent(w, body)
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	if p := form.Get("payload"); p != "" {
		a.serveInteraction(w, p)
		return
	}
	a.serveSlash(w, form)
}

// verify checks the request signature with the signing secret.
func (a *Adapter) verify(h http.Header, body []byte) error {
	sv, err := slackapi.NewSecretsVerifier(h, a.cfg.SigningSecret)
	if err != nil {
		return err
	}
	if _, err := sv.Write(body); err != nil {
		return err
	}
	return sv.Ensure()
}

// serveEvent answers the url_verification challenge, or acknowledges an
// event callback and handles it.
func (a *Adapter) serveEvent(w http.ResponseWriter, body []byte) {
	e, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
	if err != nil {
		w.WriteHeader(http.StatusOK) // unknown event types: acknowledge, ignore
		a.log.Debug("slack event not parsed", "err", err)
		return
	}
	if e.Type == slackevents.URLVerification {
		var ch slackevents.ChallengeResponse
		if json.Unmarshal(body, &ch) != nil {
			http.Error(w, "bad challenge", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, ch.Challenge)
		return
	}
	w.WriteHeader(http.StatusOK)
	if d, ok := a.fromEventsAPI(e); ok {
		a.spawn(d)
	}
}

// serveSlash acknowledges a slash command (with the private note) and
// handles it.
func (a *Adapter) serveSlash(w http.ResponseWriter, form url.Values) {
	c := slackapi.SlashCommand{TeamID: form.Get("team_id"), ChannelID: form.Get("channel_id"),
		ChannelName: form.Get("channel_name"), UserID: form.Get("user_id"), UserName: form.Get("user_name"),
		Command: form.Get("command"), Text: form.Get("text"), ResponseURL: form.Get("response_url")}
	if c.Command == "" {
		http.Error(w, "unknown request", http.StatusBadRequest)
		return
	}
	if a.cfg.AckText != "-" {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"response_type": "ephemeral", "text": escape(a.cfg.AckText)})
	} else {
		w.WriteHeader(http.StatusOK)
	}
	a.spawn(a.fromSlash(c))
}

// serveInteraction acknowledges a button click and handles it.
func (a *Adapter) serveInteraction(w http.ResponseWriter, payload string) {
	var cb slackapi.InteractionCallback
	if err := json.Unmarshal([]byte(payload), &cb); err != nil {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
	if d, ok := a.fromInteraction(cb); ok {
		a.spawn(d)
	}
}
