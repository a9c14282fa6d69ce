package slack

import (
	"fmt"
	"strings"

	slackapi "github.com/slack-go/slack"

	"tibot/card"
)

// Block Kit limits, enforced by Blocks by summarising (never by a Slack
// error). Lengths are counted in UTF-16 code units after escaping, the
// conservative reading of Slack's "characters".
// See https://docs.slack.dev/reference/block-kit/blocks and
// https://docs.slack.dev/reference/block-kit/block-elements/button-element.
const (
	maxBlocks          = 50    // blocks per message
	maxSectionText     = 3000  // section block text
	maxFields          = 10    // fields per section block
	maxFieldText       = 2000  // one section field
	maxHeaderText      = 150   // header block plain_text
	maxActionElements  = 25    // elements per actions block
	maxContextElements = 10    // elements per context block
	maxButtonText      = 75    // button label
	maxButtonValue     = 2000  // button value
	maxButtonURL       = 3000  // button url
	maxID              = 255   // block_id / action_id
	maxTotalText       = 12000 // all block text: msg_blocks_too_long seen at ~13.2k (bolt-js#2509)
	maxFallbackText    = 3000  // notification text; Slack advises far below its 40k cap
)

// piece is one body block with what it costs and carries.
type piece struct {
	block slackapi.Block
	lines int // list lines it shows (for "… 另有 N 条")
	size  int // text length
}

// Blocks renders c as Block Kit: a header with the heading, the text, the
// fields, one list per section, a context footer and the buttons. Every
// string from c is escaped for mrkdwn. When c does not fit Slack's limits,
// the body is cut and ends with "… 另有 N 条"; Blocks is pure and never
// returns blocks Slack would refuse.
func Blocks(c card.Card) []slackapi.Block {
	var head []slackapi.Block
	if h := c.Heading(); h != "" {
		head = append(head, slackapi.NewHeaderBlock(plain(h, maxHeaderText)))
	}
	tail := tailBlocks(c)
	body := bodyPieces(c)
	used := textSize(head) + textSize(tail)
	body = fitBody(body, maxBlocks-len(head)-len(tail), maxTotalText-used)
	out := make([]slackapi.Block, 0, len(head)+len(body)+len(tail))
	out = append(out, head...)
	for _, p := range body {
		out = append(out, p.block)
	}
	return append(out, tail...)
}

// FallbackText is the message's plain notification text: the heading and
// the card text, escaped and capped.
func FallbackText(c card.Card) string {
	parts := []string{}
	for _, s := range []string{c.Heading(), c.Text} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		for _, s := range c.Sections {
			if s.Title != "" {
				parts = append(parts, s.Title)
				break
			}
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "tibot")
	}
	return clipEscaped(strings.Join(parts, "\n"), maxFallbackText)
}

// bodyPieces renders text, fields and sections, in that order.
func bodyPieces(c card.Card) []piece {
	var ps []piece
	for _, chunk := range splitText(c.Text, maxSectionText) {
		ps = append(ps, textPiece(chunk, 0))
	}
	ps = append(ps, fieldPieces(c.Fields)...)
	for _, s := range c.Sections {
		ps = append(ps, sectionPieces(s)...)
	}
	return ps
}

// textPiece is a section showing already-escaped mrkdwn.
func textPiece(mrkdwn string, lines int) piece {
	t := slackapi.NewTextBlockObject(slackapi.MarkdownType, mrkdwn, false, true)
	return piece{block: slackapi.NewSectionBlock(t, nil, nil), lines: lines, size: textLen(mrkdwn)}
}

// fieldPieces lays out runs of short fields as section fields (≤ maxFields
// per section) and each long field as its own section text.
func fieldPieces(fs []card.Field) []piece {
	var ps []piece
	var run []*slackapi.TextBlockObject
	size := 0
	flush := func() {
		if len(run) > 0 {
			ps = append(ps, piece{block: slackapi.NewSectionBlock(nil, run, nil), size: size})
			run, size = nil, 0
		}
	}
	for _, f := range fs {
		if !f.Short {
			flush()
			ps = append(ps, textPiece(fieldText(f, maxSectionText), 0))
			continue
		}
		if len(run) == maxFields {
			flush()
		}
		t := fieldText(f, maxFieldText)
		run = append(run, slackapi.NewTextBlockObject(slackapi.MarkdownType, t, false, true))
		size += textLen(t)
	}
	flush()
	return ps
}

// fieldText is "*label*\nvalue", escaped and capped at max.
func fieldText(f card.Field, max int) string {
	if f.Label == "" {
		return clipEscaped(f.Value, max)
	}
	label := "*" + clipEscaped(oneLine(f.Label), 100) + "*"
	return label + "\n" + clipEscaped(f.Value, max-textLen(label)-1)
}

