package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"

	"tibot/bot"
	"tibot/bot/console"
)

// runConsole is `tibot console [--demo] [--user NAME] [--admin]`: a chat
// with the bot in the terminal, one line per message, until end of input.
func runConsole(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return osStdio(stdin, stdout, stderr).console(ctx, args, time.Now)
}

// consoleFlags are the console's own flags.
type consoleFlags struct {
	demo    bool
	user    string
	admin   bool
	verbose bool
}

// console parses flags, wires engine, router and the console adapter, and
// serves until end of input (exit 0).
func (s stdio) console(ctx context.Context, args []string, now func() time.Time) int {
	cfg := defaultConfig()
	fs := flag.NewFlagSet("tibot console", flag.ContinueOnError)
	fs.SetOutput(s.stderr)
	ef := addEngineFlags(fs, &cfg)
	var cf consoleFlags
	fs.BoolVar(&cf.demo, "demo", false, "offline demo: in-process fake ThreatBook and a temporary database, no credentials needed")
	fs.StringVar(&cf.user, "user", firstNonEmpty(s.getenv("USER"), s.getenv("USERNAME"), "analyst"), "user name to chat as")
	fs.BoolVar(&cf.admin, "admin", false, "chat as an admin (may use /ip --fresh, admin quota)")
	fs.BoolVar(&cf.verbose, "v", false, "log every message on stderr")
	if code, done := s.parseNoArgs(fs, args, "console", " (type messages on standard input)"); done {
		return code
	}
	if err := ef.load(s.getenv); err != nil {
		s.errorf("console", "%v", err)
		return exitUsage
	}
	level := slog.LevelWarn // every message with -v
	if cf.verbose {
		level = slog.LevelInfo
	}
	logger := s.textLogger(level)
	e, code := s.open(ctx, "console", cfg, engineOptions{NoCache: ef.noCache, Demo: cf.demo, Logger: logger, Now: now})
	if e == nil {
		return code
	}
	defer e.Close()
	if err := s.chatInConsole(ctx, e, cf, chatOptions{now: now, logger: logger}); err != nil {
		s.errorf("console", "%v", err)
		return exitFailed
	}
	return exitOK
}

// chatInConsole runs the console adapter with the router until end of
// input, with the deferred worker answering queued addresses meanwhile.
func (s stdio) chatInConsole(ctx context.Context, e *engine, cf consoleFlags, o chatOptions) error {
	p := console.New(s.stdin, s.stdout, console.Options{User: cf.user, Admin: cf.admin, Echo: !isTerminal(s.stdin)})
	access := bot.Access{Admins: append(slices.Clone(e.cfg.Admins), p.Admins()...), Allow: e.cfg.Allow}
	o.access = access
	rt, err := newRouter(e, o)
	if err != nil {
		return err
	}
	w, err := newDeferredWorker(e, map[string]bot.Poster{p.Name(): p}, o)
	if err != nil {
		return err
	}
	consoleBanner(s.stderr, cf.demo)
	wctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = w.Run(wctx) })
	err = bot.Serve(ctx, p, rt, serveOptions(access, o, 1))
	stop()
	wg.Wait()
	return err
}

// isTerminal reports whether r is an interactive terminal; piped input is
// echoed ("> line") so the transcript reads like a chat.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// consoleBanner greets the user on stderr, so stdout holds only the chat.
func consoleBanner(w io.Writer, demo bool) {
	mode := "使用配置的微步在线 API 密钥"
	if demo {
		mode = "演示模式: 内置模拟的微步在线服务和临时数据库, 无需任何密钥, 结果为模拟数据"
	}
	fmt.Fprintf(w, `tibot 控制台 (%s)
输入命令, 或直接粘贴含 IP 的文本/日志, 例如:
  /ip 1.1.1.1
  /ip 8.8.8.8 1.0.0.1 45.33.32.156
  Nov 27 04:00:01 fw DROP src=185.220.101.4 dst=10.0.0.5
  /quota    /help
多行内容请放在 `+"```"+` 之间; "/file 路径" 上传日志文件; Ctrl-D 结束。
`, mode)
}
