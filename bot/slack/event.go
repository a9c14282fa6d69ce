package slack

import (
	"context"
	"strings"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"tibot/bot"
)

// delivery is one inbound message ready for the handler. prepare, when
// set, runs in the handler goroutine first (network look-ups such as
// files.info that must not block the event loop).
type delivery struct {
	msg     *bot.Message
	rep     *replier
	prepare func(ctx context.Context) error
}

// handledSubtypes are the message subtypes that carry new user content;
// edits, deletions, joins, bot messages and the rest are ignored.
var handledSubtypes = map[string]bool{"": true, "file_share": true, "thread_broadcast": true}

// fromEventsAPI converts an Events API callback. It reports false for
// events tibot ignores and for redeliveries (same event_id, or a message
// or file already answered through another event).
func (a *Adapter) fromEventsAPI(e slackevents.EventsAPIEvent) (delivery, bool) {
	if cb, ok := e.Data.(*slackevents.EventsAPICallbackEvent); ok && cb.EventID != "" {
		if !a.seen.add("event:"+cb.EventID, struct{}{}) {
			return delivery{}, false
		}
	}
	switch ev := e.InnerEvent.Data.(type) {
	case *slackevents.MessageEvent:
		return a.fromMessage(e.TeamID, ev)
	case *slackevents.AppMentionEvent:
		return a.fromMention(e.TeamID, ev)
	case *slackevents.FileSharedEvent:
		return a.fromFileShared(e.TeamID, ev)
	}
	return delivery{}, false
}

// fromMessage converts a message in a channel, group or DM.
func (a *Adapter) fromMessage(team string, ev *slackevents.MessageEvent) (delivery, bool) {
	if !handledSubtypes[ev.SubType] || a.fromBot(ev.User, ev.BotID) {
		return delivery{}, false
	}
	var files []slackapi.File
	if ev.Message != nil {
		files = ev.Message.Files
	}
	return a.fromPost(post{team: team, chat: ev.Channel, user: ev.User, ts: ev.TimeStamp,
		thread: ev.ThreadTimeStamp, text: ev.Text, direct: ev.ChannelType == "im", files: files})
}

// fromMention converts an app_mention; the message event for the same ts
// (when the bot is in the channel) is answered only once.
func (a *Adapter) fromMention(team string, ev *slackevents.AppMentionEvent) (delivery, bool) {
	if a.fromBot(ev.User, ev.BotID) {
		return delivery{}, false
	}
	return a.fromPost(post{team: team, chat: ev.Channel, user: ev.User, ts: ev.TimeStamp,
		thread: ev.ThreadTimeStamp, text: ev.Text, files: ev.Files})
}

// post is what message and app_mention events have in common.
type post struct {
	team, chat, user, ts, thread, text string
	direct                             bool
	files                              []slackapi.File
}

// fromPost builds the message, answered in the post's thread (or a new
// thread under it), once per channel+ts and once per file.
func (a *Adapter) fromPost(p post) (delivery, bool) {
	if !a.seen.add("msg:"+p.chat+"/"+p.ts, struct{}{}) {
		return delivery{}, false
	}
	var files []bot.File
	for _, f := range p.files {
		if a.seen.add("file:"+f.ID, struct{}{}) {
			files = append(files, a.file(f))
		}
	}
	text := a.cleanText(p.text)
	if strings.TrimSpace(text) == "" && len(files) == 0 {
		return delivery{}, false
	}
	thread := p.thread
	if thread == "" {
		thread = p.ts
	}
	m := &bot.Message{Platform: "slack", Team: p.team, Chat: p.chat, Thread: thread, ID: p.ts,
		User: p.user, Direct: p.direct || strings.HasPrefix(p.chat, "D"), Text: text, Files: files}
	return delivery{msg: m, rep: a.newReplier(p.chat, p.user, thread, "")}, true
}

