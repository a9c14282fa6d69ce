// Package slack connects tibot to Slack with slack-go: Socket Mode by
// default (no public URL needed), or the Events API over HTTP with signed
// requests. It turns slash commands, messages, mentions, file shares and
// button clicks into bot.Message values, and renders card.Card as Block
// Kit within Slack's limits (Blocks).
//
// It imports slack-go as slackapi; tibot code outside this package never
// sees the SDK.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"tibot/bot"
	"tibot/card"
)

// Connection modes.
const (
	ModeSocket = "socket" // Socket Mode websocket (needs an xapp- app token)
	ModeHTTP   = "http"   // Events API, slash commands and interactivity over HTTP (needs the signing secret)
)

// Config configures an Adapter. Only BotToken and one of AppToken (Socket
// Mode) or SigningSecret (HTTP mode) are required.
type Config struct {
	BotToken      string // SLACK_BOT_TOKEN, xoxb-…
	AppToken      string // SLACK_APP_TOKEN, xapp-… with connections:write (Socket Mode)
	SigningSecret string // SLACK_SIGNING_SECRET (HTTP mode)
	APIURL        string // Web API base, default DefaultAPIURL; tests point it at slackfake
	// Mode is ModeSocket or ModeHTTP; empty picks Socket Mode when AppToken
	// is set, else HTTP mode.
	Mode         string
	HTTPPath     string // HTTP mode path prefix, default DefaultHTTPPath
	MaxFileBytes int64  // largest file downloaded, default DefaultMaxFileBytes
	MaxRetries   int    // retries after HTTP 429, default DefaultMaxRetries
	// AckText is the private note a slash command is acknowledged with
	// ("" = the default "⏳ 正在处理 …"; "-" = acknowledge silently).
	AckText string
	// DrainTimeout is how long handlers may run after Listen's context
	// ends before their context is cancelled; default 30 s.
	DrainTimeout time.Duration
}

// Adapter is a Slack connection. It implements bot.Platform and
// bot.Poster; the Replier it hands to handlers also implements
// bot.Editor, bot.Uploader and bot.Ephemeral.
type Adapter struct {
	cfg    Config
	log    *slog.Logger
	api    slackAPI
	socket *socketmode.Client // nil in HTTP mode and unit tests

	seen   *ttlSet[struct{}] // event, envelope, message and file ids already handled
	values *ttlSet[string]   // long button values by reference

	selfMu  sync.RWMutex
	botUser string         // from auth.test
	botID   string         // from auth.test
	mention *regexp.Regexp // <@botUser> and <@botUser|name>

	handler atomic.Pointer[handlerRef] // set by Listen; HTTP mode reads it
	spawnMu sync.Mutex                 // orders spawn's wg.Add before drain's wg.Wait
	wg      sync.WaitGroup             // handler goroutines
}

type handlerRef struct {
	h   bot.Handler
	ctx context.Context // base context of handlers
}

var (
	_ bot.Platform = (*Adapter)(nil)
	_ bot.Poster   = (*Adapter)(nil)
)

// New validates cfg and builds the Slack clients. It does not connect:
// Listen does. Errors name the variable at fault and never contain a token.
func New(cfg Config, log *slog.Logger) (*Adapter, error) {
	cfg, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	if log == nil { // the caller tags log with its component
		log = slog.New(slog.DiscardHandler)
	}
	hc := &http.Client{Timeout: httpTimeout}
	sc := slackapi.New(cfg.BotToken,
		slackapi.OptionAPIURL(cfg.APIURL),
		slackapi.OptionAppLevelToken(cfg.AppToken),
		slackapi.OptionHTTPClient(hc),
		slackapi.OptionLog(slogWriter{log}))
	a := newAdapter(client{Client: sc, http: hc}, cfg, log)
	if cfg.Mode == ModeSocket {
		a.socket = socketmode.New(sc, socketmode.OptionLog(slogWriter{log}))
	}
	return a, nil
}

// newAdapter holds the logic without building clients; tests pass a fake
// api and a validated or hand-made cfg.
func newAdapter(api slackAPI, cfg Config, log *slog.Logger) *Adapter {
	cfg = cfg.withDefaults()
	return &Adapter{
		cfg:    cfg,
		log:    log,
		api:    api,
		seen:   newTTLSet[struct{}](20000, time.Hour),
		values: newTTLSet[string](2000, 24*time.Hour),
	}
}

