package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"

	"tibot/card"
	"tibot/intel"
	"tibot/ioc"
)

// jsonVerdict is one line of `--format json`: exactly the keys of
// design.md §5, in that order. Lists are never null, asn is a number (0 when
// unknown), updated_at is RFC 3339 in Beijing time or "", error is "" when
// the IP was answered. English values are as the provider sent them; the
// *_zh keys hold the Chinese display text.
type jsonVerdict struct {
	IP            string   `json:"ip"`
	Level         string   `json:"level"`
	LevelZH       string   `json:"level_zh"`
	IsMalicious   bool     `json:"is_malicious"`
	Severity      string   `json:"severity"`
	Confidence    string   `json:"confidence"`
	ThreatTypes   []string `json:"threat_types"`
	ThreatTypesZH []string `json:"threat_types_zh"`
	InfoTypes     []string `json:"info_types"`
	InfoTypesZH   []string `json:"info_types_zh"`
	Tags          []string `json:"tags"`
	Country       string   `json:"country"`
	Province      string   `json:"province"`
	City          string   `json:"city"`
	Carrier       string   `json:"carrier"`
	ASN           int      `json:"asn"`
	Scene         string   `json:"scene"`
	UpdatedAt     string   `json:"updated_at"`
	Permalink     string   `json:"permalink"`
	Cached        bool     `json:"cached"`
	Error         string   `json:"error"`
}

// beijing is the zone of updated_at (ThreatBook's own).
var beijing = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}()

// toJSON converts a verdict to its JSON line.
func toJSON(v intel.Verdict) jsonVerdict {
	j := jsonVerdict{
		IP: v.IP.String(), Level: v.Level.String(), LevelZH: v.Level.Chinese(), IsMalicious: v.Malicious,
		Severity: v.Severity, Confidence: v.Confidence,
		ThreatTypes: nonNil(v.ThreatTypes), ThreatTypesZH: nonNil(v.ThreatTypesZH),
		InfoTypes: nonNil(v.InfoTypes), InfoTypesZH: nonNil(v.InfoTypesZH), Tags: []string{},
		Country:  firstNonEmpty(v.Location.Country, v.Location.CountryZH),
		Province: v.Location.Province, City: v.Location.City, Carrier: v.Carrier, ASN: v.ASN.Number,
		Scene: v.Scene, Permalink: v.Permalink, Cached: v.Cached, Error: errorText(v.Err),
	}
	if j.Confidence == "" && v.ConfidenceScore > 0 {
		j.Confidence = fmt.Sprint(v.ConfidenceScore) // deep analysis: 0–100
	}
	for _, t := range v.Tags {
		j.Tags = append(j.Tags, t.Name)
	}
	if !v.UpdatedAt.IsZero() {
		j.UpdatedAt = v.UpdatedAt.In(beijing).Format(time.RFC3339)
	}
	return j
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// errorText is a verdict error for JSON: its English operator detail
// (details never hold secrets; e.g. "private or reserved address, not
// looked up"), else its Chinese message; "" for none.
func errorText(e *intel.Error) string {
	if e == nil {
		return ""
	}
	return firstNonEmpty(e.Detail, e.Message, string(e.Code))
}

// skippedDetail is the JSON error of a private or reserved address.
const skippedDetail = "private or reserved address, not looked up"

// skipped is the verdict of an address that is never sent anywhere.
func skipped(ip netip.Addr) intel.Verdict {
	return intel.Failed(ip, &intel.Error{Code: intel.EInvalid, Message: "内网或保留地址, 未查询", Detail: skippedDetail})
}

// lookupFailed reports whether v is a public address whose lookup failed
// (API error, quota): the exit code is then 1.
func lookupFailed(v intel.Verdict) bool { return v.Err != nil && ioc.IsPublic(v.IP) }

// exitFor is exitFailed when any lookup failed, else exitOK.
func exitFor(vs []intel.Verdict) int {
	for _, v := range vs {
		if lookupFailed(v) {
			return exitFailed
		}
	}
	return exitOK
}

// writeJSON prints one JSON object per verdict (JSON Lines).
func writeJSON(w io.Writer, vs []intel.Verdict) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, v := range vs {
		if err := enc.Encode(toJSON(v)); err != nil {
			return fmt.Errorf("encode %s: %w", v.IP, err)
		}
	}
	return bw.Flush()
}

// writeCSV prints the verdicts as CSV with a header (card.CSV: the JSON
// columns, UTF-8 with BOM for Excel).
func writeCSV(w io.Writer, vs []intel.Verdict) error {
	_, err := w.Write(card.CSVWith(vs, errorText))
	return err
}

// writeCards prints one Chinese verdict card per verdict, separated by a
// blank line.
func writeCards(w io.Writer, vs []intel.Verdict, now time.Time) error {
	bw := bufio.NewWriter(w)
	for i, v := range vs {
		if i > 0 {
			bw.WriteString("\n")
		}
		bw.WriteString(card.Text(card.FromVerdict(v, card.VerdictOptions{Now: now})) + "\n")
	}
	return bw.Flush()
}

// ipLine is one row of scan's text list: IP, level, threat types,
// severity, place; or why it was not answered.
func ipLine(v intel.Verdict) string {
	parts := []string{fmt.Sprintf("%-15s", v.IP), v.Level.Chinese()}
	if v.Err != nil {
		return strings.Join(append(parts, intel.ErrorMessage(v.Err)), "  ")
	}
	if v.Level == intel.LevelUnknown {
		return strings.Join(append(parts, "微步在线暂无该 IP 的情报"), "  ")
	}
	if len(v.ThreatTypesZH) > 0 {
		parts = append(parts, strings.Join(v.ThreatTypesZH, "、"))
	}
	parts = append(parts, firstNonEmpty(v.SeverityZH, v.Severity), firstNonEmpty(v.Location.CountryZH, v.Location.Country))
	if v.Cached {
		parts = append(parts, "(缓存)")
	}
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "  ")
}
