package intel

import (
	"encoding/json"
	"fmt"
)

// Level is tibot's overall judgement of an address. Higher is worse, except
// that Trusted ranks between Clean and Suspicious only for sorting.
type Level uint8

// Levels, see design.md §2.
const (
	LevelUnknown Level = iota
	LevelClean
	LevelTrusted
	LevelSuspicious
	LevelMalicious
)

var levelNames = [...]struct{ en, zh string }{
	LevelUnknown:    {"unknown", "未知"},
	LevelClean:      {"clean", "未发现威胁"},
	LevelTrusted:    {"trusted", "白名单"},
	LevelSuspicious: {"suspicious", "可疑"},
	LevelMalicious:  {"malicious", "恶意"},
}

// String returns the machine name used in JSON: malicious, suspicious,
// trusted, clean or unknown.
func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l].en
	}
	return fmt.Sprintf("level(%d)", l)
}

// Chinese returns the display name: 恶意, 可疑, 白名单, 未发现威胁 or 未知.
func (l Level) Chinese() string {
	if int(l) < len(levelNames) {
		return levelNames[l].zh
	}
	return l.String()
}

// ParseLevel is the inverse of Level.String.
func ParseLevel(s string) (Level, error) {
	for i, n := range levelNames {
		if n.en == s {
			return Level(i), nil
		}
	}
	return LevelUnknown, fmt.Errorf("unknown level %q", s)
}

// MarshalJSON encodes the level as its String form.
func (l Level) MarshalJSON() ([]byte, error) { return json.Marshal(l.String()) }

// UnmarshalJSON decodes the String form.
func (l *Level) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseLevel(s)
	*l = v
	return err
}

// Judgement is the input of Decide, already classified by the source's
// dictionary.
type Judgement struct {
	HasData    bool   // false for "no data" answers (response_code 2)
	Malicious  bool   // provider's is_malicious
	Confidence string // high/medium/low
	Severity   string // critical/high/medium/low/info
	// HasThreatType is true when a malicious or risk type, or an unknown
	// (unclassified) type, is present.
	HasThreatType bool
	Whitelisted   bool // "Whitelist" is among the judgments
}

// Decide applies the verdict rules of design.md §2; the first matching row
// wins:
//
//	Malicious   is_malicious and (confidence high, or severity critical/high)
//	Suspicious  is_malicious otherwise; or not malicious but a threat type is present
//	Trusted     not malicious and Whitelist in judgments
//	Clean       not malicious, no malicious or risk type
//	Unknown     no data
func Decide(j Judgement) Level {
	switch {
	case !j.HasData:
		return LevelUnknown
	case j.Malicious && (j.Confidence == "high" || j.Severity == "critical" || j.Severity == "high"):
		return LevelMalicious
	case j.Malicious, j.HasThreatType:
		return LevelSuspicious
	case j.Whitelisted:
		return LevelTrusted
	default:
		return LevelClean
	}
}
