// Package bot is tibot's chat core: the normalised Message every adapter
// produces, the Handler that answers it, the Replier/Editor/Uploader
// capabilities adapters offer, and Serve, which runs a Platform with
// middleware. It imports no chat SDK.
package bot

import (
	"context"
	"io"

	"tibot/card"
)

// Message is one normalised inbound event: a slash command, a chat message
// (typed or pasted), a file share or a button click.
type Message struct {
	Platform string // "slack", "telegram", "console"
	Team     string // Slack workspace id; "" elsewhere
	Chat     string // channel / chat id
	Thread   string // thread to answer in ("" = answer at top level or as the adapter sees fit)
	ID       string // platform message id (Slack ts, Telegram message_id)
	User     string // sender's platform id
	UserName string // display name, for logs and audit only
	Direct   bool   // a DM with the bot
	// Mention is set when the message @-mentions the bot or replies to one
	// of its messages (the mention itself is stripped from Text). Only
	// addressed messages from unlisted senders get a 未授权 reply.
	Mention bool
	FromBot bool // sent by a bot (including this one): ignored by the engine
	// Command is set when the platform delivered an explicit command
	// (Slack slash command, Telegram /cmd): the name without "/" or
	// "@botname", e.g. "ip". Text then holds only the arguments.
	Command string
	Text    string
	Files   []File
	Action  *Action // set for a button click
}

// Action is a button click routed back to the engine.
type Action struct {
	ID    string // card.Action.ID
	Value string // card.Action.Value (resolved by the adapter if it shortened it)
	// Ref is the message carrying the button, so the handler can edit it.
	Ref MessageRef
}

// File is an attached document. Open streams its content; Size may be -1 if
// unknown. Adapters enforce their platform's download limit in Open.
type File struct {
	Name string
	Size int64
	MIME string
	Open func(ctx context.Context) (io.ReadCloser, error)
}

// MessageRef identifies a sent message so it can be edited.
type MessageRef struct {
	Chat   string
	ID     string
	Thread string
}

// Handler answers messages. Errors are turned into a reply by the
// ReplyErrors middleware; handlers return *intel.Error values for expected
// failures.
type Handler interface {
	Handle(ctx context.Context, m *Message, r Replier) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, m *Message, r Replier) error

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, m *Message, r Replier) error { return f(ctx, m, r) }

// Replier answers the message being handled (in its thread, per the
// adapter's rules).
type Replier interface {
	Reply(ctx context.Context, c card.Card) (MessageRef, error)
}

// Editor is implemented by Repliers that can replace a sent message, used for
// progress ("正在查询 120/500 …").
type Editor interface {
	Edit(ctx context.Context, ref MessageRef, c card.Card) error
}

// Uploader is implemented by Repliers that can attach a file in the reply's
// conversation.
type Uploader interface {
	Upload(ctx context.Context, a card.Attachment, comment string) error
}

// Ephemeral is implemented by Repliers that can answer privately to the
// caller (Slack ephemeral messages), used for errors.
type Ephemeral interface {
	ReplyEphemeral(ctx context.Context, c card.Card) error
}

// Platform is a chat network connection. Listen delivers messages to h until
// ctx ends or the connection fails for good; it must call h concurrently
// (one goroutine per message is fine: Serve bounds concurrency) and must
// acknowledge the platform before handling when the platform requires it.
type Platform interface {
	Name() string
	Listen(ctx context.Context, h Handler) error
}

// Poster sends unsolicited messages (digests, deferred answers).
type Poster interface {
	Post(ctx context.Context, to Target, c card.Card) (MessageRef, error)
}

// Target is where a Poster posts.
type Target struct {
	Chat   string
	Thread string
}
