package threatbook

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// KeyID returns the public identifier of an API key: "k-" and the first 12
// hex digits of its SHA-256. It is safe to log, show and persist.
func KeyID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "k-" + hex.EncodeToString(sum[:6])
}

// ResetTime returns the next daily quota reset after now: the next 00:00 in
// Beijing time (UTC+8, Asia/Shanghai without DST). The result is in that
// zone.
func ResetTime(now time.Time) time.Time {
	t := now.In(cst)
	return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, cst)
}

// KeyStatus is the pool's view of one API key.
type KeyStatus struct {
	ID             string    // KeyID, never the key
	Used           int       // ip_reputation units used today
	QueryUsed      int       // ip/query units used today
	Limit          int       // Options.DailyLimit
	Remaining      int       // reputation units left today; 0 when spent or disabled
	ExhaustedUntil time.Time // set while ThreatBook reported the daily limit
	RestingUntil   time.Time // set while resting after Frequent Limitation
	// Disabled is the Chinese reason the key is out of service for this
	// process (bad key, unbound access IP…); "" when it is usable.
	Disabled string
}

// PoolStatus summarises the key pool for /quota and doctor output.
type PoolStatus struct {
	Keys      []KeyStatus
	Used      int       // reputation units used today, all keys
	Limit     int       // reputation units per day, all keys
	Remaining int       // reputation units left today on usable keys
	ResetAt   time.Time // next reset (00:00 Beijing time)
}

// status reports every key in configuration order.
func (p *pool) status(now time.Time) PoolStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	ps := PoolStatus{ResetAt: ResetTime(now)}
	for _, k := range p.keys {
		p.roll(k, now)
		ks := KeyStatus{
			ID:             k.id,
			Used:           k.st.Used[epReputation],
			QueryUsed:      k.st.Used[epQuery],
			Limit:          p.limit,
			ExhaustedUntil: k.st.ExhaustedUntil,
		}
		if now.Before(k.restUntil) {
			ks.RestingUntil = k.restUntil
		}
		if e := k.disabled[epReputation]; e != nil {
			ks.Disabled = e.Message
		}
		if ks.Disabled == "" && !p.spent(k, epReputation, now) {
			ks.Remaining = p.limit - ks.Used
		}
		ps.Keys = append(ps.Keys, ks)
		ps.Used += ks.Used
		ps.Limit += ks.Limit
		ps.Remaining += ks.Remaining
	}
	return ps
}
