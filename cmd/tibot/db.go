package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"text/tabwriter"
	"time"

	"tibot/intel"
	"tibot/storage"
)

// dbCommand is one `tibot db` subcommand.
type dbCommand struct {
	args    []string // names of the positional arguments it requires
	summary string
	run     func(ctx context.Context, db *storage.DB, args []string, stdout, stderr io.Writer) error
}

func dbCommands() map[string]dbCommand {
	return map[string]dbCommand{
		"stats":   {nil, "key counts and sizes per bucket", dbStats},
		"backup":  {[]string{"FILE"}, "write a consistent copy to FILE (- for stdout)", dbBackup},
		"compact": {[]string{"DST"}, "write a compacted copy to DST (which must not exist)", dbCompact},
	}
}

// runDB implements `tibot db stats|backup FILE|compact DST`; args are the
// arguments after "db". Exit codes: 0 done, 1 failed (e.g. the database is
// locked by a running tibot), 2 bad usage or no database file.
func runDB(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tibot db", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := dbPathFlag(fs, os.Getenv)
	timeout := fs.Duration("lock-timeout", storage.DefaultLockTimeout, "how long to wait for the database lock")
	fs.Usage = func() { dbUsage(stderr, fs) }
	pos, err := parseFlags(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage // the flag package printed the problem and the usage
	}
	cmd, err := dbPickCommand(pos)
	if err != nil {
		fmt.Fprintf(stderr, "tibot db: %v\n\n", err)
		dbUsage(stderr, fs)
		return exitUsage
	}
	db, err := dbOpen(*path, *timeout, stderr)
	if errors.Is(err, storage.ErrLocked) && pos[0] == "backup" && pos[1] != "-" {
		return dbRemoteBackup(ctx, *path, pos[1], stdout, stderr)
	}
	if db == nil {
		return dbExitCode(err, stderr)
	}
	defer db.Close()
	if err := cmd.run(ctx, db, pos[1:], stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "tibot db %s: %s\n", pos[0], dbErrorText(err))
		return exitFailed
	}
	return exitOK
}

// dbPathFlag registers --db, defaulting to $TIBOT_DB, else ./tibot.db.
func dbPathFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	def := getenv("TIBOT_DB")
	if def == "" {
		def = "./tibot.db"
	}
	return fs.String("db", def, "database file (TIBOT_DB)")
}

// dbPickCommand checks the subcommand and its argument count.
func dbPickCommand(pos []string) (dbCommand, error) {
	if len(pos) == 0 {
		return dbCommand{}, errors.New("missing subcommand")
	}
	cmd, ok := dbCommands()[pos[0]]
	switch {
	case !ok:
		return dbCommand{}, fmt.Errorf("unknown subcommand %q", pos[0])
	case len(pos)-1 < len(cmd.args):
		return dbCommand{}, fmt.Errorf("%s: missing %s", pos[0], cmd.args[len(pos)-1])
	case len(pos)-1 > len(cmd.args):
		return dbCommand{}, fmt.Errorf("%s: unexpected argument %q", pos[0], pos[len(cmd.args)+1])
	}
	return cmd, nil
}

func dbUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, "Usage: tibot db [--db FILE] [--lock-timeout D] COMMAND [ARG]\n\nCommands:")
	for _, name := range []string{"stats", "backup", "compact"} {
		c := dbCommands()[name]
		use := name
		for _, a := range c.args {
			use += " " + a
		}
		fmt.Fprintf(w, "  %-14s %s\n", use, c.summary)
	}
	fmt.Fprintln(w, "\nFlags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// dbOpen opens an existing database; it never creates one. On failure it
// prints why and returns the exit code.
// A locked database is returned as an error wrapping storage.ErrLocked and
// printed only for commands that cannot go through the running bot.
func dbOpen(path string, timeout time.Duration, stderr io.Writer) (*storage.DB, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(stderr, "tibot db: database %s does not exist (set --db or TIBOT_DB)\n", path)
		return nil, err
	}
	db, err := storage.Open(path, storage.Options{LockTimeout: timeout})
	if err != nil {
		return nil, err
	}
	return db, nil
}

// dbExitCode prints why the database could not be opened and returns the
// exit code: 2 for a missing file (already reported), 1 otherwise.
func dbExitCode(err error, stderr io.Writer) int {
	if errors.Is(err, fs.ErrNotExist) {
		return exitUsage
	}
	fmt.Fprintf(stderr, "tibot db: %s\n", dbErrorText(err))
	if errors.Is(err, storage.ErrLocked) {
		fmt.Fprintln(stderr, "tibot db: bbolt lets one process open the file at a time; stop tibot first, then retry "+
			"(backup goes through a running tibot serve's HTTP listener instead)")
	}
	return exitFailed
}

// dbRemoteBackup takes the backup through the running tibot that holds the
// lock.
func dbRemoteBackup(ctx context.Context, path, dst string, stdout, stderr io.Writer) int {
	n, err := remoteBackup(ctx, path, dst)
	if err != nil {
		fmt.Fprintf(stderr, "tibot db backup: database %s is locked by a running tibot and %v\n", path, err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "backup: wrote %d bytes of %s to %s (hot copy from the running tibot)\n", n, path, dst)
	return exitOK
}

// dbErrorText is the operator's view of err: the detail and, for tibot
// errors, the Chinese message.
func dbErrorText(err error) string {
	var e *intel.Error
	if errors.As(err, &e) && e.Detail != "" {
		if e.Message != "" {
			return e.Detail + " (" + e.Message + ")"
		}
		return e.Detail
	}
	return err.Error()
}

func dbStats(ctx context.Context, db *storage.DB, _ []string, stdout, _ io.Writer) error {
	stats, err := db.Stats(ctx)
	if err != nil {
		return err
	}
	version, err := db.Version()
	if err != nil {
		return err
	}
	fi, err := os.Stat(db.Path())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database %s\nsize     %d bytes\nschema   %d\n\n", db.Path(), fi.Size(), version)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "BUCKET\tKEYS\tIN USE\tALLOCATED")
	for _, s := range stats {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", s.Name, s.Keys, s.InUse, s.Alloc)
	}
	return tw.Flush()
}

func dbBackup(ctx context.Context, db *storage.DB, args []string, stdout, stderr io.Writer) error {
	if args[0] == "-" {
		n, err := db.Backup(ctx, stdout)
		if err == nil {
			fmt.Fprintf(stderr, "backup: wrote %d bytes of %s to stdout\n", n, db.Path())
		}
		return err
	}
	n, err := db.BackupFile(ctx, args[0])
	if err == nil {
		fmt.Fprintf(stdout, "backup: wrote %d bytes of %s to %s\n", n, db.Path(), args[0])
	}
	return err
}

func dbCompact(ctx context.Context, db *storage.DB, args []string, stdout, _ io.Writer) error {
	if err := db.Compact(ctx, args[0]); err != nil {
		return err
	}
	before, err := os.Stat(db.Path())
	if err != nil {
		return err
	}
	after, err := os.Stat(args[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "compact: %s (%d bytes) -> %s (%d bytes); swap the files while tibot is stopped\n",
		db.Path(), before.Size(), args[0], after.Size())
	return nil
}
