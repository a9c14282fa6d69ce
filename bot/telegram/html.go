package telegram

import (
	"net/url"
	"slices"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"tibot/card"
)

// Telegram limits the renderer and the adapter respect.
const (
	// MaxMessageChars is the limit on a message's text after entity
	// parsing (https://core.telegram.org/bots/api#sendmessage).
	MaxMessageChars = 4096
	// MaxCaptionChars is the limit on a document caption after entity
	// parsing (https://core.telegram.org/bots/api#senddocument).
	MaxCaptionChars = 1024
	// MaxCallbackData is the limit on an inline button's callback_data in
	// bytes (https://core.telegram.org/bots/api#inlinekeyboardbutton).
	MaxCallbackData = 64
	// MaxEntities is about how many formatting entities one message may
	// carry before Telegram ignores the rest (found by experiment; see
	// python-telegram-bot's MessageLimit.MESSAGE_ENTITIES).
	MaxEntities = 100
	// MaxAnswerChars is the limit on an answerCallbackQuery text
	// (https://core.telegram.org/bots/api#answercallbackquery).
	MaxAnswerChars = 200
)

// Headroom under the limits: lengths are counted in UTF-16 code units
// (Telegram's unit for entities), and a little slack absorbs any
// difference in how the server normalises whitespace.
const (
	messageBudget = MaxMessageChars - 196
	entityBudget  = MaxEntities - 10
	// chunkChars is the size long lines are cut into.
	chunkChars = 1000
)

// Keyboard layout.
const (
	buttonsPerRow  = 3  // keeps Chinese labels readable on phones
	maxButtonRunes = 40 // Telegram truncates long labels anyway
)

// HTML renders c as Telegram HTML (parse_mode=HTML) messages, in order.
// Every string from the card is escaped, IP addresses are set in <code>,
// section rows in <pre>. A card whose text would pass the limits is first
// summarised (section rows dropped, counted as "… 另有 N 条"), then split
// across several messages, each under MaxMessageChars after entity parsing
// and under MaxEntities. Buttons are not part of the text: see keyboard.
// An empty card yields no message.
func HTML(c card.Card) []string {
	return pack(cardLines(summarise(c)))
}

// cardLines lays a card out line by line:
//
//	<b>🔴 恶意 IP  <code>198.51.100.23</code></b>
//	free text
//	<b>结论:</b> 恶意 (可信度: 高)
//
//	<b>恶意:</b>
//	<pre>203.0.113.7   远控 …</pre>
//	<i>… 另有 3 条</i>
//
//	<i>来源: …</i>
func cardLines(c card.Card) []line {
	var ls []line
	add := func(k lineKind, label, text string) { ls = append(ls, line{kind: k, label: label, text: text}) }
	if h := c.Heading(); h != "" {
		add(kindHeading, "", h)
	}
	if c.Text != "" {
		for _, t := range strings.Split(c.Text, "\n") {
			add(kindText, "", t)
		}
	}
	for _, f := range c.Fields {
		add(kindField, f.Label, f.Value)
	}
	for _, s := range c.Sections {
		add(kindBlank, "", "")
		if s.Title != "" {
			add(kindTitle, "", s.Title)
		}
		for _, r := range s.Lines {
			add(kindRow, "", r)
		}
		if s.More > 0 {
			add(kindMore, "", moreText(s.More))
		}
	}
	if c.Footer != "" {
		add(kindBlank, "", "")
		add(kindFooter, "", c.Footer)
	}
	return ls
}

// summarise drops section rows, longest section first, until the card
// fits one message or no rows are left.
func summarise(c card.Card) card.Card {
	if len(c.Sections) == 0 || linesSize(cardLines(c)) <= messageBudget {
		return c
	}
	ss := slices.Clone(c.Sections)
	for i := range ss {
		ss[i].Lines = slices.Clone(ss[i].Lines)
	}
	c.Sections = ss
	for linesSize(cardLines(c)) > messageBudget {
		if !trimRows(c.Sections) {
			break // what is left is split across messages
		}
	}
	return c
}

// trimRows drops the last row of the section with the most rows; false
// when no section has rows left.
func trimRows(ss []card.Section) bool {
	best := -1
	for i, s := range ss {
		if len(s.Lines) > 0 && (best < 0 || len(s.Lines) > len(ss[best].Lines)) {
			best = i
		}
	}
	if best < 0 {
		return false
	}
	ss[best].Lines = ss[best].Lines[:len(ss[best].Lines)-1]
	ss[best].More++
	return true
}

// keyboard builds the inline keyboard for a card's buttons, in rows of
// buttonsPerRow. A URL button (http or https only) opens its link; any
// other button carries the short id ref returns for it, never the action's
// value (callback_data is limited to MaxCallbackData bytes). Buttons that
// cannot be sent are left out; nil means no keyboard.
func keyboard(actions []card.Action, ref func(card.Action) string) *tgbotapi.InlineKeyboardMarkup {
	var rows [][]tgbotapi.InlineKeyboardButton
	var row []tgbotapi.InlineKeyboardButton
	for _, a := range actions {
		b, ok := button(a, ref)
		if !ok {
			continue
		}
		if row = append(row, b); len(row) == buttonsPerRow {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: rows}
}

// button converts one action; false when it cannot be sent.
func button(a card.Action, ref func(card.Action) string) (tgbotapi.InlineKeyboardButton, bool) {
	label := strings.Join(strings.Fields(a.Label), " ")
	if r := []rune(label); len(r) > maxButtonRunes {
		label = string(r[:maxButtonRunes-1]) + "…"
	}
	if label == "" {
		return tgbotapi.InlineKeyboardButton{}, false
	}
	if a.URL != "" {
		u, err := url.Parse(a.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return tgbotapi.InlineKeyboardButton{}, false
		}
		return tgbotapi.NewInlineKeyboardButtonURL(label, a.URL), true
	}
	data := ref(a)
	if data == "" || len(data) > MaxCallbackData {
		return tgbotapi.InlineKeyboardButton{}, false
	}
	return tgbotapi.NewInlineKeyboardButtonData(label, data), true
}
