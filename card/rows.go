package card

import (
	"strings"

	"tibot/intel"
)

// rowLevels is the order of batch sections, worst first.
var rowLevels = []intel.Level{
	intel.LevelMalicious, intel.LevelSuspicious, intel.LevelTrusted, intel.LevelClean, intel.LevelUnknown,
}

// rowTypes caps the threat types shown in one batch row.
const rowTypes = 3

// fullSections lists every verdict, one section per level present.
func fullSections(g map[intel.Level][]intel.Verdict) []Section {
	w := ipWidth(g, rowLevels)
	var ss []Section
	for _, l := range rowLevels {
		if len(g[l]) > 0 {
			ss = append(ss, levelSection(l, g[l], len(g[l]), w))
		}
	}
	return ss
}

// cappedSections lists malicious then suspicious rows, MaxBatchRows in
// all: malicious rows come first but leave room for up to
// minSuspiciousRows suspicious ones.
func cappedSections(g map[intel.Level][]intel.Verdict) []Section {
	mal, sus := g[intel.LevelMalicious], g[intel.LevelSuspicious]
	nMal := min(len(mal), MaxBatchRows-min(len(sus), minSuspiciousRows))
	nSus := min(len(sus), MaxBatchRows-nMal)
	w := ipWidth(g, rowLevels[:2])
	var ss []Section
	if len(mal) > 0 {
		ss = append(ss, levelSection(intel.LevelMalicious, mal, nMal, w))
	}
	if len(sus) > 0 {
		ss = append(ss, levelSection(intel.LevelSuspicious, sus, nSus, w))
	}
	return ss
}

// levelSection lists the first n of vs and counts the rest in More.
func levelSection(l intel.Level, vs []intel.Verdict, n, ipw int) Section {
	s := Section{Title: sectionTitle(l), More: len(vs) - n}
	for _, v := range vs[:n] {
		s.Lines = append(s.Lines, row(v, ipw))
	}
	return s
}

// sectionTitle names a batch section; unknown rows are "未查询".
func sectionTitle(l intel.Level) string {
	if l == intel.LevelUnknown {
		return "未查询"
	}
	return l.Chinese()
}

// row formats one verdict as a batch line:
//
//	malicious, suspicious  203.0.113.7     远控、僵尸网络   严重   荷兰
//	trusted, clean         198.51.100.5    美国   Example Cloud
//	unknown                198.51.100.9    额度不足, 已加入待查队列
func row(v intel.Verdict, ipw int) string {
	ip := v.IP.String()
	ip += strings.Repeat(" ", max(ipw-len(ip), 0))
	country := clip(orDefault(v.Location.CountryZH, v.Location.Country), 30)
	var cells []string
	switch v.Level {
	case intel.LevelMalicious, intel.LevelSuspicious:
		cells = []string{joinCap(localized(v.ThreatTypes, v.ThreatTypesZH), rowTypes),
			clip(orDefault(v.SeverityZH, v.Severity), 20), country}
	case intel.LevelTrusted, intel.LevelClean:
		cells = []string{country, clip(v.Carrier, 60)}
	default:
		cells = []string{unknownReason(v.Err)}
	}
	return strings.TrimRight(ip+"   "+joinNonEmpty("   ", cells...), " ")
}

// ipWidth is the longest address among the given levels, for alignment.
func ipWidth(g map[intel.Level][]intel.Verdict, levels []intel.Level) int {
	w := 0
	for _, l := range levels {
		for _, v := range g[l] {
			w = max(w, len(v.IP.String()))
		}
	}
	return w
}
