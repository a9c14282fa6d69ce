package card

import (
	"fmt"
	"math"
	"strings"
	"time"

	"tibot/intel"
)

// PoolStatus is the ThreatBook key pool's remaining daily units.
type PoolStatus struct {
	Keys      int       // configured keys
	Remaining int       // units left today across keys
	Limit     int       // units per day across keys
	ResetAt   time.Time // next reset (00:00 Asia/Shanghai)
}

// FromQuota builds the /quota card: the user's remaining quota, the key
// pool's remaining units and when both reset. The tone warns at 20 % left
// and turns red at zero.
func FromQuota(user intel.QuotaStatus, pool PoolStatus, now time.Time) Card {
	fs := []Field{{Label: "你今日剩余额度", Value: remainingText(user.Remaining, user.Limit), Short: true}}
	if user.Used > 0 {
		fs = append(fs, Field{Label: "今日已用", Value: fmt.Sprintf("%d", user.Used), Short: true})
	}
	fs = addField(fs, "额度重置", resetText(now, user.ResetAt), true)
	if pool.Keys > 0 {
		fs = append(fs, Field{Label: "密钥池", Value: fmt.Sprintf("%d 个密钥, 剩余 %s",
			pool.Keys, remainingText(pool.Remaining, pool.Limit)), Short: true})
		fs = addField(fs, "密钥池重置", resetText(now, pool.ResetAt), true)
	}
	return Card{
		Tone:   quotaTone(user.Remaining, user.Limit),
		Icon:   "📊",
		Title:  "查询额度",
		Fields: fs,
		Footer: "只有成功的实时查询计入额度; 缓存命中、内网地址和重复 IP 不计",
	}
}

// remainingText is "17/20", or "17" without a limit.
func remainingText(remaining, limit int) string {
	if limit <= 0 {
		return fmt.Sprintf("%d", remaining)
	}
	return fmt.Sprintf("%d/%d", remaining, limit)
}

// quotaTone is Good above 20 % left, Warn up to zero, Danger at zero.
func quotaTone(remaining, limit int) Tone {
	switch {
	case remaining <= 0:
		return ToneDanger
	case limit > 0 && remaining*5 <= limit:
		return ToneWarn
	}
	return ToneGood
}

// resetText is "00:00 (北京时间, 约 3 小时后)"; "" for a zero time.
func resetText(now, at time.Time) string {
	if at.IsZero() {
		return ""
	}
	s := clock(at) + " (北京时间"
	if d := at.Sub(now); !now.IsZero() && d > 0 {
		s += ", 约 " + until(d)
	}
	return s + ")"
}

// until is "3 小时后", "25 分钟后" or "1 分钟后", rounded up.
func until(d time.Duration) string {
	if d > time.Hour {
		return fmt.Sprintf("%d 小时后", int(math.Ceil(d.Hours())))
	}
	return fmt.Sprintf("%d 分钟后", max(1, int(math.Ceil(d.Minutes()))))
}

// errorTitles are the headings of error cards.
var errorTitles = map[intel.Code]string{
	intel.EInvalid:      "输入有误",
	intel.EQuota:        "额度不足",
	intel.EUpstream:     "查询失败",
	intel.ERateLimit:    "请求过于频繁",
	intel.ENotFound:     "未找到",
	intel.EUnauthorized: "未授权",
	intel.EConfig:       "服务配置有误",
	intel.EInternal:     "内部错误",
}

// FromError builds the reply for a failed request. Text is the Chinese
// message (intel.ErrorMessage); EQuota adds when it resets (ResetAt, in
// 北京时间 HH:MM), ERateLimit when to retry. EInternal shows only
// "内部错误 (参考编号 ref)" and never the error's text; for other codes a
// non-empty ref goes in the footer.
func FromError(err error, ref string) Card {
	e := intel.AsError(err)
	if e == nil || e.Code == intel.EInternal {
		return Card{Tone: ToneDanger, Icon: "⚠️", Title: joinNonEmpty(" ", "内部错误", refText(ref))}
	}
	c := Card{Tone: errorTone(e.Code), Icon: "⚠️", Title: orDefault(errorTitles[e.Code], "错误")}
	lines := []string{clip(intel.ErrorMessage(e), 1000)}
	switch {
	case e.Code == intel.EQuota && !e.ResetAt.IsZero():
		lines = append(lines, "额度将于北京时间 "+clock(e.ResetAt)+" 恢复")
	case e.Code == intel.ERateLimit && e.RetryAfter > 0:
		lines = append(lines, "请在 "+retryText(e.RetryAfter)+"后重试")
	}
	c.Text = strings.Join(lines, "\n")
	if ref != "" {
		c.Footer = "参考编号 " + ref
	}
	return c
}

// refText is "(参考编号 ref)", or "" without a ref.
func refText(ref string) string {
	if ref == "" {
		return ""
	}
	return "(参考编号 " + ref + ")"
}

// errorTone: the user's own limits warn, failures are red.
func errorTone(c intel.Code) Tone {
	switch c {
	case intel.EInvalid, intel.EQuota, intel.ERateLimit:
		return ToneWarn
	case intel.ENotFound:
		return ToneNeutral
	}
	return ToneDanger
}

// retryText is "30 秒" or "2 分钟" (rounded up).
func retryText(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%d 秒", max(1, int(math.Ceil(d.Seconds()))))
	}
	return fmt.Sprintf("%d 分钟", int(math.Ceil(d.Minutes())))
}
