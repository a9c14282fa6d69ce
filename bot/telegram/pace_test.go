package telegram

import (
	"testing"
	"time"

	"tibot/card"
)

func TestPacer(t *testing.T) {
	now := time.Date(2025, 5, 14, 12, 0, 0, 0, time.UTC)
	p := newPacer(Pace{Every: time.Second, Burst: 2}, Pace{Every: 3 * time.Second, Burst: 1}, func() time.Time { return now })
	delays := func(chat string, n int) []time.Duration {
		var out []time.Duration
		for range n {
			d, _ := p.delay(chat)
			out = append(out, d)
		}
		return out
	}
	if got := delays("42", 4); got[0] != 0 || got[1] != 0 || got[2] != time.Second || got[3] != 2*time.Second {
		t.Errorf("private chat delays %v, want [0 0 1s 2s]", got)
	}
	if got := delays("-100", 3); got[0] != 0 || got[1] != 3*time.Second || got[2] != 6*time.Second {
		t.Errorf("group delays %v, want [0 3s 6s]", got)
	}
	if got := delays("43", 1); got[0] != 0 {
		t.Errorf("another chat waits %v", got[0])
	}
	now = now.Add(10 * time.Second)
	if got := delays("42", 1); got[0] != 0 {
		t.Errorf("after a pause the chat waits %v", got[0])
	}
	_, cancel := p.delay("-100")
	cancel()
	unpaced := newPacer(Pace{Every: -1}, Pace{Every: -1}, time.Now)
	for range 100 {
		if d, _ := unpaced.delay("1"); d != 0 {
			t.Fatal("unpaced chat waits")
		}
	}
}

func TestActionStore(t *testing.T) {
	now := time.Date(2025, 5, 14, 12, 0, 0, 0, time.UTC)
	s := newActionStore(time.Hour, 3, func() time.Time { return now })
	ids := make([]string, 5)
	for i := range ids {
		ids[i] = s.put(card.Action{ID: "deep", Value: string(rune('a' + i))})
		if len(ids[i]) > MaxCallbackData {
			t.Fatalf("id %q too long", ids[i])
		}
	}
	if _, ok := s.get(ids[0]); ok {
		t.Error("oldest id kept beyond the bound")
	}
	if a, ok := s.get(ids[4]); !ok || a.ID != "deep" || a.Value != "e" {
		t.Errorf("get = %+v %v", a, ok)
	}
	now = now.Add(2 * time.Hour)
	if _, ok := s.get(ids[4]); ok {
		t.Error("expired id still served")
	}
	if _, ok := s.get("a:unknown"); ok {
		t.Error("unknown id served")
	}
}
