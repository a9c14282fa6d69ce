// Package console is tibot's terminal adapter: one analyst typing chat
// lines on stdin, cards rendered as text (card.Text) on stdout. It serves
// local use, the offline demo (`tibot console --demo`) and end-to-end tests,
// so its output is deterministic: messages are handled one at a time, in
// input order, and ids count up ("m1", "m2", …).
//
// Input lines:
//
//	/ip 198.51.100.23      a command: Command "ip", Text "198.51.100.23"
//	any other text         a message (a paste of one line)
//	```                    starts a multi-line paste; the next ``` line ends it
//	/file PATH             shares the file at PATH (Message.Files)
//	/action ID [VALUE]     clicks a button (Message.Action) of the last card
//
// Blank lines are skipped.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"tibot/bot"
	"tibot/card"
)

// Name is the platform name of console messages ("console:<user>" in
// TIBOT_ADMINS makes the console user an admin).
const Name = "console"

// Options configures an Adapter. The zero value is usable.
type Options struct {
	User  string // sender id; default "analyst"
	Chat  string // chat id; default "console"
	Admin bool   // Admins() returns "console:<User>" for the wiring to add to bot.Access.Admins
	// FilesDir receives uploaded attachments (CSV); default: a new
	// temporary directory, created on the first upload.
	FilesDir string
	// Echo prints every input line as "> line" before its answer, so a
	// transcript of piped input reads like a chat.
	Echo bool
}

// Adapter is the console platform. It implements bot.Platform and
// bot.Poster; its repliers implement bot.Replier, bot.Editor and
// bot.Uploader. It is safe for concurrent use (posts from other goroutines
// are printed whole, never interleaved).
type Adapter struct {
	in io.Reader
	o  Options

	mu      sync.Mutex // guards out, ids, lastRef, filesDir
	out     io.Writer
	ids     int
	lastRef bot.MessageRef // last reply carrying buttons, the target of /action
}

var (
	_ bot.Platform = (*Adapter)(nil)
	_ bot.Poster   = (*Adapter)(nil)
)

// New returns an adapter reading chat lines from in and printing to out.
func New(in io.Reader, out io.Writer, o Options) *Adapter {
	if o.User == "" {
		o.User = "analyst"
	}
	if o.Chat == "" {
		o.Chat = "console"
	}
	return &Adapter{in: in, out: out, o: o}
}

// Name returns "console".
func (a *Adapter) Name() string { return Name }

// Admins returns the TIBOT_ADMINS entry of the console user when
// Options.Admin is set, else nil.
func (a *Adapter) Admins() []string {
	if !a.o.Admin {
		return nil
	}
	return []string{Name + ":" + a.o.User}
}

// Listen reads input until EOF or until ctx ends, handling each message
// synchronously before reading the next. It returns nil at EOF, ctx.Err()
// when cancelled, or the read error.
func (a *Adapter) Listen(ctx context.Context, h bot.Handler) error {
	lines, errc := readLines(ctx, a.in)
	p := parser{}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case line, ok := <-lines:
			if !ok {
				if m := p.flush(false); m != nil {
					a.handle(ctx, h, m)
				}
				return <-errc
			}
			if m := p.line(line); m != nil {
				a.handle(ctx, h, m)
			}
		}
	}
}

// readLines scans r on its own goroutine so Listen can stop on ctx while
// a terminal read blocks. The goroutine ends at EOF or when ctx ends.
func readLines(ctx context.Context, r io.Reader) (<-chan string, <-chan error) {
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 4<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				errc <- ctx.Err()
				return
			}
		}
		errc <- sc.Err()
	}()
	return lines, errc
}

// handle completes m (ids, sender, file or action) and runs h on it. An
// error h returns (no ReplyErrors in front of it, or the reply failed) is
// printed as an error card.
func (a *Adapter) handle(ctx context.Context, h bot.Handler, in *input) {
	if a.o.Echo {
		a.print("> " + strings.ReplaceAll(in.echo, "\n", "\n> "))
	}
	m, err := a.message(in)
	if err != nil {
		a.printCard("", card.FromError(err, ""))
		return
	}
	r := &replier{a: a, chat: m.Chat}
	if err := h.Handle(ctx, m, r); err != nil && ctx.Err() == nil {
		a.printCard("", card.FromError(err, ""))
	}
}

// message turns parsed input into a bot.Message.
func (a *Adapter) message(in *input) (*bot.Message, error) {
	m := &bot.Message{
		Platform: Name, Chat: a.o.Chat, User: a.o.User, UserName: a.o.User,
		Direct: true, ID: a.nextID(), Command: in.command, Text: in.text,
	}
	switch {
	case in.file != "":
		f, err := openFile(in.file)
		if err != nil {
			return nil, err
		}
		m.Files = []bot.File{f}
	case in.action != "":
		a.mu.Lock()
		m.Action = &bot.Action{ID: in.action, Value: in.value, Ref: a.lastRef}
		a.mu.Unlock()
	}
	return m, nil
}

// nextID returns the next message id, "m1", "m2", ….
func (a *Adapter) nextID() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.ids++
	return fmt.Sprintf("m%d", a.ids)
}

// Post prints c addressed to its target: "[to chat/thread]" then the card.
func (a *Adapter) Post(ctx context.Context, to bot.Target, c card.Card) (bot.MessageRef, error) {
	ref := bot.MessageRef{Chat: to.Chat, Thread: to.Thread, ID: a.nextID()}
	dest := to.Chat
	if to.Thread != "" {
		dest += "/" + to.Thread
	}
	return ref, a.printCard("[to "+dest+"]\n", c)
}

// ensureFilesDir returns the directory for uploads, creating a temporary
// one on first use when Options.FilesDir is empty.
func (a *Adapter) ensureFilesDir() (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.o.FilesDir == "" {
		dir, err := os.MkdirTemp("", "tibot-console-")
		if err != nil {
			return "", fmt.Errorf("console: files dir: %w", err)
		}
		a.o.FilesDir = dir
	}
	return a.o.FilesDir, os.MkdirAll(a.o.FilesDir, 0o700)
}
