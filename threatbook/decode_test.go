package threatbook

import (
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"tibot/intel"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decodeRep decodes a reputation fixture into verdicts keyed by IP.
func decodeRep(t *testing.T, name string) (*envelope[repIP], map[string]intel.Verdict) {
	t.Helper()
	env, err := decodeEnvelope[repIP](readFixture(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out := map[string]intel.Verdict{}
	for s, r := range env.Data {
		out[s] = reputationVerdict(netip.MustParseAddr(s), &r, t0)
	}
	return env, out
}

func TestDecodeMaliciousSingle(t *testing.T) {
	_, vs := decodeRep(t, "reputation-malicious-single.json")
	v := vs["198.51.100.23"]
	want := intel.Verdict{
		IP: netip.MustParseAddr("198.51.100.23"), Level: intel.LevelMalicious, Malicious: true,
		Severity: "critical", SeverityZH: "严重", Confidence: "high", ConfidenceZH: "高",
		ThreatTypes: []string{"C2"}, ThreatTypesZH: []string{"远控"},
		InfoTypes: []string{"IDC"}, InfoTypesZH: []string{"IDC服务器"},
		Tags: []intel.Tag{{Name: "CobaltStrike", Type: "virus_family", TypeZH: "病毒家族"}},
		Location: intel.Location{Country: "Netherlands", CountryZH: "荷兰", Province: "North Holland",
			City: "Amsterdam", CountryCode: "NL"},
		Carrier: "Example Hosting Ltd.", ASN: intel.ASN{Number: 64500, Info: "EXAMPLE-HOSTING-AS, NL", Rank: 4},
		Scene: "Hosting", SceneZH: "数据中心",
		UpdatedAt: time.Date(2025, 5, 14, 1, 31, 7, 0, time.UTC).In(cst),
		Permalink: "https://x.threatbook.com/v5/ip/198.51.100.23",
		Source:    SourceReputation, FetchedAt: t0,
	}
	if !verdictsEqual(v, want) {
		t.Errorf("verdict\n got %+v\nwant %+v", v, want)
	}
}

func verdictsEqual(a, b intel.Verdict) bool {
	if !a.UpdatedAt.Equal(b.UpdatedAt) {
		return false
	}
	a.UpdatedAt, b.UpdatedAt = time.Time{}, time.Time{}
	return a.IP == b.IP && a.Level == b.Level && a.Malicious == b.Malicious &&
		a.Severity == b.Severity && a.SeverityZH == b.SeverityZH && a.Confidence == b.Confidence &&
		a.ConfidenceZH == b.ConfidenceZH && slices.Equal(a.ThreatTypes, b.ThreatTypes) &&
		slices.Equal(a.ThreatTypesZH, b.ThreatTypesZH) && slices.Equal(a.InfoTypes, b.InfoTypes) &&
		slices.Equal(a.InfoTypesZH, b.InfoTypesZH) && slices.Equal(a.Tags, b.Tags) &&
		a.Location == b.Location && a.Carrier == b.Carrier && a.ASN == b.ASN && a.Scene == b.Scene &&
		a.SceneZH == b.SceneZH && a.Permalink == b.Permalink && a.Source == b.Source &&
		a.FetchedAt.Equal(b.FetchedAt) && a.Err == b.Err
}

func TestDecodeFixtures(t *testing.T) {
	tests := []struct {
		file, ip string
		level    intel.Level
		country  string
		scene    string
	}{
		{"reputation-batch-mixed.json", "203.0.113.45", intel.LevelSuspicious, "中国", "云厂商"},
		{"reputation-batch-mixed.json", "192.0.2.10", intel.LevelTrusted, "美国", "CDN"},
		{"reputation-batch-mixed.json", "198.51.100.77", intel.LevelClean, "中国", "住宅用户"},
		{"reputation-clean.json", "192.0.2.200", intel.LevelClean, "日本", ""},
		{"reputation-partial-batch.json", "203.0.113.45", intel.LevelSuspicious, "中国", "云厂商"},
	}
	for _, tc := range tests {
		t.Run(tc.file+"/"+tc.ip, func(t *testing.T) {
			_, vs := decodeRep(t, tc.file)
			v, ok := vs[tc.ip]
			if !ok || v.Level != tc.level || v.Location.CountryZH != tc.country || v.SceneZH != tc.scene {
				t.Errorf("got %v %q %q (present %v), want %v %q %q", v.Level, v.Location.CountryZH, v.SceneZH, ok,
					tc.level, tc.country, tc.scene)
			}
			if v.UpdatedAt.IsZero() || v.Permalink == "" {
				t.Errorf("update time or permalink missing: %+v", v)
			}
		})
	}
}

func TestDecodeStatusFixtures(t *testing.T) {
	tests := []struct {
		file string
		act  action
		code intel.Code
	}{
		{"reputation-partial-batch.json", actPartial, ""},
		{"reputation-quota-exhausted.json", actExhausted, ""},
		{"reputation-rate-limited.json", actRateLimit, ""},
		{"reputation-invalid-param.json", actFail, intel.EInvalid},
		{"reputation-clean.json", actData, ""},
		{"query-malicious.json", actData, ""},
	}
	for _, tc := range tests {
		env, err := decodeEnvelope[repIP](readFixture(t, tc.file))
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		act, e := classifyCode(env.code, env.Msg, "k-x")
		if act != tc.act || intel.ErrorCode(errOrNil(e)) != tc.code {
			t.Errorf("%s: action %d err %v, want %d %q", tc.file, act, e, tc.act, tc.code)
		}
	}
}

func errOrNil(e *intel.Error) error {
	if e == nil {
		return nil
	}
	return e
}

func TestDecodeIsLenient(t *testing.T) {
	body := `{"response_code": 0, "verbose_msg": "OK", "extra": [1], "data": {
	  "192.0.2.1": {"is_malicious": "yes", "severity": "HIGH", "judgments": ["Brand New Type", "ioT device", "full bogon"],
	    "basic": {"location": {"lng": 4.89, "lat": null, "country_code": "zz", "country": "Atlantis"}},
	    "asn": {"number": "64500", "rank": "x"}, "tags_classes": [{"tags": ["银狐"], "tags_type": "gangs"}, {"tags": ["X"], "tags_type": "event"}],
	    "update_time": "not a time", "future_field": {"a": 1}},
	  "not-an-ip": {}}}`
	env, err := decodeEnvelope[repIP]([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	r := env.Data["192.0.2.1"]
	v := reputationVerdict(netip.MustParseAddr("192.0.2.1"), &r, t0)
	if v.Level != intel.LevelSuspicious || !slices.Equal(v.ThreatTypes, []string{"Brand New Type"}) ||
		!slices.Equal(v.InfoTypesZH, []string{"物联网设备", "未启用IP"}) {
		t.Errorf("types: %v %v %v", v.Level, v.ThreatTypes, v.InfoTypesZH)
	}
	if v.ASN.Number != 64500 || v.Location.CountryZH != "Atlantis" || !v.UpdatedAt.IsZero() {
		t.Errorf("lenient fields: %+v", v)
	}
	if v.Tags[0].TypeZH != "团伙" || v.Tags[1].TypeZH != "event" {
		t.Errorf("tags: %+v", v.Tags)
	}
}

func TestDecodeRejectsNonAnswers(t *testing.T) {
	for _, body := range []string{``, `<html>`, `{"data": {}}`, `{"response_code": "0"}`, `{"response_code": 0, "data": {`, `[]`} {
		if _, err := decodeEnvelope[repIP]([]byte(body)); err == nil {
			t.Errorf("%q decoded", body)
		}
	}
	// Error answers may carry data of any shape.
	for _, body := range []string{`{"response_code": -4, "verbose_msg": "x", "data": []}`, `{"response_code": -1, "data": ""}`} {
		if _, err := decodeEnvelope[repIP]([]byte(body)); err != nil {
			t.Errorf("%q: %v", body, err)
		}
	}
}
