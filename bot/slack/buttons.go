package slack

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"

	slackapi "github.com/slack-go/slack"

	"tibot/card"
)

// valueRefPrefix marks a button value too long for Slack that Blocks
// replaced with a digest; the adapter keeps the original (see longValues).
const valueRefPrefix = "ref:"

// linkActionPrefix marks URL buttons: Slack reports their clicks too, and
// the adapter ignores them.
const linkActionPrefix = "link:"

// buttonElements renders actions as buttons with unique action ids. URL
// buttons with an unusable URL are dropped; values too long for Slack are
// replaced by a reference (see longValues). At most two actions blocks'
// worth are kept: a card with more buttons is a builder bug.
func buttonElements(as []card.Action) []slackapi.BlockElement {
	var out []slackapi.BlockElement
	seen := map[string]int{}
	for _, a := range as {
		if len(out) == 2*maxActionElements {
			break
		}
		b := slackapi.NewButtonBlockElement("", "", plain(a.Label, maxButtonText))
		if a.URL != "" {
			if !usableURL(a.URL) {
				continue
			}
			b.URL = a.URL
			b.ActionID = uniqueID(linkActionPrefix+a.ID, seen)
		} else {
			b.ActionID = uniqueID(a.ID, seen)
			b.Value = buttonValue(a.Value)
		}
		b.Style = buttonStyle(a.Style)
		out = append(out, b)
	}
	return out
}

// uniqueID caps id at maxID and suffixes repeats with "~N" (Slack refuses
// duplicate action ids in one message); parseActionID strips the suffix.
func uniqueID(id string, seen map[string]int) string {
	if id == "" {
		id = "action"
	}
	id = clipBytes(id, maxID-4)
	seen[id]++
	if n := seen[id]; n > 1 {
		return id + "~" + strconv.Itoa(n)
	}
	return id
}

// parseActionID undoes uniqueID: it returns the card action id, and false
// for a URL button.
func parseActionID(id string) (string, bool) {
	if strings.HasPrefix(id, linkActionPrefix) {
		return "", false
	}
	if i := strings.LastIndexByte(id, '~'); i > 0 {
		if _, err := strconv.Atoi(id[i+1:]); err == nil {
			id = id[:i]
		}
	}
	return id, true
}

// buttonValue returns v, or a reference to it when it is too long.
func buttonValue(v string) string {
	if len(v) <= maxButtonValue {
		return v
	}
	sum := sha256.Sum256([]byte(v))
	return valueRefPrefix + hex.EncodeToString(sum[:16])
}

// longValues maps the references buttonValue made for c back to the values.
func longValues(c card.Card) map[string]string {
	var m map[string]string
	for _, a := range c.Actions {
		if a.URL == "" && len(a.Value) > maxButtonValue {
			if m == nil {
				m = map[string]string{}
			}
			m[buttonValue(a.Value)] = a.Value
		}
	}
	return m
}

func buttonStyle(s card.Style) slackapi.Style {
	switch s {
	case card.StylePrimary:
		return slackapi.StylePrimary
	case card.StyleDanger:
		return slackapi.StyleDanger
	}
	return ""
}

// usableURL accepts absolute http(s) URLs within Slack's length limit.
func usableURL(s string) bool {
	if len(s) > maxButtonURL {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
