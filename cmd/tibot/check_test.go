package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"tibot/ioc"
	"tibot/threatbook/threatbooktest"
)

const testKey = "test-key-0123456789abcdef"

// cliEnv is a CLI environment against a fresh fake ThreatBook and a
// temporary database; vars is the whole process environment the command
// sees.
type cliEnv struct {
	vars map[string]string
	fake *threatbooktest.Server
	db   string
}

func newCLIEnv(t *testing.T) *cliEnv {
	t.Helper()
	fake := threatbooktest.NewServer(threatbooktest.Options{Keys: []string{testKey}})
	t.Cleanup(fake.Close)
	db := filepath.Join(t.TempDir(), "tibot.db")
	return &cliEnv{fake: fake, db: db, vars: map[string]string{
		"THREATBOOK_API_KEYS":  testKey,
		"TIBOT_THREATBOOK_URL": fake.URL,
		"TIBOT_DB":             db,
		"USER":                 "tester",
	}}
}

// run calls a subcommand with the environment and returns its exit code,
// stdout and stderr.
func (c *cliEnv) run(t *testing.T, cmd func(context.Context, stdio, []string) int, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	cli := stdio{getenv: func(k string) string { return c.vars[k] }, stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}
	code := cmd(t.Context(), cli, args)
	return code, out.String(), errb.String()
}

func (c *cliEnv) check(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return c.run(t, runCheckWith, "", args...)
}

// addrOf returns the first public address 45.0.0.x (x from 1) the fake
// answers with category want.
func addrOf(t *testing.T, want threatbooktest.Category) string {
	t.Helper()
	for i := 1; i < 1<<16; i++ {
		ip := netip.AddrFrom4([4]byte{45, 0, byte(i >> 8), byte(i)})
		if threatbooktest.CategoryOf(ip) == want && ioc.IsPublic(ip) {
			return ip.String()
		}
	}
	t.Fatalf("no address of category %v", want)
	return ""
}

var jsonKeys = []string{"ip", "level", "level_zh", "is_malicious", "severity", "confidence", "threat_types",
	"threat_types_zh", "info_types", "info_types_zh", "tags", "country", "province", "city",
	"carrier", "asn", "scene", "updated_at", "permalink", "cached", "error"}

// keysInOrder returns the top-level keys of one JSON object, in order.
func keysInOrder(t *testing.T, line string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(line))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %q", line)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func decodeLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if got := keysInOrder(t, line); !slices.Equal(got, jsonKeys) {
			t.Errorf("keys %v\nwant %v", got, jsonKeys)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		objs = append(objs, m)
	}
	return objs
}

func TestCheckJSON(t *testing.T) {
	c := newCLIEnv(t)
	mal, clean := addrOf(t, threatbooktest.CategoryMalicious), addrOf(t, threatbooktest.CategoryClean)
	code, out, stderr := c.check(t, "--format", "json", mal, "10.1.2.3", strings.Replace(clean, ".", "[.]", 1))
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	objs := decodeLines(t, out)
	if len(objs) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(objs), out)
	}
	if strings.Contains(out, "null") {
		t.Errorf("null in output (lists must be []):\n%s", out)
	}
	m, priv, cl := objs[0], objs[1], objs[2]
	if m["ip"] != mal || m["level"] != "malicious" || m["level_zh"] != "恶意" || m["is_malicious"] != true ||
		m["cached"] != false || m["error"] != "" || len(m["threat_types"].([]any)) == 0 {
		t.Errorf("malicious line %v", m)
	}
	if asn, ok := m["asn"].(float64); !ok || asn < 64496 {
		t.Errorf("asn %v, want a number", m["asn"])
	}
	if priv["ip"] != "10.1.2.3" || priv["level"] != "unknown" || priv["error"] != skippedDetail {
		t.Errorf("private line %v", priv)
	}
	if cl["ip"] != clean || (cl["level"] != "clean" && cl["level"] != "trusted") {
		t.Errorf("clean line %v", cl)
	}
	if st := c.fake.Stats(); st.Requests != 1 || st.IPs != 2 {
		t.Errorf("fake saw %d requests for %d IPs, want 1 for 2 (private never sent)", st.Requests, st.IPs)
	}
}

