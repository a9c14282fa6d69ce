package intel

import (
	"context"
	"net/netip"
	"time"
)

// Source looks addresses up at a threat-intelligence provider.
type Source interface {
	// Lookup returns exactly one verdict per requested address, in request
	// order. Per-address failures (quota, upstream error, no data) are
	// reported in Verdict.Err with Level Unknown; the error return is only
	// for failures of the whole call (cancelled context, no keys configured).
	Lookup(ctx context.Context, ips []netip.Addr) ([]Verdict, error)
}

// DeepSource performs a deep analysis of one address (ThreatBook
// /v3/ip/query). Errors are *Error values.
type DeepSource interface {
	Deep(ctx context.Context, ip netip.Addr) (Verdict, error)
}

// Cache stores recent verdicts. Implementations decide expiry (TTL, possibly
// per level) and never store a verdict with Err set.
type Cache interface {
	// CachedVerdicts returns the fresh cached verdicts among ips, keyed by
	// address, each with Cached set. Misses are simply absent.
	CachedVerdicts(ctx context.Context, ips []netip.Addr) (map[netip.Addr]Verdict, error)
	// PutVerdicts stores verdicts (those with Err are skipped).
	PutVerdicts(ctx context.Context, vs []Verdict) error
}

// QuotaStatus is a subject's daily budget.
type QuotaStatus struct {
	Used      int
	Limit     int
	Remaining int
	ResetAt   time.Time // next reset (midnight in the configured zone)
}

// Quota meters live lookups per subject per day.
type Quota interface {
	// Take grants up to n units atomically and returns how many were
	// granted (0..n) and the status after the grant. A partial grant is not
	// an error.
	Take(ctx context.Context, s Subject, n int) (granted int, st QuotaStatus, err error)
	// Refund returns n units taken today (lookups that then failed).
	Refund(ctx context.Context, s Subject, n int) error
	// QuotaStatus reports the subject's budget without changing it.
	QuotaStatus(ctx context.Context, s Subject) (QuotaStatus, error)
}

// KeyState is what the key pool remembers about one API key for a day.
type KeyState struct {
	Day            string         `json:"day"`  // YYYYMMDD in the provider's zone
	Used           map[string]int `json:"used"` // units used today per endpoint
	ExhaustedUntil time.Time      `json:"exhausted_until,omitzero"`
}

// KeyLedger persists the key pool's per-key usage so a restart does not
// forget that a key is spent. Keys are identified by a hash, never in clear.
type KeyLedger interface {
	LoadKeys(ctx context.Context, ids []string) (map[string]KeyState, error)
	SaveKey(ctx context.Context, id string, st KeyState) error
}

// History records lookups for digests and per-IP first/last seen.
type History interface {
	RecordLookups(ctx context.Context, es []LookupEvent) error
	// Lookups returns events with from <= At < to, oldest first.
	Lookups(ctx context.Context, from, to time.Time) ([]LookupEvent, error)
	// Seen returns when ip was first and last looked up and how often.
	Seen(ctx context.Context, ip netip.Addr) (first, last time.Time, count int, err error)
}

// DeferredItem is an address waiting for quota, with everyone to answer.
type DeferredItem struct {
	IP       netip.Addr    `json:"ip"`
	Priority int           `json:"priority"` // higher first
	QueuedAt time.Time     `json:"queued_at"`
	Targets  []ReplyTarget `json:"targets"`
	Subject  Subject       `json:"subject"`
	// Attempts counts the answers that were tried and failed (the chat
	// platform refused the post); the item is given up after a bounded
	// number of them. Queueing the same IP twice keeps the larger count.
	Attempts int `json:"attempts,omitempty"`
}

// DeferredQueue holds lookups postponed until quota is back. Queueing the
// same IP twice merges the targets: it is looked up once.
type DeferredQueue interface {
	Defer(ctx context.Context, items []DeferredItem) error
	// TakeDeferred removes and returns up to n items, highest priority first,
	// then oldest first.
	TakeDeferred(ctx context.Context, n int) ([]DeferredItem, error)
	// DeferredLen reports how many items wait.
	DeferredLen(ctx context.Context) (int, error)
}
