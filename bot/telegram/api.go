package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// botAPI is the part of telegram-bot-api the adapter uses, with a context
// per call (the library has none). Tests replace it with a fake.
type botAPI interface {
	// MakeRequest calls a Bot API method with form parameters.
	MakeRequest(ctx context.Context, method string, p tgbotapi.Params) (*tgbotapi.APIResponse, error)
	// UploadFiles calls a Bot API method with a multipart body.
	UploadFiles(ctx context.Context, method string, p tgbotapi.Params, files []tgbotapi.RequestFile) (*tgbotapi.APIResponse, error)
}

// sdk implements botAPI with *tgbotapi.BotAPI. It builds the BotAPI value
// itself, so nothing is sent before Listen (tgbotapi's constructors call
// getMe at once and cannot be cancelled).
type sdk struct {
	bot *tgbotapi.BotAPI
}

func newSDK(token, apiURL string, hc *http.Client) *sdk {
	b := &tgbotapi.BotAPI{Token: token, Client: hc, Buffer: 100}
	b.SetAPIEndpoint(apiURL)
	return &sdk{bot: b}
}

// with returns a shallow copy of the bot whose HTTP requests carry ctx, so
// a call ends (and its connection closes) when ctx does.
func (s *sdk) with(ctx context.Context) *tgbotapi.BotAPI {
	b := *s.bot
	b.Client = ctxClient{ctx: ctx, c: s.bot.Client}
	return &b
}

// MakeRequest calls tgbotapi's MakeRequest with ctx.
func (s *sdk) MakeRequest(ctx context.Context, method string, p tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	return s.with(ctx).MakeRequest(method, p)
}

// UploadFiles calls tgbotapi's UploadFiles with ctx.
func (s *sdk) UploadFiles(ctx context.Context, method string, p tgbotapi.Params, files []tgbotapi.RequestFile) (*tgbotapi.APIResponse, error) {
	return s.with(ctx).UploadFiles(method, p, files)
}

// ctxClient attaches a context to every request.
type ctxClient struct {
	ctx context.Context
	c   tgbotapi.HTTPClient
}

// Do sends r with the client's context.
func (c ctxClient) Do(r *http.Request) (*http.Response, error) { return c.c.Do(r.WithContext(c.ctx)) }

// Retry policy of Bot API calls.
const (
	maxAttempts   = 4
	firstBackoff  = 500 * time.Millisecond
	maxBackoff    = 30 * time.Second
	maxRetryAfter = 60 * time.Second // a longer flood wait fails the call instead of blocking it
)

// apiError is a failed Bot API call. It never holds the bot token: the
// description comes from Telegram and transport errors are redacted.
type apiError struct {
	Method      string
	Code        int // Telegram's error_code; 0 for transport errors
	Description string
	RetryAfter  time.Duration
	Err         error // redacted transport error, or nil
}

// Error is "telegram <method>: <code> <description>" or the transport error.
func (e *apiError) Error() string {
	switch {
	case e.Err != nil:
		return "telegram " + e.Method + ": " + e.Err.Error()
	case e.Description == "":
		return fmt.Sprintf("telegram %s: error %d (no description)", e.Method, e.Code)
	}
	return fmt.Sprintf("telegram %s: %d %s", e.Method, e.Code, e.Description)
}

// Unwrap returns the transport error.
func (e *apiError) Unwrap() error { return e.Err }

// retryable says whether the call may succeed if repeated, and after how
// long at least.
func (e *apiError) retryable() (time.Duration, bool) {
	switch {
	case e.Code == http.StatusTooManyRequests || e.RetryAfter > 0:
		return e.RetryAfter, e.RetryAfter <= maxRetryAfter
	case e.Err != nil:
		return 0, !errors.Is(e.Err, context.Canceled) && !errors.Is(e.Err, context.DeadlineExceeded)
	}
	return 0, e.Code >= 500
}

// isNotModified reports Telegram's answer to an edit that changes nothing.
func isNotModified(err error) bool {
	var e *apiError
	return errors.As(err, &e) && e.Code == http.StatusBadRequest && strings.Contains(e.Description, "message is not modified")
}

// wrapErr converts a library error into an *apiError without the token.
func wrapErr(method, token string, err error) *apiError {
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		e := &apiError{Method: method, Code: te.Code, Description: redactString(te.Message, token),
			RetryAfter: time.Duration(te.RetryAfter) * time.Second}
		if e.Code == 0 && e.RetryAfter > 0 {
			e.Code = http.StatusTooManyRequests // UploadFiles drops error_code
		}
		return e
	}
	return &apiError{Method: method, Err: redact(err, token)}
}

// redact removes the token from err: a *url.Error keeps its type with the
// token cut from its URL; any other error mentioning the token is replaced
// by its redacted text (still matching context errors with errors.Is).
func redact(err error, token string) error {
	if err == nil || token == "" {
		return err
	}
	if ue, ok := err.(*url.Error); ok {
		c := *ue
		c.URL = redactString(ue.URL, token)
		c.Err = redact(ue.Err, token)
		return &c
	}
	if msg := err.Error(); strings.Contains(msg, token) {
		return &redactedError{msg: redactString(msg, token), orig: err}
	}
	return err
}

// redactString replaces the token, and its secret half alone, in s.
func redactString(s, token string) string {
	if token == "" {
		return s
	}
	s = strings.ReplaceAll(s, token, "<token>")
	if _, secret, ok := strings.Cut(token, ":"); ok && len(secret) >= 8 {
		s = strings.ReplaceAll(s, secret, "<token>")
	}
	return s
}

// redactedError is an error whose text mentioned the token.
type redactedError struct {
	msg  string
	orig error
}

// Error returns the redacted text.
func (e *redactedError) Error() string { return e.msg }

// Is keeps context cancellation visible without exposing the original.
func (e *redactedError) Is(target error) bool {
	return (target == context.Canceled || target == context.DeadlineExceeded) && errors.Is(e.orig, target)
}

// call sends one request with retries: a 429 waits retry_after, network
// and 5xx errors back off exponentially; the wait ends with ctx. The
// result is the raw "result" field.
func (a *Adapter) call(ctx context.Context, method string, p tgbotapi.Params) (json.RawMessage, error) {
	return a.retry(ctx, method, func(ctx context.Context) (*tgbotapi.APIResponse, error) {
		return a.api.MakeRequest(ctx, method, p)
	})
}

// upload is call for multipart requests.
func (a *Adapter) upload(ctx context.Context, method string, p tgbotapi.Params, files []tgbotapi.RequestFile) (json.RawMessage, error) {
	return a.retry(ctx, method, func(ctx context.Context) (*tgbotapi.APIResponse, error) {
		return a.api.UploadFiles(ctx, method, p, files)
	})
}

func (a *Adapter) retry(ctx context.Context, method string, do func(context.Context) (*tgbotapi.APIResponse, error)) (json.RawMessage, error) {
	backoff := firstBackoff
	for attempt := 1; ; attempt++ {
		resp, err := do(ctx)
		if err == nil {
			return resp.Result, nil
		}
		e := wrapErr(method, a.cfg.Token, err)
		wait, ok := e.retryable()
		if !ok || attempt == maxAttempts || ctx.Err() != nil {
			return nil, e
		}
		if wait == 0 {
			wait, backoff = backoff, min(2*backoff, maxBackoff)
		}
		a.log.Warn("telegram call failed, retrying", "method", method, "attempt", attempt, "wait", wait, "err", e)
		if err := a.sleep(ctx, wait); err != nil {
			return nil, e
		}
	}
}

// sleepCtx waits d or until ctx ends.
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
