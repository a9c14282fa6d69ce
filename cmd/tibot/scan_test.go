package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tibot/threatbook/threatbooktest"
)

func (c *cliEnv) scan(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return c.run(t, runScanWith, stdin, args...)
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// firewallLog is a small log: one malicious source seen three times, two
// clean destinations, two private addresses and a version string that is
// not an IP.
func firewallLog(t *testing.T) (log, mal string) {
	mal = addrOf(t, threatbooktest.CategoryMalicious)
	clean := addrOf(t, threatbooktest.CategoryClean)
	var b strings.Builder
	for i := range 3 {
		fmt.Fprintf(&b, "Nov 27 04:0%d:01 fw DROP src=%s dst=10.0.0.5 dpt=22\n", i, mal)
	}
	fmt.Fprintf(&b, "Nov 27 04:05:00 fw ACCEPT src=192.168.1.20 dst=%s dpt=443 version=6.4.12.1\n", clean)
	fmt.Fprintf(&b, "Nov 27 04:06:00 fw ACCEPT src=192.168.1.20 dst=%s dpt=443\n", strings.Replace(clean, ".", "[.]", 3))
	return b.String(), mal
}

func TestScanSummary(t *testing.T) {
	c := newCLIEnv(t)
	log, mal := firewallLog(t)
	code, out, stderr := c.scan(t, "", writeFile(t, "fw.log", log))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"共提取 4 个 IP (公网 2 · 内网/保留 2 已跳过)", "🔴 恶意 1", "文件 ", "fw.log", mal} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	list := out[strings.LastIndex(out, "\n\n")+2:]
	if !strings.HasPrefix(list, mal) {
		t.Errorf("malicious IP not listed first:\n%s", list)
	}
	if st := c.fake.Stats(); st.Requests != 1 || st.IPs != 2 {
		t.Errorf("%d requests for %d IPs, want 1 for 2", st.Requests, st.IPs)
	}
}

func TestScanJSONAndCSV(t *testing.T) {
	c := newCLIEnv(t)
	log, mal := firewallLog(t)
	code, out, _ := c.scan(t, log, "--format", "json") // stdin
	objs := decodeLines(t, out)
	if code != exitOK || len(objs) != 4 {
		t.Fatalf("exit %d, %d lines, want 4 (skipped ones included):\n%s", code, len(objs), out)
	}
	if objs[0]["ip"] != mal || objs[0]["level"] != "malicious" || objs[1]["ip"] != "10.0.0.5" || objs[1]["error"] != skippedDetail {
		t.Errorf("lines not in first-appearance order or wrong: %v", objs[:2])
	}
	code, out, _ = c.scan(t, log, "-", "--format", "csv")
	if rows := strings.Count(out, "\r\n"); code != exitOK || rows != 5 || !strings.Contains(out, `"true"`) && !strings.Contains(out, ",true,") {
		t.Errorf("exit %d, %d CSV rows (want header + 4):\n%s", code, rows, out)
	}
	if n := c.fake.Stats().Requests; n != 1 {
		t.Errorf("%d requests, want 1 (second scan from cache)", n)
	}
}

func TestScanInputProblems(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantCode   int
		wantStderr string
		wantOut    string
	}{
		{name: "missing file", args: []string{filepath.Join(dir, "nope.log")}, wantCode: exitUsage, wantStderr: "cannot read"},
		{name: "directory", args: []string{dir}, wantCode: exitUsage, wantStderr: "read " + dir},
		{name: "binary input warns and continues", stdin: "\x00\x01\x02ELF\x00 45.0.0.1 \x00\xff\xfe",
			wantCode: exitOK, wantStderr: "looks binary", wantOut: "45.0.0.1"},
		{name: "nothing public needs no lookup", stdin: "from 10.0.0.1 to 192.168.0.1\n",
			wantCode: exitOK, wantOut: "内网/保留 2 已跳过"},
		{name: "empty input", stdin: "", wantCode: exitOK, wantOut: "共提取 0 个 IP"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLIEnv(t)
			code, out, stderr := c.scan(t, tc.stdin, tc.args...)
			if code != tc.wantCode || !strings.Contains(stderr, tc.wantStderr) || !strings.Contains(out, tc.wantOut) {
				t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
			}
			if tc.wantCode == exitUsage && c.fake.Stats().Requests != 0 {
				t.Error("looked up despite bad input")
			}
		})
	}
}

func TestScanSeveralFiles(t *testing.T) {
	c := newCLIEnv(t)
	log, mal := firewallLog(t)
	a, b := writeFile(t, "a.log", log), writeFile(t, "b.log", "later "+mal+"\n")
	code, out, _ := c.scan(t, "", "--format", "json", a, b)
	if objs := decodeLines(t, out); code != exitOK || len(objs) != 4 {
		t.Errorf("exit %d, %d lines, want 4 unique across files", code, len(objs))
	}
}

// TestScanKeyPoolSpent: the key runs out mid-scan; what was served is
// printed, the rest says why, and the exit code is 1.
func TestScanKeyPoolSpent(t *testing.T) {
	c := newCLIEnv(t)
	c.fake.SpendKey(testKey, threatbooktest.DefaultDailyQuota-1)
	log, _ := firewallLog(t)
	code, out, _ := c.scan(t, log, "--format", "json", "--no-cache")
	objs := decodeLines(t, out)
	failed := 0
	for _, o := range objs {
		if o["error"] != "" && o["error"] != skippedDetail {
			failed++
		}
	}
	if code != exitFailed || len(objs) != 4 || failed != 1 {
		t.Errorf("exit %d, %d lines, %d failed; want 1, 4, 1:\n%s", code, len(objs), failed, out)
	}
}
