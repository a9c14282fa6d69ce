package console

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"tibot/bot"
	"tibot/card"
)

// separator ends every printed card.
const separator = "────────────────────────────────────────"

// replier answers one console message.
type replier struct {
	a    *Adapter
	chat string
}

var (
	_ bot.Replier  = (*replier)(nil)
	_ bot.Editor   = (*replier)(nil)
	_ bot.Uploader = (*replier)(nil)
)

// Reply prints c and returns its new message id.
func (r *replier) Reply(ctx context.Context, c card.Card) (bot.MessageRef, error) {
	ref := bot.MessageRef{Chat: r.chat, ID: r.a.nextID()}
	if len(c.Actions) > 0 {
		r.a.mu.Lock()
		r.a.lastRef = ref
		r.a.mu.Unlock()
	}
	return ref, r.a.printCard("", c)
}

// Edit prints the new version of a sent card, prefixed "(更新) ". A
// terminal could redraw it; printing keeps transcripts deterministic.
func (r *replier) Edit(ctx context.Context, ref bot.MessageRef, c card.Card) error {
	return r.a.printCard("(更新) ", c)
}

// Upload writes the attachment into the files directory and prints where.
func (r *replier) Upload(ctx context.Context, att card.Attachment, comment string) error {
	dir, err := r.a.ensureFilesDir()
	if err != nil {
		return err
	}
	path, err := writeNew(dir, att.Name, att.Data)
	if err != nil {
		return fmt.Errorf("console: upload %s: %w", att.Name, err)
	}
	line := fmt.Sprintf("(附件已保存: %s, %d 行)", path, card.LineCount(att.Data))
	if comment != "" {
		line = comment + "\n" + line
	}
	return r.a.print(line + "\n" + separator)
}

// writeNew writes data to a new file named like name in dir (never
// overwriting: "x.csv", "x-2.csv", …) and returns its path.
func writeNew(dir, name string, data []byte) (string, error) {
	name = filepath.Base(filepath.Clean("/" + name))
	if name == "/" || name == "." {
		name = "attachment"
	}
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 1; ; i++ {
		path := filepath.Join(dir, name)
		if i > 1 {
			path = filepath.Join(dir, fmt.Sprintf("%s-%d%s", stem, i, ext))
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if os.IsExist(err) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		return path, werr
	}
}

// printCard prints prefix + card.Text(c) and the separator as one block.
func (a *Adapter) printCard(prefix string, c card.Card) error {
	return a.print(prefix + card.Text(c) + "\n" + separator)
}

// print writes s and a newline atomically.
func (a *Adapter) print(s string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, err := io.WriteString(a.out, s+"\n")
	return err
}
