package storage

import (
	"context"
	"encoding/json"
	"fmt"

	"go.etcd.io/bbolt"

	"tibot/intel"
)

var _ intel.KeyLedger = (*DB)(nil)

// maxKeyIDLen bounds key ids; a hash is far shorter.
const maxKeyIDLen = 256

// keyRecord is the stored form of intel.KeyState.
type keyRecord struct {
	Day            string         `json:"day"`
	Used           map[string]int `json:"used,omitempty"`
	ExhaustedUntil int64          `json:"exhausted_until,omitempty"` // UnixNano
}

// LoadKeys returns the stored state of the given key ids; unknown ids are
// absent from the map.
func (db *DB) LoadKeys(ctx context.Context, ids []string) (map[string]intel.KeyState, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]intel.KeyState, len(ids))
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketKeys)
		for _, id := range ids {
			raw := b.Get([]byte(id))
			if raw == nil {
				continue
			}
			st, err := decodeKeyState(raw)
			if err != nil {
				return fmt.Errorf("key ledger entry %q: %w", id, err)
			}
			out[id] = st
		}
		return nil
	})
	return out, err
}

// SaveKey replaces the state of key id. Callers pass a key id (the key
// pool's hash of the API key, threatbook.KeyID), never the key itself;
// storage keeps the id as given.
func (db *DB) SaveKey(ctx context.Context, id string, st intel.KeyState) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if id == "" || len(id) > maxKeyIDLen {
		return intel.Errorf(intel.EInvalid, "密钥标识无效", "key id of %d bytes", len(id))
	}
	raw, err := encodeKeyState(st)
	if err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketKeys).Put([]byte(id), raw)
	})
}

func encodeKeyState(st intel.KeyState) ([]byte, error) {
	return json.Marshal(keyRecord{Day: st.Day, Used: st.Used, ExhaustedUntil: optNano(st.ExhaustedUntil)})
}

func decodeKeyState(raw []byte) (intel.KeyState, error) {
	var r keyRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return intel.KeyState{}, err
	}
	if r.Used == nil {
		r.Used = map[string]int{}
	}
	return intel.KeyState{Day: r.Day, Used: r.Used, ExhaustedUntil: optTime(r.ExhaustedUntil)}, nil
}
