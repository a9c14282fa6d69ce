package card

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"tibot/intel"
)

var testNow = ExampleNow()

func TestLevelTone(t *testing.T) {
	tests := []struct {
		level intel.Level
		want  Tone
	}{
		{intel.LevelMalicious, ToneDanger},
		{intel.LevelSuspicious, ToneWarn},
		{intel.LevelTrusted, ToneTrusted},
		{intel.LevelClean, ToneGood},
		{intel.LevelUnknown, ToneNeutral},
		{intel.Level(99), ToneNeutral},
	}
	for _, tc := range tests {
		if got := LevelTone(tc.level); got != tc.want {
			t.Errorf("LevelTone(%v) = %v, want %v", tc.level, got, tc.want)
		}
	}
}

func TestAgo(t *testing.T) {
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		{"future", -time.Minute, "刚刚"},
		{"zero", 0, "刚刚"},
		{"59s", 59 * time.Second, "刚刚"},
		{"1m", time.Minute, "1 分钟前"},
		{"10m", 10*time.Minute + 30*time.Second, "10 分钟前"},
		{"59m", 59 * time.Minute, "59 分钟前"},
		{"1h", time.Hour, "1 小时前"},
		{"3h", 3*time.Hour + 59*time.Minute, "3 小时前"},
		{"23h", 23 * time.Hour, "23 小时前"},
		{"1d", 24 * time.Hour, "1 天前"},
		{"2d", 49 * time.Hour, "2 天前"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Ago(testNow, testNow.Add(-tc.d)); got != tc.want {
				t.Errorf("Ago(-%v) = %q, want %q", tc.d, got, tc.want)
			}
		})
	}
}

func TestFromVerdictTitleAndTone(t *testing.T) {
	for _, l := range []intel.Level{intel.LevelMalicious, intel.LevelSuspicious, intel.LevelTrusted, intel.LevelClean, intel.LevelUnknown} {
		v := intel.Verdict{IP: netip.MustParseAddr("203.0.113.5"), Level: l}
		c := FromVerdict(v, VerdictOptions{})
		if c.Tone != LevelTone(l) {
			t.Errorf("%v: tone %v", l, c.Tone)
		}
		if want := l.Chinese() + " IP  203.0.113.5"; c.Title != want {
			t.Errorf("%v: title %q, want %q", l, c.Title, want)
		}
		if strings.ContainsAny(c.Title, "🔴🟠🟢🔵⚪") {
			t.Errorf("%v: title %q holds an emoji", l, c.Title)
		}
	}
}

