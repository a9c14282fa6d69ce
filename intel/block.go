package intel

import (
	"context"
	"net/netip"
	"time"
)

// BlockState is the life cycle of a block request.
type BlockState string

// Block states.
const (
	BlockPending  BlockState = "pending"
	BlockActive   BlockState = "active"
	BlockRejected BlockState = "rejected"
	BlockRemoved  BlockState = "removed"
	BlockExpired  BlockState = "expired"
)

// BlockEntry is one address or network on (or requested for) the blocklist.
type BlockEntry struct {
	Prefix    netip.Prefix `json:"prefix"`
	State     BlockState   `json:"state"`
	Reason    string       `json:"reason,omitempty"`
	Requester string       `json:"requester,omitempty"` // "platform:user"
	Approver  string       `json:"approver,omitempty"`
	Created   time.Time    `json:"created"`
	Expires   time.Time    `json:"expires,omitzero"`
}

// Blocklist stores block entries; the active ones are served to firewalls.
type Blocklist interface {
	PutBlock(ctx context.Context, e BlockEntry) error
	GetBlock(ctx context.Context, p netip.Prefix) (BlockEntry, bool, error)
	// Blocks returns entries in the given state ("" for all), sorted by prefix.
	Blocks(ctx context.Context, state BlockState) ([]BlockEntry, error)
	DeleteBlock(ctx context.Context, p netip.Prefix) error
}

// AuditRecord is one append-only audit log line.
type AuditRecord struct {
	At     time.Time `json:"at"`
	Action string    `json:"action"` // request, approve, reject, unblock, expire, …
	Actor  string    `json:"actor"`  // "platform:user" or "system"
	Target string    `json:"target"` // IP, CIDR, key id…
	Detail string    `json:"detail,omitempty"`
}

// Audit is the append-only audit log.
type Audit interface {
	AppendAudit(ctx context.Context, r AuditRecord) error
	AuditLog(ctx context.Context, from, to time.Time) ([]AuditRecord, error)
}
