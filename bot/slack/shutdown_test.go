package slack

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tibot/bot"
	"tibot/bot/slack/slackfake"
	tfake "tibot/internal/fake"
)

// TestHTTPShutdownUnderLoad: HTTP-mode events keep arriving while Listen
// drains. Listen must still return (new events get 503 once draining
// starts, so the handler count can reach zero) and never call wg.Add
// concurrently with drain's wg.Wait.
func TestHTTPShutdownUnderLoad(t *testing.T) {
	fake := slackfake.New(t)
	h := newRecorder()
	h.got = make(chan *bot.Message, 100000)
	run := listen(t, fake, h, Config{Mode: ModeHTTP, SigningSecret: testSecret})
	tfake.Eventually(t, func() bool { return run.a.handler.Load() != nil })
	srv := httptest.NewServer(run.a.HTTPHandler())
	t.Cleanup(srv.Close)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var n atomic.Int64
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				id := strconv.FormatInt(n.Add(1), 10)
				ev := slackfake.Event("", "EvL"+id, slackfake.Message("C1", "U1", "1."+id, "1.2.3.4"))
				body, _ := json.Marshal(ev.Payload)
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/slack/events", strings.NewReader(string(body)))
				req.Header = signRequest(testSecret, time.Now(), string(body))
				req.Header.Set("Content-Type", "application/json")
				if resp, err := http.DefaultClient.Do(req); err == nil {
					resp.Body.Close()
				}
			}
		}()
	}
	h.next(t)
	run.cancel()
	err := run.wait(t)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
}
