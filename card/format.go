package card

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"tibot/intel"
)

// Action IDs the engine receives back from buttons built here.
const (
	ActionDeep     = "deep"      // 深度分析; Value is the IP
	ActionBlock    = "block"     // 申请封禁; Value is the IP
	ActionBlockAll = "block_all" // 申请封禁全部恶意 IP; Value is the IPs, comma-separated
)

// Text size caps applied by the builders, so no single value from outside
// can blow a platform limit (Slack field 2,000 chars, Telegram 4,096).
const (
	maxValueRunes = 300 // one field value or row cell
	maxListItems  = 8   // threat types, tags, info types shown in one field
)

// beijing is China Standard Time. A fixed zone, so rendering never depends
// on the host's tzdata; ThreatBook and the quota reset both use it.
var beijing = time.FixedZone("CST", 8*3600)

// LevelTone maps a verdict level to its card tone.
func LevelTone(l intel.Level) Tone {
	switch l {
	case intel.LevelMalicious:
		return ToneDanger
	case intel.LevelSuspicious:
		return ToneWarn
	case intel.LevelTrusted:
		return ToneTrusted
	case intel.LevelClean:
		return ToneGood
	}
	return ToneNeutral
}

// Ago formats how long before now t was, in Chinese: "刚刚" (under a
// minute), "10 分钟前", "3 小时前", "2 天前". A t after now is "刚刚".
func Ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "刚刚"
	case d < time.Hour:
		return fmt.Sprintf("%d 分钟前", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d 小时前", int(d/time.Hour))
	}
	return fmt.Sprintf("%d 天前", int(d/(24*time.Hour)))
}

// clock formats t as "HH:MM" in Beijing time.
func clock(t time.Time) string { return t.In(beijing).Format("15:04") }

// clip shortens s to at most n runes, ending with "…" when cut, and
// flattens line breaks so a value cannot forge extra card lines.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// joinCap joins the non-empty items with "、", showing at most max of
// them and "等 N 个" for the total when some are left out.
func joinCap(items []string, max int) string {
	var shown []string
	n := 0
	for _, it := range items {
		if it = clip(it, maxValueRunes); it == "" {
			continue
		}
		n++
		if len(shown) < max {
			shown = append(shown, it)
		}
	}
	s := strings.Join(shown, "、")
	if n > len(shown) {
		s += fmt.Sprintf(" 等 %d 个", n)
	}
	return s
}

// localized returns zh[i] when zh is a full translation of en, else en: an
// untranslated (unknown) value is shown verbatim, never dropped.
func localized(en, zh []string) []string {
	if len(zh) == len(en) {
		return zh
	}
	if len(en) == 0 {
		return zh
	}
	return en
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// quotaText formats a user quota: "你今日剩余额度 17/20".
func quotaText(q *intel.QuotaStatus) string {
	if q == nil {
		return ""
	}
	if q.Limit <= 0 {
		return fmt.Sprintf("你今日剩余额度 %d", q.Remaining)
	}
	return fmt.Sprintf("你今日剩余额度 %d/%d", q.Remaining, q.Limit)
}

// joinNonEmpty joins the non-empty parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// addField appends a field unless value is empty.
func addField(fs []Field, label, value string, short bool) []Field {
	if value == "" {
		return fs
	}
	return append(fs, Field{Label: label, Value: value, Short: short})
}
