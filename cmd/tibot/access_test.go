package main

import (
	"context"
	"strings"
	"testing"

	"tibot/bot"
	"tibot/card"
	"tibot/intel"
	"tibot/internal/fake"
)

// TestAccessAllowlist: on Telegram only TIBOT_ALLOW users and chats are
// served; anyone else gets one 未授权 reply with their own id, for
// messages and button clicks alike, and nothing is looked up.
func TestAccessAllowlist(t *testing.T) {
	env := newChatEnv(t, chatEnvOptions{access: bot.Access{Allow: []string{"telegram:777", "telegram:-100500"}}})
	msgs := []*bot.Message{
		{Platform: "telegram", Chat: "42", User: "12345", Direct: true, Command: "ip", Text: "8.8.8.8"},
		{Platform: "telegram", Chat: "42", User: "12345", Action: &bot.Action{ID: card.ActionDeep, Value: "8.8.8.8"}},
		{Platform: "telegram", Chat: "-100999", User: "12345", Text: "log line 8.8.8.8"}, // overheard in a group: silence
	}
	p := &fake.Platform{PlatformName: "telegram", Messages: msgs}
	if err := bot.Serve(context.Background(), p, env.rt, env.serveO); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		r := p.Replier(i)
		got := append(r.Replies(), r.Ephemerals()...)
		if len(got) != 1 || !strings.Contains(card.Text(got[0]), "未授权") || !strings.Contains(card.Text(got[0]), "telegram:12345") {
			t.Errorf("message %d: replies %v, want one 未授权 naming telegram:12345", i, r.Texts())
		}
	}
	if n := len(p.Replier(2).Replies()); n != 0 {
		t.Errorf("overheard group message got %d replies", n)
	}
	if st := env.api.Stats(); st.Requests != 0 {
		t.Errorf("API requests = %d for unlisted users, want 0", st.Requests)
	}

	ok := &fake.Platform{PlatformName: "telegram", Messages: []*bot.Message{
		{Platform: "telegram", Chat: "777", User: "777", Direct: true, Command: "ip", Text: "8.8.8.8"},
		{Platform: "telegram", Chat: "-100500", User: "31337", Command: "ip", Text: "9.9.9.9"},
	}}
	if err := bot.Serve(context.Background(), ok, env.rt, env.serveO); err != nil {
		t.Fatal(err)
	}
	for i, ip := range []string{"8.8.8.8", "9.9.9.9"} {
		if rs := ok.Replier(i).Replies(); len(rs) != 1 || !strings.Contains(card.Text(rs[0]), "IP  "+ip) {
			t.Errorf("allowed message %d: %v", i, ok.Replier(i).Texts())
		}
	}
}

// TestAdminFreshAndQuota: admins bypass the cache with --fresh and are
// metered against the admin quota; others may not use --fresh.
func TestAdminFreshAndQuota(t *testing.T) {
	env := newChatEnv(t, chatEnvOptions{userQuota: 5, access: bot.Access{Admins: []string{"console:root"}}})
	out := env.chat("root", "/ip 8.8.8.8\n/ip --fresh 8.8.8.8\n/ip 8.8.8.8\n")
	if strings.Count(out, "实时查询") != 2 || strings.Count(out, "来源: 微步在线 IP信誉 · 缓存") != 1 {
		t.Errorf("want live, live (--fresh), cached:\n%s", out)
	}
	if st := env.api.Stats(); st.Units != 2 {
		t.Errorf("API units = %d, want 2", st.Units)
	}
	q, err := env.eng.db.QuotaStatus(context.Background(), intel.Subject{Platform: "console", User: "root", Admin: true})
	if err != nil || q.Used != 2 || q.Limit != defaultConfig().QuotaAdmin {
		t.Errorf("admin quota = %+v, want 2 used of the admin limit %d", q, defaultConfig().QuotaAdmin)
	}
	out = env.chat("alice", "/ip --fresh 8.8.8.8\n")
	if !strings.Contains(out, "只有管理员可以使用 --fresh") || strings.Contains(out, "结论") {
		t.Errorf("non-admin --fresh:\n%s", out)
	}
	if q := env.quota("alice"); q.Used != 0 || q.Limit != 5 {
		t.Errorf("user quota = %+v, want 0 used of 5", q)
	}
}
