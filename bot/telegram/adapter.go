// Package telegram connects tibot to Telegram with
// github.com/go-telegram-bot-api/telegram-bot-api/v5 (imported only here):
// its own context-aware long-poll loop or a webhook receives updates, which
// become bot.Messages; cards are rendered as Telegram HTML with inline
// keyboards. The API and file-download endpoints are configurable so tests
// run against tgfake.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"tibot/bot"
	"tibot/card"
)

// Defaults of Config.
const (
	// DefaultPollTimeout is how long one getUpdates call waits for updates
	// (https://core.telegram.org/bots/api#getupdates).
	DefaultPollTimeout = 30 * time.Second
	// MaxDownloadBytes is the Bot API's getFile download limit
	// (https://core.telegram.org/bots/api#getfile).
	MaxDownloadBytes = 20 << 20
	// DefaultDrainTimeout bounds how long Listen waits for running
	// handlers after its context ends.
	DefaultDrainTimeout = 15 * time.Second
)

// Config configures an Adapter. Only Token is required.
type Config struct {
	Token         string // from @BotFather: "123456789:AA…"
	APIURL        string // tgbotapi form "…/bot%s/%s"; default tgbotapi.APIEndpoint
	FileURL       string // "…/file/bot%s/%s"; default: derived from APIURL
	WebhookURL    string // public https URL; empty means long polling
	WebhookSecret string // X-Telegram-Bot-Api-Secret-Token; required with WebhookURL
	Commands      []Command
	PollTimeout   time.Duration // default DefaultPollTimeout
	MaxFileBytes  int64         // default MaxDownloadBytes
	DrainTimeout  time.Duration // default DefaultDrainTimeout
	HTTPClient    *http.Client  // default: a client with a timeout above PollTimeout
	// ChatPace and GroupPace pace messages per chat (zero: DefaultChatPace,
	// DefaultGroupPace; Every < 0: unpaced).
	ChatPace, GroupPace Pace
}

// Command is one entry of the bot's command menu (setMyCommands).
type Command struct {
	Name        string // without "/", e.g. "ip"
	Description string // Chinese, 1–256 characters
}

// tokenPattern is the shape of a bot token: "<bot id>:<35-ish url-safe chars>".
var tokenPattern = regexp.MustCompile(`^[0-9]{3,20}:[A-Za-z0-9_-]{20,100}$`)

// ValidToken reports whether s looks like a bot token from @BotFather.
func ValidToken(s string) bool { return tokenPattern.MatchString(s) }

// Adapter is a Telegram bot: a bot.Platform (Listen), a bot.Poster (Post)
// and, in webhook mode, an http.Handler source (WebhookHandler).
type Adapter struct {
	cfg         Config
	log         *slog.Logger
	api         botAPI
	http        *http.Client
	actions     *actionStore
	pacer       *pacer
	sleep       func(context.Context, time.Duration) error
	answerAfter time.Duration // callback answered by then even if the handler still runs

	mu     sync.Mutex
	self   tgbotapi.User // from getMe, set by Listen
	hook   *dispatcher   // set while Listen runs in webhook mode
	recent *recentIDs    // webhook update ids already taken
}

// New validates cfg and returns an Adapter. It sends nothing: Listen calls
// getMe.
func New(cfg Config, log *slog.Logger) (*Adapter, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &Adapter{
		cfg:         cfg,
		log:         log.With("platform", "telegram"),
		api:         newSDK(cfg.Token, cfg.APIURL, cfg.HTTPClient),
		http:        cfg.HTTPClient,
		actions:     newActionStore(actionTTL, maxStoredActions, time.Now),
		pacer:       newPacer(cfg.ChatPace, cfg.GroupPace, time.Now),
		sleep:       sleepCtx,
		answerAfter: callbackAnswerDeadline,
		recent:      newRecentIDs(recentUpdateIDs),
	}
	return a, nil
}

