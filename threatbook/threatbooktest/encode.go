package threatbooktest

import (
	"encoding/json"
	"net/netip"
	"strings"
)

// Wire shapes of the generated answers (api.md §1.2 and §2.2).
type (
	tagClass struct {
		Tags     []string `json:"tags"`
		TagsType string   `json:"tags_type"`
	}
	location struct {
		Country     string `json:"country"`
		Province    string `json:"province"`
		City        string `json:"city"`
		Lng         string `json:"lng"`
		Lat         string `json:"lat"`
		CountryCode string `json:"country_code"`
	}
	basic struct {
		Carrier  string   `json:"carrier"`
		Location location `json:"location"`
	}
	asnInfo struct {
		Rank   int    `json:"rank"`
		Info   string `json:"info"`
		Number int    `json:"number"`
	}
	repEntry struct {
		Severity    string     `json:"severity"`
		Judgments   []string   `json:"judgments"`
		TagsClasses []tagClass `json:"tags_classes"`
		Basic       basic      `json:"basic"`
		ASN         asnInfo    `json:"asn"`
		Scene       string     `json:"scene"`
		Confidence  string     `json:"confidence_level"`
		IsMalicious bool       `json:"is_malicious"`
		UpdateTime  string     `json:"update_time"`
		Permalink   string     `json:"permalink"`
	}
	intelRecord struct {
		Source     string     `json:"source"`
		Confidence int        `json:"confidence"`
		Expired    bool       `json:"expired"`
		IntelTags  []tagClass `json:"intel_tags"`
		FindTime   string     `json:"find_time"`
		IntelTypes []string   `json:"intel_types"`
		UpdateTime string     `json:"update_time"`
	}
	queryEntry struct {
		Samples       []struct{}               `json:"samples"`
		TagsClasses   []tagClass               `json:"tags_classes"`
		Judgments     []string                 `json:"judgments"`
		Intelligences map[string][]intelRecord `json:"intelligences"`
		Scene         string                   `json:"scene"`
		Basic         basic                    `json:"basic"`
		ASN           asnInfo                  `json:"asn"`
		Ports         []struct{}               `json:"ports"`
		Cas           []struct{}               `json:"cas"`
		UpdateTime    string                   `json:"update_time"`
		RdnsList      []struct{}               `json:"rdns_list"`
		SumCurDomains string                   `json:"sum_cur_domains"`
	}
)

const timeLayout = "2006-01-02 15:04:05"

// Generate returns the fake's own per-IP object for ip on endpoint
// (EndpointReputation or EndpointQuery), ignoring fixtures. It reports false
// for an address in the no-data category.
func Generate(ip netip.Addr, endpoint string) (json.RawMessage, bool) {
	ip = ip.Unmap()
	p := profileOf(ip)
	if p.cat == CategoryNoData {
		return nil, false
	}
	var v any = reputationEntry(ip, p)
	if endpoint == EndpointQuery {
		v = queryEntryOf(p)
	}
	b, err := json.Marshal(v)
	return b, err == nil // static types: marshalling cannot fail
}

func reputationEntry(ip netip.Addr, p profile) repEntry {
	return repEntry{
		Severity:    p.severity,
		Judgments:   append(append([]string{}, p.threats...), p.info...),
		TagsClasses: nonNil(p.tags),
		Basic:       p.basic(),
		ASN:         p.asnInfo(),
		Scene:       p.scene,
		Confidence:  p.confidence,
		IsMalicious: p.malicious,
		UpdateTime:  p.updated.Format(timeLayout),
		Permalink:   "https://x.threatbook.com/v5/ip/" + ip.String(),
	}
}

// queryEntryOf builds an ip/query answer: one live record per kind of type
// (threats at p.score, informational at 70) and one expired Spam record, so
// clients must filter on expired.
func queryEntryOf(p profile) queryEntry {
	var lab []intelRecord
	found := p.updated.AddDate(0, -2, 0).Format(timeLayout)
	if len(p.threats) > 0 {
		lab = append(lab, intelRecord{Source: "ThreatBook Labs", Confidence: p.score,
			IntelTags: nonNil(p.tags), FindTime: found, IntelTypes: p.threats, UpdateTime: p.updated.Format(timeLayout)})
	}
	if len(p.info) > 0 {
		lab = append(lab, intelRecord{Source: "ThreatBook Labs", Confidence: 70,
			IntelTags: []tagClass{}, FindTime: found, IntelTypes: p.info, UpdateTime: found})
	}
	old := p.updated.AddDate(-2, 0, 0).Format(timeLayout)
	lab = append(lab, intelRecord{Source: "ThreatBook Labs", Confidence: 80, Expired: true,
		IntelTags: []tagClass{}, FindTime: old, IntelTypes: []string{"Spam"}, UpdateTime: old})
	return queryEntry{
		Samples: []struct{}{}, TagsClasses: nonNil(p.tags),
		Judgments:     append(append([]string{}, p.threats...), p.info...),
		Intelligences: map[string][]intelRecord{"threatbook_lab": lab, "x_reward": {}, "open_source": {}},
		Scene:         p.scene, Basic: p.basic(), ASN: p.asnInfo(),
		Ports: []struct{}{}, Cas: []struct{}{}, RdnsList: []struct{}{},
		UpdateTime: p.updated.Format(timeLayout), SumCurDomains: "0",
	}
}

func (p profile) basic() basic {
	pl := p.place
	return basic{Carrier: pl.carrier, Location: location{
		Country: pl.country, Province: pl.province, City: pl.city,
		Lng: pl.lng, Lat: pl.lat, CountryCode: pl.code,
	}}
}

func (p profile) asnInfo() asnInfo {
	name := strings.ToUpper(strings.NewReplacer(" ", "-", ".", "", ",", "").Replace(p.place.carrier))
	return asnInfo{Rank: p.rank, Info: name + "-AS, " + p.place.code, Number: p.asn}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
