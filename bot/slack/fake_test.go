package slack

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"

	"tibot/bot"
	"tibot/card"
)

// fakeAPI is a hand-written slackAPI: it records calls and fails a method
// with queued errors.
type fakeAPI struct {
	mu     sync.Mutex
	calls  []apiCall
	errs   map[string][]error
	files  map[string]*slackapi.File
	data   map[string]string // download URL → content
	nextTS int
}

type apiCall struct {
	method  string
	channel string
	form    url.Values
	upload  slackapi.UploadFileParameters
	webhook *slackapi.WebhookMessage
}

func newFakeAPI() *fakeAPI {
	return &fakeAPI{errs: map[string][]error{}, files: map[string]*slackapi.File{}, data: map[string]string{}}
}

func (f *fakeAPI) fail(method string, errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs[method] = append(f.errs[method], errs...)
}

// record logs a call and returns its queued error.
func (f *fakeAPI) record(c apiCall) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c)
	if es := f.errs[c.method]; len(es) > 0 {
		f.errs[c.method] = es[1:]
		return es[0]
	}
	return nil
}

func (f *fakeAPI) callsOf(method string) []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []apiCall
	for _, c := range f.calls {
		if c.method == method {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeAPI) ts() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextTS++
	return fmt.Sprintf("1700000000.%06d", f.nextTS)
}

func msgForm(channel string, opts []slackapi.MsgOption) url.Values {
	_, v, _ := slackapi.UnsafeApplyMsgOptions("xoxb-test", channel, "https://slack.invalid/api/", opts...)
	v.Del("token")
	return v
}

func (f *fakeAPI) AuthTestContext(context.Context) (*slackapi.AuthTestResponse, error) {
	if err := f.record(apiCall{method: "auth.test"}); err != nil {
		return nil, err
	}
	return &slackapi.AuthTestResponse{UserID: "UBOT", BotID: "BBOT", TeamID: "T1"}, nil
}

func (f *fakeAPI) PostMessageContext(_ context.Context, ch string, opts ...slackapi.MsgOption) (string, string, error) {
	if err := f.record(apiCall{method: "chat.postMessage", channel: ch, form: msgForm(ch, opts)}); err != nil {
		return "", "", err
	}
	return ch, f.ts(), nil
}

func (f *fakeAPI) UpdateMessageContext(_ context.Context, ch, ts string, opts ...slackapi.MsgOption) (string, string, string, error) {
	form := msgForm(ch, opts)
	form.Set("ts", ts)
	return ch, ts, "", f.record(apiCall{method: "chat.update", channel: ch, form: form})
}

func (f *fakeAPI) PostEphemeralContext(_ context.Context, ch, user string, opts ...slackapi.MsgOption) (string, error) {
	form := msgForm(ch, opts)
	form.Set("user", user)
	return f.ts(), f.record(apiCall{method: "chat.postEphemeral", channel: ch, form: form})
}

func (f *fakeAPI) UploadFileContext(_ context.Context, p slackapi.UploadFileParameters) (*slackapi.FileSummary, error) {
	if err := f.record(apiCall{method: "files.upload", channel: p.Channel, upload: p}); err != nil {
		return nil, err
	}
	return &slackapi.FileSummary{ID: "F0UP"}, nil
}

func (f *fakeAPI) GetFileInfoContext(_ context.Context, id string, _, _ int) (*slackapi.File, []slackapi.Comment, *slackapi.Paging, error) {
	if err := f.record(apiCall{method: "files.info", form: url.Values{"file": {id}}}); err != nil {
		return nil, nil, nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if file, ok := f.files[id]; ok {
		return file, nil, nil, nil
	}
	return nil, nil, nil, slackapi.SlackErrorResponse{Err: "file_not_found"}
}

func (f *fakeAPI) GetFileContext(_ context.Context, u string, w io.Writer) error {
	if err := f.record(apiCall{method: "download", form: url.Values{"url": {u}}}); err != nil {
		return err
	}
	f.mu.Lock()
	body, ok := f.data[u]
	f.mu.Unlock()
	if !ok {
		return slackapi.StatusCodeError{Code: 404, Status: "404 Not Found"}
	}
	_, err := io.Copy(w, strings.NewReader(body))
	return err
}

func (f *fakeAPI) PostResponseContext(_ context.Context, u string, msg *slackapi.WebhookMessage) error {
	return f.record(apiCall{method: "response_url", channel: u, webhook: msg})
}

// testAdapter is an adapter on a fake API with its identity known.
func testAdapter(t *testing.T) (*Adapter, *fakeAPI) {
	t.Helper()
	api := newFakeAPI()
	a := newAdapter(api, Config{BotToken: "xoxb-test", Mode: ModeSocket, DrainTimeout: 5 * time.Second}, testLogger(t))
	if err := a.authTest(context.Background()); err != nil {
		t.Fatal(err)
	}
	return a, api
}

// testLogger writes the adapter's log lines to t.Log.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// recorder is a bot.Handler collecting the messages it gets.
type recorder struct {
	got  chan *bot.Message
	with func(ctx context.Context, m *bot.Message, r bot.Replier) error
}

func newRecorder() *recorder { return &recorder{got: make(chan *bot.Message, 16)} }

func (h *recorder) Handle(ctx context.Context, m *bot.Message, r bot.Replier) error {
	h.got <- m
	if h.with != nil {
		return h.with(ctx, m, r)
	}
	_, err := r.Reply(ctx, card.Plain("ok"))
	return err
}

// next waits for the next handled message.
func (h *recorder) next(t *testing.T) *bot.Message {
	t.Helper()
	select {
	case m := <-h.got:
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no message handled")
		return nil
	}
}

// none asserts that nothing more is handled for a short while.
func (h *recorder) none(t *testing.T, wait time.Duration) {
	t.Helper()
	select {
	case m := <-h.got:
		t.Fatalf("unexpected message handled: %+v", m)
	case <-time.After(wait):
	}
}
