package bot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"tibot/bot"
	"tibot/card"
	"tibot/intel"
	"tibot/internal/fake"
)

func TestReplyErrors(t *testing.T) {
	tests := []struct {
		name          string
		err           error
		plain         bool   // replier without Ephemeral
		wantReply     string // prefix of the one public reply, "" for none
		wantEphemeral string // prefix of the one private reply, "" for none
		wantLog       []string
	}{
		{"nil", nil, false, "", "", nil},
		{"invalid is private", &intel.Error{Code: intel.EInvalid, Message: "用法: /ip <IP…>"}, false, "", "⚠️ 输入有误\n用法: /ip <IP…>", nil},
		{"invalid without ephemeral", &intel.Error{Code: intel.EInvalid}, true, "⚠️ 输入有误", "", nil},
		{"unauthorized is private", &intel.Error{Code: intel.EUnauthorized, Message: "仅管理员可用"}, false, "", "⚠️ 未授权\n仅管理员可用", nil},
		{"quota is public", fmt.Errorf("paste: %w", &intel.Error{Code: intel.EQuota, ResetAt: time.Date(2025, 5, 14, 16, 0, 0, 0, time.UTC)}), false,
			"⚠️ 额度不足\n查询额度已用完\n额度将于北京时间 00:00 恢复", "", nil},
		{"upstream logged", &intel.Error{Code: intel.EUpstream, Detail: "threatbook 502"}, false,
			"⚠️ 查询失败\n威胁情报服务暂时不可用", "", []string{"level=WARN", "code=upstream", "threatbook 502"}},
		{"internal hides detail", errors.New("bolt: /var/lib/tibot.db: corrupt"), false,
			"⚠️ 内部错误 (参考编号 ", "", []string{"level=ERROR", "internal error", "ref=", "corrupt"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			logger, logs := testLogger(slog.LevelInfo)
			rec := &fake.Replier{}
			var r bot.Replier = rec
			if tc.plain {
				r = fake.PlainReplier{R: rec}
			}
			h := bot.Chain(bot.HandlerFunc(func(context.Context, *bot.Message, bot.Replier) error {
				return tc.err
			}), bot.ReplyErrors(logger))
			if err := h.Handle(context.Background(), msg(), r); err != nil {
				t.Fatalf("Handle = %v, want nil once replied", err)
			}
			checkOne(t, "reply", rec.Replies(), tc.wantReply)
			checkOne(t, "ephemeral", rec.Ephemerals(), tc.wantEphemeral)
			for _, w := range tc.wantLog {
				if !strings.Contains(logs.String(), w) {
					t.Errorf("log lacks %q:\n%s", w, logs)
				}
			}
			if strings.Contains(strings.Join(rec.Texts(), ""), "corrupt") {
				t.Error("internal detail shown to the user")
			}
		})
	}
}

// checkOne asserts cards holds exactly one card whose text starts with
// prefix, or none when prefix is "".
func checkOne(t *testing.T, what string, cards []card.Card, prefix string) {
	t.Helper()
	if prefix == "" {
		if len(cards) != 0 {
			t.Errorf("unexpected %s %q", what, card.Text(cards[0]))
		}
		return
	}
	if len(cards) != 1 || !strings.HasPrefix(card.Text(cards[0]), prefix) {
		var texts []string
		for _, c := range cards {
			texts = append(texts, card.Text(c))
		}
		t.Errorf("%s = %q, want one starting with %q", what, texts, prefix)
	}
}

func TestReplyErrorsInternalRefMatchesLog(t *testing.T) {
	logger, logs := testLogger(slog.LevelInfo)
	rec := &fake.Replier{}
	h := bot.Chain(bot.HandlerFunc(func(context.Context, *bot.Message, bot.Replier) error {
		return errors.New("nil map")
	}), bot.ReplyErrors(logger))
	_ = h.Handle(context.Background(), msg(), rec)
	text := card.Text(rec.Replies()[0])
	ref := strings.TrimSuffix(strings.TrimPrefix(text, "⚠️ 内部错误 (参考编号 "), ")")
	if !strings.Contains(logs.String(), "ref="+ref) {
		t.Errorf("ref %q not in log:\n%s", ref, logs)
	}
}

func TestReplyErrorsShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := &fake.Replier{}
	h := bot.Chain(blockUntilDone, bot.ReplyErrors(slog.New(slog.DiscardHandler)))
	if err := h.Handle(ctx, msg(), rec); !errors.Is(err, context.Canceled) {
		t.Errorf("Handle = %v, want context.Canceled", err)
	}
	if len(rec.Log()) != 0 {
		t.Errorf("replied during shutdown: %v", rec.Log())
	}
}

func TestReplyErrorsAfterTimeout(t *testing.T) {
	rec := &fake.Replier{}
	h := bot.Chain(blockUntilDone, bot.ReplyErrors(slog.New(slog.DiscardHandler)), bot.Timeout(time.Millisecond))
	if err := h.Handle(context.Background(), msg(), rec); err != nil {
		t.Fatalf("Handle = %v", err)
	}
	checkOne(t, "reply", rec.Replies(), "⚠️ 查询失败\n处理超时")
}

func TestReplyErrorsReplyFails(t *testing.T) {
	sendErr := errors.New("slack: channel_not_found")
	rec := &fake.Replier{Err: sendErr}
	cause := &intel.Error{Code: intel.EUpstream}
	h := bot.Chain(bot.HandlerFunc(func(context.Context, *bot.Message, bot.Replier) error { return cause }),
		bot.ReplyErrors(slog.New(slog.DiscardHandler)))
	err := h.Handle(context.Background(), msg(), rec)
	if !errors.Is(err, sendErr) || !errors.Is(err, cause) {
		t.Errorf("Handle = %v, want both errors", err)
	}
}
