package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"tibot/intel"
	"tibot/storage"
)

// Exit codes of check and scan (and the dispatcher's convention).
const (
	exitOK     = 0 // everything answered
	exitFailed = 1 // some lookups failed (API, key quota) or the engine failed
	exitUsage  = 2 // bad flags, bad input, missing file, configuration
)

// stdio is what a CLI subcommand reads and writes, and where its settings
// come from. Tests build one with their own environment.
type stdio struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// osStdio is the real process environment.
func osStdio(stdin io.Reader, stdout, stderr io.Writer) stdio {
	return stdio{getenv: osGetenv, stdin: stdin, stdout: stdout, stderr: stderr}
}

// osGetenv is os.Getenv, except that TIBOT_HTTP_ADDR set to the empty
// string reads as "off" (design.md §5: empty disables the listener), which
// a plain getenv cannot tell from unset.
func osGetenv(k string) string {
	v, ok := os.LookupEnv(k)
	if ok && v == "" && k == "TIBOT_HTTP_ADDR" {
		return "off"
	}
	return v
}

// errorf prints "tibot CMD: message" on stderr.
func (s stdio) errorf(cmd, format string, args ...any) {
	fmt.Fprintf(s.stderr, "tibot %s: %s\n", cmd, fmt.Sprintf(format, args...))
}

// logger is the CLI's logger: warnings and errors on stderr.
func (s stdio) logger() *slog.Logger { return s.textLogger(slog.LevelWarn) }

// cliSubject is who the CLI's lookups are recorded for in history. CLI
// runs are unmetered (the operator's own tool); key-pool quota still
// applies.
func (s stdio) cliSubject() intel.Subject {
	return intel.Subject{Platform: "cli", User: firstNonEmpty(s.getenv("USER"), s.getenv("USERNAME"), "operator")}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// parseNoArgs parses the flags of a command that takes no positional
// argument; done reports that the command ends here with code (help: 0, bad
// flags or a stray argument: 2).
func (s stdio) parseNoArgs(fs *flag.FlagSet, args []string, cmd, hint string) (code int, done bool) {
	pos, err := parseFlags(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK, true
	case err != nil:
		return exitUsage, true
	case len(pos) > 0:
		s.errorf(cmd, "unexpected argument %q%s", pos[0], hint)
		return exitUsage, true
	}
	return exitOK, false
}

// textLogger writes structured text logs at level and above on stderr.
func (s stdio) textLogger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(s.stderr, &slog.HandlerOptions{Level: level}))
}

// parseFlags parses flags placed anywhere among args ("check 1.2.3.4
// --format json"), stopping at "--", and returns the positional arguments.
// It returns flag.ErrHelp for -h.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// validFormat checks --format.
func validFormat(f string) error {
	switch f {
	case "text", "json", "csv":
		return nil
	}
	return fmt.Errorf("--format %q: want text, json or csv", f)
}

// open builds the engine for a subcommand, printing the problem and
// returning the exit code when it cannot: 2 for a configuration problem
// (no API key, a bad ThreatBook URL), 1 otherwise (e.g. the database is
// locked by another process).
func (s stdio) open(ctx context.Context, cmd string, cfg Config, o engineOptions) (*engine, int) {
	if o.Logger == nil {
		o.Logger = s.logger()
	}
	e, err := openEngine(ctx, cfg, o)
	switch {
	case err == nil:
		return e, exitOK
	case errors.Is(err, errNoKeys), intel.ErrorCode(err) == intel.EConfig && !errors.Is(err, storage.ErrLocked):
		s.errorf(cmd, "%s", operatorText(err))
		return nil, exitUsage
	default:
		s.errorf(cmd, "%s", operatorText(err))
		return nil, exitFailed
	}
}

// operatorText is how the CLI shows err: a tibot error as its English
// detail followed by the Chinese user message, anything else as is.
func operatorText(err error) string {
	var e *intel.Error
	if !errors.As(err, &e) || e.Detail == "" {
		return err.Error()
	}
	text := e.Detail
	if e.Err != nil {
		text += ": " + e.Err.Error()
	}
	if e.Message != "" {
		text += " (" + e.Message + ")"
	}
	return text
}
