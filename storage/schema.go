package storage

import (
	"fmt"

	"go.etcd.io/bbolt"

	"tibot/intel"
)

// migration upgrades the schema by one version inside the open update.
type migration struct {
	name string
	run  func(tx *bbolt.Tx) error
}

// migrations[v] upgrades a database from schema version v to v+1, so the
// current version is len(migrations). Append, never edit or reorder: a file
// written by an older tibot runs every migration from its version on. Every
// bucket in allBuckets already exists when a migration runs.
var migrations = []migration{
	{name: "initial layout", run: func(*bbolt.Tx) error { return nil }},
}

// SchemaVersion is the schema version this build writes.
func SchemaVersion() uint64 { return uint64(len(migrations)) }

// initTx creates every bucket, then runs the pending migrations and records
// the new version, all in Open's single update.
func (db *DB) initTx(tx *bbolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	meta := tx.Bucket(bucketMeta)
	v := uint64(0)
	if raw := meta.Get(keySchema); len(raw) == 8 {
		v = btoi(raw)
	}
	if v > SchemaVersion() {
		return intel.Errorf(intel.EConfig, "数据库版本过新, 请升级 tibot",
			"database %s has schema version %d; this tibot supports up to %d", db.path, v, SchemaVersion())
	}
	for ; v < SchemaVersion(); v++ {
		m := migrations[v]
		if err := m.run(tx); err != nil {
			return fmt.Errorf("migrate database %s to schema %d (%s): %w", db.path, v+1, m.name, err)
		}
		db.log.Info("database schema migrated", "path", db.path, "version", v+1, "step", m.name)
	}
	return meta.Put(keySchema, itob(v))
}

// Version returns the schema version stored in the file.
func (db *DB) Version() (uint64, error) {
	var v uint64
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		v = btoi(tx.Bucket(bucketMeta).Get(keySchema))
		return nil
	})
	return v, err
}
