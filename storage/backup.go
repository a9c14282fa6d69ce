package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"go.etcd.io/bbolt"

	"tibot/intel"
)

// compactTxMax bounds each write transaction of Compact.
const compactTxMax = 64 << 20

// Backup writes a consistent copy of the whole database to w from one read
// transaction, so writers go on meanwhile (bbolt's hot backup, Tx.WriteTo).
// The copy is a database file in its own right. When ctx ends, the next
// write to w fails with ctx's error, so the read transaction (which holds
// back the growth of the file) ends too.
func (db *DB) Backup(ctx context.Context, w io.Writer) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n int64
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		var err error
		n, err = tx.WriteTo(ctxWriter{ctx, w})
		return err
	})
	if err != nil && ctx.Err() != nil {
		err = ctx.Err() // bbolt wraps writer errors with %s
	}
	if err != nil {
		return n, fmt.Errorf("backup %s: %w", db.path, err)
	}
	return n, nil
}

// BackupFile writes a consistent copy to path (mode 0600) through a
// temporary file in the same directory, renamed into place once synced, so
// path never holds a partial backup. It refuses to overwrite the database
// itself.
func (db *DB) BackupFile(ctx context.Context, path string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if db.isSelf(path) {
		return 0, intel.Errorf(intel.EInvalid, "备份文件不能是数据库本身", "backup target %s is the database itself", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return 0, fmt.Errorf("backup %s: %w", db.path, err)
	}
	n, err := db.Backup(ctx, f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	return n, nil
}

// Compact writes a compacted copy of the database to dst, which must not
// exist yet; the live file is only read (in read transactions), so it may
// be used meanwhile. Swap the files while tibot is stopped. ctx is checked
// before it starts: bbolt.Compact itself cannot be interrupted.
func (db *DB) Compact(ctx context.Context, dst string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := os.Stat(dst); !errors.Is(err, fs.ErrNotExist) {
		return intel.Errorf(intel.EInvalid, "目标文件已存在", "compact target %s already exists", dst)
	}
	out, err := bbolt.Open(dst, 0o600, &bbolt.Options{Timeout: db.opts.LockTimeout})
	if err != nil {
		return openError(dst, db.opts.LockTimeout, err)
	}
	err = bbolt.Compact(out, db.bolt, compactTxMax)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(dst)
		return fmt.Errorf("compact %s to %s: %w", db.path, dst, err)
	}
	return nil
}

// ctxWriter fails writes once ctx has ended.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

// Write writes p to the underlying writer unless ctx has ended.
func (cw ctxWriter) Write(p []byte) (int, error) {
	if err := cw.ctx.Err(); err != nil {
		return 0, err
	}
	return cw.w.Write(p)
}

// isSelf reports whether path names the database file.
func (db *DB) isSelf(path string) bool {
	a, errA := os.Stat(path)
	b, errB := os.Stat(db.path)
	return errA == nil && errB == nil && os.SameFile(a, b)
}
