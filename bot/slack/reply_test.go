package slack

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"

	"tibot/bot"
	"tibot/card"
	"tibot/intel"
)

func TestReplyThreading(t *testing.T) {
	a, api := testAdapter(t)
	ctx := context.Background()
	r := a.newReplier("C1", "U1", "", "")
	first, err := r.Reply(ctx, card.Plain("one"))
	if err != nil {
		t.Fatal(err)
	}
	second, err := r.Reply(ctx, card.Card{Title: "two", Attachment: &card.Attachment{Name: "x.csv", Data: []byte("a,b\n")}})
	if err != nil {
		t.Fatal(err)
	}
	posts := api.callsOf("chat.postMessage")
	if len(posts) != 2 || posts[0].form.Get("thread_ts") != "" || posts[1].form.Get("thread_ts") != first.ID {
		t.Fatalf("posts = %+v", posts)
	}
	if second.Thread != first.ID {
		t.Errorf("second ref %+v", second)
	}
	ups := api.callsOf("files.upload")
	if len(ups) != 1 || ups[0].upload.ThreadTimestamp != first.ID || ups[0].upload.Channel != "C1" || ups[0].upload.FileSize != 4 {
		t.Errorf("uploads = %+v", ups)
	}
	if err := r.Upload(ctx, card.Attachment{Name: "y.csv", Data: []byte("1")}, "<!channel> csv"); err != nil {
		t.Fatal(err)
	}
	if up := api.callsOf("files.upload")[1].upload; up.ThreadTimestamp != first.ID || up.InitialComment != "&lt;!channel&gt; csv" {
		t.Errorf("upload %+v", up)
	}
	if err := r.Edit(ctx, first, card.Progress(3, 10)); err != nil {
		t.Fatal(err)
	}
	if u := api.callsOf("chat.update"); len(u) != 1 || u[0].form.Get("ts") != first.ID || !strings.Contains(u[0].form.Get("text"), "3/10") {
		t.Errorf("updates = %+v", u)
	}
}

