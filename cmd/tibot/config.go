package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
)

// Secret is a string that never prints itself: fmt, slog and JSON all see
// "<secret>". Convert with Reveal only where the value is handed to a client.
type Secret string

// String hides the value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "<secret>"
}

// LogValue hides the value from slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText hides the value from encoders.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Reveal returns the secret value.
func (s Secret) Reveal() string { return string(s) }

// Config is every setting of tibot. Names of environment variables, config
// file keys and flags agree (design.md §5). Only package main reads the
// environment; libraries receive explicit values.
type Config struct {
	DB             string        // TIBOT_DB
	ThreatBookURL  string        // TIBOT_THREATBOOK_URL
	ThreatBookKeys []Secret      // THREATBOOK_API_KEYS or THREATBOOK_API_KEYS_FILE
	KeyDailyLimit  int           // TIBOT_KEY_DAILY_LIMIT (per key, reputation)
	CacheTTL       time.Duration // TIBOT_CACHE_TTL
	QuotaDefault   int           // TIBOT_QUOTA_DEFAULT (per user per day)
	QuotaAdmin     int           // TIBOT_QUOTA_ADMIN
	// QuotaUsers overrides the daily limit per user: TIBOT_QUOTA_USERS,
	// "platform:id=N" entries separated by commas.
	QuotaUsers map[string]int
	Lang       string // TIBOT_LANG: zh (default) or en

	SlackBotToken      Secret // SLACK_BOT_TOKEN (xoxb-)
	SlackAppToken      Secret // SLACK_APP_TOKEN (xapp-), Socket Mode
	SlackSigningSecret Secret // SLACK_SIGNING_SECRET, HTTP mode
	SlackAPIURL        string // TIBOT_SLACK_API_URL

	TelegramToken         Secret // TELEGRAM_BOT_TOKEN
	TelegramAPIURL        string // TIBOT_TELEGRAM_API_URL, "…/bot%s/%s"
	TelegramFileURL       string // TIBOT_TELEGRAM_FILE_URL, "…/file/bot%s/%s"
	TelegramWebhookURL    string // TIBOT_TELEGRAM_WEBHOOK_URL (empty: long polling)
	TelegramWebhookSecret Secret // TIBOT_TELEGRAM_WEBHOOK_SECRET

	HTTPAddr string   // TIBOT_HTTP_ADDR; "off" (or set but empty) disables
	Admins   []string // TIBOT_ADMINS, "platform:id"
	Allow    []string // TIBOT_ALLOW, "platform:id"
}

// defaultConfig returns the built-in defaults.
func defaultConfig() Config {
	return Config{
		DB:            "./tibot.db",
		ThreatBookURL: "https://api.threatbook.cn",
		KeyDailyLimit: 50,
		CacheTTL:      24 * time.Hour,
		QuotaDefault:  20,
		QuotaAdmin:    200,
		Lang:          "zh",
		HTTPAddr:      "127.0.0.1:8080",
	}
}

// loadConfig applies, in order: defaults, the file named by TIBOT_CONFIG (or
// configFile when non-empty; KEY=VALUE lines, # comments), then the
// environment. Flags are applied by each subcommand afterwards. All problems
// are reported at once.
func loadConfig(getenv func(string) string, configFile string) (Config, error) {
	vals := map[string]string{}
	if configFile == "" {
		configFile = getenv("TIBOT_CONFIG")
	}
	var errs []error
	if configFile != "" {
		if err := readConfigFile(configFile, vals); err != nil {
			errs = append(errs, err)
		}
	}
	for _, k := range configKeys {
		if v, ok := lookupEnv(getenv, k); ok {
			vals[k] = v
		}
	}
	cfg := defaultConfig()
	errs = append(errs, cfg.apply(vals)...)
	return cfg, errors.Join(errs...)
}

// lookupEnv treats an empty variable as unset.
func lookupEnv(getenv func(string) string, k string) (string, bool) {
	v := getenv(k)
	return v, v != ""
}

var configKeys = []string{
	"TIBOT_DB", "TIBOT_THREATBOOK_URL", "THREATBOOK_API_KEYS", "THREATBOOK_API_KEYS_FILE",
	"TIBOT_KEY_DAILY_LIMIT", "TIBOT_CACHE_TTL", "TIBOT_QUOTA_DEFAULT", "TIBOT_QUOTA_ADMIN", "TIBOT_QUOTA_USERS", "TIBOT_LANG",
	"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "TIBOT_SLACK_API_URL",
	"TELEGRAM_BOT_TOKEN", "TIBOT_TELEGRAM_API_URL", "TIBOT_TELEGRAM_FILE_URL",
	"TIBOT_TELEGRAM_WEBHOOK_URL", "TIBOT_TELEGRAM_WEBHOOK_SECRET",
	"TIBOT_HTTP_ADDR", "TIBOT_ADMINS", "TIBOT_ALLOW",
}

func readConfigFile(path string, into map[string]string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return fmt.Errorf("config file %s:%d: want KEY=VALUE", path, n)
		}
		into[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"'`)
	}
	return nil
}

