package card

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"tibot/intel"
)

func TestFromError(t *testing.T) {
	reset := time.Date(2025, 5, 14, 16, 0, 0, 0, time.UTC) // 00:00 Beijing
	tests := []struct {
		name string
		err  error
		ref  string
		want string
		tone Tone
	}{
		{"quota", &intel.Error{Code: intel.EQuota, ResetAt: reset}, "",
			"⚠️ 额度不足\n查询额度已用完\n额度将于北京时间 00:00 恢复", ToneWarn},
		{"quota no reset", &intel.Error{Code: intel.EQuota, Message: "团队额度已用完"}, "",
			"⚠️ 额度不足\n团队额度已用完", ToneWarn},
		{"rate limit", &intel.Error{Code: intel.ERateLimit, RetryAfter: 90 * time.Second}, "",
			"⚠️ 请求过于频繁\n查询过于频繁, 请稍后再试\n请在 2 分钟后重试", ToneWarn},
		{"rate limit seconds", &intel.Error{Code: intel.ERateLimit, RetryAfter: 1500 * time.Millisecond}, "",
			"⚠️ 请求过于频繁\n查询过于频繁, 请稍后再试\n请在 2 秒后重试", ToneWarn},
		{"invalid", &intel.Error{Code: intel.EInvalid, Message: "用法: /ip <IP…>"}, "",
			"⚠️ 输入有误\n用法: /ip <IP…>", ToneWarn},
		{"upstream with ref", fmt.Errorf("lookup: %w", &intel.Error{Code: intel.EUpstream}), "ab12",
			"⚠️ 查询失败\n威胁情报服务暂时不可用, 请稍后再试\n参考编号 ab12", ToneDanger},
		{"not found", &intel.Error{Code: intel.ENotFound}, "", "⚠️ 未找到\n未找到", ToneNeutral},
		{"internal", &intel.Error{Code: intel.EInternal, Message: "db path /secret", Detail: "x"}, "7f3a",
			"⚠️ 内部错误 (参考编号 7f3a)", ToneDanger},
		{"plain error", errors.New("open /etc/secret: denied"), "7f3a", "⚠️ 内部错误 (参考编号 7f3a)", ToneDanger},
		{"nil", nil, "", "⚠️ 内部错误", ToneDanger},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := FromError(tc.err, tc.ref)
			if got := Text(c); got != tc.want {
				t.Errorf("Text =\n%s\nwant\n%s", got, tc.want)
			}
			if c.Tone != tc.tone {
				t.Errorf("tone %v, want %v", c.Tone, tc.tone)
			}
		})
	}
}

func TestFromQuota(t *testing.T) {
	reset := time.Date(2025, 5, 14, 16, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		user intel.QuotaStatus
		pool PoolStatus
		tone Tone
		want []string
	}{
		{"plenty", intel.QuotaStatus{Limit: 20, Remaining: 20, ResetAt: reset}, PoolStatus{}, ToneGood,
			[]string{"你今日剩余额度: 20/20", "额度重置: 00:00 (北京时间, 约 12 小时后)"}},
		{"low", intel.QuotaStatus{Used: 16, Limit: 20, Remaining: 4}, PoolStatus{Keys: 2, Remaining: 0, Limit: 100, ResetAt: reset}, ToneWarn,
			[]string{"今日已用: 16", "密钥池: 2 个密钥, 剩余 0/100", "密钥池重置: 00:00"}},
		{"none", intel.QuotaStatus{Used: 20, Limit: 20}, PoolStatus{}, ToneDanger, []string{"你今日剩余额度: 0/20"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := FromQuota(tc.user, tc.pool, testNow)
			if c.Tone != tc.tone {
				t.Errorf("tone %v, want %v", c.Tone, tc.tone)
			}
			text := Text(c)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("Text =\n%s\nwant substring %q", text, w)
				}
			}
			if tc.pool.Keys == 0 && strings.Contains(text, "密钥池") {
				t.Error("pool shown without keys")
			}
		})
	}
}

