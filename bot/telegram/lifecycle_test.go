package telegram

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"tibot/bot"
	"tibot/bot/telegram/tgfake"
)

// adapterGoroutines reports whether any goroutine runs a method of this
// package (the poll loop, dispatcher handlers, callback answers).
func adapterGoroutines() bool {
	buf := make([]byte, 1<<20)
	return strings.Contains(string(buf[:runtime.Stack(buf, true)]), "tibot/bot/telegram.(*")
}

// TestListenLeavesNoGoroutines: once Listen returns, neither the poll loop
// nor any handler or callback goroutine is left running, even a button
// handler that only ends when its context is cancelled after DrainTimeout.
func TestListenLeavesNoGoroutines(t *testing.T) {
	f := tgfake.New(t)
	cfg := fastConfig(f)
	cfg.DrainTimeout = 50 * time.Millisecond
	a, _, _ := newTestAdapter(t, cfg)
	a.answerAfter = 10 * time.Millisecond
	stop := listen(t, a, &recorder{react: func(ctx context.Context, m *bot.Message, r bot.Replier) error {
		if m.Action != nil {
			<-ctx.Done()
			return ctx.Err()
		}
		_, err := r.Reply(ctx, verdictCard("1.2.3.4"))
		return err
	}})
	f.SendCommand("ip", "1.2.3.4")
	waitFor(t, f, "the card", func() bool { return len(f.BotMessages(tgfake.DefaultChat.ID)) == 1 })
	m := f.BotMessages(tgfake.DefaultChat.ID)[0]
	cb := f.SendCallback(m.ID, m.Keyboard[0][1].CallbackData)
	waitFor(t, f, "callback answered", func() bool { c, _ := f.Callback(cb); return c.Answered })
	if !adapterGoroutines() {
		t.Fatal("no adapter goroutine seen while listening: the check below would prove nothing")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "adapter goroutines to end", func() bool { return !adapterGoroutines() })
}

// TestSetMyCommandsFailureNotFatal: a refused command menu is logged and
// the bot serves anyway.
func TestSetMyCommandsFailureNotFatal(t *testing.T) {
	f := tgfake.New(t)
	f.Fail("setMyCommands", tgfake.Fault{Code: 400, Description: "Bad Request: BOT_COMMAND_INVALID"})
	a, logs, _ := newTestAdapter(t, fastConfig(f))
	listen(t, a, &recorder{react: func(ctx context.Context, m *bot.Message, r bot.Replier) error {
		_, err := r.Reply(ctx, verdictCard(m.Text))
		return err
	}})
	f.SendCommand("ip", "1.2.3.4")
	waitFor(t, f, "the card", func() bool { return len(f.BotMessages(tgfake.DefaultChat.ID)) == 1 })
	if !strings.Contains(logs.String(), "setMyCommands failed") {
		t.Errorf("setMyCommands failure not logged:\n%s", logs)
	}
}
