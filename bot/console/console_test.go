package console_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"tibot/bot"
	"tibot/bot/console"
	"tibot/card"
	"tibot/intel"
	"tibot/internal/fake"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.txt")

// example returns the named card example.
func example(name string) card.Card {
	for _, ex := range card.Examples(card.ExampleNow()) {
		if ex.Name == name {
			return ex.Card
		}
	}
	panic("no example " + name)
}

// script is a stand-in engine exercising every adapter capability.
func script(a *console.Adapter) bot.Handler {
	return bot.HandlerFunc(func(ctx context.Context, m *bot.Message, r bot.Replier) error {
		switch {
		case m.Action != nil:
			_, err := r.Reply(ctx, card.Plain(fmt.Sprintf("按钮 %s %s (消息 %s, 来自 %s)", m.Action.ID, m.Action.Value, m.ID, m.Action.Ref.ID)))
			return err
		case len(m.Files) > 0:
			return describeFile(ctx, m.Files[0], r)
		case m.Command == "ip":
			_, err := r.Reply(ctx, example("malicious"))
			return err
		case m.Command == "quota":
			return &intel.Error{Code: intel.EQuota, ResetAt: card.ExampleNow().Add(12 * time.Hour)}
		case m.Command == "post":
			_, err := a.Post(ctx, bot.Target{Chat: m.Chat, Thread: m.ID}, card.Plain("额度已恢复后的回复"))
			return err
		case m.Command == "boom":
			panic("scripted")
		}
		return paste(ctx, m, r)
	})
}

// paste answers text with progress edits and, for multi-line pastes, a
// batch card with a CSV upload.
func paste(ctx context.Context, m *bot.Message, r bot.Replier) error {
	ref, err := r.Reply(ctx, card.Progress(0, 2))
	if err != nil {
		return err
	}
	ed := r.(bot.Editor)
	if err := ed.Edit(ctx, ref, card.Progress(2, 2)); err != nil {
		return err
	}
	c := card.Plain(fmt.Sprintf("收到 %d 行 (消息 %s, 私聊 %v)", strings.Count(m.Text, "\n")+1, m.ID, m.Direct))
	if strings.Contains(m.Text, "\n") {
		c = example("batch200")
	}
	if err := ed.Edit(ctx, ref, c); err != nil || c.Attachment == nil {
		return err
	}
	return r.(bot.Uploader).Upload(ctx, *c.Attachment, "全部结果")
}

// describeFile reads a shared file.
func describeFile(ctx context.Context, f bot.File, r bot.Replier) error {
	rc, err := f.Open(ctx)
	if err != nil {
		return err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return err
	}
	_, err = r.Reply(ctx, card.Plain(fmt.Sprintf("文件 %s (%d 字节, %s): %d 行", f.Name, f.Size, f.MIME, card.LineCount(data))))
	return err
}

// TestTranscript runs testdata/script.txt through bot.Serve and the
// console and compares the output with testdata/transcript.golden.txt.
func TestTranscript(t *testing.T) {
	in, err := os.Open("testdata/script.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var out bytes.Buffer
	dir := t.TempDir()
	a := console.New(in, &out, console.Options{Echo: true, FilesDir: dir})
	if err := bot.Serve(context.Background(), a, script(a), bot.ServeOptions{}); err != nil {
		t.Fatalf("Serve = %v", err)
	}
	got := strings.ReplaceAll(out.String(), dir, "$FILES")
	got = regexp.MustCompile(`参考编号 [0-9a-f]{8}`).ReplaceAllString(got, "参考编号 REF")
	fake.Golden(t, "testdata/transcript.golden.txt", []byte(got), *update)

	data, err := os.ReadFile(filepath.Join(dir, "tibot-20250514-1200.csv"))
	if err != nil || !bytes.Equal(data, example("batch200").Attachment.Data) {
		t.Errorf("uploaded CSV not written intact: %v", err)
	}
}
