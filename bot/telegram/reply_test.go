package telegram

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"tibot/bot"
	"tibot/bot/telegram/tgfake"
	"tibot/card"
	"tibot/intel"
)

// startWith runs an adapter on the fake with handler react.
func startWith(t *testing.T, f *tgfake.Server, react func(context.Context, *bot.Message, bot.Replier) error) (*Adapter, *recorder, *[]time.Duration) {
	t.Helper()
	a, _, waits := newTestAdapter(t, fastConfig(f))
	a.answerAfter = time.Hour
	h := &recorder{react: react}
	listen(t, a, h)
	return a, h, waits
}

func TestProgressEditsThenCard(t *testing.T) {
	f := tgfake.New(t)
	startWith(t, f, func(ctx context.Context, m *bot.Message, r bot.Replier) error {
		ref, err := r.Reply(ctx, card.Progress(0, 300))
		if err != nil {
			return err
		}
		ed := r.(bot.Editor)
		for _, c := range []card.Card{card.Progress(100, 300), card.Progress(100, 300), card.Progress(300, 300), verdictCard("203.0.113.5")} {
			if err := ed.Edit(ctx, ref, c); err != nil {
				return err // the repeated progress is "not modified": must not fail
			}
		}
		return nil
	})
	f.SendUserMessage("paste")
	waitFor(t, f, "final card", func() bool {
		ms := f.BotMessages(tgfake.DefaultChat.ID)
		return len(ms) == 1 && len(ms[0].Edits) == 3 && len(ms[0].Keyboard) == 1
	})
	m := f.BotMessages(tgfake.DefaultChat.ID)[0]
	if !strings.Contains(m.Edits[0], "0/300") || !strings.Contains(m.Plain, "203.0.113.5") {
		t.Errorf("history %q, now %q", m.Edits, m.Plain)
	}
	if f.Calls("editMessageText") != 4 {
		t.Errorf("editMessageText called %d times, want 4", f.Calls("editMessageText"))
	}
}

func TestReplyUploadsAttachmentAndSplits(t *testing.T) {
	f := tgfake.New(t)
	big := card.Card{Title: "长", Text: strings.Repeat("一行日志 203.0.113.7\n", 700),
		Actions:    []card.Action{{ID: card.ActionBlockAll, Label: "申请封禁全部恶意 IP", Value: strings.Repeat("203.0.113.7,", 100)}},
		Attachment: &card.Attachment{Name: "tibot.csv", MIME: "text/csv", Data: []byte("ip,level\n203.0.113.7,恶意\n")}}
	_, _, _ = startWith(t, f, func(ctx context.Context, m *bot.Message, r bot.Replier) error {
		if _, err := r.Reply(ctx, big); err != nil {
			return err
		}
		return r.(bot.Uploader).Upload(ctx, card.Attachment{Name: "x.csv", Data: []byte("a\n")}, "说明 <b>")
	})
	f.SendUserMessage("go")
	waitFor(t, f, "messages and documents", func() bool {
		n := 0
		for _, m := range f.BotMessages(tgfake.DefaultChat.ID) {
			if m.Document != nil {
				n++
			}
		}
		return n == 2
	})
	ms := f.BotMessages(tgfake.DefaultChat.ID)
	var texts, docs []tgfake.Message
	for _, m := range ms {
		if m.Document != nil {
			docs = append(docs, m)
		} else {
			texts = append(texts, m)
		}
	}
	if len(texts) < 3 {
		t.Fatalf("%d text messages, want the card split", len(texts))
	}
	for i, m := range texts {
		if hasKB := len(m.Keyboard) > 0; hasKB != (i == len(texts)-1) {
			t.Errorf("message %d keyboard=%v, want only on the last", i, hasKB)
		}
		if cb := m.Keyboard; len(cb) > 0 && len(cb[0][0].CallbackData) > MaxCallbackData {
			t.Errorf("callback_data too long: %q", cb[0][0].CallbackData)
		}
	}
	if string(docs[0].Document.Data) != string(big.Attachment.Data) || docs[0].Document.Name != "tibot.csv" {
		t.Errorf("document %+v", docs[0].Document)
	}
	if docs[1].Document.Caption != "说明 <b>" {
		t.Errorf("caption %q", docs[1].Document.Caption)
	}
}

func TestRetryAfter429(t *testing.T) {
	f := tgfake.New(t)
	f.RateLimit("sendMessage", 3)
	f.RateLimit("sendDocument", 2)
	_, _, waits := startWith(t, f, func(ctx context.Context, m *bot.Message, r bot.Replier) error {
		_, err := r.Reply(ctx, card.Card{Text: "ok", Attachment: &card.Attachment{Name: "a.csv", Data: []byte("x\n")}})
		return err
	})
	f.SendUserMessage("go")
	waitFor(t, f, "reply after 429s", func() bool { return len(f.BotMessages(tgfake.DefaultChat.ID)) == 2 })
	if f.Calls("sendMessage") != 2 || f.Calls("sendDocument") != 2 {
		t.Errorf("calls: sendMessage %d, sendDocument %d", f.Calls("sendMessage"), f.Calls("sendDocument"))
	}
	got := *waits
	if len(got) != 2 || got[0] != 3*time.Second || got[1] != 2*time.Second {
		t.Errorf("waits = %v, want [3s 2s] (retry_after)", got)
	}
}

