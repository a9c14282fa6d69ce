package console_test

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"tibot/bot"
	"tibot/bot/console"
	"tibot/card"
	"tibot/intel"
)

func TestDefaultsAndMessageFields(t *testing.T) {
	var got []bot.Message
	h := bot.HandlerFunc(func(ctx context.Context, m *bot.Message, r bot.Replier) error {
		got = append(got, *m)
		return nil
	})
	a := console.New(strings.NewReader("/ip 1.1.1.1\nhello\n"), io.Discard, console.Options{})
	if err := a.Listen(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	if a.Name() != "console" || len(got) != 2 {
		t.Fatalf("name %q, %d messages", a.Name(), len(got))
	}
	want := bot.Message{Platform: "console", Chat: "console", User: "analyst", UserName: "analyst", Direct: true, ID: "m1", Command: "ip", Text: "1.1.1.1"}
	if got[0].Platform != want.Platform || got[0].Chat != want.Chat || got[0].User != want.User ||
		got[0].UserName != want.UserName || !got[0].Direct || got[0].ID != want.ID ||
		got[0].Command != want.Command || got[0].Text != want.Text {
		t.Errorf("message = %+v, want %+v", got[0], want)
	}
	if got[1].ID != "m2" || got[1].Command != "" || got[1].Text != "hello" {
		t.Errorf("second message = %+v", got[1])
	}
}

func TestAdmins(t *testing.T) {
	if a := console.New(nil, io.Discard, console.Options{}); a.Admins() != nil {
		t.Errorf("Admins() = %v without Admin", a.Admins())
	}
	a := console.New(nil, io.Discard, console.Options{User: "alice", Admin: true})
	if got := a.Admins(); len(got) != 1 || got[0] != "console:alice" {
		t.Errorf("Admins() = %v", got)
	}
	m := &bot.Message{Platform: a.Name(), User: "alice"}
	if !(bot.Access{Admins: a.Admins()}).IsAdmin(m) {
		t.Error("Admins() entry does not make the console user an admin")
	}
}

func TestSequential(t *testing.T) {
	var (
		mu     sync.Mutex
		inside int
		order  []string
	)
	h := bot.HandlerFunc(func(ctx context.Context, m *bot.Message, r bot.Replier) error {
		mu.Lock()
		inside++
		if inside > 1 {
			t.Error("messages handled concurrently")
		}
		order = append(order, m.Text)
		mu.Unlock()
		_, err := r.Reply(ctx, card.Plain(m.Text))
		mu.Lock()
		inside--
		mu.Unlock()
		return err
	})
	var in strings.Builder
	for _, s := range []string{"a", "b", "c", "d", "e"} {
		in.WriteString(s + "\n")
	}
	var out strings.Builder
	if err := console.New(strings.NewReader(in.String()), &out, console.Options{}).Listen(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	if strings.Join(order, "") != "abcde" {
		t.Errorf("order %v", order)
	}
	if got := strings.Count(out.String(), strings.Repeat("─", 40)); got != 5 {
		t.Errorf("%d cards printed, want 5", got)
	}
}

func TestListenCancel(t *testing.T) {
	pr, pw := io.Pipe() // a terminal that never sends anything
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	a := console.New(pr, io.Discard, console.Options{})
	go func() {
		done <- a.Listen(ctx, bot.HandlerFunc(func(context.Context, *bot.Message, bot.Replier) error { return nil }))
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Listen = %v, want context.Canceled", err)
	}
	// Through Serve a cancelled console is a clean stop.
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if err := bot.Serve(ctx2, a, bot.HandlerFunc(func(context.Context, *bot.Message, bot.Replier) error { return nil }), bot.ServeOptions{}); err != nil {
		t.Errorf("Serve = %v, want nil", err)
	}
}

// errReader fails after its content.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestListenReadError(t *testing.T) {
	want := errors.New("tty gone")
	a := console.New(errReader{want}, io.Discard, console.Options{})
	if err := a.Listen(context.Background(), bot.HandlerFunc(func(context.Context, *bot.Message, bot.Replier) error { return nil })); !errors.Is(err, want) {
		t.Errorf("Listen = %v, want %v", err, want)
	}
}

func TestUnhandledErrorIsPrinted(t *testing.T) {
	var out strings.Builder
	h := bot.HandlerFunc(func(context.Context, *bot.Message, bot.Replier) error {
		return &intel.Error{Code: intel.EUpstream}
	})
	if err := console.New(strings.NewReader("x\n"), &out, console.Options{}).Listen(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "⚠️ 查询失败\n") {
		t.Errorf("output %q", out.String())
	}
}

func TestUploadToTempDir(t *testing.T) {
	var out strings.Builder
	h := bot.HandlerFunc(func(ctx context.Context, m *bot.Message, r bot.Replier) error {
		return r.(bot.Uploader).Upload(ctx, card.Attachment{Name: "r.csv", Data: []byte("a\nb\n")}, "")
	})
	if err := console.New(strings.NewReader("x\n"), &out, console.Options{}).Listen(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	line := strings.SplitN(out.String(), "\n", 2)[0]
	path, ok := strings.CutPrefix(line, "(附件已保存: ")
	path, _, _ = strings.Cut(path, ", ")
	if !ok || !strings.Contains(path, "tibot-console-") {
		t.Fatalf("upload line %q", line)
	}
	defer os.RemoveAll(strings.TrimSuffix(path, "/r.csv"))
	if data, err := os.ReadFile(path); err != nil || string(data) != "a\nb\n" {
		t.Errorf("file %s: %q %v", path, data, err)
	}
}

func TestConcurrentPostsDoNotInterleave(t *testing.T) {
	var out strings.Builder
	a := console.New(strings.NewReader(""), &out, console.Options{})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, _ = a.Post(context.Background(), bot.Target{Chat: "c"}, card.Plain("第一行\n第二行"))
		})
	}
	wg.Wait()
	if got := strings.Count(out.String(), "[to c]\n第一行\n第二行\n────"); got != 20 {
		t.Errorf("%d whole posts, want 20:\n%s", got, out.String())
	}
}
