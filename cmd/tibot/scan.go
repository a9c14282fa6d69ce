package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"slices"
	"strings"
	"time"

	"tibot/card"
	"tibot/intel"
	"tibot/ioc"
	"tibot/lookup"
)

const scanUsage = `Usage: tibot scan [--format text|json|csv] [--no-cache] [--db FILE] [--threatbook-url URL] [FILE...]

Extracts every IP address from logs or text (stdin when no FILE, or "-"),
looks the public ones up at ThreatBook and prints a summary: counts per
level, malicious first, private/reserved addresses skipped (never sent).
json and csv print one record per unique IP, skipped ones included.
Exit status: 0 all answered, 1 some lookups failed, 2 bad input or setup.

Flags:
`

// runScan implements `tibot scan` (design.md §5).
func runScan(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runScanWith(ctx, osStdio(stdin, stdout, stderr), args)
}

// scanInput is what the extraction of every input found.
type scanInput struct {
	hits   []ioc.Hit // unique across inputs, first appearance order
	source string    // for the summary title, e.g. "文件 fw.log"
}

// runScanWith is runScan with an explicit environment (tests).
func runScanWith(ctx context.Context, cli stdio, args []string) int {
	cfg := defaultConfig()
	f, code := parseScan(cli, args, &cfg)
	if f == nil {
		return code
	}
	in, err := extractInputs(cli, f.files)
	if err != nil {
		cli.errorf("scan", "%v", err)
		return exitUsage
	}
	res, code := scanLookup(ctx, cli, cfg, f.engine.noCache, in.hits)
	if code != exitOK {
		return code
	}
	if err := writeScan(cli.stdout, f.format, in, res); err != nil {
		cli.errorf("scan", "write output: %v", err)
		return exitFailed
	}
	return exitFor(res.Verdicts)
}

// scanFlags are scan's parsed command line.
type scanFlags struct {
	format string
	engine *engineFlags
	files  []string
}

// parseScan parses flags and the configuration. On a problem it prints it
// and returns nil with the exit code.
func parseScan(cli stdio, args []string, cfg *Config) (*scanFlags, int) {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(cli.stderr)
	f := &scanFlags{}
	fs.StringVar(&f.format, "format", "text", "output: text (summary and list), json (JSON Lines) or csv")
	f.engine = addEngineFlags(fs, cfg)
	fs.Usage = func() { fmt.Fprint(cli.stderr, scanUsage); fs.PrintDefaults() }
	var err error
	f.files, err = parseFlags(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, exitOK
	}
	if err != nil { // the flag package has printed it
		return nil, exitUsage
	}
	if err := errors.Join(validFormat(f.format), f.engine.load(cli.getenv)); err != nil {
		cli.errorf("scan", "%v", err)
		return nil, exitUsage
	}
	return f, exitOK
}

// extractInputs opens every input first (a missing or unreadable file is
// an error before any work), then extracts them as one numbered text.
func extractInputs(cli stdio, files []string) (scanInput, error) {
	if len(files) == 0 {
		files = []string{"-"}
	}
	var rs []io.Reader
	var errs []error
	for _, name := range files {
		if name == "-" {
			rs = append(rs, cli.stdin)
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			errs = append(errs, fmt.Errorf("cannot read %s (无法读取文件): %w", name, pathCause(err)))
			continue
		}
		defer f.Close()
		rs = append(rs, f)
	}
	if err := errors.Join(errs...); err != nil {
		return scanInput{}, err
	}
	return extractAll(cli, files, rs)
}

