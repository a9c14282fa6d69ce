package commands

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"tibot/bot"
	"tibot/intel"
)

func TestPasteAnswersPublicIPs(t *testing.T) {
	lk := &fakeLooker{}
	rt := newTestRouter(t, lk, nil)
	var r recorder
	paste := "Nov 27 04:00:01 fw1 DROP src=45.33.32.156 dst=10.0.0.5\nNov 27 04:00:02 fw1 DROP src=185.220.101.4 dst=10.0.0.5"
	if err := rt.Handle(context.Background(), msg(paste), &r); err != nil {
		t.Fatal(err)
	}
	reqs := lk.requests()
	if len(reqs) != 1 || len(reqs[0].Hits) != 3 {
		t.Fatalf("requests = %+v, want one with 3 hits (private included, lookup skips it)", reqs)
	}
	out := r.sent()
	if len(out) != 3 || !strings.Contains(out[0].card.Text, "1 个内网") {
		t.Fatalf("replies = %+v, want a private note and two cards", out)
	}
}

func TestPasteTooLong(t *testing.T) {
	lk := &fakeLooker{}
	rt := newTestRouter(t, lk, func(c *Config) { c.MaxPasteChars = 50 })
	for _, text := range []string{strings.Repeat("日志 1.1.1.1 ", 10), "/ip " + strings.Repeat("1.1.1.1 ", 10)} {
		err := rt.Handle(context.Background(), msg(text), &recorder{})
		if intel.ErrorCode(err) != intel.EInvalid || !strings.Contains(intel.ErrorMessage(err), "文件形式上传") {
			t.Fatalf("err = %v (%q), want EInvalid asking for a file upload", err, intel.ErrorMessage(err))
		}
	}
	if len(lk.requests()) != 0 {
		t.Error("looked up a paste over the cap")
	}
}

func TestPasteBatchHasSourceAndCSVUpload(t *testing.T) {
	var b strings.Builder
	for i := range 30 {
		fmt.Fprintf(&b, "conn from 45.33.1.%d\n", i+1)
	}
	rt := newTestRouter(t, &fakeLooker{}, nil)
	var r editRecorder
	if err := rt.Handle(context.Background(), msg(b.String()), &r); err != nil {
		t.Fatal(err)
	}
	out := r.sent()
	if len(out) != 2 || out[0].kind != "reply" || out[1].kind != "upload" {
		t.Fatalf("got %+v, want a batch card then a CSV upload", kinds(out))
	}
	if out[0].card.Attachment != nil {
		t.Error("attachment left in the card although the replier uploads it")
	}
	if !strings.Contains(out[0].card.Footer, "粘贴内容") || !strings.HasSuffix(out[1].att.Name, ".csv") {
		t.Errorf("footer %q, attachment %q", out[0].card.Footer, out[1].att.Name)
	}
}

func TestPasteAttachmentKeptWithoutUploader(t *testing.T) {
	var b strings.Builder
	for i := range 30 {
		fmt.Fprintf(&b, "45.33.2.%d\n", i+1)
	}
	rt := newTestRouter(t, &fakeLooker{}, nil)
	var r recorder
	if err := rt.Handle(context.Background(), msg(b.String()), &r); err != nil {
		t.Fatal(err)
	}
	if out := r.sent(); len(out) != 1 || out[0].card.Attachment == nil {
		t.Fatalf("got %+v, want one batch card carrying its CSV", kinds(out))
	}
}

func kinds(ss []sent) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.kind+":"+s.card.Title+s.card.Text)
	}
	return out
}

// fileOf is an attached file with the given content.
func fileOf(name, content string, size int64) bot.File {
	return bot.File{Name: name, Size: size, Open: func(context.Context) (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(content)), nil
	}}
}

func TestFiles(t *testing.T) {
	tests := []struct {
		name   string
		file   bot.File
		code   intel.Code
		has    string // in the error message or the reply
		lookup bool
	}{
		{"binary", fileOf("a.bin", "\x00\x01\x02ELF\x00\x00 1.1.1.1 \x00\xff\xfe", -1), intel.EInvalid, "二进制", false},
		{"empty", fileOf("e.log", "", 0), intel.EInvalid, "空", false},
		{"declared too large", fileOf("big.log", "1.1.1.1", 50), intel.EInvalid, "过大", false},
		{"streamed too large", fileOf("big.log", strings.Repeat("1.1.1.1\n", 10), -1), intel.EInvalid, "过大", false},
		{"no public IP", fileOf("lan.log", "10.0.0.1\n10.0.0.2\n", -1), "", "未发现公网 IP", false},
		{"open fails", bot.File{Name: "x.log", Open: func(context.Context) (io.ReadCloser, error) {
			return nil, io.ErrUnexpectedEOF
		}}, intel.EUpstream, "无法读取", false},
		{"text", fileOf("fw.log", "deny 8.8.8.8\n", -1), "", "8.8.8.8", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lk := &fakeLooker{}
			rt := newTestRouter(t, lk, func(c *Config) { c.MaxFileBytes = 40 })
			m := msg("")
			m.Files = []bot.File{tc.file}
			var r recorder
			err := rt.Handle(context.Background(), m, &r)
			if intel.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want code %q", err, tc.code)
			}
			text := intel.ErrorMessage(err)
			for _, s := range r.sent() {
				text += s.card.Title + s.card.Text
			}
			if !strings.Contains(text, tc.has) {
				t.Errorf("answer %q lacks %q", text, tc.has)
			}
			if got := len(lk.requests()) > 0; got != tc.lookup {
				t.Errorf("looked up = %v, want %v", got, tc.lookup)
			}
		})
	}
}

func TestSeveralFilesEachAnswered(t *testing.T) {
	lk := &fakeLooker{}
	rt := newTestRouter(t, lk, nil)
	m := msg("")
	m.Files = []bot.File{fileOf("a.bin", "\x00\x00\x00\x00", -1), fileOf("b.log", "8.8.8.8", -1)}
	var r recorder
	if err := rt.Handle(context.Background(), m, &r); err != nil {
		t.Fatal(err)
	}
	out := r.sent()
	if len(out) != 2 || !strings.Contains(out[0].card.Text, "二进制") || !strings.Contains(out[1].card.Title, "8.8.8.8") {
		t.Fatalf("got %v, want the binary message then the 8.8.8.8 card", kinds(out))
	}
}
