package tgfake

import "encoding/json"

// editable finds the bot message an edit call names.
func (s *Server) editable(p params) (*chatState, *Message, error) {
	c, err := s.target(p)
	if err != nil {
		return nil, nil, err
	}
	id, err := p.int64("message_id")
	if err != nil {
		return nil, nil, err
	}
	m := c.find(id)
	switch {
	case m == nil:
		return nil, nil, badRequest("message to edit not found")
	case !m.FromBot:
		return nil, nil, badRequest("message can't be edited")
	}
	return c, m, nil
}

var errNotModified = badRequest("message is not modified: specified new message content and reply markup " +
	"are exactly the same as a current content and reply markup of the message")

func (s *Server) editMessageText(p params) (any, error) {
	c, m, err := s.editable(p)
	if err != nil {
		return nil, err
	}
	plain, kb, err := messageContent(p)
	if err != nil {
		return nil, err
	}
	if p.str("text") == m.Text && sameKeyboard(kb, m.Keyboard) {
		return nil, errNotModified
	}
	m.Edits = append(m.Edits, m.Text)
	m.Text, m.Plain, m.ParseMode, m.Keyboard = p.str("text"), plain, p.str("parse_mode"), kb
	return s.wire(c, m), nil
}

func (s *Server) editMessageReplyMarkup(p params) (any, error) {
	c, m, err := s.editable(p)
	if err != nil {
		return nil, err
	}
	kb, err := parseKeyboard(p.str("reply_markup"))
	if err != nil {
		return nil, err
	}
	if sameKeyboard(kb, m.Keyboard) {
		return nil, errNotModified
	}
	m.Keyboard = kb
	return s.wire(c, m), nil
}

func sameKeyboard(a, b [][]Button) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return len(a) == 0 && len(b) == 0 || string(ja) == string(jb)
}

func (s *Server) deleteMessage(p params) (any, error) {
	c, err := s.target(p)
	if err != nil {
		return nil, err
	}
	id, err := p.int64("message_id")
	if err != nil {
		return nil, err
	}
	m := c.find(id)
	if m == nil {
		return nil, badRequest("message to delete not found")
	}
	m.Deleted = true
	return true, nil
}
