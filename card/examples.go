package card

import (
	"net/netip"
	"time"

	"tibot/intel"
)

// Example is a named card for golden tests and previews.
type Example struct {
	Name string
	Card Card
}

// ExampleNow returns the fixed time golden files are rendered at:
// 2025-05-14 12:00 北京时间.
func ExampleNow() time.Time { return time.Date(2025, 5, 14, 4, 0, 0, 0, time.UTC) }

// Examples returns every kind of card the bot sends, built from fixed
// verdicts (documentation address ranges only) relative to now. The card
// golden tests and the Slack and Telegram renderers' golden tests all use
// them with ExampleNow, so they must stay deterministic.
func Examples(now time.Time) []Example {
	quota := &intel.QuotaStatus{Used: 3, Limit: 20, Remaining: 17, ResetAt: nextMidnight(now)}
	vo := VerdictOptions{Now: now, Quota: quota, Actions: true}
	return []Example{
		{"malicious", FromVerdict(exampleMalicious(now), vo)},
		{"suspicious", FromVerdict(exampleSuspicious(now), vo)},
		{"clean", FromVerdict(exampleClean(now), vo)},
		{"trusted", FromVerdict(exampleTrusted(now), vo)},
		{"unknown", FromVerdict(exampleUnknown(), vo)},
		{"deep", FromVerdict(exampleDeep(now), vo)},
		{"ipv6", FromVerdict(exampleIPv6(now), vo)},
		{"injection", FromVerdict(exampleInjection(now), vo)},
		{"batch_small", FromBatch(exampleSmallBatch(now, quota))},
		{"batch200", FromBatch(exampleBatch200(now, quota))},
		{"quota_exhausted", FromError(&intel.Error{Code: intel.EQuota, Message: "你今日的查询额度已用完",
			ResetAt: nextMidnight(now)}, "")},
		{"error", FromError(&intel.Error{Code: intel.EUpstream}, "")},
		{"rate_limit", FromError(&intel.Error{Code: intel.ERateLimit, RetryAfter: 30 * time.Second}, "")},
		{"internal", FromError(&intel.Error{Code: intel.EInternal, Detail: "secret detail"}, "7f3a9c")},
		{"help", Help(exampleHelp())},
		{"quota", FromQuota(*quota, PoolStatus{Keys: 3, Remaining: 112, Limit: 150, ResetAt: nextMidnight(now)}, now)},
		{"progress", Progress(120, 500)},
		{"unauthorized", Unauthorized("telegram", "123456789")},
		{"deferred", Deferred(exampleDeferredBatch(now), now.Add(-13*time.Hour))},
	}
}

// nextMidnight is the next 00:00 Beijing time after now.
func nextMidnight(now time.Time) time.Time {
	y, m, d := now.In(beijing).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, beijing)
}

func exampleMalicious(now time.Time) intel.Verdict {
	return intel.Verdict{
		IP: netip.MustParseAddr("198.51.100.23"), Level: intel.LevelMalicious, Malicious: true,
		Severity: "critical", SeverityZH: "严重", Confidence: "high", ConfidenceZH: "高",
		ThreatTypes: []string{"C2"}, ThreatTypesZH: []string{"远控"},
		InfoTypes: []string{"IDC"}, InfoTypesZH: []string{"IDC服务器"},
		Tags:     []intel.Tag{{Name: "CobaltStrike", Type: "virus_family", TypeZH: "病毒家族"}},
		Location: intel.Location{Country: "Netherlands", CountryZH: "荷兰", Province: "北荷兰省", City: "阿姆斯特丹", CountryCode: "NL"},
		Carrier:  "Example Hosting Ltd.", ASN: intel.ASN{Number: 64500, Info: "EXAMPLE-AS"},
		Scene: "Data Center", SceneZH: "数据中心",
		UpdatedAt: time.Date(2025, 5, 14, 9, 30, 0, 0, beijing),
		Permalink: "https://x.threatbook.com/v5/ip/198.51.100.23",
		Source:    "threatbook.reputation", FetchedAt: now.Add(-10 * time.Minute), Cached: true,
	}
}

func exampleSuspicious(now time.Time) intel.Verdict {
	return intel.Verdict{
		IP: netip.MustParseAddr("198.51.100.40"), Level: intel.LevelSuspicious, Malicious: true,
		Severity: "low", SeverityZH: "低", Confidence: "low", ConfidenceZH: "低",
		ThreatTypes: []string{"Zombie", "Spam", "NewThreatType"}, ThreatTypesZH: []string{"傀儡机", "垃圾邮件", "NewThreatType"},
		Location: intel.Location{Country: "United States", CountryZH: "美国", Province: "加利福尼亚州", City: "洛杉矶"},
		Carrier:  "Example Broadband", ASN: intel.ASN{Number: 64501},
		UpdatedAt: time.Date(2025, 4, 2, 8, 0, 0, 0, beijing),
		Source:    "threatbook.reputation", FetchedAt: now,
	}
}

