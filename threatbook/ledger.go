package threatbook

import (
	"context"
	"fmt"
)

// LoadLedger reads today's per-key usage from Options.Ledger into the pool.
// Lookup and Deep call it lazily on first use; call it at start-up to make
// PoolStatus accurate before the first lookup. It is a no-op without a
// ledger or once it has succeeded.
func (c *Client) LoadLedger(ctx context.Context) error {
	if c.ledger == nil {
		return nil
	}
	c.loadMu.Lock()
	defer c.loadMu.Unlock()
	if c.loaded {
		return nil
	}
	ids := make([]string, len(c.pool.keys))
	for i, k := range c.pool.keys {
		ids[i] = k.id
	}
	states, err := c.ledger.LoadKeys(ctx, ids)
	if err != nil {
		return fmt.Errorf("threatbook load key ledger: %w", c.redact.err(err))
	}
	c.pool.merge(states, c.now())
	c.loaded = true
	return nil
}

// ensureLoaded loads the ledger once; a failure is logged and retried on the
// next call, and the pool carries on in memory.
func (c *Client) ensureLoaded(ctx context.Context) {
	if err := c.LoadLedger(ctx); err != nil {
		c.log.Warn("threatbook key ledger unavailable, counting in memory", "err", err)
	}
}

// persist saves k's current state through the ledger. Saves are serialised
// and each re-reads the state, so the newest one is written last. It runs
// outside the pool lock and survives the caller's cancellation: the units
// were spent either way.
func (c *Client) persist(ctx context.Context, k *keySlot) {
	if c.ledger == nil {
		return
	}
	c.saveMu.Lock()
	defer c.saveMu.Unlock()
	c.pool.mu.Lock()
	st := c.pool.copyState(k)
	c.pool.mu.Unlock()
	if err := c.ledger.SaveKey(context.WithoutCancel(ctx), k.id, st); err != nil {
		c.log.Warn("threatbook key ledger save failed", "key", k.id, "err", c.redact.err(err))
	}
}
