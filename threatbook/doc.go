// Package threatbook is tibot's client for the ThreatBook (微步在线) cloud
// API v3: IP reputation (/v3/scene/ip_reputation, intel.Source) and IP
// analysis (/v3/ip/query, intel.DeepSource).
//
// The client pools several API keys, counts each key's daily use locally
// (the day turns at 00:00 Beijing time, see ResetTime), optionally persists
// it through an intel.KeyLedger, skips keys known to be spent, throttled or
// rejected, and retries transport errors, HTTP 5xx and response_code -5 with
// capped exponential backoff. Every failure is an *intel.Error with a
// Chinese user message; no error, log line or status ever contains a key
// (keys are shown as KeyID, URLs through RedactURL).
//
// The dictionary (LookupType, SceneZH, SeverityZH, ConfidenceZH, TagTypeZH,
// CountryZH) translates ThreatBook's English enums; unknown values are kept
// verbatim and count as threat types.
//
// The only outbound HTTP client of tibot lives here. A fake server for tests
// and demos is in package threatbooktest.
package threatbook
