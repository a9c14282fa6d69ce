package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	slackapi "github.com/slack-go/slack"

	"tibot/bot"
	"tibot/card"
)

// replier answers one inbound message. With thread set it answers in that
// thread; without (slash commands, posts) the first reply goes to the
// channel and the later ones into a thread under it.
type replier struct {
	a           *Adapter
	chat, user  string
	thread      string
	responseURL string // slash commands and buttons: fallback when the bot is not in the channel

	mu    sync.Mutex
	first string // ts of the first top-level reply
}

var (
	_ bot.Replier   = (*replier)(nil)
	_ bot.Editor    = (*replier)(nil)
	_ bot.Uploader  = (*replier)(nil)
	_ bot.Ephemeral = (*replier)(nil)
)

func (a *Adapter) newReplier(chat, user, thread, responseURL string) *replier {
	return &replier{a: a, chat: chat, user: user, thread: thread, responseURL: responseURL}
}

// Reply posts c and uploads its attachment, if any, in the reply's thread
// (a failed upload is logged).
// When the bot is not in the channel, a slash command's caller gets the
// card privately with an invitation hint instead.
func (r *replier) Reply(ctx context.Context, c card.Card) (bot.MessageRef, error) {
	r.mu.Lock()
	thread := orElse(r.thread, r.first)
	if thread != "" {
		r.mu.Unlock()
	} else { // the first top-level reply: later ones wait to thread under it
		defer r.mu.Unlock()
	}
	ts, err := r.a.post(ctx, r.chat, thread, c)
	if thread == "" && err == nil {
		r.first = ts
	}
	if err != nil {
		return bot.MessageRef{}, r.notMember(ctx, c, err)
	}
	ref := bot.MessageRef{Chat: r.chat, ID: ts, Thread: thread}
	if c.Attachment != nil {
		// The card is delivered; a failed upload is logged, not returned,
		// so callers do not post the card again.
		if err := r.a.upload(ctx, r.chat, orElse(thread, ts), *c.Attachment, ""); err != nil {
			r.a.log.WarnContext(ctx, "slack upload failed", "chat", r.chat, "file", c.Attachment.Name, "err", err)
		}
	}
	return ref, nil
}

// Edit replaces the message at ref (chat.update); an attachment is
// uploaded in its thread (a failed upload is logged).
func (r *replier) Edit(ctx context.Context, ref bot.MessageRef, c card.Card) error {
	if ref.ID == "" {
		return errors.New("slack edit: no message id")
	}
	if err := r.a.update(ctx, orElse(ref.Chat, r.chat), ref.ID, c); err != nil {
		return err
	}
	if c.Attachment != nil {
		if err := r.a.upload(ctx, orElse(ref.Chat, r.chat), orElse(ref.Thread, ref.ID), *c.Attachment, ""); err != nil {
			r.a.log.WarnContext(ctx, "slack upload failed", "chat", ref.Chat, "file", c.Attachment.Name, "err", err)
		}
	}
	return nil
}

// Upload attaches a file in the reply thread (under the first reply when
// the replier had no thread).
func (r *replier) Upload(ctx context.Context, att card.Attachment, comment string) error {
	r.mu.Lock()
	thread := orElse(r.thread, r.first)
	r.mu.Unlock()
	return r.a.upload(ctx, r.chat, thread, att, comment)
}

// ReplyEphemeral shows c to the caller only (chat.postEphemeral), through
// the response_url when the bot is not in the channel.
func (r *replier) ReplyEphemeral(ctx context.Context, c card.Card) error {
	if r.user == "" {
		_, err := r.Reply(ctx, c)
		return err
	}
	opts := msgOptions(c)
	if r.thread != "" {
		opts = append(opts, slackapi.MsgOptionTS(r.thread))
	}
	err := retry(ctx, r.a.log, "chat.postEphemeral", r.a.cfg.MaxRetries, func(ctx context.Context) error {
		_, err := r.a.api.PostEphemeralContext(ctx, r.chat, r.user, opts...)
		return err
	})
	if err != nil {
		return r.notMember(ctx, c, err)
	}
	return nil
}

// notMember handles a failed post: when the bot is not in the channel it
// tells the caller how to invite it (through the response_url when there
// is one) and logs it; other errors are returned as they are.
func (r *replier) notMember(ctx context.Context, c card.Card, err error) error {
	if !isNotMember(err) {
		return err
	}
	r.a.log.WarnContext(ctx, "slack: bot is not in the channel; invite it with /invite @tibot", "chat", r.chat, "err", err)
	if r.responseURL == "" {
		return fmt.Errorf("slack channel %s: %s: %w", r.chat, inviteHint, err)
	}
	blocks := Blocks(c)
	if len(blocks) < maxBlocks {
		hint := slackapi.NewTextBlockObject(slackapi.MarkdownType, inviteHint, false, true)
		blocks = append([]slackapi.Block{slackapi.NewContextBlock("", hint)}, blocks...)
	}
	msg := &slackapi.WebhookMessage{ResponseType: slackapi.ResponseTypeEphemeral,
		Text: inviteHint + "\n" + FallbackText(c), Blocks: &slackapi.Blocks{BlockSet: blocks}}
	if rerr := r.a.api.PostResponseContext(ctx, r.responseURL, msg); rerr != nil {
		return errors.Join(err, rerr)
	}
	return nil
}

// msgOptions renders c as message options: blocks plus fallback text
// (both already escaped).
func msgOptions(c card.Card) []slackapi.MsgOption {
	return []slackapi.MsgOption{
		slackapi.MsgOptionText(FallbackText(c), false),
		slackapi.MsgOptionBlocks(Blocks(c)...),
	}
}

// post sends c to chat (in thread when set) and returns its ts.
func (a *Adapter) post(ctx context.Context, chat, thread string, c card.Card) (string, error) {
	a.remember(c)
	opts := msgOptions(c)
	if thread != "" {
		opts = append(opts, slackapi.MsgOptionTS(thread))
	}
	var ts string
	err := retry(ctx, a.log, "chat.postMessage", a.cfg.MaxRetries, func(ctx context.Context) error {
		var err error
		_, ts, err = a.api.PostMessageContext(ctx, chat, opts...)
		return err
	})
	return ts, err
}

// update replaces the message ts in chat with c.
func (a *Adapter) update(ctx context.Context, chat, ts string, c card.Card) error {
	a.remember(c)
	return retry(ctx, a.log, "chat.update", a.cfg.MaxRetries, func(ctx context.Context) error {
		_, _, _, err := a.api.UpdateMessageContext(ctx, chat, ts, msgOptions(c)...)
		return err
	})
}

// remember keeps the long button values of c for resolveValue.
func (a *Adapter) remember(c card.Card) {
	for ref, v := range longValues(c) {
		a.values.add(ref, v)
	}
}

// upload shares att in chat/thread with the current upload flow
// (files.getUploadURLExternal, upload, files.completeUploadExternal).
func (a *Adapter) upload(ctx context.Context, chat, thread string, att card.Attachment, comment string) error {
	if len(att.Data) == 0 {
		return fmt.Errorf("slack upload %q: empty file", att.Name)
	}
	name := orElse(att.Name, "tibot.txt")
	return retry(ctx, a.log, "files.upload", a.cfg.MaxRetries, func(ctx context.Context) error {
		_, err := a.api.UploadFileContext(ctx, slackapi.UploadFileParameters{
			Reader: bytes.NewReader(att.Data), FileSize: len(att.Data), Filename: name, Title: name,
			InitialComment: escape(comment), Channel: chat, ThreadTimestamp: thread,
		})
		return err
	})
}
