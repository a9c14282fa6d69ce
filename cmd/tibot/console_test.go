package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"tibot/intel"
)

func TestConsoleIPOne(t *testing.T) {
	env := newChatEnv(t, chatEnvOptions{})
	out := env.chat("alice", "/ip 8.8.8.8\n")
	for _, want := range []string{"IP  8.8.8.8", "结论: ", "来源: 微步在线 IP信誉 · 实时查询", "[深度分析]"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if st := env.api.Stats(); st.Requests != 1 || st.Units != 1 {
		t.Errorf("API stats = %+v, want 1 request, 1 unit", st)
	}
	if q := env.quota("alice"); q.Used != 1 {
		t.Errorf("quota used = %d, want 1", q.Used)
	}
}

func TestConsoleIPSeven(t *testing.T) {
	env := newChatEnv(t, chatEnvOptions{})
	ips := publicAddrs(t, 7)
	var args []string
	for _, a := range ips {
		args = append(args, a.String())
	}
	out := env.chat("alice", "/ip "+strings.Join(args, " ")+" 10.1.1.1\n")
	if !strings.Contains(out, "📋 批量研判: 共提取 8 个 IP (公网 7 · 内网/保留 1 已跳过)") {
		t.Errorf("no batch title for 7 public + 1 private:\n%s", out)
	}
	n := expectedLevels(t, ips)
	for _, p := range countParts(n) {
		if !strings.Contains(out, p) {
			t.Errorf("output lacks count %q:\n%s", p, out)
		}
	}
	if strings.Count(out, "结论: ") != 0 {
		t.Errorf("7 IPs got per-IP cards:\n%s", out)
	}
	if st := env.api.Stats(); st.Requests != 1 || st.Units != 7 {
		t.Errorf("API stats = %+v, want 1 request for 7 units", st)
	}
}

// progressEdit matches the progress message edited after the first batch
// (100 or 20 addresses, whichever of the two parallel batches ends first).
var progressEdit = regexp.MustCompile(`\(更新\) ⏳ 正在查询 (100|20)/120 …`)

func TestConsolePaste120TwiceSecondFromCache(t *testing.T) {
	env := newChatEnv(t, chatEnvOptions{})
	ips := publicAddrs(t, 120)
	paste := fenced(firewallPaste(ips))
	if lines := strings.Count(paste, "\n") - 2; lines != 500 {
		t.Fatalf("paste has %d lines", lines)
	}
	out := env.chat("alice", paste)
	checkBatch(t, out, expectedLevels(t, ips), "实时查询 120")
	if !strings.Contains(out, "⏳ 正在查询 0/120 …") || !progressEdit.MatchString(out) || !strings.Contains(out, "(更新) 📋 批量研判") {
		t.Errorf("no progress message, progress edit and final edit:\n%s", out)
	}
	if st := env.api.Stats(); st.ByEndpoint["reputation"] != 2 || st.Units != 120 {
		t.Errorf("API stats = %+v, want two batches, 120 units", st)
	}
	if q := env.quota("alice"); q.Used != 120 {
		t.Errorf("quota used = %d, want 120", q.Used)
	}

	again := env.chat("alice", paste)
	checkBatch(t, again, expectedLevels(t, ips), "缓存 120")
	if strings.Contains(again, "实时查询") {
		t.Errorf("second paste looked something up live:\n%s", again)
	}
	if st := env.api.Stats(); st.Requests != 2 || st.Units != 120 {
		t.Errorf("API stats after the repeat = %+v, want unchanged (2 requests, 120 units)", st)
	}
	if q := env.quota("alice"); q.Used != 120 {
		t.Errorf("quota used after the repeat = %d, want still 120", q.Used)
	}
}

// checkBatch checks a 120-IP batch card: title, exact counts per level,
// how they were answered and the CSV.
func checkBatch(t *testing.T, out string, n map[intel.Level]int, how string) {
	t.Helper()
	if !strings.Contains(out, "批量研判: 共提取 128 个 IP (公网 120 · 内网/保留 8 已跳过)") {
		t.Errorf("batch title wrong:\n%s", out)
	}
	for _, p := range countParts(n) {
		if !strings.Contains(out, p) {
			t.Errorf("output lacks exact count %q:\n%s", p, out)
		}
	}
	if u := n[intel.LevelUnknown]; u > 0 && !strings.Contains(out, fmt.Sprintf("⚪ 未查询 %d", u)) {
		t.Errorf("output lacks %d unknown:\n%s", u, out)
	}
	if !strings.Contains(out, "来源: 粘贴内容 · 微步在线 IP信誉 · "+how) {
		t.Errorf("footer does not say %q:\n%s", how, out)
	}
	if !strings.Contains(out, "附件已保存") || !strings.Contains(out, "121 行") {
		t.Errorf("no CSV with a header and 120 rows:\n%s", out)
	}
}

func TestConsoleQuotaRunsOutMidPaste(t *testing.T) {
	env := newChatEnv(t, chatEnvOptions{userQuota: 100})
	ips := publicAddrs(t, 120)
	out := env.chat("bob", fenced(firewallPaste(ips)))
	if !strings.Contains(out, "额度不足 20, 已加入待查队列") || !strings.Contains(out, "20 个 IP 已加入待查队列") {
		t.Fatalf("card does not say 20 were queued:\n%s", out)
	}
	if st := env.api.Stats(); st.Units != 100 {
		t.Errorf("API units = %d, want 100", st.Units)
	}
	if q := env.quota("bob"); q.Used != 100 || q.Remaining != 0 {
		t.Errorf("quota = %+v, want 100 used, 0 left", q)
	}
	var posted bytes.Buffer
	w := env.deferredWorker(&posted)
	if n, err := w.RunOnce(context.Background()); err != nil || n != 0 {
		t.Fatalf("before the reset RunOnce = %d, %v; want nothing answered", n, err)
	}
	env.clock.nextDay()
	n, err := w.RunOnce(context.Background())
	if err != nil || n != 20 {
		t.Fatalf("after the reset RunOnce = %d, %v; want 20", n, err)
	}
	text := posted.String()
	if !strings.Contains(text, "[to console/m1]") || !strings.Contains(text, "额度已恢复") {
		t.Fatalf("answer not posted in the paste's thread:\n%s", text)
	}
	for _, ip := range ips[100:] { // destination-only, seen once: queued last
		if !strings.Contains(text, ip.String()+" ") && !strings.Contains(text, ip.String()+",") {
			t.Errorf("deferred answer lacks %s", ip)
		}
	}
	if st := env.api.Stats(); st.Units != 120 {
		t.Errorf("API units after the reset = %d, want 120", st.Units)
	}
	if q := env.quota("bob"); q.Used != 20 {
		t.Errorf("new day's quota used = %d, want 20", q.Used)
	}
}

func TestConsoleBinaryAndEmpty(t *testing.T) {
	env := newChatEnv(t, chatEnvOptions{})
	dir := t.TempDir()
	bin := filepath.Join(dir, "dump.bin")
	if err := os.WriteFile(bin, []byte("\x7fELF\x02\x01\x01\x00\x00\x00 8.8.8.8 \x00\x00\xff\xfe\x00"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.log")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	out := env.chat("alice", "/file "+bin+"\n")
	if !strings.Contains(out, "dump.bin 看起来是二进制文件") {
		t.Errorf("binary file: %s", out)
	}
	if out := env.chat("alice", "/file "+empty+"\n"); !strings.Contains(out, "empty.log 是空的") {
		t.Errorf("empty file: %s", out)
	}
	if out := env.chat("alice", "```\n   \n```\nhello team, lunch?\n"); out != "" {
		t.Errorf("empty message and chatter got a reply: %q", out)
	}
	if st := env.api.Stats(); st.Requests != 0 {
		t.Errorf("API requests = %d, want 0", st.Requests)
	}
}

// TestConsoleDemoInProcess is the README's first command, run in-process:
// printf '/ip 1.1.1.1\n' | tibot console --demo
func TestConsoleDemoInProcess(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"console", "--demo"}, strings.NewReader("/ip 1.1.1.1\n"), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr.String())
	}
	checkDemoOutput(t, stdout.String(), stderr.String())
}