func TestCheckTextCard(t *testing.T) {
	c := newCLIEnv(t)
	code, out, _ := c.check(t, addrOf(t, threatbooktest.CategoryMalicious), "192.168.1.1")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"恶意 IP", "威胁类型", "微步在线 IP信誉", "实时查询", "192.168.1.1", "内网或保留地址"} {
		if !strings.Contains(out, want) {
			t.Errorf("card lacks %q:\n%s", want, out)
		}
	}
}

func TestCheckCSV(t *testing.T) {
	c := newCLIEnv(t)
	code, out, _ := c.check(t, "--format=csv", addrOf(t, threatbooktest.CategoryClean))
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(out, "\ufeff")), "\r\n")
	if code != exitOK || len(lines) != 2 || !strings.HasPrefix(lines[0], strings.Join(jsonKeys, ",")+",") {
		t.Errorf("exit %d, csv:\n%q", code, out)
	}
}

func TestCheckBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"octet over 255", []string{"999.1.1.1"}, `"999.1.1.1" is not an IP address`},
		{"three octets", []string{"45.1.2.3", "1.2.3"}, `"1.2.3" is not an IP address`},
		{"hostname", []string{"example.com"}, `"example.com" is not an IP address`},
		{"with a port", []string{"45.1.2.3:80"}, "not an IP address"},
		{"no address", nil, "no IP address given"},
		{"bad format", []string{"--format", "xml", "45.1.2.3"}, "want text, json or csv"},
		{"unknown flag", []string{"--colour", "45.1.2.3"}, "flag provided but not defined"},
		{"bad ThreatBook URL", []string{"--threatbook-url", "ftp://x", "45.1.2.3"}, "ftp://x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLIEnv(t)
			code, out, stderr := c.check(t, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, out, stderr, tc.want)
			}
			if n := c.fake.Stats().Requests; n != 0 {
				t.Errorf("%d requests before input was valid", n)
			}
		})
	}
}

func TestCheckPrivateOnlyNeedsNoKeys(t *testing.T) {
	c := newCLIEnv(t)
	delete(c.vars, "THREATBOOK_API_KEYS")
	code, out, stderr := c.check(t, "--format", "json", "10.0.0.1", "127.0.0.1", "fe80::1")
	if code != exitOK || strings.Count(out, skippedDetail) != 3 {
		t.Errorf("exit %d, out %s, stderr %s", code, out, stderr)
	}
	if _, err := os.Stat(c.db); !os.IsNotExist(err) {
		t.Errorf("database created for nothing to look up (stat: %v)", err)
	}
}

func TestCheckNoKeys(t *testing.T) {
	c := newCLIEnv(t)
	delete(c.vars, "THREATBOOK_API_KEYS")
	code, _, stderr := c.check(t, "45.1.2.3")
	if code != exitUsage || !strings.Contains(stderr, "THREATBOOK_API_KEYS") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(c.db); !os.IsNotExist(err) {
		t.Errorf("database created without keys (stat: %v)", err)
	}
}

// TestCheckCSVMatchesJSON: the CSV columns that share a name with the JSON
// keys hold the same values (lists joined with "|").
func TestCheckCSVMatchesJSON(t *testing.T) {
	c := newCLIEnv(t)
	ips := []string{addrOf(t, threatbooktest.CategoryMalicious), "10.1.2.3"}
	_, jsonOut, _ := c.check(t, append([]string{"--no-cache", "--format", "json"}, ips...)...)
	_, csvOut, _ := c.check(t, append([]string{"--no-cache", "--format", "csv"}, ips...)...)
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvOut, "\ufeff"))).ReadAll()
	if err != nil || len(recs) != 3 {
		t.Fatalf("csv: %v, %d records", err, len(recs))
	}
	for i, line := range strings.Split(strings.TrimSpace(jsonOut), "\n") {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatal(err)
		}
		for col, key := range recs[0] {
			want, ok := obj[key]
			if !ok {
				continue // Chinese extras of the CSV
			}
			if got := recs[i+1][col]; got != csvCell(want) {
				t.Errorf("row %d %s: csv %q, json %q", i, key, got, csvCell(want))
			}
		}
	}
}

// csvCell renders a JSON value the way the CSV writes it.
func csvCell(v any) string {
	switch x := v.(type) {
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = fmt.Sprint(p)
		}
		return strings.Join(parts, "|")
	case float64:
		if x == 0 {
			return ""
		}
		return fmt.Sprint(int(x))
	}
	return fmt.Sprint(v)
}