// defaults checks c and fills in defaults.
func (c *Config) defaults() error {
	if !ValidToken(c.Token) {
		return errors.New("telegram: the bot token is malformed (want 123456789:AA… from @BotFather)")
	}
	if c.APIURL == "" {
		c.APIURL = tgbotapi.APIEndpoint
	}
	if c.FileURL == "" {
		c.FileURL = tgbotapi.FileEndpoint
		if base, ok := strings.CutSuffix(c.APIURL, "/bot%s/%s"); ok {
			c.FileURL = base + "/file/bot%s/%s" // the same server, as a local Bot API server serves files
		}
	}
	for _, e := range [...]struct{ name, v string }{{"API URL", c.APIURL}, {"file URL", c.FileURL}} {
		if err := checkEndpoint(e.v); err != nil { // in order: a bad API URL is named first
			return fmt.Errorf("telegram: %s %q: %w", e.name, e.v, err)
		}
	}
	if c.WebhookURL != "" {
		if u, err := url.Parse(c.WebhookURL); err != nil || u.Host == "" {
			return fmt.Errorf("telegram: webhook URL %q is not an absolute URL", c.WebhookURL)
		}
		if !secretPattern.MatchString(c.WebhookSecret) {
			return errors.New("telegram: webhook mode needs a secret of 1–256 characters A-Z a-z 0-9 _ -")
		}
	}
	c.PollTimeout = positive(c.PollTimeout, DefaultPollTimeout)
	c.DrainTimeout = positive(c.DrainTimeout, DefaultDrainTimeout)
	if c.MaxFileBytes <= 0 {
		c.MaxFileBytes = MaxDownloadBytes
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: c.PollTimeout + 30*time.Second}
	}
	return nil
}

// checkEndpoint requires the "%s…%s" form of tgbotapi endpoints.
func checkEndpoint(v string) error {
	u, err := url.Parse(fmt.Sprintf(v, "TOKEN", "method"))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return errors.New(`want an http(s) URL such as "https://api.telegram.org/bot%s/%s"`)
	}
	return nil
}

func positive(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Name returns "telegram".
func (a *Adapter) Name() string { return "telegram" }

// Listen identifies the bot (getMe), publishes the command menu
// (setMyCommands, failure only logged), then receives updates until ctx
// ends: by long polling, or, with a WebhookURL, through WebhookHandler
// after setWebhook. Each message is handled in its own goroutine. After ctx
// ends, Listen waits up to DrainTimeout for running handlers, acknowledges
// what they finished and returns nil. A rejected token is an error.
func (a *Adapter) Listen(ctx context.Context, h bot.Handler) error {
	if err := a.getMe(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	a.setCommands(ctx)
	if a.cfg.WebhookURL != "" {
		return a.listenWebhook(ctx, h)
	}
	return a.poll(ctx, h)
}

// getMe learns the bot's username (to recognise "/cmd@name"), retrying
// network failures with back-off; 401 and 404 mean a bad token.
func (a *Adapter) getMe(ctx context.Context) error {
	backoff := firstBackoff
	for {
		res, err := a.call(ctx, "getMe", nil)
		if err == nil {
			var u tgbotapi.User
			if err := json.Unmarshal(res, &u); err != nil {
				return fmt.Errorf("telegram getMe: %w", err)
			}
			a.mu.Lock()
			a.self = u
			a.mu.Unlock()
			a.log.Info("telegram bot connected", "bot", u.UserName, "id", u.ID)
			return nil
		}
		var e *apiError
		if errors.As(err, &e) && (e.Code == http.StatusUnauthorized || e.Code == http.StatusNotFound) {
			return fmt.Errorf("telegram: TELEGRAM_BOT_TOKEN rejected: %w", err)
		}
		a.log.Warn("telegram getMe failed, retrying", "wait", backoff, "err", err)
		if err := a.sleep(ctx, backoff); err != nil {
			return err
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// setCommands publishes the command menu; a failure is only logged.
func (a *Adapter) setCommands(ctx context.Context) {
	if len(a.cfg.Commands) == 0 {
		return
	}
	cmds := make([]tgbotapi.BotCommand, len(a.cfg.Commands))
	for i, c := range a.cfg.Commands {
		cmds[i] = tgbotapi.BotCommand{Command: c.Name, Description: clipRunes(c.Description, maxCommandDescription)}
	}
	b, _ := json.Marshal(cmds)
	if _, err := a.call(ctx, "setMyCommands", tgbotapi.Params{"commands": string(b)}); err != nil {
		a.log.Warn("telegram setMyCommands failed; the command menu is not updated", "err", err)
	}
}

// maxCommandDescription is setMyCommands' description limit
// (https://core.telegram.org/bots/api#botcommand).
const maxCommandDescription = 256

// botName returns the bot's username from getMe ("" before Listen).
func (a *Adapter) botName() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.self.UserName
}

// Post sends c to a chat (Target.Thread, when set, is the message id to
// answer). It implements bot.Poster.
func (a *Adapter) Post(ctx context.Context, to bot.Target, c card.Card) (bot.MessageRef, error) {
	r, err := a.replier(to.Chat, to.Thread)
	if err != nil {
		return bot.MessageRef{}, err
	}
	return r.Reply(ctx, c)
}

var (
	_ bot.Platform = (*Adapter)(nil)
	_ bot.Poster   = (*Adapter)(nil)
)
