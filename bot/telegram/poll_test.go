package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"tibot/bot"
	"tibot/bot/telegram/tgfake"
)

// TestPollRestartLosesNothingRepeatsNothing: while update 3 is still being
// handled, 4 and 5 are handled once each and the offset stays at 3; a
// graceful stop lets 3 finish and acknowledges everything, so a second
// adapter sees only new updates.
func TestPollRestartLosesNothingRepeatsNothing(t *testing.T) {
	f := tgfake.New(t)
	a, _, _ := newTestAdapter(t, fastConfig(f))
	release := make(chan struct{})
	h := &recorder{react: func(ctx context.Context, m *bot.Message, r bot.Replier) error {
		if m.Text == "msg 3" {
			select { // ctx too: a failing test must not hang in Listen's drain
			case <-release:
			case <-ctx.Done():
			}
		}
		_, err := r.Reply(ctx, verdictCard("1.2.3.4"))
		return err
	}}
	stop := listen(t, a, h)
	for _, s := range []string{"msg 1", "msg 2", "msg 3", "msg 4", "msg 5"} {
		f.SendUserMessage(s)
	}
	waitFor(t, f, "four replies", func() bool { return len(f.BotMessages(tgfake.DefaultChat.ID)) == 4 })
	waitFor(t, f, "updates 1-2 confirmed", func() bool { return f.Pending() == 3 })
	if f.Calls("getUpdates") < 2 {
		t.Fatalf("getUpdates called %d times", f.Calls("getUpdates"))
	}
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	close(release)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if n := f.Pending(); n != 0 {
		t.Fatalf("%d updates left unconfirmed after a graceful stop", n)
	}
	b, _, _ := newTestAdapter(t, fastConfig(f))
	h2 := &recorder{}
	listen(t, b, h2)
	f.SendUserMessage("msg 6")
	waitUntil(t, "msg 6", func() bool { return len(h2.messages()) == 1 })
	count := map[string]int{}
	for _, m := range append(h.messages(), h2.messages()...) {
		count[m.Text]++
	}
	for _, s := range []string{"msg 1", "msg 2", "msg 3", "msg 4", "msg 5", "msg 6"} {
		if count[s] != 1 {
			t.Errorf("%s handled %d times, want once (all: %v)", s, count[s], count)
		}
	}
	if h2.messages()[0].Text != "msg 6" {
		t.Errorf("second adapter saw %q first", h2.messages()[0].Text)
	}
}

// TestPollHoldsUntilUpdate: getUpdates long-polls; a message sent later is
// delivered without a new request.
func TestPollHoldsUntilUpdate(t *testing.T) {
	f := tgfake.New(t)
	cfg := fastConfig(f)
	cfg.PollTimeout = 30 * time.Second
	a, _, _ := newTestAdapter(t, cfg)
	h := &recorder{}
	listen(t, a, h)
	waitFor(t, f, "first poll", func() bool { return f.Calls("getUpdates") == 1 })
	f.SendUserMessage("hello 203.0.113.9")
	waitUntil(t, "delivery", func() bool { return len(h.messages()) == 1 })
	if n := f.Calls("getUpdates"); n > 3 { // the held poll, a re-poll while handling, the next held poll
		t.Errorf("getUpdates called %d times for one message", n)
	}
}

// scriptAPI is a hand-written botAPI whose MakeRequest is a function.
type scriptAPI struct {
	mu    sync.Mutex
	calls map[string]int
	do    func(method string, p tgbotapi.Params) (*tgbotapi.APIResponse, error)
}

func (s *scriptAPI) MakeRequest(ctx context.Context, method string, p tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	s.mu.Lock()
	if s.calls == nil {
		s.calls = map[string]int{}
	}
	s.calls[method]++
	s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, &url.Error{Op: "Post", URL: "x", Err: err}
	}
	return s.do(method, p)
}

func (s *scriptAPI) UploadFiles(ctx context.Context, method string, p tgbotapi.Params, _ []tgbotapi.RequestFile) (*tgbotapi.APIResponse, error) {
	return s.MakeRequest(ctx, method, p)
}

func (s *scriptAPI) count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

func okResult(v any) *tgbotapi.APIResponse {
	b, _ := json.Marshal(v)
	return &tgbotapi.APIResponse{Ok: true, Result: b}
}

