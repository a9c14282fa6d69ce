package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tibot/threatbook/threatbooktest"
)

// TestCheckTwiceFromCache is issue 4's acceptance: the second run of the
// same IPs makes no request (the fake's counters prove it) and says the
// answers came from the cache.
func TestCheckTwiceFromCache(t *testing.T) {
	c := newCLIEnv(t)
	ips := []string{addrOf(t, threatbooktest.CategoryMalicious), addrOf(t, threatbooktest.CategoryClean),
		addrOf(t, threatbooktest.CategorySuspicious)}
	code, out, stderr := c.check(t, append([]string{"--format", "json"}, ips...)...)
	if code != exitOK || strings.Contains(out, `"cached":true`) {
		t.Fatalf("first run: exit %d, stderr %s, out %s", code, stderr, out)
	}
	first := c.fake.Stats()
	if first.Requests != 1 || first.Units != 3 {
		t.Fatalf("first run: %d requests, %d units; want 1 and 3", first.Requests, first.Units)
	}
	code, out, _ = c.check(t, append([]string{"--format", "json"}, ips...)...)
	if code != exitOK || strings.Count(out, `"cached":true`) != 3 {
		t.Errorf("second run: exit %d, want every answer cached:\n%s", code, out)
	}
	code, text, _ := c.check(t, ips...)
	if code != exitOK || strings.Count(text, "缓存") != 3 || strings.Contains(text, "实时查询") {
		t.Errorf("text run: exit %d, want each footer to say 缓存:\n%s", code, text)
	}
	if st := c.fake.Stats(); st.Requests != first.Requests || st.Units != first.Units {
		t.Errorf("cached runs made %d requests (%d units)", st.Requests-first.Requests, st.Units-first.Units)
	}
}

func TestCheckNoCache(t *testing.T) {
	c := newCLIEnv(t)
	ip := addrOf(t, threatbooktest.CategoryClean)
	for range 2 {
		if code, out, _ := c.check(t, "--no-cache", "--format", "json", ip); code != exitOK || strings.Contains(out, `"cached":true`) {
			t.Fatalf("exit %d, out %s", code, out)
		}
	}
	if code, out, _ := c.check(t, "--format", "json", ip); code != exitOK || strings.Contains(out, `"cached":true`) {
		t.Errorf("--no-cache runs wrote the cache: %s", out)
	}
	if n := c.fake.Stats().Requests; n != 3 {
		t.Errorf("%d requests, want 3 (nothing cached by --no-cache)", n)
	}
}

func TestCheckDeep(t *testing.T) {
	c := newCLIEnv(t)
	code, out, stderr := c.check(t, "--deep", addrOf(t, threatbooktest.CategoryMalicious))
	if code != exitOK || !strings.Contains(out, "深度分析") {
		t.Errorf("exit %d, stderr %s, out:\n%s", code, stderr, out)
	}
	if st := c.fake.Stats(); st.ByEndpoint["query"] != 1 || st.ByEndpoint["reputation"] != 0 {
		t.Errorf("endpoints %v, want one ip/query", st.ByEndpoint)
	}
}

func TestCheckFailureExit1(t *testing.T) {
	c := newCLIEnv(t)
	c.fake.SetFault(threatbooktest.CodeFault(-4, "Beyond Daily Limitation"))
	code, out, _ := c.check(t, "--format", "json", addrOf(t, threatbooktest.CategoryClean), "10.0.0.1")
	if code != exitFailed || !strings.Contains(out, "keys are spent") {
		t.Errorf("exit %d, want 1 and a quota error:\n%s", code, out)
	}
}

func TestCheckFlagsOverrideEnvAndConfig(t *testing.T) {
	c := newCLIEnv(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "tibot.conf")
	body := "# test\nTHREATBOOK_API_KEYS=" + testKey + "\nTIBOT_THREATBOOK_URL=" + c.fake.URL + "\nTIBOT_DB=" + filepath.Join(dir, "file.db") + "\n"
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	c.vars = map[string]string{"TIBOT_THREATBOOK_URL": "http://127.0.0.1:1"} // env beats the file
	flagDB := filepath.Join(dir, "flag.db")
	code, _, stderr := c.check(t, "--config", conf, "--threatbook-url", c.fake.URL, "--db", flagDB, addrOf(t, threatbooktest.CategoryClean))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(flagDB); err != nil {
		t.Errorf("--db not used: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "file.db")); !os.IsNotExist(err) {
		t.Errorf("config file's TIBOT_DB used despite --db")
	}
}
