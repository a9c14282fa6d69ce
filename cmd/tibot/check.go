package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"time"

	"tibot/intel"
	"tibot/ioc"
	"tibot/lookup"
)

const checkUsage = `Usage: tibot check [--format text|json|csv] [--deep] [--no-cache] [--db FILE] [--threatbook-url URL] IP...

Looks IP addresses up at ThreatBook (微步在线) and prints a verdict per IP.
Defanged and full-width forms are accepted (1.2.3[.]4, １.２.３.４).
Private and reserved addresses are reported as skipped and never sent.
Answers are cached in the database; a repeat costs no API quota.
Exit status: 0 all answered, 1 some lookups failed, 2 bad input or setup.

Flags:
`

// runCheck implements `tibot check` (design.md §5).
func runCheck(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runCheckWith(ctx, osStdio(stdin, stdout, stderr), args)
}

// checkFlags are check's parsed command line.
type checkFlags struct {
	format string
	deep   bool
	engine *engineFlags
	ips    []netip.Addr // unique, argument order
}

// runCheckWith is runCheck with an explicit environment (tests).
func runCheckWith(ctx context.Context, cli stdio, args []string) int {
	cfg := defaultConfig()
	f, code := parseCheck(cli, args, &cfg)
	if f == nil {
		return code
	}
	vs := make(map[netip.Addr]intel.Verdict, len(f.ips))
	if public := publicOnly(f.ips); len(public) > 0 {
		e, code := cli.open(ctx, "check", cfg, engineOptions{NoCache: f.engine.noCache})
		if e == nil {
			return code
		}
		defer e.Close()
		if err := checkLookup(ctx, cli, e, public, f.deep, vs); err != nil {
			cli.errorf("check", "%v", err)
			return exitFailed
		}
	}
	out := make([]intel.Verdict, len(f.ips))
	for i, ip := range f.ips {
		v, ok := vs[ip]
		if !ok {
			v = skipped(ip)
		}
		out[i] = v
	}
	if err := writeVerdicts(cli.stdout, f.format, out, time.Now()); err != nil {
		cli.errorf("check", "write output: %v", err)
		return exitFailed
	}
	return exitFor(out)
}

// parseCheck parses flags, IP arguments and the configuration. On a
// problem it prints it and returns nil with the exit code.
func parseCheck(cli stdio, args []string, cfg *Config) (*checkFlags, int) {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(cli.stderr)
	f := &checkFlags{}
	fs.StringVar(&f.format, "format", "text", "output: text (Chinese cards), json (JSON Lines) or csv")
	fs.BoolVar(&f.deep, "deep", false, "deep analysis (ThreatBook /v3/ip/query) instead of the reputation lookup")
	f.engine = addEngineFlags(fs, cfg)
	fs.Usage = func() { fmt.Fprint(cli.stderr, checkUsage); fs.PrintDefaults() }
	pos, err := parseFlags(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, exitOK
	}
	if err != nil {
		return nil, exitUsage
	}
	if err := validFormat(f.format); err != nil {
		cli.errorf("check", "%v", err)
		return nil, exitUsage
	}
	if f.ips, err = parseIPArgs(pos); err != nil {
		cli.errorf("check", "%v", err)
		return nil, exitUsage
	}
	if err := f.engine.load(cli.getenv); err != nil {
		cli.errorf("check", "%v", err)
		return nil, exitUsage
	}
	return f, exitOK
}

// parseIPArgs parses every argument as one IP address (defanged and
// full-width forms accepted), dropping repeats. All bad arguments are
// reported at once.
func parseIPArgs(args []string) ([]netip.Addr, error) {
	if len(args) == 0 {
		return nil, errors.New("no IP address given (usage: tibot check IP...)")
	}
	var ips []netip.Addr
	var bad []error
	seen := map[netip.Addr]bool{}
	for _, a := range args {
		ip, err := ioc.ParseIP(a)
		if err != nil {
			bad = append(bad, fmt.Errorf("%q is not an IP address (不是有效的 IP 地址)", a))
			continue
		}
		if !seen[ip] {
			seen[ip] = true
			ips = append(ips, ip)
		}
	}
	return ips, errors.Join(bad...)
}

// publicOnly returns the addresses that may be sent to ThreatBook.
func publicOnly(ips []netip.Addr) []netip.Addr {
	var out []netip.Addr
	for _, ip := range ips {
		if ioc.IsPublic(ip) {
			out = append(out, ip)
		}
	}
	return out
}

// checkLookup looks the public addresses up (reputation through the
// pipeline, or one deep analysis each) and stores the verdicts in into.
func checkLookup(ctx context.Context, cli stdio, e *engine, public []netip.Addr, deep bool, into map[netip.Addr]intel.Verdict) error {
	subj := cli.cliSubject()
	if deep {
		for _, ip := range public {
			v, _ := e.lookup.Deep(ctx, ip, subj, true) // failures are in v.Err
			into[ip] = v
		}
		return ctx.Err()
	}
	hits := make([]ioc.Hit, len(public))
	for i, ip := range public {
		hits[i] = ioc.Hit{Addr: ip, Count: 1, FirstLine: i + 1, Public: true}
	}
	res, err := e.lookup.Lookup(ctx, lookup.Request{Hits: hits, Subject: subj, Unmetered: true})
	for _, v := range res.Verdicts {
		into[v.IP] = v
	}
	return err
}

// writeVerdicts prints verdicts in the chosen format.
func writeVerdicts(w io.Writer, format string, vs []intel.Verdict, now time.Time) error {
	switch format {
	case "json":
		return writeJSON(w, vs)
	case "csv":
		return writeCSV(w, vs)
	}
	return writeCards(w, vs, now)
}
