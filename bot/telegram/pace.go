package telegram

import (
	"context"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Pace limits messages to one chat: a burst of Burst, then one per Every.
type Pace struct {
	Every time.Duration // < 0: unpaced
	Burst int
}

// Telegram's flood limits are about one message per second per chat and
// twenty per minute per group (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
var (
	DefaultChatPace  = Pace{Every: time.Second, Burst: 3}
	DefaultGroupPace = Pace{Every: 3 * time.Second, Burst: 5}
)

// Bounds of the pacer's memory.
const (
	maxPacedChats = 10000
	pacerIdle     = 10 * time.Minute
)

// pacer hands out a token-bucket limiter per chat. Groups (negative chat
// ids) get GroupPace. The clock is injectable; waiting goes through the
// adapter's sleep, so tests need no real time.
type pacer struct {
	chat, group Pace
	now         func() time.Time

	mu    sync.Mutex
	chats map[string]*pacedChat
}

type pacedChat struct {
	lim  *rate.Limiter
	used time.Time
}

func newPacer(chat, group Pace, now func() time.Time) *pacer {
	if chat == (Pace{}) {
		chat = DefaultChatPace
	}
	if group == (Pace{}) {
		group = DefaultGroupPace
	}
	return &pacer{chat: chat, group: group, now: now, chats: map[string]*pacedChat{}}
}

// delay reserves the next send to chat and returns how long to wait for
// it; cancel gives the reservation back (when the wait is abandoned).
func (p *pacer) delay(chat string) (time.Duration, func()) {
	pace := p.chat
	if strings.HasPrefix(chat, "-") {
		pace = p.group
	}
	if pace.Every < 0 {
		return 0, func() {}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	c, ok := p.chats[chat]
	if !ok {
		p.evict(now)
		c = &pacedChat{lim: rate.NewLimiter(rate.Every(pace.Every), max(pace.Burst, 1))}
		p.chats[chat] = c
	}
	c.used = now
	r := c.lim.ReserveN(now, 1)
	return r.DelayFrom(now), func() { r.CancelAt(p.now()) }
}

// evict forgets idle chats when the map is full.
func (p *pacer) evict(now time.Time) {
	if len(p.chats) < maxPacedChats {
		return
	}
	for id, c := range p.chats {
		if now.Sub(c.used) > pacerIdle {
			delete(p.chats, id)
		}
	}
}

// pace waits for chat's turn to receive a message.
func (a *Adapter) pace(ctx context.Context, chat string) error {
	d, cancel := a.pacer.delay(chat)
	if d <= 0 {
		return nil
	}
	if err := a.sleep(ctx, d); err != nil {
		cancel()
		return err
	}
	return nil
}
