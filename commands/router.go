// Package commands is tibot's chat application logic. Router turns one
// normalised bot.Message (a command, a paste, a file or a button click) into
// lookups through the lookup pipeline and answers with card.Card values;
// DeferredWorker answers, after the quota reset, the addresses that were
// queued for lack of quota.
//
// It depends only on bot, card, lookup, intel and ioc: no SDK, no storage,
// no ThreatBook client (see deps_test.go).
package commands

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"tibot/bot"
	"tibot/card"
	"tibot/intel"
	"tibot/lookup"
)

// Looker is the part of *lookup.Service the router uses.
type Looker interface {
	// Lookup answers a request; per-address failures are in Verdict.Err.
	Lookup(ctx context.Context, req lookup.Request) (lookup.Result, error)
	// Deep runs a deep analysis of one public address; errors are
	// *intel.Error values.
	Deep(ctx context.Context, ip netip.Addr, subj intel.Subject, unmetered bool) (intel.Verdict, error)
}

// Defaults for Config.
const (
	DefaultMaxPasteChars = 200_000
	DefaultMaxFileBytes  = 20 << 20
	DefaultMaxCards      = 5
	DefaultMaxUnique     = 10_000
	DefaultProgressAbove = lookup.DefaultBatchSize
	DefaultProgressEvery = 500 * time.Millisecond
)

// Config wires a Router. Lookup is required; the rest have defaults.
type Config struct {
	Lookup Looker
	// Quota answers /quota; nil makes /quota report that quotas are off.
	Quota intel.Quota
	// Pool reports the key pool's remaining units for /quota; nil omits it.
	Pool func() card.PoolStatus
	// Access decides who is an admin (admins may use /ip --fresh and have
	// their own quota). Who may talk to the bot at all is enforced by the
	// bot.RequireAccess middleware in front of the router.
	Access bot.Access
	Now    func() time.Time // default time.Now
	Logger *slog.Logger     // default: discard

	MaxPasteChars int   // longest accepted paste, in characters
	MaxFileBytes  int64 // largest accepted file
	MaxCards      int   // up to this many public IPs get one card each; more get a batch summary
	MaxUnique     int   // unique IPs extracted from one paste or file; more are reported, not looked up
	// ProgressAbove posts a progress message at once when a request holds
	// more public IPs than this (more than one batch of work).
	ProgressAbove int
	// ProgressEvery is the minimum time between two progress edits (the
	// first edit is never delayed).
	ProgressEvery time.Duration
}

// Router answers chat messages. It implements bot.Handler and is safe for
// concurrent use.
type Router struct {
	c     Config
	cmds  []*command
	index map[string]*command
}

var _ bot.Handler = (*Router)(nil)

// New validates c, applies defaults and builds the command table.
func New(c Config) (*Router, error) {
	if c.Lookup == nil {
		return nil, errors.New("commands: Config.Lookup is required")
	}
	if c.MaxPasteChars < 0 || c.MaxFileBytes < 0 || c.MaxCards < 0 || c.MaxUnique < 0 || c.ProgressAbove < 0 {
		return nil, errors.New("commands: negative limit in Config")
	}
	c.MaxPasteChars = orDefault(c.MaxPasteChars, DefaultMaxPasteChars)
	c.MaxFileBytes = orDefault(c.MaxFileBytes, DefaultMaxFileBytes)
	c.MaxCards = orDefault(c.MaxCards, DefaultMaxCards)
	c.MaxUnique = orDefault(c.MaxUnique, DefaultMaxUnique)
	c.ProgressAbove = orDefault(c.ProgressAbove, DefaultProgressAbove)
	c.ProgressEvery = orDefault(c.ProgressEvery, DefaultProgressEvery)
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	rt := &Router{c: c}
	if err := rt.register(rt.table()); err != nil {
		return nil, err
	}
	return rt, nil
}

// orDefault returns v, or def when v is zero.
func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// Handle answers one message: a button click, attached files, a command or
// pasted text. Bots' messages and text without a public IP get no reply.
// Every error returned is an *intel.Error for bot.ReplyErrors.
func (rt *Router) Handle(ctx context.Context, m *bot.Message, r bot.Replier) error {
	if m == nil || m.FromBot {
		return nil
	}
	req := rt.newRequest(m, r)
	var err error
	switch name, args, isCmd := splitCommand(m); {
	case m.Action == nil && utf8.RuneCountInString(m.Text) > rt.c.MaxPasteChars:
		err = rt.tooLong(utf8.RuneCountInString(m.Text))
	case m.Action != nil:
		err = rt.handleAction(ctx, req, *m.Action)
	case isCmd:
		err = rt.dispatch(ctx, req, name, args)
	case len(m.Files) > 0:
		err = rt.handleFiles(ctx, req, m.Files)
	default:
		err = rt.handlePaste(ctx, req, args)
	}
	return userError(err)
}

// request is one message being handled, with who is asking.
type request struct {
	m     *bot.Message
	r     bot.Replier
	subj  intel.Subject
	admin bool
}

func (rt *Router) newRequest(m *bot.Message, r bot.Replier) *request {
	admin := rt.c.Access.IsAdmin(m)
	return &request{
		m:     m,
		r:     r,
		admin: admin,
		subj:  intel.Subject{Platform: m.Platform, User: m.User, Admin: admin},
	}
}

// replyTo is where answers for deferred addresses go: the message's thread,
// or a new thread under the message itself.
func (q *request) replyTo() intel.ReplyTarget {
	thread := q.m.Thread
	if thread == "" {
		thread = q.m.ID
	}
	return intel.ReplyTarget{Platform: q.m.Platform, Chat: q.m.Chat, Thread: thread, User: q.m.User}
}

// splitCommand returns the command name (lower case, without "/" and
// "@botname") and its arguments, when m is a command: either the adapter
// said so (m.Command) or the text starts with "/name". Otherwise args is
// the message text to treat as a paste.
func splitCommand(m *bot.Message) (name, args string, ok bool) {
	text := strings.TrimSpace(m.Text)
	if m.Command != "" {
		name := strings.TrimPrefix(m.Command, "/")
		if isCommandToken("/" + name) {
			return strings.ToLower(name), text, true
		}
		// An adapter took "/var/log/x 1.2.3.4" for a command: it is a paste.
		text = strings.TrimSpace("/" + name + " " + text)
	}
	head, rest, _ := strings.Cut(text, " ")
	if i := strings.IndexAny(head, "\n\t"); i >= 0 {
		head, rest = head[:i], text[i+1:]
	}
	if !isCommandToken(head) {
		return "", text, false
	}
	name, _, _ = strings.Cut(head[1:], "@")
	return strings.ToLower(name), strings.TrimSpace(rest), true
}

// isCommandToken reports whether s looks like "/name" or "/name@bot" (and
// not like a path such as "/var/log/syslog").
func isCommandToken(s string) bool {
	if len(s) < 2 || s[0] != '/' {
		return false
	}
	name, bot, hasBot := strings.Cut(s[1:], "@")
	if hasBot && !isWord(bot) {
		return false
	}
	return isWord(name) && !unicode.IsDigit([]rune(name)[0])
}

// isWord reports whether s is non-empty and only letters, digits and "_"
// (Chinese aliases such as "/查询" included).
func isWord(s string) bool {
	for _, c := range s {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) && c != '_' {
			return false
		}
	}
	return s != ""
}
