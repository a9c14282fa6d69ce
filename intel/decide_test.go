package intel

import "testing"

// TestDecide has one row per rule of design.md §2 (the first matching rule
// wins), then edge rows where rules compete.
func TestDecide(t *testing.T) {
	tests := []struct {
		name string
		j    Judgement
		want Level
	}{
		// Malicious: is_malicious and (confidence high, or severity critical/high).
		{"MaliciousHighConfidence", Judgement{HasData: true, Malicious: true, Confidence: "high", Severity: "low"}, LevelMalicious},
		{"MaliciousCritical", Judgement{HasData: true, Malicious: true, Confidence: "low", Severity: "critical"}, LevelMalicious},
		{"MaliciousHighSeverity", Judgement{HasData: true, Malicious: true, Confidence: "medium", Severity: "high"}, LevelMalicious},
		// Suspicious: is_malicious otherwise.
		{"SuspiciousWeakMalicious", Judgement{HasData: true, Malicious: true, Confidence: "medium", Severity: "medium"}, LevelSuspicious},
		// Suspicious: not malicious but a malicious/risk (or unknown) type.
		{"SuspiciousThreatType", Judgement{HasData: true, HasThreatType: true, Severity: "low"}, LevelSuspicious},
		// Trusted: not malicious and Whitelist.
		{"TrustedWhitelist", Judgement{HasData: true, Whitelisted: true, Severity: "info"}, LevelTrusted},
		// Clean: not malicious, no malicious or risk type.
		{"Clean", Judgement{HasData: true, Severity: "info", Confidence: "high"}, LevelClean},
		// Unknown: no data.
		{"UnknownNoData", Judgement{}, LevelUnknown},

		// Edges.
		{"NoDataWinsOverEverything", Judgement{Malicious: true, Confidence: "high", HasThreatType: true}, LevelUnknown},
		{"MaliciousBeatsWhitelist", Judgement{HasData: true, Malicious: true, Severity: "critical", Whitelisted: true}, LevelMalicious},
		{"WeakMaliciousBeatsWhitelist", Judgement{HasData: true, Malicious: true, Confidence: "low", Whitelisted: true}, LevelSuspicious},
		{"ThreatTypeBeatsWhitelist", Judgement{HasData: true, HasThreatType: true, Whitelisted: true}, LevelSuspicious},
		{"HighConfidenceNotMaliciousIsNotMalicious", Judgement{HasData: true, Confidence: "high", Severity: "critical"}, LevelClean},
		{"MaliciousNoConfidenceNoSeverity", Judgement{HasData: true, Malicious: true}, LevelSuspicious},
		{"MaliciousInfoSeverity", Judgement{HasData: true, Malicious: true, Confidence: "low", Severity: "info"}, LevelSuspicious},
		{"MaliciousWithThreatTypeHigh", Judgement{HasData: true, Malicious: true, Confidence: "high", HasThreatType: true}, LevelMalicious},
		{"EmptyButHasData", Judgement{HasData: true}, LevelClean},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Decide(tc.j); got != tc.want {
				t.Errorf("Decide(%+v) = %v, want %v", tc.j, got, tc.want)
			}
		})
	}
}

func TestLevelNames(t *testing.T) {
	tests := []struct {
		l      Level
		en, zh string
	}{
		{LevelUnknown, "unknown", "未知"}, {LevelClean, "clean", "未发现威胁"}, {LevelTrusted, "trusted", "白名单"},
		{LevelSuspicious, "suspicious", "可疑"}, {LevelMalicious, "malicious", "恶意"},
	}
	for _, tc := range tests {
		if tc.l.String() != tc.en || tc.l.Chinese() != tc.zh {
			t.Errorf("%d: %q %q", tc.l, tc.l.String(), tc.l.Chinese())
		}
		if back, err := ParseLevel(tc.en); err != nil || back != tc.l {
			t.Errorf("ParseLevel(%q) = %v, %v", tc.en, back, err)
		}
	}
}