func exampleClean(now time.Time) intel.Verdict {
	return intel.Verdict{
		IP: netip.MustParseAddr("203.0.113.10"), Level: intel.LevelClean,
		Severity: "info", SeverityZH: "无威胁", Confidence: "low", ConfidenceZH: "低",
		Location: intel.Location{Country: "China", CountryZH: "中国", Province: "北京", City: "北京"},
		Carrier:  "Example Telecom", ASN: intel.ASN{Number: 64502},
		Scene: "Residence", SceneZH: "家庭宽带",
		Source: "threatbook.reputation", FetchedAt: now.Add(-3 * time.Hour), Cached: true,
	}
}

func exampleTrusted(now time.Time) intel.Verdict {
	return intel.Verdict{
		IP: netip.MustParseAddr("203.0.113.53"), Level: intel.LevelTrusted,
		Severity: "info", SeverityZH: "无威胁",
		InfoTypes: []string{"Whitelist", "DNS"}, InfoTypesZH: []string{"白名单", "DNS服务器"},
		Location: intel.Location{CountryZH: "美国"}, Carrier: "Example DNS Inc.", ASN: intel.ASN{Number: 64503},
		Source: "threatbook.reputation", FetchedAt: now.Add(-49 * time.Hour), Cached: true,
	}
}

func exampleUnknown() intel.Verdict {
	return intel.Verdict{IP: netip.MustParseAddr("203.0.113.99"), Level: intel.LevelUnknown, Source: "threatbook.reputation"}
}

func exampleDeep(now time.Time) intel.Verdict {
	v := exampleMalicious(now)
	v.Deep, v.ConfidenceScore, v.Cached = true, 85, false
	v.Source = "threatbook.query"
	v.ThreatTypes, v.ThreatTypesZH = []string{"C2", "Botnet"}, []string{"远控", "僵尸网络"}
	return v
}

func exampleIPv6(now time.Time) intel.Verdict {
	return intel.Verdict{
		IP: netip.MustParseAddr("2001:db8::8a2e:370:7334"), Level: intel.LevelSuspicious,
		Severity: "medium", SeverityZH: "中", Confidence: "medium", ConfidenceZH: "中",
		ThreatTypes: []string{"Scanner"}, ThreatTypesZH: []string{"扫描"},
		Location: intel.Location{CountryZH: "德国", Province: "黑森州", City: "法兰克福"},
		ASN:      intel.ASN{Number: 64504, Info: "EXAMPLE-V6-NET"},
		Source:   "threatbook.reputation", FetchedAt: now,
	}
}

// exampleInjection carries markup and mentions in every outside field:
// renderers must show them verbatim and inert.
func exampleInjection(now time.Time) intel.Verdict {
	return intel.Verdict{
		IP: netip.MustParseAddr("198.51.100.66"), Level: intel.LevelMalicious, Malicious: true,
		Severity: "high", SeverityZH: "高", Confidence: "high", ConfidenceZH: "高",
		ThreatTypes: []string{"<!channel>"}, ThreatTypesZH: []string{"<!channel>"},
		Tags: []intel.Tag{
			{Name: "<script>alert(1)</script>", Type: "*bold*"},
			{Name: "`code`", TypeZH: "_x_"},
		},
		Location:  intel.Location{CountryZH: "<b>荷兰</b>", Province: "&amp;", City: "<@U123>"},
		Carrier:   "<!here> Evil & Co *bold* _x_ `code`",
		ASN:       intel.ASN{Number: 64505},
		SceneZH:   "[link](https://evil.example) <a href=\"x\">y</a>",
		Permalink: "https://x.threatbook.com/v5/ip/198.51.100.66",
		Source:    "threatbook.reputation", FetchedAt: now,
	}
}

func exampleHelp() []HelpEntry {
	return []HelpEntry{
		{Name: "ip", Usage: "/ip <IP…>", Summary: "查询 IP 的微步在线情报 (最多 5 张详情卡, 更多给出汇总)",
			Examples: []string{"/ip 198.51.100.23", "/ip 198.51.100.23 2001:db8::1"}},
		{Name: "quota", Summary: "查看你今日剩余的查询额度和密钥池余量"},
		{Name: "help", Summary: "显示本帮助"},
		{Name: "digest", Summary: "立即发送威胁摘要", Admin: true},
		{Name: "block", Usage: "/block <IP> [期限] [原因]", Summary: "封禁 IP (进入防火墙订阅列表)", Admin: true,
			Examples: []string{"/block 198.51.100.23 7d 远控服务器"}},
		{Name: "unblock", Usage: "/unblock <IP>", Summary: "解除封禁", Admin: true},
	}
}