func TestFromVerdictFields(t *testing.T) {
	tests := []struct {
		name string
		v    intel.Verdict
		want []string // labels in order
	}{
		{"full", exampleMalicious(testNow), []string{"结论", "严重级别", "威胁类型", "标签", "其他", "位置", "运营商", "应用场景", "情报更新"}},
		{"bare clean", intel.Verdict{Level: intel.LevelClean}, []string{"结论"}},
		{"no data", intel.Verdict{Level: intel.LevelUnknown}, []string{"结论", "原因"}},
		{"asn only", intel.Verdict{Level: intel.LevelClean, ASN: intel.ASN{Number: 1}}, []string{"结论", "运营商"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.v.IP = netip.MustParseAddr("203.0.113.5")
			c := FromVerdict(tc.v, VerdictOptions{})
			var got []string
			for _, f := range c.Fields {
				if f.Value == "" {
					t.Errorf("field %s is empty", f.Label)
				}
				got = append(got, f.Label)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("fields %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFieldValues(t *testing.T) {
	tests := []struct {
		name, label, want string
		v                 intel.Verdict
	}{
		{"confidence", "结论", "恶意 (可信度: 高)", intel.Verdict{Level: intel.LevelMalicious, Confidence: "high", ConfidenceZH: "高"}},
		{"confidence verbatim", "结论", "可疑 (可信度: weird)", intel.Verdict{Level: intel.LevelSuspicious, Confidence: "weird"}},
		{"deep score", "结论", "恶意 (可信度: 85/100)", intel.Verdict{Level: intel.LevelMalicious, Deep: true, ConfidenceScore: 85, ConfidenceZH: "高"}},
		{"unknown type verbatim", "威胁类型", "C2", intel.Verdict{Level: intel.LevelSuspicious, ThreatTypes: []string{"C2"}}},
		{"partial translation keeps english", "威胁类型", "C2、NewType", intel.Verdict{Level: intel.LevelSuspicious, ThreatTypes: []string{"C2", "NewType"}, ThreatTypesZH: []string{"远控"}}},
		{"types capped", "威胁类型", "a、b、c、d、e、f、g、h 等 10 个", intel.Verdict{Level: intel.LevelSuspicious, ThreatTypes: strings.Split("a,b,c,d,e,f,g,h,i,j", ",")}},
		{"tag without type", "标签", "Mirai", intel.Verdict{Level: intel.LevelSuspicious, Tags: []intel.Tag{{Name: "Mirai"}}}},
		{"tag raw type", "标签", "X (virus_family)", intel.Verdict{Level: intel.LevelSuspicious, Tags: []intel.Tag{{Name: "X", Type: "virus_family"}}}},
		{"location dedupe", "位置", "中国 北京", intel.Verdict{Level: intel.LevelClean, Location: intel.Location{CountryZH: "中国", Province: "北京", City: "北京"}}},
		{"location english", "位置", "Narnia", intel.Verdict{Level: intel.LevelClean, Location: intel.Location{Country: "Narnia"}}},
		{"carrier and asn", "运营商", "Ex · AS64500", intel.Verdict{Level: intel.LevelClean, Carrier: "Ex", ASN: intel.ASN{Number: 64500, Info: "EX-AS"}}},
		{"asn info stands in", "运营商", "EX-AS · AS64500", intel.Verdict{Level: intel.LevelClean, ASN: intel.ASN{Number: 64500, Info: "EX-AS"}}},
		{"newline flattened", "运营商", "a b", intel.Verdict{Level: intel.LevelClean, Carrier: "a\nb"}},
		{"scene verbatim", "应用场景", "Moon Base", intel.Verdict{Level: intel.LevelClean, Scene: "Moon Base"}},
		{"update date in beijing", "情报更新", "2025-05-15", intel.Verdict{Level: intel.LevelClean, UpdatedAt: time.Date(2025, 5, 14, 20, 0, 0, 0, time.UTC)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := fieldValue(FromVerdict(tc.v, VerdictOptions{}), tc.label); got != tc.want {
				t.Errorf("%s = %q, want %q", tc.label, got, tc.want)
			}
		})
	}
}

func TestUnknownReason(t *testing.T) {
	tests := []struct {
		name string
		err  *intel.Error
		want string
	}{
		{"no data", nil, "微步在线暂无该 IP 的情报"},
		{"quota says what the engine did", &intel.Error{Code: intel.EQuota, Message: "你今日查询额度已用完, 已加入待查队列"},
			"你今日查询额度已用完, 已加入待查队列"},
		{"quota default", &intel.Error{Code: intel.EQuota}, "额度不足"},
		{"private default", &intel.Error{Code: intel.EInvalid}, "内网或保留地址, 未查询"},
		{"invalid message", &intel.Error{Code: intel.EInvalid, Message: "保留地址"}, "保留地址"},
		{"not found", &intel.Error{Code: intel.ENotFound}, "微步在线暂无该 IP 的情报"},
		{"upstream", &intel.Error{Code: intel.EUpstream}, "查询失败: 威胁情报服务暂时不可用, 请稍后再试"},
		{"upstream message", &intel.Error{Code: intel.EUpstream, Message: "超时"}, "查询失败: 超时"},
		{"internal hides text", &intel.Error{Code: intel.EInternal, Message: "panic: boom"}, "查询失败: 内部错误"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := intel.Verdict{IP: netip.MustParseAddr("203.0.113.5"), Err: tc.err}
			c := FromVerdict(v, VerdictOptions{Actions: true})
			if got := fieldValue(c, "原因"); got != tc.want {
				t.Errorf("原因 = %q, want %q", got, tc.want)
			}
			if tc.err != nil && len(c.Actions) > 0 {
				t.Errorf("a verdict that was not looked up has actions %v", c.Actions)
			}
		})
	}
}

func TestVerdictActions(t *testing.T) {
	tests := []struct {
		name string
		v    intel.Verdict
		want string // action ids
	}{
		{"malicious", intel.Verdict{Level: intel.LevelMalicious}, "report,deep,block"},
		{"suspicious", intel.Verdict{Level: intel.LevelSuspicious}, "report,deep,block"},
		{"clean", intel.Verdict{Level: intel.LevelClean}, "report,deep"},
		{"trusted", intel.Verdict{Level: intel.LevelTrusted}, "report,deep"},
		{"no data", intel.Verdict{Level: intel.LevelUnknown}, "report,deep"},
		{"deep malicious", intel.Verdict{Level: intel.LevelMalicious, Deep: true}, "report,block"},
		{"failed", intel.Verdict{Err: &intel.Error{Code: intel.EQuota}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.v.IP = netip.MustParseAddr("2001:db8::1")
			c := FromVerdict(tc.v, VerdictOptions{Actions: true})
			var ids []string
			for _, a := range c.Actions {
				ids = append(ids, a.ID)
				if a.URL == "" && a.Value != "2001:db8::1" {
					t.Errorf("action %s value %q", a.ID, a.Value)
				}
			}
			if got := strings.Join(ids, ","); got != tc.want {
				t.Errorf("actions %q, want %q", got, tc.want)
			}
			if len(FromVerdict(tc.v, VerdictOptions{}).Actions) != 0 {
				t.Error("actions shown without Actions option")
			}
		})
	}
}

func TestReportURL(t *testing.T) {
	v := intel.Verdict{IP: netip.MustParseAddr("203.0.113.5"), Level: intel.LevelClean}
	if got := FromVerdict(v, VerdictOptions{Actions: true}).Actions[0].URL; got != "https://x.threatbook.com/v5/ip/203.0.113.5" {
		t.Errorf("default URL %q", got)
	}
	v.Permalink = "https://example.com/r"
	if got := FromVerdict(v, VerdictOptions{Actions: true}).Actions[0].URL; got != v.Permalink {
		t.Errorf("permalink URL %q", got)
	}
}

func TestVerdictFooter(t *testing.T) {
	q := &intel.QuotaStatus{Remaining: 17, Limit: 20}
	tests := []struct {
		name string
		v    intel.Verdict
		o    VerdictOptions
		want string
	}{
		{"live", intel.Verdict{}, VerdictOptions{Now: testNow}, "来源: 微步在线 IP信誉 · 实时查询"},
		{"live quota", intel.Verdict{}, VerdictOptions{Now: testNow, Quota: q}, "来源: 微步在线 IP信誉 · 实时查询 · 你今日剩余额度 17/20"},
		{"unlimited quota", intel.Verdict{}, VerdictOptions{Quota: &intel.QuotaStatus{Remaining: 5}}, "来源: 微步在线 IP信誉 · 实时查询 · 你今日剩余额度 5"},
		{"cached", intel.Verdict{Cached: true, FetchedAt: testNow.Add(-10 * time.Minute)}, VerdictOptions{Now: testNow}, "来源: 微步在线 IP信誉 · 缓存 (10 分钟前)"},
		{"cached just now", intel.Verdict{Cached: true, FetchedAt: testNow}, VerdictOptions{Now: testNow}, "来源: 微步在线 IP信誉 · 缓存 (刚刚)"},
		{"cached no time", intel.Verdict{Cached: true}, VerdictOptions{Now: testNow}, "来源: 微步在线 IP信誉 · 缓存"},
		{"cached no now", intel.Verdict{Cached: true, FetchedAt: testNow}, VerdictOptions{}, "来源: 微步在线 IP信誉 · 缓存"},
		{"deep", intel.Verdict{Deep: true}, VerdictOptions{Now: testNow}, "来源: 微步在线 深度分析 · 实时查询"},
		{"failed", intel.Verdict{Err: &intel.Error{Code: intel.EUpstream}}, VerdictOptions{Quota: q}, "来源: 微步在线 IP信誉 · 未查询 · 你今日剩余额度 17/20"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.v.IP = netip.MustParseAddr("203.0.113.5")
			if got := FromVerdict(tc.v, tc.o).Footer; got != tc.want {
				t.Errorf("footer %q, want %q", got, tc.want)
			}
		})
	}
}

// fieldValue returns the value of the field labelled label, or "".
func fieldValue(c Card, label string) string {
	for _, f := range c.Fields {
		if f.Label == label {
			return f.Value
		}
	}
	return ""
}
