// Package card is tibot's platform-neutral view model. Builders turn domain
// values into a Card; each chat adapter renders a Card in its own markup
// (Slack Block Kit, Telegram HTML, console text).
//
// Every string in a Card is plain text: renderers escape it for their markup,
// so text from outside (API fields, user input) can never inject markup,
// mentions or links.
package card

// Tone is the colour and emoji family of a card.
type Tone uint8

// Tones, worst last.
const (
	ToneNeutral Tone = iota // ⚪ unknown / informational
	ToneGood                // 🟢 clean
	ToneTrusted             // 🔵 whitelisted
	ToneWarn                // 🟠 suspicious, quota warnings
	ToneDanger              // 🔴 malicious, errors
)

// Emoji returns the tone's status emoji.
func (t Tone) Emoji() string {
	switch t {
	case ToneGood:
		return "🟢"
	case ToneTrusted:
		return "🔵"
	case ToneWarn:
		return "🟠"
	case ToneDanger:
		return "🔴"
	}
	return "⚪"
}

// Color returns the tone's hex colour (Slack attachment bar and similar).
func (t Tone) Color() string {
	switch t {
	case ToneGood:
		return "#2eb67d"
	case ToneTrusted:
		return "#1d9bd1"
	case ToneWarn:
		return "#ecb22e"
	case ToneDanger:
		return "#e01e5a"
	}
	return "#9e9e9e"
}

// Card is one chat message's content.
//
// Title holds the headline text WITHOUT an emoji. Renderers show
// c.Heading(), which prepends Icon (or, when Icon is empty, Tone.Emoji()):
// "🔴 恶意 IP  198.51.100.23". A card without Title has no heading line.
type Card struct {
	Tone  Tone
	Title string // headline without emoji, e.g. "恶意 IP  198.51.100.23"; empty for plain text replies
	// Icon overrides Tone.Emoji() in the heading ("📋" for batch summaries,
	// "⚠️" for errors); the tone still gives the colour.
	Icon string
	// Text is free text under the title (or the whole message of a plain
	// reply). Lines are separated by "\n".
	Text     string
	Fields   []Field   // ordered label/value pairs
	Sections []Section // titled lists (batch rows, digest lists)
	Actions  []Action  // buttons
	Footer   string    // source, cache age, quota left
	// Attachment, when set, is uploaded with the message by adapters that
	// can (bot.Uploader); others mention it in the text.
	Attachment *Attachment
}

// Field is one label/value pair. Short fields may be laid out two per row.
type Field struct {
	Label string
	Value string
	Short bool
}

// Section is a titled list of preformatted plain-text lines (batch rows
// are columns separated by three spaces, addresses padded for monospace).
type Section struct {
	Title string // e.g. "恶意", without a colon; renderers add their own emphasis
	Lines []string
	// More counts lines left out for size; renderers say "… 另有 N 条".
	More int
}

// Action is a button. A button with URL opens a link; any other button sends
// the pair (ID, Value) back to the engine as a bot.Action.
type Action struct {
	ID    string // stable action id, e.g. "deep", "block"
	Label string // e.g. "深度分析"
	Value string // small payload, e.g. an IP; adapters with size limits map it to a short id
	URL   string
	Style Style
}

// Style hints at a button's emphasis.
type Style uint8

// Button styles.
const (
	StyleDefault Style = iota
	StylePrimary
	StyleDanger
)

// Attachment is a file sent with a card (CSV of a large batch).
type Attachment struct {
	Name string // e.g. "tibot-20250514-1200.csv"
	MIME string // e.g. "text/csv"
	Data []byte
}

// Heading returns the title line as renderers show it: the icon (Icon, or
// Tone.Emoji() when Icon is empty), a space and Title. It is "" when Title
// is empty.
func (c Card) Heading() string {
	if c.Title == "" {
		return ""
	}
	icon := c.Icon
	if icon == "" {
		icon = c.Tone.Emoji()
	}
	return icon + " " + c.Title
}

// Plain returns a card holding only text.
func Plain(text string) Card { return Card{Text: text} }

// IsPlain reports whether c is only text.
func (c Card) IsPlain() bool {
	return c.Title == "" && len(c.Fields) == 0 && len(c.Sections) == 0 &&
		len(c.Actions) == 0 && c.Footer == "" && c.Attachment == nil
}