func checkDemoOutput(t *testing.T, stdout, stderr string) {
	t.Helper()
	for _, want := range []string{"IP  1.1.1.1", "结论: ", "来源: 微步在线 IP信誉"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "演示模式") || !strings.Contains(stderr, "/ip 1.1.1.1") {
		t.Errorf("no Chinese demo banner on stderr:\n%s", stderr)
	}
}

// TestConsoleDemoBinary builds tibot and pipes the demo command into it.
func TestConsoleDemoBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "tibot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "console", "--demo")
	cmd.Stdin = strings.NewReader("/ip 1.1.1.1\n")
	cmd.Env = append(os.Environ(), "TIBOT_CONFIG=", "THREATBOOK_API_KEYS=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("tibot console --demo: %v\nstderr:\n%s", err, stderr.String())
	}
	checkDemoOutput(t, stdout.String(), stderr.String())
}

// TestConsoleDeepButtonsQuotaHelp: the 深度分析 button and /deep run a
// deep analysis (one unit each), 申请封禁 says the workflow is not enabled,
// /quota shows the user's and the key pool's budget, /help the commands.
func TestConsoleDeepButtonsQuotaHelp(t *testing.T) {
	env := newChatEnv(t, chatEnvOptions{userQuota: 10})
	out := env.chat("dave", "/ip 8.8.8.8\n/action deep 8.8.8.8\n/deep 1.1.1.1\n/action block 8.8.8.8\n/quota\n/help\n")
	if n := strings.Count(out, "来源: 微步在线 深度分析"); n != 2 {
		t.Errorf("%d deep cards, want 2:\n%s", n, out)
	}
	if st := env.api.Stats(); st.ByEndpoint["query"] != 2 {
		t.Errorf("ip/query calls = %d, want 2", st.ByEndpoint["query"])
	}
	for _, want := range []string{"封禁流程未启用", "你今日剩余额度: 7/10", "今日已用: 3", "密钥池: 1 个密钥", "tibot 使用帮助", "/deep <IP>"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