// extractAll runs ioc.Extract over each reader, numbering lines across
// inputs, warning about binary or oversized input, and merges the hits.
func extractAll(cli stdio, names []string, rs []io.Reader) (scanInput, error) {
	var all []ioc.Hit
	lines := 0
	for i, r := range rs {
		res, err := ioc.Extract(r, ioc.Options{LineOffset: lines})
		if err != nil {
			return scanInput{}, fmt.Errorf("read %s: %w", inputName(names[i]), err)
		}
		if res.Binary {
			cli.errorf("scan", "warning: %s looks binary (NUL bytes or invalid UTF-8); only IPs in its text parts are reported", inputName(names[i]))
		}
		lines += res.Lines
		all = append(all, res.Hits...)
	}
	in := scanInput{hits: mergeHits(all), source: "文件 " + strings.Join(names, ", ")}
	if len(names) == 1 && names[0] == "-" {
		in.source = "标准输入"
	}
	return in, nil
}

// pathCause is the reason inside a *fs.PathError ("no such file or
// directory"), the file name being printed already.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// inputName names an input in messages.
func inputName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}

// mergeHits folds the hits of several inputs into one unique list: counts
// add up, the first appearance stays, and the role follows ioc's rule
// (source if any input says source, else destination if any says so).
func mergeHits(hs []ioc.Hit) []ioc.Hit {
	at := make(map[netip.Addr]int, len(hs))
	out := make([]ioc.Hit, 0, len(hs))
	for _, h := range hs {
		i, ok := at[h.Addr]
		if !ok {
			at[h.Addr] = len(out)
			out = append(out, h)
			continue
		}
		out[i].Count += h.Count
		if h.Role == ioc.RoleSource || out[i].Role == ioc.RoleUnknown {
			out[i].Role = h.Role
		}
	}
	return out
}

// scanLookup looks the public hits up (unmetered: the operator's tool).
func scanLookup(ctx context.Context, cli stdio, cfg Config, noCache bool, hits []ioc.Hit) (lookup.Result, int) {
	pub := 0
	for _, h := range hits {
		if ioc.IsPublic(h.Addr) {
			pub++
		}
	}
	if pub == 0 {
		return lookup.Result{Unique: len(hits), Private: len(hits)}, exitOK
	}
	e, code := cli.open(ctx, "scan", cfg, engineOptions{NoCache: noCache})
	if e == nil {
		return lookup.Result{}, code
	}
	defer e.Close()
	res, err := e.lookup.Lookup(ctx, lookup.Request{Hits: hits, Subject: cli.cliSubject(), Unmetered: true})
	if err != nil {
		cli.errorf("scan", "%v", err)
		return res, exitFailed
	}
	return res, exitOK
}

// writeScan prints the scan result in the chosen format.
func writeScan(w io.Writer, format string, in scanInput, res lookup.Result) error {
	if format == "text" {
		return writeSummary(w, in, res, time.Now())
	}
	byIP := make(map[netip.Addr]intel.Verdict, len(res.Verdicts))
	for _, v := range res.Verdicts {
		byIP[v.IP] = v
	}
	all := make([]intel.Verdict, len(in.hits))
	for i, h := range in.hits {
		v, ok := byIP[h.Addr]
		if !ok {
			v = skipped(h.Addr)
		}
		all[i] = v
	}
	return writeVerdicts(w, format, all, time.Now())
}

// writeSummary prints the batch card, then one line per public IP, worst
// level first.
func writeSummary(w io.Writer, in scanInput, res lookup.Result, now time.Time) error {
	c := card.FromBatch(card.Batch{Verdicts: res.Verdicts, Unique: res.Unique, Private: res.Private,
		Cached: res.Cached, Live: res.Live, Failed: res.Failed, Deferred: res.Deferred, Now: now, Source: in.source})
	if c.Attachment != nil { // the CLI lists everything below instead
		c.Attachment = nil
		c.Text = strings.ReplaceAll(c.Text, "见 CSV 附件", "见下方列表, CSV 请用 --format csv")
	}
	c.Actions = nil // buttons are for chat
	var b strings.Builder
	b.WriteString(card.Text(c) + "\n")
	vs := slices.Clone(res.Verdicts)
	slices.SortStableFunc(vs, func(a, b intel.Verdict) int { return int(b.Level) - int(a.Level) })
	if len(vs) > 0 {
		b.WriteString("\n")
	}
	for _, v := range vs {
		b.WriteString(ipLine(v) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
