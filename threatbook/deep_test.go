package threatbook

import (
	"context"
	"net/netip"
	"slices"
	"testing"
	"time"

	"tibot/intel"
	"tibot/threatbook/threatbooktest"
)

func TestDeepIgnoresExpiredRecords(t *testing.T) {
	e := newEnv(t, threatbooktest.Options{}, Options{Keys: []string{"k"}})
	v, err := e.c.Deep(context.Background(), netip.MustParseAddr("203.0.113.45"))
	if err != nil {
		t.Fatal(err)
	}
	// Live: Scanner+Brute Force (85), Zombie (75), IDC (70). Expired: Spam
	// (80) and an x_reward Brute Force (60).
	if v.Level != intel.LevelMalicious || !v.Malicious || !v.Deep || v.Source != SourceQuery {
		t.Errorf("level %v malicious %v deep %v source %q", v.Level, v.Malicious, v.Deep, v.Source)
	}
	if !slices.Equal(v.ThreatTypes, []string{"Scanner", "Brute Force", "Zombie"}) || slices.Contains(v.ThreatTypes, "Spam") {
		t.Errorf("threat types %v (expired Spam must not count)", v.ThreatTypes)
	}
	if !slices.Equal(v.InfoTypes, []string{"IDC"}) || v.ConfidenceScore != 85 || v.Confidence != "high" {
		t.Errorf("info %v score %d confidence %q", v.InfoTypes, v.ConfidenceScore, v.Confidence)
	}
	if !v.UpdatedAt.Equal(time.Date(2025, 5, 13, 22, 10, 45, 0, cst)) || v.Severity != "" {
		t.Errorf("updated %v severity %q", v.UpdatedAt, v.Severity)
	}
	if v.Tags[0].Name != "Mirai" || v.Location.CountryZH != "中国" || v.SceneZH != "云厂商" {
		t.Errorf("tags %v location %+v scene %q", v.Tags, v.Location, v.SceneZH)
	}
	if ps := e.c.PoolStatus(); ps.Keys[0].QueryUsed != 1 || ps.Keys[0].Used != 0 {
		t.Errorf("query units not counted apart: %+v", ps.Keys[0])
	}
}

func TestDeepFixtures(t *testing.T) {
	tests := []struct {
		ip    string
		level intel.Level
		score int
		info  []string
	}{
		{"192.0.2.10", intel.LevelClean, 70, []string{"IDC"}}, // the expired 90 does not count
		{"2001:db8:4a2b::53", intel.LevelClean, 0, nil},
	}
	e := newEnv(t, threatbooktest.Options{}, Options{Keys: []string{"k"}})
	for _, tc := range tests {
		v, err := e.c.Deep(context.Background(), netip.MustParseAddr(tc.ip))
		if err != nil || v.Level != tc.level || v.ConfidenceScore != tc.score || !slices.Equal(v.InfoTypes, tc.info) {
			t.Errorf("%s: %v score %d info %v err %v", tc.ip, v.Level, v.ConfidenceScore, v.InfoTypes, err)
		}
	}
}

func TestDeepNoDataAndErrors(t *testing.T) {
	e := newEnv(t, threatbooktest.Options{}, Options{Keys: []string{"k1", "k2"}})
	var nodata netip.Addr
	for _, ip := range ipRange(100) {
		if threatbooktest.CategoryOf(ip) == threatbooktest.CategoryNoData {
			nodata = ip
			break
		}
	}
	v, err := e.c.Deep(context.Background(), nodata)
	if err != nil || v.Level != intel.LevelUnknown || v.Err != nil || !v.Deep {
		t.Errorf("no data: %+v %v", v, err)
	}
	if _, err := e.c.Deep(context.Background(), netip.Addr{}); intel.ErrorCode(err) != intel.EInvalid {
		t.Errorf("zero addr: %v", err)
	}
	f := threatbooktest.CodeFault(-4, threatbooktest.MsgBeyondLimitation)
	f.Endpoint = threatbooktest.EndpointQuery
	e.srv.SetFault(f)
	v, err = e.c.Deep(context.Background(), nodata)
	if intel.ErrorCode(err) != intel.EQuota || v.Err == nil || v.Err.ResetAt.IsZero() {
		t.Errorf("spent: %v", err)
	}
	if vs := mustLookup(t, e.c, ipRange(1)); vs[0].Err != nil {
		t.Errorf("a spent ip/query allowance must not stop reputation: %v", vs[0].Err)
	}
}

func TestQueryVerdictRules(t *testing.T) {
	rec := func(conf int, expired bool, types ...string) intelRecord {
		return intelRecord{Confidence: flexInt(conf), Expired: expired, IntelTypes: types}
	}
	tests := []struct {
		name  string
		recs  []intelRecord
		level intel.Level
		conf  string
	}{
		{"MaliciousHigh", []intelRecord{rec(90, false, "C2")}, intel.LevelMalicious, "high"},
		{"MaliciousMedium", []intelRecord{rec(60, false, "C2")}, intel.LevelSuspicious, "medium"},
		{"MaliciousLow", []intelRecord{rec(20, false, "Spam")}, intel.LevelSuspicious, "low"},
		{"RiskOnly", []intelRecord{rec(95, false, "Tor")}, intel.LevelSuspicious, "high"},
		{"UnknownType", []intelRecord{rec(95, false, "Shiny New Thing")}, intel.LevelSuspicious, "high"},
		{"Whitelist", []intelRecord{rec(95, false, "Whitelist", "CDN")}, intel.LevelTrusted, "high"},
		{"InfoOnly", []intelRecord{rec(70, false, "IDC")}, intel.LevelClean, "medium"},
		{"OnlyExpiredThreats", []intelRecord{rec(99, true, "C2"), rec(40, false, "IDC")}, intel.LevelClean, "low"},
		{"Nothing", nil, intel.LevelClean, ""},
		{"ScoreClamped", []intelRecord{rec(250, false, "C2")}, intel.LevelMalicious, "high"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := &queryIP{Intelligences: map[string][]intelRecord{"threatbook_lab": tc.recs}}
			v := queryVerdict(netip.MustParseAddr("192.0.2.1"), q, t0)
			if v.Level != tc.level || v.Confidence != tc.conf || v.ConfidenceScore > 100 {
				t.Errorf("got %v %q (%d), want %v %q", v.Level, v.Confidence, v.ConfidenceScore, tc.level, tc.conf)
			}
		})
	}
}
