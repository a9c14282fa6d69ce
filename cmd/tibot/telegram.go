package main

import (
	"errors"
	"log/slog"
	"net/http"

	"tibot/bot"
	"tibot/bot/telegram"
	"tibot/commands"
)

// telegramPlatform builds the Telegram adapter from cfg; ok is false when
// TELEGRAM_BOT_TOKEN is unset. A malformed token, or webhook mode without
// its secret or without the HTTP listener, is an error naming the
// variable. The adapter is both the platform and the poster.
func telegramPlatform(cfg Config, log *slog.Logger) (bot.Platform, bot.Poster, bool, error) {
	token := cfg.TelegramToken.Reveal()
	if token == "" {
		return nil, nil, false, nil
	}
	if !telegram.ValidToken(token) {
		return nil, nil, false, errors.New("TELEGRAM_BOT_TOKEN is malformed: want the token @BotFather gave, like 123456789:AAH…")
	}
	if cfg.TelegramWebhookURL != "" {
		if cfg.TelegramWebhookSecret == "" {
			return nil, nil, false, errors.New("TIBOT_TELEGRAM_WEBHOOK_URL is set: also set TIBOT_TELEGRAM_WEBHOOK_SECRET (1-256 characters A-Z a-z 0-9 _ -)")
		}
		if cfg.HTTPAddr == "" {
			return nil, nil, false, errors.New("TIBOT_TELEGRAM_WEBHOOK_URL is set: the webhook is served on the HTTP listener, so TIBOT_HTTP_ADDR must not be empty")
		}
	}
	a, err := telegram.New(telegram.Config{
		Token:         token,
		APIURL:        cfg.TelegramAPIURL,
		FileURL:       cfg.TelegramFileURL,
		WebhookURL:    cfg.TelegramWebhookURL,
		WebhookSecret: cfg.TelegramWebhookSecret.Reveal(),
		Commands:      telegramCommands(),
	}, log)
	if err != nil {
		return nil, nil, false, err
	}
	return a, a, true, nil
}

// telegramCommands is the command table for Telegram's command menu
// (setMyCommands), with the Chinese summaries as descriptions.
func telegramCommands() []telegram.Command {
	rt, err := commands.New(commands.Config{Lookup: tableOnly{}})
	if err != nil {
		return nil
	}
	var out []telegram.Command
	for _, c := range rt.Commands() {
		out = append(out, telegram.Command{Name: c.Name, Description: c.Summary})
	}
	return out
}

// tableOnly is a commands.Looker that is never called: it lets
// telegramCommands build a router just to read its command table.
type tableOnly struct{ commands.Looker }

// webhookPlatform is a platform that receives its events over HTTP (the
// Telegram adapter in webhook mode): serve mounts WebhookHandler at
// WebhookPath on the HTTP listener; an empty path means it needs no route.
type webhookPlatform interface {
	WebhookPath() string
	WebhookHandler() http.Handler
}

var _ webhookPlatform = (*telegram.Adapter)(nil)
