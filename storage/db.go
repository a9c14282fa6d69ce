// Package storage keeps everything tibot must remember in one bbolt file:
// the verdict cache, per-user quotas, the API key ledger, lookup history with
// per-IP first/last seen, the deferred lookup queue, the blocklist and the
// audit log. *DB implements the intel interfaces Cache, Quota, KeyLedger,
// History, DeferredQueue, Blocklist and Audit.
//
// Buckets, keys (typed, big-endian, see keys.go) and values:
//
//	meta            "schema"                           uint64 schema version
//	verdicts        16-byte IP                         binary verdict (codec.go)
//	quota           subject 0x00 YYYYMMDD              uint64 units used that day
//	keys            key id (a hash, never a key)       JSON keyRecord
//	lookups         8-byte UnixNano, 16-byte IP, seq   binary lookup (codec.go)
//	seen            16-byte IP                         first, last (UnixNano), count
//	deferred        16-byte IP                         JSON deferredRecord
//	deferred_order  ^priority, 8-byte UnixNano, IP     empty (dequeue order index)
//	blocklist       16-byte address, 1-byte bits       JSON blockRecord
//	audit           8-byte UnixNano, 8-byte sequence   JSON auditRecord
//
// Every public method runs its own View or Update; values are decoded inside
// the transaction into fresh memory, so nothing returned points into the
// memory map. No network I/O ever happens inside a transaction.
package storage

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"tibot/intel"
)

// Bucket names.
var (
	bucketMeta          = []byte("meta")
	bucketVerdicts      = []byte("verdicts")
	bucketQuota         = []byte("quota")
	bucketKeys          = []byte("keys")
	bucketLookups       = []byte("lookups")
	bucketSeen          = []byte("seen")
	bucketDeferred      = []byte("deferred")
	bucketDeferredOrder = []byte("deferred_order")
	bucketBlocklist     = []byte("blocklist")
	bucketAudit         = []byte("audit")

	allBuckets = [][]byte{
		bucketMeta, bucketVerdicts, bucketQuota, bucketKeys, bucketLookups,
		bucketSeen, bucketDeferred, bucketDeferredOrder, bucketBlocklist, bucketAudit,
	}

	keySchema = []byte("schema")
)

// Defaults applied by Open to zero Options fields.
const (
	DefaultCacheTTL         = 24 * time.Hour
	DefaultQuota            = 20
	DefaultAdminQuota       = 200
	DefaultHistoryRetention = 90 * 24 * time.Hour
	DefaultLockTimeout      = 2 * time.Second
)

// ErrLocked is in the chain of the error Open returns when another process
// (or another DB value in this process) holds the database file.
var ErrLocked = errors.New("lock timeout")

// Options configures a DB. The zero value is usable: every zero field gets
// its documented default.
type Options struct {
	// Now is the clock (default time.Now); tests inject their own.
	Now func() time.Time
	// Location is the zone whose midnight resets quotas (default
	// Asia/Shanghai, or the fixed zone CST+8 when tzdata is missing).
	Location *time.Location
	// CacheTTL is how long a verdict stays fresh (default 24h).
	CacheTTL time.Duration
	// CacheTTLByLevel overrides CacheTTL per level (e.g. keep malicious
	// verdicts longer). A present value <= 0 means "do not cache this level".
	CacheTTLByLevel map[intel.Level]time.Duration
	// QuotaDefault is the daily limit of ordinary users (default 20).
	QuotaDefault int
	// QuotaAdmin is the daily limit of admins (default 200).
	QuotaAdmin int
	// QuotaPerUser overrides the limit per subject key ("platform:user");
	// it wins over the role limits. A value <= 0 grants nothing.
	QuotaPerUser map[string]int
	// HistoryRetention is how long lookups and seen records are kept by
	// Prune (default 90 days).
	HistoryRetention time.Duration
	// LockTimeout bounds the wait for the file lock (default 2s); bbolt
	// would otherwise wait forever.
	LockTimeout time.Duration
	// Logger receives maintenance messages (default: discarded).
	Logger *slog.Logger
}

// withDefaults returns a copy of o with defaults filled in and the maps
// copied, so a caller mutating its maps later cannot race with the DB.
func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = defaultLocation()
	}
	o.CacheTTL = orDuration(o.CacheTTL, DefaultCacheTTL)
	o.HistoryRetention = orDuration(o.HistoryRetention, DefaultHistoryRetention)
	o.LockTimeout = orDuration(o.LockTimeout, DefaultLockTimeout)
	if o.QuotaDefault == 0 {
		o.QuotaDefault = DefaultQuota
	}
	if o.QuotaAdmin == 0 {
		o.QuotaAdmin = DefaultAdminQuota
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.CacheTTLByLevel = copyMap(o.CacheTTLByLevel)
	o.QuotaPerUser = copyMap(o.QuotaPerUser)
	return o
}

func orDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func copyMap[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// defaultLocation is Asia/Shanghai, or an equivalent fixed zone (China has
// had no daylight saving time since 1991) when the zone database is missing.
func defaultLocation() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// DB is tibot's database. It is safe for concurrent use.
type DB struct {
	bolt *bbolt.DB
	path string
	opts Options
	log  *slog.Logger
}

// Open opens or creates the database file at path (mode 0600), creates all
// buckets and migrates the schema in one update. If another process holds
// the file, Open gives up after opts.LockTimeout with an EConfig *intel.Error
// naming the file (ErrLocked is in its chain).
func Open(path string, opts Options) (*DB, error) {
	opts = opts.withDefaults()
	// NoStatistics: nothing reads bbolt's DB.Stats, and skipping them saves
	// a mutex per read transaction (Bucket.Stats still works).
	b, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: opts.LockTimeout, NoStatistics: true})
	if err != nil {
		return nil, openError(path, opts.LockTimeout, err)
	}
	db := &DB{bolt: b, path: path, opts: opts, log: opts.Logger.With("component", "storage")}
	if err := b.Update(db.initTx); err != nil {
		_ = b.Close()
		return nil, err
	}
	db.warnMode()
	return db, nil
}

func openError(path string, timeout time.Duration, err error) error {
	if errors.Is(err, berrors.ErrTimeout) {
		return &intel.Error{
			Code:    intel.EConfig,
			Message: "数据库被另一个进程占用",
			Detail:  fmt.Sprintf("database %s is locked by another process (is tibot already running?)", path),
			Err:     fmt.Errorf("%w after %s", ErrLocked, timeout),
		}
	}
	return fmt.Errorf("open database %s: %w", path, err)
}

// warnMode logs when a pre-existing file is readable by others.
func (db *DB) warnMode() {
	fi, err := os.Stat(db.path)
	if err == nil && fi.Mode().Perm()&0o077 != 0 {
		db.log.Warn("database file is accessible by other users", "path", db.path, "mode", fi.Mode().Perm().String())
	}
}

// Path returns the database file name.
func (db *DB) Path() string { return db.path }

// Close releases the database file and its lock.
func (db *DB) Close() error { return db.bolt.Close() }

// now returns the current time of the injected clock.
func (db *DB) now() time.Time { return db.opts.Now() }
