package slackfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
)

// Block Kit limits the validator enforces, as Slack documents them
// (https://docs.slack.dev/reference/block-kit/blocks,
// https://docs.slack.dev/reference/block-kit/block-elements/button-element).
// Lengths are UTF-16 code units. MaxTotalText is not documented: Slack
// answers msg_blocks_too_long at about 13.2k characters of blocks
// (slackapi/bolt-js#2509), so the fake refuses above 12k.
const (
	MaxBlocks          = 50
	MaxSectionText     = 3000
	MaxFields          = 10
	MaxFieldText       = 2000
	MaxHeaderText      = 150
	MaxActionElements  = 25
	MaxContextElements = 10
	MaxButtonText      = 75
	MaxButtonValue     = 2000
	MaxButtonURL       = 3000
	MaxID              = 255
	MaxTotalText       = 12000
)

// block is the generic shape of the blocks tibot sends.
type block struct {
	Type     string `json:"type"`
	BlockID  string `json:"block_id"`
	Text     *text  `json:"text"`
	Fields   []text `json:"fields"`
	Elements []elem `json:"elements"`
}

type text struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type elem struct {
	Type     string `json:"type"`
	Text     *text  `json:"text"`
	ActionID string `json:"action_id"`
	Value    string `json:"value"`
	URL      string `json:"url"`
	Style    string `json:"style"`
}

// ValidateBlocks checks a message's blocks JSON against Slack's Block Kit
// limits, and against tibot's own rule that no text carries a raw '<' or
// '>' (every external string is escaped, and tibot never builds mentions or
// links in text). It returns every problem found, joined.
func ValidateBlocks(raw []byte) error {
	var bs []block
	if err := json.Unmarshal(raw, &bs); err != nil {
		return fmt.Errorf("blocks: %w", err)
	}
	var errs []error
	if len(bs) > MaxBlocks {
		errs = append(errs, fmt.Errorf("%d blocks > %d", len(bs), MaxBlocks))
	}
	v := &validator{actionIDs: map[string]bool{}}
	for i, b := range bs {
		for _, err := range v.block(b) {
			errs = append(errs, fmt.Errorf("block %d (%s): %w", i, b.Type, err))
		}
	}
	if v.total > MaxTotalText {
		errs = append(errs, fmt.Errorf("total block text %d > %d (msg_blocks_too_long)", v.total, MaxTotalText))
	}
	return errors.Join(errs...)
}

type validator struct {
	actionIDs map[string]bool
	total     int
}

func (v *validator) block(b block) []error {
	var errs []error
	if Len(b.BlockID) > MaxID {
		errs = append(errs, fmt.Errorf("block_id longer than %d", MaxID))
	}
	switch b.Type {
	case "header":
		errs = append(errs, v.text(b.Text, "header", MaxHeaderText, "plain_text")...)
	case "section":
		errs = append(errs, v.section(b)...)
	case "context":
		if len(b.Elements) == 0 || len(b.Elements) > MaxContextElements {
			errs = append(errs, fmt.Errorf("%d context elements, want 1..%d", len(b.Elements), MaxContextElements))
		}
		for _, e := range b.Elements {
			errs = append(errs, v.text(&text{Type: e.Type, Text: e.textOrEmpty()}, "context", MaxSectionText, "mrkdwn", "plain_text")...)
		}
	case "actions":
		errs = append(errs, v.actions(b.Elements)...)
	case "divider":
	default:
		errs = append(errs, fmt.Errorf("unexpected block type %q", b.Type))
	}
	return errs
}

func (e elem) textOrEmpty() string {
	if e.Text != nil {
		return e.Text.Text
	}
	return ""
}

// UnmarshalJSON reads a context element, whose text is a string, or
// anything else, whose text is an object.
func (e *elem) UnmarshalJSON(b []byte) error {
	type plainElem elem
	var p plainElem
	var ctx struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(b, &ctx); err == nil && (ctx.Type == "mrkdwn" || ctx.Type == "plain_text") {
		*e = elem{Type: ctx.Type, Text: &text{Type: ctx.Type, Text: ctx.Text}}
		return nil
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*e = elem(p)
	return nil
}

func (v *validator) section(b block) []error {
	var errs []error
	if b.Text == nil && len(b.Fields) == 0 {
		errs = append(errs, errors.New("section without text or fields"))
	}
	if b.Text != nil {
		errs = append(errs, v.text(b.Text, "section text", MaxSectionText, "mrkdwn", "plain_text")...)
	}
	if len(b.Fields) > MaxFields {
		errs = append(errs, fmt.Errorf("%d fields > %d", len(b.Fields), MaxFields))
	}
	for i := range b.Fields {
		errs = append(errs, v.text(&b.Fields[i], "field", MaxFieldText, "mrkdwn", "plain_text")...)
	}
	return errs
}

func (v *validator) actions(es []elem) []error {
	var errs []error
	if len(es) == 0 || len(es) > MaxActionElements {
		errs = append(errs, fmt.Errorf("%d action elements, want 1..%d", len(es), MaxActionElements))
	}
	for _, e := range es {
		if e.Type != "button" {
			errs = append(errs, fmt.Errorf("unexpected element %q", e.Type))
			continue
		}
		errs = append(errs, v.text(e.Text, "button text", MaxButtonText, "plain_text")...)
		switch {
		case e.ActionID == "" || Len(e.ActionID) > MaxID:
			errs = append(errs, fmt.Errorf("action_id %q: want 1..%d chars", e.ActionID, MaxID))
		case v.actionIDs[e.ActionID]:
			errs = append(errs, fmt.Errorf("duplicate action_id %q", e.ActionID))
		}
		v.actionIDs[e.ActionID] = true
		if Len(e.Value) > MaxButtonValue || Len(e.URL) > MaxButtonURL {
			errs = append(errs, fmt.Errorf("button %q: value or url too long", e.ActionID))
		}
		if e.Style != "" && e.Style != "primary" && e.Style != "danger" {
			errs = append(errs, fmt.Errorf("button style %q", e.Style))
		}
	}
	return errs
}

// text checks one text object's type, length and escaping.
func (v *validator) text(t *text, what string, max int, types ...string) []error {
	if t == nil {
		return []error{fmt.Errorf("%s missing", what)}
	}
	var errs []error
	ok := false
	for _, ty := range types {
		ok = ok || t.Type == ty
	}
	if !ok {
		errs = append(errs, fmt.Errorf("%s type %q, want %v", what, t.Type, types))
	}
	n := Len(t.Text)
	v.total += n
	if n == 0 || n > max {
		errs = append(errs, fmt.Errorf("%s length %d, want 1..%d", what, n, max))
	}
	if strings.ContainsAny(t.Text, "<>") {
		errs = append(errs, fmt.Errorf("%s has unescaped markup: %.60q", what, t.Text))
	}
	return errs
}

// Len counts s in UTF-16 code units, the unit of Slack's limits.
func Len(s string) int {
	n := 0
	for _, r := range s {
		if l := utf16.RuneLen(r); l > 0 {
			n += l
		} else {
			n++
		}
	}
	return n
}

// BlockTexts returns every text of a blocks JSON array, in order: header,
// section text and fields, context elements and button labels.
func BlockTexts(raw []byte) []string {
	var bs []block
	if json.Unmarshal(raw, &bs) != nil {
		return nil
	}
	var out []string
	for _, b := range bs {
		if b.Text != nil {
			out = append(out, b.Text.Text)
		}
		for _, f := range b.Fields {
			out = append(out, f.Text)
		}
		for _, e := range b.Elements {
			out = append(out, e.textOrEmpty())
		}
	}
	return out
}
