package telegram

import (
	"fmt"
	"html"
	"net/netip"
	"strings"
	"unicode/utf16"
)

// lineKind says how a rendered line is marked up.
type lineKind uint8

const (
	kindHeading lineKind = iota // <b>heading</b>
	kindText                    // plain text, IPs in <code>
	kindField                   // <b>label:</b> value
	kindTitle                   // <b>section title:</b>
	kindRow                     // a section line, inside <pre>
	kindMore                    // <i>… 另有 N 条</i>
	kindFooter                  // <i>footer</i>
	kindBlank                   // an empty separator line
)

// line is one line of a message: its kind and raw (unescaped) text.
type line struct {
	kind  lineKind
	label string // field label
	text  string
}

// plain is the line as Telegram shows it (tags removed, entities decoded).
func (l line) plain() string {
	switch l.kind {
	case kindField:
		return l.label + ": " + l.text
	case kindTitle:
		return l.text + ":"
	}
	return l.text
}

// size is the line's length in UTF-16 code units.
func (l line) size() int { return utf16Len(l.plain()) }

// html is the line's markup; every outside string is escaped.
func (l line) html() string {
	switch l.kind {
	case kindHeading:
		return "<b>" + codeIPs(l.text) + "</b>"
	case kindText:
		return codeIPs(l.text)
	case kindField:
		return "<b>" + esc(l.label) + ":</b> " + codeIPs(l.text)
	case kindTitle:
		return "<b>" + esc(l.text) + ":</b>"
	case kindMore, kindFooter:
		return "<i>" + esc(l.text) + "</i>"
	}
	return esc(l.text)
}

// entities counts the formatting entities the line creates (one per
// closing tag).
func (l line) entities() int { return strings.Count(l.html(), "</") }

// esc escapes <, > and & (and quotes, which Telegram also accepts as
// numeric entities).
func esc(s string) string { return html.EscapeString(s) }

// utf16Len counts UTF-16 code units, Telegram's unit for text lengths.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// codeIPs escapes s and wraps every IP address in it in <code>.
func codeIPs(s string) string {
	var b strings.Builder
	start := -1
	flush := func(end int) {
		tok := s[start:end]
		if a, err := netip.ParseAddr(tok); err == nil && a.IsValid() && strings.ContainsAny(tok, ".:") {
			b.WriteString("<code>" + esc(tok) + "</code>")
		} else {
			b.WriteString(esc(tok))
		}
		start = -1
	}
	for i := 0; i < len(s); i++ {
		if isAddrByte(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			flush(i)
		}
		b.WriteString(esc(s[i : i+1]))
	}
	if start >= 0 {
		flush(len(s))
	}
	return b.String()
}

// isAddrByte reports whether c can be part of a textual IP address.
func isAddrByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '.' || c == ':'
}

// splitLong cuts lines longer than chunkChars into several lines of the
// same kind (a field's label stays on the first piece only).
func splitLong(ls []line) []line {
	out := make([]line, 0, len(ls))
	for _, l := range ls {
		if l.size() <= chunkChars {
			out = append(out, l)
			continue
		}
		for i, piece := range chunks(l.text, chunkChars-utf16Len(l.label)-2) {
			p := l
			p.text = piece
			if i > 0 && l.kind == kindField {
				p.kind, p.label = kindText, ""
			}
			out = append(out, p)
		}
	}
	return out
}

// chunks cuts s into pieces of at most n UTF-16 code units, on rune
// boundaries.
func chunks(s string, n int) []string {
	var out []string
	var b strings.Builder
	size := 0
	for _, r := range s {
		if size+utf16.RuneLen(r) > n {
			out = append(out, b.String())
			b.Reset()
			size = 0
		}
		b.WriteRune(r)
		size += utf16.RuneLen(r)
	}
	return append(out, b.String())
}

// packer groups lines into messages under the size and entity budgets,
// wrapping runs of rows in one <pre>.
type packer struct {
	msgs  []string
	b     strings.Builder
	size  int
	ents  int
	inPre bool
}

// add appends one line, starting a new message when it would not fit.
func (p *packer) add(l line) {
	n, e := l.size()+1, l.entities()
	if l.kind == kindRow && !p.inPre {
		e++
	}
	if p.size > 0 && (p.size+n > messageBudget || p.ents+e > entityBudget) {
		p.flush()
		if l.kind == kindRow {
			e++
		}
	}
	if p.size == 0 && l.kind == kindBlank {
		return // no leading blank lines
	}
	switch {
	case p.b.Len() == 0 && l.kind == kindRow:
		p.b.WriteString("<pre>")
	case p.inPre && l.kind == kindRow:
		p.b.WriteString("\n")
	case p.inPre:
		p.b.WriteString("</pre>\n")
	case l.kind == kindRow:
		p.b.WriteString("\n<pre>")
	default:
		if p.b.Len() > 0 {
			p.b.WriteString("\n")
		}
	}
	p.inPre = l.kind == kindRow
	p.b.WriteString(l.html())
	p.size += n
	p.ents += e
}

// flush ends the current message.
func (p *packer) flush() {
	if p.inPre {
		p.b.WriteString("</pre>")
	}
	if s := strings.TrimRight(p.b.String(), "\n"); s != "" {
		p.msgs = append(p.msgs, s)
	}
	p.b.Reset()
	p.size, p.ents, p.inPre = 0, 0, false
}

// pack turns lines into messages.
func pack(ls []line) []string {
	var p packer
	for _, l := range splitLong(ls) {
		p.add(l)
	}
	p.flush()
	return p.msgs
}

// moreText is the note for rows left out: "… 另有 N 条".
func moreText(n int) string { return fmt.Sprintf("… 另有 %d 条", n) }

// linesSize is the plain length of lines joined by newlines.
func linesSize(ls []line) int {
	n := 0
	for _, l := range ls {
		n += l.size() + 1
	}
	return n
}
