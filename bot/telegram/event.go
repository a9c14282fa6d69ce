package telegram

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"tibot/bot"
	"tibot/intel"
)

// Callback answers.
const (
	// callbackAnswerDeadline is when a still-running button handler gets
	// an interim answer, so the user's spinner stops (Telegram drops
	// answers to old queries).
	callbackAnswerDeadline = 5 * time.Second
	answerTimeout          = 10 * time.Second
	expiredButton          = "按钮已过期, 请重新查询"
	workingOnIt            = "正在处理…"
	failedAnswer           = "处理失败: 内部错误"
)

// commandPattern is a command token: "/name" or "/name@botname".
var commandPattern = regexp.MustCompile(`^/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?$`)

// handleUpdate routes one update; kinds the bot does not serve are dropped.
func (a *Adapter) handleUpdate(ctx context.Context, h bot.Handler, u tgbotapi.Update) {
	switch {
	case u.Message != nil:
		m, ok := a.message(u.Message)
		if !ok {
			return
		}
		r, err := a.replier(m.Chat, m.Thread)
		if err == nil {
			err = h.Handle(ctx, m, r)
		}
		if err != nil {
			a.log.Warn("telegram handler failed", "chat", m.Chat, "user", m.User, "cmd", m.Command, "err", err)
		}
	case u.CallbackQuery != nil:
		a.handleCallback(ctx, h, u.CallbackQuery)
	}
}

// message converts a Telegram message to a bot.Message; false means drop
// it (no sender, nothing to act on, or a command for another bot).
func (a *Adapter) message(tm *tgbotapi.Message) (*bot.Message, bool) {
	if tm.From == nil || tm.Chat == nil {
		return nil, false
	}
	id := strconv.Itoa(tm.MessageID)
	m := &bot.Message{
		Platform: "telegram", Chat: strconv.FormatInt(tm.Chat.ID, 10), ID: id, Thread: id,
		User: strconv.FormatInt(tm.From.ID, 10), UserName: userName(tm.From),
		Direct: tm.Chat.IsPrivate(), FromBot: tm.From.IsBot,
	}
	text := tm.Text
	if tm.Document != nil {
		m.Files = []bot.File{a.file(tm.Document)}
		text = tm.Caption
	}
	name, at, args, isCmd := parseCommand(text)
	switch {
	case isCmd && at != "" && !strings.EqualFold(at, a.botName()):
		return nil, false // "/ip@OtherBot" in a group
	case isCmd:
		m.Command, m.Text = strings.ToLower(name), args
	default:
		m.Text = text
	}
	m.Mention = a.mentioned(tm, &m.Text)
	return m, m.Command != "" || strings.TrimSpace(m.Text) != "" || len(m.Files) > 0
}

// mentioned reports whether tm @-mentions the bot (the mention is cut
// from text) or replies to one of the bot's messages.
func (a *Adapter) mentioned(tm *tgbotapi.Message, text *string) bool {
	a.mu.Lock()
	self := a.self
	a.mu.Unlock()
	reply := tm.ReplyToMessage != nil && tm.ReplyToMessage.From != nil && self.ID != 0 &&
		tm.ReplyToMessage.From.ID == self.ID
	if self.UserName == "" {
		return reply
	}
	i := mentionAt(*text, "@"+self.UserName)
	if i < 0 {
		return reply
	}
	*text = strings.TrimSpace((*text)[:i] + (*text)[i+len(self.UserName)+1:])
	return true
}

// mentionAt finds "@name" (ASCII, any case, not followed by another name
// character) in text; -1 when absent.
func mentionAt(text, at string) int {
	for i := 0; i+len(at) <= len(text); i++ {
		if text[i] != '@' || !strings.EqualFold(text[i:i+len(at)], at) {
			continue
		}
		if end := i + len(at); end == len(text) || !isNameByte(text[end]) {
			return i
		}
	}
	return -1
}

// isNameByte reports whether c can be part of a Telegram username.
func isNameByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// parseCommand splits "/name@bot args…" into its parts.
func parseCommand(text string) (name, at, args string, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", "", false
	}
	tok, rest, _ := strings.Cut(text, " ")
	if i := strings.IndexAny(tok, "\n\t"); i >= 0 {
		tok, rest = text[:i], text[i+1:]
	}
	sub := commandPattern.FindStringSubmatch(tok)
	if sub == nil {
		return "", "", "", false
	}
	return sub[1], sub[2], strings.TrimSpace(rest), true
}

// userName is "@username", else the first and last name.
func userName(u *tgbotapi.User) string {
	if u.UserName != "" {
		return "@" + u.UserName
	}
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}

// handleCallback turns a button press into a bot.Message with Action and
// always answers the query: at once for an unknown or expired button,
// otherwise when the handler returns (with the error text if it failed),
// or with "正在处理…" after callbackAnswerDeadline, whichever comes first.
func (a *Adapter) handleCallback(ctx context.Context, h bot.Handler, q *tgbotapi.CallbackQuery) {
	var once sync.Once
	answer := func(text string) { once.Do(func() { a.answerCallback(ctx, q.ID, text) }) }
	act, ok := a.actions.get(q.Data)
	if !ok || q.Message == nil || q.Message.Chat == nil || q.From == nil {
		answer(expiredButton)
		return
	}
	chat, msgID := strconv.FormatInt(q.Message.Chat.ID, 10), strconv.Itoa(q.Message.MessageID)
	m := &bot.Message{
		Platform: "telegram", Chat: chat, ID: msgID, Thread: msgID,
		User: strconv.FormatInt(q.From.ID, 10), UserName: userName(q.From),
		Direct: q.Message.Chat.IsPrivate(), FromBot: q.From.IsBot,
		Action: &bot.Action{ID: act.ID, Value: act.Value, Ref: bot.MessageRef{Chat: chat, ID: msgID}},
	}
	t := time.AfterFunc(a.answerAfter, func() { answer(workingOnIt) })
	defer t.Stop()
	defer answer(failedAnswer) // no-op once answered; covers a panicking handler
	r, err := a.replier(chat, msgID)
	if err == nil {
		err = h.Handle(ctx, m, r)
	}
	if err != nil {
		a.log.Warn("telegram button handler failed", "chat", chat, "user", m.User, "action", act.ID, "err", err)
		answer(clipRunes("处理失败: "+intel.ErrorMessage(err), MaxAnswerChars))
		return
	}
	answer("")
}

// answerCallback calls answerCallbackQuery, even after ctx ended.
func (a *Adapter) answerCallback(ctx context.Context, id, text string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), answerTimeout)
	defer cancel()
	p := tgbotapi.Params{"callback_query_id": id}
	p.AddNonEmpty("text", clipRunes(text, MaxAnswerChars))
	if _, err := a.call(ctx, "answerCallbackQuery", p); err != nil {
		a.log.Warn("telegram answerCallbackQuery failed", "err", err)
	}
}

// clipRunes shortens s to n runes, ending with "…" when cut.
func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
