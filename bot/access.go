package bot

import (
	"context"
	"strings"

	"tibot/card"
)

// Access is the allowlist of design.md §5 (TIBOT_ADMINS, TIBOT_ALLOW).
// Entries are "platform:id", where id is a user, a chat/channel, or (Slack)
// a workspace (team) id; platform names compare case-insensitively, ids
// exactly. Malformed entries (no ":" or an empty id) match nothing.
type Access struct {
	Admins []string // "platform:user"; admins are always allowed
	Allow  []string // "platform:user", "platform:chat" or "slack:team"
	// OpenPlatforms lists further platforms where everyone is allowed
	// whatever Allow says. The console is always open.
	OpenPlatforms map[string]bool
}

// IsAdmin reports whether m's sender is listed in Admins (by user id only:
// a chat cannot be an admin).
func (a Access) IsAdmin(m *Message) bool {
	if m == nil || m.User == "" {
		return false
	}
	for _, e := range a.Admins {
		if p, id, ok := parseEntry(e); ok && p == platformKey(m.Platform) && id == m.User {
			return true
		}
	}
	return false
}

// Allowed reports whether m may be served:
//   - admins always;
//   - console and OpenPlatforms: everyone;
//   - Slack: everyone in the workspace, unless Allow holds "slack:"
//     entries, then only a listed user, channel or workspace;
//   - Telegram and any other platform: only a listed user or chat (bots are
//     reachable by anyone there).
func (a Access) Allowed(m *Message) bool {
	if m == nil {
		return false
	}
	p := platformKey(m.Platform)
	if a.IsAdmin(m) || p == "console" || a.OpenPlatforms[p] || a.OpenPlatforms[m.Platform] {
		return true
	}
	listed := false
	for _, e := range a.Allow {
		ep, id, ok := parseEntry(e)
		if !ok || ep != p {
			continue
		}
		listed = true
		if id == m.User || id == m.Chat || (p == "slack" && id == m.Team) {
			return true
		}
	}
	return p == "slack" && !listed
}

// parseEntry splits "platform:id" into a lower-case platform and the id.
func parseEntry(e string) (platform, id string, ok bool) {
	p, id, ok := strings.Cut(strings.TrimSpace(e), ":")
	p, id = platformKey(p), strings.TrimSpace(id)
	return p, id, ok && p != "" && id != ""
}

// platformKey normalises a platform name for comparison.
func platformKey(p string) string { return strings.ToLower(strings.TrimSpace(p)) }

// RequireAccess drops messages (and button clicks, which are messages too)
// from senders a does not allow: the handler is not called and nothing is
// looked up. A message addressed to the bot (a command, a DM, a mention or a
// button) gets exactly one reply, card.Unauthorized with the
// sender's "platform:id" (ephemeral where the replier can); chatter, pastes
// and files in a group the bot merely reads are dropped silently, so an
// unlisted group is not flooded with 未授权.
func RequireAccess(a Access) Middleware {
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, m *Message, r Replier) error {
			if a.Allowed(m) {
				return next.Handle(ctx, m, r)
			}
			if m == nil || !addressed(m) {
				return nil
			}
			c := card.Unauthorized(m.Platform, m.User)
			if eph, ok := r.(Ephemeral); ok {
				return eph.ReplyEphemeral(ctx, c)
			}
			_, err := r.Reply(ctx, c)
			return err
		})
	}
}

// addressed reports whether m was meant for the bot rather than chatter it
// overhears in a group.
func addressed(m *Message) bool {
	return m.Direct || m.Mention || m.Command != "" || m.Action != nil
}
