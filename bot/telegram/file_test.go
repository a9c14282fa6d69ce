package telegram

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	"tibot/bot"
	"tibot/bot/telegram/tgfake"
	"tibot/intel"
)

// readFirstFile is a handler reaction that reads the message's file.
type fileResult struct {
	mu   sync.Mutex
	data string
	err  error
	done bool
}

func (fr *fileResult) react(ctx context.Context, m *bot.Message, _ bot.Replier) error {
	var data []byte
	rc, err := m.Files[0].Open(ctx)
	if err == nil {
		data, err = io.ReadAll(rc)
		rc.Close()
	}
	fr.mu.Lock()
	fr.data, fr.err, fr.done = string(data), err, true
	fr.mu.Unlock()
	return nil
}

func (fr *fileResult) get() (string, error, bool) {
	fr.mu.Lock()
	defer fr.mu.Unlock()
	return fr.data, fr.err, fr.done
}

func TestDocuments(t *testing.T) {
	log := strings.Repeat("Failed password for root from 203.0.113.7 port 22\n", 50)
	tests := []struct {
		name     string
		file     string
		mime     string
		data     string
		size     int64
		max      int64
		wantErr  string // substring of the Chinese message; "" = success
		wantGets int    // getFile calls
	}{
		{"log", "auth.log", "text/plain", log, 0, 0, "", 1},
		{"octet-stream log", "fw.log", "application/octet-stream", log, 0, 0, "", 1},
		{"too large", "big.log", "text/plain", "x", 21 << 20, 0, "太大", 0},
		{"binary", "shot.png", "image/png", "\x89PNG", 0, 0, "二进制", 0},
		{"lying size", "lie.log", "text/plain", log, 10, 100, "太大", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tgfake.New(t)
			cfg := fastConfig(f)
			cfg.MaxFileBytes = tc.max
			a, _, _ := newTestAdapter(t, cfg)
			fr := &fileResult{}
			h := &recorder{react: fr.react}
			listen(t, a, h)
			f.Client(tgfake.DefaultUser, tgfake.DefaultChat).SendDocumentSized(tc.file, tc.mime, []byte(tc.data), tc.size, "")
			waitUntil(t, "file read", func() bool { _, _, done := fr.get(); return done })
			data, err, _ := fr.get()
			m := h.messages()[0]
			if m.Files[0].Name != tc.file || m.Files[0].MIME != tc.mime {
				t.Errorf("file %+v", m.Files[0])
			}
			if tc.wantErr == "" {
				if err != nil || data != tc.data {
					t.Errorf("read %d bytes, %v", len(data), err)
				}
			} else if !strings.Contains(intel.ErrorMessage(err), tc.wantErr) || intel.ErrorCode(err) != intel.EInvalid {
				t.Errorf("err = %v (%q), want EInvalid with %q", err, intel.ErrorMessage(err), tc.wantErr)
			}
			if n := f.Calls("getFile"); n != tc.wantGets {
				t.Errorf("getFile called %d times, want %d", n, tc.wantGets)
			}
		})
	}
}

func TestDownloadErrorRedacted(t *testing.T) {
	f := tgfake.New(t)
	cfg := fastConfig(f)
	cfg.FileURL = "http://127.0.0.1:1/file/bot%s/%s" // nothing listens there
	a, logs, _ := newTestAdapter(t, cfg)
	fr := &fileResult{}
	listen(t, a, &recorder{react: fr.react})
	f.SendDocument("auth.log", []byte("203.0.113.7\n"))
	waitUntil(t, "download attempt", func() bool { _, _, done := fr.get(); return done })
	_, err, _ := fr.get()
	if intel.ErrorCode(err) != intel.EUpstream {
		t.Fatalf("err = %v, want EUpstream", err)
	}
	assertNoToken(t, err, logs)
	for e := err; e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), tgfake.Token) {
			t.Errorf("wrapped error shows the token: %v", e)
		}
	}
}