func TestUntil(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Second: "1 分钟后", 25 * time.Minute: "25 分钟后", time.Hour: "60 分钟后",
		61 * time.Minute: "2 小时后", 12 * time.Hour: "12 小时后",
	} {
		if got := until(d); got != want {
			t.Errorf("until(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestProgress(t *testing.T) {
	for _, tc := range []struct {
		done, total int
		want        string
	}{{0, 500, "⏳ 正在查询 0/500 …"}, {120, 500, "⏳ 正在查询 120/500 …"}, {600, 500, "⏳ 正在查询 500/500 …"},
		{-1, 5, "⏳ 正在查询 0/5 …"}, {0, 0, "⏳ 正在查询 …"}} {
		c := Progress(tc.done, tc.total)
		if !c.IsPlain() || c.Text != tc.want {
			t.Errorf("Progress(%d, %d) = %+v, want plain %q", tc.done, tc.total, c, tc.want)
		}
	}
}

func TestHelp(t *testing.T) {
	c := Help([]HelpEntry{{Name: "ip", Summary: "查询"}, {Name: "block", Usage: "/block <IP>", Admin: true}})
	if len(c.Sections) != 2 || c.Sections[0].Lines[0] != "/ip — 查询" || c.Sections[1].Lines[0] != "/block <IP>" {
		t.Errorf("sections %+v", c.Sections)
	}
	if c := Help([]HelpEntry{{Name: "ip"}}); len(c.Sections) != 1 {
		t.Errorf("empty admin section shown: %+v", c.Sections)
	}
}

func TestUnauthorized(t *testing.T) {
	c := Unauthorized("slack", "U123")
	if c.Title != "未授权" || !strings.Contains(c.Text, "请把 slack:U123 发给管理员加入 TIBOT_ALLOW") {
		t.Errorf("card %+v", c)
	}
}

func TestDeferredDayClock(t *testing.T) {
	now := time.Date(2025, 5, 14, 4, 0, 0, 0, time.UTC) // 12:00 Beijing
	for at, want := range map[time.Time]string{
		now.Add(-time.Hour):       "今天 11:00",
		now.Add(-12 * time.Hour):  "今天 00:00",
		now.Add(-13 * time.Hour):  "昨天 23:00",
		now.Add(-36 * time.Hour):  "昨天 00:00",
		now.Add(-37 * time.Hour):  "05-12 23:00",
		now.Add(-100 * time.Hour): "05-10 08:00",
	} {
		if got := dayClock(now, at); got != want {
			t.Errorf("dayClock(%v) = %q, want %q", at, got, want)
		}
	}
}

func TestHeading(t *testing.T) {
	for _, tc := range []struct {
		c    Card
		want string
	}{
		{Card{Tone: ToneDanger, Title: "恶意 IP  x"}, "🔴 恶意 IP  x"},
		{Card{Tone: ToneDanger, Icon: "📋", Title: "批量"}, "📋 批量"},
		{Card{Tone: ToneDanger, Text: "no title"}, ""},
	} {
		if got := tc.c.Heading(); got != tc.want {
			t.Errorf("Heading() = %q, want %q", got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	c := Card{
		Title:      "T",
		Text:       "a\nb",
		Fields:     []Field{{Label: "L", Value: "V"}},
		Sections:   []Section{{Title: "S", Lines: []string{"x"}, More: 3}, {Lines: []string{"y"}}},
		Actions:    []Action{{Label: "open", URL: "https://e.example"}, {Label: "go", ID: "go"}},
		Footer:     "F",
		Attachment: &Attachment{Name: "f.csv", Data: []byte("h\n1\n2")},
	}
	want := "⚪ T\na\nb\nL: V\nS:\n  x\n  … 另有 3 条\n  y\n[open] https://e.example [go]\nF\n(附件: f.csv, 3 行)"
	if got := Text(c); got != want {
		t.Errorf("Text =\n%s\nwant\n%s", got, want)
	}
	if got := Text(Plain("hi")); got != "hi" {
		t.Errorf("plain %q", got)
	}
}
