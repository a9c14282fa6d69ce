package console

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"

	"tibot/bot"
	"tibot/intel"
)

// fence starts and ends a multi-line paste.
const fence = "```"

// input is one parsed console message before ids are assigned.
type input struct {
	echo          string // the input as typed, for Options.Echo
	command, text string
	file          string // /file PATH
	action, value string // /action ID VALUE
}

// parser turns input lines into messages, collecting fenced blocks.
type parser struct {
	inBlock bool
	block   []string
}

// line consumes one input line and returns a message when one is complete.
func (p *parser) line(s string) *input {
	trimmed := strings.TrimSpace(s)
	if p.inBlock {
		if trimmed == fence {
			return p.flush(true)
		}
		p.block = append(p.block, s)
		return nil
	}
	if strings.HasPrefix(trimmed, fence) {
		// "```" or "```log": the language tag is ignored.
		p.inBlock, p.block = true, nil
		return nil
	}
	if trimmed == "" {
		return nil
	}
	return parseLine(trimmed)
}

// flush ends an open block (closed by ``` or cut by EOF) and returns it
// as one paste; nil when no block is open.
func (p *parser) flush(closed bool) *input {
	if !p.inBlock {
		return nil
	}
	text := strings.Join(p.block, "\n")
	p.inBlock, p.block = false, nil
	echo := fence + "\n" + text
	if closed {
		echo += "\n" + fence
	}
	return &input{echo: echo, text: text}
}

// parseLine parses one non-blank line outside a block.
func parseLine(s string) *input {
	in := &input{echo: s}
	if len(s) < 2 || s[0] != '/' {
		in.text = s
		return in
	}
	name, rest, _ := strings.Cut(s[1:], " ")
	rest = strings.TrimSpace(rest)
	switch name {
	case "":
		in.text = s
	case "file":
		in.file = rest
	case "action":
		in.action, in.value, _ = strings.Cut(rest, " ")
		in.value = strings.TrimSpace(in.value)
	default:
		in.command, in.text = name, rest
	}
	return in
}

// openFile describes the file at path as a bot.File; Open reads it. A
// missing path or a directory is an EInvalid error.
func openFile(path string) (bot.File, error) {
	if path == "" {
		return bot.File{}, &intel.Error{Code: intel.EInvalid, Message: "用法: /file 文件路径"}
	}
	st, err := os.Stat(path)
	if err != nil || st.IsDir() {
		return bot.File{}, &intel.Error{Code: intel.EInvalid, Message: "无法读取文件 " + path, Err: err}
	}
	return bot.File{
		Name: filepath.Base(path),
		Size: st.Size(),
		MIME: mimeType(path),
		Open: func(ctx context.Context) (io.ReadCloser, error) { return os.Open(path) },
	}, nil
}

// mimeType guesses a file's type from its extension with a fixed table,
// so the result does not depend on the host's mime database.
func mimeType(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".txt", ".log":
		return "text/plain"
	case ".csv":
		return "text/csv"
	case ".json":
		return "application/json"
	case ".gz":
		return "application/gzip"
	case ".zip":
		return "application/zip"
	}
	return "" // unknown: the engine sniffs the content
}
