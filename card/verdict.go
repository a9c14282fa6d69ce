package card

import (
	"fmt"
	"strings"
	"time"

	"tibot/intel"
)

// VerdictOptions is the context of a single-IP card.
type VerdictOptions struct {
	Now time.Time // for the cache age in the footer
	// Quota is the user's remaining quota for the footer ("你今日剩余额度
	// 17/20"); nil omits it.
	Quota *intel.QuotaStatus
	// Actions shows the buttons 查看微步报告 (URL), 深度分析 (ActionDeep,
	// not on a deep verdict) and 申请封禁 (ActionBlock, malicious and
	// suspicious only); each non-URL button carries the IP as Value.
	Actions bool
}

// reportURL is ThreatBook's public report page, used when a verdict has no
// permalink.
const reportURL = "https://x.threatbook.com/v5/ip/"

// FromVerdict builds the single-IP card of design.md §3: tone and title from
// the level, the verdict fields in Chinese (empty ones omitted), buttons,
// and a footer with the source, cache age and the user's quota. An Unknown
// verdict says why it has no data.
func FromVerdict(v intel.Verdict, o VerdictOptions) Card {
	c := Card{
		Tone:   LevelTone(v.Level),
		Title:  v.Level.Chinese() + " IP  " + v.IP.String(),
		Fields: verdictFields(v),
		Footer: verdictFooter(v, o),
	}
	if o.Actions && v.Err == nil {
		c.Actions = verdictActions(v)
	}
	return c
}

// verdictFields lists the non-empty fields of v in card order.
func verdictFields(v intel.Verdict) []Field {
	var fs []Field
	fs = addField(fs, "结论", conclusion(v), true)
	if v.Level == intel.LevelUnknown {
		fs = addField(fs, "原因", unknownReason(v.Err), true)
	}
	fs = addField(fs, "严重级别", clip(orDefault(v.SeverityZH, v.Severity), maxValueRunes), true)
	fs = addField(fs, "威胁类型", joinCap(localized(v.ThreatTypes, v.ThreatTypesZH), maxListItems), false)
	fs = addField(fs, "标签", tagsText(v.Tags), true)
	fs = addField(fs, "其他", joinCap(localized(v.InfoTypes, v.InfoTypesZH), maxListItems), true)
	fs = addField(fs, "位置", locationText(v.Location), true)
	fs = addField(fs, "运营商", carrierText(v), true)
	fs = addField(fs, "应用场景", clip(orDefault(v.SceneZH, v.Scene), maxValueRunes), true)
	if !v.UpdatedAt.IsZero() {
		fs = addField(fs, "情报更新", v.UpdatedAt.In(beijing).Format("2006-01-02"), true)
	}
	return fs
}

// conclusion is "恶意 (可信度: 高)", or "恶意 (可信度: 85/100)" for a deep
// analysis.
func conclusion(v intel.Verdict) string {
	conf := clip(orDefault(v.ConfidenceZH, v.Confidence), 20)
	if v.Deep && v.ConfidenceScore > 0 {
		conf = fmt.Sprintf("%d/100", v.ConfidenceScore)
	}
	if conf == "" || v.Level == intel.LevelUnknown {
		return v.Level.Chinese()
	}
	return fmt.Sprintf("%s (可信度: %s)", v.Level.Chinese(), conf)
}

// unknownReason says why a verdict has no data:
//
//	no error   微步在线暂无该 IP 的情报
//	EQuota     the error's message (the engine says whether it queued the
//	           address), default 额度不足
//	EInvalid   the error's message, default 内网或保留地址, 未查询
//	ENotFound  微步在线暂无该 IP 的情报
//	other      查询失败: <ErrorMessage>
func unknownReason(e *intel.Error) string {
	if e == nil {
		return "微步在线暂无该 IP 的情报"
	}
	switch e.Code {
	case intel.EQuota:
		return clip(orDefault(e.Message, "额度不足"), maxValueRunes)
	case intel.EInvalid:
		return clip(orDefault(e.Message, "内网或保留地址, 未查询"), maxValueRunes)
	case intel.ENotFound:
		return "微步在线暂无该 IP 的情报"
	case intel.EInternal:
		return "查询失败: 内部错误"
	}
	return "查询失败: " + clip(intel.ErrorMessage(e), maxValueRunes)
}

// tagsText formats tags as "CobaltStrike (病毒家族)、…".
func tagsText(tags []intel.Tag) string {
	items := make([]string, 0, len(tags))
	for _, t := range tags {
		name := clip(t.Name, 80)
		if name == "" {
			continue
		}
		if kind := clip(orDefault(t.TypeZH, t.Type), 40); kind != "" {
			name += " (" + kind + ")"
		}
		items = append(items, name)
	}
	return joinCap(items, maxListItems)
}

// locationText is "荷兰 北荷兰省 阿姆斯特丹", skipping empty and repeated
// parts ("中国 北京 北京" → "中国 北京").
func locationText(l intel.Location) string {
	var parts []string
	for _, p := range []string{orDefault(l.CountryZH, l.Country), l.Province, l.City} {
		p = clip(p, 60)
		if p != "" && (len(parts) == 0 || parts[len(parts)-1] != p) {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

// carrierText is "Example Hosting Ltd. · AS64500"; without a carrier the
// ASN's description stands in.
func carrierText(v intel.Verdict) string {
	name := clip(v.Carrier, 120)
	asn := ""
	if v.ASN.Number > 0 {
		asn = fmt.Sprintf("AS%d", v.ASN.Number)
		if name == "" {
			name = clip(v.ASN.Info, 120)
		}
	}
	return joinNonEmpty(" · ", name, asn)
}

// verdictFooter is "来源: 微步在线 IP信誉 · 缓存 (10 分钟前) · 你今日剩余额度 17/20".
func verdictFooter(v intel.Verdict, o VerdictOptions) string {
	src := "微步在线 IP信誉"
	if v.Deep {
		src = "微步在线 深度分析"
	}
	how := "实时查询"
	switch {
	case v.Err != nil:
		how = "未查询"
	case v.Cached && !v.FetchedAt.IsZero() && !o.Now.IsZero():
		how = "缓存 (" + Ago(o.Now, v.FetchedAt) + ")"
	case v.Cached:
		how = "缓存"
	}
	return "来源: " + joinNonEmpty(" · ", src, how, quotaText(o.Quota))
}

// verdictActions are the buttons of a looked-up verdict.
func verdictActions(v intel.Verdict) []Action {
	ip := v.IP.String()
	url := v.Permalink
	if url == "" {
		url = reportURL + ip
	}
	as := []Action{{ID: "report", Label: "查看微步报告", URL: url}}
	if !v.Deep {
		as = append(as, Action{ID: ActionDeep, Label: "深度分析", Value: ip, Style: StylePrimary})
	}
	if v.Level == intel.LevelMalicious || v.Level == intel.LevelSuspicious {
		as = append(as, Action{ID: ActionBlock, Label: "申请封禁", Value: ip, Style: StyleDanger})
	}
	return as
}