// apply copies vals into c, returning one error per bad value.
func (c *Config) apply(vals map[string]string) []error {
	str := func(k string, dst *string) {
		if v, ok := vals[k]; ok {
			*dst = v
		}
	}
	sec := func(k string, dst *Secret) {
		if v, ok := vals[k]; ok {
			*dst = Secret(strings.TrimSpace(v))
		}
	}
	str("TIBOT_DB", &c.DB)
	str("TIBOT_THREATBOOK_URL", &c.ThreatBookURL)
	str("TIBOT_LANG", &c.Lang)
	sec("SLACK_BOT_TOKEN", &c.SlackBotToken)
	sec("SLACK_APP_TOKEN", &c.SlackAppToken)
	sec("SLACK_SIGNING_SECRET", &c.SlackSigningSecret)
	str("TIBOT_SLACK_API_URL", &c.SlackAPIURL)
	sec("TELEGRAM_BOT_TOKEN", &c.TelegramToken)
	str("TIBOT_TELEGRAM_API_URL", &c.TelegramAPIURL)
	str("TIBOT_TELEGRAM_FILE_URL", &c.TelegramFileURL)
	str("TIBOT_TELEGRAM_WEBHOOK_URL", &c.TelegramWebhookURL)
	sec("TIBOT_TELEGRAM_WEBHOOK_SECRET", &c.TelegramWebhookSecret)
	if v, ok := vals["TIBOT_HTTP_ADDR"]; ok {
		c.HTTPAddr = v
		if v == "off" {
			c.HTTPAddr = ""
		}
	}
	errs := c.applyNumbers(vals)
	errs = append(errs, c.applyKeys(vals)...)
	errs = append(errs, c.applyQuotaUsers(vals["TIBOT_QUOTA_USERS"])...)
	errs = append(errs, c.applyPrincipals(vals)...)
	if c.Lang != "zh" && c.Lang != "en" {
		errs = append(errs, fmt.Errorf("TIBOT_LANG=%q: want zh or en", c.Lang))
	}
	return errs
}

// applyNumbers reads the limits and the cache TTL. Zero is refused rather
// than taken: storage and the key pool treat a zero limit or TTL as unset
// and would silently use their defaults instead.
func (c *Config) applyNumbers(vals map[string]string) []error {
	var errs []error
	num := func(k string, dst *int) {
		if v, ok := vals[k]; ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 1 {
				errs = append(errs, fmt.Errorf("%s=%q: want a whole number of at least 1", k, v))
				return
			}
			*dst = n
		}
	}
	num("TIBOT_KEY_DAILY_LIMIT", &c.KeyDailyLimit)
	num("TIBOT_QUOTA_DEFAULT", &c.QuotaDefault)
	num("TIBOT_QUOTA_ADMIN", &c.QuotaAdmin)
	if v, ok := vals["TIBOT_CACHE_TTL"]; ok {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("TIBOT_CACHE_TTL=%q: want a positive duration such as 24h", v))
		} else {
			c.CacheTTL = d
		}
	}
	return errs
}

func (c *Config) applyKeys(vals map[string]string) []error {
	raw := vals["THREATBOOK_API_KEYS"]
	if f, ok := vals["THREATBOOK_API_KEYS_FILE"]; ok && raw == "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return []error{fmt.Errorf("THREATBOOK_API_KEYS_FILE: %w", err)}
		}
		raw = strings.NewReplacer("\r\n", ",", "\n", ",").Replace(string(b))
	}
	c.ThreatBookKeys = nil
	for _, k := range strings.Split(raw, ",") {
		if k = strings.TrimSpace(k); k != "" && !strings.HasPrefix(k, "#") {
			c.ThreatBookKeys = append(c.ThreatBookKeys, Secret(k))
		}
	}
	return nil
}

func (c *Config) applyPrincipals(vals map[string]string) []error {
	var errs []error
	parse := func(k string) []string {
		var out []string
		for _, p := range strings.Split(vals[k], ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			plat, id, ok := strings.Cut(p, ":")
			if !ok || id == "" || (plat != "slack" && plat != "telegram" && plat != "console") {
				errs = append(errs, fmt.Errorf("%s: %q is not platform:id (platform slack, telegram or console)", k, p))
				continue
			}
			out = append(out, p)
		}
		return out
	}
	c.Admins = parse("TIBOT_ADMINS")
	c.Allow = parse("TIBOT_ALLOW")
	return errs
}

// applyQuotaUsers parses "platform:id=N,…".
func (c *Config) applyQuotaUsers(raw string) []error {
	var errs []error
	for _, e := range strings.Split(raw, ",") {
		if e = strings.TrimSpace(e); e == "" {
			continue
		}
		who, n, ok := strings.Cut(e, "=")
		limit, err := strconv.Atoi(strings.TrimSpace(n))
		if !ok || err != nil || limit < 0 || !strings.Contains(who, ":") {
			errs = append(errs, fmt.Errorf("TIBOT_QUOTA_USERS: %q is not platform:id=N", e))
			continue
		}
		if c.QuotaUsers == nil {
			c.QuotaUsers = map[string]int{}
		}
		c.QuotaUsers[strings.TrimSpace(who)] = limit
	}
	return errs
}

// keys returns the ThreatBook keys as plain strings for the client.
func (c Config) keys() []string {
	out := make([]string, len(c.ThreatBookKeys))
	for i, k := range c.ThreatBookKeys {
		out[i] = k.Reveal()
	}
	return out
}

// errNoKeys says how to configure API keys.
var errNoKeys = errors.New("no ThreatBook API key configured: set THREATBOOK_API_KEYS=key1,key2 " +
	"or THREATBOOK_API_KEYS_FILE=/path/to/keys (one per line); for an offline demo run `tibot console --demo` " +
	"or start `threatbook-fake` and pass --threatbook-url (未配置微步 API 密钥)")
