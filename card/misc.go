package card

import (
	"fmt"
	"time"
)

// Progress is the message edited while a long lookup runs:
// "⏳ 正在查询 120/500 …". A plain card (no title), so adapters can edit it
// cheaply.
func Progress(done, total int) Card {
	if total <= 0 {
		return Plain("⏳ 正在查询 …")
	}
	return Plain(fmt.Sprintf("⏳ 正在查询 %d/%d …", min(max(done, 0), total), total))
}

// HelpEntry describes one command for /help (commands builds them from its
// command table).
type HelpEntry struct {
	Name     string   // without "/", e.g. "ip"
	Usage    string   // e.g. "/ip <IP…>"; default "/"+Name
	Summary  string   // one line, Chinese
	Examples []string // full example lines, e.g. "/ip 198.51.100.23"
	Admin    bool     // listed under 管理员命令
}

// Help builds the /help card: a short introduction, then the commands and,
// in a second section, the admin commands, in the given order. Each
// command is one line "用法 — 说明" followed by its examples.
func Help(cmds []HelpEntry) Card {
	user := Section{Title: "命令"}
	admin := Section{Title: "管理员命令"}
	for _, h := range cmds {
		s := &user
		if h.Admin {
			s = &admin
		}
		s.Lines = append(s.Lines, joinNonEmpty(" — ", orDefault(h.Usage, "/"+h.Name), h.Summary))
		for _, ex := range h.Examples {
			s.Lines = append(s.Lines, "    例: "+ex)
		}
	}
	c := Card{
		Icon:  "❓",
		Title: "tibot 使用帮助",
		Text: "直接粘贴含 IP 的文本或日志 (也可以上传日志文件), 我会提取其中的公网 IP, " +
			"查询微步在线情报并给出研判结论。",
		Footer: "内网/保留地址和重复 IP 不会查询, 也不计入额度",
	}
	for _, s := range []Section{user, admin} {
		if len(s.Lines) > 0 {
			c.Sections = append(c.Sections, s)
		}
	}
	return c
}

// Unauthorized is the one reply a user outside the allowlist gets: 未授权
// and their own "platform:id", so an admin can add it to TIBOT_ALLOW.
func Unauthorized(platform, userID string) Card {
	id := platform + ":" + clip(userID, 100)
	return Card{
		Tone:  ToneDanger,
		Icon:  "⛔",
		Title: "未授权",
		Text:  "你还没有使用 tibot 的权限。\n请把 " + id + " 发给管理员加入 TIBOT_ALLOW。",
	}
}

// Deferred builds the answer posted in the original thread after the quota
// reset, for addresses that were queued: a batch summary titled
// "额度已恢复, 以下为待查 IP 的结果", saying when they were queued.
func Deferred(b Batch, queuedAt time.Time) Card {
	c := FromBatch(b)
	c.Icon = "⏰"
	c.Title = "额度已恢复, 以下为待查 IP 的结果"
	head := fmt.Sprintf("共 %d 个 IP", len(b.Verdicts))
	if !queuedAt.IsZero() {
		head += ", " + dayClock(b.Now, queuedAt) + " 加入待查队列"
	}
	c.Text = head + "\n" + c.Text
	return c
}

// dayClock is "今天 09:30", "昨天 23:10" or "05-12 08:00" in Beijing time,
// relative to now.
func dayClock(now, t time.Time) string {
	n, u := now.In(beijing), t.In(beijing)
	ny, nm, nd := n.Date()
	today := time.Date(ny, nm, nd, 0, 0, 0, 0, beijing)
	switch {
	case !u.Before(today):
		return "今天 " + u.Format("15:04")
	case !u.Before(today.AddDate(0, 0, -1)):
		return "昨天 " + u.Format("15:04")
	}
	return u.Format("01-02 15:04")
}
