package main

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"tibot/bot"
	"tibot/internal/fake"
)

// concurrentUsers is how many users talk to the bot at once.
const concurrentUsers = 100

// serveConcurrently delivers one message per user at once through
// bot.Serve and checks every message was answered without error.
func serveConcurrently(t *testing.T, env *chatEnv, text func(i int) string) *fake.Platform {
	t.Helper()
	p := &fake.Platform{PlatformName: "slack"}
	for i := range concurrentUsers {
		p.Messages = append(p.Messages, &bot.Message{Platform: "slack", Chat: "C1", ID: fmt.Sprintf("%d.1", i),
			User: fmt.Sprintf("U%03d", i), Text: text(i)})
	}
	if err := bot.Serve(context.Background(), p, env.rt, env.serveO); err != nil {
		t.Fatal(err)
	}
	for i, err := range p.Errors() {
		if err != nil {
			t.Errorf("user %d: %v", i, err)
		}
		if n := len(p.Replier(i).Replies()); n == 0 {
			t.Errorf("user %d got no reply", i)
		}
	}
	return p
}

func ipArgs(ips []netip.Addr) string {
	var s []string
	for _, a := range ips {
		s = append(s, a.String())
	}
	return strings.Join(s, " ")
}

// TestHundredConcurrentUsersExactQuota runs under -race: 100 users ask at
// once for three IPs each with a quota of two. Each is charged exactly two
// units, the API serves exactly 200, and the 100 leftovers are queued.
// Next day, everyone asks about one shared and one own IP at once: the
// units users are charged equal the units the API served.
func TestHundredConcurrentUsersExactQuota(t *testing.T) {
	env := newChatEnv(t, chatEnvOptions{userQuota: 2})
	ips := publicAddrs(t, 3*concurrentUsers+concurrentUsers+1)
	p := serveConcurrently(t, env, func(i int) string { return "/ip " + ipArgs(ips[3*i:3*i+3]) })
	for i := range concurrentUsers {
		if q := env.quotaOn("slack", fmt.Sprintf("U%03d", i)); q.Used != 2 || q.Remaining != 0 {
			t.Errorf("user %d quota = %+v, want 2 used", i, q)
		}
		if n := len(p.Replier(i).Replies()); n != 4 {
			t.Errorf("user %d got %d replies, want a quota note and 3 cards", i, n)
		}
	}
	if st := env.api.Stats(); st.Units != 2*concurrentUsers {
		t.Errorf("API units = %d, want %d", st.Units, 2*concurrentUsers)
	}
	if n, err := env.eng.db.DeferredLen(context.Background()); err != nil || n != concurrentUsers {
		t.Errorf("deferred queue = %d, %v; want %d", n, err, concurrentUsers)
	}

	env.clock.nextDay()
	before := env.api.Stats().Units
	shared, own := ips[4*concurrentUsers], ips[3*concurrentUsers:4*concurrentUsers]
	serveConcurrently(t, env, func(i int) string { return fmt.Sprintf("/ip %s %s", shared, own[i]) })
	charged := 0
	for i := range concurrentUsers {
		q := env.quotaOn("slack", fmt.Sprintf("U%03d", i))
		if q.Used < 1 || q.Used > 2 {
			t.Errorf("user %d charged %d units for one own and one shared IP", i, q.Used)
		}
		charged += q.Used
	}
	if served := env.api.Stats().Units - before; served != charged {
		t.Errorf("users were charged %d units, the API served %d", charged, served)
	}
}
