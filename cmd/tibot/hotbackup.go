package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"tibot/storage"
)

// Hot backup while tibot serve runs. bbolt lets one process open the file at
// a time, so `tibot db backup` cannot open the database of a running bot.
// Instead serve writes DB.admin (mode 0600, next to the database: whoever
// can read the database may take a copy) holding its HTTP address and a
// random token, and serves GET /admin/backup (a consistent Tx.WriteTo copy)
// to requests bearing that token. The file is removed on shutdown.

// adminFile is what serve leaves next to the database.
type adminFile struct {
	Addr  string `json:"addr"`
	Token string `json:"token"`
}

// adminPath is the admin file of the database at dbPath.
func adminPath(dbPath string) string { return dbPath + ".admin" }

// publishAdmin writes the admin file for a listener on addr and returns the
// token and a function removing the file.
func publishAdmin(dbPath, addr string) (string, func(), error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	token := hex.EncodeToString(b)
	data, err := json.Marshal(adminFile{Addr: addr, Token: token})
	if err != nil {
		return "", nil, err
	}
	p := adminPath(dbPath)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		return "", nil, fmt.Errorf("admin file: %w", err)
	}
	return token, func() { _ = os.Remove(p) }, nil
}

// backupHandler streams a consistent copy of db to callers bearing token.
func backupHandler(db *storage.DB, token string, logger *slog.Logger) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		n, err := db.Backup(r.Context(), w)
		if err != nil {
			logger.Error("hot backup failed", "err", err)
			return
		}
		logger.Info("hot backup served", "bytes", n)
	})
}

// remoteBackup copies the database of the running tibot that owns dbPath
// into dst through its /admin/backup endpoint.
func remoteBackup(ctx context.Context, dbPath, dst string) (int64, error) {
	raw, err := os.ReadFile(adminPath(dbPath))
	if err != nil {
		return 0, fmt.Errorf("no running tibot serve publishes %s (is its HTTP listener disabled?): %w", adminPath(dbPath), err)
	}
	var a adminFile
	if err := json.Unmarshal(raw, &a); err != nil || a.Addr == "" || a.Token == "" {
		return 0, errors.New("malformed " + adminPath(dbPath))
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+a.Addr+"/admin/backup", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+a.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("ask the running tibot for a backup: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("ask the running tibot for a backup: HTTP %d", resp.StatusCode)
	}
	return writeFileAtomic(dst, resp.Body)
}

// writeFileAtomic writes r to a temporary file beside dst, then renames it,
// so a failed copy never leaves a truncated backup under dst's name.
func writeFileAtomic(dst string, r io.Reader) (int64, error) {
	f, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".tmp*")
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o600)
	}
	if err == nil {
		err = os.Rename(f.Name(), dst)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return 0, err
	}
	return n, nil
}
