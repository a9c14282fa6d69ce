package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"tibot/bot"
	"tibot/card"
)

// replier answers one message: in its chat, as a reply to it. It
// implements bot.Replier, bot.Editor and bot.Uploader.
type replier struct {
	a       *Adapter
	chat    string
	replyTo string // message id, or ""
}

var (
	_ bot.Replier  = (*replier)(nil)
	_ bot.Editor   = (*replier)(nil)
	_ bot.Uploader = (*replier)(nil)
)

// replier validates the ids (Telegram's are integers).
func (a *Adapter) replier(chat, replyTo string) (*replier, error) {
	if _, err := strconv.ParseInt(chat, 10, 64); err != nil {
		return nil, fmt.Errorf("telegram: chat id %q is not a number", chat)
	}
	if _, err := strconv.Atoi(replyTo); err != nil && replyTo != "" {
		return nil, fmt.Errorf("telegram: message id %q is not a number", replyTo)
	}
	return &replier{a: a, chat: chat, replyTo: replyTo}, nil
}

// Reply sends c as one or more HTML messages (the keyboard on the last),
// then its attachment as a document, and returns the first message.
func (r *replier) Reply(ctx context.Context, c card.Card) (bot.MessageRef, error) {
	msgs := HTML(c)
	if len(msgs) == 0 && c.Attachment == nil {
		return bot.MessageRef{}, errors.New("telegram: empty card")
	}
	ref, err := r.sendAll(ctx, msgs, r.a.markup(c))
	if err != nil {
		return ref, err
	}
	if c.Attachment != nil {
		err = r.Upload(ctx, *c.Attachment, "")
	}
	return ref, err
}

// sendAll sends msgs in order, the keyboard on the last.
func (r *replier) sendAll(ctx context.Context, msgs []string, kb *tgbotapi.InlineKeyboardMarkup) (bot.MessageRef, error) {
	var first bot.MessageRef
	for i, text := range msgs {
		var m *tgbotapi.InlineKeyboardMarkup
		if i == len(msgs)-1 {
			m = kb
		}
		id, err := r.a.sendMessage(ctx, r.chat, r.replyTo, text, m)
		if err != nil {
			return first, err
		}
		if i == 0 {
			first = bot.MessageRef{Chat: r.chat, ID: id, Thread: r.replyTo}
		}
	}
	return first, nil
}

// Edit replaces the message ref with c (progress updates, final cards). An
// edit that changes nothing counts as done. Messages beyond the first
// and the attachment are sent as new messages.
func (r *replier) Edit(ctx context.Context, ref bot.MessageRef, c card.Card) error {
	msgs := HTML(c)
	if len(msgs) == 0 {
		return errors.New("telegram: empty card")
	}
	kb := r.a.markup(c)
	var first *tgbotapi.InlineKeyboardMarkup
	if len(msgs) == 1 {
		first = kb
	}
	if err := r.a.editMessage(ctx, ref.Chat, ref.ID, msgs[0], first); err != nil && !isNotModified(err) {
		return err
	}
	if _, err := r.sendAll(ctx, msgs[1:], kb); err != nil {
		return err
	}
	if c.Attachment != nil {
		return r.Upload(ctx, *c.Attachment, "")
	}
	return nil
}

// Upload sends a file with sendDocument, comment as its caption.
func (r *replier) Upload(ctx context.Context, at card.Attachment, comment string) error {
	if err := r.a.pace(ctx, r.chat); err != nil {
		return err
	}
	p := tgbotapi.Params{"chat_id": r.chat}
	p.AddNonEmpty("caption", clipRunes(comment, MaxCaptionChars/2)) // runes may be two UTF-16 units
	r.a.replyParams(p, r.replyTo)
	name := at.Name
	if name == "" {
		name = "tibot.csv"
	}
	files := []tgbotapi.RequestFile{{Name: "document", Data: tgbotapi.FileBytes{Name: name, Bytes: at.Data}}}
	_, err := r.a.upload(ctx, "sendDocument", p, files)
	return err
}

// markup builds c's keyboard, storing its actions under short ids.
func (a *Adapter) markup(c card.Card) *tgbotapi.InlineKeyboardMarkup {
	return keyboard(c.Actions, a.actions.put)
}

// sendMessage sends one HTML message and returns its id.
func (a *Adapter) sendMessage(ctx context.Context, chat, replyTo, text string, kb *tgbotapi.InlineKeyboardMarkup) (string, error) {
	if err := a.pace(ctx, chat); err != nil {
		return "", err
	}
	p := tgbotapi.Params{"chat_id": chat, "text": text, "parse_mode": tgbotapi.ModeHTML,
		"disable_web_page_preview": "true"}
	a.replyParams(p, replyTo)
	if err := addMarkup(p, kb); err != nil {
		return "", err
	}
	res, err := a.call(ctx, "sendMessage", p)
	if err != nil {
		return "", err
	}
	var sent struct {
		MessageID int `json:"message_id"`
	}
	if err := json.Unmarshal(res, &sent); err != nil {
		return "", fmt.Errorf("telegram sendMessage: %w", err)
	}
	return strconv.Itoa(sent.MessageID), nil
}

// editMessage replaces a message's text and keyboard. Edits are not
// paced: they add no message to the chat, the engine already spaces
// progress edits (commands.DefaultProgressEvery), and waiting here would
// stall the lookup that reports progress; a 429 is still honoured.
func (a *Adapter) editMessage(ctx context.Context, chat, id, text string, kb *tgbotapi.InlineKeyboardMarkup) error {
	p := tgbotapi.Params{"chat_id": chat, "message_id": id, "text": text, "parse_mode": tgbotapi.ModeHTML,
		"disable_web_page_preview": "true"}
	if err := addMarkup(p, kb); err != nil {
		return err
	}
	_, err := a.call(ctx, "editMessageText", p)
	return err
}

// replyParams makes the message a reply, sent even if the original is gone.
func (a *Adapter) replyParams(p tgbotapi.Params, replyTo string) {
	if replyTo != "" {
		p["reply_to_message_id"] = replyTo
		p["allow_sending_without_reply"] = "true"
	}
}

// addMarkup adds reply_markup when there is a keyboard.
func addMarkup(p tgbotapi.Params, kb *tgbotapi.InlineKeyboardMarkup) error {
	if kb == nil {
		return nil
	}
	return p.AddInterface("reply_markup", kb)
}
