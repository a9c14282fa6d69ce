package card

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"tibot/intel"
)

// verdicts returns n verdicts of level l with distinct addresses from base.
func verdicts(l intel.Level, n, base int) []intel.Verdict {
	vs := make([]intel.Verdict, n)
	for i := range vs {
		vs[i] = intel.Verdict{IP: netip.AddrFrom4([4]byte{203, 0, byte(113 + (base+i)/250), byte(1 + (base+i)%250)}), Level: l}
	}
	return vs
}

func TestFromBatchRows(t *testing.T) {
	tests := []struct {
		name                 string
		mal, sus, clean, unk int
		wantSections         string // "title:lines+more,…"
		wantCSV, wantBlock   bool
		wantTone             Tone
	}{
		{"small listed in full", 1, 1, 2, 1, "恶意:1+0,可疑:1+0,未发现威胁:2+0,未查询:1+0", false, true, ToneDanger},
		{"exactly 20 listed", 0, 0, 20, 0, "未发现威胁:20+0", false, false, ToneGood},
		{"21 clean: csv, no rows", 0, 0, 21, 0, "", true, false, ToneGood},
		{"many malicious leave room for suspicious", 30, 10, 5, 0, "恶意:15+15,可疑:5+5", true, true, ToneDanger},
		{"few suspicious", 30, 2, 0, 0, "恶意:18+12,可疑:2+0", true, true, ToneDanger},
		{"few malicious", 3, 40, 0, 0, "恶意:3+0,可疑:17+23", true, true, ToneDanger},
		{"only suspicious", 0, 25, 0, 0, "可疑:20+5", true, false, ToneWarn},
		{"only unknown", 0, 0, 0, 3, "未查询:3+0", false, false, ToneNeutral},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var vs []intel.Verdict
			vs = append(vs, verdicts(intel.LevelMalicious, tc.mal, 0)...)
			vs = append(vs, verdicts(intel.LevelSuspicious, tc.sus, 100)...)
			vs = append(vs, verdicts(intel.LevelClean, tc.clean, 200)...)
			vs = append(vs, verdicts(intel.LevelUnknown, tc.unk, 300)...)
			c := FromBatch(Batch{Verdicts: vs, Now: testNow})
			var got []string
			for _, s := range c.Sections {
				got = append(got, fmt.Sprintf("%s:%d+%d", s.Title, len(s.Lines), s.More))
			}
			if g := strings.Join(got, ","); g != tc.wantSections {
				t.Errorf("sections %q, want %q", g, tc.wantSections)
			}
			if (c.Attachment != nil) != tc.wantCSV {
				t.Errorf("attachment %v, want %v", c.Attachment != nil, tc.wantCSV)
			}
			if c.Attachment != nil && LineCount(c.Attachment.Data) != len(vs)+1 {
				t.Errorf("CSV has %d lines, want %d", LineCount(c.Attachment.Data), len(vs)+1)
			}
			if (len(c.Actions) > 0) != tc.wantBlock {
				t.Errorf("actions %v, want block %v", c.Actions, tc.wantBlock)
			}
			if c.Tone != tc.wantTone {
				t.Errorf("tone %v, want %v", c.Tone, tc.wantTone)
			}
		})
	}
}

func TestFromBatchBlockAll(t *testing.T) {
	vs := append(verdicts(intel.LevelMalicious, 2, 0), verdicts(intel.LevelSuspicious, 1, 10)...)
	c := FromBatch(Batch{Verdicts: vs})
	if len(c.Actions) != 1 || c.Actions[0].ID != ActionBlockAll || c.Actions[0].Value != "203.0.113.1,203.0.113.2" {
		t.Errorf("actions %+v", c.Actions)
	}
}

func TestFromBatchSeverityOrder(t *testing.T) {
	vs := verdicts(intel.LevelMalicious, 3, 0)
	vs[0].Severity, vs[1].Severity, vs[2].Severity = "high", "critical", "high"
	c := FromBatch(Batch{Verdicts: vs})
	want := []string{"203.0.113.2", "203.0.113.1", "203.0.113.3"}
	for i, l := range c.Sections[0].Lines {
		if !strings.HasPrefix(l, want[i]+" ") {
			t.Errorf("row %d = %q, want %s first", i, l, want[i])
		}
	}
	if vs[0].Severity != "high" {
		t.Error("FromBatch reordered the caller's slice")
	}
}

