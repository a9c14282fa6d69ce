package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// extractFiles are written to a temporary folder; "@name" in a case's args
// stands for the path of file name.
var extractFiles = map[string]string{
	"a.log":   "Failed password for root from 203.0.113.7 port 22\nsrc=10.0.0.5 dst=8.8.8.8\n",
	"b.log":   "8.8.8.8 again, then 1.1.1.1 and 192.168.1.1\n1.1.1.1",
	"c.log":   "2606:4700::1111 and ::ffff:9.9.9.9\n",
	"bin.dat": "\x00\x01\x02ELF\x00 peer=5.6.7.8 \xff\xfe\x00",
	"empty":   "",
}

func TestRunExtract(t *testing.T) {
	dir := t.TempDir()
	for name, body := range extractFiles {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "folder"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantOut    string
		wantCode   int
		wantErrHas []string
	}{
		{name: "stdin public only", stdin: "src=8.8.8.8 dst=10.0.0.1\n1.1.1.1 8.8.8.8\n",
			wantOut: "8.8.8.8\n1.1.1.1\n"},
		{name: "stdin all", args: []string{"--all"}, stdin: "src=8.8.8.8 dst=10.0.0.1\n1.1.1.1 8.8.8.8\n",
			wantOut: "8.8.8.8\n10.0.0.1\n1.1.1.1\n"},
		{name: "lines", args: []string{"--lines"}, stdin: "8.8.8.8 10.0.0.1\n\n1.1.1.1 8.8.8.8 1.1.1.1\n",
			wantOut: "1\t8.8.8.8\n3\t1.1.1.1\n3\t8.8.8.8\n"},
		{name: "lines all", args: []string{"--lines", "--all"}, stdin: "8.8.8.8 10.0.0.1\n",
			wantOut: "1\t8.8.8.8\n1\t10.0.0.1\n"},
		{name: "defanged and full-width, canonical", stdin: "hxxps[:]//1.2.3[.]4/x １.２.３.５ 1。2。3。6 [2606:4700:0:0::1]:443 ::ffff:9.9.9.9\n",
			wantOut: "1.2.3.4\n1.2.3.5\n1.2.3.6\n2606:4700::1\n9.9.9.9\n"},
		{name: "versions and OIDs are not IPs", stdin: "version=6.4.12.1 Chrome/113.0.0.0 1.3.6.1.4.1.9 v1.2.3.4 8.8.4.4\n",
			wantOut: "8.8.4.4\n"},
		{name: "empty input", stdin: "", wantOut: ""},
		{name: "unique across files", args: []string{"@a.log", "@b.log", "@c.log"},
			wantOut: "8.8.8.8\n1.1.1.1\n2606:4700::1111\n9.9.9.9\n"},
		{name: "all across files", args: []string{"--all", "@a.log", "@b.log"},
			wantOut: "203.0.113.7\n10.0.0.5\n8.8.8.8\n1.1.1.1\n192.168.1.1\n"},
		{name: "lines numbered across files", args: []string{"--lines", "@a.log", "@b.log", "@c.log"},
			wantOut: "2\t8.8.8.8\n3\t8.8.8.8\n3\t1.1.1.1\n4\t1.1.1.1\n5\t2606:4700::1111\n5\t9.9.9.9\n"},
		{name: "dash is stdin", args: []string{"@empty", "-"}, stdin: "9.9.9.9\n", wantOut: "9.9.9.9\n"},
		{name: "missing file", args: []string{"@a.log", "@nope.log"}, wantCode: 2,
			wantErrHas: []string{"nope.log", "no such file"}},
		{name: "directory", args: []string{"@folder"}, wantCode: 2, wantErrHas: []string{"folder", "directory"}},
		{name: "binary warns and still prints", args: []string{"@bin.dat"}, wantOut: "5.6.7.8\n",
			wantErrHas: []string{"bin.dat", "binary"}},
		{name: "bad flag", args: []string{"--format=json"}, wantCode: 2, wantErrHas: []string{"format"}},
		{name: "help", args: []string{"-h"}, wantCode: 0, wantErrHas: []string{"usage: tibot extract"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				if name, ok := strings.CutPrefix(a, "@"); ok {
					a = filepath.Join(dir, name)
				}
				args[i] = a
			}
			var out, errOut bytes.Buffer
			code := runExtract(context.Background(), args, strings.NewReader(tt.stdin), &out, &errOut)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.wantCode, errOut.String())
			}
			if out.String() != tt.wantOut {
				t.Errorf("stdout\n%q\nwant\n%q", out.String(), tt.wantOut)
			}
			for _, s := range tt.wantErrHas {
				if !strings.Contains(errOut.String(), s) {
					t.Errorf("stderr %q does not mention %q", errOut.String(), s)
				}
			}
			if len(tt.wantErrHas) == 0 && errOut.Len() > 0 {
				t.Errorf("unexpected stderr %q", errOut.String())
			}
		})
	}
}

// TestRunExtractCancelled stops reading when the context is done.
func TestRunExtractCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errOut bytes.Buffer
	if code := runExtract(ctx, nil, strings.NewReader("8.8.8.8\n"), &out, &errOut); code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
	if out.Len() != 0 {
		t.Errorf("printed %q after cancellation", out.String())
	}
}
