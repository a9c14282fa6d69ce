package tgfake

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Limits the fake enforces (https://core.telegram.org/bots/api).
const (
	maxText         = 4096
	maxCaption      = 1024
	maxCallbackData = 64
	maxAnswerText   = 200
	maxDownload     = 20 << 20
)

// Message is a message as the fake stores it.
type Message struct {
	ID        int
	Chat      int64
	FromBot   bool
	UserID    int64  // sender (BotID for the bot)
	Text      string // as sent: the HTML source for parse_mode=HTML
	Plain     string // the text after entity parsing
	ParseMode string // "HTML" or ""
	Keyboard  [][]Button
	ReplyTo   int      // reply_to_message_id, 0 if none
	Edits     []string // earlier versions of Text, oldest first
	Document  *Document
	Deleted   bool
}

// Button is an inline keyboard button.
type Button struct {
	Text         string `json:"text"`
	URL          string `json:"url,omitempty"`
	CallbackData string `json:"callback_data,omitempty"`
}

// Document is a file in a message.
type Document struct {
	FileID, Name, MIME, Caption string
	Data                        []byte
	Size                        int64 // reported file_size (0: len(Data))
}

// chatState is one chat's messages; ids count per chat like Telegram's.
type chatState struct {
	chat   wireChat
	nextID int
	msgs   []*Message
}

// chat returns the state of chat id, creating it when create is set.
func (s *Server) chat(id int64, typ string, create bool) *chatState {
	c := s.chats[id]
	if c == nil && create {
		if typ == "" {
			typ = "private"
		}
		c = &chatState{chat: wireChat{ID: id, Type: typ}, nextID: 1}
		s.chats[id] = c
	}
	return c
}

// add stores m under the chat's next id.
func (c *chatState) add(m *Message) *Message {
	m.ID, m.Chat = c.nextID, c.chat.ID
	c.nextID++
	c.msgs = append(c.msgs, m)
	return m
}

func (c *chatState) find(id int64) *Message {
	for _, m := range c.msgs {
		if int64(m.ID) == id && !m.Deleted {
			return m
		}
	}
	return nil
}

// Messages returns copies of a chat's messages, oldest first, with the
// edit history of each.
func (s *Server) Messages(chat int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chat]
	if c == nil {
		return nil
	}
	out := make([]Message, 0, len(c.msgs))
	for _, m := range c.msgs {
		cp := *m
		cp.Edits = append([]string(nil), m.Edits...)
		out = append(out, cp)
	}
	return out
}

// BotMessages returns the bot's messages in a chat.
func (s *Server) BotMessages(chat int64) []Message {
	var out []Message
	for _, m := range s.Messages(chat) {
		if m.FromBot {
			out = append(out, m)
		}
	}
	return out
}

// target finds the chat of a bot call.
func (s *Server) target(p params) (*chatState, error) {
	id, err := p.int64("chat_id")
	if err != nil {
		return nil, err
	}
	c := s.chat(id, "", false)
	if c == nil {
		return nil, badRequest("chat not found")
	}
	return c, nil
}

// checkText parses text like Telegram and enforces 1..limit characters.
func checkText(text, mode string, limit int, allowEmpty bool) (string, error) {
	plain := text
	if strings.EqualFold(mode, "HTML") {
		var err error
		if plain, _, err = ParseHTML(text); err != nil {
			return "", badRequest("can't parse entities: " + err.Error())
		}
	}
	switch n := Length(strings.TrimSpace(plain)); {
	case n == 0 && !allowEmpty:
		return "", badRequest("message text is empty")
	case Length(plain) > limit:
		return "", badRequest("message is too long")
	}
	return plain, nil
}

// parseKeyboard validates reply_markup's inline keyboard.
// messageContent validates the text and inline keyboard that sendMessage
// and editMessageText share, returning the text without markup.
func messageContent(p params) (string, [][]Button, error) {
	plain, err := checkText(p.str("text"), p.str("parse_mode"), maxText, false)
	if err != nil {
		return "", nil, err
	}
	kb, err := parseKeyboard(p.str("reply_markup"))
	return plain, kb, err
}

func parseKeyboard(raw string) ([][]Button, error) {
	if raw == "" {
		return nil, nil
	}
	var m struct {
		InlineKeyboard [][]Button `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			if err := checkButton(b); err != nil {
				return nil, err
			}
		}
	}
	return m.InlineKeyboard, nil
}

func checkButton(b Button) error {
	switch {
	case strings.TrimSpace(b.Text) == "":
		return badRequest("BUTTON_TEXT_EMPTY")
	case b.URL != "":
		u, err := url.Parse(b.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http" && u.Scheme != "tg") {
			return badRequest("BUTTON_URL_INVALID")
		}
	case len(b.CallbackData) == 0 || len(b.CallbackData) > maxCallbackData:
		return badRequest("BUTTON_DATA_INVALID")
	}
	return nil
}

func (s *Server) sendMessage(p params) (any, error) {
	c, err := s.target(p)
	if err != nil {
		return nil, err
	}
	plain, kb, err := messageContent(p)
	if err != nil {
		return nil, err
	}
	replyTo, err := s.replyTo(c, p)
	if err != nil {
		return nil, err
	}
	m := c.add(&Message{FromBot: true, UserID: BotID, Text: p.str("text"), Plain: plain,
		ParseMode: p.str("parse_mode"), Keyboard: kb, ReplyTo: replyTo})
	return s.wire(c, m), nil
}

// replyTo checks reply_to_message_id.
func (s *Server) replyTo(c *chatState, p params) (int, error) {
	id, err := p.int64("reply_to_message_id")
	if err != nil || id == 0 {
		return 0, err
	}
	if c.find(id) == nil && p.str("allow_sending_without_reply") != "true" {
		return 0, badRequest("message to be replied not found")
	}
	return int(id), nil
}

// wire is m as the Bot API returns it.
func (s *Server) wire(c *chatState, m *Message) *wireMessage {
	w := &wireMessage{MessageID: m.ID, Chat: c.chat, Date: time.Now().Unix(), Text: m.Plain}
	if m.FromBot {
		w.From = &wireUser{ID: BotID, IsBot: true, FirstName: "tibot", Username: BotName}
	} else {
		w.From = &wireUser{ID: m.UserID, FirstName: "user"}
	}
	if len(m.Keyboard) > 0 {
		w.ReplyMarkup, _ = json.Marshal(map[string]any{"inline_keyboard": m.Keyboard})
	}
	if d := m.Document; d != nil {
		w.Text, w.Caption = "", d.Caption
		w.Document = &wireDocument{FileID: d.FileID, FileUniqueID: "u" + d.FileID, FileName: d.Name,
			MimeType: d.MIME, FileSize: d.Size}
		if d.Size == 0 {
			w.Document.FileSize = int64(len(d.Data))
		}
	}
	return w
}

// String is a short form of m for test failure output.
func (m Message) String() string {
	return fmt.Sprintf("#%d bot=%v edits=%d %q", m.ID, m.FromBot, len(m.Edits), m.Plain)
}
