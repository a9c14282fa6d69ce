package commands

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"tibot/bot"
	"tibot/card"
	"tibot/intel"
)

func TestDeepCommandAndButton(t *testing.T) {
	for _, m := range []*bot.Message{
		msg("/deep 45.33.32.156"),
		{Platform: "console", Chat: "C1", User: "alice", Action: &bot.Action{ID: card.ActionDeep, Value: "45.33.32.156"}},
	} {
		lk := &fakeLooker{}
		rt := newTestRouter(t, lk, nil)
		var r recorder
		if err := rt.Handle(context.Background(), m, &r); err != nil {
			t.Fatal(err)
		}
		out := r.sent()
		if len(lk.deeps) != 1 || lk.deeps[0] != addr("45.33.32.156") {
			t.Fatalf("deep lookups = %v", lk.deeps)
		}
		if len(out) != 1 || !strings.Contains(card.Text(out[0].card), "深度分析") {
			t.Fatalf("got %v, want one deep verdict card", kinds(out))
		}
	}
}

func TestDeepErrors(t *testing.T) {
	tests := []struct {
		name, text string
		deepErr    error
		code       intel.Code
	}{
		{"no ip", "/deep", nil, intel.EInvalid},
		{"junk", "/deep nope", nil, intel.EInvalid},
		{"private", "/deep 192.168.1.1", nil, intel.EInvalid},
		{"quota", "/deep 8.8.8.8", intel.Errorf(intel.EQuota, "你今日查询额度已用完", "x"), intel.EQuota},
		{"upstream", "/deep 8.8.8.8", intel.Errorf(intel.EUpstream, "威胁情报服务暂时不可用", "x"), intel.EUpstream},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lk := &fakeLooker{deepFn: func(ip netip.Addr, _ intel.Subject) (intel.Verdict, error) {
				return intel.Failed(ip, intel.AsError(tc.deepErr)), tc.deepErr
			}}
			rt := newTestRouter(t, lk, nil)
			var r recorder
			err := rt.Handle(context.Background(), msg(tc.text), &r)
			if intel.ErrorCode(err) != tc.code || intel.ErrorMessage(err) == "" {
				t.Fatalf("err = %v, want %s with a message", err, tc.code)
			}
			if len(r.sent()) != 0 {
				t.Errorf("replied besides the error: %v", kinds(r.sent()))
			}
		})
	}
}

func TestBlockButtonsSayNotEnabled(t *testing.T) {
	for _, a := range []bot.Action{
		{ID: card.ActionBlock, Value: "45.33.32.156"},
		{ID: card.ActionBlockAll, Value: "45.33.32.156,185.220.101.4"},
	} {
		lk := &fakeLooker{}
		rt := newTestRouter(t, lk, nil)
		var r recorder
		m := msg("")
		m.Action = &a
		if err := rt.Handle(context.Background(), m, &r); err != nil {
			t.Fatal(err)
		}
		out := r.sent()
		if len(out) != 1 || !strings.Contains(card.Text(out[0].card), "未启用") {
			t.Fatalf("%s: got %v, want one 未启用 card", a.ID, kinds(out))
		}
		if strings.Contains(card.Text(out[0].card), "已提交") || strings.Contains(card.Text(out[0].card), "成功") {
			t.Errorf("%s: card pretends success: %s", a.ID, card.Text(out[0].card))
		}
		if len(lk.requests())+len(lk.deeps) != 0 {
			t.Errorf("%s: looked something up", a.ID)
		}
	}
}

func TestUnknownAction(t *testing.T) {
	rt := newTestRouter(t, &fakeLooker{}, nil)
	m := msg("")
	m.Action = &bot.Action{ID: "nuke", Value: "x"}
	if err := rt.Handle(context.Background(), m, &recorder{}); intel.ErrorCode(err) != intel.EInvalid {
		t.Fatalf("err = %v, want EInvalid", err)
	}
}

// fakeQuota is an intel.Quota with a fixed status.
type fakeQuota struct{ st intel.QuotaStatus }

func (q *fakeQuota) Take(ctx context.Context, s intel.Subject, n int) (int, intel.QuotaStatus, error) {
	return 0, q.st, nil
}
func (q *fakeQuota) Refund(ctx context.Context, s intel.Subject, n int) error { return nil }
func (q *fakeQuota) QuotaStatus(ctx context.Context, s intel.Subject) (intel.QuotaStatus, error) {
	return q.st, nil
}

func TestQuotaCard(t *testing.T) {
	now := newClock().Now()
	q := &fakeQuota{st: intel.QuotaStatus{Used: 3, Limit: 20, Remaining: 17, ResetAt: now.Add(3 * 60 * 60 * 1e9)}}
	rt := newTestRouter(t, &fakeLooker{}, func(c *Config) {
		c.Quota = q
		c.Pool = func() card.PoolStatus { return card.PoolStatus{Keys: 2, Remaining: 61, Limit: 100} }
	})
	var r recorder
	if err := rt.Handle(context.Background(), msg("/quota"), &r); err != nil {
		t.Fatal(err)
	}
	out := r.sent()
	want := card.FromQuota(q.st, card.PoolStatus{Keys: 2, Remaining: 61, Limit: 100}, now)
	if len(out) != 1 || card.Text(out[0].card) != card.Text(want) {
		t.Fatalf("got %v, want\n%s", kinds(out), card.Text(want))
	}
	if !strings.Contains(card.Text(out[0].card), "17/20") || !strings.Contains(card.Text(out[0].card), "61/100") {
		t.Errorf("quota card lacks user or pool numbers:\n%s", card.Text(out[0].card))
	}
}
