// Command tibot is a chat-ops bot for security operations teams: it extracts
// IPs from chat messages and logs, asks ThreatBook (微步在线) about them and
// answers with Chinese verdict cards. The same engine runs from the command
// line.
//
// Usage:
//
//	tibot serve                      run every configured chat platform and the HTTP listener
//	tibot console [--demo]           chat with the bot in the terminal
//	tibot check [--format F] IP...   look IPs up
//	tibot scan  [--format F] FILE... extract IPs from logs, look them up, summarise
//	tibot extract [--all] [--lines] FILE...
//	tibot db stats|backup FILE|compact DST
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// subcommand runs one tibot subcommand and returns the process exit code:
// 0 success, 1 failure, 2 bad usage or bad input.
type subcommand struct {
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int
	summary string
}

func subcommands() map[string]subcommand {
	return map[string]subcommand{
		"serve":   {runServe, "run the configured chat platforms and the HTTP listener"},
		"console": {runConsole, "chat with the bot in this terminal (--demo: offline, no credentials)"},
		"check":   {runCheck, "look up IP addresses: tibot check [--format text|json|csv] [--deep] IP..."},
		"scan":    {runScan, "extract IPs from logs, look them up and summarise: tibot scan [FILE...]"},
		"extract": {runExtract, "print the IPs found in text: tibot extract [--all] [--lines] [FILE...]"},
		"db":      {runDB, "database maintenance: tibot db stats|backup FILE|compact DST"},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmds := subcommands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "tibot: unknown command %q\n\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	return c.run(ctx, args[1:], stdin, stdout, stderr)
}

func usage(w io.Writer, cmds map[string]subcommand) {
	fmt.Fprintln(w, "tibot: IP threat-intel chat-ops bot (ThreatBook 微步在线)")
	fmt.Fprintln(w, "\nUsage: tibot COMMAND [flags] [args]\n\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun `tibot COMMAND -h` for a command's flags. Environment: see README.md.")
}