func TestRetryGivesUp(t *testing.T) {
	f := tgfake.New(t)
	a, _, waits := newTestAdapter(t, fastConfig(f))
	f.Client(tgfake.DefaultUser, tgfake.DefaultChat).SendUserMessage("x") // creates the chat
	f.RateLimit("sendMessage", 3600)
	_, err := a.Post(context.Background(), bot.Target{Chat: "1001"}, card.Plain("hi"))
	var e *apiError
	if !errors.As(err, &e) || e.Code != 429 || len(*waits) != 0 {
		t.Errorf("Post = %v (waits %v), want an immediate 429 for a long flood wait", err, *waits)
	}
	f.Fail("sendMessage", tgfake.Fault{Code: 400, Description: "Bad Request: chat not found"})
	if _, err := a.Post(context.Background(), bot.Target{Chat: "1001"}, card.Plain("hi")); err == nil || f.Calls("sendMessage") != 2 {
		t.Errorf("400 retried or ignored: %v, %d calls", err, f.Calls("sendMessage"))
	}
	for range maxAttempts {
		f.Fail("sendMessage", tgfake.Fault{Code: 502, Description: "Bad Gateway"})
	}
	if _, err := a.Post(context.Background(), bot.Target{Chat: "1001"}, card.Plain("hi")); err == nil {
		t.Error("persistent 502 did not fail")
	}
	if n := f.Calls("sendMessage"); n != 2+maxAttempts {
		t.Errorf("%d sendMessage calls, want %d", n, 2+maxAttempts)
	}
}

func TestCallbackRoutedAndAnswered(t *testing.T) {
	f := tgfake.New(t)
	fail := errors.New("boom")
	a, h, _ := startWith(t, f, func(ctx context.Context, m *bot.Message, r bot.Replier) error {
		switch {
		case m.Action == nil:
			_, err := r.Reply(ctx, verdictCard("203.0.113.5"))
			return err
		case m.Action.Value == "fail":
			return &intel.Error{Code: intel.EQuota, Message: "额度不足", Err: fail}
		}
		return r.(bot.Editor).Edit(ctx, m.Action.Ref, card.Plain("深度分析中"))
	})
	f.SendCommand("ip", "203.0.113.5")
	waitFor(t, f, "card", func() bool { return len(f.BotMessages(1001)) == 1 })
	card0 := f.BotMessages(1001)[0]
	cb := f.SendCallback(card0.ID, card0.Keyboard[0][1].CallbackData)
	waitFor(t, f, "answer", func() bool { c, _ := f.Callback(cb); return c.Answered })
	msgs := h.messages()
	act := msgs[len(msgs)-1].Action
	if act == nil || act.ID != card.ActionDeep || act.Value != "203.0.113.5" || act.Ref.ID != "2" || act.Ref.Chat != "1001" {
		t.Fatalf("action %+v", act)
	}
	waitFor(t, f, "edit", func() bool { return f.BotMessages(1001)[0].Plain == "深度分析中" })

	expired := f.SendCallback(card0.ID, "a:zzzz")
	waitFor(t, f, "expired answer", func() bool { c, _ := f.Callback(expired); return c.Answered })
	if c, _ := f.Callback(expired); c.Text != expiredButton {
		t.Errorf("expired button answered %q", c.Text)
	}
	failID := a.actions.put(card.Action{ID: card.ActionBlock, Value: "fail"})
	failed := f.SendCallback(card0.ID, failID)
	waitFor(t, f, "failure answer", func() bool { c, _ := f.Callback(failed); return c.Answered })
	if c, _ := f.Callback(failed); c.Text != "处理失败: 额度不足" || c.Answers != 1 {
		t.Errorf("failed handler answered %q (%d answers)", c.Text, c.Answers)
	}
	if n := len(h.messages()); n != 3 {
		t.Errorf("handler called %d times, want 3 (expired button not routed)", n)
	}
}

func TestSlowCallbackAnsweredEarly(t *testing.T) {
	f := tgfake.New(t)
	release := make(chan struct{})
	a, _, _ := newTestAdapter(t, fastConfig(f))
	a.answerAfter = 20 * time.Millisecond
	listen(t, a, &recorder{react: func(ctx context.Context, m *bot.Message, r bot.Replier) error {
		if m.Action != nil {
			select { // ctx too: a failing test must not hang in Listen's drain
			case <-release:
			case <-ctx.Done():
			}
			return nil
		}
		_, err := r.Reply(ctx, verdictCard("203.0.113.5"))
		return err
	}})
	f.SendCommand("ip", "203.0.113.5")
	waitFor(t, f, "card", func() bool { return len(f.BotMessages(1001)) == 1 })
	m := f.BotMessages(1001)[0]
	cb := f.SendCallback(m.ID, m.Keyboard[0][1].CallbackData)
	waitFor(t, f, "interim answer", func() bool { c, _ := f.Callback(cb); return c.Answered })
	close(release)
	if c, _ := f.Callback(cb); c.Text != workingOnIt {
		t.Errorf("interim answer %q", c.Text)
	}
}

func TestPanickingButtonHandlerStillAnswers(t *testing.T) {
	f := tgfake.New(t)
	startWith(t, f, func(ctx context.Context, m *bot.Message, r bot.Replier) error {
		if m.Action != nil {
			panic("boom")
		}
		_, err := r.Reply(ctx, verdictCard("203.0.113.5"))
		return err
	})
	f.SendCommand("ip", "203.0.113.5")
	waitFor(t, f, "card", func() bool { return len(f.BotMessages(1001)) == 1 })
	m := f.BotMessages(1001)[0]
	cb := f.SendCallback(m.ID, m.Keyboard[0][1].CallbackData)
	waitFor(t, f, "answer", func() bool { c, _ := f.Callback(cb); return c.Answered })
	if c, _ := f.Callback(cb); c.Text != failedAnswer {
		t.Errorf("answer %q", c.Text)
	}
	f.SendCommand("ip", "203.0.113.6")
	waitFor(t, f, "the bot still serving", func() bool { return len(f.BotMessages(1001)) == 2 })
}
