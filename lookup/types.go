// Package lookup is the lookup pipeline shared by chat commands and the CLI:
// drop private/reserved and duplicate addresses, serve what the cache knows,
// charge the user's daily quota (partial grants), look the rest up in
// batches, record history, and queue what could not be looked up for after
// the quota reset. It depends only on intel interfaces and ioc.
package lookup

import (
	"net/netip"

	"tibot/intel"
	"tibot/ioc"
)

// Request is one lookup job: a /ip command, a paste, a file or a CLI run.
type Request struct {
	// Hits are the candidate addresses (unique, first-appearance order), as
	// found by ioc or parsed from arguments. Non-public ones are skipped and
	// counted, never sent.
	Hits    []ioc.Hit
	Subject intel.Subject // who is charged
	// ReplyTo is where an answer for deferred addresses is posted after the
	// quota reset; zero means "do not defer" (CLI).
	ReplyTo intel.ReplyTarget
	// Fresh bypasses the cache (admins' /ip --fresh, CLI --no-cache).
	Fresh bool
	// Unmetered skips the per-user quota (CLI runs by the operator). Key pool
	// quotas still apply.
	Unmetered bool
	// Progress, when set, is called after each live batch, from the
	// goroutine running Lookup (never concurrently), with the number of
	// public addresses settled so far (cached, over quota and looked up)
	// and the number of unique public addresses; done reaches total with
	// the last batch. It is not called when nothing is looked up live.
	Progress func(done, total int)
}

// Result is the outcome of a Request.
type Result struct {
	// Verdicts holds one verdict per unique public address, in request
	// order. Addresses not looked up (quota, error) have Level Unknown and
	// Err set; deferred ones carry an EQuota error.
	Verdicts []intel.Verdict
	Unique   int // unique addresses in the request
	Private  int // skipped as private/reserved
	// Cached + Live + Failed + OverQuota == len(Verdicts).
	Cached    int // answered from the cache (0 units)
	Live      int // answered by a successful live lookup (1 unit each)
	Failed    int // live lookups that failed, key-pool quota included (refunded)
	OverQuota int // not looked up: the subject's daily quota fell short (0 units)
	// Deferred counts addresses queued for after the reset (over-quota ones
	// and key-pool quota failures, when ReplyTo and a queue are set).
	Deferred int
	// Quota is the subject's status after the request (zero when Unmetered).
	Quota intel.QuotaStatus
}

// Addrs returns the addresses of hits, a convenience for tests and callers.
func Addrs(hits []ioc.Hit) []netip.Addr {
	out := make([]netip.Addr, len(hits))
	for i, h := range hits {
		out[i] = h.Addr
	}
	return out
}