// validate checks tokens and picks the mode.
func (c Config) validate() (Config, error) {
	var errs []error
	if !strings.HasPrefix(c.BotToken, "xoxb-") {
		errs = append(errs, errors.New("SLACK_BOT_TOKEN: want a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)"))
	}
	if c.Mode == "" {
		c.Mode = ModeHTTP
		if c.AppToken != "" || c.SigningSecret == "" {
			c.Mode = ModeSocket
		}
	}
	switch c.Mode {
	case ModeSocket:
		if !strings.HasPrefix(c.AppToken, "xapp-") {
			errs = append(errs, errors.New("SLACK_APP_TOKEN: Socket Mode needs an app-level token starting with xapp- "+
				"with the connections:write scope (Basic Information → App-Level Tokens); "+
				"or set SLACK_SIGNING_SECRET alone for HTTP mode"))
		}
	case ModeHTTP:
		if strings.TrimSpace(c.SigningSecret) == "" {
			errs = append(errs, errors.New("SLACK_SIGNING_SECRET: HTTP mode needs the app's signing secret (Basic Information → App Credentials)"))
		}
	default:
		errs = append(errs, fmt.Errorf("slack mode %q: want %s or %s", c.Mode, ModeSocket, ModeHTTP))
	}
	return c.withDefaults(), errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	if !strings.HasSuffix(c.APIURL, "/") {
		c.APIURL += "/" // slack-go appends method names
	}
	if c.HTTPPath == "" {
		c.HTTPPath = DefaultHTTPPath
	}
	c.HTTPPath = "/" + strings.Trim(c.HTTPPath, "/")
	if c.MaxFileBytes <= 0 {
		c.MaxFileBytes = DefaultMaxFileBytes
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	if c.AckText == "" {
		c.AckText = "⏳ 正在处理 …"
	}
	if c.DrainTimeout <= 0 {
		c.DrainTimeout = 30 * time.Second
	}
	return c
}

// Name returns "slack".
func (a *Adapter) Name() string { return "slack" }

// Mode returns ModeSocket or ModeHTTP.
func (a *Adapter) Mode() string { return a.cfg.Mode }

// Listen checks the bot token (auth.test), then delivers messages to h
// until ctx ends: over Socket Mode (reconnecting with back-off), or from
// HTTPHandler in HTTP mode. Every envelope is acknowledged before it is
// handled, each in its own goroutine. After ctx ends, Listen waits for
// running handlers (cancelling them after DrainTimeout) and returns nil;
// it returns an error when the token is refused.
func (a *Adapter) Listen(ctx context.Context, h bot.Handler) error {
	if err := a.authTest(ctx); err != nil {
		return err
	}
	hctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	a.setHandler(&handlerRef{h: h, ctx: hctx})
	var err error
	if a.socket != nil {
		err = a.runSocket(ctx, a.socket)
	} else {
		a.log.InfoContext(ctx, "slack http mode ready", "path", a.cfg.HTTPPath)
		<-ctx.Done()
	}
	a.setHandler(nil) // HTTP requests arriving from now on get 503
	a.drain(cancel)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// setHandler publishes ref to spawn and HTTPHandler; once it is nil no
// handler starts, so drain's wg.Wait never races a wg.Add.
func (a *Adapter) setHandler(ref *handlerRef) {
	a.spawnMu.Lock()
	defer a.spawnMu.Unlock()
	a.handler.Store(ref)
}

// drain waits for handler goroutines, cancelling them after DrainTimeout.
func (a *Adapter) drain(cancel context.CancelFunc) {
	done := make(chan struct{})
	go func() { a.wg.Wait(); close(done) }()
	t := time.NewTimer(a.cfg.DrainTimeout)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		cancel()
		<-done
	}
}

// authTest learns the bot's own ids (to ignore its messages and strip its
// mention) and proves the token works.
func (a *Adapter) authTest(ctx context.Context) error {
	var res *slackapi.AuthTestResponse
	err := retry(ctx, a.log, "auth.test", a.cfg.MaxRetries, func(ctx context.Context) error {
		var err error
		res, err = a.api.AuthTestContext(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("slack auth.test (check SLACK_BOT_TOKEN): %w", err)
	}
	a.selfMu.Lock()
	a.botUser, a.botID = res.UserID, res.BotID
	a.mention = regexp.MustCompile(`<@` + regexp.QuoteMeta(res.UserID) + `(\|[^>]*)?>`)
	a.selfMu.Unlock()
	a.log.InfoContext(ctx, "slack authenticated", "team", res.TeamID, "bot_user", res.UserID, "mode", a.cfg.Mode)
	return nil
}

// self returns the bot's user and bot ids.
func (a *Adapter) self() (user, botID string) {
	a.selfMu.RLock()
	defer a.selfMu.RUnlock()
	return a.botUser, a.botID
}

// Post sends c to a channel or thread (digests, deferred answers); its
// attachment, if any, is uploaded in the message's thread.
func (a *Adapter) Post(ctx context.Context, to bot.Target, c card.Card) (bot.MessageRef, error) {
	r := a.newReplier(to.Chat, "", to.Thread, "")
	return r.Reply(ctx, c)
}

// spawn runs h for one delivery in its own goroutine.
func (a *Adapter) spawn(d delivery) {
	a.spawnMu.Lock()
	ref := a.handler.Load()
	if ref == nil {
		a.spawnMu.Unlock()
		a.log.Warn("slack event dropped: not listening")
		return
	}
	a.wg.Add(1)
	a.spawnMu.Unlock()
	go func() {
		defer a.wg.Done()
		ctx := ref.ctx
		if d.prepare != nil {
			if err := d.prepare(ctx); err != nil {
				a.log.WarnContext(ctx, "slack event not handled", "chat", d.msg.Chat, "err", err)
				return
			}
		}
		if err := ref.h.Handle(ctx, d.msg, d.rep); err != nil {
			a.log.WarnContext(ctx, "slack handler failed", "chat", d.msg.Chat, "user", d.msg.User, "err", err)
		}
	}()
}