// TestPollBacksOff: a server that answers getUpdates at once with nothing
// (telegram-test-api ignores timeout) or with errors must not be hammered.
func TestPollBacksOff(t *testing.T) {
	for _, mode := range []string{"empty", "error"} {
		t.Run(mode, func(t *testing.T) {
			api := &scriptAPI{do: func(method string, _ tgbotapi.Params) (*tgbotapi.APIResponse, error) {
				switch {
				case method == "getMe":
					return okResult(tgbotapi.User{ID: 1, UserName: "b"}), nil
				case method == "getUpdates" && mode == "error":
					return nil, &url.Error{Op: "Post", URL: "http://x/bot" + tgfake.Token + "/getUpdates", Err: errors.New("connection refused")}
				}
				return okResult([]tgbotapi.Update{}), nil
			}}
			a, logs, _ := newTestAdapter(t, Config{Token: tgfake.Token, PollTimeout: 10 * time.Second})
			a.api = api
			start := time.Now()
			stop := listen(t, a, &recorder{})
			waitUntil(t, "three polls", func() bool { return api.count("getUpdates") >= 3 })
			elapsed := time.Since(start)
			_ = stop()
			// Two pauses between three calls, doubling from the minimum.
			want := 3 * idleMin
			if mode == "error" {
				want = 3 * errMin
			}
			if elapsed < want {
				t.Errorf("three getUpdates calls in %v, want ≥ %v (back-off)", elapsed, want)
			}
			if strings.Contains(logs.String(), tgfake.Token) {
				t.Errorf("token in logs:\n%s", logs)
			}
		})
	}
}

func TestListenRejectedToken(t *testing.T) {
	f := tgfake.New(t)
	cfg := fastConfig(f)
	cfg.Token = "111111:AAWrongTokenWrongTokenWrongToken"
	a, logs, _ := newTestAdapter(t, cfg)
	err := a.Listen(context.Background(), &recorder{})
	if err == nil || !strings.Contains(err.Error(), "TELEGRAM_BOT_TOKEN") {
		t.Fatalf("Listen = %v, want a token error", err)
	}
	if strings.Contains(err.Error(), cfg.Token) || strings.Contains(logs.String(), cfg.Token) {
		t.Errorf("token leaked: %v\n%s", err, logs)
	}
}

func TestListenStopsPromptly(t *testing.T) {
	f := tgfake.New(t)
	cfg := fastConfig(f)
	cfg.PollTimeout = time.Minute
	a, _, _ := newTestAdapter(t, cfg)
	stop := listen(t, a, &recorder{})
	waitFor(t, f, "long poll", func() bool { return f.Calls("getUpdates") == 1 })
	start := time.Now()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Listen took %v to stop during a long poll", d)
	}
}

func TestDispatcherOffset(t *testing.T) {
	var calls atomic.Int32
	release := make(chan struct{})
	a, _, _ := newTestAdapter(t, Config{Token: tgfake.Token})
	d := newDispatcher(context.Background(), a, bot.HandlerFunc(func(context.Context, *bot.Message, bot.Replier) error {
		calls.Add(1)
		return nil
	}))
	if d.offset() != 0 {
		t.Fatal("offset before any update")
	}
	// Updates without a message are dropped at once; block one by making
	// its handler slow through a pending entry.
	d.mu.Lock()
	d.pending[5] = true
	d.maxSeen = 5
	d.mu.Unlock()
	if n := d.takeAll([]tgbotapi.Update{{UpdateID: 5}, {UpdateID: 6}, {UpdateID: 9}}); n != 2 {
		t.Fatalf("took %d, want 2 (5 was taken before)", n)
	}
	waitUntil(t, "6 and 9 done", func() bool { return d.offset() == 5 && !d.busyExcept(5) })
	d.mu.Lock()
	delete(d.pending, 5)
	d.mu.Unlock()
	if got := d.offset(); got != 10 {
		t.Errorf("offset = %d, want 10 (gaps allowed)", got)
	}
	close(release)
	d.drain(time.Second)
}

// busyExcept reports whether handlers other than id are running.
func (d *dispatcher) busyExcept(id int) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.pending) > 1 || (len(d.pending) == 1 && !d.pending[id])
}
