package console

import (
	"os"
	"path/filepath"
	"testing"
)

func TestParser(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  []input // echo is not compared
	}{
		{"command", []string{"/ip 198.51.100.23 2001:db8::1"}, []input{{command: "ip", text: "198.51.100.23 2001:db8::1"}}},
		{"command without args", []string{"/help"}, []input{{command: "help"}}},
		{"command trims", []string{"  /quota   "}, []input{{command: "quota"}}},
		{"text", []string{"see 198.51.100.23"}, []input{{text: "see 198.51.100.23"}}},
		{"lone slash is text", []string{"/"}, []input{{text: "/"}}},
		{"slash space is text", []string{"/ ip"}, []input{{text: "/ ip"}}},
		{"blank skipped", []string{"", "   ", "x"}, []input{{text: "x"}}},
		{"each line is a message", []string{"a", "b"}, []input{{text: "a"}, {text: "b"}}},
		{"file", []string{"/file logs/my auth.log"}, []input{{file: "logs/my auth.log"}}},
		{"action", []string{"/action block_all 198.51.100.1,203.0.113.2"}, []input{{action: "block_all", value: "198.51.100.1,203.0.113.2"}}},
		{"action without value", []string{"/action deep"}, []input{{action: "deep"}}},
		{"block", []string{"```", "/ip 1.2.3.4", "", "  indented", "```", "after"},
			[]input{{text: "/ip 1.2.3.4\n\n  indented"}, {text: "after"}}},
		{"block with language", []string{"```log", "x", " ``` "}, []input{{text: "x"}}},
		{"empty block", []string{"```", "```"}, []input{{text: ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p parser
			var got []input
			for _, l := range tc.lines {
				if in := p.line(l); in != nil {
					in.echo = ""
					got = append(got, *in)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("message %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestParserFlushAtEOF(t *testing.T) {
	var p parser
	if p.flush(false) != nil {
		t.Error("flush without a block returned a message")
	}
	p.line("```")
	p.line("a")
	p.line("b")
	in := p.flush(false)
	if in == nil || in.text != "a\nb" || in.echo != "```\na\nb" {
		t.Errorf("flush = %+v", in)
	}
}

func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	for i, tc := range []struct{ name, want string }{
		{"r.csv", "r.csv"},
		{"r.csv", "r-2.csv"},
		{"r.csv", "r-3.csv"},
		{"../../escape.csv", "escape.csv"},
		{"", "attachment"},
	} {
		path, err := writeNew(dir, tc.name, []byte{byte(i)})
		if err != nil {
			t.Fatal(err)
		}
		if path != filepath.Join(dir, tc.want) {
			t.Errorf("writeNew(%q) = %s, want %s", tc.name, path, tc.want)
		}
		if data, _ := os.ReadFile(path); len(data) != 1 || data[0] != byte(i) {
			t.Errorf("%s holds %v", path, data)
		}
	}
}

func TestMimeType(t *testing.T) {
	for path, want := range map[string]string{
		"auth.log": "text/plain", "A.CSV": "text/csv", "x.json": "application/json", "messages": "", "x.gz": "application/gzip",
	} {
		if got := mimeType(path); got != want {
			t.Errorf("mimeType(%q) = %q, want %q", path, got, want)
		}
	}
}
