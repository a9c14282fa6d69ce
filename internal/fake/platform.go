package fake

import (
	"context"
	"fmt"
	"sync"

	"tibot/bot"
	"tibot/card"
)

var (
	_ bot.Platform = (*Platform)(nil)
	_ bot.Poster   = (*Poster)(nil)
)

// Platform delivers scripted messages to the handler, each on its own
// goroutine (as real adapters do), and returns from Listen once every one
// has been handled. Each message gets its own *Replier.
type Platform struct {
	PlatformName string         // Name(); default "fake"
	Messages     []*bot.Message // delivered concurrently
	// Plain hands the handler PlainReplier values (no optional
	// capabilities) instead of full Repliers.
	Plain bool
	// Hold, when true, makes Listen wait for ctx to end after handling,
	// like a live connection; Listen then returns ctx.Err().
	Hold bool

	mu       sync.Mutex
	repliers []*Replier
	errs     []error
}

// Name returns PlatformName or "fake".
func (p *Platform) Name() string {
	if p.PlatformName == "" {
		return "fake"
	}
	return p.PlatformName
}

// Listen handles every message concurrently and waits for them.
func (p *Platform) Listen(ctx context.Context, h bot.Handler) error {
	p.mu.Lock()
	p.repliers = make([]*Replier, len(p.Messages))
	p.errs = make([]error, len(p.Messages))
	for i, m := range p.Messages {
		p.repliers[i] = &Replier{Chat: m.Chat}
	}
	p.mu.Unlock()
	var wg sync.WaitGroup
	for i, m := range p.Messages {
		var r bot.Replier = p.repliers[i]
		if p.Plain {
			r = PlainReplier{R: p.repliers[i]}
		}
		wg.Go(func() {
			err := h.Handle(ctx, m, r)
			p.mu.Lock()
			p.errs[i] = err
			p.mu.Unlock()
		})
	}
	wg.Wait()
	if p.Hold {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

// Replier returns the replier of the i-th message (after Listen started).
func (p *Platform) Replier(i int) *Replier {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.repliers[i]
}

// Errors returns what the handler returned per message.
func (p *Platform) Errors() []error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]error(nil), p.errs...)
}

// Post is one recorded Poster call.
type Post struct {
	To   bot.Target
	Card card.Card
}

// Poster records posts; refs are "p1", "p2", …. Err, when set, fails them.
type Poster struct {
	Err error

	mu    sync.Mutex
	posts []Post
}

// Post records c for to.
func (p *Poster) Post(ctx context.Context, to bot.Target, c card.Card) (bot.MessageRef, error) {
	if p.Err != nil {
		return bot.MessageRef{}, p.Err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.posts = append(p.posts, Post{To: to, Card: c})
	return bot.MessageRef{Chat: to.Chat, Thread: to.Thread, ID: fmt.Sprintf("p%d", len(p.posts))}, nil
}

// Posts returns a copy of the recorded posts.
func (p *Poster) Posts() []Post {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Post(nil), p.posts...)
}
