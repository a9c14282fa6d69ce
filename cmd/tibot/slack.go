package main

import (
	"errors"
	"log/slog"
	"net/http"

	"tibot/bot"
	"tibot/bot/slack"
)

// slackPlatform builds the Slack adapter from cfg; ok is false when no
// SLACK_* variable is set. Socket Mode when SLACK_APP_TOKEN is set, HTTP
// mode when only SLACK_SIGNING_SECRET is (its handler is mounted on the
// TIBOT_HTTP_ADDR listener, see slackWebhook). A partial or malformed
// configuration is an error naming the variable at fault.
func slackPlatform(cfg Config, log *slog.Logger) (bot.Platform, bot.Poster, bool, error) {
	if cfg.SlackBotToken == "" && cfg.SlackAppToken == "" && cfg.SlackSigningSecret == "" {
		return nil, nil, false, nil
	}
	a, err := slack.New(slack.Config{
		BotToken:      cfg.SlackBotToken.Reveal(),
		AppToken:      cfg.SlackAppToken.Reveal(),
		SigningSecret: cfg.SlackSigningSecret.Reveal(),
		APIURL:        cfg.SlackAPIURL,
	}, log)
	if err != nil {
		return nil, nil, false, err
	}
	if a.Mode() == slack.ModeHTTP && cfg.HTTPAddr == "" {
		return nil, nil, false, errors.New("SLACK_SIGNING_SECRET selects HTTP mode, which receives Slack's requests " +
			"on TIBOT_HTTP_ADDR: set TIBOT_HTTP_ADDR, or set SLACK_APP_TOKEN for Socket Mode")
	}
	return slackWebhook{a}, a, true, nil
}

// slackWebhook is the Slack adapter as serve sees it: in HTTP mode it
// mounts the adapter's handler for every path under /slack/ (events,
// slash commands, interactivity) on the TIBOT_HTTP_ADDR listener.
type slackWebhook struct{ *slack.Adapter }

var _ webhookPlatform = slackWebhook{}

// WebhookPath is "/slack/" in HTTP mode, "" (no route) in Socket Mode.
func (s slackWebhook) WebhookPath() string {
	if s.Mode() != slack.ModeHTTP {
		return ""
	}
	return s.HTTPPath() + "/"
}

// WebhookHandler verifies Slack's signature and serves the request.
func (s slackWebhook) WebhookHandler() http.Handler { return s.HTTPHandler() }
