package slack

import (
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// mrkdwnEscaper escapes the three characters Slack treats as control
// characters, and nothing else, so text from outside can never form a
// mention (<!channel>), a link or a user reference.
// See https://docs.slack.dev/messaging/formatting-message-text#escaping.
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escape escapes s for mrkdwn and plain_text.
func escape(s string) string { return mrkdwnEscaper.Replace(s) }

// textLen counts s in UTF-16 code units, the unit Slack's limits are
// enforced in (an emoji outside the BMP counts twice).
func textLen(s string) int {
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

// clipEscaped escapes raw and caps the result at max code units, cutting
// between characters (never inside an entity) and ending with "…".
func clipEscaped(raw string, max int) string {
	e := escape(raw)
	if textLen(e) <= max {
		return e
	}
	if max < 1 {
		return ""
	}
	var b strings.Builder
	n := 0
	for _, r := range raw {
		piece := escape(string(r))
		l := textLen(piece)
		if n+l > max-1 {
			break
		}
		b.WriteString(piece)
		n += l
	}
	b.WriteString("…")
	return b.String()
}

// oneLine flattens line breaks and runs of spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// clipBytes caps an identifier at n bytes on a rune boundary.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// slackMarkup matches Slack's angle-bracket markup in inbound text:
// <url|label>, <url>, <@U123>, <@U123|name>, <#C123|name>, <!here>, <!subteam^S1|@team>.
var slackMarkup = regexp.MustCompile(`<([^<>]*)>`)

// plainText turns inbound Slack text into what the user typed: links are
// unwrapped to their URL (so IPs in them are found; the label follows in
// parentheses when it differs), mentions become "@id"/"#name", and the
// &amp; &lt; &gt; entities are decoded last so decoded brackets cannot
// forge markup.
func plainText(s string) string {
	s = slackMarkup.ReplaceAllStringFunc(s, func(m string) string {
		return unwrap(m[1 : len(m)-1])
	})
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

// unwrap renders the inside of one <…> markup.
func unwrap(in string) string {
	target, label, hasLabel := strings.Cut(in, "|")
	switch {
	case strings.HasPrefix(target, "@"):
		if hasLabel && label != "" {
			return "@" + strings.TrimPrefix(label, "@")
		}
		return target
	case strings.HasPrefix(target, "#"):
		if hasLabel && label != "" {
			return "#" + label
		}
		return target
	case strings.HasPrefix(target, "!"):
		if hasLabel && label != "" {
			return label
		}
		return "@" + strings.TrimPrefix(strings.SplitN(target, "^", 2)[0], "!")
	}
	target = strings.TrimPrefix(target, "mailto:")
	if hasLabel && label != "" && label != target && !strings.HasSuffix(target, "/"+label) &&
		!strings.HasSuffix(target, "//"+label) {
		return target + " (" + label + ")"
	}
	return target
}
