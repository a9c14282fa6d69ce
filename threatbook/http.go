package threatbook

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"tibot/intel"
)

// paths of the v3 endpoints.
var paths = map[string]string{
	epReputation: "/v3/scene/ip_reputation",
	epQuery:      "/v3/ip/query",
}

// fetch calls ep with key k and decodes the answer. It retries transport
// errors, HTTP 5xx and response_code -5 with capped exponential backoff;
// every attempt has its own deadline. Errors are *intel.Error values that
// print no key.
func fetch[T any](ctx context.Context, c *Client, ep string, k *keySlot, resource string) (*envelope[T], error) {
	for attempt := 0; ; attempt++ {
		start := c.now()
		env, retry, err := attemptOnce[T](ctx, c, ep, k, resource)
		if err == nil {
			c.log.Debug("threatbook call", "endpoint", ep, "key", k.id,
				"code", env.code, "dur", c.now().Sub(start))
			return env, nil
		}
		if ctx.Err() != nil {
			return nil, canceled(ctx, ep)
		}
		if !retry || attempt >= c.maxRetries {
			c.log.Warn("threatbook call failed", "endpoint", ep, "key", k.id, "attempts", attempt+1, "err", err)
			return nil, err
		}
		d := backoff(attempt)
		c.log.Info("threatbook call failed, retrying", "endpoint", ep, "key", k.id,
			"attempt", attempt+1, "backoff", d, "err", err)
		if c.sleep(ctx, d) != nil {
			return nil, canceled(ctx, ep)
		}
	}
}

// attemptOnce performs one HTTP exchange and reports whether a failure may
// be retried.
func attemptOnce[T any](ctx context.Context, c *Client, ep string, k *keySlot, resource string) (*envelope[T], bool, error) {
	actx, cancel := context.WithTimeout(ctx, c.callTimeout)
	defer cancel()
	body, retry, err := c.get(actx, ep, k, resource)
	if err != nil {
		return nil, retry, err
	}
	env, err := decodeEnvelope[T](body)
	if err != nil {
		return nil, false, upstreamError("threatbook "+ep+": undecodable answer", c.redact.err(err))
	}
	env.Msg = c.redact.text(env.Msg)
	if env.code == codeSystem {
		return nil, true, systemError(env.Msg)
	}
	return env, false, nil
}

// get sends the request and reads the body.
func (c *Client) get(ctx context.Context, ep string, k *keySlot, resource string) ([]byte, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.endpointURL(ep, k.secret, resource), nil)
	if err != nil {
		return nil, false, upstreamError("threatbook "+ep+": bad request", c.redact.err(err))
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "tibot")
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, true, upstreamError("threatbook "+ep+": transport", c.redact.err(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	switch {
	case resp.StatusCode >= 500:
		return nil, true, upstreamError(fmt.Sprintf("threatbook %s: HTTP %d", ep, resp.StatusCode), nil)
	case resp.StatusCode != http.StatusOK:
		return nil, false, upstreamError(fmt.Sprintf("threatbook %s: HTTP %d", ep, resp.StatusCode), nil)
	case err != nil:
		return nil, true, upstreamError("threatbook "+ep+": reading answer", c.redact.err(err))
	case len(body) > maxBody:
		return nil, false, upstreamError(fmt.Sprintf("threatbook %s: answer larger than %d bytes", ep, maxBody), nil)
	}
	return body, false, nil
}

// endpointURL builds the GET URL. Commas between IPs stay literal, as other
// clients send them.
func (c *Client) endpointURL(ep, key, resource string) string {
	res := strings.ReplaceAll(url.QueryEscape(resource), "%2C", ",")
	return c.base + paths[ep] + "?apikey=" + url.QueryEscape(key) + "&resource=" + res + "&lang=en"
}

// backoff is 200ms × 2^attempt, capped at 5s.
func backoff(attempt int) time.Duration {
	d := backoffBase << min(attempt, 10)
	return min(d, backoffCap)
}

// canceled is the error for a call whose context ended.
func canceled(ctx context.Context, ep string) *intel.Error {
	return &intel.Error{
		Code:    intel.EUpstream,
		Message: "查询已取消或超时",
		Detail:  "threatbook " + ep + ": context ended",
		Err:     ctx.Err(),
	}
}
