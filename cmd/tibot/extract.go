package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"

	"tibot/ioc"
)

// runExtract implements `tibot extract [--all] [--lines] [FILE...]`
// (design.md §5): it prints one canonical IP per line, unique, in order of
// first appearance across all inputs, public addresses only unless --all.
// With --lines it prints LINE<TAB>IP for each unique IP of each input line;
// lines are numbered across the inputs as if they were concatenated, from 1.
// Standard input is read when no FILE is given, or for "-". Every file is
// opened before anything is printed: a missing or unreadable file is an
// error naming it, exit code 2. Binary input gets a warning on stderr and
// its IPs are still printed.
func runExtract(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("extract", flag.ContinueOnError)
	flags.SetOutput(stderr)
	all := flags.Bool("all", false, "include private and reserved addresses")
	lines := flags.Bool("lines", false, "print LINE<TAB>IP for each unique IP of each input line")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: tibot extract [--all] [--lines] [FILE...]")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	inputs, err := openInputs(flags.Args(), stdin)
	defer inputs.close()
	if err != nil {
		fmt.Fprintf(stderr, "tibot extract: %v\n", err)
		return 2
	}
	w := bufio.NewWriter(stdout)
	x := extractor{ctx: ctx, w: w, stderr: stderr, all: *all, lines: *lines, seen: make(map[netip.Addr]struct{})}
	code := 0
	for _, in := range inputs {
		if code = x.run(in); code != 0 {
			break
		}
	}
	if err := w.Flush(); err != nil && code == 0 {
		fmt.Fprintf(stderr, "tibot extract: write output: %v\n", err)
		code = 1
	}
	return code
}

// input is one named source of text.
type input struct {
	name string // as given; "-" is standard input
	r    io.Reader
	c    io.Closer // nil for standard input
}

type inputs []input

func (ins inputs) close() {
	for _, in := range ins {
		if in.c != nil {
			in.c.Close()
		}
	}
}

// openInputs opens every file up front; no name means standard input.
func openInputs(names []string, stdin io.Reader) (inputs, error) {
	if len(names) == 0 {
		names = []string{"-"}
	}
	var ins inputs
	for _, name := range names {
		if name == "-" {
			ins = append(ins, input{name: name, r: stdin})
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err // the name is printed already
			}
			return ins, fmt.Errorf("cannot open %s: %w", name, err)
		}
		ins = append(ins, input{name: name, r: f, c: f})
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return ins, fmt.Errorf("cannot read %s: it is a directory", name)
		}
	}
	return ins, nil
}

// extractor prints the IPs of successive inputs.
type extractor struct {
	ctx    context.Context
	w      *bufio.Writer
	stderr io.Writer
	all    bool
	lines  bool
	seen   map[netip.Addr]struct{} // printed already (default mode)
	line   int                     // lines read from earlier inputs
}

// run extracts one input and returns the exit code so far.
func (x *extractor) run(in input) int {
	opts := ioc.Options{LineOffset: x.line}
	if x.lines {
		opts.OnLine = x.printLine
	}
	res, err := ioc.Extract(ctxReader{x.ctx, in.r}, opts)
	if err != nil {
		fmt.Fprintf(x.stderr, "tibot extract: cannot read %s: %v\n", displayName(in.name), err)
		return 2
	}
	x.line += res.Lines
	if res.Binary {
		fmt.Fprintf(x.stderr, "tibot extract: warning: %s looks binary (NUL bytes or invalid UTF-8); printing the IPs found in its text\n", displayName(in.name))
	}
	if x.lines {
		return 0
	}
	for _, h := range res.Hits {
		if _, dup := x.seen[h.Addr]; dup || !(x.all || h.Public) {
			continue
		}
		x.seen[h.Addr] = struct{}{}
		x.w.WriteString(h.Addr.String())
		x.w.WriteByte('\n')
	}
	return 0
}

// printLine prints one LINE<TAB>IP record of --lines.
func (x *extractor) printLine(line int, addr netip.Addr) error {
	if !x.all && !ioc.IsPublic(addr) {
		return nil
	}
	_, err := fmt.Fprintf(x.w, "%d\t%s\n", line, addr)
	return err
}

// displayName names an input in messages.
func displayName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}

// ctxReader stops reading when ctx is done (Ctrl-C on a large file).
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
