package tgfake

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// allowedTags are the tags of Telegram's HTML parse mode
// (https://core.telegram.org/bots/api#html-style) and whether each may
// contain other entities (pre may contain only code).
var allowedTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "tg-spoiler": true, "span": true,
	"a": true, "blockquote": true, "tg-emoji": true,
	"code": false, "pre": false,
}

// namedEntities are the only named character references Telegram accepts.
var namedEntities = map[string]string{"lt": "<", "gt": ">", "amp": "&", "quot": `"`}

// ParseHTML parses s strictly as Telegram's HTML parse mode does and
// returns the text Telegram would show (tags removed, character references
// decoded) and the number of formatting entities. Malformed markup
// (an unknown tag, an unclosed or mismatched tag, a bare "<", ">" or "&",
// an unknown named entity, nesting inside code or pre) is an error, which
// the fake answers with 400 "can't parse entities".
func ParseHTML(s string) (text string, entities int, err error) {
	var b strings.Builder
	var stack []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				return "", 0, fmt.Errorf("unclosed start tag at byte offset %d", i)
			}
			if err := applyTag(s[i+1:i+end], &stack, &entities); err != nil {
				return "", 0, fmt.Errorf("%v at byte offset %d", err, i)
			}
			i += end + 1
		case '&':
			r, n, err := entity(s[i:])
			if err != nil {
				return "", 0, fmt.Errorf("%v at byte offset %d", err, i)
			}
			b.WriteString(r)
			i += n
		case '>':
			return "", 0, fmt.Errorf("unexpected '>' at byte offset %d", i)
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	if len(stack) > 0 {
		return "", 0, fmt.Errorf("can't find end tag corresponding to start tag %q", stack[len(stack)-1])
	}
	return b.String(), entities, nil
}

// applyTag opens or closes one tag (body is what is between < and >).
func applyTag(body string, stack *[]string, entities *int) error {
	if strings.HasPrefix(body, "/") {
		name := strings.TrimSpace(body[1:])
		if len(*stack) == 0 || (*stack)[len(*stack)-1] != name {
			return fmt.Errorf("unmatched end tag %q", name)
		}
		*stack = (*stack)[:len(*stack)-1]
		return nil
	}
	name, attrs, _ := strings.Cut(body, " ")
	_, ok := allowedTags[name]
	if !ok {
		return fmt.Errorf("unsupported start tag %q", name)
	}
	if name == "a" && !strings.HasPrefix(strings.TrimSpace(attrs), "href=") {
		return fmt.Errorf("tag a without href")
	}
	if n := len(*stack); n > 0 {
		parent := (*stack)[n-1]
		if !allowedTags[parent] && !(parent == "pre" && name == "code") {
			return fmt.Errorf("tag %q inside %q", name, parent)
		}
	}
	*stack = append(*stack, name)
	*entities++
	return nil
}

// entity decodes the character reference at the start of s and returns
// its text and length in bytes.
func entity(s string) (string, int, error) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 12 {
		return "", 0, fmt.Errorf("bare '&' (escape it as &amp;)")
	}
	name := s[1:end]
	if r, ok := namedEntities[name]; ok {
		return r, end + 1, nil
	}
	if !strings.HasPrefix(name, "#") {
		return "", 0, fmt.Errorf("unsupported HTML entity %q", "&"+name+";")
	}
	var n uint64
	var err error
	if strings.HasPrefix(name, "#x") || strings.HasPrefix(name, "#X") {
		n, err = strconv.ParseUint(name[2:], 16, 32)
	} else {
		n, err = strconv.ParseUint(name[1:], 10, 32)
	}
	if err != nil || n == 0 || n > 0x10FFFF {
		return "", 0, fmt.Errorf("bad numeric entity %q", "&"+name+";")
	}
	return string(rune(n)), end + 1, nil
}

// Length counts s in UTF-16 code units, the unit of Telegram's text limits.
func Length(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