func TestReplyRetriesAfterRateLimit(t *testing.T) {
	a, api := testAdapter(t)
	api.fail("chat.postMessage", &slackapi.RateLimitedError{RetryAfter: time.Millisecond},
		&slackapi.RateLimitedError{RetryAfter: time.Millisecond})
	if _, err := a.newReplier("C1", "U1", "1.1", "").Reply(context.Background(), card.Plain("x")); err != nil {
		t.Fatal(err)
	}
	if n := len(api.callsOf("chat.postMessage")); n != 3 {
		t.Errorf("%d posts, want 3", n)
	}

	api.fail("chat.postMessage", &slackapi.RateLimitedError{RetryAfter: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := a.newReplier("C1", "U1", "1.1", "").Reply(ctx, card.Plain("x"))
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("err = %v after %v; want the wait cut short by ctx", err, time.Since(start))
	}

	a.cfg.MaxRetries = 1
	api.fail("chat.postMessage", &slackapi.RateLimitedError{RetryAfter: time.Millisecond},
		&slackapi.RateLimitedError{RetryAfter: time.Millisecond})
	var rl *slackapi.RateLimitedError
	if _, err := a.newReplier("C1", "U1", "1.1", "").Reply(context.Background(), card.Plain("x")); !errors.As(err, &rl) {
		t.Errorf("err = %v, want the rate limit once retries are spent", err)
	}
}

func TestNotInChannel(t *testing.T) {
	a, api := testAdapter(t)
	ctx := context.Background()
	api.fail("chat.postMessage", slackapi.SlackErrorResponse{Err: "not_in_channel"})
	r := a.newReplier("C9", "U1", "", "https://hooks.invalid/resp/1")
	if _, err := r.Reply(ctx, card.Plain("answer")); err != nil {
		t.Fatalf("slash reply: %v", err)
	}
	resp := api.callsOf("response_url")
	if len(resp) != 1 || resp[0].webhook.ResponseType != "ephemeral" || !strings.Contains(resp[0].webhook.Text, "/invite @tibot") {
		t.Fatalf("response_url = %+v", resp)
	}

	api.fail("chat.postMessage", slackapi.SlackErrorResponse{Err: "channel_not_found"})
	_, err := a.newReplier("C9", "", "", "").Reply(ctx, card.Plain("digest"))
	if err == nil || !strings.Contains(err.Error(), "/invite @tibot") {
		t.Errorf("post without response_url: %v", err)
	}

	api.fail("chat.postEphemeral", slackapi.SlackErrorResponse{Err: "not_in_channel"})
	if err := r.ReplyEphemeral(ctx, card.Plain("private")); err != nil {
		t.Errorf("ephemeral fallback: %v", err)
	}
	if n := len(api.callsOf("response_url")); n != 2 {
		t.Errorf("%d response_url posts, want 2", n)
	}
}

func TestReplyEphemeral(t *testing.T) {
	a, api := testAdapter(t)
	if err := a.newReplier("C1", "U1", "1.1", "").ReplyEphemeral(context.Background(), card.Plain("<b>x</b>")); err != nil {
		t.Fatal(err)
	}
	e := api.callsOf("chat.postEphemeral")
	if len(e) != 1 || e[0].form.Get("user") != "U1" || e[0].form.Get("thread_ts") != "1.1" || e[0].form.Get("text") != "&lt;b&gt;x&lt;/b&gt;" {
		t.Errorf("ephemeral = %+v", e)
	}
}

func TestFileOpen(t *testing.T) {
	a, api := testAdapter(t)
	a.cfg.MaxFileBytes = 10
	api.data["https://files.slack.com/a"] = "1.2.3.4\n"
	api.data["https://files.slack.com/big"] = strings.Repeat("x", 11)
	api.files["F3"] = &slackapi.File{ID: "F3", Name: "late.log", Size: 8, URLPrivateDownload: "https://files.slack.com/a"}
	tests := []struct {
		name    string
		f       slackapi.File
		want    string
		errText string
	}{
		{"text", slackapi.File{ID: "F1", Name: "a.log", Size: 8, Mimetype: "text/plain", URLPrivateDownload: "https://files.slack.com/a"}, "1.2.3.4\n", ""},
		{"details from files.info", slackapi.File{ID: "F3"}, "1.2.3.4\n", ""},
		{"too large before download", slackapi.File{ID: "F2", Name: "b.log", Size: 11, URLPrivateDownload: "https://files.slack.com/big"}, "", "过大"},
		{"too large while downloading", slackapi.File{ID: "F4", Name: "c.log", URLPrivateDownload: "https://files.slack.com/big"}, "", "过大"},
		{"image refused", slackapi.File{ID: "F5", Name: "p.png", Size: 5, Mimetype: "image/png", URLPrivateDownload: "https://files.slack.com/a"}, "", "不是文本文件"},
		{"zip refused", slackapi.File{ID: "F6", Name: "l.zip", Size: 5, Filetype: "zip", URLPrivateDownload: "https://files.slack.com/a"}, "", "不是文本文件"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readFile(a.file(tc.f))
			if tc.errText == "" {
				if err != nil || got != tc.want {
					t.Fatalf("got %q, %v", got, err)
				}
				return
			}
			if err == nil || !strings.Contains(intel.ErrorMessage(err), tc.errText) || intel.ErrorCode(err) != intel.EInvalid {
				t.Fatalf("err = %v (%q), want EInvalid %q", err, intel.ErrorMessage(err), tc.errText)
			}
		})
	}
}

// readFile opens and reads a bot.File.
func readFile(f bot.File) (string, error) {
	rc, err := f.Open(context.Background())
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	return string(b), err
}

func TestUploadFailureKeepsTheReply(t *testing.T) {
	a, api := testAdapter(t)
	api.fail("files.upload", errors.New("upload refused"))
	ref, err := a.newReplier("C1", "U1", "1.1", "").Reply(context.Background(),
		card.Card{Title: "batch", Attachment: &card.Attachment{Name: "r.csv", Data: []byte("ip\n")}})
	if err != nil || ref.ID == "" {
		t.Fatalf("Reply = %+v, %v; want the posted card despite the failed upload", ref, err)
	}
	if n := len(api.callsOf("chat.postMessage")); n != 1 {
		t.Errorf("%d posts", n)
	}
}