// sectionPieces renders a titled list as preformatted text, split into
// section blocks of at most maxSectionText; a More count ends the last one.
func sectionPieces(s card.Section) []piece {
	const fence, fenceOverhead = "```", 8 // "```\n" + "\n```"
	title := ""
	if s.Title != "" {
		title = "*" + clipEscaped(oneLine(s.Title), 200) + "*\n"
	}
	more := ""
	if s.More > 0 {
		more = "\n" + moreText(s.More)
	}
	if len(s.Lines) == 0 {
		if t := strings.TrimSuffix(title, "\n") + more; t != "" {
			return []piece{textPiece(strings.TrimPrefix(t, "\n"), s.More)}
		}
		return nil
	}
	room := maxSectionText - fenceOverhead - textLen(title) - textLen(more)
	chunks := chunkLines(codeLines(s.Lines, room), room)
	ps := make([]piece, 0, len(chunks))
	for i, ch := range chunks {
		t := fence + "\n" + strings.Join(ch, "\n") + "\n" + fence
		lines := len(ch)
		if i == 0 {
			t = title + t
		}
		if i == len(chunks)-1 {
			t += more
			lines += s.More
		}
		ps = append(ps, textPiece(t, lines))
	}
	return ps
}

// codeLines escapes list lines for a ``` block, capping each at room and
// breaking any fence inside them.
func codeLines(lines []string, room int) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		l = strings.ReplaceAll(oneLine(l), "```", "`\u200b`\u200b`")
		out[i] = clipEscaped(l, room)
	}
	return out
}

// chunkLines groups lines so each group joined by "\n" is at most room long.
func chunkLines(lines []string, room int) [][]string {
	var out [][]string
	var cur []string
	n := 0
	for _, l := range lines {
		if len(cur) > 0 && n+1+textLen(l) > room {
			out = append(out, cur)
			cur, n = nil, 0
		}
		if len(cur) > 0 {
			n++
		}
		cur = append(cur, l)
		n += textLen(l)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// splitText escapes text and splits it at line breaks into chunks of at
// most max, clipping any single over-long line.
func splitText(text string, max int) []string {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = clipEscaped(l, max)
	}
	var out []string
	for _, ch := range chunkLines(lines, max) {
		out = append(out, strings.Join(ch, "\n"))
	}
	return out
}

// fitBody keeps as many pieces as fit in n blocks and size text, ending
// with a summary of what was left out when something was.
func fitBody(ps []piece, n, size int) []piece {
	total := 0
	for _, p := range ps {
		total += p.size
	}
	if len(ps) <= n && total <= size {
		return ps
	}
	const summaryRoom = 64
	keep, used := 0, 0
	for keep < len(ps) && keep < n-1 && used+ps[keep].size+summaryRoom <= size {
		used += ps[keep].size
		keep++
	}
	dropped := 0
	for _, p := range ps[keep:] {
		dropped += p.lines
	}
	summary := "_" + moreText(dropped) + "_"
	if dropped == 0 {
		summary = "_… 内容过长, 其余已省略_"
	}
	return append(ps[:keep:keep], textPiece(summary, 0))
}

// moreText is "… 另有 N 条".
func moreText(n int) string { return fmt.Sprintf("… 另有 %d 条", n) }

// tailBlocks renders the footer and the buttons (a divider first when the
// card has lists, to set them apart).
func tailBlocks(c card.Card) []slackapi.Block {
	var out []slackapi.Block
	if len(c.Sections) > 0 && (c.Footer != "" || len(c.Actions) > 0) {
		out = append(out, slackapi.NewDividerBlock())
	}
	if f := strings.TrimSpace(c.Footer); f != "" {
		t := slackapi.NewTextBlockObject(slackapi.MarkdownType, clipEscaped(f, maxSectionText), false, true)
		out = append(out, slackapi.NewContextBlock("", t))
	}
	buttons := buttonElements(c.Actions)
	for len(buttons) > 0 {
		n := min(len(buttons), maxActionElements)
		out = append(out, slackapi.NewActionBlock("", buttons[:n]...))
		buttons = buttons[n:]
	}
	return out
}

// plain is an escaped, capped plain_text object with emoji on.
func plain(s string, max int) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.PlainTextType, clipEscaped(oneLine(s), max), true, false)
}

// textSize sums the text of header, context and actions blocks (the body
// is sized per piece).
func textSize(bs []slackapi.Block) int {
	n := 0
	for _, b := range bs {
		switch b := b.(type) {
		case *slackapi.HeaderBlock:
			n += textLen(b.Text.Text)
		case *slackapi.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				if t, ok := e.(*slackapi.TextBlockObject); ok {
					n += textLen(t.Text)
				}
			}
		case *slackapi.ActionBlock:
			for _, e := range b.Elements.ElementSet {
				if btn, ok := e.(*slackapi.ButtonBlockElement); ok {
					n += textLen(btn.Text.Text)
				}
			}
		}
	}
	return n
}
