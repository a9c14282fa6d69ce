// Package fake holds hand-written fakes of tibot's shared interfaces for
// tests: a recording Replier (with every optional capability, or without
// them through PlainReplier), a Platform that delivers scripted messages
// concurrently, and a recording Poster. They are safe for concurrent use.
package fake

import (
	"context"
	"fmt"
	"sync"

	"tibot/bot"
	"tibot/card"
)

// Compile-time checks: Replier offers every capability, PlainReplier none.
var (
	_ bot.Replier   = (*Replier)(nil)
	_ bot.Editor    = (*Replier)(nil)
	_ bot.Uploader  = (*Replier)(nil)
	_ bot.Ephemeral = (*Replier)(nil)
	_ bot.Replier   = PlainReplier{}
)

// Edit is one recorded bot.Editor call.
type Edit struct {
	Ref  bot.MessageRef
	Card card.Card
}

// Upload is one recorded bot.Uploader call.
type Upload struct {
	Attachment card.Attachment
	Comment    string
}

// Replier records everything sent through it. Reply returns refs "r1",
// "r2", … in Chat. The zero value is ready to use.
type Replier struct {
	Chat string
	// Err, when set, is returned by every call (nothing is recorded).
	Err error
	// OnReply, when set, is called after a reply is recorded (tests use it
	// to observe progress or block a handler).
	OnReply func(c card.Card)

	mu         sync.Mutex
	replies    []card.Card
	edits      []Edit
	uploads    []Upload
	ephemerals []card.Card
	log        []string
}

// Reply records c.
func (r *Replier) Reply(ctx context.Context, c card.Card) (bot.MessageRef, error) {
	if r.Err != nil {
		return bot.MessageRef{}, r.Err
	}
	r.mu.Lock()
	r.replies = append(r.replies, c)
	ref := bot.MessageRef{Chat: r.Chat, ID: fmt.Sprintf("r%d", len(r.replies))}
	r.log = append(r.log, "reply "+ref.ID+": "+card.Text(c))
	r.mu.Unlock()
	if r.OnReply != nil {
		r.OnReply(c)
	}
	return ref, nil
}

// Edit records an edit of ref.
func (r *Replier) Edit(ctx context.Context, ref bot.MessageRef, c card.Card) error {
	if r.Err != nil {
		return r.Err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.edits = append(r.edits, Edit{Ref: ref, Card: c})
	r.log = append(r.log, "edit "+ref.ID+": "+card.Text(c))
	return nil
}

// Upload records an attachment.
func (r *Replier) Upload(ctx context.Context, a card.Attachment, comment string) error {
	if r.Err != nil {
		return r.Err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.uploads = append(r.uploads, Upload{Attachment: a, Comment: comment})
	r.log = append(r.log, fmt.Sprintf("upload %s (%d bytes): %s", a.Name, len(a.Data), comment))
	return nil
}

// ReplyEphemeral records a private reply.
func (r *Replier) ReplyEphemeral(ctx context.Context, c card.Card) error {
	if r.Err != nil {
		return r.Err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ephemerals = append(r.ephemerals, c)
	r.log = append(r.log, "ephemeral: "+card.Text(c))
	return nil
}

// Replies returns a copy of the recorded replies.
func (r *Replier) Replies() []card.Card {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]card.Card(nil), r.replies...)
}

// Edits returns a copy of the recorded edits.
func (r *Replier) Edits() []Edit {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Edit(nil), r.edits...)
}

// Uploads returns a copy of the recorded uploads.
func (r *Replier) Uploads() []Upload {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Upload(nil), r.uploads...)
}

// Ephemerals returns a copy of the recorded private replies.
func (r *Replier) Ephemerals() []card.Card {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]card.Card(nil), r.ephemerals...)
}

// Log returns every call in order, rendered with card.Text: "reply r1: …",
// "edit r1: …", "upload name (N bytes): comment", "ephemeral: …".
func (r *Replier) Log() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.log...)
}

// Texts returns card.Text of every reply.
func (r *Replier) Texts() []string {
	var out []string
	for _, c := range r.Replies() {
		out = append(out, card.Text(c))
	}
	return out
}

// PlainReplier exposes only bot.Replier of the wrapped Replier: no Editor,
// Uploader or Ephemeral, like the most limited adapter.
type PlainReplier struct{ R *Replier }

// Reply records c on the wrapped Replier.
func (p PlainReplier) Reply(ctx context.Context, c card.Card) (bot.MessageRef, error) {
	return p.R.Reply(ctx, c)
}
