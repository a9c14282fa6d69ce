package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"tibot/bot"
)

// Pauses of the poll loop.
const (
	// idleMin and idleMax bound the pause after a getUpdates that returned
	// nothing new at once (a server that ignores timeout, or updates still
	// being handled), so the loop never spins.
	idleMin = 100 * time.Millisecond
	idleMax = 2 * time.Second
	// errMin and errMax bound the back-off after a failed getUpdates.
	errMin = 500 * time.Millisecond
	errMax = 30 * time.Second
	// commitTimeout bounds the final getUpdates that acknowledges the
	// updates handled before shutdown.
	commitTimeout = 5 * time.Second
)

// allowedUpdates are the update kinds the bot asks for.
const allowedUpdates = `["message","callback_query"]`

// poll is the long-poll loop. An update is acknowledged (the offset passed
// to getUpdates moves past it) only once it and every earlier one were
// handled or dropped, so a restart neither loses nor repeats updates.
// While some are still being handled Telegram re-sends them; those are
// skipped.
func (a *Adapter) poll(ctx context.Context, h bot.Handler) error {
	if _, err := a.call(ctx, "deleteWebhook", nil); err != nil && ctx.Err() == nil {
		a.log.Warn("telegram deleteWebhook failed; getUpdates may conflict with a webhook", "err", err)
	}
	d := newDispatcher(ctx, a, h)
	idle, fail := backoff{min: idleMin, max: idleMax}, backoff{min: errMin, max: errMax}
	var err error
	for ctx.Err() == nil {
		start := time.Now()
		ups, perr := a.getUpdates(ctx, d.offset(), a.cfg.PollTimeout, 100)
		if perr != nil {
			if ctx.Err() != nil {
				break
			}
			if fatalPollError(perr) {
				err = perr
				break
			}
			a.log.Warn("telegram getUpdates failed", "err", perr)
			d.wait(ctx, fail.next())
			continue
		}
		fail.reset()
		if d.takeAll(ups) > 0 {
			idle.reset()
			continue
		}
		if time.Since(start) < a.cfg.PollTimeout/2 || d.busy() {
			d.wait(ctx, idle.next())
		}
	}
	d.drain(a.cfg.DrainTimeout)
	a.commit(d)
	return err
}

// fatalPollError reports errors a retry cannot fix (a revoked token).
func fatalPollError(err error) bool {
	var e *apiError
	return errors.As(err, &e) && (e.Code == http.StatusUnauthorized || e.Code == http.StatusNotFound)
}

// getUpdates fetches updates from offset, waiting up to timeout for some.
// It is not retried here: the loop decides.
func (a *Adapter) getUpdates(ctx context.Context, offset int, timeout time.Duration, limit int) ([]tgbotapi.Update, error) {
	p := tgbotapi.Params{"timeout": strconv.Itoa(int(timeout / time.Second)), "limit": strconv.Itoa(limit),
		"allowed_updates": allowedUpdates}
	p.AddNonZero("offset", offset)
	resp, err := a.api.MakeRequest(ctx, "getUpdates", p)
	if err != nil {
		return nil, wrapErr("getUpdates", a.cfg.Token, err)
	}
	var ups []tgbotapi.Update
	if err := json.Unmarshal(resp.Result, &ups); err != nil {
		return nil, &apiError{Method: "getUpdates", Err: err}
	}
	return ups, nil
}

// commit acknowledges every update handled, with a getUpdates whose offset
// is past them (Telegram confirms updates below the offset).
func (a *Adapter) commit(d *dispatcher) {
	off := d.offset()
	if off == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	if _, err := a.getUpdates(ctx, off, 0, 1); err != nil {
		a.log.Warn("telegram: could not acknowledge handled updates; they may be handled again after restart",
			"offset", off, "err", err)
	}
}

// backoff doubles a pause from min to max.
type backoff struct {
	min, max, cur time.Duration
}

// next returns the next pause.
func (b *backoff) next() time.Duration {
	if b.cur == 0 {
		b.cur = b.min
	} else {
		b.cur = min(2*b.cur, b.max)
	}
	return b.cur
}

// reset starts over from min.
func (b *backoff) reset() { b.cur = 0 }
