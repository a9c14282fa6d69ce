package card

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"tibot/intel"
)

// Batch is the input of a batch summary (commands converts its lookup
// result into it).
type Batch struct {
	Verdicts []intel.Verdict // one per unique public IP (Err set = not looked up)
	// Counts as in lookup.Result: Unique addresses found (public and
	// private), Private skipped, Cached/Live answered, Failed lookups and
	// Deferred addresses queued for after the quota reset.
	Unique, Private, Cached, Live, Failed, Deferred int
	Quota                                           *intel.QuotaStatus // nil omits the quota
	Now                                             time.Time          // names the CSV file
	Source                                          string             // e.g. "粘贴的日志", "文件 auth.log"
}

// Row caps of a batch summary. A batch of at most MaxBatchRows verdicts is
// listed in full; a larger one lists malicious and suspicious rows only (at
// most MaxBatchRows, suspicious guaranteed minSuspiciousRows of them) and
// attaches every verdict as CSV.
const (
	MaxBatchRows      = 20
	minSuspiciousRows = 5
)

// FromBatch builds the batch summary of design.md §3: a count per level,
// malicious and suspicious rows (capped, the rest counted), a CSV of every
// verdict when rows are left out, and 申请封禁全部恶意 IP when any is
// malicious.
func FromBatch(b Batch) Card {
	g := groupByLevel(b.Verdicts)
	c := Card{
		Tone:   batchTone(g),
		Icon:   "📋",
		Title:  batchTitle(b),
		Text:   countLine(g, b.Deferred),
		Footer: batchFooter(b),
	}
	if len(b.Verdicts) <= MaxBatchRows {
		c.Sections = fullSections(g)
	} else {
		c.Sections = cappedSections(g)
		c.Text += "\n" + fmt.Sprintf("(全部 %d 个 IP 的结果见 CSV 附件)", len(b.Verdicts))
		c.Attachment = &Attachment{Name: csvName(b.Now), MIME: "text/csv", Data: CSV(b.Verdicts)}
	}
	if mal := g[intel.LevelMalicious]; len(mal) > 0 {
		c.Actions = []Action{{ID: ActionBlockAll, Label: "申请封禁全部恶意 IP", Value: ipList(mal), Style: StyleDanger}}
	}
	return c
}

// groupByLevel splits verdicts per level, keeping their order, then sorts
// malicious and suspicious ones by severity (worst first, stable).
func groupByLevel(vs []intel.Verdict) map[intel.Level][]intel.Verdict {
	g := make(map[intel.Level][]intel.Verdict)
	for _, v := range vs {
		g[v.Level] = append(g[v.Level], v)
	}
	for _, l := range []intel.Level{intel.LevelMalicious, intel.LevelSuspicious} {
		rows := g[l]
		sort.SliceStable(rows, func(i, j int) bool {
			return severityRank(rows[i].Severity) > severityRank(rows[j].Severity)
		})
	}
	return g
}

// severityRank orders ThreatBook severities; unknown values rank lowest.
func severityRank(s string) int {
	return map[string]int{"info": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}[s]
}

// batchTone is the tone of the worst level present.
func batchTone(g map[intel.Level][]intel.Verdict) Tone {
	for _, l := range []intel.Level{intel.LevelMalicious, intel.LevelSuspicious, intel.LevelTrusted, intel.LevelClean} {
		if len(g[l]) > 0 {
			return LevelTone(l)
		}
	}
	return ToneNeutral
}

// batchTitle is "批量研判: 共提取 128 个 IP (公网 97 · 内网/保留 31 已跳过)".
func batchTitle(b Batch) string {
	unique := max(b.Unique, len(b.Verdicts)+b.Private)
	t := fmt.Sprintf("批量研判: 共提取 %d 个 IP", unique)
	if b.Private > 0 {
		t += fmt.Sprintf(" (公网 %d · 内网/保留 %d 已跳过)", unique-b.Private, b.Private)
	}
	return t
}

// countLine is "🔴 恶意 12   🟠 可疑 5   🟢 未发现威胁 78   ⚪ 未查询 2 (…)",
// listing only levels present.
func countLine(g map[intel.Level][]intel.Verdict, deferred int) string {
	var parts []string
	for _, l := range []intel.Level{intel.LevelMalicious, intel.LevelSuspicious, intel.LevelTrusted, intel.LevelClean} {
		if n := len(g[l]); n > 0 {
			parts = append(parts, fmt.Sprintf("%s %s %d", LevelTone(l).Emoji(), l.Chinese(), n))
		}
	}
	if n := len(g[intel.LevelUnknown]); n > 0 {
		parts = append(parts, fmt.Sprintf("⚪ 未查询 %d%s", n, unknownNote(g[intel.LevelUnknown], deferred)))
	}
	if len(parts) == 0 {
		return "没有需要查询的公网 IP"
	}
	return strings.Join(parts, "   ")
}

// unknownNote explains the unknown count: " (额度不足 2, 已加入待查队列 ·
// 查询失败 1 · 暂无情报 3)". Only addresses the engine really queued
// (deferred) are said to be queued.
func unknownNote(us []intel.Verdict, deferred int) string {
	var quota, failed, none int
	for _, v := range us {
		switch {
		case v.Err == nil || v.Err.Code == intel.ENotFound:
			none++
		case v.Err.Code == intel.EQuota:
			quota++
		default:
			failed++
		}
	}
	var parts []string
	if quota > 0 {
		parts = append(parts, quotaNote(quota, deferred))
	}
	if failed > 0 {
		parts = append(parts, fmt.Sprintf("查询失败 %d", failed))
	}
	if none > 0 {
		parts = append(parts, fmt.Sprintf("暂无情报 %d", none))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, " · ") + ")"
}

// quotaNote says how many addresses lacked quota and whether they wait in
// the deferred queue.
func quotaNote(quota, deferred int) string {
	switch {
	case deferred <= 0:
		return fmt.Sprintf("额度不足 %d", quota)
	case deferred >= quota:
		return fmt.Sprintf("额度不足 %d, 已加入待查队列", quota)
	}
	return fmt.Sprintf("额度不足 %d, 其中 %d 个已加入待查队列", quota, deferred)
}

// batchFooter is "来源: 粘贴的日志 · 微步在线 IP信誉 · 缓存 80 · 实时查询 15 · 你今日剩余额度 3/20".
func batchFooter(b Batch) string {
	count := func(label string, n int) string {
		if n == 0 {
			return ""
		}
		return fmt.Sprintf("%s %d", label, n)
	}
	return "来源: " + joinNonEmpty(" · ", clip(b.Source, 80), "微步在线 IP信誉",
		count("缓存", b.Cached), count("实时查询", b.Live), count("查询失败", b.Failed),
		quotaText(b.Quota))
}

// ipList joins the verdicts' addresses with commas (the ActionBlockAll value).
func ipList(vs []intel.Verdict) string {
	ips := make([]string, len(vs))
	for i, v := range vs {
		ips[i] = v.IP.String()
	}
	return strings.Join(ips, ",")
}

// csvName is "tibot-20250514-1200.csv" in Beijing time.
func csvName(now time.Time) string {
	return "tibot-" + now.In(beijing).Format("20060102-1504") + ".csv"
}
