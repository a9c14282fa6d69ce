package main

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// emulatorURL returns the telegram-test-api to test against:
// TIBOT_TG_EMULATOR_URL when set (CI sets it; there it is required), else
// one the test starts itself with node. Only a machine without Node, or
// without the npm package installed, skips the smoke test.
func emulatorURL(t *testing.T) string {
	if base := os.Getenv("TIBOT_TG_EMULATOR_URL"); base != "" {
		return strings.TrimRight(base, "/")
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("emulator not started: TIBOT_TG_EMULATOR_URL is unset in CI (run .ci/telegram-emulator.sh start)")
	}
	return startEmulator(t)
}

// startEmulator runs .ci/telegram-test-api/server.js on a free port until
// the test ends and returns its URL once getMe answers.
func startEmulator(t *testing.T) string {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("Node is not installed: the telegram-test-api smoke test needs it (CI runs it)")
	}
	dir, err := filepath.Abs(filepath.Join("..", "..", ".ci", "telegram-test-api"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "telegram-test-api")); err != nil {
		t.Skip("telegram-test-api is not installed: run bash .ci/telegram-emulator.sh start (npm ci), then go test again")
	}
	port := freePort(t)
	out := &tgBuffer{}
	cmd := exec.Command(node, "server.js")
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, out, out
	cmd.Env = append(os.Environ(), "TG_EMU_PORT="+port)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start node server.js: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { stopEmulator(cmd, exited) })
	base := "http://127.0.0.1:" + port
	waitEmulator(t, base, exited, out)
	return base
}

// stopEmulator asks server.js to stop (it handles SIGTERM), killing it
// after 5 s, and waits for it to exit.
func stopEmulator(cmd *exec.Cmd, exited <-chan error) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
}

// waitEmulator polls getMe (bounded: the emulator has no readiness signal
// but its log line) until it answers, failing when node exits first.
func waitEmulator(t *testing.T, base string, exited <-chan error, out *tgBuffer) {
	t.Helper()
	probe := base + "/bot123456789:AAEmulatorReadinessProbe0000000000/getMe"
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(15 * time.Second)
	for {
		if resp, err := http.Get(probe); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("node server.js exited (%v):\n%s", err, out)
		case <-deadline:
			t.Fatalf("telegram-test-api did not answer on %s within 15 s:\n%s", base, out)
		case <-tick.C:
		}
	}
}

// freePort returns a TCP port free on 127.0.0.1 a moment ago.
func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}
