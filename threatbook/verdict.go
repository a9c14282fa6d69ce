package threatbook

import (
	"net/netip"
	"slices"
	"strings"
	"time"

	"tibot/intel"
)

// Source names put in intel.Verdict.Source.
const (
	SourceReputation = "threatbook.reputation"
	SourceQuery      = "threatbook.query"
)

// cst is Asia/Shanghai without depending on tzdata (China has no DST).
var cst = time.FixedZone("CST", 8*3600)

const timeLayout = "2006-01-02 15:04:05"

// reputationVerdict turns one ip_reputation entry into a verdict.
func reputationVerdict(ip netip.Addr, r *repIP, now time.Time) intel.Verdict {
	v := intel.Verdict{
		IP:           ip,
		Malicious:    r.IsMalicious,
		Severity:     r.Severity,
		SeverityZH:   SeverityZH(r.Severity),
		Confidence:   r.Confidence,
		ConfidenceZH: ConfidenceZH(r.Confidence),
		Source:       SourceReputation,
		FetchedAt:    now,
	}
	fillCommon(&v, r.Basic, r.ASN, r.Scene, r.Permalink)
	whitelisted := classify(&v, r.Judgments)
	v.Tags = appendTags(nil, r.TagsClasses)
	v.UpdatedAt = parseTime(r.UpdateTime)
	v.Level = intel.Decide(intel.Judgement{
		HasData:       true,
		Malicious:     r.IsMalicious,
		Confidence:    strings.ToLower(r.Confidence),
		Severity:      strings.ToLower(r.Severity),
		HasThreatType: len(v.ThreatTypes) > 0,
		Whitelisted:   whitelisted,
	})
	return v
}

// noDataVerdict is the answer for an address ThreatBook knows nothing about
// (response_code 2, or missing from a successful answer): a valid, cacheable
// answer with Level Unknown and no Err.
func noDataVerdict(ip netip.Addr, source string, now time.Time) intel.Verdict {
	return intel.Verdict{
		IP:        ip,
		Level:     intel.LevelUnknown,
		Source:    source,
		Deep:      source == SourceQuery,
		FetchedAt: now,
		Permalink: permalink(ip, ""),
	}
}

// fillCommon copies location, carrier, ASN, scene and permalink.
func fillCommon(v *intel.Verdict, b basic, a asn, scene, link string) {
	loc := b.Location
	v.Location = intel.Location{
		Country:     loc.Country,
		CountryZH:   CountryZH(loc.CountryCode, loc.Country),
		Province:    loc.Province,
		City:        loc.City,
		CountryCode: loc.CountryCode,
	}
	v.Carrier = b.Carrier
	v.ASN = intel.ASN{Number: int(a.Number), Info: a.Info, Rank: int(a.Rank)}
	v.Scene = scene
	v.SceneZH = SceneZH(scene)
	v.Permalink = permalink(v.IP, link)
}

// classify splits types into v.ThreatTypes (malicious, risk, unknown) and
// v.InfoTypes (informational), with their Chinese names, dropping exact
// duplicates. It reports whether Whitelist is among them.
func classify(v *intel.Verdict, values []string) (whitelisted bool) {
	for _, s := range values {
		s = strings.TrimSpace(s)
		if s == "" || slices.Contains(v.ThreatTypes, s) || slices.Contains(v.InfoTypes, s) {
			continue
		}
		t := LookupType(s)
		if t.Class.IsThreat() {
			v.ThreatTypes = append(v.ThreatTypes, s)
			v.ThreatTypesZH = append(v.ThreatTypesZH, t.ZH)
			continue
		}
		v.InfoTypes = append(v.InfoTypes, s)
		v.InfoTypesZH = append(v.InfoTypesZH, t.ZH)
		if foldEqual(s, "whitelist") {
			whitelisted = true
		}
	}
	return whitelisted
}

// appendTags flattens tags_classes into tags, skipping duplicates.
func appendTags(tags []intel.Tag, classes []tagClass) []intel.Tag {
	for _, c := range classes {
		for _, name := range c.Tags {
			t := intel.Tag{Name: name, Type: c.TagsType, TypeZH: TagTypeZH(c.TagsType)}
			if name == "" || slices.Contains(tags, t) {
				continue
			}
			tags = append(tags, t)
		}
	}
	return tags
}

// parseTime reads "YYYY-MM-DD HH:MM:SS" as Beijing time; anything else is
// the zero time.
func parseTime(s string) time.Time {
	t, err := time.ParseInLocation(timeLayout, strings.TrimSpace(s), cst)
	if err != nil {
		return time.Time{}
	}
	return t
}

// permalink returns link, or the ThreatBook report URL for ip when the
// answer carried none.
func permalink(ip netip.Addr, link string) string {
	if link != "" {
		return link
	}
	return "https://x.threatbook.com/v5/ip/" + ip.String()
}