func TestFromBatchText(t *testing.T) {
	vs := verdicts(intel.LevelClean, 2, 0)
	vs = append(vs, intel.Failed(netip.MustParseAddr("203.0.113.50"), &intel.Error{Code: intel.EQuota}))
	tests := []struct {
		name string
		b    Batch
		want string // substring of Text(card)
	}{
		{"private skipped", Batch{Verdicts: vs, Unique: 5, Private: 2}, "批量研判: 共提取 5 个 IP (公网 3 · 内网/保留 2 已跳过)"},
		{"no private", Batch{Verdicts: vs, Unique: 3}, "批量研判: 共提取 3 个 IP\n"},
		{"counts, nothing queued", Batch{Verdicts: vs}, "🟢 未发现威胁 2   ⚪ 未查询 1 (额度不足 1)"},
		{"counts, queued", Batch{Verdicts: vs, Deferred: 1}, "⚪ 未查询 1 (额度不足 1, 已加入待查队列)"},
		{"counts, partly queued", Batch{Verdicts: append(vs, intel.Failed(netip.MustParseAddr("203.0.113.51"),
			&intel.Error{Code: intel.EQuota})), Deferred: 1}, "⚪ 未查询 2 (额度不足 2, 其中 1 个已加入待查队列)"},
		{"footer", Batch{Verdicts: vs, Cached: 1, Live: 1, Source: "粘贴的日志", Quota: &intel.QuotaStatus{Remaining: 0, Limit: 20}},
			"来源: 粘贴的日志 · 微步在线 IP信誉 · 缓存 1 · 实时查询 1 · 你今日剩余额度 0/20"},
		{"empty", Batch{}, "没有需要查询的公网 IP"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Text(FromBatch(tc.b)); !strings.Contains(got, tc.want) {
				t.Errorf("Text =\n%s\nwant substring %q", got, tc.want)
			}
		})
	}
}

func TestCSV(t *testing.T) {
	v := exampleMalicious(testNow)
	v.Carrier = "=HYPERLINK(\"http://evil\")"
	v.Location.City = "+1"
	v.Location.Province = "-2"
	v.SceneZH = "@SUM(A1)"
	v.Tags = []intel.Tag{{Name: "a,b"}, {Name: "c\"d"}}
	bad := intel.Failed(netip.MustParseAddr("2001:db8::1"), &intel.Error{Code: intel.EUpstream, Message: "超时"})
	data := CSV([]intel.Verdict{v, bad})
	if !bytes.HasPrefix(data, []byte("\ufeffip,level,level_zh,is_malicious,")) {
		t.Fatalf("CSV does not start with BOM and header: %q", data[:40])
	}
	recs, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || len(recs[0]) != len(csvHeader) {
		t.Fatalf("got %d records of %d columns", len(recs), len(recs[0]))
	}
	row := map[string]string{}
	for i, h := range recs[0] {
		row[h] = recs[1][i]
	}
	want := map[string]string{
		"ip": "198.51.100.23", "level": "malicious", "level_zh": "恶意", "is_malicious": "true",
		"severity": "critical", "confidence": "high", "threat_types": "C2", "threat_types_zh": "远控",
		"info_types": "IDC", "tags": "a,b|c\"d", "country": "Netherlands", "province": "'-2", "city": "'+1",
		"carrier": "'=HYPERLINK(\"http://evil\")", "asn": "64500", "scene": "Data Center",
		"country_zh": "荷兰", "scene_zh": "'@SUM(A1)",
		"updated_at": "2025-05-14T09:30:00+08:00", "cached": "true", "error": "",
	}
	for k, w := range want {
		if row[k] != w {
			t.Errorf("%s = %q, want %q", k, row[k], w)
		}
	}
	if got := recs[2]; got[0] != "2001:db8::1" || got[1] != "unknown" || got[20] != "超时" {
		t.Errorf("failed row %q", got)
	}
}

func TestCSVSafe(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "=1": "'=1", "+1": "'+1", "-1": "'-1", "@x": "'@x", "\tx": "'\tx", "\rx": "'\rx",
		"a=1": "a=1", "中文": "中文", "1.2.3.4": "1.2.3.4",
	} {
		if got := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