// fromFileShared converts a file_shared event unless the file_share
// message already brought the file. The file's details and the message to
// answer under come from files.info, in the handler goroutine.
func (a *Adapter) fromFileShared(team string, ev *slackevents.FileSharedEvent) (delivery, bool) {
	if ev.UserID != "" && a.fromBot(ev.UserID, "") {
		return delivery{}, false
	}
	if !a.seen.add("file:"+ev.FileID, struct{}{}) {
		return delivery{}, false
	}
	m := &bot.Message{Platform: "slack", Team: team, Chat: ev.ChannelID, User: ev.UserID,
		Direct: strings.HasPrefix(ev.ChannelID, "D")}
	d := delivery{msg: m, rep: a.newReplier(ev.ChannelID, ev.UserID, "", "")}
	d.prepare = func(ctx context.Context) error {
		f, err := a.fileInfo(ctx, ev.FileID)
		if err != nil {
			return err
		}
		if ts, thread := shareTS(f, ev.ChannelID); ts != "" {
			m.ID, m.Thread = ts, orElse(thread, ts)
			d.rep.thread = m.Thread
		}
		m.Files = []bot.File{a.file(*f)}
		return nil
	}
	return d, true
}

// shareTS finds the message that shared f in channel.
func shareTS(f *slackapi.File, channel string) (ts, thread string) {
	for _, shares := range []map[string][]slackapi.ShareFileInfo{f.Shares.Public, f.Shares.Private} {
		if s := shares[channel]; len(s) > 0 {
			return s[0].Ts, s[0].ThreadTs
		}
	}
	return "", ""
}

// fromSlash converts a slash command: Command "ip" from "/ip", Text the
// arguments. The first reply goes to the channel; later ones (and the CSV)
// in a thread under it.
func (a *Adapter) fromSlash(c slackapi.SlashCommand) delivery {
	m := &bot.Message{Platform: "slack", Team: c.TeamID, Chat: c.ChannelID, User: c.UserID, UserName: c.UserName,
		Direct:  c.ChannelName == "directmessage" || strings.HasPrefix(c.ChannelID, "D"),
		Command: strings.ToLower(strings.TrimPrefix(strings.TrimSpace(c.Command), "/")), Text: plainText(c.Text)}
	return delivery{msg: m, rep: a.newReplier(c.ChannelID, c.UserID, "", c.ResponseURL)}
}

// fromInteraction converts a button click (block_actions) into
// Message.Action; clicks on link buttons and other interactions are
// ignored.
func (a *Adapter) fromInteraction(cb slackapi.InteractionCallback) (delivery, bool) {
	if cb.Type != slackapi.InteractionTypeBlockActions {
		return delivery{}, false
	}
	for _, act := range cb.ActionCallback.BlockActions {
		id, ok := parseActionID(act.ActionID)
		if !ok {
			continue
		}
		return a.actionDelivery(cb, id, a.resolveValue(act.Value)), true
	}
	return delivery{}, false
}

func (a *Adapter) actionDelivery(cb slackapi.InteractionCallback, id, value string) delivery {
	chat := orElse(cb.Channel.ID, cb.Container.ChannelID)
	ts := orElse(cb.Container.MessageTs, cb.Message.Timestamp)
	thread := orElse(cb.Container.ThreadTs, cb.Message.ThreadTimestamp)
	m := &bot.Message{Platform: "slack", Team: cb.Team.ID, Chat: chat, User: cb.User.ID, UserName: cb.User.Name,
		Thread: orElse(thread, ts), Direct: strings.HasPrefix(chat, "D"),
		Action: &bot.Action{ID: id, Value: value, Ref: bot.MessageRef{Chat: chat, ID: ts, Thread: thread}}}
	return delivery{msg: m, rep: a.newReplier(chat, cb.User.ID, m.Thread, cb.ResponseURL)}
}

// resolveValue maps a button value reference back to the long value it
// stands for ("" when it expired).
func (a *Adapter) resolveValue(v string) string {
	if !strings.HasPrefix(v, valueRefPrefix) {
		return v
	}
	long, _ := a.values.get(v)
	return long
}

// fromBot reports whether a sender is a bot or tibot itself.
func (a *Adapter) fromBot(user, botID string) bool {
	self, _ := a.self()
	return botID != "" || (self != "" && user == self)
}

// cleanText strips mentions of the bot, then unwraps Slack markup.
func (a *Adapter) cleanText(s string) string {
	a.selfMu.RLock()
	mention := a.mention
	a.selfMu.RUnlock()
	if mention != nil {
		s = mention.ReplaceAllString(s, " ")
	}
	return strings.TrimSpace(plainText(s))
}

func orElse(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
