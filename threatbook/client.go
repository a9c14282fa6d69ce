package threatbook

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"tibot/intel"
)

// Defaults for Options.
const (
	DefaultBaseURL     = "https://api.threatbook.cn"
	DefaultDailyLimit  = 50
	DefaultMaxRetries  = 3
	DefaultRateBackoff = 60 * time.Second
	DefaultCallTimeout = 20 * time.Second

	// BatchSize is the largest number of IPs sent in one ip_reputation call.
	BatchSize = 100

	backoffBase = 200 * time.Millisecond
	backoffCap  = 5 * time.Second
	maxBody     = 8 << 20
)

// Options configure a Client. Only Keys is required.
type Options struct {
	BaseURL    string       // default DefaultBaseURL
	Keys       []string     // API keys (secrets); blanks and duplicates are dropped
	HTTPClient *http.Client // default: one shared client with sane timeouts
	// Ledger persists per-key usage across restarts; nil keeps it in memory.
	Ledger intel.KeyLedger
	// DailyLimit is the reputation units per key per day (default 50). A key
	// that used this many today is not called again until the reset.
	DailyLimit int
	Now        func() time.Time // default time.Now
	Logger     *slog.Logger     // default: discard
	// MaxRetries bounds retries of transport errors, HTTP 5xx and
	// response_code -5 (default 3; negative disables retries). Backoff is
	// 200ms, 400ms, 800ms … capped at 5s.
	MaxRetries int
	// Sleep waits between retries (default: a timer that stops early when
	// ctx ends). Tests inject it.
	Sleep func(ctx context.Context, d time.Duration) error
	// RateBackoff is how long a key rests after Frequent Limitation
	// (default 60s).
	RateBackoff time.Duration
	// CallTimeout is the deadline of each HTTP attempt (default 20s).
	CallTimeout time.Duration
}

// Client is a ThreatBook v3 client with a key pool. It implements
// intel.Source (ip_reputation) and intel.DeepSource (ip/query) and is safe
// for concurrent use.
type Client struct {
	base        string
	hc          *http.Client
	pool        *pool
	ledger      intel.KeyLedger
	log         *slog.Logger
	now         func() time.Time
	sleep       func(context.Context, time.Duration) error
	maxRetries  int
	callTimeout time.Duration
	redact      redactor

	loadMu sync.Mutex // serialises the lazy ledger load
	loaded bool
	saveMu sync.Mutex // orders ledger saves so the newest state wins
}

var (
	_ intel.Source     = (*Client)(nil)
	_ intel.DeepSource = (*Client)(nil)
)

// New returns a Client. It fails with an EConfig error when no key is
// configured or BaseURL is not an http(s) URL.
func New(opts Options) (*Client, error) {
	keys := cleanKeys(opts.Keys)
	if len(keys) == 0 {
		return nil, intel.Errorf(intel.EConfig, "未配置微步 API 密钥, 请联系管理员",
			"no ThreatBook API key configured: set THREATBOOK_API_KEYS (comma-separated) or THREATBOOK_API_KEYS_FILE")
	}
	base, err := cleanBaseURL(opts.BaseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:        base,
		hc:          opts.HTTPClient,
		pool:        newPool(keys, positive(opts.DailyLimit, DefaultDailyLimit), positive(opts.RateBackoff, DefaultRateBackoff)),
		ledger:      opts.Ledger,
		log:         opts.Logger,
		now:         opts.Now,
		sleep:       opts.Sleep,
		maxRetries:  retries(opts.MaxRetries),
		callTimeout: positive(opts.CallTimeout, DefaultCallTimeout),
		redact:      newRedactor(keys),
	}
	c.fillDefaults()
	return c, nil
}

func (c *Client) fillDefaults() {
	if c.hc == nil {
		c.hc = sharedHTTPClient()
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.log = c.log.With("component", "threatbook")
	if c.now == nil {
		c.now = time.Now
	}
	if c.sleep == nil {
		c.sleep = sleepCtx
	}
}

func cleanKeys(in []string) []string {
	var out []string
	for _, k := range in {
		if k = strings.TrimSpace(k); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func cleanBaseURL(raw string) (string, error) {
	if raw == "" {
		return DefaultBaseURL, nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", intel.Errorf(intel.EConfig, "微步 API 地址配置有误, 请联系管理员",
			"invalid ThreatBook base URL %q: want http(s)://host[:port]", RedactURL(raw))
	}
	return strings.TrimRight(raw, "/"), nil
}

func positive[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

func retries(n int) int {
	switch {
	case n < 0:
		return 0
	case n == 0:
		return DefaultMaxRetries
	default:
		return n
	}
}

// sharedHTTPClient is the default client: 30s total, 5s dial, 5s TLS
// handshake, 15s to response headers.
var sharedHTTPClient = sync.OnceValue(func() *http.Client {
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 15 * time.Second,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
})

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// PoolStatus reports each key's use today, the pool's remaining units and
// the next reset.
func (c *Client) PoolStatus() PoolStatus { return c.pool.status(c.now()) }
