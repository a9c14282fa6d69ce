// Package intel is tibot's domain vocabulary: verdicts, threat levels, lookup
// events, blocklist entries, the error type shared by every layer, and the
// small interfaces (Source, Cache, Quota, History, …) that the core owns and
// the adapters implement.
//
// It imports only the standard library. Nothing here knows about ThreatBook's
// wire format, bbolt or any chat platform.
package intel

import (
	"net/netip"
	"time"
)

// Verdict is what tibot knows about one IP address.
//
// English enum values (Severity, Confidence, Scene, ThreatTypes, InfoTypes)
// are kept verbatim as the provider sent them; the *ZH fields hold the Chinese
// display text filled in by the source's dictionary (an unknown value is copied
// verbatim, never dropped).
type Verdict struct {
	IP    netip.Addr `json:"ip"`
	Level Level      `json:"level"`

	Malicious    bool   `json:"is_malicious"`
	Severity     string `json:"severity,omitempty"` // critical/high/medium/low/info
	SeverityZH   string `json:"severity_zh,omitempty"`
	Confidence   string `json:"confidence,omitempty"` // high/medium/low
	ConfidenceZH string `json:"confidence_zh,omitempty"`
	// ConfidenceScore is the 0–100 confidence of a deep analysis (0 otherwise).
	ConfidenceScore int `json:"confidence_score,omitempty"`

	// ThreatTypes holds malicious and risk judgments plus unknown values.
	ThreatTypes   []string `json:"threat_types,omitempty"`
	ThreatTypesZH []string `json:"threat_types_zh,omitempty"`
	// InfoTypes holds informational judgments (IDC, CDN, Whitelist, …).
	InfoTypes   []string `json:"info_types,omitempty"`
	InfoTypesZH []string `json:"info_types_zh,omitempty"`
	Tags        []Tag    `json:"tags,omitempty"`

	Location Location `json:"location"`
	Carrier  string   `json:"carrier,omitempty"`
	ASN      ASN      `json:"asn"`
	Scene    string   `json:"scene,omitempty"`
	SceneZH  string   `json:"scene_zh,omitempty"`

	UpdatedAt time.Time `json:"updated_at,omitzero"` // provider's intelligence update time
	Permalink string    `json:"permalink,omitempty"`

	Source    string    `json:"source,omitempty"` // e.g. "threatbook.reputation", "threatbook.query"
	Deep      bool      `json:"deep,omitempty"`   // from a deep analysis
	FetchedAt time.Time `json:"fetched_at,omitzero"`
	Cached    bool      `json:"cached,omitempty"` // served from the local cache

	// Err is set when the IP was not looked up or the lookup failed; Level is
	// then LevelUnknown. Verdicts with Err are never cached.
	Err *Error `json:"-"`
}

// Tag is one ThreatBook tag (malware family, gang, event…).
type Tag struct {
	Name   string `json:"name"`
	Type   string `json:"type,omitempty"`    // tags_type verbatim, e.g. virus_family
	TypeZH string `json:"type_zh,omitempty"` // e.g. 病毒家族
}

// Location is where the provider places an address.
type Location struct {
	Country     string `json:"country,omitempty"`
	CountryZH   string `json:"country_zh,omitempty"`
	Province    string `json:"province,omitempty"`
	City        string `json:"city,omitempty"`
	CountryCode string `json:"country_code,omitempty"`
}

// ASN is the autonomous system announcing an address.
type ASN struct {
	Number int    `json:"number,omitempty"`
	Info   string `json:"info,omitempty"`
	Rank   int    `json:"rank,omitempty"`
}

// Failed returns an Unknown verdict for ip carrying err.
func Failed(ip netip.Addr, err *Error) Verdict {
	return Verdict{IP: ip, Level: LevelUnknown, Err: err}
}

// LookupEvent records one answered lookup, for history and digests.
type LookupEvent struct {
	At          time.Time  `json:"at"`
	IP          netip.Addr `json:"ip"`
	Level       Level      `json:"level"`
	ThreatTypes []string   `json:"threat_types,omitempty"`
	Platform    string     `json:"platform,omitempty"`
	Chat        string     `json:"chat,omitempty"`
	User        string     `json:"user,omitempty"`
	Cached      bool       `json:"cached,omitempty"`
}

// Subject is the user a quota is charged to.
type Subject struct {
	Platform string // "slack", "telegram", "console", "cli"
	User     string // platform user id
	Admin    bool   // admins have their own (usually larger) limit
}

// Key returns the stable storage key "platform:user".
func (s Subject) Key() string { return s.Platform + ":" + s.User }

// ReplyTarget says where a deferred answer must be posted.
type ReplyTarget struct {
	Platform string `json:"platform"`
	Chat     string `json:"chat"`
	Thread   string `json:"thread,omitempty"`
	User     string `json:"user,omitempty"`
}
