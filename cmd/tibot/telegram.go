package main

import (
	"log/slog"

	"tibot/bot"
)

// telegramPlatform builds the Telegram adapter from cfg; ok is false when
// Telegram is not configured. Placeholder until the Telegram adapter is
// wired: it reports Telegram as not configured.
func telegramPlatform(cfg Config, log *slog.Logger) (bot.Platform, bot.Poster, bool, error) {
	return nil, nil, false, nil
}
