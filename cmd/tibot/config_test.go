package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfig(t *testing.T) {
	keysFile := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(keysFile, []byte("k1\n# comment\nk2\r\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     map[string]string
		check   func(t *testing.T, c Config)
		wantErr string
	}{
		{name: "defaults", env: nil, check: func(t *testing.T, c Config) {
			if c.DB != "./tibot.db" || c.HTTPAddr != "127.0.0.1:8080" || c.QuotaDefault != 20 || c.Lang != "zh" {
				t.Errorf("defaults = %+v", c)
			}
		}},
		{name: "keys list", env: map[string]string{"THREATBOOK_API_KEYS": " a, b ,,c"}, check: func(t *testing.T, c Config) {
			if got := strings.Join(c.keys(), "|"); got != "a|b|c" {
				t.Errorf("keys = %q", got)
			}
		}},
		{name: "keys file", env: map[string]string{"THREATBOOK_API_KEYS_FILE": keysFile}, check: func(t *testing.T, c Config) {
			if got := strings.Join(c.keys(), "|"); got != "k1|k2" {
				t.Errorf("keys = %q", got)
			}
		}},
		{name: "http off", env: map[string]string{"TIBOT_HTTP_ADDR": "off"}, check: func(t *testing.T, c Config) {
			if c.HTTPAddr != "" {
				t.Errorf("HTTPAddr = %q, want disabled", c.HTTPAddr)
			}
		}},
		{name: "quota users", env: map[string]string{"TIBOT_QUOTA_USERS": "slack:U1=50, telegram:42=0"}, check: func(t *testing.T, c Config) {
			if c.QuotaUsers["slack:U1"] != 50 || c.QuotaUsers["telegram:42"] != 0 || len(c.QuotaUsers) != 2 {
				t.Errorf("QuotaUsers = %v", c.QuotaUsers)
			}
		}},
		{name: "principals", env: map[string]string{"TIBOT_ADMINS": "slack:U1", "TIBOT_ALLOW": "telegram:-100123, slack:T9"}, check: func(t *testing.T, c Config) {
			if fmt.Sprint(c.Admins, c.Allow) != "[slack:U1] [telegram:-100123 slack:T9]" {
				t.Errorf("Admins, Allow = %v %v", c.Admins, c.Allow)
			}
		}},
		{name: "bad values reported together", env: map[string]string{
			"TIBOT_QUOTA_DEFAULT": "lots", "TIBOT_CACHE_TTL": "soon", "TIBOT_ALLOW": "U123",
			"TIBOT_QUOTA_USERS": "slack:U1", "TIBOT_LANG": "fr",
		}, wantErr: "TIBOT_QUOTA_DEFAULT|TIBOT_CACHE_TTL|TIBOT_ALLOW|TIBOT_QUOTA_USERS|TIBOT_LANG"},
		// Downstream, a zero limit or TTL means "unset": it must not
		// silently become the default.
		{name: "zero limits refused", env: map[string]string{
			"TIBOT_QUOTA_DEFAULT": "0", "TIBOT_QUOTA_ADMIN": "0", "TIBOT_KEY_DAILY_LIMIT": "0", "TIBOT_CACHE_TTL": "0s",
		}, wantErr: "TIBOT_QUOTA_DEFAULT=\"0\"|TIBOT_QUOTA_ADMIN=\"0\"|TIBOT_KEY_DAILY_LIMIT=\"0\"|TIBOT_CACHE_TTL=\"0s\""},
		{name: "limits", env: map[string]string{
			"TIBOT_QUOTA_DEFAULT": "3", "TIBOT_QUOTA_ADMIN": " 9", "TIBOT_KEY_DAILY_LIMIT": "1000", "TIBOT_CACHE_TTL": "72h",
		}, check: func(t *testing.T, c Config) {
			if c.QuotaDefault != 3 || c.QuotaAdmin != 9 || c.KeyDailyLimit != 1000 || c.CacheTTL != 72*time.Hour {
				t.Errorf("limits = %d %d %d %v", c.QuotaDefault, c.QuotaAdmin, c.KeyDailyLimit, c.CacheTTL)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := loadConfig(envMap(tc.env), "")
			if tc.wantErr != "" {
				if err == nil {
					t.Fatal("no error")
				}
				for _, w := range strings.Split(tc.wantErr, "|") {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not name %s", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

func TestConfigFileThenEnv(t *testing.T) {
	f := filepath.Join(t.TempDir(), "tibot.env")
	body := "# tibot settings\nTIBOT_DB=/var/lib/tibot.db\nTIBOT_QUOTA_DEFAULT = 5\nSLACK_BOT_TOKEN='xoxb-file'\n"
	if err := os.WriteFile(f, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := loadConfig(envMap(map[string]string{"TIBOT_CONFIG": f, "TIBOT_QUOTA_DEFAULT": "7"}), "")
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "/var/lib/tibot.db" || c.QuotaDefault != 7 || c.SlackBotToken.Reveal() != "xoxb-file" {
		t.Errorf("config = DB %q quota %d token ok=%v", c.DB, c.QuotaDefault, c.SlackBotToken.Reveal() == "xoxb-file")
	}
	if _, err := loadConfig(envMap(nil), filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("missing config file: no error")
	}
}

func TestSecretNeverPrints(t *testing.T) {
	c := Config{SlackBotToken: "xoxb-very-secret", ThreatBookKeys: []Secret{"tb-secret-key"}}
	for _, out := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%v", c.ThreatBookKeys)} {
		if strings.Contains(out, "very-secret") || strings.Contains(out, "tb-secret-key") {
			t.Errorf("secret printed: %s", out)
		}
	}
}

func TestOSGetenvEmptyHTTPAddrDisables(t *testing.T) {
	t.Setenv("TIBOT_HTTP_ADDR", "")
	if got := osGetenv("TIBOT_HTTP_ADDR"); got != "off" {
		t.Errorf("osGetenv = %q, want off", got)
	}
}
