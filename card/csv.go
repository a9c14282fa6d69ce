package card

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"time"

	"tibot/intel"
)

// csvHeader follows the JSON Lines contract of design.md §5 (same keys, same
// values), then adds the Chinese names of the country and the scene for
// readers of the chat attachment.
var csvHeader = []string{
	"ip", "level", "level_zh", "is_malicious", "severity", "confidence",
	"threat_types", "threat_types_zh", "info_types", "info_types_zh", "tags",
	"country", "province", "city", "carrier", "asn", "scene", "updated_at",
	"permalink", "cached", "error", "country_zh", "scene_zh",
}

// csvBOM makes Excel read the file as UTF-8 (Chinese text).
const csvBOM = "\ufeff"

// csvListSep joins list cells. Not ";" or ",": Excel uses those as the
// column separator in some locales.
const csvListSep = "|"

// CSV renders verdicts as CSV with a header row, one row per verdict: UTF-8
// with a BOM so Excel opens Chinese text, CRLF line ends (RFC 4180), list
// values joined with "|", times in RFC 3339 (Beijing time). Cells starting
// with = + - @ tab or CR are prefixed with "'" against CSV (formula)
// injection. The error column holds the Chinese user message.
func CSV(vs []intel.Verdict) []byte {
	return CSVWith(vs, func(e *intel.Error) string { return intel.ErrorMessage(e) })
}

// CSVWith is CSV with the error column written by errText (the CLI writes
// the operator detail, as its JSON does).
func CSVWith(vs []intel.Verdict, errText func(*intel.Error) string) []byte {
	var buf bytes.Buffer
	buf.WriteString(csvBOM)
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	_ = w.Write(csvHeader) // writes to a bytes.Buffer cannot fail
	for _, v := range vs {
		_ = w.Write(csvRecord(v, errText))
	}
	w.Flush()
	return buf.Bytes()
}

// csvRecord is one verdict in csvHeader order, every cell escaped.
func csvRecord(v intel.Verdict, errText func(*intel.Error) string) []string {
	asn := ""
	if v.ASN.Number > 0 {
		asn = strconv.Itoa(v.ASN.Number)
	}
	updated := ""
	if !v.UpdatedAt.IsZero() {
		updated = v.UpdatedAt.In(beijing).Format(time.RFC3339)
	}
	errCell := ""
	if v.Err != nil {
		errCell = errText(v.Err)
	}
	tags := make([]string, len(v.Tags))
	for i, t := range v.Tags {
		tags[i] = t.Name
	}
	rec := []string{
		v.IP.String(), v.Level.String(), v.Level.Chinese(), strconv.FormatBool(v.Malicious),
		v.Severity, v.Confidence,
		list(v.ThreatTypes), list(v.ThreatTypesZH), list(v.InfoTypes), list(v.InfoTypesZH), list(tags),
		orDefault(v.Location.Country, v.Location.CountryZH), v.Location.Province, v.Location.City,
		v.Carrier, asn, v.Scene, updated,
		v.Permalink, strconv.FormatBool(v.Cached), errCell,
		orDefault(v.Location.CountryZH, v.Location.Country), orDefault(v.SceneZH, v.Scene),
	}
	for i, cell := range rec {
		rec[i] = csvSafe(cell)
	}
	return rec
}

// list joins a list cell.
func list(items []string) string { return strings.Join(items, csvListSep) }

// csvSafe defuses a cell a spreadsheet would run as a formula (OWASP CSV
// injection): a leading = + - @ tab or CR gets a "'" prefix.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
