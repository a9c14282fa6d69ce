package slack

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"
)

// slackAPI is the part of slack-go's client the adapter uses, so unit tests
// can fake it. *client implements it for real.
type slackAPI interface {
	AuthTestContext(ctx context.Context) (*slackapi.AuthTestResponse, error)
	PostMessageContext(ctx context.Context, channelID string, options ...slackapi.MsgOption) (string, string, error)
	UpdateMessageContext(ctx context.Context, channelID, timestamp string, options ...slackapi.MsgOption) (string, string, string, error)
	PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slackapi.MsgOption) (string, error)
	UploadFileContext(ctx context.Context, params slackapi.UploadFileParameters) (*slackapi.FileSummary, error)
	GetFileInfoContext(ctx context.Context, fileID string, count, page int) (*slackapi.File, []slackapi.Comment, *slackapi.Paging, error)
	GetFileContext(ctx context.Context, downloadURL string, w io.Writer) error
	// PostResponseContext posts to a slash command's or button's
	// response_url (Slack allows five posts within 30 minutes).
	PostResponseContext(ctx context.Context, responseURL string, msg *slackapi.WebhookMessage) error
}

// client is the real slackAPI: slack-go's Web API client plus an HTTP
// client for response URLs.
type client struct {
	*slackapi.Client
	http *http.Client
}

// PostResponseContext posts msg to a response_url.
func (c client) PostResponseContext(ctx context.Context, responseURL string, msg *slackapi.WebhookMessage) error {
	return slackapi.PostWebhookCustomHTTPContext(ctx, responseURL, c.http, msg)
}

// Defaults for Config.
const (
	DefaultAPIURL       = slackapi.APIURL // https://slack.com/api/
	DefaultHTTPPath     = "/slack"
	DefaultMaxFileBytes = 20 << 20
	DefaultMaxRetries   = 3
	// httpTimeout bounds every Web API call and file transfer.
	httpTimeout = 2 * time.Minute
)

// Slack error codes the adapter reacts to.
const (
	errNotInChannel    = "not_in_channel"
	errChannelNotFound = "channel_not_found"
)

// inviteHint tells the user how to fix a not_in_channel error.
const inviteHint = "请先邀请机器人加入频道: /invite @tibot"

// isNotMember reports whether err says the bot cannot post in the channel.
func isNotMember(err error) bool {
	var se slackapi.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err == errNotInChannel || se.Err == errChannelNotFound
	}
	return err != nil && (strings.Contains(err.Error(), errNotInChannel) || strings.Contains(err.Error(), errChannelNotFound))
}

// retry runs fn, and again after Slack's Retry-After when it is rate
// limited (HTTP 429), up to max retries; the wait ends early with ctx.
func retry(ctx context.Context, log *slog.Logger, op string, max int, fn func(context.Context) error) error {
	for attempt := 0; ; attempt++ {
		err := fn(ctx)
		var rl *slackapi.RateLimitedError
		if err == nil || !errors.As(err, &rl) || attempt >= max {
			return err
		}
		wait := max0(rl.RetryAfter, 10*time.Millisecond)
		log.WarnContext(ctx, "slack rate limited", "op", op, "retry_after", wait, "attempt", attempt+1)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		case <-t.C:
		}
	}
}

func max0(d, floor time.Duration) time.Duration {
	if d < floor {
		return floor
	}
	return d
}

// slogWriter adapts slog to slack-go's logger interface, at Debug level.
type slogWriter struct{ log *slog.Logger }

// Output implements slack-go's logger.
func (w slogWriter) Output(_ int, s string) error {
	w.log.Debug(strings.TrimSpace(s))
	return nil
}
