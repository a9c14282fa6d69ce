package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a goroutine-safe stderr.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// start runs the fake with args on a free port and returns its base URL; the
// server stops at the end of the test and must exit cleanly.
func start(t *testing.T, args ...string) (string, *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &lockedBuffer{}
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), stderr, func(a string) { addrc <- a })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run returned %v", err)
		}
	})
	return "http://" + addr, stderr
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func TestServeStatsAndReset(t *testing.T) {
	base, stderr := start(t, "--keys", "k1, k2", "--daily-quota", "2")
	var ans struct {
		Code int `json:"response_code"`
	}
	getJSON(t, base+"/v3/scene/ip_reputation?apikey=k2&resource=100.64.0.1,100.64.0.2,100.64.0.3", &ans)
	if ans.Code != 1 {
		t.Errorf("code %d, want 1 (quota 2 of 3)", ans.Code)
	}
	getJSON(t, base+"/v3/scene/ip_reputation?apikey=nope&resource=100.64.0.1", &ans)
	if ans.Code != -1 {
		t.Errorf("unknown key: code %d", ans.Code)
	}
	var st struct{ Requests, IPs int }
	getJSON(t, base+"/_fake/stats", &st)
	if st.Requests != 2 || st.IPs != 3 {
		t.Errorf("stats %+v, want 2 requests and 3 IPs", st)
	}
	resp, err := http.Post(base+"/_fake/reset", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	getJSON(t, base+"/_fake/stats", &st)
	if st.Requests != 0 || st.IPs != 0 {
		t.Errorf("after reset %+v", st)
	}
	if !strings.Contains(stderr.String(), "listening") || !strings.Contains(stderr.String(), base) {
		t.Errorf("no listening log: %s", stderr)
	}
}

func TestFixturesFlag(t *testing.T) {
	dir := t.TempDir()
	body := `{"response_code":0,"verbose_msg":"OK","data":{"192.0.2.1":{"judgments":["C2"],"is_malicious":true,"severity":"critical"}}}`
	if err := os.WriteFile(filepath.Join(dir, "reputation-x.json"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	base, _ := start(t, "--fixtures", dir)
	resp, err := http.Get(base + "/v3/scene/ip_reputation?apikey=any&resource=192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"C2"`) {
		t.Errorf("fixture not served: %s", b)
	}
}

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags([]string{"--latency", "200", "--keys", " a ,,b "}, io.Discard)
	if err != nil || cfg.latency != 200*time.Millisecond || strings.Join(cfg.keys, "|") != "a|b" ||
		cfg.addr != "127.0.0.1:8090" || cfg.quota != 50 {
		t.Fatalf("cfg %+v, %v", cfg, err)
	}
	if cfg, _ := parseFlags([]string{"--latency", "1.5s"}, io.Discard); cfg.latency != 1500*time.Millisecond {
		t.Errorf("latency %v", cfg.latency)
	}
	for _, args := range [][]string{{"--latency", "soon"}, {"--daily-quota", "0"}, {"--nope"}, {"extra"}} {
		if _, err := parseFlags(args, io.Discard); !errors.Is(err, errUsage) {
			t.Errorf("%q: err %v, want usage", args, err)
		}
	}
	if _, err := parseFlags([]string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

func TestRunErrors(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // should a case start serving anyway, it stops at once instead of hanging
	if err := run(ctx, []string{"--addr", "127.0.0.1:0", "--fixtures", filepath.Join(t.TempDir(), "missing")}, io.Discard, nil); err == nil {
		t.Error("missing fixture directory accepted")
	}
	if err := run(ctx, []string{"--addr", "256.0.0.1:1"}, io.Discard, nil); err == nil {
		t.Error("bad listen address accepted")
	}
}
