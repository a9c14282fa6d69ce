package threatbook

import (
	"net/netip"
	"slices"
	"time"

	"tibot/intel"
)

// Deep confidence thresholds: the 0–100 score of the strongest live
// intelligence maps to high (≥ 80), medium (≥ 50) or low (> 0).
const (
	deepHigh   = 80
	deepMedium = 50
)

// queryVerdict turns one ip/query entry into a deep verdict, using only the
// intelligences with expired == false (design.md §2):
//   - ConfidenceScore is their maximum confidence;
//   - ThreatTypes/InfoTypes are the union of their intel_types, split by class;
//   - Malicious is true when a live malicious-class type exists;
//   - Confidence comes from the score (see deepConfidence); Severity stays "";
//   - Level is intel.Decide on those fields.
//
// The answer's own roll-up (judgments) is not used, since it may include
// expired records. Tags are the answer's tags_classes plus the live records'
// intel_tags.
func queryVerdict(ip netip.Addr, q *queryIP, now time.Time) intel.Verdict {
	v := intel.Verdict{IP: ip, Source: SourceQuery, Deep: true, FetchedAt: now}
	fillCommon(&v, q.Basic, q.ASN, q.Scene, q.Permalink)
	v.Tags = appendTags(nil, q.TagsClasses)
	var live []string
	var latest time.Time
	for _, group := range sortedGroups(q.Intelligences) {
		for _, rec := range group {
			if rec.Expired {
				continue
			}
			live = append(live, rec.IntelTypes...)
			v.ConfidenceScore = max(v.ConfidenceScore, clampScore(int(rec.Confidence)))
			v.Tags = appendTags(v.Tags, rec.IntelTags)
			if t := parseTime(rec.UpdateTime); t.After(latest) {
				latest = t
			}
		}
	}
	whitelisted := classify(&v, live)
	v.Malicious = hasMalicious(v.ThreatTypes)
	v.Confidence = deepConfidence(v.ConfidenceScore)
	v.ConfidenceZH = ConfidenceZH(v.Confidence)
	v.UpdatedAt = latest
	if latest.IsZero() {
		v.UpdatedAt = parseTime(q.UpdateTime)
	}
	v.Level = intel.Decide(intel.Judgement{
		HasData:       true,
		Malicious:     v.Malicious,
		Confidence:    v.Confidence,
		HasThreatType: len(v.ThreatTypes) > 0,
		Whitelisted:   whitelisted,
	})
	return v
}

// deepConfidence maps a 0–100 score to high/medium/low ("" for 0: no live
// intelligence).
func deepConfidence(score int) string {
	switch {
	case score >= deepHigh:
		return "high"
	case score >= deepMedium:
		return "medium"
	case score > 0:
		return "low"
	default:
		return ""
	}
}

func clampScore(n int) int { return min(max(n, 0), 100) }

func hasMalicious(threatTypes []string) bool {
	for _, s := range threatTypes {
		if LookupType(s).Class == ClassMalicious {
			return true
		}
	}
	return false
}

// intelGroups is the documented order of the intelligences arrays; other
// groups follow in name order so the result is deterministic.
var intelGroups = []string{"threatbook_lab", "x_reward", "open_source"}

func sortedGroups(m map[string][]intelRecord) [][]intelRecord {
	out := make([][]intelRecord, 0, len(m))
	for _, name := range intelGroups {
		if g, ok := m[name]; ok {
			out = append(out, g)
		}
	}
	var extra []string
	for name := range m {
		if !slices.Contains(intelGroups, name) {
			extra = append(extra, name)
		}
	}
	slices.Sort(extra)
	for _, name := range extra {
		out = append(out, m[name])
	}
	return out
}
