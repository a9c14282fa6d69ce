package main

import (
	"log/slog"

	"tibot/bot"
)

// slackPlatform builds the Slack adapter from cfg; ok is false when Slack
// is not configured. Placeholder until the Slack adapter is wired: it
// reports Slack as not configured.
func slackPlatform(cfg Config, log *slog.Logger) (bot.Platform, bot.Poster, bool, error) {
	return nil, nil, false, nil
}
